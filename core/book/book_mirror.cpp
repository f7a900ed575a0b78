#include "book/book_mirror.h"

namespace hm {
namespace {
constexpr std::size_t kTradesKept = 256;

template <typename Map>
void applyChange(Map& side, const LevelChange& c)
{
    if (c.action == LevelAction::Delete || c.qty <= 0)
        side.erase(c.price);
    else
        side[c.price] = c.qty;
}

template <typename Map>
std::vector<PriceLevel> top(const Map& side, std::size_t levels)
{
    std::vector<PriceLevel> out;
    out.reserve(levels);
    for (auto it = side.begin(); it != side.end() && out.size() < levels; ++it)
        out.push_back(PriceLevel{it->first, it->second});
    return out;
}
} // namespace

void BookMirror::apply(const MarketDataSnapshot& snapshot)
{
    m_bids.clear();
    m_asks.clear();
    for (const auto& l : snapshot.bids)
        m_bids[l.price] = l.qty;
    for (const auto& l : snapshot.asks)
        m_asks[l.price] = l.qty;
    ++m_updates;
}

void BookMirror::apply(const MarketDataUpdate& update)
{
    for (const auto& c : update.changes) {
        if (c.side == Side::Buy)
            applyChange(m_bids, c);
        else
            applyChange(m_asks, c);
    }
    for (const auto& t : update.trades) {
        m_trades.push_back(t);
        if (m_trades.size() > kTradesKept)
            m_trades.pop_front();
    }
    ++m_updates;
}

std::vector<PriceLevel> BookMirror::bids(std::size_t levels) const { return top(m_bids, levels); }
std::vector<PriceLevel> BookMirror::asks(std::size_t levels) const { return top(m_asks, levels); }

} // namespace hm
