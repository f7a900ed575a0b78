#pragma once
// Historical replay from order-level data in the LOBSTER message-file format: one CSV
// line per event, "time,type,order_id,size,price,direction" (time in seconds after
// midnight, price in currency x 10000, direction 1 buy / -1 sell; types 1 new limit
// order, 2 partial cancel, 3 delete, 4 visible execution, 5 hidden execution, 6 cross
// trade, 7 halt). The replayed book is the project's OrderBook, and our orders go into
// the same book: ours that cross take replayed liquidity; ours that rest are filled by
// a recorded execution at their price or better when they were there before the
// recorded order (price-time priority). The recorded orders are then reduced as the
// file says, so the replayed book never drifts from history. C++14-clean.
#include "book/order_book.h"
#include "sim/market_simulator.h"

#include <iosfwd>
#include <string>
#include <unordered_map>
#include <vector>

namespace hm {

struct LobsterMessage {
    double time = 0;
    int type = 1;
    std::uint64_t orderId = 0;
    Quantity size = 0;
    Price price = 0; // ticks
    int direction = 1;
};

// Parses a whole message file; returns "" or "origin:line N: what is wrong".
std::string parseLobster(std::istream& in, const std::string& origin, double tickSize, std::vector<LobsterMessage>& out);
std::string loadLobster(const std::string& path, double tickSize, std::vector<LobsterMessage>& out);

// Records a simulated session in the same format (the tests' and demos' files).
// Runs `sim` until `until` (virtual s); times are written as 09:30 + virtual time.
void recordLobster(MarketSimulator& sim, double until, std::ostream& out);

struct ReplayCounters {
    std::uint64_t applied = 0;
    std::uint64_t skipped = 0; // about orders our own trading had already consumed
    std::uint64_t trades = 0;
    Quantity volume = 0;
};

class LobsterReplay {
public:
    LobsterReplay(std::vector<LobsterMessage> messages, Instrument instrument);

    void runUntil(double t); // seconds after midnight, like the file
    double now() const { return m_now; }
    double endTime() const;
    const OrderBook& book() const { return m_book; }
    Price twiceMid() const;
    const ReplayCounters& counters() const { return m_counters; }

    OrderBook::Result submit(std::uint64_t ref, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty);
    bool cancel(OrderBook::Handle handle);
    std::vector<SimFill> takeOwnFills();

private:
    struct Recorded {
        OrderBook::Handle handle = OrderBook::kNoHandle;
        Side side = Side::Buy;
        Price price = 0;
        double since = 0;
    };
    struct Own {
        std::uint64_t ref = 0;
        Side side = Side::Buy;
        Price price = 0;
        double since = 0;
        OrderBook::Handle handle = OrderBook::kNoHandle;
    };
    void apply(const LobsterMessage& m);
    void reduce(Recorded& r, Quantity by);
    void collectOwnFills(Side side);
    Quantity fillOwnAhead(const Recorded& r, Price price, Quantity size);

    std::vector<LobsterMessage> m_messages;
    std::size_t m_next = 0;
    Instrument m_instrument;
    OrderBook m_book;
    double m_now = 0;
    std::unordered_map<std::uint64_t, Recorded> m_recorded;
    std::vector<Own> m_own;
    std::vector<SimFill> m_fills;
    ReplayCounters m_counters;
};

} // namespace hm
