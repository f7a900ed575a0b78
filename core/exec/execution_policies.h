#pragma once
// Execution algorithms, as strategies that decide one child order per decision
// interval from an ExecState. The same objects run in the backtest's environment and,
// wrapped as agents (ExecutionAgent), live through oversight and the risk gate.
//   TWAP             equal slices over the horizon, each taken at the market.
//   VWAP             slices follow the intraday volume profile learnt from simulated days.
//   POV              a fixed share of the market's volume as it trades.
//   Almgren-Chriss   the closed-form optimal trajectory for the calibrated volatility,
//                    temporary and permanent impact, and a risk aversion.
//   submit-and-leave one passive limit order for everything at the start, left alone
//                    (the naive baseline; the horizon forces the rest through).
#include "exec/calibration.h"
#include "exec/execution_env.h"

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

class TwapPolicy : public ExecutionPolicy {
public:
    std::string name() const override { return "TWAP"; }
    ExecAction decide(const ExecState& s) override;
};

class VwapPolicy : public ExecutionPolicy {
public:
    explicit VwapPolicy(VolumeProfile profile) : m_profile(std::move(profile)) {}
    std::string name() const override { return "VWAP"; }
    ExecAction decide(const ExecState& s) override;

private:
    VolumeProfile m_profile;
};

class PovPolicy : public ExecutionPolicy {
public:
    // participation <= 0: the parent's share of the expected volume (finishes on average).
    explicit PovPolicy(double participation) : m_rate(participation) {}
    std::string name() const override { return "POV"; }
    ExecAction decide(const ExecState& s) override;

private:
    double m_rate;
};

struct AlmgrenChrissParams {
    ImpactEstimate impact;
    double riskAversion = 3e-6; // lambda, per tick-lot of cost
};

class AlmgrenChrissPolicy : public ExecutionPolicy {
public:
    explicit AlmgrenChrissPolicy(AlmgrenChrissParams p) : m_p(p) {}
    std::string name() const override { return "Almgren-Chriss"; }
    void begin(const ExecState& s) override;
    ExecAction decide(const ExecState& s) override;
    std::vector<double> plannedRemaining() const override { return m_plan; }
    double kappaT() const { return m_kappaT; }
    // x(t_k)/X for k = 0..N given the parameters (also used by the report).
    static std::vector<double> trajectory(const AlmgrenChrissParams& p, double parentLots, int steps, double intervalS,
                                          double* kappaTOut = nullptr);

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
