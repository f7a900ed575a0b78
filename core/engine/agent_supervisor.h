#pragma once
// The agents as the engine holds them and everything people and triggers do to them:
// adding and removing, start/pause/kill and re-arm, throttle levels, approval tickets
// and their timeouts, the automatic triggers (drawdown, stale data, stress, regime),
// the global kill, and each agent's position and P&L.
#include "agents/agent.h"
#include "agents/agent_config.h"
#include "agents/agent_state.h"
#include "agents/oversight.h"
#include "engine/engine_input.h"

#include <map>
#include <memory>
#include <string>

namespace hm {

class ActivityLog;
class MarketState;
class OrderRouter;
class PendingAnswers;
struct EngineContext;
struct ReportResult;

// An agent as the engine holds it: its configuration, state and accounting.
// In a replay the agent itself is absent (its decisions come from the journal).
struct AgentSlot {
    AgentSpec spec;
    std::shared_ptr<Agent> agent; // built by the caller of addAgent()
    AgentState state = AgentState::Armed;
    std::string stateReason = "configured";
    ThrottleRuntime throttle;
    Quantity position = 0;
    double cash = 0; // currency, from fills
    double peakPnl = 0;
    std::uint64_t sent = 0, dropped = 0, denied = 0;
    std::string lastDecision;
    Rationale lastRationale;
    bool staleLatched = false, stressLatched = false, drawdownLatched = false, regimeLatched = false;
    std::string parent; // the portfolio agent whose parent order this execution agent works
    std::uint64_t children = 0; // execution agents spawned so far (a portfolio agent)
    // An execution agent whose parent order is done and has nothing working: no longer
    // ticked, so a long session's finished children cost nothing. Kept for its position.
    bool retired = false;
};

class AgentSupervisor {
public:
    // What the supervisor works through while it handles one input.
    struct Io {
        const EngineContext& ctx;
        OrderRouter& router;
        MarketState& market;
        ActivityLog& log;
        EngineCounters& counters;
        PendingAnswers& answers;
    };

    void add(Io io, AddAgent& c);
    void remove(Io io, const RemoveAgent& c);
    void control(Io io, const ControlAgent& c);
    void setThrottleLevel(Io io, const SetThrottleLevel& c);
    void decide(Io io, const DecideApproval& c);
    // Every agent killed and every working order cancelled; returns when and how many.
    KillTiming killAll(Io io, const KillAll& c);
    void rearmAll(Io io, const RearmAll& c);
    // The instruments' agents killed, their orders cancelled, the instruments halted.
    void killInstruments(Io io, const KillInstruments& c);
    // Replay: a journaled instrument kill ("kill-instruments", its detail).
    void replayInstrumentKill(OrderRouter& router, const std::string& who, const std::string& detail);
    // Every agentTickMs: the daily loss, approval timeouts, triggers, then the agents themselves.
    void tick(Io io, Timestamp now);
    // A fill of an agent's order: its position, cash and throttle.
    void onFill(const EngineContext& ctx, const ReportResult& r);
    // The regime of a symbol changed: its agents' triggers look at once.
    void onRegimeChanged(Io io, const std::string& symbol, Timestamp now);
    double agentPnl(const EngineContext& ctx, const MarketState& market, const AgentSlot& slot) const;

    std::map<std::string, AgentSlot> m_slots;
    ApprovalQueue m_approvals;
    std::map<std::string, SignalReading> m_signals; // the latest published per instrument
    bool m_killed = false;
    bool m_gateWasHalted = false;

private:
    bool applyAction(Io io, AgentSlot& slot, AgentAction action, const Actor& actor, const std::string& reason,
                     std::string& error);
    void checkTriggers(Io io, AgentSlot& slot, Timestamp now);
    void runAgent(Io io, AgentSlot& slot, Timestamp now);
    void sendProposal(Io io, AgentSlot& slot, const OrderProposal& p, Timestamp now, const std::string& approvedBy);
    // Parent orders (agent_supervisor_parents.cpp): what a portfolio agent sees, its
    // proposals through approval, and the execution agent each approved one becomes.
    PortfolioContext portfolioContext(Io io, const AgentSlot& slot, Timestamp now) const;
    void proposeParent(Io io, AgentSlot& slot, const OrderProposal& p, Timestamp now);
    void spawnExecution(Io io, AgentSlot& parent, const OrderProposal& p, const std::string& approvedBy);
};

} // namespace hm
