#pragma once
// P&L split by where it came from: the signal's alpha, the execution's shortfall and the
// fees, per agent, per instrument, or both (core/engine/attribution.h). A parent order's
// executors add up under the agent that proposed it in the per-agent view.
#include "engine/attribution.h"
#include "snapshot_panel.h"

#include <QElapsedTimer>
#include <QWidget>

#include <vector>

class QComboBox;
class QTimer;
class QTableWidget;

namespace hm {

class AttributionTable : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit AttributionTable(QWidget* parent = nullptr);
    // Four times a second at most, and only while the table can be seen: a hidden one
    // keeps the rows and draws them when shown.
    void update(const EngineSnapshot& snapshot) override;
    void reset() override { m_lastDraw.invalidate(); }
    void setRows(const std::vector<AttributionView>& rows);
    void setGrouping(AttributionGrouping by);
    QTableWidget& table() { return *m_table; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void redraw();

    QComboBox* m_grouping = nullptr;
    QTableWidget* m_table = nullptr;
    std::vector<AttributionView> m_rows;
    bool m_stale = false;                       // rows arrived while hidden or too soon
    QElapsedTimer m_lastDraw;
    QTimer* m_later = nullptr; // draws rows held back by the rate limit, if no snapshot follows
};

} // namespace hm
