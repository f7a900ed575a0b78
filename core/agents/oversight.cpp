#include "agents/oversight.h"
#include "model/text.h"

#include <cmath>
#include <cstdio>

namespace hm {

const char* toString(ApprovalMode m)
{
    switch (m) {
    case ApprovalMode::Autonomous: return "autonomous";
    case ApprovalMode::EveryOrder: return "every_order";
    case ApprovalMode::AboveThreshold: return "above_threshold";
    case ApprovalMode::InRegimes: return "in_regimes";
    }
    return "?";
}

const char* toString(TimeoutDefault d) { return d == TimeoutDefault::Drop ? "drop" : "reduce_only"; }

bool reducesAgentPosition(const OrderProposal& p, Quantity pos)
{
    return (p.side == Side::Sell && pos > 0 && p.qty <= pos) || (p.side == Side::Buy && pos < 0 && p.qty <= -pos);
}

double participation(const ThrottleRuntime& rt, Quantity marketVolume)
{
    const Quantity traded = rt.marketVolumeAtStart < 0 ? 0 : marketVolume - rt.marketVolumeAtStart;
    return traded > 0 ? static_cast<double>(rt.filled) / static_cast<double>(traded) : 0.0;
}

OversightDecision review(const OversightInput& in, ThrottleRuntime& rt, const OrderProposal& p)
{
    const bool reducing = reducesAgentPosition(p, in.agentPosition);
    switch (in.state) {
    case AgentState::Running:
    case AgentState::Throttled: break;
    case AgentState::ReduceOnly:
        if (!reducing)
            return {Verdict::Drop, "agent is reduce-only and this order adds to its position"};
        break;
    default: return {Verdict::Drop, std::string("agent is ") + toString(in.state)};
    }
    const ThrottleLimits& t = *in.throttle;
    // Throttled by a person or a trigger: a quarter of the configured pace, passive only.
    const double level = std::min(t.level, in.state == AgentState::Throttled ? 25 : 100) / 100.0;
    const bool passiveOnly = t.passiveOnly || in.state == AgentState::Throttled;
    const MarketView& m = *in.market;
    const bool crosses = p.type == OrderType::Market
        || (p.side == Side::Buy && m.bestAsk() > 0 && p.price >= m.bestAsk())
        || (p.side == Side::Sell && m.bestBid() > 0 && p.price <= m.bestBid());
    if (passiveOnly && crosses && !reducing)
        return {Verdict::Drop, "throttle: passive only, this order would cross the spread"};
    const double maxRate = t.maxOrdersPerSecond * level;
    if (static_cast<double>(rt.orders.count(in.now) + 1) > maxRate)
        return {Verdict::Drop, "throttle: " + shortNumber(maxRate) + " orders per second"};
    while (!rt.notional.empty() && rt.notional.front().first <= in.now - 60000000000LL)
        rt.notional.pop_front();
    double minute = 0;
    for (const auto& n : rt.notional)
        minute += n.second;
    const double px = static_cast<double>(p.price > 0 ? p.price : (p.side == Side::Buy ? m.bestAsk() : m.bestBid()));
    const double notional = px * in.tickSize * static_cast<double>(p.qty);
    const double maxMinute = t.maxNotionalPerMinute * level;
    if (!reducing && minute + notional > maxMinute)
        return {Verdict::Drop, "throttle: notional per minute would reach " + shortNumber(minute + notional) + " of " + shortNumber(maxMinute)};
    const double part = participation(rt, m.tradedVolume);
    if (!reducing && t.maxParticipation > 0 && part > t.maxParticipation)
        return {Verdict::Drop, "throttle: participation " + shortNumber(100 * part) + "% above " + shortNumber(100 * t.maxParticipation) + "%"};

    const OversightPolicy& pol = *in.policy;
    switch (pol.approval) {
    case ApprovalMode::Autonomous: break;
    case ApprovalMode::EveryOrder: return {Verdict::NeedsApproval, "every order of this agent is approved by a person"};
    case ApprovalMode::AboveThreshold:
        if (pol.qtyThreshold > 0 && static_cast<double>(p.qty) > pol.qtyThreshold)
            return {Verdict::NeedsApproval, "quantity " + std::to_string(p.qty) + " above " + shortNumber(pol.qtyThreshold)};
        if (pol.notionalThreshold > 0 && notional > pol.notionalThreshold)
            return {Verdict::NeedsApproval, "notional " + shortNumber(notional) + " above " + shortNumber(pol.notionalThreshold)};
        break;
    case ApprovalMode::InRegimes:
        if (pol.regimes.count(m.regime))
            return {Verdict::NeedsApproval, "regime is " + m.regime};
        break;
    }
    return {Verdict::Pass, {}};
}

void recordSent(ThrottleRuntime& rt, const OrderProposal& p, double tickSize, Timestamp now)
{
    rt.orders.add(now);
    rt.notional.emplace_back(now, static_cast<double>(p.price) * tickSize * static_cast<double>(p.qty));
}

std::uint64_t ApprovalQueue::add(const std::string& agent, const OrderProposal& p, const std::string& why, Timestamp now,
                                 double timeoutS)
{
    ApprovalTicket t;
    t.id = m_next++;
    t.agent = agent;
    t.proposal = p;
    t.why = why;
    t.created = now;
    t.deadline = now + static_cast<Timestamp>(timeoutS * 1e9);
    m_tickets.push_back(t);
    return t.id;
}

bool ApprovalQueue::take(std::uint64_t id, ApprovalTicket& out)
{
    for (auto it = m_tickets.begin(); it != m_tickets.end(); ++it)
        if (it->id == id) {
            out = *it;
            m_tickets.erase(it);
            return true;
        }
    return false;
}

std::vector<ApprovalTicket> ApprovalQueue::takeAll(const std::string& agent)
{
    return takeWhere([&](const ApprovalTicket& t) { return agent.empty() || t.agent == agent; });
}

std::vector<ApprovalTicket> ApprovalQueue::takeWhere(const std::function<bool(const ApprovalTicket&)>& match)
{
    std::vector<ApprovalTicket> out;
    for (auto it = m_tickets.begin(); it != m_tickets.end();)
        if (match(*it)) {
            out.push_back(*it);
            it = m_tickets.erase(it);
        } else {
            ++it;
        }
    return out;
}

std::vector<ApprovalTicket> ApprovalQueue::takeExpired(Timestamp now)
{
    std::vector<ApprovalTicket> out;
    for (auto it = m_tickets.begin(); it != m_tickets.end();)
        if (it->deadline <= now) {
            out.push_back(*it);
            it = m_tickets.erase(it);
        } else {
            ++it;
        }
    return out;
}

int ApprovalQueue::countFor(const std::string& agent) const
{
    int n = 0;
    for (const auto& t : m_tickets)
        n += t.agent == agent;
    return n;
}

} // namespace hm
