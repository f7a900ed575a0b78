#include "oms/order_manager.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hm {
namespace {
constexpr std::size_t kFillsKept = 2000;

// Rank of a non-terminal state, so a late report cannot move an order backwards.
int progress(OrderStatus s)
{
    switch (s) {
    case OrderStatus::PendingNew: return 0;
    case OrderStatus::New: return 1;
    case OrderStatus::PendingCancel:
    case OrderStatus::PendingReplace: return 1;
    case OrderStatus::PartiallyFilled: return 2;
    default: return 3;
    }
}
} // namespace

// Brackets one change to an order: its old share of the aggregates leaves, its new one comes in.
class OrderManager::Change {
public:
    Change(OrderManager& m, const OrderRecord& o) : m_m(m), m_o(o) { m_m.count(m_o, -1); }
    ~Change() { m_m.count(m_o, +1); }
    Change(const Change&) = delete;
    Change& operator=(const Change&) = delete;

private:
    OrderManager& m_m;
    const OrderRecord& m_o;
};

void OrderManager::count(const OrderRecord& o, int sign)
{
    if (isTerminal(o.status))
        return;
    if (!o.owner.empty()) {
        OwnerWork& w = m_byOwner[o.owner];
        w.working += sign;
        w.cancelsPending += o.status == OrderStatus::PendingCancel ? sign : 0;
        if (w.working == 0)
            m_byOwner.erase(o.owner);
    }
    if (o.type != OrderType::Limit || o.leavesQty <= 0)
        return;
    WorkingLevels& l = m_levels[o.symbol];
    auto& side = o.side == Side::Buy ? l.bids : l.asks;
    Quantity& q = side[o.price];
    q += sign * o.leavesQty;
    if (q == 0)
        side.erase(o.price);
    if (l.bids.empty() && l.asks.empty())
        m_levels.erase(o.symbol);
}

const OrderRecord& OrderManager::onSend(const OrderRequest& request, Timestamp now)
{
    OrderRecord o;
    o.clOrdId = request.clOrdId;
    o.currentClOrdId = request.clOrdId;
    o.owner = request.owner;
    o.symbol = request.symbol;
    o.side = request.side;
    o.type = request.type;
    o.tif = request.tif;
    o.qty = request.qty;
    o.price = request.price;
    o.leavesQty = request.qty;
    o.created = now;
    o.updated = now;
    o.sequence = m_sequence.size();
    m_alias[o.clOrdId] = o.clOrdId;
    OrderRecord& stored = m_orders[o.clOrdId] = o;
    m_sequence.push_back(&stored);
    m_working[stored.sequence] = &stored;
    count(stored, +1);
    return stored;
}

const OrderRecord& OrderManager::adopt(const OrderRecord& carried, Timestamp now, const std::vector<std::string>& aliases)
{
    OrderRecord o = carried;
    o.currentClOrdId = o.currentClOrdId.empty() ? o.clOrdId : o.currentClOrdId;
    o.pendingRequestId.clear(); // what became of a cancel or replace in flight, the counterparty will say
    if (!isTerminal(o.status) && o.status != OrderStatus::PendingNew)
        o.status = o.cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New;
    o.leavesQty = isTerminal(o.status) ? 0 : std::max<Quantity>(0, o.qty - o.cumQty);
    o.created = now;
    o.updated = now;
    o.sequence = m_sequence.size();
    m_alias[o.clOrdId] = o.clOrdId;
    m_alias[o.currentClOrdId] = o.clOrdId;
    for (const auto& a : aliases)
        m_alias.emplace(a, o.clOrdId);
    OrderRecord& stored = m_orders[o.clOrdId] = o;
    m_sequence.push_back(&stored);
    if (!isTerminal(stored.status))
        m_working[stored.sequence] = &stored;
    count(stored, +1);
    return stored;
}

void OrderManager::seedPosition(const std::string& symbol, Quantity qty, double avgCostTicks)
{
    Position& p = m_positions[symbol];
    p.symbol = symbol;
    p.qty = qty;
    p.avgCostTicks = qty == 0 ? 0.0 : avgCostTicks;
}

void OrderManager::onSendFailed(const std::string& clOrdId, const std::string& reason, Timestamp now)
{
    if (OrderRecord* o = lookup(clOrdId)) {
        Change change(*this, *o);
        o->status = OrderStatus::Rejected;
        o->leavesQty = 0;
        o->text = reason;
        o->updated = now;
        ++m_rejects;
        trackWorking(*o);
    }
}

OrderRecord* OrderManager::lookup(const std::string& anyClOrdId)
{
    auto a = m_alias.find(anyClOrdId);
    if (a == m_alias.end())
        return nullptr;
    auto o = m_orders.find(a->second);
    return o == m_orders.end() ? nullptr : &o->second;
}

const OrderRecord* OrderManager::find(const std::string& anyClOrdId) const
{
    return const_cast<OrderManager*>(this)->lookup(anyClOrdId);
}

std::vector<const OrderRecord*> OrderManager::workingOrders() const
{
    // PendingNew included: it may still be working at the venue.
    std::vector<const OrderRecord*> out;
    out.reserve(m_working.size());
    for (const auto& kv : m_working)
        out.push_back(kv.second);
    return out;
}

std::vector<const OrderRecord*> OrderManager::workingAgainst(const std::string& symbol, Side side, OrderType type,
                                                             Price price) const
{
    std::vector<const OrderRecord*> out;
    auto l = m_levels.find(symbol);
    if (l == m_levels.end())
        return out;
    const bool market = type == OrderType::Market;
    if (side == Side::Buy) { // our asks at or below the price
        if (l->second.asks.empty() || (!market && l->second.asks.begin()->first > price))
            return out;
    } else if (l->second.bids.empty() || (!market && l->second.bids.rbegin()->first < price)) {
        return out;
    }
    for (const auto& kv : m_working) {
        const OrderRecord& o = *kv.second;
        if (o.symbol != symbol || o.side == side || o.type != OrderType::Limit || o.leavesQty <= 0
            || o.status == OrderStatus::PendingCancel)
            continue;
        if (market || (side == Side::Buy ? o.price <= price : o.price >= price))
            out.push_back(&o);
    }
    return out;
}

void OrderManager::trackWorking(OrderRecord& o)
{
    if (isTerminal(o.status))
        m_working.erase(o.sequence);
}

OrderRecord* OrderManager::onCancelRequested(const std::string& clOrdId, const std::string& requestId, Timestamp now)
{
    OrderRecord* o = lookup(clOrdId);
    if (!o || isTerminal(o->status))
        return nullptr;
    Change change(*this, *o);
    o->pendingRequestId = requestId;
    o->status = OrderStatus::PendingCancel;
    o->updated = now;
    m_alias[requestId] = o->clOrdId;
    return o;
}

OrderRecord* OrderManager::onReplaceRequested(const std::string& clOrdId, const std::string& requestId, Timestamp now)
{
    OrderRecord* o = lookup(clOrdId);
    if (!o || isTerminal(o->status))
        return nullptr;
    Change change(*this, *o);
    o->pendingRequestId = requestId;
    o->status = OrderStatus::PendingReplace;
    o->updated = now;
    m_alias[requestId] = o->clOrdId;
    return o;
}

void OrderManager::bookFill(OrderRecord& o, Quantity qty, Price px, const std::string& execId, Timestamp now,
                            ReportResult& r)
{
    FillRecord f;
    f.execId = execId;
    f.clOrdId = o.clOrdId;
    f.symbol = o.symbol;
    f.side = o.side;
    f.qty = qty;
    f.price = px;
    f.time = now;
    m_fills.push_back(f);
    if (m_fills.size() > kFillsKept)
        m_fills.pop_front();
    ++m_fillCount;
    r.filled = true;
    r.fill = f;

    Position& p = m_positions[o.symbol];
    p.symbol = o.symbol;
    const Quantity signedQty = o.side == Side::Buy ? qty : -qty;
    if (o.side == Side::Buy)
        p.boughtQty += qty;
    else
        p.soldQty += qty;
    if (p.qty == 0 || (p.qty > 0) == (signedQty > 0)) {
        // Adding to the position: new average cost.
        const double total = p.avgCostTicks * static_cast<double>(std::llabs(p.qty)) + static_cast<double>(px * qty);
        p.qty += signedQty;
        p.avgCostTicks = total / static_cast<double>(std::llabs(p.qty));
    } else {
        // Reducing (maybe flipping): realize against the average cost.
        const Quantity closing = std::min<Quantity>(qty, std::llabs(p.qty));
        const double perUnit = p.qty > 0 ? static_cast<double>(px) - p.avgCostTicks : p.avgCostTicks - static_cast<double>(px);
        p.realizedTicks += perUnit * static_cast<double>(closing);
        p.qty += signedQty;
        if (p.qty == 0)
            p.avgCostTicks = 0.0;
        else if (closing < qty)
            p.avgCostTicks = static_cast<double>(px); // flipped: the remainder opened at px
    }
}

OrderManager& OrderManager::operator=(const OrderManager& other)
{
    if (this == &other)
        return *this;
    m_orders = other.m_orders;
    m_alias = other.m_alias;
    m_execIds = other.m_execIds;
    m_responded = other.m_responded;
    m_sequence.clear();
    m_sequence.reserve(other.m_sequence.size());
    for (const OrderRecord* o : other.m_sequence)
        m_sequence.push_back(&m_orders.at(o->clOrdId));
    m_fills = other.m_fills;
    m_positions = other.m_positions;
    m_duplicates = other.m_duplicates;
    m_unknown = other.m_unknown;
    m_fillCount = other.m_fillCount;
    m_rejects = other.m_rejects;
    m_rememberExecIds = other.m_rememberExecIds;
    m_levels = other.m_levels;
    m_byOwner = other.m_byOwner;
    m_working.clear();
    for (const auto& kv : other.m_working)
        m_working.emplace(kv.first, &m_orders.at(kv.second->clOrdId));
    return *this;
}

ReportResult OrderManager::onExecutionReport(const ExecutionReport& er, Timestamp now)
{
    ReportResult r;
    if (m_rememberExecIds && !er.execId.empty() && !m_execIds.insert(er.execId).second) {
        ++m_duplicates;
        r.outcome = ReportOutcome::Duplicate;
        return r;
    }
    OrderRecord* o = lookup(er.clOrdId);
    if (!o && !er.origClOrdId.empty())
        o = lookup(er.origClOrdId);
    if (!o) {
        ++m_unknown;
        r.outcome = ReportOutcome::UnknownOrder;
        return r;
    }
    r.order = o;
    Change change(*this, *o);
    r.firstResponse = m_rememberExecIds && m_responded.insert(o->clOrdId).second;
    o->updated = now;
    if (!er.orderId.empty())
        o->orderId = er.orderId;
    if (!er.text.empty())
        o->text = er.text;

    // Fills: book exactly what cumulative quantity says is new, so a repeated or
    // reordered report cannot double-count and a missed one is caught up.
    if (er.cumQty > o->cumQty) {
        const Quantity newQty = er.cumQty - o->cumQty;
        const Price px = er.lastPx > 0 ? er.lastPx : o->price;
        bookFill(*o, newQty, px, er.execId, now, r);
        o->cumQty = er.cumQty;
        o->avgPx = er.avgPx;
    }

    const bool wasTerminal = isTerminal(o->status);
    switch (er.execType) {
    case ExecType::Replaced:
        if (!wasTerminal) {
            if (!er.clOrdId.empty()) {
                o->currentClOrdId = er.clOrdId;
                m_alias[er.clOrdId] = o->clOrdId;
            }
            if (er.orderQty > 0)
                o->qty = er.orderQty;
            if (er.price > 0)
                o->price = er.price;
            o->pendingRequestId.clear();
        }
        break;
    case ExecType::Canceled:
    case ExecType::Expired:
        if (!wasTerminal) {
            o->unsolicitedCancel = o->pendingRequestId.empty() || o->status != OrderStatus::PendingCancel;
            o->pendingRequestId.clear();
        }
        break;
    case ExecType::Rejected:
        if (!wasTerminal)
            ++m_rejects;
        break;
    default: break;
    }

    if (wasTerminal) {
        r.outcome = er.cumQty >= o->cumQty && !r.filled ? ReportOutcome::Stale : ReportOutcome::Applied;
        return r;
    }
    OrderStatus next = er.ordStatus;
    if (er.execType == ExecType::Replaced && next == OrderStatus::Replaced)
        next = o->cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New;
    if (o->cumQty >= o->qty && o->qty > 0)
        next = OrderStatus::Filled;
    // A pending cancel/replace stays visible until the venue answers it.
    const bool pending = !o->pendingRequestId.empty();
    if (!isTerminal(next)) {
        if (pending)
            next = o->status == OrderStatus::PendingReplace ? OrderStatus::PendingReplace : OrderStatus::PendingCancel;
        else if (progress(next) < progress(o->status) && o->status != OrderStatus::PendingCancel
                 && o->status != OrderStatus::PendingReplace)
            next = o->status; // late report: keep the further state
        else if (next == OrderStatus::New && o->cumQty > 0)
            next = OrderStatus::PartiallyFilled;
    }
    o->status = next;
    o->leavesQty = isTerminal(next) ? 0 : (er.leavesQty > 0 ? er.leavesQty : o->qty - o->cumQty);
    trackWorking(*o);
    return r;
}

const OrderRecord* OrderManager::onCancelReject(const CancelReject& rej, Timestamp now)
{
    OrderRecord* o = lookup(rej.origClOrdId);
    if (!o)
        o = lookup(rej.clOrdId);
    if (!o)
        return nullptr;
    Change change(*this, *o);
    o->updated = now;
    o->text = rej.text;
    if (o->pendingRequestId == rej.clOrdId || o->pendingRequestId.empty()) {
        o->pendingRequestId.clear();
        if (!isTerminal(o->status))
            o->status = isTerminal(rej.ordStatus) ? rej.ordStatus
                : (o->cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New);
        trackWorking(*o);
    }
    return o;
}

} // namespace hm
