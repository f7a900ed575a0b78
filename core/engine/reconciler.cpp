#include "engine/reconciler.h"

#include "engine/activity_log.h"
#include "engine/engine_context.h"
#include "engine/order_router.h"
#include "journal/journal_codec.h"

#include <cmath>

namespace hm {
namespace {

constexpr std::size_t kDetailsShown = 8;

OrderRecord recordOf(const CarryOrderRecord& c)
{
    OrderRecord o;
    o.clOrdId = c.clOrdId;
    o.currentClOrdId = c.currentClOrdId.empty() ? c.clOrdId : c.currentClOrdId;
    o.orderId = c.orderId;
    o.owner = c.owner;
    o.symbol = c.symbol;
    o.side = c.side;
    o.type = c.type;
    o.tif = c.tif;
    o.qty = c.qty;
    o.price = c.price;
    o.cumQty = c.cumQty;
    o.leavesQty = c.leavesQty;
    o.avgPx = c.avgPx;
    o.status = c.status;
    o.text = "carried over (" + c.source + ")";
    return o;
}

} // namespace

void Reconciler::apply(OrderRouter& router, const CarryPositionRecord& p)
{
    router.m_oms.seedPosition(p.symbol, p.qty, p.avgCostTicks);
    if (p.qty != 0) // the gate's position limits count it from the start
        router.m_gate.onFill(p.symbol, p.qty > 0 ? Side::Buy : Side::Sell, std::llabs(p.qty));
}

void Reconciler::apply(OrderRouter& router, const CarryOrderRecord& c, Timestamp now)
{
    if (router.m_oms.find(c.clOrdId))
        return; // carried twice: the first one stands
    const OrderRecord& o = router.m_oms.adopt(recordOf(c), now, c.aliases);
    if (isTerminal(o.status))
        return;
    router.m_gate.carriedOver(o.symbol, o.side, o.leavesQty);
    router.m_gateLeaves[o.clOrdId] = o.leavesQty;
}

void Reconciler::carryIn(Io io, CarryIn& carry)
{
    const Timestamp now = io.ctx.now();
    m_from = carry.from;
    for (const auto& p : carry.positions) {
        io.ctx.record(encode(p, now));
        apply(io.router, p);
    }
    for (const auto& c : carry.orders) {
        io.ctx.record(encode(c, now));
        apply(io.router, c, now);
        const OrderRecord* o = io.router.m_oms.find(c.clOrdId);
        if (o && !isTerminal(o->status) && !m_unanswered.count(o->clOrdId)) {
            m_carried.push_back(o->clOrdId);
            m_unanswered[o->clOrdId] = c.source;
            m_fromStore += c.source == "fix-store" ? 1 : 0;
        }
    }
    m_asked = m_unanswered.size();
    if (m_unanswered.empty()) {
        if (!carry.from.empty())
            io.log.feed(io.ctx, "reconcile", "engine",
                        "nothing to reconcile: the last session (" + carry.from + ") left no order working or in flight; "
                            + std::to_string(carry.positions.size()) + " position(s) carried over",
                        true);
        finish(io, false);
    } else {
        m_phase = Phase::WaitingForLogon;
        io.router.m_reconciling = true;
        io.log.feed(io.ctx, "reconcile", "engine",
                    std::to_string(m_asked) + " order(s) the last session left working or in flight ("
                        + std::to_string(m_fromStore) + " known only to the FIX store) will be asked about at logon; "
                        + "no new order is sent until they are answered",
                    true);
    }
}

void Reconciler::onLogon(Io io)
{
    if (m_phase == Phase::WaitingForLogon || m_phase == Phase::Asked)
        ask(io); // asked again after a reconnect: answers to the first asking may be lost
}

void Reconciler::ask(Io io)
{
    m_reqId = "STATUS-" + io.ctx.nextId();
    m_mass = io.ctx.gateway.supportsMassStatus();
    std::string error;
    bool sent = true;
    if (m_mass) {
        sent = io.ctx.gateway.requestMassStatus(m_reqId, error);
    } else {
        std::size_t n = 0;
        for (const auto& kv : m_unanswered) {
            const OrderRecord* o = io.router.m_oms.find(kv.first);
            if (!o)
                continue;
            OrderStatusQuery q{o->currentClOrdId, o->symbol, o->side, m_reqId + "-" + std::to_string(++n)};
            sent = io.ctx.gateway.requestOrderStatus(q, error) && sent;
        }
    }
    if (!sent) {
        io.log.feed(io.ctx, "reconcile", "engine", "status request not sent (asked again at the next logon): " + error, true);
        m_phase = Phase::WaitingForLogon;
        return;
    }
    m_phase = Phase::Asked;
    m_askedMono = io.ctx.clock.monoNs();
}

ReportResult Reconciler::applyAnswer(Io io, ExecutionReport& e, const OrderRecord& o)
{
    if (!io.router.m_oms.find(e.clOrdId)) // known there by an id we never had: name ours (journaled with it)
        e.origClOrdId = o.clOrdId;
    if (e.cumQty > o.cumQty) {
        // A fill the last session never journaled: booked from what CumQty and AvgPx add up to.
        const Quantity qty = e.cumQty - o.cumQty;
        const Instrument* ins = io.ctx.instrument(o.symbol);
        const double notional = e.avgPx * static_cast<double>(e.cumQty) - o.avgPx * static_cast<double>(o.cumQty);
        Price px = e.lastPx;
        if (px <= 0 && ins && notional > 0)
            px = ins->toTicks(notional / static_cast<double>(qty));
        if (px <= 0)
            px = o.price;
        e.lastQty = qty;
        e.lastPx = px;
        e.text = "recovered: filled " + std::to_string(qty) + " before the restart, not journaled"
            + (e.text.empty() ? "" : "; " + e.text);
        ++m_recoveredFills;
        m_recoveredQty += qty;
        if (m_details.size() < kDetailsShown)
            m_details.push_back(o.clOrdId + " " + io.ctx.orderText(o.side, qty, o.symbol, OrderType::Limit, px)
                                + " recovered");
    }
    if (e.ordStatus == OrderStatus::Rejected && e.cumQty == 0) {
        ++m_unknownThere;
        if (m_details.size() < kDetailsShown)
            m_details.push_back(o.clOrdId + " never reached the counterparty");
    }
    return io.router.onExecutionReport(io.ctx, io.counters, e, io.roundTripMutex);
}

bool Reconciler::onReport(Io io, ExecutionReport& e, ReportResult& result)
{
    const bool ours = !m_reqId.empty()
        && (e.massStatusReqId == m_reqId || e.ordStatusReqId.compare(0, m_reqId.size() + 1, m_reqId + "-") == 0);
    if (!ours || m_phase != Phase::Asked)
        return false;
    const bool none = m_mass && e.totNumReports == 0;
    if (!none) {
        const OrderRecord* o = io.router.m_oms.find(e.clOrdId);
        if (!o && !e.origClOrdId.empty())
            o = io.router.m_oms.find(e.origClOrdId);
        if (!o && !e.orderId.empty()) // replaced under an id neither the journal nor the store kept
            for (const auto& kv : m_unanswered) {
                const OrderRecord* c = io.router.m_oms.find(kv.first);
                if (c && c->orderId == e.orderId) {
                    o = c;
                    break;
                }
            }
        if (!o || !m_unanswered.count(o->clOrdId)) {
            ++m_otherOrders; // an order of an earlier session, settled there, or one answered already
        } else {
            m_unanswered.erase(o->clOrdId);
            result = applyAnswer(io, e, *o);
        }
    }
    if (m_mass ? e.lastRptRequested || none : m_unanswered.empty()) {
        if (m_mass) // not in the counterparty's list of our orders: it never arrived there
            for (auto it = m_unanswered.begin(); it != m_unanswered.end();) {
                const OrderRecord* o = io.router.m_oms.find(it->first);
                if (o) {
                    ExecutionReport gone;
                    gone.clOrdId = o->currentClOrdId;
                    gone.symbol = o->symbol;
                    gone.side = o->side;
                    gone.execType = ExecType::OrderStatus;
                    gone.ordStatus = OrderStatus::Rejected;
                    gone.cumQty = o->cumQty;
                    gone.text = "not in the counterparty's mass status: it never arrived there";
                    applyAnswer(io, gone, *o);
                }
                it = m_unanswered.erase(it);
            }
        finish(io, false);
    }
    return true;
}

void Reconciler::tick(Io io)
{
    if (m_phase == Phase::Asked && io.ctx.clock.monoNs() - m_askedMono > kAnswerTimeoutNs)
        finish(io, true);
}

void Reconciler::finish(Io io, bool timedOut)
{
    std::vector<std::string> working;
    for (const auto& key : m_carried) {
        const OrderRecord* o = io.router.m_oms.find(key);
        if (o && !isTerminal(o->status) && o->status != OrderStatus::PendingCancel && !m_unanswered.count(key))
            working.push_back(key);
    }
    m_carried.clear();
    for (const auto& id : working)
        io.router.cancel(io.ctx, io.log, id, Origin::engine());
    if (m_phase != Phase::Idle) {
        std::string text = timedOut ? "reconciliation incomplete after " + std::to_string(kAnswerTimeoutNs / 1000000000)
                + " s: " + std::to_string(m_unanswered.size()) + " of " + std::to_string(m_asked)
                + " order(s) unanswered (positions may be off by their fills); "
                                    : "reconciled with the counterparty: ";
        text += std::to_string(m_asked) + " order(s) asked about" + (m_mass ? " (mass status)" : " (one by one)") + ", "
            + std::to_string(m_fromStore) + " known only to the FIX store; " + std::to_string(m_recoveredFills)
            + " fill(s) recovered (" + std::to_string(m_recoveredQty) + " in all); " + std::to_string(m_unknownThere)
            + " never reached it; " + std::to_string(working.size()) + " still working there, cancelled";
        if (m_otherOrders > 0)
            text += "; " + std::to_string(m_otherOrders) + " report(s) about orders of earlier sessions";
        for (const auto& d : m_details)
            text += "; " + d;
        io.log.feed(io.ctx, "reconcile", "engine", text, true);
    }
    m_phase = Phase::Idle;
    io.router.m_reconciling = false;
    std::vector<std::function<void()>> then;
    then.swap(m_then);
    for (auto& f : then)
        f();
}

void Reconciler::whenDone(std::function<void()> then)
{
    if (!reconciling())
        then();
    else
        m_then.push_back(std::move(then));
}

} // namespace hm
