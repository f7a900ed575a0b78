#pragma once
// Denials, alerts, dropped proposals and interventions as they happen, newest on
// top, coloured by kind, with running counts. Bounded so a long session stays light.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QWidget>

#include <map>

class QComboBox;
class QLabel;
class QListWidget;

namespace hm {

class FeedPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit FeedPanel(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override;
    int count(const std::string& kind) const;
    int rows() const;
    QString rowText(int row) const; // row 0 is the newest

private:
    void applyFilter();

    QListWidget* m_list;
    QComboBox* m_filter;
    QLabel* m_counts;
    std::map<std::string, int> m_kindCounts;
    static constexpr int kMaxRows = 2000;
};

} // namespace hm
