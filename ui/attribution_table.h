#pragma once
// P&L split by where it came from: the signal's alpha, the execution's shortfall and the
// fees, per agent, per instrument, or both (core/engine/attribution.h). A parent order's
// executors add up under the agent that proposed it in the per-agent view.
#include "engine/attribution.h"
#include "snapshot_panel.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QTableWidget;

namespace hm {

class AttributionTable : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit AttributionTable(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override; // four times a second at most
    void reset() override { m_shownAt = 0; }
    void show(const std::vector<AttributionView>& rows);
    void setGrouping(AttributionGrouping by);
    QTableWidget& table() { return *m_table; }

private:
    void redraw();

    QComboBox* m_grouping = nullptr;
    QTableWidget* m_table = nullptr;
    std::vector<AttributionView> m_rows;
    Timestamp m_shownAt = 0;
};

} // namespace hm
