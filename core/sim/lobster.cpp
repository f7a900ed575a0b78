#include "sim/lobster.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

namespace hm {

namespace {
constexpr std::uint64_t kRecordedBit = 1ull << 62;
constexpr std::uint64_t kIdMask = (1ull << 61) - 1;
constexpr double kOpen = 34200; // 09:30 in seconds after midnight

bool parseNumber(const std::string& text, double& out)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end && *end == 0 && std::isfinite(out);
}
} // namespace

std::string parseLobster(std::istream& in, const std::string& origin, double tickSize, std::vector<LobsterMessage>& out)
{
    static const char* fields[] = {"time", "type", "order_id", "size", "price", "direction"};
    std::string line;
    int lineNo = 0;
    double lastTime = -1;
    std::vector<LobsterMessage> result;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        auto where = [&](const std::string& what) { return origin + ":line " + std::to_string(lineNo) + ": " + what; };
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, ',');)
            cells.push_back(cell);
        if (cells.size() < 6)
            return where("expected 6 comma-separated fields (time,type,order_id,size,price,direction), found "
                         + std::to_string(cells.size()));
        double v[6];
        for (int i = 0; i < 6; ++i)
            if (!parseNumber(cells[static_cast<std::size_t>(i)], v[i]))
                return where(std::string("field '") + fields[i] + "' is not a number: '" + cells[static_cast<std::size_t>(i)] + "'");
        LobsterMessage m;
        m.time = v[0];
        m.type = static_cast<int>(v[1]);
        if (v[1] != m.type || m.type < 1 || m.type > 7)
            return where("field 'type' must be 1..7, got " + cells[1]);
        if (v[2] < 0 || v[2] != std::floor(v[2]))
            return where("field 'order_id' must be a whole number >= 0, got " + cells[2]);
        m.orderId = static_cast<std::uint64_t>(v[2]) & kIdMask;
        if (v[3] < 0 || v[3] != std::floor(v[3]))
            return where("field 'size' must be a whole number >= 0, got " + cells[3]);
        m.size = static_cast<Quantity>(v[3]);
        if (m.type != 7 && v[4] <= 0)
            return where("field 'price' must be positive, got " + cells[4]);
        m.price = static_cast<Price>(std::llround(v[4] / 10000.0 / tickSize));
        if (v[5] != 1 && v[5] != -1)
            return where("field 'direction' must be 1 (buy) or -1 (sell), got " + cells[5]);
        m.direction = static_cast<int>(v[5]);
        if (m.time < lastTime)
            return where("time goes backwards (" + cells[0] + " after " + std::to_string(lastTime) + ")");
        lastTime = m.time;
        result.push_back(m);
    }
    out.swap(result);
    return {};
}

std::string loadLobster(const std::string& path, double tickSize, std::vector<LobsterMessage>& out)
{
    std::ifstream in(path);
    if (!in)
        return path + ": cannot open the file";
    return parseLobster(in, path, tickSize, out);
}

void recordLobster(MarketSimulator& sim, double until, std::ostream& out)
{
    const double tick = sim.config().instrument.tickSize;
    std::unordered_map<std::uint64_t, Side> sides;
    auto write = [&](int type, std::uint64_t ref, Quantity size, Price price) {
        const auto it = sides.find(ref);
        if (it == sides.end())
            return;
        char buf[160];
        std::snprintf(buf, sizeof buf, "%.6f,%d,%llu,%lld,%lld,%d\n", kOpen + sim.now(), type,
                      static_cast<unsigned long long>(ref & kIdMask), static_cast<long long>(size),
                      static_cast<long long>(std::llround(static_cast<double>(price) * tick * 10000.0)),
                      it->second == Side::Buy ? 1 : -1);
        out << buf;
    };
    sim.setEventSink([&](const SimEvent& e) {
        if (e.kind == SimEventKind::Limit || e.kind == SimEventKind::Market)
            sides[e.orderRef] = e.side;
    });
    sim.setBookListener([&](const std::vector<BookEvent>& events) {
        for (const BookEvent& e : events) {
            if (e.kind == BookEventKind::Rested)
                write(1, e.ref, e.qty, e.price);
            else if (e.kind == BookEventKind::Fill)
                write(4, e.counterRef, e.qty, e.price);
            else if (e.kind == BookEventKind::Cancelled)
                write(3, e.ref, e.qty, e.price);
        }
    });
    sim.runUntil(until);
    sim.setEventSink({});
    sim.setBookListener({});
}

LobsterReplay::LobsterReplay(std::vector<LobsterMessage> messages, Instrument instrument)
    : m_messages(std::move(messages)), m_instrument(std::move(instrument))
{
    if (!m_messages.empty())
        m_now = m_messages.front().time;
}

double LobsterReplay::endTime() const { return m_messages.empty() ? 0 : m_messages.back().time; }

Price LobsterReplay::twiceMid() const
{
    return m_book.hasBid() && m_book.hasAsk() ? m_book.bestBid() + m_book.bestAsk() : 0;
}

void LobsterReplay::runUntil(double t)
{
    while (m_next < m_messages.size() && m_messages[m_next].time <= t) {
        m_now = m_messages[m_next].time;
        apply(m_messages[m_next++]);
    }
    m_now = std::max(m_now, t);
}

// Our fills in the last book command's events.
void LobsterReplay::collectOwnFills(Side takerSide)
{
    for (const BookEvent& e : m_book.events()) {
        if (e.kind != BookEventKind::Fill)
            continue;
        ++m_counters.trades;
        m_counters.volume += e.qty;
        if (!(e.ref & kRecordedBit))
            m_fills.push_back(SimFill{e.ref, takerSide, e.price, e.qty, m_now, false});
        if (!(e.counterRef & kRecordedBit))
            m_fills.push_back(SimFill{e.counterRef, takerSide == Side::Buy ? Side::Sell : Side::Buy, e.price, e.qty, m_now, true});
    }
}

void LobsterReplay::reduce(Recorded& r, Quantity by)
{
    const Quantity leaves = m_book.leaves(r.handle);
    if (leaves <= 0) {
        ++m_counters.skipped; // our trading already took it
        return;
    }
    if (by >= leaves)
        m_book.cancel(r.handle);
    else
        m_book.replace(r.handle, r.price, leaves - by); // smaller at the same price keeps priority
    ++m_counters.applied;
}

// A recorded execution against `r` at `price` first fills our resting orders that
// would have been ahead of it: a better price, or the same price and there earlier.
Quantity LobsterReplay::fillOwnAhead(const Recorded& r, Price price, Quantity size)
{
    std::vector<Own*> ahead;
    for (Own& o : m_own) {
        if (o.side != r.side || m_book.leaves(o.handle) <= 0)
            continue;
        const bool better = r.side == Side::Sell ? o.price < price : o.price > price;
        if (better || (o.price == price && o.since < r.since))
            ahead.push_back(&o);
    }
    std::sort(ahead.begin(), ahead.end(), [&](const Own* a, const Own* b) {
        if (a->price != b->price)
            return r.side == Side::Sell ? a->price < b->price : a->price > b->price;
        return a->since < b->since;
    });
    Quantity filled = 0;
    for (Own* o : ahead) {
        if (filled >= size)
            break;
        const Quantity leaves = m_book.leaves(o->handle);
        const Quantity q = std::min(leaves, size - filled);
        if (q >= leaves)
            m_book.cancel(o->handle);
        else
            m_book.replace(o->handle, o->price, leaves - q);
        m_fills.push_back(SimFill{o->ref, o->side, o->price, q, m_now, true});
        filled += q;
        ++m_counters.trades;
        m_counters.volume += q;
    }
    return filled;
}

void LobsterReplay::apply(const LobsterMessage& m)
{
    const Side side = m.direction > 0 ? Side::Buy : Side::Sell;
    switch (m.type) {
    case 1: {
        BookOrder o;
        o.ref = kRecordedBit | m.orderId;
        o.side = side;
        o.price = m.price;
        o.qty = m.size;
        const OrderBook::Result r = m_book.add(o); // may cross one of ours
        collectOwnFills(side);
        m_recorded[m.orderId] = Recorded{r.handle, side, m.price, m.time};
        ++m_counters.applied;
        break;
    }
    case 2:
    case 3:
    case 4: {
        auto it = m_recorded.find(m.orderId);
        if (it == m_recorded.end()) {
            ++m_counters.skipped; // an order from before the file starts
            break;
        }
        if (m.type == 4) {
            fillOwnAhead(it->second, m.price, m.size);
            ++m_counters.trades;
            m_counters.volume += m.size;
        }
        reduce(it->second, m.type == 3 ? m_book.leaves(it->second.handle) : m.size);
        if (m_book.leaves(it->second.handle) <= 0)
            m_recorded.erase(it);
        break;
    }
    case 5:
    case 6:
        ++m_counters.trades;
        m_counters.volume += m.size;
        ++m_counters.applied;
        break;
    default: ++m_counters.applied; break; // 7: a halt; nothing to replay
    }
}

OrderBook::Result LobsterReplay::submit(std::uint64_t ref, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty)
{
    BookOrder o;
    o.ref = ref & kIdMask;
    o.side = side;
    o.type = type;
    o.tif = type == OrderType::Market ? TimeInForce::ImmediateOrCancel : tif;
    o.price = price;
    o.qty = qty;
    const OrderBook::Result r = m_book.add(o);
    collectOwnFills(side);
    if (r.handle != OrderBook::kNoHandle)
        m_own.push_back(Own{o.ref, side, price, m_now, r.handle});
    return r;
}

bool LobsterReplay::cancel(OrderBook::Handle handle)
{
    const bool ok = m_book.cancel(handle);
    m_own.erase(std::remove_if(m_own.begin(), m_own.end(), [&](const Own& o) { return o.handle == handle; }), m_own.end());
    return ok;
}

std::vector<SimFill> LobsterReplay::takeOwnFills()
{
    std::vector<SimFill> out;
    out.swap(m_fills);
    m_own.erase(std::remove_if(m_own.begin(), m_own.end(), [&](const Own& o) { return m_book.leaves(o.handle) <= 0; }),
                m_own.end());
    return out;
}

} // namespace hm
