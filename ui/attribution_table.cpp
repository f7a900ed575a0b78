#include "attribution_table.h"

#include "risk_gauge.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace hm {

namespace {
void setCell(QTableWidget* t, int row, int column, const QString& text, const QColor& colour = {})
{
    QTableWidgetItem* item = t->item(row, column);
    if (!item) {
        item = new QTableWidgetItem;
        item->setTextAlignment(column >= 2 ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
        t->setItem(row, column, item);
    }
    if (item->text() != text)
        item->setText(text);
    // Only what changed: every set is a dataChanged the view answers.
    const QBrush brush(colour.isValid() ? colour : QColor(Qt::white));
    if (item->foreground() != brush)
        item->setForeground(brush);
}

QColor signColour(double v) { return v < 0 ? QColor("#ff8080") : v > 0 ? QColor("#80e080") : QColor(); }
} // namespace

AttributionTable::AttributionTable(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("attributionTable"));
    m_later = new QTimer(this);
    m_later->setSingleShot(true);
    connect(m_later, &QTimer::timeout, this, [this] {
        if (m_stale && isVisible())
            redraw();
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("P&L = alpha - shortfall - fees, grouped")));
    m_grouping = new QComboBox;
    m_grouping->setObjectName(QStringLiteral("attributionGrouping"));
    m_grouping->addItem(tr("by agent and instrument"), static_cast<int>(AttributionGrouping::AgentAndInstrument));
    m_grouping->addItem(tr("by agent"), static_cast<int>(AttributionGrouping::Agent));
    m_grouping->addItem(tr("by instrument"), static_cast<int>(AttributionGrouping::Instrument));
    connect(m_grouping, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    top->addWidget(m_grouping);
    top->addStretch();
    layout->addLayout(top);
    m_table = new QTableWidget(0, 8);
    m_table->setObjectName(QStringLiteral("attributionRows"));
    m_table->setHorizontalHeaderLabels({tr("Agent"), tr("Instrument"), tr("Filled"), tr("Alpha"), tr("Shortfall"),
                                        tr("bps"), tr("Fees"), tr("P&L")});
    m_table->setToolTip(tr("Alpha: the move from each order's arrival price (a parent order's, for its executor) to "
                           "the mark on what was filled. Shortfall: fill prices against the arrival price, a cost "
                           "when positive. P&L = alpha - shortfall - fees."));
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(18);
    // Fixed widths: sizing to contents measures every cell of a column at each change.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(0, 170);
    m_table->setColumnWidth(1, 80);
    for (int c = 2; c < 7; ++c)
        m_table->setColumnWidth(c, 70);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    layout->addWidget(m_table);
}

void AttributionTable::setGrouping(AttributionGrouping by)
{
    m_grouping->setCurrentIndex(m_grouping->findData(static_cast<int>(by)));
}

void AttributionTable::update(const EngineSnapshot& s)
{
    m_rows = s.attribution; // a copy of a few hundred rows at most: cheap next to drawing them
    m_stale = true;
    if (!isVisible())
        return;
    const qint64 since = m_lastDraw.isValid() ? m_lastDraw.elapsed() : 250;
    if (since >= 250)
        redraw();
    else if (!m_later->isActive())
        m_later->start(static_cast<int>(250 - since));
}

void AttributionTable::setRows(const std::vector<AttributionView>& rows)
{
    m_rows = rows;
    m_stale = true;
    redraw();
}

void AttributionTable::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        redraw();
}

void AttributionTable::redraw()
{
    m_stale = false;
    m_lastDraw.start();
    const auto by = static_cast<AttributionGrouping>(m_grouping->currentData().toInt());
    const std::vector<AttributionView> shown = groupAttribution(m_rows, by, true);
    const int n = static_cast<int>(shown.size());
    if (m_table->rowCount() != n)
        m_table->setRowCount(n);
    for (int i = 0; i < n; ++i) {
        const AttributionView& r = shown[static_cast<std::size_t>(i)];
        setCell(m_table, i, 0, QString::fromStdString(r.agent) + (r.parent && by != AttributionGrouping::Agent ? tr(" (parent)") : QString()));
        setCell(m_table, i, 1, QString::fromStdString(r.symbol));
        setCell(m_table, i, 2, QString::number(r.bought + r.sold));
        setCell(m_table, i, 3, compactNumber(r.alpha), signColour(r.alpha));
        setCell(m_table, i, 4, compactNumber(r.shortfall), signColour(-r.shortfall));
        setCell(m_table, i, 5, QString::number(r.shortfallBps(), 'f', 1), signColour(-r.shortfall));
        setCell(m_table, i, 6, compactNumber(r.fees));
        setCell(m_table, i, 7, compactNumber(r.pnl()), signColour(r.pnl()));
    }
}

} // namespace hm
