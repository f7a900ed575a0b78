#pragma once
// The execution environment for learning agents, in the Gym convention: reset(seed)
// and step(action) -> observation, reward, done, info, for the task "sell (or buy) Q
// within horizon T" on the market simulator. One step is one decision interval
// (default 10 s of virtual time): the previous child order is cancelled, the action's
// child order is placed, and the market runs for the interval. The reward is the
// step's implementation shortfall against the arrival mid, in bps of the parent order,
// minus an optional inventory-risk penalty; what is left at the horizon is sold (bought)
// with a market order and charged an extra penalty. Environments are independent
// objects, so many can run side by side for batched rollouts.
#include "features/book_sampler.h"
#include "sim/market_simulator.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hm {

enum class Aggression : std::uint8_t { Passive, Inside, Cross };
const char* toString(Aggression a);

// One child order: how much to work now and how.
struct ExecAction {
    Quantity qty = 0;
    Aggression aggression = Aggression::Passive;
    double priceFraction = -1; // continuous variant: 0 = our touch .. 1 = the far touch; <0: use aggression
    bool keepWorking = false;  // leave the working child as it is and place nothing new
    Price limitPrice = 0;      // a crossing child never executes worse than this (ticks; 0: no limit)
};

// What an execution strategy sees at a decision, whether in the environment or live.
struct ExecState {
    Side side = Side::Sell;
    Quantity parent = 0, executed = 0, remaining = 0, lot = 100;
    double elapsedS = 0, horizonS = 0, intervalS = 10;
    int step = 0, stepsTotal = 0;
    double startTimeOfDayS = 0;
    double daySeconds = 23400; // the trading day's length (time of day runs 0 .. daySeconds)
    Quantity marketVolumeSinceStart = 0;
    Quantity lastStepVolume = 0;
    double expectedVolume = 0; // over the horizon, if known
    bool childWorking = false;
    Quantity childLeaves = 0;  // of the working child
    Price childPrice = 0;      // of the working child, ticks
    double arrivalMid = 0;     // ticks; 0 when unknown
    Price bestBid = 0, bestAsk = 0; // now, ticks; 0 when a side is empty
    std::uint64_t seed = 0;    // of the episode (or the live order): drives randomised placement
    std::vector<double> features; // core/features, in featureNames() order, as the market shows them
};

struct ExecutionTask {
    Side side = Side::Sell;
    Quantity quantity = 0;          // parent order, units (whole lots)
    double horizonS = 1800;
    double decisionIntervalS = 10;
    int startRegime = -1;           // <0: the configuration's initial regime
    double startTimeOfDayS = -1;    // <0: drawn from the seed within the trading day
    double warmupS = 300;
    double riskPenalty = 0;         // lambda: bps per (remaining fraction)^2 per (step volatility bps)^2
    double endPenaltyBps = 10;      // extra charge on what the horizon forces through
    int crossTicks = 3;             // a crossing order may walk this many ticks beyond the far touch
    double expectedVolume = 0;      // the market's expected volume over the horizon, if known (POV uses it)
};

struct StepInfo {
    Quantity filledThisStep = 0;
    Quantity executed = 0;       // so far, units
    Quantity remaining = 0;
    double shortfallBps = 0;     // so far, against the arrival mid, of the parent order
    double arrivalMid = 0;       // ticks
    double mid = 0;              // ticks
    double avgPrice = 0;         // ticks, of what is executed
    Quantity forcedAtEnd = 0;    // executed by the horizon's market order
    Quantity marketVolume = 0;   // everyone's volume since arrival
    int regime = 0;
    int step = 0;
    double time = 0;             // since arrival, s
};

struct StepResult {
    std::vector<double> observation;
    double reward = 0;
    bool done = false;
    StepInfo info;
};

class ExecutionEnv {
public:
    ExecutionEnv(SimConfig config, ExecutionTask task);
    ~ExecutionEnv();

    // Starts an episode; the same seed gives the same market.
    std::vector<double> reset(std::uint64_t seed);
    StepResult step(const ExecAction& action);

    // Discrete actions: fraction of the remaining quantity x aggression.
    static int discreteActionCount();
    ExecAction discreteAction(int index) const { return discreteActionFor(index, m_info.remaining, m_config.lot); }
    static ExecAction discreteActionFor(int index, Quantity remaining, Quantity lot);
    static std::string describeDiscreteAction(int index);
    // Continuous variant: fraction of remaining in [0,1], price in [0,1] (our touch .. far touch).
    ExecAction continuousAction(double fraction, double price) const;

    static int observationSize() { return kFeatureCount; }
    const ExecutionTask& task() const { return m_task; }
    const SimConfig& config() const { return m_config; }
    const MarketSimulator& market() const { return *m_sim; }
    const StepInfo& info() const { return m_info; }
    ExecState state() const;
    double startTimeOfDay() const { return m_startT; }
    int stepsTotal() const;
    const FeatureTracker& features() const { return m_features; }
    // Market volume in each step so far (for participation strategies).
    const std::vector<Quantity>& volumePerStep() const { return m_volumePerStep; }

private:
    void sample();
    std::vector<double> observe() const;
    Quantity roundLots(Quantity q) const;
    double account(const std::vector<SimFill>& fills); // returns the step's shortfall contribution (bps, signed gain)

    SimConfig m_config;
    ExecutionTask m_task;
    std::unique_ptr<MarketSimulator> m_sim;
    FeatureTracker m_features;
    StepInfo m_info;
    double m_startT = 0;
    double m_notional = 0; // sum qty * price, ticks
    Quantity m_volumeAtArrival = 0;
    OrderBook::Handle m_child = OrderBook::kNoHandle;
    Price m_childPrice = 0;
    std::uint64_t m_seed = 0;
    std::uint64_t m_nextRef = 1;
    std::vector<Quantity> m_volumePerStep;
    BookSampler m_sampler;
};

} // namespace hm
