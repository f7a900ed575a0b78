#pragma once
// Oversight: what stands between an agent's proposal and the risk gate. The agent's
// state, its throttle (orders per second, participation, notional per minute, passive
// only) and its approval policy decide whether a proposal goes on, waits for a person,
// or is dropped with a reason.
#include "agents/agent.h"
#include "agents/agent_state.h"
#include "risk/rate_window.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace hm {

enum class ApprovalMode : std::uint8_t { Autonomous, EveryOrder, AboveThreshold, InRegimes };
enum class TimeoutDefault : std::uint8_t { Drop, ReduceOnly };
const char* toString(ApprovalMode m);
const char* toString(TimeoutDefault d);

struct OversightPolicy {
    ApprovalMode approval = ApprovalMode::Autonomous;
    double qtyThreshold = 0;      // AboveThreshold: orders larger than this need approval...
    double notionalThreshold = 0; // ...or with a larger notional (0 = not used)
    std::set<std::string> regimes; // InRegimes: approval needed while the regime is one of these
    double approvalTimeoutS = 30;
    TimeoutDefault onTimeout = TimeoutDefault::Drop;
    // Automatic triggers; resuming afterwards always needs a person.
    double maxDrawdown = 0;     // agent P&L drawdown (currency) that halts it; 0 = off
    double staleDataS = 5;      // no market data for this long throttles it; 0 = off
    bool throttleOnStress = true; // the stress detector throttles it
    std::set<std::string> throttleRegimes; // regimes that throttle it
};

struct ThrottleLimits {
    double maxOrdersPerSecond = 5;
    double maxParticipation = 0.25; // agent's filled volume / market volume since it started
    double maxNotionalPerMinute = 1000000;
    bool passiveOnly = false;
    int level = 100; // percent, the trader's slider: scales orders/s and notional/min
};

struct ThrottleRuntime {
    RateWindow orders{1000000000};
    std::deque<std::pair<Timestamp, double>> notional; // last minute
    Quantity filled = 0;
    Quantity marketVolumeAtStart = -1;
};

enum class Verdict : std::uint8_t { Pass, NeedsApproval, Drop };
struct OversightDecision {
    Verdict verdict = Verdict::Pass;
    std::string reason;
};

struct OversightInput {
    AgentState state = AgentState::Armed;
    const OversightPolicy* policy = nullptr;
    const ThrottleLimits* throttle = nullptr;
    const MarketView* market = nullptr;
    Quantity agentPosition = 0;
    double tickSize = 0.01;
    Timestamp now = 0;
};

// Decides and, on Pass or NeedsApproval, does not yet count the order: call
// recordSent() once the order actually goes to the gate and passes it.
OversightDecision review(const OversightInput& in, ThrottleRuntime& rt, const OrderProposal& p);
void recordSent(ThrottleRuntime& rt, const OrderProposal& p, double tickSize, Timestamp now);
bool reducesAgentPosition(const OrderProposal& p, Quantity agentPosition);
double participation(const ThrottleRuntime& rt, Quantity marketVolume);

struct ApprovalTicket {
    std::uint64_t id = 0;
    std::string agent;
    OrderProposal proposal;
    std::string why; // why approval is needed
    Timestamp created = 0;
    Timestamp deadline = 0;
};

class ApprovalQueue {
public:
    std::uint64_t add(const std::string& agent, const OrderProposal& p, const std::string& why, Timestamp now,
                      double timeoutS);
    bool take(std::uint64_t id, ApprovalTicket& out);
    // A ticket as a journal recorded it (replay): keeps its id.
    void restore(const ApprovalTicket& ticket)
    {
        m_tickets.push_back(ticket);
        m_next = std::max(m_next, ticket.id + 1);
    }
    std::vector<ApprovalTicket> takeAll(const std::string& agent);
    std::vector<ApprovalTicket> takeWhere(const std::function<bool(const ApprovalTicket&)>& match);
    std::vector<ApprovalTicket> takeExpired(Timestamp now);
    int countFor(const std::string& agent) const;
    const std::deque<ApprovalTicket>& tickets() const { return m_tickets; }

private:
    std::deque<ApprovalTicket> m_tickets;
    std::uint64_t m_next = 1;
};

} // namespace hm
