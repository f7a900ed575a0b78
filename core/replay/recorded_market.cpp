#include "replay/recorded_market.h"

#include <cstdlib>
#include <sstream>

namespace hm {

bool parseInstrumentConfig(const std::string& text, Instrument& out)
{
    std::istringstream in(text);
    std::string word;
    if (!(in >> out.symbol))
        return false;
    while (in >> word) {
        if (word.rfind("tick=", 0) == 0)
            out.tickSize = std::atof(word.c_str() + 5);
        else if (word.rfind("lot=", 0) == 0)
            out.lotSize = std::atoll(word.c_str() + 4);
        else
            out.currency = word;
    }
    return out.tickSize > 0 && out.lotSize > 0;
}

void RecordedBook::apply(const JournalRecord& r)
{
    // A full refresh arrives as a run of `snapshot` rows with one time: it replaces the book.
    if (r.text == "snapshot" && m_snapshotTime != r.time) {
        m_bids.clear();
        m_asks.clear();
        m_snapshotTime = r.time;
    }
    if (r.side == 1) {
        if (r.qty == 0)
            m_asks.erase(r.price);
        else
            m_asks[r.price] = r.qty;
    } else {
        if (r.qty == 0)
            m_bids.erase(r.price);
        else
            m_bids[r.price] = r.qty;
    }
}

} // namespace hm
