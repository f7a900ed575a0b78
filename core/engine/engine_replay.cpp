// Replay: journal records become the engine's inputs again. Market data, execution
// reports and cancel rejects go through the same handlers as in a live session;
// what agents and people decided (orders, decisions, approvals, state changes, limit
// changes, kills) is applied as recorded, since agents do not run in a replay.
#include "engine/engine.h"
#include "journal/journal_writer.h"

#include <cmath>
#include <cstdio>
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

std::vector<std::string> split(const std::string& text, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(sep, start);
        out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            return out;
        start = end + 1;
    }
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

// FNV-1a, 64 bits: enough to tell two states apart, stable across builds.
struct Digest {
    std::uint64_t h = 1469598103934665603ull;
    void bytes(const void* p, std::size_t n)
    {
        const auto* c = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= c[i];
            h *= 1099511628211ull;
        }
    }
    void add(const std::string& s) { bytes(s.data(), s.size()); bytes("", 1); }
    void add(std::int64_t v) { bytes(&v, sizeof v); }
    void add(double v) { add(static_cast<std::int64_t>(std::llround(v * 1e6))); }
};

} // namespace

void Engine::setCheckpointSink(CheckpointSink sink) { m_checkpointSink = std::move(sink); }

void Engine::replay(std::vector<JournalRecord> records, bool checkpointAfter)
{
    post(ReplayBatch{std::move(records), checkpointAfter});
}

void Engine::restore(std::shared_ptr<const EngineState> state, std::int64_t seq)
{
    post(ReplayRestore{std::move(state), seq});
}

void Engine::markJump() { post(ReplayJump{}); }

void Engine::handle(ReplayJump&)
{
    ++m_epoch;
    m_dirty = true;
}

std::uint64_t Engine::stateHash() const
{
    Digest d;
    for (const OrderRecord* order : m_oms.orderSequence()) {
        const OrderRecord& o = *order;
        d.add(o.clOrdId);
        d.add(o.currentClOrdId);
        d.add(o.owner);
        d.add(static_cast<std::int64_t>(o.status));
        d.add(o.qty);
        d.add(o.price);
        d.add(o.cumQty);
        d.add(o.leavesQty);
    }
    for (const auto& kv : m_oms.positions()) {
        d.add(kv.first);
        d.add(kv.second.qty);
        d.add(kv.second.boughtQty);
        d.add(kv.second.soldQty);
        d.add(kv.second.realizedTicks);
    }
    for (const auto& kv : m_books) {
        d.add(kv.first);
        for (const auto& l : kv.second.bids(static_cast<std::size_t>(m_config.depthLevels))) {
            d.add(l.price);
            d.add(l.qty);
        }
        for (const auto& l : kv.second.asks(static_cast<std::size_t>(m_config.depthLevels))) {
            d.add(l.price);
            d.add(l.qty);
        }
    }
    for (const auto& kv : m_agentSlots) {
        d.add(kv.first);
        d.add(static_cast<std::int64_t>(kv.second.state));
        d.add(kv.second.position);
        d.add(static_cast<std::int64_t>(kv.second.spec.throttle.level));
    }
    for (const auto& t : m_approvals.tickets()) {
        d.add(static_cast<std::int64_t>(t.id));
        d.add(t.agent);
    }
    for (const auto& f : limitFields()) {
        std::string v;
        limitValue(m_gate.limits(), f.name, v);
        // Off is left out, so a journal from before self-trade prevention (replayed with
        // it off) still matches the hashes it recorded.
        if (std::string(f.name) == "self_trade_prevention" && m_gate.limits().selfTradePolicy == SelfTradePolicy::Off)
            continue;
        d.add(v);
    }
    d.add(static_cast<std::int64_t>(m_killed));
    return d.h;
}

void Engine::journalStateHash()
{
    JournalRecord r;
    r.time = wallNs();
    r.kind = RecordKind::StateHash;
    r.aux = static_cast<std::int64_t>(stateHash());
    r.qty = static_cast<std::int64_t>(m_oms.orderSequence().size());
    m_journal->append(std::move(r));
}

void Engine::handle(ReplayRestore& c)
{
    flushReplayMarket();
    if (c.state) {
        std::lock_guard<std::mutex> lock(m_roundTripMutex); // roundTripsSince() may be reading
        static_cast<EngineState&>(*this) = *c.state;
    }
    m_replaySeq = c.seq;
    m_appliedSeq = c.seq;
    ++m_epoch;
    m_dirty = true;
}

void Engine::handle(ReplayBatch& c)
{
    for (const auto& r : c.records)
        applyRecord(r);
    flushReplayMarket();
    m_replayView.seq = m_replaySeq;
    m_replayView.time = m_replayTime;
    if (c.checkpointAfter && m_checkpointSink)
        m_checkpointSink(m_replaySeq, std::make_shared<const EngineState>(static_cast<const EngineState&>(*this)));
    m_appliedSeq = m_replaySeq;
}

void Engine::flushReplayMarket()
{
    if (m_pendingSnapshot) {
        MarketDataSnapshot s = std::move(*m_pendingSnapshot);
        m_pendingSnapshot.reset();
        handle(s);
    }
    if (m_pendingUpdate) {
        MarketDataUpdate u = std::move(*m_pendingUpdate);
        m_pendingUpdate.reset();
        handle(u);
    }
}

void Engine::applyRecord(const JournalRecord& r)
{
    // The live engine marks its P&L every agent tick (drawdown, the daily-loss gauge): here
    // on the records' time. The gate only shows it; the journal says when trading halted.
    if (r.time >= m_nextReplayMark) {
        if (m_nextReplayMark != 0)
            m_gate.recordPnl(markToMarket());
        m_nextReplayMark = r.time + static_cast<Timestamp>(m_config.agentTickMs) * 1000000;
    }
    // Levels and trades of one message share a time and a symbol: regroup them.
    if (r.kind == RecordKind::BookLevel || r.kind == RecordKind::Trade) {
        const bool snapshot = r.kind == RecordKind::BookLevel && r.text == "snapshot";
        const bool sameMessage = m_pendingTime == r.time
            && ((snapshot && m_pendingSnapshot && m_pendingSnapshot->symbol == r.symbol)
                || (!snapshot && m_pendingUpdate && m_pendingUpdate->symbol == r.symbol));
        if (!sameMessage)
            flushReplayMarket();
        m_replayTime = r.time;
        m_replaySeq = r.seq;
        m_pendingTime = r.time;
        const Side side = r.side == 1 ? Side::Sell : Side::Buy;
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
        return;
    }
    flushReplayMarket();
    m_replayTime = r.time;
    m_replaySeq = r.seq;
    m_dirty = true;
    switch (r.kind) {
    case RecordKind::Config:
        if (r.ref == "agent") {
            AgentSlot slot;
            std::string error;
            if (parseAgentSpec(r.text, slot.spec, error) && !m_agentSlots.count(slot.spec.id))
                m_agentSlots.emplace(slot.spec.id, std::move(slot));
        } else if (r.ref == "limits-initial") {
            RiskLimits limits = m_gate.limits();
            limits.selfTradePolicy = SelfTradePolicy::Off; // a session from before the policy existed had none
            for (const auto& pair : split(r.text, ';')) {
                const std::size_t eq = pair.find('=');
                if (eq != std::string::npos)
                    setLimit(limits, pair.substr(0, eq), pair.substr(eq + 1));
            }
            m_gate.setLimits(limits);
        }
        break;
    case RecordKind::OrderNew:
    case RecordKind::OrderDenied: {
        OrderRequest o;
        o.clOrdId = r.ref;
        o.symbol = r.symbol;
        o.side = r.side == 1 ? Side::Sell : Side::Buy;
        o.price = r.price;
        o.qty = r.qty;
        std::string reason = r.text;
        if (r.kind == RecordKind::OrderNew) {
            parseOrderText(r.text, o);
        } else {
            const std::size_t at = reason.rfind(" [owner=");
            if (at != std::string::npos && reason.back() == ']') {
                o.owner = reason.substr(at + 8, reason.size() - at - 9);
                reason.erase(at);
            }
            o.type = o.price > 0 ? OrderType::Limit : OrderType::Market;
        }
        if (!m_oms.find(o.clOrdId)) {
            m_oms.onSend(o, r.time);
            if (r.kind == RecordKind::OrderNew) {
                ++m_counters.ordersSent;
                // What the live gate recorded when it passed the order: its usage gauges follow.
                m_gate.admitRecorded(o, o.owner.empty() ? "operator" : o.owner, r.time);
                m_gateLeaves[o.clOrdId] = o.qty;
            }
        }
        if (r.kind == RecordKind::OrderDenied) {
            if (r.aux != 0)
                m_gate.denyRecorded(static_cast<DenyReason>(r.aux));
            if (r.aux == static_cast<int>(DenyReason::SelfTrade))
                m_gate.selfTradeRecorded(o.owner, true);
            auto passed = m_gateLeaves.find(o.clOrdId); // passed the gate, then the send failed
            if (passed != m_gateLeaves.end()) {
                m_gate.onWorkingReduced(o.symbol, o.side, passed->second);
                m_gate.onOrderClosed();
                m_gateLeaves.erase(passed);
            }
            m_oms.onSendFailed(o.clOrdId, "denied: " + reason, r.time);
            ++m_counters.ordersDenied;
            feed("denial", o.owner.empty() ? "operator" : o.owner, orderText(o.side, o.qty, o.symbol, o.type, o.price) + ": " + reason);
            auto slot = m_agentSlots.find(o.owner);
            if (slot != m_agentSlots.end())
                ++slot->second.denied;
        }
        break;
    }
    case RecordKind::OrderCancel:
        m_gate.noteCancel(r.time);
        m_oms.onCancelRequested(r.text, r.ref, r.time);
        break;
    case RecordKind::OrderReplace: {
        m_replayRequests[r.ref] = ReplayRequest{r.qty, r.price, r.text};
        if (const OrderRecord* existing = m_oms.find(r.text)) { // as the live gate counted it
            OrderRequest current;
            current.symbol = existing->symbol;
            current.side = existing->side;
            current.qty = existing->qty;
            m_gate.replaceRecorded(current, existing->leavesQty, r.qty, r.time);
            auto g = m_gateLeaves.find(existing->clOrdId);
            const Quantity newLeaves = std::max<Quantity>(0, r.qty - existing->cumQty);
            if (g != m_gateLeaves.end() && newLeaves > g->second)
                g->second = newLeaves;
        }
        m_oms.onReplaceRequested(r.text, r.ref, r.time);
        break;
    }
    case RecordKind::ExecReport: {
        const auto f = split(r.text, '|');
        ExecutionReport e;
        e.clOrdId = r.ref;
        e.symbol = r.symbol;
        e.side = r.side == 1 ? Side::Sell : Side::Buy;
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
        auto req = m_replayRequests.find(e.clOrdId);
        if (req != m_replayRequests.end()) {
            e.origClOrdId = req->second.orig;
            if (e.execType == ExecType::Replaced) {
                e.orderQty = req->second.qty;
                e.price = req->second.price;
            }
            if (e.execType == ExecType::Replaced || e.execType == ExecType::Rejected)
                m_replayRequests.erase(req);
        }
        // The journal keeps last price and cumulative quantity; the average follows from them.
        if (const OrderRecord* o = m_oms.find(e.clOrdId.empty() ? e.origClOrdId : e.clOrdId)) {
            double& notional = m_replayNotional[o->clOrdId];
            if (e.cumQty > o->cumQty) {
                const Instrument* ins = instrument(o->symbol);
                const Price px = e.lastPx > 0 ? e.lastPx : o->price;
                notional += static_cast<double>(px) * (ins ? ins->tickSize : 1.0) * static_cast<double>(e.cumQty - o->cumQty);
            }
            e.avgPx = e.cumQty > 0 ? notional / static_cast<double>(e.cumQty) : 0.0;
        }
        handle(e);
        break;
    }
    case RecordKind::CancelReject: {
        const auto f = split(r.text, '|');
        CancelReject c;
        c.clOrdId = r.ref;
        c.origClOrdId = f.empty() ? std::string() : f[0];
        c.text = f.size() > 1 ? r.text.substr(f[0].size() + 1) : std::string();
        c.ordStatus = OrderStatus::New;
        if (const OrderRecord* o = m_oms.find(c.origClOrdId))
            c.ordStatus = o->status;
        m_replayRequests.erase(c.clOrdId);
        handle(c);
        break;
    }
    case RecordKind::FixSession: {
        SessionEvent ev;
        ev.sessionId = r.ref;
        ev.time = r.time;
        const std::size_t colon = r.text.find(": ");
        parseEnum<SessionEventKind, 10>(r.text.substr(0, colon), ev.kind);
        if (colon != std::string::npos)
            ev.text = r.text.substr(colon + 2);
        SessionStatus* status = nullptr;
        for (auto& s : m_replaySessions)
            if (s.sessionId == ev.sessionId)
                status = &s;
        if (!status) {
            m_replaySessions.push_back(SessionStatus{});
            status = &m_replaySessions.back();
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
        handle(ev);
        break;
    }
    case RecordKind::Audit:
        applyAudit(r);
        break;
    case RecordKind::AgentDecision:
        applyDecision(r);
        break;
    case RecordKind::Alert: {
        if (r.ref == "true-regime") { // "true regime calm -> volatile (simulator)"
            const std::size_t arrow = r.text.find(" -> "), paren = r.text.rfind(" (");
            if (arrow != std::string::npos && paren != std::string::npos && paren > arrow)
                m_trueRegimes[r.symbol] = r.text.substr(arrow + 4, paren - arrow - 4);
            break;
        }
        feed(r.ref, r.symbol, r.text);
        // "regime calm -> volatile (detector)"
        if (r.text.rfind("regime ", 0) == 0) {
            const std::size_t arrow = r.text.find(" -> ");
            const std::size_t paren = r.text.find(" (", arrow == std::string::npos ? 0 : arrow);
            if (arrow != std::string::npos && paren != std::string::npos) {
                const std::string regime = r.text.substr(arrow + 4, paren - arrow - 4);
                m_regimes[r.symbol] = regime == "unknown" ? std::string() : regime;
            }
        }
        break;
    }
    case RecordKind::StateHash: {
        const std::uint64_t mine = stateHash();
        ++m_replayView.hashChecks;
        if (mine != static_cast<std::uint64_t>(r.aux)) {
            ++m_replayView.hashMismatches;
            if (m_replayView.firstMismatchSeq == 0)
                m_replayView.firstMismatchSeq = r.seq;
        }
        break;
    }
    case RecordKind::Operator: {
        // "HM1-7: self_trade: BUY 100 HMX @ 10001 would trade against ...": a replace the gate refused.
        const std::size_t colon = r.text.find(": ");
        const std::size_t next = colon == std::string::npos ? colon : r.text.find(": ", colon + 2);
        if (r.ref != "replace-denied" || next == std::string::npos)
            break;
        const std::string name = r.text.substr(colon + 2, next - colon - 2);
        for (int i = 1; i < static_cast<int>(DenyReason::Count); ++i)
            if (name == toString(static_cast<DenyReason>(i))) {
                const DenyReason reason = static_cast<DenyReason>(i);
                m_gate.denyRecorded(reason);
                ++m_counters.ordersDenied;
                const OrderRecord* o = m_oms.find(r.text.substr(0, colon));
                const std::string who = o && !o->owner.empty() ? o->owner : "operator";
                feed("denial", who, "replace " + r.text.substr(0, colon) + ": risk gate " + r.text.substr(colon + 2));
                if (reason == DenyReason::SelfTrade)
                    m_gate.selfTradeRecorded(who, true);
            }
        break;
    }
    default:
        break; // session start, operator notes, log lines, drops: nothing to rebuild
    }
}

void Engine::applyAudit(const JournalRecord& r)
{
    AuditEntry e;
    if (!parseAudit(r, e))
        return;
    feed("audit", e.agent, describe(e));
    auto slot = m_agentSlots.find(e.agent);
    if (e.action == "remove-agent") {
        m_approvals.takeAll(e.agent);
        if (slot != m_agentSlots.end())
            m_agentSlots.erase(slot);
    } else if (e.action == "kill-all") {
        m_killed = true;
        m_gate.halt("kill switch by " + e.who);
        m_approvals.takeAll("");
        for (auto& kv : m_agentSlots)
            if (kv.second.state != AgentState::Killed) {
                kv.second.state = AgentState::Killed;
                kv.second.stateReason = "global kill by " + e.who;
            }
    } else if (e.action == "rearm-all") {
        m_killed = false;
        m_gate.resume();
        m_gateWasHalted = false;
    } else if (e.action == "self-trade-cancel") {
        m_gate.selfTradeRecorded(e.agent, false);
    } else if (e.action == "limit-change") {
        // "max_position: 20000 -> 15000"
        const std::size_t colon = e.detail.find(": ");
        const std::size_t arrow = e.detail.find(" -> ");
        if (colon != std::string::npos && arrow != std::string::npos) {
            RiskLimits limits = m_gate.limits();
            setLimit(limits, e.detail.substr(0, colon), e.detail.substr(arrow + 4));
            m_gate.setLimits(limits);
        }
    } else if (e.action == "throttle-level") {
        const std::size_t arrow = e.detail.find(" -> ");
        if (slot != m_agentSlots.end() && arrow != std::string::npos)
            slot->second.spec.throttle.level = std::atoi(e.detail.c_str() + arrow + 4);
    } else if (e.action == "approve" || e.action == "reject") {
        // "ticket 12: SELL 300 HMX @ 18.84"
        ApprovalTicket t;
        m_approvals.take(static_cast<std::uint64_t>(std::atoll(e.detail.c_str() + 7)), t);
    } else if (slot != m_agentSlots.end()) {
        AgentState after;
        if (parseEnum<AgentState, 7>(e.stateAfter, after)) {
            AgentSlot& s = slot->second;
            s.state = after;
            s.stateReason = e.action + " by " + e.who + (e.reason.empty() ? "" : ": " + e.reason);
            if (after == AgentState::Killed || after == AgentState::Halted)
                m_approvals.takeAll(e.agent);
        }
    }
}

void Engine::applyDecision(const JournalRecord& r)
{
    static const char* outcomes[] = {"denied", "sent", "awaiting approval", "dropped"};
    OrderProposal p;
    p.symbol = r.symbol;
    p.side = r.side == 1 ? Side::Sell : Side::Buy;
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
    m_newDecisions.push_back(DecisionView{r.time, r.ref, outcomes[outcome],
                                          orderText(p.side, p.qty, p.symbol, p.type, p.price), p.why, note});
    if (m_newDecisions.size() > 1000)
        m_newDecisions.erase(m_newDecisions.begin(), m_newDecisions.begin() + 500);
    auto slot = m_agentSlots.find(r.ref);
    if (slot == m_agentSlots.end())
        return;
    AgentSlot& s = slot->second;
    s.lastRationale = p.why;
    const std::string order = orderText(p.side, p.qty, p.symbol, p.type, p.price);
    if (outcome == 1) {
        ++s.sent;
        s.lastDecision = "sent " + order;
    } else if (outcome == 2) {
        ApprovalTicket t;
        t.id = static_cast<std::uint64_t>(std::atoll(note.c_str() + 7)); // "ticket 12: why"
        t.agent = r.ref;
        t.proposal = p;
        const std::size_t colon = note.find(": ");
        t.why = colon == std::string::npos ? note : note.substr(colon + 2);
        t.created = r.time;
        t.deadline = r.time + static_cast<Timestamp>(s.spec.policy.approvalTimeoutS * 1e9);
        m_approvals.restore(t);
        s.lastDecision = "waiting for approval (ticket " + std::to_string(t.id) + "): " + t.why;
    } else if (outcome == 3) {
        ++s.dropped;
        s.lastDecision = "dropped " + order + ": " + note;
        // A ticket that timed out or was dropped by a kill leaves the queue with it.
        for (const auto& t : m_approvals.tickets())
            if (t.agent == r.ref && t.proposal.side == p.side && t.proposal.qty == p.qty && t.proposal.price == p.price) {
                ApprovalTicket gone;
                m_approvals.take(t.id, gone);
                break;
            }
    }
}

} // namespace hm
