#include "engine/agent_supervisor.h"

#include "engine/activity_log.h"
#include "engine/engine_context.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "model/text.h"

#include <algorithm>
#include <set>

namespace hm {

void AgentSupervisor::add(Io io, AddAgent& c)
{
    std::string error;
    if (!io.ctx.instrument(c.spec.symbol) && !(c.spec.symbol == "*" && c.spec.type == "portfolio"))
        error = "agent " + c.spec.id + ": unknown instrument '" + c.spec.symbol + "'";
    else if (c.spec.id.empty() || c.spec.id == "*")
        error = "agent id must be a name";
    else if (m_slots.count(c.spec.id))
        error = "agent " + c.spec.id + " already exists";
    std::shared_ptr<Agent> agent;
    if (error.empty()) {
        agent = std::move(c.built);
        error = c.buildError;
    }
    if (!agent) {
        if (!c.spec.model.empty()) // a learning agent whose model cannot be used: say so where people look
            io.log.feed(io.ctx, "alert", c.spec.id.empty() ? "agent" : c.spec.id, "not armed: " + error, true);
        io.answers.answer(c.reply, false, error);
        return;
    }
    if (io.ctx.journaling()) // the whole configuration, so a replay shows the agent as it was
        io.ctx.record(encode(ConfigRecord{"agent", agentSpecJson(c.spec), c.spec.symbol}, io.ctx.now()));
    AgentSlot slot;
    slot.spec = c.spec;
    slot.agent = std::move(agent);
    const std::string id = c.spec.id;
    m_slots.emplace(id, std::move(slot));
    io.log.audit(io.ctx, c.actor, "add-agent", id, "", "", toString(AgentState::Armed),
                 c.spec.type + " on " + c.spec.symbol + ", approval " + toString(c.spec.policy.approval));
    io.answers.answer(c.reply, true, "agent " + id + " added, armed");
}

void AgentSupervisor::remove(Io io, const RemoveAgent& c)
{
    auto it = m_slots.find(c.id);
    if (it == m_slots.end())
        return io.answers.answer(c.reply, false, "no agent '" + c.id + "'");
    const AgentState s = it->second.state;
    if (isLive(s))
        return io.answers.answer(c.reply, false, "agent " + c.id + " is " + toString(s) + "; pause or kill it first");
    for (const OrderRecord* o : io.router.m_oms.workingOrders())
        if (o->owner == c.id)
            return io.answers.answer(c.reply, false, "agent " + c.id + " still has working orders");
    for (const auto& kv : m_slots)
        if (kv.second.parent == c.id && kv.second.state != AgentState::Killed)
            return io.answers.answer(c.reply, false, "agent " + c.id + "'s execution agent " + kv.first
                                                         + " is still " + toString(kv.second.state) + "; kill it first");
    m_approvals.takeAll(c.id);
    io.log.audit(io.ctx, c.actor, "remove-agent", c.id, "", toString(s), "removed", "");
    m_slots.erase(it);
    io.answers.answer(c.reply, true, "agent " + c.id + " removed");
}

bool AgentSupervisor::applyAction(Io io, AgentSlot& slot, AgentAction action, const Actor& actor,
                                  const std::string& reason, std::string& error)
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
        slot.throttle.marketVolumeAtStart = io.market.volume(slot.spec.symbol);
    // A person's resume holds while the condition that fired persists: the trigger's latch
    // stays set until the condition clears, and only a new occurrence fires it again.
    if (action == AgentAction::Kill || action == AgentAction::Halt) {
        for (const auto& t2 : m_approvals.takeAll(slot.spec.id))
            io.log.decision(io.ctx, slot.spec.id, t2.proposal, DecisionOutcome::Dropped,
                            std::string("dropped by ") + toString(action));
        const std::string agent = slot.spec.id;
        io.router.cancelWhere(io.ctx, io.log, [&](const OrderRecord& o) { return o.owner == agent; });
    }
    io.log.audit(io.ctx, actor, toString(action), slot.spec.id, reason, toString(before), toString(slot.state), "");
    // A portfolio agent's execution agents go with it when it is killed or halted.
    if (action == AgentAction::Kill || action == AgentAction::Halt)
        for (auto& kv : m_slots)
            if (kv.second.parent == slot.spec.id
                && (action == AgentAction::Kill ? kv.second.state != AgentState::Killed : isLive(kv.second.state))) {
                std::string childError;
                applyAction(io, kv.second, action, actor, "with its portfolio agent " + slot.spec.id, childError);
            }
    return true;
}

void AgentSupervisor::control(Io io, const ControlAgent& c)
{
    std::vector<AgentSlot*> targets;
    if (c.id == "*") {
        for (auto& kv : m_slots)
            targets.push_back(&kv.second);
    } else {
        auto it = m_slots.find(c.id);
        if (it == m_slots.end())
            return io.answers.answer(c.reply, false, "no agent '" + c.id + "'");
        targets.push_back(&it->second);
    }
    std::string errors;
    int done = 0;
    for (AgentSlot* s : targets) {
        std::string error;
        if (applyAction(io, *s, c.action, c.actor, c.reason, error))
            ++done;
        else if (c.id != "*" || c.action != AgentAction::Kill)
            errors += (errors.empty() ? "" : "; ") + error;
    }
    if (done == 0 && !errors.empty())
        return io.answers.answer(c.reply, false, errors);
    io.answers.answer(c.reply, true, std::string(toString(c.action)) + ": " + std::to_string(done) + " agent(s)"
                                         + (errors.empty() ? "" : " (" + errors + ")"));
}

void AgentSupervisor::setThrottleLevel(Io io, const SetThrottleLevel& c)
{
    auto it = m_slots.find(c.id);
    if (it == m_slots.end())
        return io.answers.answer(c.reply, false, "no agent '" + c.id + "'");
    if (c.level < 0 || c.level > 100)
        return io.answers.answer(c.reply, false, "throttle level " + std::to_string(c.level) + " is outside 0..100");
    AgentSlot& s = it->second;
    const int old = s.spec.throttle.level;
    s.spec.throttle.level = c.level;
    io.log.audit(io.ctx, c.actor, "throttle-level", c.id, "", toString(s.state), toString(s.state),
                 formatThrottleChange(ThrottleChange{old, c.level}));
    io.answers.answer(c.reply, true, c.id + " throttle " + std::to_string(c.level) + "%");
}

void AgentSupervisor::decide(Io io, const DecideApproval& c)
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
        return io.answers.answer(c.reply, false, "no such ticket waiting (it may have timed out)");
    const Timestamp now = io.ctx.now();
    for (const auto& t : tickets) {
        auto it = m_slots.find(t.agent);
        if (it == m_slots.end())
            continue;
        AgentSlot& s = it->second;
        const std::string order = io.ctx.orderText(t.proposal.side, t.proposal.qty, t.proposal.symbol, t.proposal.type,
                                                   t.proposal.price);
        io.log.audit(io.ctx, c.actor, c.approve ? "approve" : "reject", t.agent, "", toString(s.state), toString(s.state),
                     formatTicketNote(TicketNote{t.id, order}));
        if (!c.approve) {
            ++s.dropped;
            s.lastDecision = "rejected by " + c.actor.who + ": " + order;
            io.log.decision(io.ctx, t.agent, t.proposal, DecisionOutcome::Dropped, "rejected by " + c.actor.who);
            continue;
        }
        if (t.proposal.isParent() && tradesFreely(s.state)) {
            spawnExecution(io, s, t.proposal, c.actor.who);
            continue;
        }
        if (t.proposal.isParent()
            || (!tradesFreely(s.state) && !(s.state == AgentState::ReduceOnly && reducesAgentPosition(t.proposal, s.position)))) {
            ++s.dropped;
            io.log.decision(io.ctx, t.agent, t.proposal, DecisionOutcome::Dropped,
                            std::string("approved but agent is ") + toString(s.state));
            continue;
        }
        sendProposal(io, s, t.proposal, now, c.actor.who);
    }
    io.answers.answer(c.reply, true,
                      std::string(c.approve ? "approved " : "rejected ") + std::to_string(tickets.size()) + " ticket(s)");
}

KillTiming AgentSupervisor::killAll(Io io, const KillAll& c)
{
    const std::int64_t reached = io.ctx.clock.monoNs();
    m_killed = true;
    io.router.m_gate.halt("kill switch by " + c.actor.who);
    for (auto& t : m_approvals.takeAll(""))
        io.log.decision(io.ctx, t.agent, t.proposal, DecisionOutcome::Dropped, "dropped by the kill switch");
    std::size_t agents = 0;
    for (auto& kv : m_slots)
        if (kv.second.state != AgentState::Killed) {
            kv.second.state = AgentState::Killed;
            kv.second.stateReason = "global kill by " + c.actor.who;
            ++agents;
        }
    // Every working order at every session, agents' and the operator's alike.
    const std::size_t cancels = io.router.cancelWhere(io.ctx, io.log, [](const OrderRecord&) { return true; });
    const KillTiming timing{reached, io.ctx.clock.monoNs(), cancels};
    io.log.audit(io.ctx, c.actor, "kill-all", "*", c.reason, "", "killed",
                 std::to_string(agents) + " agent(s) killed, " + std::to_string(cancels) + " cancel(s) sent");
    io.log.feed(io.ctx, "alert", "*", "GLOBAL KILL by " + c.actor.who + ": " + std::to_string(cancels) + " cancels sent",
                true);
    io.answers.answer(c.reply, true,
                      "killed: " + std::to_string(agents) + " agent(s), " + std::to_string(cancels) + " cancel(s) sent");
    return timing;
}

namespace {

// The named instruments, each widened to its correlated cluster when a threshold is set.
std::set<std::string> instrumentsToKill(const RiskGate& gate, const KillInstruments& c)
{
    std::set<std::string> out(c.symbols.begin(), c.symbols.end());
    if (c.clusterThreshold <= 0)
        return out;
    const PortfolioRisk& p = gate.portfolio();
    for (const auto& cluster : p.clusters(c.clusterThreshold)) {
        bool named = false;
        for (std::size_t i : cluster)
            named = named || out.count(p.symbol(i)) > 0;
        if (named)
            for (std::size_t i : cluster)
                out.insert(p.symbol(i));
    }
    return out;
}

std::string joined(const std::set<std::string>& symbols)
{
    std::string s;
    for (const auto& x : symbols)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

} // namespace

void AgentSupervisor::killInstruments(Io io, const KillInstruments& c)
{
    if (c.symbols.empty())
        return io.answers.answer(c.reply, false, "kill-instruments: name at least one instrument");
    // The known names are killed; unknown ones are said (a kill is never refused for a typo
    // in one of several names).
    std::string unknown;
    KillInstruments known = c;
    known.symbols.clear();
    for (const auto& s : c.symbols) {
        if (io.ctx.instrument(s))
            known.symbols.push_back(s);
        else
            unknown += (unknown.empty() ? "'" : ", '") + s + "'";
    }
    if (known.symbols.empty())
        return io.answers.answer(c.reply, false, "kill-instruments: unknown instrument " + unknown);
    KillInstruments what = known;
    if (what.clusterThreshold < 0) // the live cluster_correlation setting
        what.clusterThreshold = io.router.m_gate.limits().clusterCorrelation;
    if (!(what.clusterThreshold >= 0 && what.clusterThreshold < 1))
        return io.answers.answer(c.reply, false, "kill-instruments: the cluster threshold must be from 0 to below 1");
    const std::set<std::string> symbols = instrumentsToKill(io.router.m_gate, what);
    const std::string list = joined(symbols);
    std::string scope = symbols.size() == 1 ? "instrument " + list : "instruments " + list;
    if (what.clusterThreshold > 0)
        scope += " (correlated cluster above " + shortNumber(what.clusterThreshold) + ")";
    std::size_t agents = 0;
    // A portfolio agent's parent orders in these instruments go too.
    for (const auto& t : m_approvals.takeWhere([&](const ApprovalTicket& t) { return symbols.count(t.proposal.symbol) > 0; }))
        io.log.decision(io.ctx, t.agent, t.proposal, DecisionOutcome::Dropped, "dropped by the kill of " + scope);
    for (auto& kv : m_slots) {
        AgentSlot& slot = kv.second;
        if (!symbols.count(slot.spec.symbol))
            continue;
        for (auto& t : m_approvals.takeAll(kv.first))
            io.log.decision(io.ctx, t.agent, t.proposal, DecisionOutcome::Dropped, "dropped by the kill of " + scope);
        if (slot.state != AgentState::Killed) {
            slot.state = AgentState::Killed;
            slot.stateReason = "kill of " + scope + " by " + c.actor.who;
            ++agents;
        }
    }
    for (const auto& s : symbols)
        io.router.m_gate.haltInstrument(s, "kill by " + c.actor.who);
    const std::size_t cancels = io.router.cancelWhere(io.ctx, io.log, [&](const OrderRecord& o) { return symbols.count(o.symbol) > 0; });
    const std::string outcome = std::to_string(agents) + " agent(s) killed, " + std::to_string(cancels) + " cancel(s) sent";
    io.log.audit(io.ctx, c.actor, "kill-instruments", "", c.reason, "live", "halted", list + "; " + scope + "; " + outcome);
    io.log.feed(io.ctx, "alert", list, "KILL of " + scope + " by " + c.actor.who + ": " + outcome, true);
    io.answers.answer(c.reply, true, "killed " + scope + ": " + outcome + (unknown.empty() ? "" : "; unknown: " + unknown));
}

void AgentSupervisor::replayInstrumentKill(OrderRouter& router, const std::string& who, const std::string& detail)
{
    const std::string list = detail.substr(0, detail.find(';'));
    const std::vector<std::string> named = split(list, ',', true);
    const std::set<std::string> symbols(named.begin(), named.end());
    for (const auto& s : symbols)
        router.m_gate.haltInstrument(s, "kill by " + who);
    m_approvals.takeWhere([&](const ApprovalTicket& t) { return symbols.count(t.proposal.symbol) > 0; });
    for (auto& kv : m_slots)
        if (symbols.count(kv.second.spec.symbol)) {
            m_approvals.takeAll(kv.first);
            if (kv.second.state != AgentState::Killed) {
                kv.second.state = AgentState::Killed;
                kv.second.stateReason = "kill of " + list + " by " + who;
            }
        }
}

void AgentSupervisor::rearmAll(Io io, const RearmAll& c)
{
    if (c.actor.role != Role::RiskManager)
        return io.answers.answer(c.reply, false, "re-arming after a kill needs the risk manager");
    const bool wasKilled = m_killed;
    m_killed = false;
    io.router.m_gate.resume();
    m_gateWasHalted = false;
    int rearmed = 0;
    for (auto& kv : m_slots) {
        std::string error;
        if (kv.second.state == AgentState::Killed && applyAction(io, kv.second, AgentAction::Rearm, c.actor, c.reason, error))
            ++rearmed;
    }
    io.log.audit(io.ctx, c.actor, "rearm-all", "*", c.reason, wasKilled ? "killed" : "live", "armed",
                 std::to_string(rearmed) + " agent(s) re-armed");
    io.answers.answer(c.reply, true,
                      "trading re-armed; " + std::to_string(rearmed) + " agent(s) armed (start them to trade)");
}

void AgentSupervisor::sendProposal(Io io, AgentSlot& slot, const OrderProposal& p, Timestamp now,
                                   const std::string& approvedBy)
{
    OrderRequest o;
    o.clOrdId = io.ctx.nextId();
    o.symbol = p.symbol;
    o.side = p.side;
    o.type = p.type;
    o.tif = p.tif;
    o.qty = p.qty;
    o.price = p.price;
    o.owner = slot.spec.id;
    const Instrument* ins = io.ctx.instrument(p.symbol);
    if (io.router.submit(io.ctx, io.log, io.counters, o, Origin::agent(slot.spec.id))) {
        ++slot.sent;
        recordSent(slot.throttle, p, ins ? ins->tickSize : 0.0, now);
        slot.lastDecision = "sent " + io.ctx.orderText(p.side, p.qty, p.symbol, p.type, p.price)
            + (approvedBy.empty() ? "" : ", approved by " + approvedBy);
        io.log.decision(io.ctx, slot.spec.id, p, DecisionOutcome::Sent,
                        approvedBy.empty() ? o.clOrdId : o.clOrdId + " approved by " + approvedBy);
    } else {
        ++slot.denied;
        const OrderRecord* rec = io.router.m_oms.find(o.clOrdId);
        slot.lastDecision = "denied: " + (rec ? rec->text : std::string("?"));
    }
}

void AgentSupervisor::runAgent(Io io, AgentSlot& slot, Timestamp now)
{
    const MarketView m = io.market.view(slot.spec.symbol, io.ctx.now(), static_cast<std::size_t>(io.ctx.config.depthLevels));
    AgentContext actx;
    actx.now = now;
    actx.market = &m;
    PortfolioContext portfolio;
    if (slot.agent->wantsPortfolio()) {
        portfolio = portfolioContext(io, slot, now);
        actx.portfolio = &portfolio;
    }
    actx.position = slot.position;
    actx.awaitingApproval = m_approvals.countFor(slot.spec.id);
    for (const OrderRecord* o : io.router.m_oms.workingOrders())
        if (o->owner == slot.spec.id)
            actx.working.push_back(WorkingOrderView{o->clOrdId, o->side, o->price, o->leavesQty, o->created});
    AgentIntents intents;
    slot.agent->onTick(actx, intents);
    for (const auto& id : intents.cancels) {
        const OrderRecord* o = io.router.m_oms.find(id);
        if (o && o->owner == slot.spec.id && !isTerminal(o->status) && o->status != OrderStatus::PendingCancel)
            io.router.cancel(io.ctx, io.log, id, Origin::engine());
    }
    for (SignalReading r : intents.signals) {
        r.time = now;
        r.source = slot.spec.id;
        m_signals[r.symbol] = r;
    }
    if (!intents.note.empty() && intents.orders.empty())
        slot.lastDecision = intents.note;
    const Instrument* ins = io.ctx.instrument(slot.spec.symbol);
    for (const auto& p : intents.orders) {
        slot.lastRationale = p.why;
        if (p.isParent()) {
            proposeParent(io, slot, p, now);
            continue;
        }
        OversightInput in;
        in.state = slot.state;
        in.policy = &slot.spec.policy;
        in.throttle = &slot.spec.throttle;
        in.market = &m;
        in.agentPosition = slot.position;
        in.tickSize = ins ? ins->tickSize : 0.0;
        in.now = now;
        const OversightDecision d = review(in, slot.throttle, p);
        const std::string order = io.ctx.orderText(p.side, p.qty, p.symbol, p.type, p.price);
        if (d.verdict == Verdict::Drop) {
            ++slot.dropped;
            slot.lastDecision = "dropped " + order + ": " + d.reason;
            io.log.decision(io.ctx, slot.spec.id, p, DecisionOutcome::Dropped, d.reason);
            io.log.feed(io.ctx, "drop", slot.spec.id, order + ": " + d.reason);
        } else if (d.verdict == Verdict::NeedsApproval) {
            const std::uint64_t id = m_approvals.add(slot.spec.id, p, d.reason, now, slot.spec.policy.approvalTimeoutS);
            slot.lastDecision = "waiting for approval (ticket " + std::to_string(id) + "): " + d.reason;
            io.log.decision(io.ctx, slot.spec.id, p, DecisionOutcome::AwaitingApproval,
                            formatTicketNote(TicketNote{id, d.reason}));
        } else {
            sendProposal(io, slot, p, now, "");
        }
    }
}

void AgentSupervisor::checkTriggers(Io io, AgentSlot& slot, Timestamp now)
{
    const Actor system{"system", Role::System};
    const OversightPolicy& pol = slot.spec.policy;
    auto trigger = [&](bool& latch, bool condition, bool clearCondition, AgentAction action, const std::string& why) {
        if (condition && !latch && (tradesFreely(slot.state) || (action == AgentAction::Halt && isLive(slot.state)))) {
            std::string error;
            if (slot.state == AgentState::Throttled && action == AgentAction::Throttle)
                return;
            if (applyAction(io, slot, action, system, why, error)) {
                latch = true;
                io.log.feed(io.ctx, "alert", slot.spec.id, std::string(toString(action)) + ": " + why, true);
            }
        } else if (latch && clearCondition) {
            latch = false; // hysteresis: may fire again only after the condition has cleared
        }
    };
    // Drawdown: fires at the limit, re-arms below 80% of it.
    const double pnl = agentPnl(io.ctx, io.market, slot);
    slot.peakPnl = std::max(slot.peakPnl, pnl);
    const double dd = slot.peakPnl - pnl;
    if (pol.maxDrawdown > 0)
        trigger(slot.drawdownLatched, dd >= pol.maxDrawdown, dd < 0.8 * pol.maxDrawdown, AgentAction::Halt,
                "drawdown " + shortNumber(dd) + " >= " + shortNumber(pol.maxDrawdown));
    // Stale market data: fires after staleDataS without data, clears once data flows again.
    const std::optional<Timestamp> last = io.market.lastData(slot.spec.symbol);
    const double age = last ? static_cast<double>(now - *last) / 1e9 : 0;
    if (pol.staleDataS > 0 && last)
        trigger(slot.staleLatched, age >= pol.staleDataS, age < pol.staleDataS / 2, AgentAction::Throttle,
                "market data stale for " + shortNumber(age) + " s");
    // The stress detector.
    const StressState& st = io.market.metrics(slot.spec.symbol).stress();
    if (pol.throttleOnStress)
        trigger(slot.stressLatched, st.active, !st.active, AgentAction::Throttle, "market stress: " + st.reason);
    // A regime the agent should not trade freely in: throttles on entry, clears on exit.
    if (!pol.throttleRegimes.empty()) {
        const std::string& regime = io.market.regime(slot.spec.symbol);
        const bool inRegime = pol.throttleRegimes.count(regime) > 0;
        trigger(slot.regimeLatched, inRegime, !inRegime, AgentAction::Throttle, "regime is " + regime);
    }
}

void AgentSupervisor::onRegimeChanged(Io io, const std::string& symbol, Timestamp now)
{
    for (auto& kv : m_slots)
        if (kv.second.spec.symbol == symbol && isLive(kv.second.state))
            checkTriggers(io, kv.second, now);
}

void AgentSupervisor::onFill(const EngineContext& ctx, const ReportResult& r)
{
    const OrderRecord* o = r.order;
    if (!o || !r.filled || o->owner.empty())
        return;
    auto slot = m_slots.find(o->owner);
    if (slot == m_slots.end())
        return;
    AgentSlot& a = slot->second;
    const Quantity filled = r.fill.qty;
    const Instrument* ins = ctx.instrument(o->symbol);
    const double value = static_cast<double>(r.fill.price) * (ins ? ins->tickSize : 0.0) * static_cast<double>(filled);
    a.position += o->side == Side::Buy ? filled : -filled;
    a.cash += o->side == Side::Buy ? -value : value;
    a.throttle.filled += filled;
    if (a.agent) // absent in a replay
        a.agent->onFill(o->side, filled, r.fill.price);
}

double AgentSupervisor::agentPnl(const EngineContext& ctx, const MarketState& market, const AgentSlot& slot) const
{
    const Instrument* ins = ctx.instrument(slot.spec.symbol);
    const double mid = static_cast<double>(market.twiceMid(slot.spec.symbol)) / 2.0;
    return slot.cash + static_cast<double>(slot.position) * mid * (ins ? ins->tickSize : 0.0);
}

void AgentSupervisor::tick(Io io, Timestamp now)
{
    RiskGate& gate = io.router.m_gate;
    // Daily loss across everything: the gate halts itself; the agents follow.
    gate.setPnl(io.market.markToMarket(io.router.m_oms, io.ctx));
    if (gate.halted() && !m_gateWasHalted && !m_killed) {
        const Actor system{"system", Role::System};
        io.log.feed(io.ctx, "alert", "*", "trading halted: " + gate.haltReason(), true);
        for (auto& kv : m_slots) {
            std::string error;
            if (isLive(kv.second.state) || kv.second.state == AgentState::Paused)
                applyAction(io, kv.second, AgentAction::Halt, system, gate.haltReason(), error);
        }
    }
    m_gateWasHalted = gate.halted();

    for (const auto& t : m_approvals.takeExpired(now)) {
        auto it = m_slots.find(t.agent);
        if (it == m_slots.end())
            continue;
        AgentSlot& s = it->second;
        const Actor system{"system", Role::System};
        if (s.spec.policy.onTimeout == TimeoutDefault::ReduceOnly && !t.proposal.isParent()) {
            std::string error;
            applyAction(io, s, AgentAction::ReduceOnly, system, "approval ticket " + std::to_string(t.id) + " timed out",
                        error);
            if (s.state == AgentState::ReduceOnly && reducesAgentPosition(t.proposal, s.position)) {
                sendProposal(io, s, t.proposal, now, "");
                continue;
            }
        }
        const std::string order = io.ctx.orderText(t.proposal.side, t.proposal.qty, t.proposal.symbol, t.proposal.type,
                                                   t.proposal.price);
        ++s.dropped;
        s.lastDecision = "approval timed out, dropped: " + order;
        io.log.decision(io.ctx, t.agent, t.proposal, DecisionOutcome::Dropped, "approval timed out");
        io.log.feed(io.ctx, "drop", t.agent, "ticket " + std::to_string(t.id) + " timed out: " + order);
    }
    const auto& work = io.router.m_oms.workByOwner();
    for (auto& kv : m_slots) {
        AgentSlot& slot = kv.second;
        checkTriggers(io, slot, now); // a retired agent's position still has its drawdown watched
        if (slot.retired)
            continue;
        if (isLive(slot.state))
            runAgent(io, slot, now);
        if (!slot.parent.empty() && slot.agent && isLive(slot.state)) {
            const AgentProgress p = slot.agent->progress();
            const auto w = work.find(slot.spec.id);
            const bool idle = (w == work.end() || (w->second.working == 0 && w->second.cancelsPending == 0))
                && m_approvals.countFor(slot.spec.id) == 0;
            if (p.target > 0 && p.done >= p.target && idle) {
                slot.retired = true;
                slot.lastDecision = "done: parent order of " + std::to_string(p.target) + " filled; retired";
            }
        }
    }
}

} // namespace hm
