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
QString number(double v, int decimals = 2)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', decimals);
}

QTableWidget* reportTable(const QStringList& headers)
{
    auto* t = new QTableWidget;
    t->setColumnCount(headers.size());
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    return t;
}

// Text columns stay left, figures right.
void fillRow(QTableWidget& t, int row, const QStringList& cells, int firstNumber, int lastNumber)
{
    for (int c = 0; c < cells.size(); ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (c >= firstNumber && c <= lastNumber)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        t.setItem(row, c, item);
    }
}

bool writeCsv(const QString& file, const QString& journal, void (*write)(const ExecutionReportData&, std::ostream&))
{
    std::ofstream out(file.toStdString());
    if (!out)
        return false;
    write(executionReport(JournalReader(journal.toStdString())), out);
    return static_cast<bool>(out);
}
} // namespace

ExecutionReportDialog::ExecutionReportDialog(const QString& journalPath, QWidget* parent)
    : QDialog(parent), m_journal(journalPath)
{
    setWindowTitle(tr("Execution report — %1").arg(journalPath));
    setObjectName(QStringLiteral("executionReport"));
    resize(1250, 560);
    auto* explain = new QLabel(tr("Implementation shortfall in bps of each parent order's value at the decision price "
                                  "(positive = cost): delay (decision to first order) + impact (paid against the mid at "
                                  "each fill) + timing (the mid's drift while working) + opportunity (the unfilled rest, "
                                  "marked at the end) = total. TWAP and VWAP are the market's over the same window."));
    explain->setWordWrap(true);
    m_table = reportTable({tr("agent"), tr("type"), tr("instrument"), tr("side"), tr("parent"), tr("filled"), tr("delay"),
                           tr("impact"), tr("timing"), tr("opportunity"), tr("total"), tr("avg px"), tr("TWAP"), tr("VWAP"),
                           tr("vs TWAP"), tr("vs VWAP"), tr("position"), tr("P&L"), tr("ended by")});
    m_instruments = reportTable({tr("instrument"), tr("agents"), tr("orders"), tr("fills"), tr("bought"), tr("sold"),
                                 tr("position"), tr("avg buy"), tr("avg sell"), tr("last mid"), tr("P&L"), tr("market volume"),
                                 tr("share %"), tr("shortfall bps")});
    m_instruments->setObjectName(QStringLiteral("instrumentSummary"));
    try {
        WaitCursor wait;
        const ExecutionReportData report = executionReport(JournalReader(journalPath.toStdString()));
        m_table->setRowCount(static_cast<int>(report.rows.size()));
        int row = 0;
        for (const auto& r : report.rows)
            fillRow(*m_table, row++,
                    {QString::fromStdString(r.agent), QString::fromStdString(r.type), QString::fromStdString(r.symbol),
                     r.side > 0 ? tr("buy") : tr("sell"), r.parentQty ? QString::number(r.parentQty) : QStringLiteral("-"),
                     QString::number(r.filledQty), number(r.delayBps), number(r.impactBps), number(r.timingBps),
                     number(r.opportunityBps), number(r.totalBps), number(r.avgPx, 4), number(r.twapPx, 4),
                     number(r.vwapPx, 4), number(r.vsTwapBps), number(r.vsVwapBps), QString::number(r.position),
                     number(r.pnl), QString::fromStdString(r.endedBy)},
                    4, 17);
        m_instruments->setRowCount(static_cast<int>(report.instruments.size()));
        row = 0;
        for (const auto& i : report.instruments)
            fillRow(*m_instruments, row++,
                    {QString::fromStdString(i.symbol), QString::number(i.agents), QString::number(i.orders),
                     QString::number(i.fills), QString::number(i.boughtQty), QString::number(i.soldQty),
                     QString::number(i.position), number(i.avgBuyPx, 4), number(i.avgSellPx, 4), number(i.lastMid, 4),
                     number(i.pnl), QString::number(i.marketVolume), number(i.participation * 100, 1),
                     number(i.shortfallBps)},
                    1, 13);
    } catch (const std::exception& e) {
        explain->setText(QString::fromStdString(e.what()));
        explain->setStyleSheet(QStringLiteral("color:#ff8080"));
    }
    m_table->resizeColumnsToContents();
    m_instruments->resizeColumnsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton* save = buttons->addButton(tr("Save CSV…"), QDialogButtonBox::ActionRole);
    connect(save, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Save execution report"), QStringLiteral("execution-report.csv"),
                                                          tr("CSV (*.csv)"));
        if (!file.isEmpty())
            saveCsv(file);
    });
    QPushButton* saveInstruments = buttons->addButton(tr("Save instruments CSV…"), QDialogButtonBox::ActionRole);
    connect(saveInstruments, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Save the summary by instrument"),
                                                          QStringLiteral("instruments.csv"), tr("CSV (*.csv)"));
        if (!file.isEmpty())
            saveInstrumentsCsv(file);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explain);
    layout->addWidget(m_table, 2);
    layout->addWidget(new QLabel(tr("By instrument: every agent and the operator together; P&L at the last mid; share "
                                    "= our filled quantity over the market's volume; shortfall of the parent orders "
                                    "worked in it, weighted by their value.")));
    layout->addWidget(m_instruments, 1);
    layout->addWidget(buttons);
}

bool ExecutionReportDialog::saveCsv(const QString& file) const
{
    return writeCsv(file, m_journal, &writeExecutionReportCsv);
}

bool ExecutionReportDialog::saveInstrumentsCsv(const QString& file) const
{
    return writeCsv(file, m_journal, &writeInstrumentSummaryCsv);
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
