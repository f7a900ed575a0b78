#include "engine/replay_applier.h"

#include "engine/activity_log.h"
#include "engine/agent_supervisor.h"
#include "engine/engine_clock.h"
#include "engine/engine_context.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "engine/reconciler.h"
#include "journal/journal_codec.h"
#include "model/text.h"

#include <cstdlib>

namespace hm {
namespace {

// An agent's state as the audit trail spells it.
bool parseAgentState(const std::string& text, AgentState& out)
{
    for (int i = 0; i < 7; ++i)
        if (text == toString(static_cast<AgentState>(i))) {
            out = static_cast<AgentState>(i);
            return true;
        }
    return false;
}

template <typename Input>
void handOn(const ReplayApplier::Io& io, Input input)
{
    EngineInput in{std::move(input)};
    io.live(in);
}

} // namespace

void ReplayApplier::apply(Io io, const JournalRecord& r)
{
    markPnl(io, r.time);
    if (r.kind == RecordKind::BookLevel || r.kind == RecordKind::Trade)
        return applyMarket(io, r);
    flushMarket(io);
    at(io, r);
    switch (r.kind) {
    case RecordKind::Config: return applyConfig(io, r);
    case RecordKind::OrderNew:
    case RecordKind::OrderDenied: return applyOrder(io, r);
    case RecordKind::OrderCancel: return applyCancel(io, r);
    case RecordKind::OrderReplace: return applyReplace(io, r);
    case RecordKind::ExecReport: return applyExecReport(io, r);
    case RecordKind::CancelReject: return applyCancelReject(io, r);
    case RecordKind::FixSession: return applyFixSession(io, r);
    case RecordKind::Audit: return applyAudit(io, r);
    case RecordKind::AgentDecision: return applyDecision(io, r);
    case RecordKind::Alert: return applyAlert(io, r);
    case RecordKind::StateHash: return applyStateHash(io, r);
    case RecordKind::Operator: return applyOperator(io, r);
    case RecordKind::CarryPosition:
    case RecordKind::CarryOrder: return applyCarry(io, r);
    default: return; // session start, operator notes, log lines, drops: nothing to rebuild
    }
}

void ReplayApplier::at(Io io, const JournalRecord& r)
{
    m_time = r.time;
    m_seq = r.seq;
    io.clock.set(r.time);
}

void ReplayApplier::endBatch()
{
    m_view.seq = m_seq;
    m_view.time = m_time;
}

void ReplayApplier::markPnl(Io io, Timestamp time)
{
    // The live engine marks its P&L every agent tick (drawdown, the daily-loss gauge): here
    // on the records' time. The gate only shows it; the journal says when trading halted.
    if (time < m_nextMark)
        return;
    if (m_nextMark != 0)
        io.router.m_gate.recordPnl(io.market.markToMarket(io.router.m_oms, io.ctx));
    m_nextMark = time + static_cast<Timestamp>(io.ctx.config.agentTickMs) * 1000000;
}

void ReplayApplier::flushMarket(Io io)
{
    if (m_pendingSnapshot) {
        MarketDataSnapshot s = std::move(*m_pendingSnapshot);
        m_pendingSnapshot.reset();
        handOn(io, std::move(s));
    }
    if (m_pendingUpdate) {
        MarketDataUpdate u = std::move(*m_pendingUpdate);
        m_pendingUpdate.reset();
        handOn(io, std::move(u));
    }
}

void ReplayApplier::applyMarket(Io io, const JournalRecord& r)
{
    // Levels and trades of one message share a time and a symbol: regroup them. A record
    // that does not decode cleanly is taken with the columns it has.
    BookLevelRecord level;
    TradeRecord trade;
    if (r.kind == RecordKind::Trade)
        decode(r, trade);
    else
        decode(r, level);
    const bool snapshot = r.kind == RecordKind::BookLevel && level.snapshot;
    const bool sameMessage = m_pendingTime == r.time
        && ((snapshot && m_pendingSnapshot && m_pendingSnapshot->symbol == r.symbol)
            || (!snapshot && m_pendingUpdate && m_pendingUpdate->symbol == r.symbol));
    if (!sameMessage)
        flushMarket(io);
    at(io, r);
    m_pendingTime = r.time;
    if (snapshot) {
        if (!m_pendingSnapshot) {
            m_pendingSnapshot.emplace();
            m_pendingSnapshot->symbol = r.symbol;
        }
        (level.side == Side::Buy ? m_pendingSnapshot->bids : m_pendingSnapshot->asks).push_back({level.price, level.qty});
        return;
    }
    if (!m_pendingUpdate) {
        m_pendingUpdate.emplace();
        m_pendingUpdate->symbol = r.symbol;
    }
    if (r.kind == RecordKind::Trade) {
        Trade t;
        t.symbol = trade.symbol;
        t.price = trade.price;
        t.qty = trade.qty;
        t.time = r.time;
        m_pendingUpdate->trades.push_back(t);
    } else {
        LevelChange ch;
        ch.side = level.side;
        ch.price = level.price;
        ch.qty = level.qty;
        ch.action = level.qty == 0 ? LevelAction::Delete : LevelAction::Change;
        m_pendingUpdate->changes.push_back(ch);
    }
}

void ReplayApplier::applyConfig(Io io, const JournalRecord& r)
{
    ConfigRecord config;
    decode(r, config);
    if (config.key == "agent") {
        AgentSlot slot;
        std::string error;
        if (parseAgentSpec(config.value, slot.spec, error) && !io.agents.m_slots.count(slot.spec.id))
            io.agents.m_slots.emplace(slot.spec.id, std::move(slot));
    } else if (config.key == "limits-initial") {
        InitialLimitsRecord initial;
        decode(r, initial); // the limits it could read, should one not
        RiskLimits limits = io.router.m_gate.limits();
        limits.selfTradePolicy = SelfTradePolicy::Off; // a session from before the policy existed had none
        for (const auto& l : initial.limits)
            setLimit(limits, l.first, l.second);
        io.router.m_gate.setLimits(limits);
    }
}

void ReplayApplier::applyOrder(Io io, const JournalRecord& r)
{
    // A record whose text does not decode cleanly is taken with what it has (columns first).
    OrderRequest o;
    std::string reason;
    DenyReason code = DenyReason::None;
    const bool sent = r.kind == RecordKind::OrderNew;
    if (sent) {
        OrderNewRecord n;
        decode(r, n);
        o.clOrdId = n.clOrdId;
        o.symbol = n.symbol;
        o.side = n.side;
        o.type = n.type;
        o.tif = n.tif;
        o.qty = n.qty;
        o.price = n.price;
        o.owner = n.owner;
    } else {
        OrderDeniedRecord d;
        decode(r, d);
        o.clOrdId = d.clOrdId;
        o.symbol = d.symbol;
        o.side = d.side.value_or(Side::Buy);
        o.qty = d.qty;
        o.price = d.price;
        o.owner = d.owner;
        o.type = o.price > 0 ? OrderType::Limit : OrderType::Market;
        reason = d.reason;
        code = static_cast<DenyReason>(d.denyCode);
    }
    OrderManager& oms = io.router.m_oms;
    if (!oms.find(o.clOrdId)) {
        oms.onSend(o, r.time);
        if (sent) {
            ++io.counters.ordersSent;
            // What the live gate recorded when it passed the order: its usage gauges follow.
            io.router.replayAdmitted(o, r.time);
        }
    }
    if (sent)
        return;
    io.router.replayRefused(o, code, reason, r.time);
    ++io.counters.ordersDenied;
    io.log.feed(io.ctx, "denial", o.owner.empty() ? "operator" : o.owner,
                io.ctx.orderText(o.side, o.qty, o.symbol, o.type, o.price) + ": " + reason);
    auto slot = io.agents.m_slots.find(o.owner);
    if (slot != io.agents.m_slots.end())
        ++slot->second.denied;
}

void ReplayApplier::applyCancel(Io io, const JournalRecord& r)
{
    OrderCancelRecord c;
    decode(r, c);
    io.router.replayCancel(c.origClOrdId, c.clOrdId, r.time);
}

void ReplayApplier::applyReplace(Io io, const JournalRecord& r)
{
    OrderReplaceRecord c;
    decode(r, c);
    m_requests[c.clOrdId] = Request{c.qty, c.price, c.origClOrdId};
    io.router.replayReplace(c.origClOrdId, c.clOrdId, c.qty, r.time);
}

void ReplayApplier::applyExecReport(Io io, const JournalRecord& r)
{
    ExecReportRecord journaled;
    decode(r, journaled);
    ExecutionReport e = journaled.report();
    auto req = m_requests.find(e.clOrdId);
    if (!journaled.origClOrdId.empty()) { // kept by the journal itself (newer journals)
        if (req != m_requests.end() && (e.execType == ExecType::Replaced || e.execType == ExecType::Rejected))
            m_requests.erase(req);
    } else if (req != m_requests.end()) {
        e.origClOrdId = req->second.orig;
        if (e.execType == ExecType::Replaced) {
            e.orderQty = req->second.qty;
            e.price = req->second.price;
        }
        if (e.execType == ExecType::Replaced || e.execType == ExecType::Rejected)
            m_requests.erase(req);
    }
    // The journal keeps last price and cumulative quantity; the average follows from them.
    if (const OrderRecord* o = io.router.m_oms.find(e.clOrdId.empty() ? e.origClOrdId : e.clOrdId)) {
        double& notional = m_notional[o->clOrdId];
        if (e.cumQty > o->cumQty) {
            const Instrument* ins = io.ctx.instrument(o->symbol);
            const Price px = e.lastPx > 0 ? e.lastPx : o->price;
            notional += static_cast<double>(px) * (ins ? ins->tickSize : 1.0) * static_cast<double>(e.cumQty - o->cumQty);
        }
        e.avgPx = e.cumQty > 0 ? notional / static_cast<double>(e.cumQty) : 0.0;
    }
    handOn(io, std::move(e));
}

void ReplayApplier::applyCarry(Io io, const JournalRecord& r)
{
    CarryPositionRecord position;
    CarryOrderRecord order;
    if (decode(r, position)) {
        Reconciler::apply(io.router, position);
    } else if (decode(r, order)) {
        Reconciler::apply(io.router, order, r.time);
        m_notional[order.clOrdId] = order.avgPx * static_cast<double>(order.cumQty);
    }
}

void ReplayApplier::applyCancelReject(Io io, const JournalRecord& r)
{
    CancelRejectRecord journaled;
    decode(r, journaled);
    CancelReject c;
    c.clOrdId = journaled.clOrdId;
    c.origClOrdId = journaled.origClOrdId;
    c.text = journaled.reason;
    c.ordStatus = OrderStatus::New;
    if (const OrderRecord* o = io.router.m_oms.find(c.origClOrdId))
        c.ordStatus = o->status;
    m_requests.erase(c.clOrdId);
    handOn(io, std::move(c));
}

void ReplayApplier::applyFixSession(Io io, const JournalRecord& r)
{
    FixSessionRecord journaled;
    decode(r, journaled);
    SessionEvent ev;
    ev.sessionId = journaled.sessionId;
    ev.time = r.time;
    ev.kind = journaled.event;
    ev.text = journaled.detail;
    SessionStatus* status = nullptr;
    for (auto& s : m_sessions)
        if (s.sessionId == ev.sessionId)
            status = &s;
    if (!status) {
        m_sessions.push_back(SessionStatus{});
        status = &m_sessions.back();
        status->sessionId = ev.sessionId;
    }
    status->lastHeartbeat = r.time;
    if (ev.kind == SessionEventKind::Logon) {
        status->state = SessionState::LoggedOn;
        status->lastLogon = r.time;
    } else if (ev.kind == SessionEventKind::LogonSent) {
        status->state = SessionState::Connecting;
    } else if (ev.kind == SessionEventKind::Logout || ev.kind == SessionEventKind::Disconnect) {
        status->state = SessionState::Disconnected;
    }
    handOn(io, std::move(ev));
}

void ReplayApplier::applyAudit(Io io, const JournalRecord& r)
{
    AuditEntry e;
    if (!decode(r, e))
        return;
    io.log.feed(io.ctx, "audit", e.agent, describe(e));
    AgentSupervisor& agents = io.agents;
    RiskGate& gate = io.router.m_gate;
    auto slot = agents.m_slots.find(e.agent);
    if (e.action == "remove-agent") {
        agents.m_approvals.takeAll(e.agent);
        if (slot != agents.m_slots.end())
            agents.m_slots.erase(slot);
    } else if (e.action == "kill-all") {
        agents.m_killed = true;
        gate.halt("kill switch by " + e.who);
        agents.m_approvals.takeAll("");
        for (auto& kv : agents.m_slots)
            if (kv.second.state != AgentState::Killed) {
                kv.second.state = AgentState::Killed;
                kv.second.stateReason = "global kill by " + e.who;
            }
    } else if (e.action == "set-reference") {
        const std::vector<std::string> parts = split(e.detail, ' ');
        if (parts.size() == 2)
            gate.setTraderReference(parts[0], std::atoll(parts[1].c_str()));
    } else if (e.action == "kill-instruments") {
        agents.replayInstrumentKill(io.router, e.who, e.detail);
    } else if (e.action == "rearm-all") {
        agents.m_killed = false;
        gate.resume();
        agents.m_gateWasHalted = false;
    } else if (e.action == "self-trade-cancel") {
        gate.selfTradeRecorded(e.agent, false);
    } else if (e.action == "limit-change") {
        LimitChange change;
        if (parseLimitChange(e.detail, change)) {
            RiskLimits limits = gate.limits();
            setLimit(limits, change.name, change.after);
            gate.setLimits(limits);
        }
    } else if (e.action == "throttle-level") {
        ThrottleChange change;
        if (slot != agents.m_slots.end() && parseThrottleChange(e.detail, change))
            slot->second.spec.throttle.level = change.after;
    } else if (e.action == "approve" || e.action == "reject") {
        TicketNote note;
        ApprovalTicket t;
        if (parseTicketNote(e.detail, note))
            agents.m_approvals.take(note.ticket, t);
    } else if (slot != agents.m_slots.end()) {
        AgentState after;
        if (parseAgentState(e.stateAfter, after)) {
            AgentSlot& s = slot->second;
            s.state = after;
            s.stateReason = e.action + " by " + e.who + (e.reason.empty() ? "" : ": " + e.reason);
            if (after == AgentState::Killed || after == AgentState::Halted)
                agents.m_approvals.takeAll(e.agent);
        }
    }
}

void ReplayApplier::applyDecision(Io io, const JournalRecord& r)
{
    DecisionRecord d;
    decode(r, d); // what it could read, should the text not decode cleanly
    OrderProposal p;
    p.symbol = d.symbol;
    p.side = d.side;
    p.price = d.price;
    p.qty = d.qty;
    p.type = d.price > 0 ? OrderType::Limit : OrderType::Market;
    p.why.summary = d.summary;
    p.why.factors = d.factors;
    parentFromFactors(p); // a portfolio agent's parent order
    const std::string order = io.ctx.orderText(p.side, p.qty, p.symbol, p.type, p.price);
    io.log.addDecision(DecisionView{r.time, d.agent, toString(d.outcome), order, p.why, d.note});
    auto slot = io.agents.m_slots.find(d.agent);
    if (slot == io.agents.m_slots.end())
        return;
    AgentSlot& s = slot->second;
    ApprovalQueue& approvals = io.agents.m_approvals;
    s.lastRationale = p.why;
    if (d.outcome == DecisionOutcome::Sent) {
        ++s.sent;
        s.lastDecision = "sent " + order;
    } else if (d.outcome == DecisionOutcome::AwaitingApproval) {
        TicketNote note;
        if (!parseTicketNote(d.note, note))
            note.text = d.note;
        ApprovalTicket t;
        t.id = note.ticket;
        t.agent = d.agent;
        t.proposal = p;
        t.why = note.text;
        t.created = r.time;
        t.deadline = r.time + static_cast<Timestamp>(s.spec.policy.approvalTimeoutS * 1e9);
        approvals.restore(t);
        s.lastDecision = "waiting for approval (ticket " + std::to_string(t.id) + "): " + t.why;
    } else if (d.outcome == DecisionOutcome::Dropped) {
        ++s.dropped;
        s.lastDecision = "dropped " + order + ": " + d.note;
        // A ticket that timed out or was dropped by a kill leaves the queue with it.
        for (const auto& t : approvals.tickets())
            if (t.agent == d.agent && t.proposal.side == p.side && t.proposal.qty == p.qty && t.proposal.price == p.price) {
                ApprovalTicket gone;
                approvals.take(t.id, gone);
                break;
            }
    }
}

void ReplayApplier::applyAlert(Io io, const JournalRecord& r)
{
    AlertRecord alert;
    decode(r, alert);
    RegimeAlertRecord regime;
    const bool regimeChange = decode(r, regime);
    if (regime.trueRegime) { // "true regime calm -> volatile (simulator)": journaled only
        if (regimeChange)
            io.market.m_trueRegimes[regime.symbol] = regime.to;
        return;
    }
    io.log.feed(io.ctx, alert.kind, alert.source, alert.text);
    if (regimeChange) // "regime calm -> volatile (detector)"
        io.market.m_regimes[regime.symbol] = regime.to == "unknown" ? std::string() : regime.to;
}

void ReplayApplier::applyStateHash(Io io, const JournalRecord& r)
{
    StateHashRecord journaled;
    decode(r, journaled);
    const std::uint64_t mine = io.stateHash();
    ++m_view.hashChecks;
    if (mine != journaled.hash) {
        ++m_view.hashMismatches;
        if (m_view.firstMismatchSeq == 0)
            m_view.firstMismatchSeq = r.seq;
    }
}

void ReplayApplier::applyOperator(Io io, const JournalRecord& r)
{
    // A replace the gate refused: "HM1-7: self_trade: BUY 100 HMX @ 10001 would trade against ...".
    ReplaceDeniedRecord denied;
    if (!decode(r, denied))
        return;
    for (int i = 1; i < static_cast<int>(DenyReason::Count); ++i)
        if (denied.denyReason == toString(static_cast<DenyReason>(i))) {
            const DenyReason reason = static_cast<DenyReason>(i);
            io.router.m_gate.denyRecorded(reason);
            ++io.counters.ordersDenied;
            const OrderRecord* o = io.router.m_oms.find(denied.clOrdId);
            const std::string who = o && !o->owner.empty() ? o->owner : "operator";
            io.log.feed(io.ctx, "denial", who,
                        "replace " + denied.clOrdId + ": risk gate " + denied.denyReason + ": " + denied.text);
            if (reason == DenyReason::SelfTrade)
                io.router.m_gate.selfTradeRecorded(who, true);
        }
}

} // namespace hm
