#pragma once
// Full-depth limit order book with price-time priority for one instrument.
//
// Each command (add, cancel, replace) clears the event list, does its work and
// leaves what happened in events(); callers read them afterwards, so matching never
// calls back into anyone mid-command (no re-entrancy). Levels live in a vector per
// side with the best price at the back: the common case, activity at the touch, is
// a push/pop at the end. Orders live in a pooled intrusive FIFO per level.
#include "model/types.h"

#include <cstdint>
#include <vector>

namespace hm {

struct BookOrder {
    std::uint64_t ref = 0; // caller's key for the order, echoed in events
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Price price = 0;
    Quantity qty = 0;
};

enum class BookEventKind : std::uint8_t {
    Fill,      // ref = taker, counterRef = maker; leaves of both after the fill
    Rested,    // ref rests in the book with leaves qty at price
    Killed,    // unfilled rest of an IOC, FOK or market order was not rested
    Cancelled, // an explicit cancel removed leaves qty
    Replaced,  // the order now has price and leaves qty; keptPriority says whether it kept its place
    Rejected,  // the command was refused; reason says why
};

enum class BookRejectReason : std::uint8_t { None, UnknownOrder, BadQuantity, BadPrice };

struct BookEvent {
    BookEventKind kind = BookEventKind::Rested;
    std::uint64_t ref = 0;
    std::uint64_t counterRef = 0;
    Price price = 0;
    Quantity qty = 0;          // fill qty, cancelled qty, rested qty
    Quantity leaves = 0;       // taker's (or the order's) leaves after the event
    Quantity counterLeaves = 0;
    bool keptPriority = false;
    BookRejectReason reason = BookRejectReason::None;
};

struct DepthLevel {
    Price price = 0;
    Quantity qty = 0;
    std::uint32_t orders = 0;
};

struct Depth {
    std::vector<DepthLevel> bids; // best first
    std::vector<DepthLevel> asks; // best first
};

class OrderBook {
public:
    using Handle = std::uint64_t; // 0 is never a valid handle
    static constexpr Handle kNoHandle = 0;

    struct Result {
        Handle handle = kNoHandle; // the resting order, or kNoHandle when nothing rests
        Quantity filled = 0;
        Quantity leaves = 0;
        bool ok = true;
    };

    OrderBook();

    Result add(const BookOrder& order);
    bool cancel(Handle handle);
    // New price and new leaves quantity. Keeps time priority only when the price is
    // unchanged and the quantity does not grow. May match if the new price crosses.
    Result replace(Handle handle, Price newPrice, Quantity newLeaves);

    const std::vector<BookEvent>& events() const { return m_events; }

    bool hasBid() const { return !m_bids.empty(); }
    bool hasAsk() const { return !m_asks.empty(); }
    Price bestBid() const { return m_bids.empty() ? 0 : m_bids.back().price; }
    Price bestAsk() const { return m_asks.empty() ? 0 : m_asks.back().price; }
    Quantity leaves(Handle handle) const;
    std::uint64_t refOf(Handle handle) const;
    std::size_t orderCount() const { return m_liveOrders; }
    std::size_t levelCount(Side side) const { return side == Side::Buy ? m_bids.size() : m_asks.size(); }

    // Aggregated depth, best first, at most `levels` per side. Reuses out's storage.
    void depth(std::size_t levels, Depth& out) const;

private:
    static constexpr std::uint32_t kNil = 0xffffffffu;

    struct Node {
        std::uint64_t ref = 0;
        Price price = 0;
        Quantity qty = 0;
        std::uint32_t prev = kNil;
        std::uint32_t next = kNil;
        std::uint32_t generation = 1;
        Side side = Side::Buy;
        bool live = false;
    };

    struct Level {
        Price price = 0;
        Quantity total = 0;
        std::uint32_t head = kNil;
        std::uint32_t tail = kNil;
        std::uint32_t count = 0;
    };

    using Levels = std::vector<Level>;

    Levels& levelsFor(Side s) { return s == Side::Buy ? m_bids : m_asks; }
    const Levels& levelsFor(Side s) const { return s == Side::Buy ? m_bids : m_asks; }
    static bool crosses(Side taker, Price limit, Price makerPrice)
    {
        return taker == Side::Buy ? makerPrice <= limit : makerPrice >= limit;
    }

    Quantity match(std::uint64_t ref, Side side, bool market, Price limit, Quantity qty);
    Quantity available(Side side, bool market, Price limit, Quantity needed) const;
    Handle rest(std::uint64_t ref, Side side, Price price, Quantity qty);
    std::uint32_t allocNode();
    void freeNode(std::uint32_t index);
    void unlink(std::uint32_t index);
    std::size_t findLevel(const Levels& levels, Side side, Price price) const;
    std::uint32_t resolve(Handle handle) const;
    static Handle makeHandle(std::uint32_t index, std::uint32_t generation)
    {
        return (static_cast<Handle>(generation) << 32) | index;
    }

    Levels m_bids; // ascending price: best (highest) at the back
    Levels m_asks; // descending price: best (lowest) at the back
    std::vector<Node> m_nodes;
    std::vector<std::uint32_t> m_free;
    std::vector<BookEvent> m_events;
    std::size_t m_liveOrders = 0;
};

} // namespace hm
