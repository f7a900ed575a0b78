#include "analysis_dialogs.h"

#include "replay/analysis.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <fstream>
#include <sstream>

namespace hm {
namespace {
struct WaitCursor {
    WaitCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
    ~WaitCursor() { QApplication::restoreOverrideCursor(); }
};
QString number(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', 2);
}
} // namespace

ExecutionReportDialog::ExecutionReportDialog(const QString& journalPath, QWidget* parent)
    : QDialog(parent), m_journal(journalPath)
{
    setWindowTitle(tr("Execution report — %1").arg(journalPath));
    setObjectName(QStringLiteral("executionReport"));
    resize(1150, 420);
    auto* explain = new QLabel(tr("Implementation shortfall in bps of each parent order's value at the decision price "
                                  "(positive = cost): delay (decision to first order) + impact (paid against the mid at "
                                  "each fill) + timing (the mid's drift while working) + opportunity (the unfilled rest, "
                                  "marked at the end) = total. TWAP and VWAP are the market's over the same window."));
    explain->setWordWrap(true);
    m_table = new QTableWidget;
    const QStringList headers = {tr("agent"), tr("type"), tr("side"), tr("parent"), tr("filled"), tr("delay"), tr("impact"),
                                 tr("timing"), tr("opportunity"), tr("total"), tr("avg px"), tr("TWAP"), tr("VWAP"),
                                 tr("vs TWAP"), tr("vs VWAP"), tr("ended by")};
    m_table->setColumnCount(headers.size());
    m_table->setHorizontalHeaderLabels(headers);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    try {
        WaitCursor wait;
        const ExecutionReportData report = executionReport(JournalReader(journalPath.toStdString()));
        m_table->setRowCount(static_cast<int>(report.rows.size()));
        int row = 0;
        for (const auto& r : report.rows) {
            const QStringList cells = {QString::fromStdString(r.agent), QString::fromStdString(r.type),
                                       r.side > 0 ? tr("buy") : tr("sell"),
                                       r.parentQty ? QString::number(r.parentQty) : QStringLiteral("-"),
                                       QString::number(r.filledQty), number(r.delayBps), number(r.impactBps),
                                       number(r.timingBps), number(r.opportunityBps), number(r.totalBps),
                                       QString::number(r.avgPx, 'f', 4), QString::number(r.twapPx, 'f', 4),
                                       QString::number(r.vwapPx, 'f', 4), number(r.vsTwapBps), number(r.vsVwapBps),
                                       QString::fromStdString(r.endedBy)};
            for (int c = 0; c < cells.size(); ++c) {
                QString text = cells[c];
                auto* item = new QTableWidgetItem(text.replace(QStringLiteral("nan"), QStringLiteral("-")));
                if (c >= 3 && c < 15)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_table->setItem(row, c, item);
            }
            ++row;
        }
    } catch (const std::exception& e) {
        explain->setText(QString::fromStdString(e.what()));
        explain->setStyleSheet(QStringLiteral("color:#ff8080"));
    }
    m_table->resizeColumnsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton* save = buttons->addButton(tr("Save CSV…"), QDialogButtonBox::ActionRole);
    connect(save, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Save execution report"), QStringLiteral("execution-report.csv"),
                                                          tr("CSV (*.csv)"));
        if (!file.isEmpty())
            saveCsv(file);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explain);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
}

bool ExecutionReportDialog::saveCsv(const QString& file) const
{
    std::ofstream out(file.toStdString());
    if (!out)
        return false;
    writeExecutionReportCsv(executionReport(JournalReader(m_journal.toStdString())), out);
    return static_cast<bool>(out);
}

QString whatIfText(const QString& journalPath, const std::vector<std::pair<std::string, std::string>>& overrides)
{
    try {
        WaitCursor wait;
        std::ostringstream out;
        printWhatIf(whatIfLimits(JournalReader(journalPath.toStdString()), overrides), out);
        return QString::fromStdString(out.str());
    } catch (const std::exception& e) {
        return QObject::tr("What-if not possible: %1").arg(QString::fromStdString(e.what()));
    }
}

void showTextDialog(QWidget* parent, const QString& title, const QString& text)
{
    auto* d = new QDialog(parent);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->setWindowTitle(title);
    d->resize(1000, 480);
    auto* view = new QPlainTextEdit(text);
    view->setObjectName(QStringLiteral("analysisText"));
    view->setReadOnly(true);
    view->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 9));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(buttons, &QDialogButtonBox::rejected, d, &QDialog::reject);
    auto* layout = new QVBoxLayout(d);
    layout->addWidget(view);
    layout->addWidget(buttons);
    d->show();
}

QString exportRecordsDialog(QWidget* parent, const QString& journalPath, Timestamp from, Timestamp to)
{
    const QString file = QFileDialog::getSaveFileName(parent, QObject::tr("Export records to CSV"),
                                                      QStringLiteral("journal-export.csv"), QObject::tr("CSV (*.csv)"));
    if (file.isEmpty())
        return {};
    try {
        WaitCursor wait;
        std::ofstream out(file.toStdString());
        if (!out)
            return QObject::tr("cannot write %1").arg(file);
        const std::size_t n = exportCsv(JournalReader(journalPath.toStdString()), from, to, out);
        return QObject::tr("exported %1 records to %2").arg(n).arg(file);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

} // namespace hm
