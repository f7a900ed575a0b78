#pragma once
// The recorded market, rebuilt from journal rows by the analyst's tools that read a
// journal directly (execution report, what-if): the book from `book_level` rows and the
// instrument from its `config` row. (A replay rebuilds it through the engine instead.)
#include "journal/journal_record.h"

#include <functional>
#include <map>

namespace hm {

// "HMX tick=0.010000 lot=1 USD" -> instrument; false when it is not one.
bool parseInstrumentConfig(const std::string& text, Instrument& out);

class RecordedBook {
public:
    void apply(const JournalRecord& levelRecord); // a book_level row
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
