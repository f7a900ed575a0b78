#include "snapshot_bridge.h"

#include <QMetaObject>

namespace hm {

SnapshotBridge::SnapshotBridge(QObject* parent) : QObject(parent) { qRegisterMetaType<hm::SnapshotPtr>(); }

void SnapshotBridge::offer(SnapshotPtr snapshot)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        // A snapshot still pending is skipped: what rides on it is merged into this one (a
        // replay at 1000x skips many). The snapshots are shared and immutable, so the
        // merge works on a copy, made only when there is something to merge or trim.
        if (m_pending || snapshot->exceedsCaps()) {
            auto merged = std::make_shared<EngineSnapshot>(*snapshot);
            if (m_pending)
                merged->absorbOlder(*m_pending);
            else
                merged->trimToCaps();
            snapshot = std::move(merged);
        }
        m_pending = std::move(snapshot);
    }
    if (!m_posted.exchange(true))
        QMetaObject::invokeMethod(this, [this] { deliver(); }, Qt::QueuedConnection);
}

void SnapshotBridge::deliver()
{
    SnapshotPtr s;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        s.swap(m_pending);
        m_posted = false;
    }
    if (s)
        Q_EMIT snapshotReady(s);
}

} // namespace hm
