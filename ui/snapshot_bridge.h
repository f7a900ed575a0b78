#pragma once
// Carries engine snapshots onto the Qt main thread. The engine thread only stores
// the newest snapshot and posts one wake-up; if the window is busy, older snapshots
// are skipped rather than queued, so a slow UI never builds a backlog. What rides on the
// skipped ones (their incremental fields) is merged into the next by
// EngineSnapshot::absorbOlder, up to a bound per list: the newest are kept.
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
