#pragma once
// One instrument's market at the venue: the simulator's book, or a quiet book that only
// the seeded levels and the clients' orders move; and what its subscribers last saw.
// Plain C++14: the simulator is only forward-declared here.
#include "book/order_book.h"
#include "model/events.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace hm {

class MarketSimulator;

class VenueMarket {
public:
    // `simulator` is owned; or `shared`, one name of a universe the store owns.
    VenueMarket(Instrument instrument, Price reference, std::unique_ptr<MarketSimulator> simulator,
                MarketSimulator* shared = nullptr);
    ~VenueMarket();
    VenueMarket(const VenueMarket&) = delete;
    VenueMarket& operator=(const VenueMarket&) = delete;

    const Instrument& instrument() const { return m_instrument; }
    Price reference() const { return m_reference; }
    MarketSimulator* simulator() { return m_simulator; }

    const OrderBook& book() const;
    OrderBook::Result add(const BookOrder& order);
    bool cancel(OrderBook::Handle handle);
    OrderBook::Result replace(OrderBook::Handle handle, Side side, Price price, Quantity leaves);

    // Market data: the book as subscribers last saw it, and trades since.
    void markPublished(std::size_t depthLevels); // the book as it is now; no trades pending
    // The level changes since the last publication (published becomes the book as it is
    // now); false when neither a level nor a trade changed.
    bool takeChanges(std::size_t depthLevels, std::vector<LevelChange>& changes, std::vector<Trade>& trades);
    const Depth& published() const { return m_published; }
    void addTrade(Price price, Quantity qty);

    std::string regime; // the simulator's true regime, as last reported ("" for a quiet market)

private:
    Instrument m_instrument;
    Price m_reference = 0;
    std::unique_ptr<MarketSimulator> m_sim;
    MarketSimulator* m_simulator = nullptr; // m_sim's, or the universe's
    OrderBook m_quietBook;
    Depth m_published;
    std::vector<Trade> m_pendingTrades;
};

} // namespace hm
