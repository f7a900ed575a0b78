#include "agents/execution_agent.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>

namespace hm {

namespace {
constexpr double kNs = 1e9;

// Seconds since 09:30 local time: where in the trading day the VWAP profile looks.
double tradingTimeOfDay(Timestamp wall)
{
    const std::time_t secs = static_cast<std::time_t>(wall / 1000000000);
    std::tm local{};
    localtime_r(&secs, &local);
    const double sinceMidnight = local.tm_hour * 3600.0 + local.tm_min * 60.0 + local.tm_sec;
    return std::clamp(sinceMidnight - 34200.0, 0.0, 23400.0);
}
} // namespace

ExecutionAgent::ExecutionAgent(const char* type, std::unique_ptr<ExecutionPolicy> policy, std::string symbol, Side side,
                               Quantity parent, double durationS, double intervalS, Quantity lot, int crossTicks)
    : m_type(type), m_policy(std::move(policy)), m_symbol(std::move(symbol)), m_side(side), m_parent(parent),
      m_duration(durationS), m_interval(intervalS), m_lot(lot), m_crossTicks(crossTicks), m_features(static_cast<double>(lot))
{
}

void ExecutionAgent::onFill(Side side, Quantity qty, Price price)
{
    if (side != m_side)
        return;
    const Quantity q = std::min(qty, m_parent - m_done);
    m_done += q;
    m_notional += static_cast<double>(q) * static_cast<double>(price);
}

std::vector<std::pair<std::string, double>> ExecutionAgent::monitor() const
{
    if (m_arrivalMid <= 0)
        return {};
    const double sign = m_side == Side::Sell ? 1.0 : -1.0;
    auto bps = [&](double notional, Quantity qty) {
        return qty > 0 ? sign * (m_arrivalMid - notional / static_cast<double>(qty)) / m_arrivalMid * 1e4 : 0.0;
    };
    return {{"shortfall so far (bps)", bps(m_notional, m_done)},
            {"shadow TWAP (bps)", bps(m_shadowNotional, m_shadowDone)},
            {"done", static_cast<double>(m_done)},
            {"shadow TWAP done", static_cast<double>(m_shadowDone)},
            {"model drift (mean |z|)", m_policy->drift()}};
}

void ExecutionAgent::onTick(const AgentContext& ctx, AgentIntents& out)
{
    const MarketView& m = *ctx.market;
    if (!m.hasQuotes())
        return;
    if (m_start == 0) {
        m_start = ctx.now;
        m_volumeAtStart = m_volumeAtStep = m.tradedVolume;
        m_arrivalMid = 0.5 * static_cast<double>(m.bestBid() + m.bestAsk());
    }
    const double t = static_cast<double>(ctx.now) / kNs;
    const double elapsed = static_cast<double>(ctx.now - m_start) / kNs;
    const int steps = static_cast<int>(std::ceil(m_duration / m_interval - 1e-9));
    const int step = std::min(steps - 1, static_cast<int>(elapsed / m_interval));
    // A decision reads the windows on a sample of the book as it is now, as in training.
    const bool decides = step != m_lastStep && m_done < m_parent && ctx.awaitingApproval == 0;
    m_features.observe(t, m.bids, m.asks, m.tradedVolume, decides);
    if (!decides)
        return;
    const bool first = m_lastStep < 0;
    m_lastStep = step;
    // The shadow TWAP takes its slice at the far touch each interval, on this same market.
    const Quantity shadowTarget = std::min(m_parent, m_parent * (step + 1) / std::max(1, steps) / m_lot * m_lot);
    if (step + 1 >= steps || shadowTarget > m_shadowDone) {
        const Quantity slice = (step + 1 >= steps ? m_parent : shadowTarget) - m_shadowDone;
        m_shadowNotional += static_cast<double>(slice) * static_cast<double>(m_side == Side::Sell ? m.bestBid() : m.bestAsk());
        m_shadowDone += slice;
    }
    m_lastStepVolume = m.tradedVolume - m_volumeAtStep;
    m_volumeAtStep = m.tradedVolume;

    ExecState s;
    s.side = m_side;
    s.parent = m_parent;
    s.executed = m_done;
    s.remaining = m_parent - m_done;
    s.lot = m_lot;
    s.elapsedS = elapsed;
    s.horizonS = m_duration;
    s.intervalS = m_interval;
    s.step = step;
    s.stepsTotal = steps;
    s.startTimeOfDayS = tradingTimeOfDay(m_start);
    s.marketVolumeSinceStart = m.tradedVolume - m_volumeAtStart;
    s.lastStepVolume = m_lastStepVolume;
    s.childWorking = !ctx.working.empty();
    for (const auto& w : ctx.working) {
        s.childLeaves += w.leaves;
        s.childPrice = w.price;
    }
    s.arrivalMid = m_arrivalMid;
    s.expectedVolume = m_expectedVolume;
    s.bestBid = m.bestBid();
    s.bestAsk = m.bestAsk();
    s.seed = m_seed != 0 ? m_seed : static_cast<std::uint64_t>(m_start);
    m_features.compute(ExecutionTaskState{std::max(0.0, 1 - elapsed / m_duration),
                                          static_cast<double>(s.remaining) / static_cast<double>(m_parent)},
                       s.features);
    if (first)
        m_policy->begin(s);
    const ExecAction a = m_policy->decide(s);
    if (m_policy->drift() > kMaxDrift) {
        out.note = m_policy->name() + ": today's market is far from what the model was trained on (mean |z| "
            + std::to_string(m_policy->drift()).substr(0, 4) + "); waiting";
        return;
    }
    if (a.keepWorking)
        return;
    for (const auto& w : ctx.working) // the last child had its interval
        out.cancels.push_back(w.clOrdId);
    const Quantity qty = std::min(a.qty / m_lot * m_lot, s.remaining);
    if (qty <= 0) {
        out.note = m_policy->name() + ": on schedule at step " + std::to_string(step) + ", nothing to send";
        return;
    }
    const bool sell = m_side == Side::Sell;
    const Price touch = sell ? m.bestAsk() : m.bestBid(), far = sell ? m.bestBid() : m.bestAsk();
    OrderProposal p;
    p.symbol = m_symbol;
    p.side = m_side;
    p.qty = qty;
    if (a.aggression == Aggression::Cross) {
        p.price = far + (sell ? -m_crossTicks : m_crossTicks);
        if (a.limitPrice > 0) // never walk past the algo's limit
            p.price = sell ? std::max(p.price, a.limitPrice) : std::min(p.price, a.limitPrice);
        p.tif = TimeInForce::ImmediateOrCancel;
    } else {
        p.price = a.aggression == Aggression::Inside && std::llabs(touch - far) > 1 ? touch + (sell ? -1 : 1) : touch;
        p.tif = TimeInForce::Day;
    }
    p.why.summary = m_policy->name() + " step " + std::to_string(step + 1) + "/" + std::to_string(steps) + ": "
        + toString(a.aggression) + (a.aggression == Aggression::Passive ? " child at the touch, on schedule"
                                    : a.aggression == Aggression::Inside ? " child one tick inside, behind schedule"
                                                                         : " child to catch up with the schedule");
    p.why.factors = {{"executed", static_cast<double>(m_done)},
                     {"remaining", static_cast<double>(s.remaining)},
                     {"child qty", static_cast<double>(qty)},
                     {"elapsed s", elapsed},
                     {"market volume since start", static_cast<double>(s.marketVolumeSinceStart)},
                     {"spread ticks", s.features[kSpreadTicks]},
                     {"imbalance (5 levels)", s.features[kImbalance5]}};
    for (const auto& f : m_policy->lastExplanation())
        p.why.factors.push_back(f);
    out.orders.push_back(p);
}

bool isExecutionAgentType(const std::string& type)
{
    return type == "vwap" || type == "pov" || type == "almgren_chriss" || type == "submit_and_leave";
}

std::unique_ptr<Agent> makeExecutionAgent(const std::string& type, const std::string& symbol, const AgentParams& params,
                                          std::string& error)
{
    error.clear();
    std::vector<std::string> extra;
    if (type == "pov")
        extra.push_back("participation");
    if (type == "almgren_chriss")
        extra = {"risk_aversion", "sigma_ticks", "eta_ticks_per_lot"};
    const bool scheduled = type == "vwap" || type == "pov" || type == "almgren_chriss";
    if (scheduled) {
        extra.insert(extra.end(), placementParamNames().begin(), placementParamNames().end());
        if (type != "almgren_chriss")
            extra.push_back("sigma_ticks");
    }
    ExecutionParams e;
    if (!readExecutionParams(type, params, extra, 600, e, error))
        return nullptr;
    auto get = [&](const char* name, double fallback, double lo, double hi) { return agentParam(params, name, fallback, lo, hi, error); };
    std::unique_ptr<ExecutionPolicy> policy;
    const char* name = nullptr;
    PlacementParams placement;
    std::uint64_t seed = 0;
    if (scheduled) {
        const std::string family = type == "almgren_chriss" ? "ac" : type;
        placement = readPlacementParams(params, tunedPlacement(family), seed, error);
        placement.sigmaTicksPerSqrtS = params.count("sigma_ticks") ? get("sigma_ticks", 0.5, 0.001, 100) : 0;
    }
    if (type == "vwap") {
        // Live, the configured intraday activity is the volume prior (the backtest learns it).
        const SimConfig sim = defaultSimConfig();
        VolumeProfile profile;
        profile.daySeconds = sim.daySeconds;
        double total = 0;
        for (double x : sim.intradayProfile)
            total += x;
        for (double x : sim.intradayProfile)
            profile.fraction.push_back(x / total);
        policy.reset(new VwapPolicy(profile, placement));
        name = "vwap";
    } else if (type == "pov") {
        policy.reset(new PovPolicy(get("participation", 0.1, 0.001, 1), placement));
        name = "pov";
    } else if (type == "almgren_chriss") {
        AlmgrenChrissParams p;
        p.riskAversion = get("risk_aversion", 3e-6, 0, 1);
        p.impact.sigmaTicksPerSqrtS = get("sigma_ticks", 0.5, 0.001, 100);
        p.impact.etaTicksPerLot = get("eta_ticks_per_lot", 0.1, 1e-6, 100);
        policy.reset(new AlmgrenChrissPolicy(p, placement));
        name = "almgren_chriss";
    } else if (type == "submit_and_leave") {
        policy.reset(new SubmitAndLeavePolicy);
        name = "submit_and_leave";
    } else {
        error = "unknown agent type '" + type + "'";
    }
    if (!error.empty())
        return nullptr;
    auto agent = std::make_unique<ExecutionAgent>(name, std::move(policy), symbol, e.side, e.quantity, e.durationS, e.intervalS, e.lot);
    agent->setSeed(seed);
    return agent;
}

const std::vector<std::string>& placementParamNames()
{
    static const std::vector<std::string> names{"band_inside",       "band_cross",    "limit_sigmas", "min_participation",
                                                "max_participation", "finish_slices", "jitter",       "seed",
                                                "cross"};
    return names;
}

PlacementParams readPlacementParams(const AgentParams& params, const PlacementParams& defaults, std::uint64_t& seed,
                                    std::string& error)
{
    auto get = [&](const char* name, double fallback, double lo, double hi) { return agentParam(params, name, fallback, lo, hi, error); };
    PlacementParams p = defaults;
    p.bandInside = get("band_inside", defaults.bandInside, 0, 1000);
    p.bandCross = get("band_cross", defaults.bandCross, 0, 1000);
    p.limitSigmas = get("limit_sigmas", defaults.limitSigmas, 0, 100);
    p.minParticipation = get("min_participation", defaults.minParticipation, 0, 1);
    p.maxParticipation = get("max_participation", defaults.maxParticipation, 0, 1);
    p.finishSlices = static_cast<int>(get("finish_slices", defaults.finishSlices, 1, 1000));
    p.jitter = get("jitter", defaults.jitter, 0, 1);
    p.cross = get("cross", defaults.cross ? 1 : 0, 0, 1) != 0;
    seed = static_cast<std::uint64_t>(get("seed", 0, 0, 9.0e15));
    if (error.empty() && p.bandCross < p.bandInside)
        error = "parameter 'band_cross' (" + std::to_string(p.bandCross) + ") is below 'band_inside' ("
            + std::to_string(p.bandInside) + ")";
    if (error.empty() && p.minParticipation > 0 && p.maxParticipation > 0 && p.minParticipation > p.maxParticipation)
        error = "parameter 'min_participation' is above 'max_participation'";
    return p;
}

bool readExecutionParams(const std::string& type, const AgentParams& params, const std::vector<std::string>& extra,
                         double defaultDurationS, ExecutionParams& out, std::string& error)
{
    std::vector<std::string> known{"side", "quantity", "duration_s", "interval_s", "lot"};
    known.insert(known.end(), extra.begin(), extra.end());
    if (!onlyKnownParams(type, params, known, error))
        return false;
    const double side = agentParam(params, "side", -1, -1, 1, error);
    out.quantity = static_cast<Quantity>(agentParam(params, "quantity", 5000, 1, 1e9, error));
    out.durationS = agentParam(params, "duration_s", defaultDurationS, 10, 86400, error);
    out.intervalS = agentParam(params, "interval_s", 10, 1, 3600, error);
    out.lot = static_cast<Quantity>(agentParam(params, "lot", 100, 1, 1e9, error));
    if (error.empty() && side == 0)
        error = "parameter 'side' must be 1 (buy) or -1 (sell)";
    if (error.empty() && out.intervalS > out.durationS)
        error = "parameter 'interval_s' is longer than 'duration_s'";
    out.side = side > 0 ? Side::Buy : Side::Sell;
    return error.empty();
}

} // namespace hm
