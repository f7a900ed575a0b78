#include "snapshot_bridge.h"

#include <QMetaObject>

namespace hm {

namespace {
// `older` then `newer`, keeping the newest `cap` items: a window that stalls for a
// minute gets the last of what it missed, not a snapshot that grows with the stall.
template <typename T>
void mergeCapped(std::vector<T>& newer, const std::vector<T>& older, std::size_t cap)
{
    if (newer.size() >= cap) {
        newer.erase(newer.begin(), newer.end() - static_cast<std::ptrdiff_t>(cap));
        return;
    }
    const std::size_t fromOlder = std::min(older.size(), cap - newer.size());
    newer.insert(newer.begin(), older.end() - static_cast<std::ptrdiff_t>(fromOlder), older.end());
}

template <typename T>
bool over(const std::vector<T>& v, std::size_t cap)
{
    return v.size() > cap;
}
} // namespace

SnapshotBridge::SnapshotBridge(QObject* parent) : QObject(parent) { qRegisterMetaType<hm::SnapshotPtr>(); }

void SnapshotBridge::offer(SnapshotPtr snapshot)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        // Session events, fills, trades, the feed and decisions ride on each snapshot; merge
        // them if one is skipped (a replay at 1000x skips many). Not across a replay's jump.
        const EngineSnapshot* older = m_pending && m_pending->epoch == snapshot->epoch ? m_pending.get() : nullptr;
        bool tooLong = over(snapshot->newFills, kMaxFills) || over(snapshot->newSessionEvents, kMaxSessionEvents)
            || over(snapshot->newFeed, kMaxFeed) || over(snapshot->newDecisions, kMaxDecisions);
        for (const auto& b : snapshot->books)
            tooLong = tooLong || over(b.newTrades, kMaxTrades);
        if (older || tooLong) {
            static const EngineSnapshot kNone;
            const EngineSnapshot& o = older ? *older : kNone;
            auto merged = std::make_shared<EngineSnapshot>(*snapshot);
            mergeCapped(merged->newFills, o.newFills, kMaxFills);
            mergeCapped(merged->newSessionEvents, o.newSessionEvents, kMaxSessionEvents);
            for (std::size_t i = 0; i < merged->books.size(); ++i) {
                static const BookView kNoBook;
                const BookView& ob = i < o.books.size() ? o.books[i] : kNoBook;
                mergeCapped(merged->books[i].newTrades, ob.newTrades, kMaxTrades);
                if (merged->books[i].midHistory.empty())
                    merged->books[i].midHistory = ob.midHistory;
                if (merged->books[i].regimeHistory.empty())
                    merged->books[i].regimeHistory = ob.regimeHistory;
            }
            mergeCapped(merged->newFeed, o.newFeed, kMaxFeed);
            mergeCapped(merged->newDecisions, o.newDecisions, kMaxDecisions);
            if (merged->riskHistory.empty())
                merged->riskHistory = o.riskHistory;
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
