#pragma once
// One row per agent, from the snapshot. State is shown by colour and by text, so a
// paused agent never looks like a running one, even to a colour-blind trader.
#include "engine/snapshot.h"

#include <QAbstractTableModel>
#include <QColor>

#include <vector>

namespace hm {

QColor stateColour(AgentState s);
// The rationale's summary, then one aligned "name = value" line per factor.
QString rationaleText(const Rationale& why);

class AgentTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, State, Type, Symbol, Progress, OrdersPerSecond, Throttle, Position, Pnl, Working, Approvals, SelfTrades, Decision, ColumnCount };
    // Qt::UserRole on the Progress column: done / target in [0,1], or -1 without a parent order.
    static constexpr int ProgressRole = Qt::UserRole + 1;

    explicit AgentTableModel(QObject* parent = nullptr);
    void update(const EngineSnapshot& snapshot);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    const AgentView* agentAt(int row) const;
    int rowOf(const std::string& id) const;

private:
    std::vector<AgentView> m_rows;
};

} // namespace hm
