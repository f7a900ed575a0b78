#include "snapshot_bridge.h"

#include <QMetaObject>

namespace hm {

SnapshotBridge::SnapshotBridge(QObject* parent) : QObject(parent) { qRegisterMetaType<hm::SnapshotPtr>(); }

void SnapshotBridge::offer(SnapshotPtr snapshot)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        // Session events, fills, trades, the feed and decisions ride on each snapshot; merge
        // them if one is skipped (a replay at 1000x skips many). Not across a replay's jump.
        if (m_pending && m_pending->epoch == snapshot->epoch) {
            auto merged = std::make_shared<EngineSnapshot>(*snapshot);
            merged->newFills.insert(merged->newFills.begin(), m_pending->newFills.begin(), m_pending->newFills.end());
            merged->newSessionEvents.insert(merged->newSessionEvents.begin(), m_pending->newSessionEvents.begin(),
                                            m_pending->newSessionEvents.end());
            for (std::size_t i = 0; i < merged->books.size() && i < m_pending->books.size(); ++i) {
                auto& t = merged->books[i].newTrades;
                t.insert(t.begin(), m_pending->books[i].newTrades.begin(), m_pending->books[i].newTrades.end());
                if (merged->books[i].midHistory.empty())
                    merged->books[i].midHistory = m_pending->books[i].midHistory;
                if (merged->books[i].regimeHistory.empty())
                    merged->books[i].regimeHistory = m_pending->books[i].regimeHistory;
            }
            merged->newFeed.insert(merged->newFeed.begin(), m_pending->newFeed.begin(), m_pending->newFeed.end());
            merged->newDecisions.insert(merged->newDecisions.begin(), m_pending->newDecisions.begin(),
                                        m_pending->newDecisions.end());
            snapshot = merged;
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
