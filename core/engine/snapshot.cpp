#include "engine/snapshot.h"

#include <algorithm>

namespace hm {

namespace {

const EngineSnapshot& noSnapshot()
{
    static const EngineSnapshot kNone;
    return kNone;
}

// The one list of incremental fields: `list(mine, older's, cap)` for each list that
// accumulates, `once(mine, older's)` for each history sent once after a replay's jump.
// Both exceedsCaps() and the merge walk it, so a field added here is handled by both.
template <typename Snapshot, typename List, typename Once>
void forEachIncremental(Snapshot& s, const EngineSnapshot& older, List&& list, Once&& once)
{
    list(s.newFills, older.newFills, EngineSnapshot::kMergedFills);
    list(s.newSessionEvents, older.newSessionEvents, EngineSnapshot::kMergedSessionEvents);
    list(s.newFeed, older.newFeed, EngineSnapshot::kMergedFeed);
    list(s.newDecisions, older.newDecisions, EngineSnapshot::kMergedDecisions);
    once(s.riskHistory, older.riskHistory);
    static const BookView kNoBook;
    for (std::size_t i = 0; i < s.books.size(); ++i) {
        const BookView& ob = i < older.books.size() ? older.books[i] : kNoBook;
        list(s.books[i].newTrades, ob.newTrades, EngineSnapshot::kMergedTrades);
        once(s.books[i].midHistory, ob.midHistory);
        once(s.books[i].regimeHistory, ob.regimeHistory);
    }
}

// `older` then `newer`, keeping the newest `cap` items.
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

void fold(EngineSnapshot& s, const EngineSnapshot& older)
{
    forEachIncremental(
        s, older, [](auto& mine, const auto& theirs, std::size_t cap) { mergeCapped(mine, theirs, cap); },
        [](auto& mine, const auto& theirs) {
            if (mine.empty())
                mine = theirs;
        });
}

} // namespace

void EngineSnapshot::absorbOlder(const EngineSnapshot& older)
{
    fold(*this, older.epoch == epoch ? older : noSnapshot());
}

void EngineSnapshot::trimToCaps() { fold(*this, noSnapshot()); }

bool EngineSnapshot::exceedsCaps() const
{
    bool over = false;
    forEachIncremental(
        *this, noSnapshot(), [&over](const auto& mine, const auto&, std::size_t cap) { over = over || mine.size() > cap; },
        [](const auto&, const auto&) {});
    return over;
}

} // namespace hm
