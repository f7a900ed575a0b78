#pragma once
// Feeds a FeatureTracker from an order book: its top five levels and the cumulative
// traded volume at a time. One helper for the execution environment and the offline
// data of the regime detector and the signal models.
#include "book/order_book.h"
#include "features/features.h"

#include <vector>

namespace hm {

class BookSampler {
public:
    void sample(const OrderBook& book, double t, Quantity cumulativeVolume, FeatureTracker& tracker)
    {
        book.depth(5, m_depth);
        m_bids.clear();
        m_asks.clear();
        for (const auto& l : m_depth.bids)
            m_bids.push_back(PriceLevel{l.price, l.qty});
        for (const auto& l : m_depth.asks)
            m_asks.push_back(PriceLevel{l.price, l.qty});
        tracker.onQuotes(t, m_bids, m_asks);
        tracker.onVolume(t, cumulativeVolume);
    }
    const std::vector<PriceLevel>& bids() const { return m_bids; }
    const std::vector<PriceLevel>& asks() const { return m_asks; }

private:
    Depth m_depth;
    std::vector<PriceLevel> m_bids, m_asks;
};

} // namespace hm
