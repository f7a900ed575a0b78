#include "book/order_book.h"

#include <algorithm>
#include <stdexcept>

namespace hm {

OrderBook::OrderBook()
{
    m_events.reserve(64);
    m_nodes.reserve(1024);
}

std::uint32_t OrderBook::allocNode()
{
    if (!m_free.empty()) {
        std::uint32_t index = m_free.back();
        m_free.pop_back();
        return index;
    }
    if (m_nodes.size() >= kNil)
        throw std::length_error("OrderBook: order pool exhausted");
    m_nodes.emplace_back();
    return static_cast<std::uint32_t>(m_nodes.size() - 1);
}

void OrderBook::freeNode(std::uint32_t index)
{
    Node& n = m_nodes[index];
    n.live = false;
    ++n.generation; // stale handles to this slot stop resolving
    if (n.generation == 0)
        n.generation = 1;
    m_free.push_back(index);
    --m_liveOrders;
}

std::uint32_t OrderBook::resolve(Handle handle) const
{
    std::uint32_t index = static_cast<std::uint32_t>(handle & 0xffffffffu);
    std::uint32_t generation = static_cast<std::uint32_t>(handle >> 32);
    if (index >= m_nodes.size())
        return kNil;
    const Node& n = m_nodes[index];
    return (n.live && n.generation == generation) ? index : kNil;
}

std::size_t OrderBook::findLevel(const Levels& levels, Side side, Price price) const
{
    // Levels are sorted worst..best; activity is near the back, so scan a few first.
    std::size_t n = levels.size();
    for (std::size_t i = n, steps = 0; i > 0 && steps < 8; --i, ++steps) {
        if (levels[i - 1].price == price)
            return i - 1;
    }
    auto it = side == Side::Buy
        ? std::lower_bound(levels.begin(), levels.end(), price,
                           [](const Level& l, Price p) { return l.price < p; })
        : std::lower_bound(levels.begin(), levels.end(), price,
                           [](const Level& l, Price p) { return l.price > p; });
    if (it != levels.end() && it->price == price)
        return static_cast<std::size_t>(it - levels.begin());
    return n;
}

Quantity OrderBook::leaves(Handle handle) const
{
    std::uint32_t i = resolve(handle);
    return i == kNil ? 0 : m_nodes[i].qty;
}

std::uint64_t OrderBook::refOf(Handle handle) const
{
    std::uint32_t i = resolve(handle);
    return i == kNil ? 0 : m_nodes[i].ref;
}

OrderBook::Result OrderBook::add(const BookOrder& order)
{
    m_events.clear();
    Result r;
    if (order.qty <= 0) {
        BookEvent e;
        e.kind = BookEventKind::Rejected;
        e.ref = order.ref;
        e.reason = BookRejectReason::BadQuantity;
        m_events.push_back(e);
        r.ok = false;
        return r;
    }
    if (order.type == OrderType::Limit && order.price <= 0) {
        BookEvent e;
        e.kind = BookEventKind::Rejected;
        e.ref = order.ref;
        e.reason = BookRejectReason::BadPrice;
        m_events.push_back(e);
        r.ok = false;
        return r;
    }
    const bool market = order.type == OrderType::Market;
    Quantity remaining = order.qty;
    if (order.tif == TimeInForce::FillOrKill
        && available(order.side, market, order.price, order.qty) < order.qty) {
        BookEvent e;
        e.kind = BookEventKind::Killed;
        e.ref = order.ref;
        e.price = order.price;
        e.qty = remaining;
        m_events.push_back(e);
        r.leaves = 0;
        return r;
    }
    remaining = match(order.ref, order.side, market, order.price, remaining);
    r.filled = order.qty - remaining;
    if (remaining == 0)
        return r;
    const bool mayRest = !market && order.tif != TimeInForce::ImmediateOrCancel
        && order.tif != TimeInForce::FillOrKill;
    if (!mayRest) {
        BookEvent e;
        e.kind = BookEventKind::Killed;
        e.ref = order.ref;
        e.price = order.price;
        e.qty = remaining;
        m_events.push_back(e);
        return r;
    }
    r.handle = rest(order.ref, order.side, order.price, remaining);
    r.leaves = remaining;
    BookEvent e;
    e.kind = BookEventKind::Rested;
    e.ref = order.ref;
    e.price = order.price;
    e.qty = remaining;
    e.leaves = remaining;
    m_events.push_back(e);
    return r;
}

Quantity OrderBook::available(Side side, bool market, Price limit, Quantity needed) const
{
    const Levels& book = levelsFor(opposite(side));
    Quantity sum = 0;
    for (std::size_t i = book.size(); i > 0 && sum < needed; --i) {
        const Level& l = book[i - 1];
        if (!market && !crosses(side, limit, l.price))
            break;
        sum += l.total;
    }
    return sum;
}

Quantity OrderBook::match(std::uint64_t ref, Side side, bool market, Price limit, Quantity qty)
{
    Levels& book = levelsFor(opposite(side));
    while (qty > 0 && !book.empty()) {
        Level& level = book.back();
        if (!market && !crosses(side, limit, level.price))
            break;
        while (qty > 0 && level.head != kNil) {
            std::uint32_t idx = level.head;
            Node& maker = m_nodes[idx];
            Quantity q = maker.qty < qty ? maker.qty : qty;
            maker.qty -= q;
            level.total -= q;
            qty -= q;
            BookEvent e;
            e.kind = BookEventKind::Fill;
            e.ref = ref;
            e.counterRef = maker.ref;
            e.price = level.price;
            e.qty = q;
            e.leaves = qty;
            e.counterLeaves = maker.qty;
            m_events.push_back(e);
            if (maker.qty == 0) {
                level.head = maker.next;
                if (level.head != kNil)
                    m_nodes[level.head].prev = kNil;
                else
                    level.tail = kNil;
                --level.count;
                freeNode(idx);
            }
        }
        if (level.head == kNil)
            book.pop_back();
    }
    return qty;
}

OrderBook::Handle OrderBook::rest(std::uint64_t ref, Side side, Price price, Quantity qty)
{
    Levels& levels = levelsFor(side);
    // Find or insert the level; scan from the best end.
    std::size_t pos = levels.size();
    while (pos > 0) {
        const Price p = levels[pos - 1].price;
        if (p == price)
            break;
        const bool better = side == Side::Buy ? p > price : p < price;
        if (!better)
            break;
        --pos;
    }
    std::size_t li;
    if (pos > 0 && levels[pos - 1].price == price) {
        li = pos - 1;
    } else {
        Level fresh;
        fresh.price = price;
        levels.insert(levels.begin() + static_cast<std::ptrdiff_t>(pos), fresh);
        li = pos;
    }
    std::uint32_t idx = allocNode();
    Node& n = m_nodes[idx];
    n.ref = ref;
    n.price = price;
    n.qty = qty;
    n.side = side;
    n.live = true;
    n.next = kNil;
    Level& level = levels[li];
    n.prev = level.tail;
    if (level.tail != kNil)
        m_nodes[level.tail].next = idx;
    else
        level.head = idx;
    level.tail = idx;
    level.total += qty;
    ++level.count;
    ++m_liveOrders;
    return makeHandle(idx, n.generation);
}

void OrderBook::unlink(std::uint32_t idx)
{
    Node& n = m_nodes[idx];
    Levels& levels = levelsFor(n.side);
    std::size_t li = findLevel(levels, n.side, n.price);
    if (li == levels.size())
        throw std::logic_error("OrderBook: live order without a level");
    Level& level = levels[li];
    if (n.prev != kNil)
        m_nodes[n.prev].next = n.next;
    else
        level.head = n.next;
    if (n.next != kNil)
        m_nodes[n.next].prev = n.prev;
    else
        level.tail = n.prev;
    level.total -= n.qty;
    --level.count;
    if (level.count == 0)
        levels.erase(levels.begin() + static_cast<std::ptrdiff_t>(li));
    freeNode(idx);
}

bool OrderBook::cancel(Handle handle)
{
    m_events.clear();
    std::uint32_t idx = resolve(handle);
    BookEvent e;
    if (idx == kNil) {
        e.kind = BookEventKind::Rejected;
        e.reason = BookRejectReason::UnknownOrder;
        m_events.push_back(e);
        return false;
    }
    const Node& n = m_nodes[idx];
    e.kind = BookEventKind::Cancelled;
    e.ref = n.ref;
    e.price = n.price;
    e.qty = n.qty;
    unlink(idx);
    m_events.push_back(e);
    return true;
}

OrderBook::Result OrderBook::replace(Handle handle, Price newPrice, Quantity newLeaves)
{
    m_events.clear();
    Result r;
    std::uint32_t idx = resolve(handle);
    if (idx == kNil || newLeaves <= 0 || newPrice <= 0) {
        BookEvent e;
        e.kind = BookEventKind::Rejected;
        e.ref = idx == kNil ? 0 : m_nodes[idx].ref;
        e.reason = idx == kNil ? BookRejectReason::UnknownOrder
                               : (newLeaves <= 0 ? BookRejectReason::BadQuantity : BookRejectReason::BadPrice);
        m_events.push_back(e);
        r.ok = false;
        return r;
    }
    Node& n = m_nodes[idx];
    if (newPrice == n.price && newLeaves <= n.qty) {
        Levels& levels = levelsFor(n.side);
        Level& level = levels[findLevel(levels, n.side, n.price)];
        level.total -= n.qty - newLeaves;
        n.qty = newLeaves;
        BookEvent e;
        e.kind = BookEventKind::Replaced;
        e.ref = n.ref;
        e.price = newPrice;
        e.qty = newLeaves;
        e.leaves = newLeaves;
        e.keptPriority = true;
        m_events.push_back(e);
        r.handle = handle;
        r.leaves = newLeaves;
        return r;
    }
    const std::uint64_t ref = n.ref;
    const Side side = n.side;
    unlink(idx);
    BookEvent replaced;
    replaced.kind = BookEventKind::Replaced;
    replaced.ref = ref;
    replaced.price = newPrice;
    replaced.qty = newLeaves;
    replaced.keptPriority = false;
    m_events.push_back(replaced);
    const std::size_t replacedAt = m_events.size() - 1;
    Quantity remaining = match(ref, side, false, newPrice, newLeaves);
    r.filled = newLeaves - remaining;
    r.leaves = remaining;
    m_events[replacedAt].leaves = remaining;
    if (remaining > 0) {
        r.handle = rest(ref, side, newPrice, remaining);
        BookEvent e;
        e.kind = BookEventKind::Rested;
        e.ref = ref;
        e.price = newPrice;
        e.qty = remaining;
        e.leaves = remaining;
        m_events.push_back(e);
    }
    return r;
}

void OrderBook::depth(std::size_t levels, Depth& out) const
{
    out.bids.clear();
    out.asks.clear();
    for (std::size_t i = m_bids.size(), k = 0; i > 0 && k < levels; --i, ++k)
        out.bids.push_back(DepthLevel{m_bids[i - 1].price, m_bids[i - 1].total, m_bids[i - 1].count});
    for (std::size_t i = m_asks.size(), k = 0; i > 0 && k < levels; --i, ++k)
        out.asks.push_back(DepthLevel{m_asks[i - 1].price, m_asks[i - 1].total, m_asks[i - 1].count});
}

} // namespace hm
