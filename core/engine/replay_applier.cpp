#include "engine/replay_applier.h"

#include "engine/activity_log.h"
#include "engine/agent_supervisor.h"
#include "engine/clock.h"
#include "engine/engine_context.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "model/text.h"

#include <cstdlib>

namespace hm {
namespace {

template <typename Enum, int N>
bool parseEnum(const std::string& text, Enum& out)
{
    for (int i = 0; i < N; ++i)
        if (text == toString(static_cast<Enum>(i))) {
            out = static_cast<Enum>(i);
            return true;
        }
    return false;
}

// "LIMIT DAY owner=twap-buy" -> type, tif, owner
void parseOrderText(const std::string& text, OrderRequest& o)
{
    for (const auto& word : split(text, ' ')) {
        if (word == "MARKET")
            o.type = OrderType::Market;
        else if (word == "LIMIT")
            o.type = OrderType::Limit;
        else if (word.rfind("owner=", 0) == 0)
            o.owner = word.substr(6);
        else
            parseEnum<TimeInForce, 4>(word, o.tif);
    }
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
    // Levels and trades of one message share a time and a symbol: regroup them.
    const bool snapshot = r.kind == RecordKind::BookLevel && r.text == "snapshot";
    const bool sameMessage = m_pendingTime == r.time
        && ((snapshot && m_pendingSnapshot && m_pendingSnapshot->symbol == r.symbol)
            || (!snapshot && m_pendingUpdate && m_pendingUpdate->symbol == r.symbol));
    if (!sameMessage)
        flushMarket(io);
    at(io, r);
    m_pendingTime = r.time;
    const Side side = sideOf(r.side);
    if (snapshot) {
        if (!m_pendingSnapshot) {
            m_pendingSnapshot.emplace();
            m_pendingSnapshot->symbol = r.symbol;
        }
        (side == Side::Buy ? m_pendingSnapshot->bids : m_pendingSnapshot->asks).push_back({r.price, r.qty});
        return;
    }
    if (!m_pendingUpdate) {
        m_pendingUpdate.emplace();
        m_pendingUpdate->symbol = r.symbol;
    }
    if (r.kind == RecordKind::Trade) {
        Trade t;
        t.symbol = r.symbol;
        t.price = r.price;
        t.qty = r.qty;
        t.time = r.time;
        m_pendingUpdate->trades.push_back(t);
    } else {
        LevelChange ch;
        ch.side = side;
        ch.price = r.price;
        ch.qty = r.qty;
        ch.action = r.qty == 0 ? LevelAction::Delete : LevelAction::Change;
        m_pendingUpdate->changes.push_back(ch);
    }
}

void ReplayApplier::applyConfig(Io io, const JournalRecord& r)
{
    if (r.ref == "agent") {
        AgentSlot slot;
        std::string error;
        if (parseAgentSpec(r.text, slot.spec, error) && !io.agents.m_slots.count(slot.spec.id))
            io.agents.m_slots.emplace(slot.spec.id, std::move(slot));
    } else if (r.ref == "limits-initial") {
        RiskLimits limits = io.router.m_gate.limits();
        limits.selfTradePolicy = SelfTradePolicy::Off; // a session from before the policy existed had none
        for (const auto& pair : split(r.text, ';')) {
            const std::size_t eq = pair.find('=');
            if (eq != std::string::npos)
                setLimit(limits, pair.substr(0, eq), pair.substr(eq + 1));
        }
        io.router.m_gate.setLimits(limits);
    }
}

void ReplayApplier::applyOrder(Io io, const JournalRecord& r)
{
    OrderRequest o;
    o.clOrdId = r.ref;
    o.symbol = r.symbol;
    o.side = sideOf(r.side);
    o.price = r.price;
    o.qty = r.qty;
    std::string reason = r.text;
    const bool sent = r.kind == RecordKind::OrderNew;
    if (sent) {
        parseOrderText(r.text, o);
    } else {
        const std::size_t at = reason.rfind(" [owner=");
        if (at != std::string::npos && reason.back() == ']') {
            o.owner = reason.substr(at + 8, reason.size() - at - 9);
            reason.erase(at);
        }
        o.type = o.price > 0 ? OrderType::Limit : OrderType::Market;
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
    io.router.replayRefused(o, static_cast<DenyReason>(r.aux), reason, r.time);
    ++io.counters.ordersDenied;
    io.log.feed(io.ctx, "denial", o.owner.empty() ? "operator" : o.owner,
                io.ctx.orderText(o.side, o.qty, o.symbol, o.type, o.price) + ": " + reason);
    auto slot = io.agents.m_slots.find(o.owner);
    if (slot != io.agents.m_slots.end())
        ++slot->second.denied;
}

void ReplayApplier::applyCancel(Io io, const JournalRecord& r) { io.router.replayCancel(r.text, r.ref, r.time); }

void ReplayApplier::applyReplace(Io io, const JournalRecord& r)
{
    m_requests[r.ref] = Request{r.qty, r.price, r.text};
    io.router.replayReplace(r.text, r.ref, r.qty, r.time);
}

void ReplayApplier::applyExecReport(Io io, const JournalRecord& r)
{
    const auto f = split(r.text, '|');
    ExecutionReport e;
    e.clOrdId = r.ref;
    e.symbol = r.symbol;
    e.side = sideOf(r.side);
    e.lastPx = r.price;
    e.lastQty = r.qty;
    e.cumQty = r.aux;
    if (f.size() >= 5) {
        e.execId = f[0];
        parseEnum<ExecType, 10>(f[1], e.execType);
        parseEnum<OrderStatus, 10>(f[2], e.ordStatus);
        e.orderId = f[3];
        e.leavesQty = std::atoll(f[4].c_str());
        std::size_t next = 5;
        if (f.size() > next && f[next] == "possdup") {
            e.possDup = true;
            ++next;
        }
        for (; next < f.size(); ++next)
            e.text += (e.text.empty() ? "" : "|") + f[next];
    }
    auto req = m_requests.find(e.clOrdId);
    if (req != m_requests.end()) {
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

void ReplayApplier::applyCancelReject(Io io, const JournalRecord& r)
{
    const auto f = split(r.text, '|');
    CancelReject c;
    c.clOrdId = r.ref;
    c.origClOrdId = f.empty() ? std::string() : f[0];
    c.text = f.size() > 1 ? r.text.substr(f[0].size() + 1) : std::string();
    c.ordStatus = OrderStatus::New;
    if (const OrderRecord* o = io.router.m_oms.find(c.origClOrdId))
        c.ordStatus = o->status;
    m_requests.erase(c.clOrdId);
    handOn(io, std::move(c));
}

void ReplayApplier::applyFixSession(Io io, const JournalRecord& r)
{
    SessionEvent ev;
    ev.sessionId = r.ref;
    ev.time = r.time;
    const std::size_t colon = r.text.find(": ");
    parseEnum<SessionEventKind, 10>(r.text.substr(0, colon), ev.kind);
    if (colon != std::string::npos)
        ev.text = r.text.substr(colon + 2);
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
    if (!parseAudit(r, e))
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
    } else if (e.action == "rearm-all") {
        agents.m_killed = false;
        gate.resume();
        agents.m_gateWasHalted = false;
    } else if (e.action == "self-trade-cancel") {
        gate.selfTradeRecorded(e.agent, false);
    } else if (e.action == "limit-change") {
        // "max_position: 20000 -> 15000"
        const std::size_t colon = e.detail.find(": ");
        const std::size_t arrow = e.detail.find(" -> ");
        if (colon != std::string::npos && arrow != std::string::npos) {
            RiskLimits limits = gate.limits();
            setLimit(limits, e.detail.substr(0, colon), e.detail.substr(arrow + 4));
            gate.setLimits(limits);
        }
    } else if (e.action == "throttle-level") {
        const std::size_t arrow = e.detail.find(" -> ");
        if (slot != agents.m_slots.end() && arrow != std::string::npos)
            slot->second.spec.throttle.level = std::atoi(e.detail.c_str() + arrow + 4);
    } else if (e.action == "approve" || e.action == "reject") {
        // "ticket 12: SELL 300 HMX @ 18.84"
        ApprovalTicket t;
        agents.m_approvals.take(static_cast<std::uint64_t>(std::atoll(e.detail.c_str() + 7)), t);
    } else if (slot != agents.m_slots.end()) {
        AgentState after;
        if (parseEnum<AgentState, 7>(e.stateAfter, after)) {
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
    OrderProposal p;
    p.symbol = r.symbol;
    p.side = sideOf(r.side);
    p.price = r.price;
    p.qty = r.qty;
    p.type = r.price > 0 ? OrderType::Limit : OrderType::Market;
    std::string note;
    const auto fields = split(r.text, '|');
    p.why.summary = fields.front();
    for (std::size_t i = 1; i < fields.size(); ++i) {
        const std::size_t eq = fields[i].find('=');
        if (eq == std::string::npos)
            continue;
        const std::string key = fields[i].substr(0, eq);
        if (key == "note")
            note = r.text.substr(r.text.find("|note=") + 6); // the note may itself hold '|'
        else
            p.why.factors.emplace_back(key, std::atof(fields[i].c_str() + eq + 1));
        if (key == "note")
            break;
    }
    const int outcome = static_cast<int>(std::min<std::int64_t>(3, std::max<std::int64_t>(0, r.aux)));
    const std::string order = io.ctx.orderText(p.side, p.qty, p.symbol, p.type, p.price);
    io.log.addDecision(DecisionView{r.time, r.ref, ActivityLog::outcomeText(outcome), order, p.why, note});
    auto slot = io.agents.m_slots.find(r.ref);
    if (slot == io.agents.m_slots.end())
        return;
    AgentSlot& s = slot->second;
    ApprovalQueue& approvals = io.agents.m_approvals;
    s.lastRationale = p.why;
    if (outcome == ActivityLog::kSent) {
        ++s.sent;
        s.lastDecision = "sent " + order;
    } else if (outcome == ActivityLog::kAwaitingApproval) {
        ApprovalTicket t;
        t.id = static_cast<std::uint64_t>(std::atoll(note.c_str() + 7)); // "ticket 12: why"
        t.agent = r.ref;
        t.proposal = p;
        const std::size_t colon = note.find(": ");
        t.why = colon == std::string::npos ? note : note.substr(colon + 2);
        t.created = r.time;
        t.deadline = r.time + static_cast<Timestamp>(s.spec.policy.approvalTimeoutS * 1e9);
        approvals.restore(t);
        s.lastDecision = "waiting for approval (ticket " + std::to_string(t.id) + "): " + t.why;
    } else if (outcome == ActivityLog::kDropped) {
        ++s.dropped;
        s.lastDecision = "dropped " + order + ": " + note;
        // A ticket that timed out or was dropped by a kill leaves the queue with it.
        for (const auto& t : approvals.tickets())
            if (t.agent == r.ref && t.proposal.side == p.side && t.proposal.qty == p.qty && t.proposal.price == p.price) {
                ApprovalTicket gone;
                approvals.take(t.id, gone);
                break;
            }
    }
}

void ReplayApplier::applyAlert(Io io, const JournalRecord& r)
{
    if (r.ref == "true-regime") { // "true regime calm -> volatile (simulator)"
        const std::size_t arrow = r.text.find(" -> "), paren = r.text.rfind(" (");
        if (arrow != std::string::npos && paren != std::string::npos && paren > arrow)
            io.market.m_trueRegimes[r.symbol] = r.text.substr(arrow + 4, paren - arrow - 4);
        return;
    }
    io.log.feed(io.ctx, r.ref, r.symbol, r.text);
    // "regime calm -> volatile (detector)"
    if (r.text.rfind("regime ", 0) == 0) {
        const std::size_t arrow = r.text.find(" -> ");
        const std::size_t paren = r.text.find(" (", arrow == std::string::npos ? 0 : arrow);
        if (arrow != std::string::npos && paren != std::string::npos) {
            const std::string regime = r.text.substr(arrow + 4, paren - arrow - 4);
            io.market.m_regimes[r.symbol] = regime == "unknown" ? std::string() : regime;
        }
    }
}

void ReplayApplier::applyStateHash(Io io, const JournalRecord& r)
{
    const std::uint64_t mine = io.stateHash();
    ++m_view.hashChecks;
    if (mine != static_cast<std::uint64_t>(r.aux)) {
        ++m_view.hashMismatches;
        if (m_view.firstMismatchSeq == 0)
            m_view.firstMismatchSeq = r.seq;
    }
}

void ReplayApplier::applyOperator(Io io, const JournalRecord& r)
{
    // "HM1-7: self_trade: BUY 100 HMX @ 10001 would trade against ...": a replace the gate refused.
    const std::size_t colon = r.text.find(": ");
    const std::size_t next = colon == std::string::npos ? colon : r.text.find(": ", colon + 2);
    if (r.ref != "replace-denied" || next == std::string::npos)
        return;
    const std::string name = r.text.substr(colon + 2, next - colon - 2);
    for (int i = 1; i < static_cast<int>(DenyReason::Count); ++i)
        if (name == toString(static_cast<DenyReason>(i))) {
            const DenyReason reason = static_cast<DenyReason>(i);
            io.router.m_gate.denyRecorded(reason);
            ++io.counters.ordersDenied;
            const OrderRecord* o = io.router.m_oms.find(r.text.substr(0, colon));
            const std::string who = o && !o->owner.empty() ? o->owner : "operator";
            io.log.feed(io.ctx, "denial", who, "replace " + r.text.substr(0, colon) + ": risk gate " + r.text.substr(colon + 2));
            if (reason == DenyReason::SelfTrade)
                io.router.m_gate.selfTradeRecorded(who, true);
        }
}

} // namespace hm
