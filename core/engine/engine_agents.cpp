// The engine's oversight side: agents, approvals, throttles, triggers, the kill switch,
// limit changes and the audit trail. Same class and thread as engine.cpp; split only
// to keep each file readable.
#include "engine/engine.h"

#include "journal/journal_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hm {
namespace {
std::string num(double v)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}
int decimals(double tickSize) // 0.01 -> 2, 0.5 -> 1, 1 -> 0
{
    int d = 0;
    for (double scaled = tickSize; d < 8 && std::fabs(scaled - std::round(scaled)) > 1e-9; scaled *= 10)
        ++d;
    return d;
}
} // namespace

void Engine::answer(const Reply& reply, bool ok, const std::string& message)
{
    if (reply)
        m_pendingAnswers.push_back([reply, ok, message] { reply(ok, message); });
}

std::string Engine::orderText(Side side, Quantity qty, const std::string& symbol, OrderType type, Price price) const
{
    std::string text = std::string(toString(side)) + " " + std::to_string(qty) + " " + symbol;
    if (type == OrderType::Market)
        return text + " at market";
    const Instrument* ins = instrument(symbol);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", ins ? decimals(ins->tickSize) : 0, ins ? ins->toPrice(price) : static_cast<double>(price));
    return text + " @ " + buf;
}

// ---- commands (any thread) ----
void Engine::addAgent(AgentSpec spec, Actor actor, Reply reply)
{
    // Loading a model takes milliseconds to seconds: do it here, on the caller's thread.
    std::string error;
    std::shared_ptr<Agent> agent(makeAgent(spec.type, spec.symbol, spec.params, error, spec.model).release());
    post(AddAgent{std::move(spec), actor, std::move(reply), std::move(agent), error});
}
void Engine::removeAgent(const std::string& id, Actor actor, Reply reply) { post(RemoveAgent{id, actor, std::move(reply)}); }
void Engine::controlAgent(const std::string& id, AgentAction action, Actor actor, const std::string& reason, Reply reply)
{
    post(ControlAgent{id, action, actor, reason, std::move(reply)});
}
void Engine::setThrottleLevel(const std::string& id, int level, Actor actor, Reply reply)
{
    post(SetThrottleLevel{id, level, actor, std::move(reply)});
}
void Engine::decide(std::uint64_t ticket, const std::string& agent, bool approve, Actor actor, Reply reply)
{
    post(DecideApproval{ticket, agent, approve, actor, std::move(reply)});
}
void Engine::killAll(Actor actor, const std::string& reason, Reply reply)
{
    post(KillAll{actor, reason, std::move(reply), monoNs()});
}
void Engine::rearmAll(Actor actor, const std::string& reason, Reply reply) { post(RearmAll{actor, reason, std::move(reply)}); }
void Engine::setRegime(const std::string& symbol, const std::string& regime, const std::string& source)
{
    post(SetRegime{symbol, regime, source});
}

void Engine::setRegimeModel(const GaussianHmm& model) { m_regimeModel.reset(new GaussianHmm(model)); }

void Engine::changeLimits(std::vector<std::pair<std::string, std::string>> changes, Actor actor, const std::string& reason,
                          Reply reply)
{
    post(ChangeLimits{std::move(changes), actor, reason, std::move(reply)});
}
KillTiming Engine::lastKill() const
{
    std::lock_guard<std::mutex> lock(m_killMutex);
    return m_lastKill;
}

// ---- journal and feed ----
void Engine::audit(const Actor& actor, const std::string& action, const std::string& agent, const std::string& reason,
                   const std::string& before, const std::string& after, const std::string& detail)
{
    AuditEntry e{actor.who, toString(actor.role), action, agent, reason, before, after, detail};
    if (m_journal)
        m_journal->append(auditRecord(e, engineNow()));
    feed("audit", agent, describe(e));
}

void Engine::feed(const std::string& kind, const std::string& source, const std::string& text, bool journalAlert)
{
    m_newFeed.push_back(FeedItem{engineNow(), kind, source, text});
    if (m_newFeed.size() > 2000)
        m_newFeed.erase(m_newFeed.begin(), m_newFeed.begin() + 1000);
    if (journalAlert && m_journal) {
        JournalRecord r;
        r.time = engineNow();
        r.kind = RecordKind::Alert;
        r.ref = kind;
        r.symbol = source;
        r.text = text;
        m_journal->append(std::move(r));
    }
}

void Engine::journalDecision(const std::string& agent, const OrderProposal& p, int outcome, const std::string& note)
{
    static const char* outcomes[] = {"denied", "sent", "awaiting approval", "dropped"};
    m_newDecisions.push_back(DecisionView{engineNow(), agent, outcomes[std::clamp(outcome, 0, 3)],
                                          orderText(p.side, p.qty, p.symbol, p.type, p.price), p.why, note});
    if (m_newDecisions.size() > 1000) // nobody is looking: keep the newest
        m_newDecisions.erase(m_newDecisions.begin(), m_newDecisions.begin() + 500);
    if (!m_journal)
        return;
    JournalRecord r;
    r.time = engineNow();
    r.kind = RecordKind::AgentDecision;
    r.ref = agent;
    r.symbol = p.symbol;
    r.side = p.side == Side::Buy ? 0 : 1;
    r.price = p.price;
    r.qty = p.qty;
    r.aux = outcome;
    r.text = p.why.summary;
    for (const auto& f : p.why.factors)
        r.text += "|" + f.first + "=" + num(f.second);
    if (!note.empty())
        r.text += "|note=" + note;
    m_journal->append(std::move(r));
}

// ---- market and fills ----
MarketView Engine::marketView(const std::string& symbol) const
{
    MarketView m;
    m.symbol = symbol;
    m.time = engineNow();
    auto b = m_books.find(symbol);
    if (b != m_books.end()) {
        m.bids = b->second.bids(static_cast<std::size_t>(m_config.depthLevels));
        m.asks = b->second.asks(static_cast<std::size_t>(m_config.depthLevels));
    }
    auto v = m_volume.find(symbol);
    m.tradedVolume = v == m_volume.end() ? 0 : v->second;
    auto t = m_lastTrade.find(symbol);
    m.lastTrade = t == m_lastTrade.end() ? 0 : t->second;
    auto r = m_regimes.find(symbol);
    m.regime = r == m_regimes.end() ? std::string() : r->second;
    return m;
}

void Engine::onMarketChanged(const std::string& symbol, const std::vector<Trade>& trades)
{
    const Timestamp now = engineNow();
    m_lastMarketData[symbol] = now;
    for (const Trade& t : trades) {
        m_volume[symbol] += t.qty;
        m_lastTrade[symbol] = t.price;
    }
    const BookMirror& book = m_books[symbol];
    const Price twiceMid = book.twiceMid();
    if (twiceMid <= 0)
        return;
    m_gate.setReference(symbol, twiceMid / 2);
    auto& history = m_midHistory[symbol];
    if (history.empty() || now - history.back().first >= 250000000) {
        history.emplace_back(now, twiceMid);
        while (history.front().first < now - 180000000000LL)
            history.pop_front();
    }
    if (m_riskHistory.empty() || now - m_riskHistory.back().first >= 250000000) {
        m_riskHistory.emplace_back(now, currentRiskView());
        while (m_riskHistory.size() > 240)
            m_riskHistory.pop_front();
    }
    const std::vector<PriceLevel> bids = book.bids(5), asks = book.asks(5);
    double depth = 0;
    for (const auto& l : bids)
        depth += static_cast<double>(l.qty);
    for (const auto& l : asks)
        depth += static_cast<double>(l.qty);
    m_metrics[symbol].onMarket(now, static_cast<double>(twiceMid) / 2.0, depth);
    auto f = m_features.find(symbol);
    if (f == m_features.end()) {
        const Instrument* ins = instrument(symbol);
        f = m_features.emplace(symbol, FeatureTracker(100.0 * static_cast<double>(ins ? ins->lotSize : 1))).first;
    }
    const double t = static_cast<double>(now) / 1e9;
    f->second.onQuotes(t, bids, asks);
    f->second.onVolume(t, m_volume[symbol]);
    // The regime detector takes one observation per interval.
    if (m_regimeModel) {
        Timestamp& next = m_nextRegimeSample[symbol];
        if (next == 0)
            next = now + static_cast<Timestamp>(m_config.regimeWarmupS * 1e9); // features need some history first
        if (now >= next) {
            next = now + static_cast<Timestamp>(m_regimeModel->intervalS * 1e9);
            auto d = m_detectors.find(symbol);
            if (d == m_detectors.end())
                d = m_detectors.emplace(symbol, RegimeDetector(*m_regimeModel)).first;
            std::vector<double> x;
            f->second.compute(ExecutionTaskState{}, x);
            d->second.update(regimeObservation(x, bids, asks));
            const std::string detected = d->second.name(d->second.mostLikely());
            // A replay shows the detector's probabilities; the regime itself follows the journal.
            if (!m_config.replay && detected != m_regimes[symbol]) {
                SetRegime change{symbol, detected, "detector"};
                handle(change);
            }
        }
    }
    notePointOfRegime(symbol, now);
}

void Engine::notePointOfRegime(const std::string& symbol, Timestamp now)
{
    auto& points = m_regimePoints[symbol];
    const std::string& detected = m_regimes[symbol];
    const std::string& truth = m_trueRegimes[symbol];
    if (!points.empty() && points.back().detected == detected && points.back().truth == truth)
        return;
    points.push_back(RegimePoint{now, detected, truth});
    // Half an hour, as the window's timeline shows; the point in force at its start stays.
    const Timestamp start = now - Timestamp(1800) * 1000000000;
    std::size_t drop = 0;
    while (drop + 1 < points.size() && points[drop + 1].t <= start)
        ++drop;
    points.erase(points.begin(), points.begin() + static_cast<std::ptrdiff_t>(drop));
}

double Engine::agentPnl(const AgentSlot& slot) const
{
    const Instrument* ins = instrument(slot.spec.symbol);
    auto b = m_books.find(slot.spec.symbol);
    const double mid = b == m_books.end() ? 0 : static_cast<double>(b->second.twiceMid()) / 2.0;
    return slot.cash + static_cast<double>(slot.position) * mid * (ins ? ins->tickSize : 0.0);
}

void Engine::afterReport(const ReportResult& r, const ExecutionReport& e)
{
    const OrderRecord* o = r.order;
    if (!o)
        return;
    Quantity filled = 0;
    if (r.filled) {
        filled = r.fill.qty;
        m_gate.onFill(o->symbol, o->side, filled);
        auto slot = m_agentSlots.find(o->owner);
        if (!o->owner.empty() && slot != m_agentSlots.end()) {
            AgentSlot& a = slot->second;
            const Instrument* ins = instrument(o->symbol);
            const double value = static_cast<double>(r.fill.price) * (ins ? ins->tickSize : 0.0) * static_cast<double>(filled);
            a.position += o->side == Side::Buy ? filled : -filled;
            a.cash += o->side == Side::Buy ? -value : value;
            a.throttle.filled += filled;
            if (a.agent) // absent in a replay
                a.agent->onFill(o->side, filled, r.fill.price);
        }
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
    (void)e;
}

// ---- agents ----
void Engine::handle(AddAgent& c)
{
    std::string error;
    if (!instrument(c.spec.symbol))
        error = "agent " + c.spec.id + ": unknown instrument '" + c.spec.symbol + "'";
    else if (c.spec.id.empty() || c.spec.id == "*")
        error = "agent id must be a name";
    else if (m_agentSlots.count(c.spec.id))
        error = "agent " + c.spec.id + " already exists";
    std::shared_ptr<Agent> agent;
    if (error.empty()) {
        agent = std::move(c.built);
        error = c.buildError;
    }
    if (!agent) {
        if (!c.spec.model.empty()) // a learning agent whose model cannot be used: say so where people look
            feed("alert", c.spec.id.empty() ? "agent" : c.spec.id, "not armed: " + error, true);
        answer(c.reply, false, error);
        return;
    }
    if (m_journal) { // the whole configuration, so a replay shows the agent as it was
        JournalRecord r;
        r.time = engineNow();
        r.kind = RecordKind::Config;
        r.ref = "agent";
        r.symbol = c.spec.symbol;
        r.text = agentSpecJson(c.spec);
        m_journal->append(std::move(r));
    }
    AgentSlot slot;
    slot.spec = c.spec;
    slot.agent = std::move(agent);
    const std::string id = c.spec.id;
    m_agentSlots.emplace(id, std::move(slot));
    audit(c.actor, "add-agent", id, "", "", toString(AgentState::Armed),
          c.spec.type + " on " + c.spec.symbol + ", approval " + toString(c.spec.policy.approval));
    answer(c.reply, true, "agent " + id + " added, armed");
}

void Engine::handle(RemoveAgent& c)
{
    auto it = m_agentSlots.find(c.id);
    if (it == m_agentSlots.end())
        return answer(c.reply, false, "no agent '" + c.id + "'");
    const AgentState s = it->second.state;
    if (isLive(s))
        return answer(c.reply, false, "agent " + c.id + " is " + toString(s) + "; pause or kill it first");
    for (const OrderRecord* o : m_oms.workingOrders())
        if (o->owner == c.id)
            return answer(c.reply, false, "agent " + c.id + " still has working orders");
    m_approvals.takeAll(c.id);
    audit(c.actor, "remove-agent", c.id, "", toString(s), "removed", "");
    m_agentSlots.erase(it);
    answer(c.reply, true, "agent " + c.id + " removed");
}

bool Engine::applyAction(AgentSlot& slot, AgentAction action, const Actor& actor, const std::string& reason,
                         std::string& error)
{
    if (action == AgentAction::Rearm && m_killed) {
        error = "the global kill is on; re-arm globally first";
        return false;
    }
    const Transition t = transition(slot.state, action, actor.role);
    if (!t.allowed) {
        error = slot.spec.id + ": " + t.error;
        return false;
    }
    const AgentState before = slot.state;
    slot.state = t.next;
    slot.stateReason = std::string(toString(action)) + " by " + actor.who + (reason.empty() ? "" : ": " + reason);
    if (action == AgentAction::Start || (action == AgentAction::Resume && slot.throttle.marketVolumeAtStart < 0))
        slot.throttle.marketVolumeAtStart = m_volume[slot.spec.symbol];
    // A person's resume holds while the condition that fired persists: the trigger's latch
    // stays set until the condition clears, and only a new occurrence fires it again.
    if (action == AgentAction::Kill || action == AgentAction::Halt) {
        for (const auto& t2 : m_approvals.takeAll(slot.spec.id))
            journalDecision(slot.spec.id, t2.proposal, 3, std::string("dropped by ") + toString(action));
        cancelAgentOrders(slot.spec.id);
    }
    audit(actor, toString(action), slot.spec.id, reason, toString(before), toString(slot.state), "");
    return true;
}

void Engine::cancelAgentOrders(const std::string& agent)
{
    cancelWhere([&](const OrderRecord& o) { return o.owner == agent; });
}

std::size_t Engine::cancelWhere(const std::function<bool(const OrderRecord&)>& match)
{
    std::vector<std::string> ids; // collected first: cancelling changes the working set
    for (const OrderRecord* o : m_oms.workingOrders())
        if (o->status != OrderStatus::PendingCancel && match(*o))
            ids.push_back(o->clOrdId);
    for (const auto& id : ids) {
        CancelOrder one{id, Origin::engine()};
        handle(one);
    }
    return ids.size();
}

void Engine::handle(ControlAgent& c)
{
    std::vector<AgentSlot*> targets;
    if (c.id == "*") {
        for (auto& kv : m_agentSlots)
            targets.push_back(&kv.second);
    } else {
        auto it = m_agentSlots.find(c.id);
        if (it == m_agentSlots.end())
            return answer(c.reply, false, "no agent '" + c.id + "'");
        targets.push_back(&it->second);
    }
    std::string errors;
    int done = 0;
    for (AgentSlot* s : targets) {
        std::string error;
        if (applyAction(*s, c.action, c.actor, c.reason, error))
            ++done;
        else if (c.id != "*" || c.action != AgentAction::Kill)
            errors += (errors.empty() ? "" : "; ") + error;
    }
    if (done == 0 && !errors.empty())
        return answer(c.reply, false, errors);
    answer(c.reply, true, std::string(toString(c.action)) + ": " + std::to_string(done) + " agent(s)"
                              + (errors.empty() ? "" : " (" + errors + ")"));
}

void Engine::handle(SetThrottleLevel& c)
{
    auto it = m_agentSlots.find(c.id);
    if (it == m_agentSlots.end())
        return answer(c.reply, false, "no agent '" + c.id + "'");
    if (c.level < 0 || c.level > 100)
        return answer(c.reply, false, "throttle level " + std::to_string(c.level) + " is outside 0..100");
    AgentSlot& s = it->second;
    const int old = s.spec.throttle.level;
    s.spec.throttle.level = c.level;
    audit(c.actor, "throttle-level", c.id, "", toString(s.state), toString(s.state),
          std::to_string(old) + "% -> " + std::to_string(c.level) + "%");
    answer(c.reply, true, c.id + " throttle " + std::to_string(c.level) + "%");
}

void Engine::handle(DecideApproval& c)
{
    std::vector<ApprovalTicket> tickets;
    if (c.ticket == 0) {
        tickets = m_approvals.takeAll(c.agent);
    } else {
        ApprovalTicket t;
        if (m_approvals.take(c.ticket, t))
            tickets.push_back(t);
    }
    if (tickets.empty())
        return answer(c.reply, false, "no such ticket waiting (it may have timed out)");
    const Timestamp now = engineNow();
    for (const auto& t : tickets) {
        auto it = m_agentSlots.find(t.agent);
        if (it == m_agentSlots.end())
            continue;
        AgentSlot& s = it->second;
        audit(c.actor, c.approve ? "approve" : "reject", t.agent, "", toString(s.state), toString(s.state),
              "ticket " + std::to_string(t.id) + ": " + orderText(t.proposal.side, t.proposal.qty, t.proposal.symbol, t.proposal.type, t.proposal.price));
        if (!c.approve) {
            ++s.dropped;
            s.lastDecision = "rejected by " + c.actor.who + ": " + orderText(t.proposal.side, t.proposal.qty, t.proposal.symbol, t.proposal.type, t.proposal.price);
            journalDecision(t.agent, t.proposal, 3, "rejected by " + c.actor.who);
            continue;
        }
        if (!tradesFreely(s.state) && !(s.state == AgentState::ReduceOnly && reducesAgentPosition(t.proposal, s.position))) {
            ++s.dropped;
            journalDecision(t.agent, t.proposal, 3, std::string("approved but agent is ") + toString(s.state));
            continue;
        }
        sendProposal(s, t.proposal, now, c.actor.who);
    }
    answer(c.reply, true, std::string(c.approve ? "approved " : "rejected ") + std::to_string(tickets.size()) + " ticket(s)");
}

void Engine::handle(KillAll& c)
{
    const std::int64_t reached = monoNs();
    m_killed = true;
    m_gate.halt("kill switch by " + c.actor.who);
    for (auto& t : m_approvals.takeAll(""))
        journalDecision(t.agent, t.proposal, 3, "dropped by the kill switch");
    std::size_t agents = 0;
    for (auto& kv : m_agentSlots)
        if (kv.second.state != AgentState::Killed) {
            kv.second.state = AgentState::Killed;
            kv.second.stateReason = "global kill by " + c.actor.who;
            ++agents;
        }
    // Every working order at every session, agents' and the operator's alike.
    const std::size_t cancels = cancelWhere([](const OrderRecord&) { return true; });
    const std::int64_t sent = monoNs();
    {
        std::lock_guard<std::mutex> lock(m_killMutex);
        m_lastKill = KillTiming{reached, sent, cancels};
    }
    audit(c.actor, "kill-all", "*", c.reason, "", "killed",
          std::to_string(agents) + " agent(s) killed, " + std::to_string(cancels) + " cancel(s) sent");
    feed("alert", "*", "GLOBAL KILL by " + c.actor.who + ": " + std::to_string(cancels) + " cancels sent", true);
    m_dirty = true;
    answer(c.reply, true, "killed: " + std::to_string(agents) + " agent(s), " + std::to_string(cancels) + " cancel(s) sent");
}

void Engine::handle(RearmAll& c)
{
    if (c.actor.role != Role::RiskManager)
        return answer(c.reply, false, "re-arming after a kill needs the risk manager");
    const bool wasKilled = m_killed;
    m_killed = false;
    m_gate.resume();
    m_gateWasHalted = false;
    int rearmed = 0;
    for (auto& kv : m_agentSlots) {
        std::string error;
        if (kv.second.state == AgentState::Killed && applyAction(kv.second, AgentAction::Rearm, c.actor, c.reason, error))
            ++rearmed;
    }
    audit(c.actor, "rearm-all", "*", c.reason, wasKilled ? "killed" : "live", "armed",
          std::to_string(rearmed) + " agent(s) re-armed");
    answer(c.reply, true, "trading re-armed; " + std::to_string(rearmed) + " agent(s) armed (start them to trade)");
}

void Engine::handle(ChangeLimits& c)
{
    if (c.actor.role != Role::RiskManager)
        return answer(c.reply, false, "changing limits needs the risk manager");
    if (c.reason.empty())
        return answer(c.reply, false, "a reason is required for a limit change");
    if (c.changes.empty())
        return answer(c.reply, false, "no limit given");
    RiskLimits next = m_gate.limits();
    for (const auto& ch : c.changes) {
        const std::string error = setLimit(next, ch.first, ch.second);
        if (!error.empty())
            return answer(c.reply, false, error); // nothing applied
    }
    std::string summary;
    for (const auto& ch : c.changes) {
        std::string before, after;
        limitValue(m_gate.limits(), ch.first, before);
        limitValue(next, ch.first, after);
        audit(c.actor, "limit-change", "", c.reason, "", "", ch.first + ": " + before + " -> " + after);
        summary += (summary.empty() ? "" : ", ") + ch.first + " " + before + " -> " + after;
    }
    m_gate.setLimits(next); // from the next order
    if (m_journal) {
        JournalRecord r;
        r.time = engineNow();
        r.kind = RecordKind::Config;
        r.ref = "limits";
        r.text = summary;
        m_journal->append(std::move(r));
    }
    answer(c.reply, true, "limits changed: " + summary);
}

void Engine::sendProposal(AgentSlot& slot, const OrderProposal& p, Timestamp now, const std::string& approvedBy)
{
    OrderRequest o;
    o.clOrdId = nextId();
    o.symbol = p.symbol;
    o.side = p.side;
    o.type = p.type;
    o.tif = p.tif;
    o.qty = p.qty;
    o.price = p.price;
    o.owner = slot.spec.id;
    const Instrument* ins = instrument(p.symbol);
    if (submitChecked(o, Origin::agent(slot.spec.id))) {
        ++slot.sent;
        recordSent(slot.throttle, p, ins ? ins->tickSize : 0.0, now);
        slot.lastDecision = "sent " + orderText(p.side, p.qty, p.symbol, p.type, p.price) + (approvedBy.empty() ? "" : ", approved by " + approvedBy);
        journalDecision(slot.spec.id, p, 1, approvedBy.empty() ? o.clOrdId : o.clOrdId + " approved by " + approvedBy);
    } else {
        ++slot.denied;
        const OrderRecord* rec = m_oms.find(o.clOrdId);
        slot.lastDecision = "denied: " + (rec ? rec->text : std::string("?"));
    }
}

void Engine::runAgent(AgentSlot& slot, Timestamp now)
{
    const MarketView m = marketView(slot.spec.symbol);
    AgentContext ctx;
    ctx.now = now;
    ctx.market = &m;
    ctx.position = slot.position;
    ctx.awaitingApproval = m_approvals.countFor(slot.spec.id);
    for (const OrderRecord* o : m_oms.workingOrders())
        if (o->owner == slot.spec.id)
            ctx.working.push_back(WorkingOrderView{o->clOrdId, o->side, o->price, o->leavesQty, o->created});
    AgentIntents intents;
    slot.agent->onTick(ctx, intents);
    for (const auto& id : intents.cancels) {
        const OrderRecord* o = m_oms.find(id);
        if (o && o->owner == slot.spec.id && !isTerminal(o->status) && o->status != OrderStatus::PendingCancel) {
            CancelOrder c{id, Origin::engine()};
            handle(c);
        }
    }
    if (!intents.note.empty() && intents.orders.empty())
        slot.lastDecision = intents.note;
    const Instrument* ins = instrument(slot.spec.symbol);
    for (const auto& p : intents.orders) {
        slot.lastRationale = p.why;
        OversightInput in;
        in.state = slot.state;
        in.policy = &slot.spec.policy;
        in.throttle = &slot.spec.throttle;
        in.market = &m;
        in.agentPosition = slot.position;
        in.tickSize = ins ? ins->tickSize : 0.0;
        in.now = now;
        const OversightDecision d = review(in, slot.throttle, p);
        if (d.verdict == Verdict::Drop) {
            ++slot.dropped;
            slot.lastDecision = "dropped " + orderText(p.side, p.qty, p.symbol, p.type, p.price) + ": " + d.reason;
            journalDecision(slot.spec.id, p, 3, d.reason);
            feed("drop", slot.spec.id, orderText(p.side, p.qty, p.symbol, p.type, p.price) + ": " + d.reason);
        } else if (d.verdict == Verdict::NeedsApproval) {
            const std::uint64_t id = m_approvals.add(slot.spec.id, p, d.reason, now, slot.spec.policy.approvalTimeoutS);
            slot.lastDecision = "waiting for approval (ticket " + std::to_string(id) + "): " + d.reason;
            journalDecision(slot.spec.id, p, 2, "ticket " + std::to_string(id) + ": " + d.reason);
        } else {
            sendProposal(slot, p, now, "");
        }
    }
}

void Engine::checkTriggers(AgentSlot& slot, Timestamp now)
{
    const Actor system{"system", Role::System};
    const OversightPolicy& pol = slot.spec.policy;
    auto trigger = [&](bool& latch, bool condition, bool clearCondition, AgentAction action, const std::string& why) {
        if (condition && !latch && (tradesFreely(slot.state) || (action == AgentAction::Halt && isLive(slot.state)))) {
            std::string error;
            if (slot.state == AgentState::Throttled && action == AgentAction::Throttle)
                return;
            if (applyAction(slot, action, system, why, error)) {
                latch = true;
                feed("alert", slot.spec.id, std::string(toString(action)) + ": " + why, true);
            }
        } else if (latch && clearCondition) {
            latch = false; // hysteresis: may fire again only after the condition has cleared
        }
    };
    // Drawdown: fires at the limit, re-arms below 80% of it.
    const double pnl = agentPnl(slot);
    slot.peakPnl = std::max(slot.peakPnl, pnl);
    const double dd = slot.peakPnl - pnl;
    if (pol.maxDrawdown > 0)
        trigger(slot.drawdownLatched, dd >= pol.maxDrawdown, dd < 0.8 * pol.maxDrawdown, AgentAction::Halt,
                "drawdown " + num(dd) + " >= " + num(pol.maxDrawdown));
    // Stale market data: fires after staleDataS without data, clears once data flows again.
    auto last = m_lastMarketData.find(slot.spec.symbol);
    const double age = last == m_lastMarketData.end() ? 0 : static_cast<double>(now - last->second) / 1e9;
    if (pol.staleDataS > 0 && last != m_lastMarketData.end())
        trigger(slot.staleLatched, age >= pol.staleDataS, age < pol.staleDataS / 2, AgentAction::Throttle,
                "market data stale for " + num(age) + " s");
    // The stress detector.
    const StressState& st = m_metrics[slot.spec.symbol].stress();
    if (pol.throttleOnStress)
        trigger(slot.stressLatched, st.active, !st.active, AgentAction::Throttle, "market stress: " + st.reason);
    // A regime the agent should not trade freely in: throttles on entry, clears on exit.
    if (!pol.throttleRegimes.empty()) {
        const std::string& regime = m_regimes[slot.spec.symbol];
        const bool inRegime = pol.throttleRegimes.count(regime) > 0;
        trigger(slot.regimeLatched, inRegime, !inRegime, AgentAction::Throttle, "regime is " + regime);
    }
}

void Engine::handle(SetRegime& c)
{
    if (m_regimeModel && c.source == "simulator") {
        std::string& truth = m_trueRegimes[c.symbol]; // shown next to the detected one, for comparison
        if (truth != c.regime && m_journal) { // journaled (not in the feed) so a replay shows it too
            JournalRecord r;
            r.time = engineNow();
            r.kind = RecordKind::Alert;
            r.ref = "true-regime";
            r.symbol = c.symbol;
            r.text = "true regime " + (truth.empty() ? std::string("unknown") : truth) + " -> " + c.regime + " (simulator)";
            m_journal->append(std::move(r));
        }
        truth = c.regime;
        m_dirty = true;
        if (m_detectors.count(c.symbol))
            return; // the detector speaks for the regime; until its first look, the simulator does
    }
    std::string& current = m_regimes[c.symbol];
    if (current == c.regime)
        return;
    const std::string before = current.empty() ? "unknown" : current;
    current = c.regime;
    feed("alert", c.symbol, "regime " + before + " -> " + (c.regime.empty() ? "unknown" : c.regime) + " (" + c.source + ")",
         true);
    m_dirty = true;
    for (auto& kv : m_agentSlots)
        if (kv.second.spec.symbol == c.symbol && isLive(kv.second.state))
            checkTriggers(kv.second, engineNow());
}

double Engine::markToMarket()
{
    double pnl = 0;
    for (const auto& kv : m_oms.positions()) {
        const Instrument* ins = instrument(kv.first);
        const double tick = ins ? ins->tickSize : 0.0;
        const Price twiceMid = m_books[kv.first].twiceMid();
        const Position& p = kv.second;
        const double unreal = twiceMid > 0 && p.qty != 0
            ? (static_cast<double>(twiceMid) / 2.0 - p.avgCostTicks) * static_cast<double>(p.qty) : 0.0;
        pnl += (p.realizedTicks + unreal) * tick;
    }
    for (auto& kv : m_metrics)
        kv.second.onPnl(pnl); // drawdown
    return pnl;
}

void Engine::tickAgents(Timestamp now)
{
    // Daily loss across everything: the gate halts itself; the agents follow.
    const double pnl = markToMarket();
    m_gate.setPnl(pnl);
    if (m_gate.halted() && !m_gateWasHalted && !m_killed) {
        const Actor system{"system", Role::System};
        feed("alert", "*", "trading halted: " + m_gate.haltReason(), true);
        for (auto& kv : m_agentSlots) {
            std::string error;
            if (isLive(kv.second.state) || kv.second.state == AgentState::Paused)
                applyAction(kv.second, AgentAction::Halt, system, m_gate.haltReason(), error);
        }
    }
    m_gateWasHalted = m_gate.halted();

    for (const auto& t : m_approvals.takeExpired(now)) {
        auto it = m_agentSlots.find(t.agent);
        if (it == m_agentSlots.end())
            continue;
        AgentSlot& s = it->second;
        const Actor system{"system", Role::System};
        if (s.spec.policy.onTimeout == TimeoutDefault::ReduceOnly) {
            std::string error;
            applyAction(s, AgentAction::ReduceOnly, system, "approval ticket " + std::to_string(t.id) + " timed out", error);
            if (s.state == AgentState::ReduceOnly && reducesAgentPosition(t.proposal, s.position)) {
                sendProposal(s, t.proposal, now, "");
                continue;
            }
        }
        ++s.dropped;
        s.lastDecision = "approval timed out, dropped: " + orderText(t.proposal.side, t.proposal.qty, t.proposal.symbol, t.proposal.type, t.proposal.price);
        journalDecision(t.agent, t.proposal, 3, "approval timed out");
        feed("drop", t.agent, "ticket " + std::to_string(t.id) + " timed out: " + orderText(t.proposal.side, t.proposal.qty, t.proposal.symbol, t.proposal.type, t.proposal.price));
    }
    for (auto& kv : m_agentSlots) {
        checkTriggers(kv.second, now);
        if (isLive(kv.second.state))
            runAgent(kv.second, now);
    }
}

RiskView Engine::currentRiskView()
{
    RiskView r;
    r.limits = m_gate.limits();
    // Live, the gate counts rates on the monotonic clock; a replay on the records' time.
    r.usage = m_gate.utilisation(m_config.replay ? engineNow() : monoNs());
    for (const auto& kv : m_oms.positions()) {
        const Instrument* ins = instrument(kv.first);
        const double tick = ins ? ins->tickSize : 0.0;
        const double mid = static_cast<double>(m_books[kv.first].twiceMid()) / 2.0;
        const Position& p = kv.second;
        r.realized += p.realizedTicks * tick;
        if (mid > 0 && p.qty != 0)
            r.unrealized += (mid - p.avgCostTicks) * static_cast<double>(p.qty) * tick;
        r.netExposure += static_cast<double>(p.qty) * mid * tick;
        r.grossExposure += std::fabs(static_cast<double>(p.qty) * mid * tick);
    }
    r.pnl = r.realized + r.unrealized;
    if (!m_config.instruments.empty()) {
        const RiskMetrics& m = m_metrics[m_config.instruments.front().symbol];
        r.drawdown = m.drawdown();
        r.ewmaVol = m.ewmaVol();
        r.garchVol = m.garchVol();
        r.varParametric = m.parametricVar(r.netExposure);
        r.varHistorical = m.historicalVar(r.netExposure);
        r.stress = m.stress().active;
        r.stressReason = m.stress().reason;
    }
    r.killed = m_killed;
    r.halted = m_gate.halted();
    r.haltReason = m_gate.haltReason();
    r.denials = m_gate.totalDenials();
    r.selfTrades = m_gate.selfTrades();
    for (const auto& kv : r.selfTrades)
        r.selfTradesPrevented += kv.second.total();
    return r;
}

void Engine::publishOversight(EngineSnapshot& s)
{
    const Timestamp now = engineNow();
    const auto& working = m_oms.workByOwner();
    for (auto& kv : m_agentSlots) {
        AgentSlot& a = kv.second;
        AgentView v;
        v.id = a.spec.id;
        v.type = a.spec.type;
        v.symbol = a.spec.symbol;
        v.state = a.state;
        v.stateReason = a.stateReason;
        v.policy = a.spec.policy;
        v.throttle = a.spec.throttle;
        if (a.agent) {
            v.progress = a.agent->progress();
        } else if (a.spec.params.count("quantity")) { // a replay: the parent order from the configuration
            v.progress.target = static_cast<Quantity>(a.spec.params.at("quantity"));
            v.progress.done = std::abs(a.position);
        }
        v.position = a.position;
        v.pnl = agentPnl(a);
        v.drawdown = std::max(0.0, a.peakPnl - v.pnl);
        v.ordersPerSecond = static_cast<double>(a.throttle.orders.count(now));
        v.participation = participation(a.throttle, m_volume[a.spec.symbol]);
        auto w = working.find(a.spec.id);
        v.working = w == working.end() ? 0 : w->second.working;
        v.cancelsPending = w == working.end() ? 0 : w->second.cancelsPending;
        v.awaitingApproval = m_approvals.countFor(a.spec.id);
        v.ordersSent = a.sent;
        v.dropped = a.dropped;
        v.denied = a.denied;
        auto stp = m_gate.selfTrades().find(a.spec.id);
        if (stp != m_gate.selfTrades().end())
            v.selfTrades = stp->second;
        v.lastDecision = a.lastDecision;
        v.lastRationale = a.lastRationale;
        if (a.agent) {
            v.monitor = a.agent->monitor();
            v.description = a.agent->description();
        } else {
            v.description = "replayed from the journal";
        }
        s.agents.push_back(std::move(v));
    }
    for (const auto& t : m_approvals.tickets())
        s.approvals.push_back(ApprovalView{t.id, t.agent, t.proposal, t.why, t.created, t.deadline});
    s.risk = currentRiskView();
    s.newFeed.swap(m_newFeed);
    s.newDecisions.swap(m_newDecisions);
}

} // namespace hm
