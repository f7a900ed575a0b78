#include "replay/recorded_market.h"

#include "journal/journal_codec.h"

namespace hm {

bool RecordedBook::apply(const JournalRecord& r)
{
    BookLevelRecord l;
    if (!decode(r, l))
        return false;
    // A full refresh arrives as a run of `snapshot` rows with one time: it replaces the book.
    if (l.snapshot && m_snapshotTime != r.time) {
        m_bids.clear();
        m_asks.clear();
        m_snapshotTime = r.time;
    }
    if (l.side == Side::Sell) {
        if (l.qty == 0)
            m_asks.erase(l.price);
        else
            m_asks[l.price] = l.qty;
    } else {
        if (l.qty == 0)
            m_bids.erase(l.price);
        else
            m_bids[l.price] = l.qty;
    }
    return true;
}

} // namespace hm
