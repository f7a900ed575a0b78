#pragma once
// The client-side picture of a venue's book, rebuilt from market data messages
// (a full snapshot, then price-keyed level changes), plus recent trades.
#include "model/events.h"

#include <deque>
#include <functional>
#include <map>
#include <vector>

namespace hm {

class BookMirror {
public:
    void apply(const MarketDataSnapshot& snapshot);
    void apply(const MarketDataUpdate& update);

    std::vector<PriceLevel> bids(std::size_t levels) const; // best first
    std::vector<PriceLevel> asks(std::size_t levels) const;
    bool hasBid() const { return !m_bids.empty(); }
    bool hasAsk() const { return !m_asks.empty(); }
    Price bestBid() const { return m_bids.empty() ? 0 : m_bids.begin()->first; }
    Price bestAsk() const { return m_asks.empty() ? 0 : m_asks.begin()->first; }
    // Mid in ticks, doubled so it stays integral; 0 when either side is empty.
    Price twiceMid() const { return hasBid() && hasAsk() ? bestBid() + bestAsk() : 0; }
    const std::deque<Trade>& recentTrades() const { return m_trades; }
    std::uint64_t updates() const { return m_updates; }

private:
    std::map<Price, Quantity, std::greater<Price>> m_bids;
    std::map<Price, Quantity, std::less<Price>> m_asks;
    std::deque<Trade> m_trades;
    std::uint64_t m_updates = 0;
};

} // namespace hm
