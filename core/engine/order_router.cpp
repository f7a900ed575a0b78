#include "engine/order_router.h"

#include "engine/activity_log.h"
#include "engine/engine_context.h"
#include "engine/engine_input.h"
#include "journal/journal_codec.h"
#include "model/text.h"

#include <algorithm>
#include <cmath>

namespace hm {
namespace {
std::string ownerOrOperator(const std::string& owner) { return owner.empty() ? "operator" : owner; }
} // namespace

bool OrderRouter::submit(const EngineContext& ctx, ActivityLog& log, EngineCounters& counters, OrderRequest& o,
                         const Origin& origin)
{
    const Timestamp now = ctx.now();
    const std::string text = ctx.orderText(o.side, o.qty, o.symbol, o.type, o.price);
    if (m_oms.find(o.clOrdId)) {
        // A caller's own id that is taken: refused before it reaches the order manager,
        // the gate or the venue, so nothing about the existing order changes.
        const std::string why = "client order id '" + o.clOrdId + "' is already in use";
        ++counters.ordersDenied;
        log.feed(ctx, "denial", ownerOrOperator(o.owner), text + ": " + why);
        log.operatorAction(ctx, "submit-refused", origin.text() + ": " + why);
        return false;
    }
    std::string reason;
    const Instrument* ins = ctx.instrument(o.symbol);
    if (!ins)
        reason = "unknown instrument '" + o.symbol + "'";
    else if (o.qty <= 0 || o.qty % std::max<Quantity>(1, ins->lotSize) != 0)
        reason = "quantity " + std::to_string(o.qty) + " is not a positive multiple of the lot size "
            + std::to_string(ins->lotSize);
    else if (o.type == OrderType::Limit && o.price <= 0)
        reason = "limit price must be positive";
    DenyReason code = DenyReason::None;
    if (reason.empty() && m_reconciling) {
        code = DenyReason::Reconciling;
        reason = std::string("risk gate ") + toString(code)
            + ": the counterparty has not yet said what became of the last session's orders";
        m_gate.denyRecorded(code);
        log.feed(ctx, "denial", ownerOrOperator(o.owner), text + ": " + reason);
    } else if (reason.empty()) {
        // The risk gate sees every order, the operator's too.
        const std::string who = ownerOrOperator(o.owner);
        const GateVerdict v = m_gate.checkNew(o, who, ctx.clock.monoNs(), ownOrdersAgainst(o.symbol, o.side, o.type, o.price));
        // Resting orders the gate wants gone are cancelled first: on the one FIX session
        // the venue handles the cancels before the new order, so the two cannot meet.
        const bool cancelled = v.cancelResting.empty() || cancelSelfTrades(ctx, log, v, o.clOrdId, who, text);
        if (v.passed() && !cancelled) {
            // One stays working (its cancel could not be sent): the new order must not go.
            m_gate.onWorkingReduced(o.symbol, o.side, o.qty);
            m_gate.onOrderClosed();
            m_gate.denyRecorded(DenyReason::SelfTrade);
            m_gate.selfTradeRecorded(who, true);
            code = DenyReason::SelfTrade;
            reason = std::string("risk gate ") + toString(code) + ": " + v.text
                + "; our resting order could not be cancelled";
            log.feed(ctx, "denial", who, text + ": " + reason);
        } else if (!v.passed()) {
            code = v.reason;
            reason = std::string("risk gate ") + toString(v.reason) + ": " + v.text;
            log.feed(ctx, "denial", who, text + ": " + reason);
        } else {
            m_gateLeaves[o.clOrdId] = o.qty;
            m_attribution.onOrder(o.clOrdId, o.owner, o.symbol, m_gate.reference(o.symbol));
        }
    }
    if (origin.journalsAsOperator())
        log.operatorAction(ctx, "submit", origin.text() + ": " + toString(o.side) + " " + std::to_string(o.qty) + " " + o.symbol);
    m_oms.onSend(o, now);
    if (ctx.journaling()) { // with its owner: replay attributes the order to its agent
        if (reason.empty())
            ctx.record(encode(OrderNewRecord{o.clOrdId, o.symbol, o.side, o.type, o.tif, o.qty, o.price, o.owner}, now));
        else
            ctx.record(encode(OrderDeniedRecord{o.clOrdId, o.symbol, o.side, o.qty, o.price, static_cast<int>(code), reason,
                                                o.owner},
                              now));
    }
    if (!reason.empty()) {
        m_oms.onSendFailed(o.clOrdId, "denied: " + reason, now);
        ++counters.ordersDenied;
        return false;
    }
    std::string error;
    const Timestamp handedOver = ctx.clock.monoNs();
    if (!ctx.gateway.send(o, error)) {
        m_gate.onWorkingReduced(o.symbol, o.side, o.qty);
        m_gate.onOrderClosed();
        m_gateLeaves.erase(o.clOrdId);
        m_attribution.onOrderClosed(o.clOrdId);
        m_oms.onSendFailed(o.clOrdId, error, now);
        ++counters.ordersDenied;
        if (ctx.journaling()) // passed the gate, not sent: no side, price, quantity, code or owner
            ctx.record(encode(OrderDeniedRecord{o.clOrdId, o.symbol, std::nullopt, 0, 0, 0, error, ""}, now));
        return false;
    }
    // Reports are handled on this thread, after this: the time can be noted now.
    const Timestamp onWire = ctx.gateway.lastSendMono();
    m_sentAt[o.clOrdId] = onWire >= handedOver ? onWire : handedOver;
    ++counters.ordersSent;
    return true;
}

std::vector<OwnOrder> OrderRouter::ownOrdersAgainst(const std::string& symbol, Side side, OrderType type, Price price) const
{
    std::vector<OwnOrder> out;
    for (const OrderRecord* o : m_oms.workingAgainst(symbol, side, type, price))
        out.push_back(OwnOrder{o->clOrdId, o->owner, o->symbol, o->side, o->price, o->leavesQty});
    return out;
}

bool OrderRouter::cancelSelfTrades(const EngineContext& ctx, ActivityLog& log, const GateVerdict& v,
                                   const std::string& incomingId, const std::string& who, const std::string& incomingText)
{
    const Actor gate{"risk-gate", Role::System};
    const std::string policy = std::string("self-trade prevention, policy ") + toString(m_gate.limits().selfTradePolicy);
    bool allSent = true;
    for (const OwnOrder& r : v.cancelResting) {
        cancel(ctx, log, r.clOrdId, Origin::engine());
        const OrderRecord* rec = m_oms.find(r.clOrdId);
        const bool sent = rec && rec->status == OrderStatus::PendingCancel;
        allSent = allSent && sent;
        // Agent "" is the operator's order, as elsewhere in the audit trail.
        log.audit(ctx, gate, "self-trade-cancel", r.owner, policy, "", "",
                  r.clOrdId + " " + ctx.orderText(r.side, r.leaves, r.symbol, OrderType::Limit, r.price)
                      + (sent ? " cancelled" : " NOT cancelled (the cancel could not be sent)") + ": " + incomingId
                      + " of " + who + ", " + incomingText + ", would have traded against it");
    }
    return allSent;
}

void OrderRouter::cancel(const EngineContext& ctx, ActivityLog& log, const std::string& clOrdId, const Origin& origin)
{
    const Timestamp now = ctx.now();
    const OrderRecord* existing = m_oms.find(clOrdId);
    if (!existing || isTerminal(existing->status)) {
        log.operatorAction(ctx, "cancel-ignored", clOrdId + ": not a working order");
        return;
    }
    const std::string requestId = ctx.nextId();
    CancelRequest req;
    req.clOrdId = requestId;
    req.origClOrdId = existing->currentClOrdId;
    req.symbol = existing->symbol;
    req.side = existing->side;
    req.qty = existing->qty;
    if (origin.journalsAsOperator())
        log.operatorAction(ctx, "cancel", origin.text() + ": " + clOrdId);
    m_gate.noteCancel(ctx.clock.monoNs()); // cancels always pass; they count toward the message rate
    m_oms.onCancelRequested(clOrdId, requestId, now);
    if (ctx.journaling())
        ctx.record(encode(OrderCancelRecord{requestId, req.origClOrdId, req.symbol, req.side}, now));
    std::string error;
    if (!ctx.gateway.cancel(req, error)) {
        CancelReject rej;
        rej.clOrdId = requestId;
        rej.origClOrdId = req.origClOrdId;
        rej.ordStatus = existing->status;
        rej.text = "cancel not sent: " + error;
        m_oms.onCancelReject(rej, now);
    }
}

void OrderRouter::replace(const EngineContext& ctx, ActivityLog& log, EngineCounters& counters, const std::string& clOrdId,
                          Quantity qty, Price price, const Origin& origin)
{
    const Timestamp now = ctx.now();
    const OrderRecord* existing = m_oms.find(clOrdId);
    if (!existing || isTerminal(existing->status)) {
        log.operatorAction(ctx, "replace-ignored", clOrdId + ": not a working order");
        return;
    }
    OrderRequest current;
    current.symbol = existing->symbol;
    current.side = existing->side;
    current.type = existing->type;
    current.qty = existing->qty;
    current.price = existing->price;
    const std::string who = ownerOrOperator(existing->owner);
    GateVerdict v = m_gate.checkReplace(current, existing->leavesQty, qty, price, who, ctx.clock.monoNs(),
                                        ownOrdersAgainst(current.symbol, current.side, current.type, price));
    if (!v.cancelResting.empty()
        && !cancelSelfTrades(ctx, log, v, clOrdId, who,
                             "replace to " + ctx.orderText(current.side, qty, current.symbol, current.type, price))
        && v.passed()) {
        const Quantity added = std::max<Quantity>(0, qty - existing->cumQty) - existing->leavesQty;
        if (added > 0)
            m_gate.onWorkingReduced(current.symbol, current.side, added);
        m_gate.denyRecorded(DenyReason::SelfTrade);
        m_gate.selfTradeRecorded(who, true);
        v.reason = DenyReason::SelfTrade;
        v.text += "; our resting order could not be cancelled";
    }
    if (!v.passed()) {
        ++counters.ordersDenied;
        log.feed(ctx, "denial", who, "replace " + clOrdId + ": risk gate " + toString(v.reason) + ": " + v.text);
        log.replaceDenied(ctx, ReplaceDeniedRecord{clOrdId, toString(v.reason), v.text});
        return;
    }
    {
        auto g = m_gateLeaves.find(existing->clOrdId);
        const Quantity newLeaves = std::max<Quantity>(0, qty - existing->cumQty);
        if (g != m_gateLeaves.end() && newLeaves > g->second)
            g->second = newLeaves;
    }
    const std::string requestId = ctx.nextId();
    ReplaceRequest req;
    req.clOrdId = requestId;
    req.origClOrdId = existing->currentClOrdId;
    req.symbol = existing->symbol;
    req.side = existing->side;
    req.type = existing->type;
    req.qty = qty;
    req.price = price;
    if (origin.journalsAsOperator())
        log.operatorAction(ctx, "replace", origin.text() + ": " + clOrdId);
    m_oms.onReplaceRequested(clOrdId, requestId, now);
    if (ctx.journaling())
        ctx.record(encode(OrderReplaceRecord{requestId, req.origClOrdId, req.symbol, req.side, req.qty, req.price}, now));
    std::string error;
    if (!ctx.gateway.replace(req, error)) {
        CancelReject rej;
        rej.clOrdId = requestId;
        rej.origClOrdId = req.origClOrdId;
        rej.ordStatus = existing->status;
        rej.responseTo = CancelRejectResponseTo::Replace;
        rej.text = "replace not sent: " + error;
        m_oms.onCancelReject(rej, now);
    }
}

std::size_t OrderRouter::cancelWhere(const EngineContext& ctx, ActivityLog& log,
                                     const std::function<bool(const OrderRecord&)>& match)
{
    std::vector<std::string> ids; // collected first: cancelling changes the working set
    for (const OrderRecord* o : m_oms.workingOrders()) {
        if (!match(*o))
            continue;
        // Cancelled again, once, if the venue refuses the cancel in flight or this one
        // (a replace it accepted first makes a cancel of the old id stale).
        m_cancelAgain.insert(o->clOrdId);
        if (o->status != OrderStatus::PendingCancel)
            ids.push_back(o->clOrdId);
    }
    for (const auto& id : ids)
        cancel(ctx, log, id, Origin::engine());
    return ids.size();
}

ReportResult OrderRouter::onExecutionReport(const EngineContext& ctx, EngineCounters& counters, const ExecutionReport& e,
                                            std::mutex& roundTripMutex)
{
    ++counters.executionReports;
    ReportResult r = m_oms.onExecutionReport(e, ctx.now());
    if (r.outcome == ReportOutcome::Duplicate) {
        ++counters.duplicateReports;
        return r; // journaled once, when first seen
    }
    if (r.outcome == ReportOutcome::UnknownOrder)
        ++counters.unknownReports;
    if (r.firstResponse && r.order) {
        auto it = m_sentAt.find(r.order->clOrdId);
        if (it != m_sentAt.end()) {
            if (e.receivedMono > it->second) {
                std::lock_guard<std::mutex> lock(roundTripMutex);
                m_roundTripsUs.push_back(static_cast<double>(e.receivedMono - it->second) / 1000.0);
            }
            m_sentAt.erase(it);
        }
    }
    if (r.filled) {
        ++counters.fills;
        if (r.order) {
            const Instrument* ins = ctx.instrument(r.order->symbol);
            m_attribution.onFill(r.order->clOrdId, r.order->owner, r.order->symbol, r.order->side, r.fill.qty,
                                 r.fill.price, ins ? ins->tickSize : 1.0);
        }
    }
    if (r.order && isTerminal(r.order->status)) {
        m_attribution.onOrderClosed(r.order->clOrdId);
        m_cancelAgain.erase(r.order->clOrdId);
    }
    releaseGate(r);
    if (e.execType == ExecType::Rejected)
        ++counters.rejects;
    journalReport(ctx, e);
    return r;
}

void OrderRouter::releaseGate(const ReportResult& r)
{
    const OrderRecord* o = r.order;
    if (!o)
        return;
    Quantity filled = 0;
    if (r.filled) {
        filled = r.fill.qty;
        m_gate.onFill(o->symbol, o->side, filled);
    }
    auto g = m_gateLeaves.find(o->clOrdId);
    if (g == m_gateLeaves.end())
        return;
    const Quantity now = isTerminal(o->status) ? 0 : o->leavesQty;
    const Quantity released = g->second - filled - now;
    if (released > 0)
        m_gate.onWorkingReduced(o->symbol, o->side, released);
    g->second = now;
    if (isTerminal(o->status)) {
        m_gate.onOrderClosed();
        m_gateLeaves.erase(g);
    }
}

void OrderRouter::journalReport(const EngineContext& ctx, const ExecutionReport& e)
{
    if (ctx.journaling())
        ctx.record(encode(ExecReportRecord::from(e), ctx.now()));
}

void OrderRouter::onCancelReject(const EngineContext& ctx, ActivityLog& log, EngineCounters& counters, const CancelReject& e)
{
    ++counters.cancelRejects;
    const OrderRecord* o = m_oms.onCancelReject(e, ctx.now());
    if (ctx.journaling())
        ctx.record(encode(CancelRejectRecord::from(e), ctx.now()));
    // A kill's cancel (its own, or one it found in flight) refused while the order still
    // works: cancelled once more. Only then is the mark taken, so a refused replace in
    // between does not use it up.
    if (o && !isTerminal(o->status) && o->status != OrderStatus::PendingCancel && m_cancelAgain.erase(o->clOrdId))
        cancel(ctx, log, o->clOrdId, Origin::engine());
    if (o && isTerminal(o->status)) {
        m_cancelAgain.erase(o->clOrdId);
        m_attribution.onOrderClosed(o->clOrdId);
    }
}

void OrderRouter::setReferencePrice(const EngineContext& ctx, ActivityLog& log, PendingAnswers& answers,
                                    const SetReferencePrice& c)
{
    const Instrument* ins = ctx.instrument(c.symbol);
    if (!ins)
        return answers.answer(c.reply, false, "set-reference: unknown instrument '" + c.symbol + "'");
    if (!std::isfinite(c.price) || c.price <= 0 || c.price > 1e9)
        return answers.answer(c.reply, false, "set-reference: the price must be a number above 0, got " + shortNumber(c.price));
    const Price ticks = ins->toTicks(c.price);
    if (ticks <= 0)
        return answers.answer(c.reply, false, "set-reference: " + shortNumber(c.price) + " is below one tick of " + c.symbol);
    const Price before = m_gate.reference(c.symbol);
    if (!m_gate.setTraderReference(c.symbol, ticks))
        return answers.answer(c.reply, false, "set-reference: " + c.symbol + " has market data; its reference follows the market");
    const std::string detail = c.symbol + " " + std::to_string(ticks);
    log.audit(ctx, c.actor, "set-reference", "", c.reason, before > 0 ? std::to_string(before) : "none", std::to_string(ticks),
              detail);
    answers.answer(c.reply, true, "reference price of " + c.symbol + " is " + shortNumber(ins->toPrice(ticks))
                                      + " until market data gives one");
}

void OrderRouter::changeLimits(const EngineContext& ctx, ActivityLog& log, PendingAnswers& answers, const ChangeLimits& c)
{
    if (c.actor.role != Role::RiskManager)
        return answers.answer(c.reply, false, "changing limits needs the risk manager");
    if (c.reason.empty())
        return answers.answer(c.reply, false, "a reason is required for a limit change");
    if (c.changes.empty())
        return answers.answer(c.reply, false, "no limit given");
    RiskLimits next = m_gate.limits();
    for (const auto& ch : c.changes) {
        const auto at = ch.first.find('@');
        if (at != std::string::npos && !m_gate.hasInstrument(ch.first.substr(at + 1)))
            return answers.answer(c.reply, false, ch.first + ": '" + ch.first.substr(at + 1)
                                                      + "' is not an instrument of this session");
        const std::string error = setLimit(next, ch.first, ch.second);
        if (!error.empty())
            return answers.answer(c.reply, false, error); // nothing applied
    }
    std::string summary;
    for (const auto& ch : c.changes) {
        std::string before, after;
        limitValue(m_gate.limits(), ch.first, before);
        limitValue(next, ch.first, after);
        log.audit(ctx, c.actor, "limit-change", "", c.reason, "", "", formatLimitChange(LimitChange{ch.first, before, after}));
        summary += (summary.empty() ? "" : ", ") + ch.first + " " + before + " -> " + after;
    }
    m_gate.setLimits(next); // from the next order
    if (ctx.journaling())
        ctx.record(encode(ConfigRecord{"limits", summary, ""}, ctx.now()));
    answers.answer(c.reply, true, "limits changed: " + summary);
}

void OrderRouter::replayAdmitted(const OrderRequest& o, Timestamp time)
{
    m_gate.admitRecorded(o, ownerOrOperator(o.owner), time);
    m_gateLeaves[o.clOrdId] = o.qty;
    m_attribution.onOrder(o.clOrdId, o.owner, o.symbol, m_gate.reference(o.symbol));
}

void OrderRouter::replayRefused(const OrderRequest& o, DenyReason reason, const std::string& why, Timestamp time)
{
    if (reason != DenyReason::None)
        m_gate.denyRecorded(reason);
    if (reason == DenyReason::SelfTrade)
        m_gate.selfTradeRecorded(o.owner, true);
    auto passed = m_gateLeaves.find(o.clOrdId); // passed the gate, then the send failed
    if (passed != m_gateLeaves.end()) {
        m_gate.onWorkingReduced(o.symbol, o.side, passed->second);
        m_gate.onOrderClosed();
        m_gateLeaves.erase(passed);
        m_attribution.onOrderClosed(o.clOrdId);
    }
    m_oms.onSendFailed(o.clOrdId, "denied: " + why, time);
}

void OrderRouter::replayCancel(const std::string& clOrdId, const std::string& requestId, Timestamp time)
{
    m_gate.noteCancel(time);
    m_oms.onCancelRequested(clOrdId, requestId, time);
}

void OrderRouter::replayReplace(const std::string& clOrdId, const std::string& requestId, Quantity qty, Timestamp time)
{
    if (const OrderRecord* existing = m_oms.find(clOrdId)) { // as the live gate counted it
        OrderRequest current;
        current.symbol = existing->symbol;
        current.side = existing->side;
        current.qty = existing->qty;
        m_gate.replaceRecorded(current, existing->leavesQty, qty, time);
        auto g = m_gateLeaves.find(existing->clOrdId);
        const Quantity newLeaves = std::max<Quantity>(0, qty - existing->cumQty);
        if (g != m_gateLeaves.end() && newLeaves > g->second)
            g->second = newLeaves;
    }
    m_oms.onReplaceRequested(clOrdId, requestId, time);
}

} // namespace hm
