#pragma once
// The execution algorithms of core/exec as live agents: the same ExecutionPolicy
// objects the backtest scores decide one child order per interval here, and every
// child goes agent -> oversight -> risk gate -> order manager like any other intent.
#include "agents/agent.h"
#include "exec/execution_policies.h"
#include "features/live_features.h"

#include <memory>

namespace hm {

class ExecutionAgent : public Agent {
public:
    ExecutionAgent(const char* type, std::unique_ptr<ExecutionPolicy> policy, std::string symbol, Side side,
                   Quantity parent, double durationS, double intervalS, Quantity lot, int crossTicks = 3);
    const char* type() const override { return m_type; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override;
    void onFill(Side side, Quantity qty, Price price) override;
    AgentProgress progress() const override { return {m_parent, m_done}; }
    std::vector<std::pair<std::string, double>> monitor() const override;
    std::string description() const override { return m_policy->description(); }
    static constexpr double kMaxDrift = 4.0; // mean |z| beyond which a learning policy waits
    // Drives the placement's randomised slice sizes; 0: the start time.
    void setSeed(std::uint64_t seed) { m_seed = seed; }
    // The market's expected volume over the horizon, as the trader knows it (a learned
    // policy reads the parent's size against it); 0: the policy estimates it.
    void setExpectedVolume(double units) { m_expectedVolume = units; }

private:
    const char* m_type;
    std::unique_ptr<ExecutionPolicy> m_policy;
    std::string m_symbol;
    Side m_side;
    Quantity m_parent;
    double m_duration, m_interval;
    Quantity m_lot;
    int m_crossTicks;
    LiveFeatures m_features;
    Timestamp m_start = 0;
    int m_lastStep = -1;
    Quantity m_done = 0;
    Quantity m_volumeAtStart = 0, m_volumeAtStep = 0, m_lastStepVolume = 0;
    // The execution monitor: our fills and a shadow TWAP crossing the spread each interval.
    double m_arrivalMid = 0, m_notional = 0, m_shadowNotional = 0;
    Quantity m_shadowDone = 0;
    std::uint64_t m_seed = 0;
    double m_expectedVolume = 0;
};

// The parameters every execution agent takes (side, quantity, duration_s, interval_s,
// lot), read and checked once for the classic and the learning ones alike; `extra` are
// the names a type adds. False and `error` on a problem.
struct ExecutionParams {
    Side side = Side::Sell;
    Quantity quantity = 0, lot = 100;
    double durationS = 0, intervalS = 10;
};
bool readExecutionParams(const std::string& type, const AgentParams& params, const std::vector<std::string>& extra,
                         double defaultDurationS, ExecutionParams& out, std::string& error);

// The placement parameters the scheduled agents (vwap, pov, almgren_chriss) take:
// band_inside, band_cross, limit_sigmas, min_participation, max_participation,
// finish_slices, jitter, seed, cross (1: the naive reference crossing every slice).
const std::vector<std::string>& placementParamNames();
// Those parameters over `defaults` (the family's tuned values); `seed` is 0 when absent.
PlacementParams readPlacementParams(const AgentParams& params, const PlacementParams& defaults, std::uint64_t& seed,
                                    std::string& error);

// Creates vwap, pov, almgren_chriss or submit_and_leave agents from their parameters;
// nullptr and `error` for anything else or a bad parameter.
std::unique_ptr<Agent> makeExecutionAgent(const std::string& type, const std::string& symbol, const AgentParams& params,
                                          std::string& error);
bool isExecutionAgentType(const std::string& type);

} // namespace hm
