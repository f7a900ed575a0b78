#pragma once
// Carries engine snapshots onto the Qt main thread. The engine thread only stores
// the newest snapshot and posts one wake-up; if the window is busy, older snapshots
// are skipped rather than queued, so a slow UI never builds a backlog. What rides on the
// skipped ones (trades, fills, feed, decisions, session events) is merged into the next,
// up to a bound per list: the newest are kept.
#include "engine/snapshot.h"

#include <QObject>

#include <atomic>
#include <mutex>

namespace hm {

class SnapshotBridge : public QObject {
    Q_OBJECT
public:
    explicit SnapshotBridge(QObject* parent = nullptr);
    void offer(SnapshotPtr snapshot); // any thread

    static constexpr std::size_t kMaxTrades = 5000; // per book
    static constexpr std::size_t kMaxFills = 5000;
    static constexpr std::size_t kMaxFeed = 2000;
    static constexpr std::size_t kMaxDecisions = 1000;
    static constexpr std::size_t kMaxSessionEvents = 500;

Q_SIGNALS:
    void snapshotReady(hm::SnapshotPtr snapshot);

private:
    void deliver();

    std::mutex m_mutex;
    SnapshotPtr m_pending;
    std::atomic<bool> m_posted{false};
};

} // namespace hm

Q_DECLARE_METATYPE(hm::SnapshotPtr)
