#include "exec/execution_policies.h"

#include <algorithm>
#include <cmath>

namespace hm {

Quantity catchUp(const ExecState& s, double targetExecuted)
{
    const double need = std::max(0.0, targetExecuted - static_cast<double>(s.executed));
    const Quantity lot = std::max<Quantity>(1, s.lot);
    Quantity q = static_cast<Quantity>(std::llround(need / static_cast<double>(lot))) * lot;
    if (s.step + 1 >= s.stepsTotal)
        q = s.remaining; // the last interval finishes the order
    return std::min(q, s.remaining);
}

ExecAction ScheduledPolicy::decide(const ExecState& s)
{
    const double parent = static_cast<double>(s.parent);
    m_lastTargetNow = std::clamp(target(s, s.step), 0.0, parent);
    m_lastTargetNext = std::clamp(target(s, s.step + 1), 0.0, parent);
    return placeChild(s, m_lastTargetNow, m_lastTargetNext, m_placement, &m_trace);
}

std::vector<std::pair<std::string, double>> ScheduledPolicy::lastExplanation() const
{
    if (m_placement.cross)
        return {{"schedule target", m_lastTargetNext}};
    return {{"schedule target", m_lastTargetNext},
            {"behind schedule (slices)", m_trace.lagSlices},
            {"crossing limit (ticks)", static_cast<double>(m_trace.limitPrice)},
            {"limit held a cross back", m_trace.limitHeld ? 1.0 : 0.0},
            {"capped by max participation", m_trace.capped ? 1.0 : 0.0},
            {"below min participation", m_trace.belowMinimum ? 1.0 : 0.0}};
}

double TwapPolicy::target(const ExecState& s, int stepsDone)
{
    return std::min(1.0, static_cast<double>(stepsDone) / std::max(1, s.stepsTotal)) * static_cast<double>(s.parent);
}

double VwapPolicy::target(const ExecState& s, int stepsDone)
{
    const double start = s.startTimeOfDayS;
    const double whole = m_profile.share(start, start + s.horizonS);
    const double upTo = m_profile.share(start, start + std::min(s.horizonS, stepsDone * s.intervalS));
    const double done = whole > 0 ? upTo / whole : static_cast<double>(stepsDone) / std::max(1, s.stepsTotal);
    return std::min(1.0, done) * static_cast<double>(s.parent);
}

double PovPolicy::target(const ExecState& s, int stepsDone)
{
    // Participation in the others' volume seen so far (ours would otherwise feed on
    // itself); the interval about to start is estimated by the last interval's volume.
    const double rate = m_rate > 0 ? m_rate : s.expectedVolume > 0 ? static_cast<double>(s.parent) / s.expectedVolume : 0.1;
    const double others = std::max(0.0, static_cast<double>(s.marketVolumeSinceStart - s.executed));
    const double ahead = stepsDone > s.step ? (1 - std::min(rate, 0.9)) * static_cast<double>(s.lastStepVolume) : 0.0;
    return std::min(static_cast<double>(s.parent), rate * (others + ahead));
}

std::vector<double> AlmgrenChrissPolicy::trajectory(const AlmgrenChrissParams& p, double parentLots, int steps,
                                                    double intervalS, double* kappaTOut)
{
    (void)parentLots; // the shape does not depend on the size in the linear model
    const double tau = intervalS;
    const ImpactEstimate& e = p.impact;
    // Temporary impact per unit is epsilon + eta * (lots per interval) / tau. The discrete
    // model's correction eta - gamma*tau/2 can turn negative with the measured permanent
    // impact (a single order's cost understates a sequence's); the continuous-time limit
    // kappa^2 = lambda sigma^2 / eta is used instead (docs/execution.md).
    const double eta = std::max(1e-9, e.etaTicksPerLot * tau);       // ticks * s per lot
    const double sigma2 = e.sigmaTicksPerSqrtS * e.sigmaTicksPerSqrtS; // ticks^2 per s
    const double kappa = std::sqrt(p.riskAversion * sigma2 / eta);
    const double T = steps * tau;
    std::vector<double> x(static_cast<std::size_t>(steps) + 1);
    for (int k = 0; k <= steps; ++k) {
        const double t = k * tau;
        x[static_cast<std::size_t>(k)] = kappa * T < 1e-9 ? 1.0 - t / T : std::sinh(kappa * (T - t)) / std::sinh(kappa * T);
    }
    if (kappaTOut)
        *kappaTOut = kappa * T;
    return x;
}

void AlmgrenChrissPolicy::begin(const ExecState& s)
{
    m_plan = trajectory(m_p, static_cast<double>(s.parent) / static_cast<double>(std::max<Quantity>(1, s.lot)), s.stepsTotal,
                        s.intervalS, &m_kappaT);
}

double AlmgrenChrissPolicy::target(const ExecState& s, int stepsDone)
{
    if (m_plan.empty())
        begin(s);
    const std::size_t k = std::min(m_plan.size() - 1, static_cast<std::size_t>(std::max(0, stepsDone)));
    return (1.0 - m_plan[k]) * static_cast<double>(s.parent);
}

ExecAction SubmitAndLeavePolicy::decide(const ExecState& s)
{
    ExecAction a;
    if (s.step == 0) {
        a.qty = s.remaining;
        a.aggression = Aggression::Passive;
    } else {
        a.keepWorking = true;
    }
    return a;
}

} // namespace hm
