#pragma once
// The recorded market, rebuilt from journal rows by the analyst's tools that read a
// journal directly (execution report, what-if): the book from `book_level` rows. (A
// replay rebuilds it through the engine instead.)
#include "journal/journal_record.h"

#include <functional>
#include <map>

namespace hm {

class RecordedBook {
public:
    // A book_level row; false (and the book unchanged) for any other row.
    bool apply(const JournalRecord& levelRecord);
    bool twoSided() const { return !m_bids.empty() && !m_asks.empty(); }
    Price twiceMid() const { return twoSided() ? m_bids.begin()->first + m_asks.begin()->first : 0; }
    const std::map<Price, Quantity, std::greater<Price>>& bids() const { return m_bids; }
    const std::map<Price, Quantity>& asks() const { return m_asks; }

private:
    std::map<Price, Quantity, std::greater<Price>> m_bids;
    std::map<Price, Quantity> m_asks;
    Timestamp m_snapshotTime = 0;
};

} // namespace hm
