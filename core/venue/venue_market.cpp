#include "venue/venue_market.h"

#include "sim/market_simulator.h"

#include <map>

namespace hm {
namespace {

void diffSide(Side side, const std::vector<DepthLevel>& before, const std::vector<DepthLevel>& after,
              std::vector<LevelChange>& out)
{
    std::map<Price, Quantity> old;
    for (const auto& l : before)
        old[l.price] = l.qty;
    for (const auto& l : after) {
        auto it = old.find(l.price);
        if (it == old.end()) {
            out.push_back(LevelChange{side, LevelAction::New, l.price, l.qty});
        } else {
            if (it->second != l.qty)
                out.push_back(LevelChange{side, LevelAction::Change, l.price, l.qty});
            old.erase(it);
        }
    }
    for (const auto& kv : old)
        out.push_back(LevelChange{side, LevelAction::Delete, kv.first, 0});
}

} // namespace

VenueMarket::VenueMarket(Instrument instrument, Price reference, std::unique_ptr<MarketSimulator> simulator,
                         MarketSimulator* shared)
    : m_instrument(std::move(instrument)), m_reference(reference), m_sim(std::move(simulator)),
      m_simulator(m_sim ? m_sim.get() : shared)
{
}

VenueMarket::~VenueMarket() = default;

const OrderBook& VenueMarket::book() const { return m_simulator ? m_simulator->book() : m_quietBook; }

OrderBook::Result VenueMarket::add(const BookOrder& o)
{
    return m_simulator ? m_simulator->submit(o.ref, o.side, o.type, o.tif, o.price, o.qty) : m_quietBook.add(o);
}

bool VenueMarket::cancel(OrderBook::Handle h) { return m_simulator ? m_simulator->cancel(h) : m_quietBook.cancel(h); }

OrderBook::Result VenueMarket::replace(OrderBook::Handle h, Side side, Price price, Quantity leaves)
{
    return m_simulator ? m_simulator->replace(h, side, price, leaves) : m_quietBook.replace(h, price, leaves);
}

void VenueMarket::markPublished(std::size_t depthLevels)
{
    book().depth(depthLevels, m_published);
    m_pendingTrades.clear();
}

bool VenueMarket::takeChanges(std::size_t depthLevels, std::vector<LevelChange>& changes, std::vector<Trade>& trades)
{
    Depth now;
    book().depth(depthLevels, now);
    changes.clear();
    diffSide(Side::Buy, m_published.bids, now.bids, changes);
    diffSide(Side::Sell, m_published.asks, now.asks, changes);
    m_published = now;
    if (changes.empty() && m_pendingTrades.empty())
        return false;
    trades.swap(m_pendingTrades);
    m_pendingTrades.clear();
    return true;
}

void VenueMarket::addTrade(Price price, Quantity qty)
{
    m_pendingTrades.push_back(Trade{m_instrument.symbol, price, qty, wallNs()});
}

} // namespace hm
