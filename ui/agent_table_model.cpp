#include "agent_table_model.h"

namespace hm {

QColor stateColour(AgentState s)
{
    switch (s) {
    case AgentState::Armed: return QColor(90, 110, 140);
    case AgentState::Running: return QColor(40, 140, 70);
    case AgentState::Paused: return QColor(120, 120, 120);
    case AgentState::Throttled: return QColor(190, 140, 30);
    case AgentState::ReduceOnly: return QColor(170, 110, 40);
    case AgentState::Halted: return QColor(200, 80, 30);
    case AgentState::Killed: return QColor(180, 30, 40);
    }
    return QColor(90, 90, 90);
}

QString rationaleText(const Rationale& why)
{
    int width = 0;
    for (const auto& f : why.factors)
        width = std::max(width, static_cast<int>(f.first.size()));
    QString t = QString::fromStdString(why.summary);
    for (const auto& f : why.factors)
        t += QStringLiteral("\n  %1 = %2").arg(QString::fromStdString(f.first), -width).arg(f.second, 0, 'g', 6);
    return t;
}

AgentTableModel::AgentTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void AgentTableModel::update(const EngineSnapshot& s)
{
    const bool sameRows = s.agents.size() == m_rows.size()
        && std::equal(s.agents.begin(), s.agents.end(), m_rows.begin(),
                      [](const AgentView& a, const AgentView& b) { return a.id == b.id; });
    if (!sameRows) {
        beginResetModel();
        m_rows = s.agents;
        endResetModel();
        return;
    }
    m_rows = s.agents;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int AgentTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AgentTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const AgentView* AgentTableModel::agentAt(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<std::size_t>(row)] : nullptr;
}

int AgentTableModel::rowOf(const std::string& id) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return static_cast<int>(i);
    return -1;
}

namespace {
QString stateText(const AgentView& a)
{
    QString t = QString::fromLatin1(toString(a.state)).toUpper();
    if (a.retired && isLive(a.state))
        return QStringLiteral("DONE");
    if (a.cancelsPending > 0)
        t += QStringLiteral(" · cancelling %1").arg(a.cancelsPending);
    return t;
}
} // namespace

QVariant AgentTableModel::data(const QModelIndex& index, int role) const
{
    const AgentView* a = agentAt(index.row());
    if (!a)
        return {};
    const int col = index.column();
    if (role == ProgressRole && col == Progress)
        return a->progress.target > 0 ? static_cast<double>(a->progress.done) / static_cast<double>(a->progress.target) : -1.0;
    if (role == Qt::BackgroundRole && col == State)
        return a->retired && isLive(a->state) ? QColor(60, 90, 120) : stateColour(a->state);
    if (role == Qt::ForegroundRole && col == State)
        return QColor(Qt::white);
    if (role == Qt::ForegroundRole && col == Pnl)
        return a->pnl < 0 ? QColor(230, 90, 90) : QColor(110, 210, 130);
    if (role == Qt::ToolTipRole) {
        if (col == State)
            return QString::fromStdString(a->stateReason);
        if (col == SelfTrades)
            return tr("Stopped by self-trade prevention: %1 of its new orders refused, %2 of its resting orders "
                      "cancelled for another order of ours")
                .arg(a->selfTrades.newDenied)
                .arg(a->selfTrades.restingCancelled);
        if (col == Decision) {
            return rationaleText(a->lastRationale);
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole)
        return col >= OrdersPerSecond && col <= SelfTrades ? int(Qt::AlignRight | Qt::AlignVCenter) : int(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (col) {
    case Id: return QString::fromStdString(a->id);
    case State: return stateText(*a);
    case Type: return QString::fromStdString(a->type);
    case Symbol: return QString::fromStdString(a->symbol);
    case Progress:
        return a->progress.target > 0 ? QStringLiteral("%1 / %2").arg(a->progress.done).arg(a->progress.target)
                                      : QStringLiteral("—");
    case OrdersPerSecond: return QString::number(a->ordersPerSecond, 'f', 1);
    case Throttle: return QStringLiteral("%1%").arg(a->throttle.level);
    case Position: return QVariant::fromValue<qlonglong>(a->position);
    case Pnl: return QString::number(a->pnl, 'f', 2);
    case Working: return a->working;
    case Approvals: return a->awaitingApproval;
    case SelfTrades: // new refused / resting cancelled
        return QStringLiteral("%1 / %2").arg(a->selfTrades.newDenied).arg(a->selfTrades.restingCancelled);
    case Decision: return QString::fromStdString(a->lastDecision);
    default: return {};
    }
}

QVariant AgentTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Agent", "State", "Type", "Symbol", "Parent order", "Orders/s", "Throttle",
                                  "Position", "P&L", "Working", "Awaiting", "Self-trades", "Last decision"};
    return tr(names[section]);
}

} // namespace hm
