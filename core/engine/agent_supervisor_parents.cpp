// The supervisor's part in the loop from signals to execution: what a portfolio agent
// sees, its parent orders through approval, and the execution agent each approved parent
// becomes (a child of the portfolio agent: killed with it, counted in what it holds).
#include "engine/agent_supervisor.h"

#include "agents/parent_order.h"
#include "engine/activity_log.h"
#include "engine/engine_context.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "model/text.h"

namespace hm {

namespace {

std::string parentText(const EngineContext& ctx, const OrderProposal& p)
{
    return ctx.orderText(p.side, p.qty, p.symbol, OrderType::Market, 0) + " over " + shortNumber(p.horizonS) + " s by "
           + p.executor;
}

Quantity signedQty(Side side, Quantity q) { return side == Side::Buy ? q : -q; }

} // namespace

PortfolioContext AgentSupervisor::portfolioContext(Io io, const AgentSlot& slot, Timestamp now) const
{
    PortfolioContext p;
    const auto depth = static_cast<std::size_t>(io.ctx.config.depthLevels);
    for (const Instrument& ins : io.ctx.config.instruments) {
        PortfolioContext::Name& n = p.names[ins.symbol];
        n.market = io.market.view(ins.symbol, now, depth);
        n.tickSize = ins.tickSize;
        n.lot = ins.lotSize;
        const auto s = m_signals.find(ins.symbol);
        n.signal = s == m_signals.end() ? nullptr : &s->second;
    }
    for (const auto& kv : m_slots) {
        const AgentSlot& child = kv.second;
        if (child.parent != slot.spec.id)
            continue;
        auto n = p.names.find(child.spec.symbol);
        if (n == p.names.end())
            continue;
        n->second.held += child.position;
        // What a live child has still to do; a killed one does nothing more.
        if (child.agent && child.state != AgentState::Killed) {
            const AgentProgress progress = child.agent->progress();
            const auto side = child.spec.params.find("side");
            const Side s = side != child.spec.params.end() && side->second < 0 ? Side::Sell : Side::Buy;
            n->second.pending += signedQty(s, std::max<Quantity>(0, progress.target - progress.done));
        }
    }
    for (const auto& t : m_approvals.tickets())
        if (t.agent == slot.spec.id && t.proposal.isParent()) {
            auto n = p.names.find(t.proposal.symbol);
            if (n != p.names.end()) {
                n->second.pending += signedQty(t.proposal.side, t.proposal.qty);
                ++n->second.awaiting;
            }
        }
    return p;
}

void AgentSupervisor::proposeParent(Io io, AgentSlot& slot, const OrderProposal& p, Timestamp now)
{
    const std::string text = parentText(io.ctx, p);
    const auto& halted = io.router.m_gate.haltedInstruments();
    if (halted.count(p.symbol)) {
        ++slot.dropped;
        slot.lastDecision = "dropped parent " + text + ": " + p.symbol + " is halted (" + halted.at(p.symbol) + ")";
        io.log.decision(io.ctx, slot.spec.id, p, DecisionOutcome::Dropped, slot.lastDecision);
        return;
    }
    if (!tradesFreely(slot.state)) {
        ++slot.dropped;
        slot.lastDecision = "dropped parent " + text + ": agent is " + toString(slot.state);
        io.log.decision(io.ctx, slot.spec.id, p, DecisionOutcome::Dropped, slot.lastDecision);
        return;
    }
    // A parent order is the trader's to approve unless the agent runs autonomously.
    if (slot.spec.policy.approval == ApprovalMode::Autonomous) {
        spawnExecution(io, slot, p, "");
        return;
    }
    const std::string why = "parent order: " + text;
    const std::uint64_t id = m_approvals.add(slot.spec.id, p, why, now, slot.spec.policy.approvalTimeoutS);
    slot.lastDecision = "waiting for approval (ticket " + std::to_string(id) + "): " + text;
    io.log.decision(io.ctx, slot.spec.id, p, DecisionOutcome::AwaitingApproval, formatTicketNote(TicketNote{id, why}));
}

void AgentSupervisor::spawnExecution(Io io, AgentSlot& parent, const OrderProposal& p, const std::string& approvedBy)
{
    const std::string text = parentText(io.ctx, p);
    if (io.router.m_gate.haltedInstruments().count(p.symbol) || io.router.m_gate.halted()) {
        ++parent.dropped;
        parent.lastDecision = "parent " + text + " not worked: trading in " + p.symbol + " is halted";
        io.log.decision(io.ctx, parent.spec.id, p, DecisionOutcome::Dropped, parent.lastDecision);
        return;
    }
    ParentOrder order;
    do
        order.agentId = parent.spec.id + "/" + p.executor + "-" + p.symbol + "-" + std::to_string(++parent.children);
    while (m_slots.count(order.agentId));
    order.agentType = p.executor;
    order.symbol = p.symbol;
    order.side = p.side;
    order.quantity = p.qty;
    order.durationS = p.horizonS;
    AgentSpec spec;
    std::string error;
    std::unique_ptr<Agent> agent;
    const RegimeNames& regimes = io.ctx.config.regimes.names.empty() ? defaultRegimeNames() : io.ctx.config.regimes;
    if (agentForParentOrder(order, regimes, spec, error))
        agent = makeAgent(spec.type, spec.symbol, spec.params, error, spec.model);
    if (!agent) {
        ++parent.dropped;
        parent.lastDecision = "parent " + text + " not worked: " + error;
        io.log.decision(io.ctx, parent.spec.id, p, DecisionOutcome::Dropped, parent.lastDecision);
        io.log.feed(io.ctx, "alert", parent.spec.id, parent.lastDecision, true);
        return;
    }
    // The parent was approved (or the portfolio agent is autonomous): its children are not
    // asked again; they trade under their own throttle and the risk gate.
    spec.policy.approval = ApprovalMode::Autonomous;
    if (io.ctx.journaling())
        io.ctx.record(encode(ConfigRecord{"agent", agentSpecJson(spec), spec.symbol}, io.ctx.now()));
    AgentSlot child;
    child.spec = spec;
    child.agent = std::shared_ptr<Agent>(agent.release());
    child.parent = parent.spec.id;
    AgentSlot& added = m_slots.emplace(spec.id, std::move(child)).first->second;
    const Actor actor{approvedBy.empty() ? parent.spec.id : approvedBy, approvedBy.empty() ? Role::System : Role::Trader};
    io.log.audit(io.ctx, actor, "add-agent", spec.id, "parent order of " + parent.spec.id, "", toString(AgentState::Armed),
                 spec.type + " on " + spec.symbol + " for " + parent.spec.id + ": " + text);
    if (!approvedBy.empty()) {
        applyAction(io, added, AgentAction::Start, actor, "working a parent order of " + parent.spec.id, error);
    } else {
        // Only a person starts an agent: here the person who started the autonomous
        // portfolio agent did, for every parent order it would hand on.
        added.state = AgentState::Running;
        added.stateReason = "started for the autonomous portfolio agent " + parent.spec.id;
        added.throttle.marketVolumeAtStart = io.market.volume(spec.symbol);
        io.log.audit(io.ctx, actor, toString(AgentAction::Start), spec.id, added.stateReason, toString(AgentState::Armed),
                     toString(AgentState::Running), "");
    }
    ++parent.sent;
    parent.lastDecision = "parent " + text + " handed to " + spec.id
                          + (approvedBy.empty() ? std::string() : " (approved by " + approvedBy + ")");
    io.log.decision(io.ctx, parent.spec.id, p, DecisionOutcome::Sent, "worked by " + spec.id);
}

} // namespace hm
