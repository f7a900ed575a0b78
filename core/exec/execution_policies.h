#pragma once
// Execution algorithms, as strategies that decide one child order per decision
// interval from an ExecState. The same objects run in the backtest's environment and,
// wrapped as agents (ExecutionAgent), live through oversight and the risk gate.
//   TWAP             equal slices over the horizon.
//   VWAP             slices follow the intraday volume profile learnt from simulated days.
//   POV              a fixed share of the market's volume as it trades.
//   Almgren-Chriss   the closed-form optimal trajectory for the calibrated volatility,
//                    temporary and permanent impact, and a risk aversion.
// Each of these four is a schedule; the child orders are placed by the shared placement
// (exec/placement.h): passive at the touch, inside or crossing only to catch up. With
// PlacementParams::cross they are the naive references that take every slice
// ("TWAP-cross", ...).
//   submit-and-leave one passive limit order for everything at the start, left alone
//                    (the naive baseline; the horizon forces the rest through).
#include "exec/calibration.h"
#include "exec/execution_env.h"
#include "exec/placement.h"

#include <memory>
#include <string>
#include <vector>

namespace hm {

class ExecutionPolicy {
public:
    virtual ~ExecutionPolicy() = default;
    virtual std::string name() const = 0;
    virtual void begin(const ExecState&) {}
    virtual ExecAction decide(const ExecState& s) = 0;
    // The planned remaining fraction after each step (for charts); empty if none.
    virtual std::vector<double> plannedRemaining() const { return {}; }
    // Why the last decision: for learning policies, action probabilities (or Q-values)
    // and the features that mattered most; shown with the agent's rationale.
    virtual std::vector<std::pair<std::string, double>> lastExplanation() const { return {}; }
    // How far the last observation was from what the policy was trained on (mean |z|).
    virtual double drift() const { return 0; }
    // What the policy is (a learning policy: its model card's essentials).
    virtual std::string description() const { return name(); }
};

// The quantity that brings `executed` up to `target`, in whole lots, never past remaining.
Quantity catchUp(const ExecState& s, double targetExecuted);

// A schedule (the executed quantity it wants by now and by the end of this interval)
// worked by the shared placement.
class ScheduledPolicy : public ExecutionPolicy {
public:
    explicit ScheduledPolicy(std::string family, PlacementParams placement = {})
        : m_family(std::move(family)), m_placement(placement) {}
    std::string name() const override { return m_placement.cross ? displayName() + "-cross" : displayName(); }
    ExecAction decide(const ExecState& s) override;
    std::vector<std::pair<std::string, double>> lastExplanation() const override;
    const PlacementParams& placement() const { return m_placement; }
    const PlacementTrace& lastPlacement() const { return m_trace; }
    const std::string& family() const { return m_family; }
    // Executed quantity (units) the schedule wants after `stepsDone` intervals.
    virtual double target(const ExecState& s, int stepsDone) = 0;

protected:
    virtual std::string displayName() const = 0;

private:
    std::string m_family;
    PlacementParams m_placement;
    PlacementTrace m_trace;
    double m_lastTargetNow = 0, m_lastTargetNext = 0;
};

class TwapPolicy : public ScheduledPolicy {
public:
    explicit TwapPolicy(PlacementParams p = {}) : ScheduledPolicy("twap", p) {}
    double target(const ExecState& s, int stepsDone) override;

protected:
    std::string displayName() const override { return "TWAP"; }
};

class VwapPolicy : public ScheduledPolicy {
public:
    explicit VwapPolicy(VolumeProfile profile, PlacementParams p = {}) : ScheduledPolicy("vwap", p), m_profile(std::move(profile)) {}
    double target(const ExecState& s, int stepsDone) override;

protected:
    std::string displayName() const override { return "VWAP"; }

private:
    VolumeProfile m_profile;
};

class PovPolicy : public ScheduledPolicy {
public:
    // participation <= 0: the parent's share of the expected volume (finishes on average).
    explicit PovPolicy(double participation, PlacementParams p = {}) : ScheduledPolicy("pov", p), m_rate(participation) {}
    double target(const ExecState& s, int stepsDone) override;

protected:
    std::string displayName() const override { return "POV"; }

private:
    double m_rate;
};

struct AlmgrenChrissParams {
    ImpactEstimate impact;
    double riskAversion = 3e-6; // lambda, per tick-lot of cost
};

class AlmgrenChrissPolicy : public ScheduledPolicy {
public:
    explicit AlmgrenChrissPolicy(AlmgrenChrissParams p, PlacementParams placement = {})
        : ScheduledPolicy("ac", placement), m_p(p) {}
    void begin(const ExecState& s) override;
    double target(const ExecState& s, int stepsDone) override;
    std::vector<double> plannedRemaining() const override { return m_plan; }
    double kappaT() const { return m_kappaT; }
    // x(t_k)/X for k = 0..N given the parameters (also used by the report).
    static std::vector<double> trajectory(const AlmgrenChrissParams& p, double parentLots, int steps, double intervalS,
                                          double* kappaTOut = nullptr);

protected:
    std::string displayName() const override { return "Almgren-Chriss"; }

private:
    AlmgrenChrissParams m_p;
    std::vector<double> m_plan;
    double m_kappaT = 0;
};

class SubmitAndLeavePolicy : public ExecutionPolicy {
public:
    std::string name() const override { return "submit-and-leave"; }
    ExecAction decide(const ExecState& s) override;
};

} // namespace hm
