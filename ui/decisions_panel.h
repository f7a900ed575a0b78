#pragma once
// Every agent's decisions as they happen, newest on top: what it proposed, what became
// of it (sent, awaiting approval, dropped, denied) and, for the selected one, the whole
// rationale: the numbers behind it and, for learning agents, the action probabilities
// (or Q-values) and the features that pushed the choice (gradient x input).
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QWidget>

#include <deque>
#include <vector>

class QComboBox;
class QPlainTextEdit;
class QTableWidget;

namespace hm {

class DecisionsPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit DecisionsPanel(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override;
    int rows() const;
    QString details(int row) const; // row 0 is the newest shown

private:
    void rebuild(); // the agent filter changed
    void setRow(int row, const DecisionView& d);
    void showSelected();

    std::deque<DecisionView> m_decisions; // newest first, bounded
    QComboBox* m_agent;
    QTableWidget* m_table;
    QPlainTextEdit* m_details;
    static constexpr std::size_t kMax = 1000;
    static constexpr std::size_t kShown = 300;
};

} // namespace hm
