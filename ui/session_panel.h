#pragma once
// FIX session status: state, sequence numbers, last message time, recent events.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QWidget>

class QLabel;
class QListWidget;

namespace hm {

class SessionPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit SessionPanel(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override;
    QString stateText() const;

private:
    static constexpr std::size_t kMaxEvents = 500;
    QLabel* m_session;
    QLabel* m_state;
    QLabel* m_seq;
    QLabel* m_heartbeat;
    QLabel* m_latency;
    QListWidget* m_events;
};

} // namespace hm
