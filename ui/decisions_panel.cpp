#include "decisions_panel.h"

#include "agent_table_model.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hm {

namespace {
QColor outcomeColour(const std::string& o)
{
    if (o == "sent")
        return QColor(120, 200, 140);
    if (o == "awaiting approval")
        return QColor(230, 180, 70);
    return QColor(235, 110, 110);
}
} // namespace

DecisionsPanel::DecisionsPanel(QWidget* parent) : QWidget(parent)
{
    m_agent = new QComboBox;
    m_agent->setObjectName(QStringLiteral("decisionsAgent"));
    m_agent->addItem(tr("all agents"));
    connect(m_agent, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
    m_table = new QTableWidget(0, 4);
    m_table->setObjectName(QStringLiteral("decisionsTable"));
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Agent"), tr("Outcome"), tr("Order and reason")});
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setColumnWidth(0, 90);
    m_table->setColumnWidth(1, 80);
    m_table->setColumnWidth(2, 110);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] { showSelected(); });
    m_details = new QPlainTextEdit;
    m_details->setObjectName(QStringLiteral("decisionDetails"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 9));
    m_details->setMaximumHeight(130);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show")));
    top->addWidget(m_agent, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_details);
}

void DecisionsPanel::reset()
{
    m_decisions.clear();
    m_table->setRowCount(0);
    m_details->clear();
}

void DecisionsPanel::update(const EngineSnapshot& s)
{
    for (const AgentView& a : s.agents)
        if (m_agent->findText(QString::fromStdString(a.id)) < 0)
            m_agent->addItem(QString::fromStdString(a.id));
    if (s.newDecisions.empty())
        return;
    for (const DecisionView& d : s.newDecisions)
        m_decisions.push_front(d);
    while (m_decisions.size() > kMax)
        m_decisions.pop_back();
    // Only the new rows are added, on top, and the oldest beyond the table's bound go:
    // the work follows what arrived, not what is on show.
    const QString filter = m_agent->currentIndex() == 0 ? QString() : m_agent->currentText();
    std::vector<const DecisionView*> shown; // newest first
    for (auto it = s.newDecisions.rbegin(); it != s.newDecisions.rend() && shown.size() < kShown; ++it)
        if (filter.isEmpty() || QString::fromStdString(it->agent) == filter)
            shown.push_back(&*it);
    if (shown.empty())
        return;
    const int keep = m_table->currentRow();
    m_table->model()->insertRows(0, static_cast<int>(shown.size()));
    for (int row = 0; row < static_cast<int>(shown.size()); ++row)
        setRow(row, *shown[static_cast<std::size_t>(row)]);
    if (m_table->rowCount() > static_cast<int>(kShown))
        m_table->model()->removeRows(static_cast<int>(kShown), m_table->rowCount() - static_cast<int>(kShown));
    if (keep >= 0 && keep < m_table->rowCount())
        m_table->selectRow(keep);
    else if (m_table->rowCount() > 0)
        m_table->selectRow(0); // the newest, so its reasons are on show
}

void DecisionsPanel::setRow(int row, const DecisionView& d)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(d.time / 1000000).toString(QStringLiteral("HH:mm:ss.zzz"));
    auto* outcome = new QTableWidgetItem(QString::fromStdString(d.outcome));
    outcome->setForeground(outcomeColour(d.outcome));
    m_table->setItem(row, 0, new QTableWidgetItem(time));
    m_table->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(d.agent)));
    m_table->setItem(row, 2, outcome);
    m_table->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(d.order + ": " + d.why.summary)));
}

void DecisionsPanel::rebuild()
{
    const QString filter = m_agent->currentIndex() == 0 ? QString() : m_agent->currentText();
    const int keep = m_table->currentRow();
    std::vector<const DecisionView*> shown;
    for (const DecisionView& d : m_decisions) {
        if (shown.size() >= kShown) // the newest on screen; the journal keeps them all
            break;
        if (filter.isEmpty() || QString::fromStdString(d.agent) == filter)
            shown.push_back(&d);
    }
    m_table->setRowCount(static_cast<int>(shown.size()));
    for (int row = 0; row < static_cast<int>(shown.size()); ++row)
        setRow(row, *shown[static_cast<std::size_t>(row)]);
    if (keep >= 0 && keep < m_table->rowCount())
        m_table->selectRow(keep);
    else if (m_table->rowCount() > 0)
        m_table->selectRow(0); // the newest, so its reasons are on show
}

int DecisionsPanel::rows() const { return m_table->rowCount(); }

QString DecisionsPanel::details(int row) const
{
    const QString filter = m_agent->currentIndex() == 0 ? QString() : m_agent->currentText();
    int shown = 0;
    for (const DecisionView& d : m_decisions) {
        if (!filter.isEmpty() && QString::fromStdString(d.agent) != filter)
            continue;
        if (shown++ == row) {
            QString text = QStringLiteral("%1 %2: %3\n").arg(QString::fromStdString(d.agent), QString::fromStdString(d.outcome),
                                                             QString::fromStdString(d.order));
            text += rationaleText(d.why);
            if (!d.note.empty())
                text += QStringLiteral("\n(%1)").arg(QString::fromStdString(d.note));
            return text;
        }
    }
    return {};
}

void DecisionsPanel::showSelected()
{
    const QString text = details(m_table->currentRow());
    if (m_details->toPlainText() != text)
        m_details->setPlainText(text);
}

} // namespace hm
