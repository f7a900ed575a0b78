#include "exec/execution_env.h"
#include "model/rng_mix.h"

#include <algorithm>
#include <cmath>

namespace hm {

const char* toString(Aggression a)
{
    switch (a) {
    case Aggression::Passive: return "passive";
    case Aggression::Inside: return "inside";
    case Aggression::Cross: return "cross";
    }
    return "?";
}

namespace {
// The fractions of the remaining quantity a discrete action works now.
constexpr double kFractions[] = {0.0, 0.02, 0.05, 0.1, 0.2, 0.5};
constexpr int kFractionCount = sizeof(kFractions) / sizeof(kFractions[0]);
} // namespace

ExecutionEnv::ExecutionEnv(SimConfig config, ExecutionTask task)
    : m_config(std::move(config)), m_task(task), m_features(static_cast<double>(m_config.lot))
{
}

ExecutionEnv::~ExecutionEnv() = default;

int ExecutionEnv::stepsTotal() const
{
    return static_cast<int>(std::ceil(m_task.horizonS / m_task.decisionIntervalS - 1e-9));
}

int ExecutionEnv::discreteActionCount() { return kFractionCount * 3; }

ExecAction ExecutionEnv::discreteActionFor(int index, Quantity remaining, Quantity lot)
{
    index = std::clamp(index, 0, discreteActionCount() - 1);
    lot = std::max<Quantity>(1, lot);
    ExecAction a;
    a.qty = static_cast<Quantity>(std::llround(kFractions[index / 3] * static_cast<double>(remaining))) / lot * lot;
    if (kFractions[index / 3] > 0 && a.qty == 0 && remaining > 0)
        a.qty = std::min(lot, remaining); // at least one lot when asked for some
    a.aggression = static_cast<Aggression>(index % 3);
    return a;
}

std::string ExecutionEnv::describeDiscreteAction(int index)
{
    index = std::clamp(index, 0, discreteActionCount() - 1);
    return std::to_string(static_cast<int>(kFractions[index / 3] * 100)) + "% of remaining, "
        + toString(static_cast<Aggression>(index % 3));
}

ExecAction ExecutionEnv::continuousAction(double fraction, double price) const
{
    ExecAction a;
    a.qty = roundLots(static_cast<Quantity>(std::llround(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(m_info.remaining))));
    a.priceFraction = std::clamp(price, 0.0, 1.0);
    a.aggression = a.priceFraction >= 0.999 ? Aggression::Cross : Aggression::Passive;
    return a;
}

Quantity ExecutionEnv::roundLots(Quantity q) const
{
    const Quantity lot = std::max<Quantity>(1, m_config.lot);
    return q / lot * lot;
}

void ExecutionEnv::sample() { m_sampler.sample(m_sim->book(), m_sim->now(), m_sim->counters().volume, m_features); }

std::vector<double> ExecutionEnv::observe() const
{
    std::vector<double> obs;
    ExecutionTaskState task;
    task.timeRemaining = std::max(0.0, 1.0 - m_info.time / m_task.horizonS);
    task.inventoryRemaining = m_task.quantity > 0 ? static_cast<double>(m_info.remaining) / static_cast<double>(m_task.quantity) : 0;
    m_features.compute(task, obs);
    return obs;
}

ExecState ExecutionEnv::state() const
{
    ExecState s;
    s.side = m_task.side;
    s.parent = m_task.quantity;
    s.executed = m_info.executed;
    s.remaining = m_info.remaining;
    s.lot = m_config.lot;
    s.elapsedS = m_info.time;
    s.horizonS = m_task.horizonS;
    s.intervalS = m_task.decisionIntervalS;
    s.step = m_info.step;
    s.stepsTotal = stepsTotal();
    s.startTimeOfDayS = std::fmod(m_startT, m_config.daySeconds);
    s.daySeconds = m_config.daySeconds;
    s.marketVolumeSinceStart = m_sim ? m_sim->counters().volume - m_volumeAtArrival : 0;
    s.lastStepVolume = m_volumePerStep.empty() ? 0 : m_volumePerStep.back();
    s.expectedVolume = m_task.expectedVolume;
    s.childWorking = m_child != OrderBook::kNoHandle && m_sim && m_sim->book().leaves(m_child) > 0;
    s.childLeaves = s.childWorking ? m_sim->book().leaves(m_child) : 0;
    s.childPrice = s.childWorking ? m_childPrice : 0;
    s.arrivalMid = m_info.arrivalMid;
    if (m_sim) {
        s.bestBid = m_sim->book().hasBid() ? m_sim->book().bestBid() : 0;
        s.bestAsk = m_sim->book().hasAsk() ? m_sim->book().bestAsk() : 0;
    }
    s.seed = m_seed;
    s.features = observe();
    return s;
}

std::vector<double> ExecutionEnv::reset(std::uint64_t seed)
{
    double start = m_task.startTimeOfDayS;
    const double latest = std::max(0.0, m_config.daySeconds - m_task.horizonS - m_task.warmupS);
    if (start < 0)
        start = static_cast<double>(splitMix64(seed) >> 11) * 0x1.0p-53 * latest;
    m_seed = seed;
    m_sim.reset(new MarketSimulator(m_config, seed, m_task.startRegime, start));
    m_features = FeatureTracker(static_cast<double>(m_config.lot));
    const double warmEnd = start + m_task.warmupS;
    for (double t = start + 1; t <= warmEnd + 1e-9; t += 1) {
        m_sim->runUntil(t);
        sample();
    }
    while (m_sim->twiceMid() == 0) { // a side is empty: wait for quotes
        m_sim->runUntil(m_sim->now() + 1);
        sample();
    }
    m_sim->takeOwnFills();
    m_info = StepInfo{};
    m_info.remaining = roundLots(m_task.quantity);
    m_info.arrivalMid = m_sim->twiceMid() / 2.0;
    m_info.mid = m_info.arrivalMid;
    m_info.regime = m_sim->regime();
    m_startT = m_sim->now();
    m_notional = 0;
    m_volumeAtArrival = m_sim->counters().volume;
    m_child = OrderBook::kNoHandle;
    m_volumePerStep.clear();
    return observe();
}

double ExecutionEnv::account(const std::vector<SimFill>& fills)
{
    const double sign = m_task.side == Side::Sell ? 1.0 : -1.0;
    double gain = 0;
    for (const SimFill& f : fills) {
        if (f.side != m_task.side)
            continue;
        const Quantity q = std::min(f.qty, m_info.remaining);
        m_info.executed += q;
        m_info.remaining -= q;
        m_info.filledThisStep += q;
        m_notional += static_cast<double>(q) * static_cast<double>(f.price);
        gain += sign * static_cast<double>(q) * (static_cast<double>(f.price) - m_info.arrivalMid);
    }
    return gain / (m_info.arrivalMid * static_cast<double>(m_task.quantity)) * 1e4;
}

StepResult ExecutionEnv::step(const ExecAction& action)
{
    StepResult out;
    m_info.filledThisStep = 0;
    if (m_child != OrderBook::kNoHandle && !action.keepWorking) {
        m_sim->cancel(m_child); // the last child had its interval
        m_child = OrderBook::kNoHandle;
    }
    double gain = account(m_sim->takeOwnFills());

    const Quantity qty = action.keepWorking ? 0 : std::min(roundLots(action.qty), m_info.remaining);
    const OrderBook& book = m_sim->book();
    if (qty > 0 && book.hasBid() && book.hasAsk()) {
        const bool sell = m_task.side == Side::Sell;
        const Price touch = sell ? book.bestAsk() : book.bestBid(); // where we would rest
        const Price far = sell ? book.bestBid() : book.bestAsk();   // where we would take
        const Price inward = sell ? -1 : 1;
        Price price = touch;
        bool cross = action.aggression == Aggression::Cross;
        if (action.priceFraction >= 0 && !cross) {
            price = touch + static_cast<Price>(std::llround(action.priceFraction * static_cast<double>(far - touch)));
        } else if (action.aggression == Aggression::Inside && std::llabs(touch - far) > 1) {
            price = touch + inward;
        }
        if (cross) {
            price = far + inward * m_task.crossTicks;
            if (action.limitPrice > 0) // never walk past the limit
                price = sell ? std::max(price, action.limitPrice) : std::min(price, action.limitPrice);
        }
        const OrderBook::Result r = m_sim->submit(m_nextRef++, m_task.side, OrderType::Limit,
                                                  cross ? TimeInForce::ImmediateOrCancel : TimeInForce::Day, price, qty);
        m_child = r.handle;
        m_childPrice = price;
    }
    gain += account(m_sim->takeOwnFills());

    const Quantity volumeBefore = m_sim->counters().volume;
    const double end = m_startT + std::min(m_task.horizonS, m_info.time + m_task.decisionIntervalS);
    for (double t = m_sim->now() + 1; t < end + 1e-9; t += 1) {
        m_sim->runUntil(std::min(t, end));
        sample();
    }
    m_sim->runUntil(end);
    gain += account(m_sim->takeOwnFills());
    m_volumePerStep.push_back(m_sim->counters().volume - volumeBefore);
    m_info.time = m_sim->now() - m_startT;
    ++m_info.step;

    const bool atHorizon = m_info.time >= m_task.horizonS - 1e-9;
    if (atHorizon && m_info.remaining > 0) {
        // The horizon forces the rest through at the market, with an extra charge.
        if (m_child != OrderBook::kNoHandle)
            m_sim->cancel(m_child);
        m_child = OrderBook::kNoHandle;
        gain += account(m_sim->takeOwnFills());
        const Quantity rest = m_info.remaining;
        for (int attempt = 0; attempt < 50 && m_info.remaining > 0; ++attempt) {
            m_sim->submit(m_nextRef++, m_task.side, OrderType::Market, TimeInForce::ImmediateOrCancel, 0, m_info.remaining);
            gain += account(m_sim->takeOwnFills());
            if (m_info.remaining > 0)
                m_sim->runUntil(m_sim->now() + 1); // the book refills
        }
        m_info.forcedAtEnd = rest - m_info.remaining;
        gain -= m_task.endPenaltyBps * static_cast<double>(rest) / static_cast<double>(m_task.quantity);
    }
    out.observation = observe();
    const double remainingFraction = static_cast<double>(m_info.remaining) / static_cast<double>(m_task.quantity);
    const double stepVol = out.observation[kRealizedVol30sBps];
    const double risk = m_task.riskPenalty * remainingFraction * remainingFraction * stepVol * stepVol;
    m_info.shortfallBps -= gain; // cost is the negative of what the fills gained
    if (m_sim->twiceMid() > 0) // a side can be empty for a moment (a crash): keep the last mid
        m_info.mid = m_sim->twiceMid() / 2.0;
    m_info.avgPrice = m_info.executed > 0 ? m_notional / static_cast<double>(m_info.executed) : 0;
    m_info.marketVolume = m_sim->counters().volume - m_volumeAtArrival;
    m_info.regime = m_sim->regime();
    out.reward = gain - risk;
    out.done = atHorizon || m_info.remaining == 0;
    out.info = m_info;
    return out;
}

} // namespace hm
