#include "agents/portfolio_agent.h"

#include "model/text.h"

#include <algorithm>
#include <cmath>

namespace hm {

namespace {
const char* const kExecutors[] = {"twap", "vwap", "pov", "almgren_chriss"};

double mid(const MarketView& m, double tick)
{
    return m.hasQuotes() ? 0.5 * static_cast<double>(m.bestBid() + m.bestAsk()) * tick
                         : static_cast<double>(m.lastTrade) * tick;
}
} // namespace

namespace {
const char* const kExecutorFactor = "parent: executor (0 twap, 1 vwap, 2 pov, 3 almgren_chriss)";
const char* const kHorizonFactor = "parent: horizon (s)";
} // namespace

void describeParent(OrderProposal& p)
{
    for (int code = 0; code < 4; ++code)
        if (p.executor == kExecutors[code])
            p.why.factors.emplace_back(kExecutorFactor, code);
    p.why.factors.emplace_back(kHorizonFactor, p.horizonS);
}

bool parentFromFactors(OrderProposal& p)
{
    double code = -1, horizon = 0;
    for (const auto& f : p.why.factors) {
        if (f.first == kExecutorFactor)
            code = f.second;
        else if (f.first == kHorizonFactor)
            horizon = f.second;
    }
    if (code < 0 || code > 3 || horizon <= 0)
        return false;
    p.executor = kExecutors[static_cast<int>(code)];
    p.horizonS = horizon;
    return true;
}

bool parsePortfolioParams(const AgentParams& params, PortfolioAgentParams& out, std::string& error)
{
    if (!onlyKnownParams("portfolio", params,
                         {"budget", "max_weight", "threshold", "rebalance_s", "min_trade", "horizon_s", "signal_stale_s",
                          "signal_half_life_s", "lot", "executor"},
                         error))
        return false;
    PortfolioAgentParams p;
    p.budget = agentParam(params, "budget", p.budget, 1, 1e12, error);
    p.maxWeight = agentParam(params, "max_weight", p.maxWeight, 0.01, 1, error);
    p.threshold = agentParam(params, "threshold", p.threshold, 0, 0.99, error);
    p.rebalanceS = agentParam(params, "rebalance_s", p.rebalanceS, 1, 86400, error);
    p.minTrade = agentParam(params, "min_trade", p.minTrade, 0, 1e12, error);
    p.horizonS = agentParam(params, "horizon_s", p.horizonS, 10, 86400, error);
    p.signalStaleS = agentParam(params, "signal_stale_s", p.signalStaleS, 1, 86400, error);
    p.signalHalfLifeS = agentParam(params, "signal_half_life_s", p.signalHalfLifeS, 0, 86400, error);
    p.lot = static_cast<Quantity>(agentParam(params, "lot", static_cast<double>(p.lot), 1, 1e6, error));
    const double code = agentParam(params, "executor", 0, 0, 3, error);
    if (error.empty() && code != std::floor(code))
        error = "portfolio: executor must be 0 (twap), 1 (vwap), 2 (pov) or 3 (almgren_chriss)";
    if (!error.empty())
        return false;
    p.executor = kExecutors[static_cast<int>(code)];
    out = p;
    return true;
}

std::map<std::string, double> PortfolioAgent::smoothSignals(const PortfolioContext& p, Timestamp now)
{
    std::map<std::string, double> fresh;
    for (const auto& kv : p.names) {
        const SignalReading* s = kv.second.signal;
        if (!s || static_cast<double>(now - s->time) > m_p.signalStaleS * 1e9) {
            m_smoothed.erase(kv.first); // stale: it starts over from the next reading
            continue;
        }
        auto it = m_smoothed.find(kv.first);
        if (it == m_smoothed.end()) {
            it = m_smoothed.emplace(kv.first, Smoothed{s->value, s->time}).first;
        } else if (s->time > it->second.seen) {
            const double dt = static_cast<double>(s->time - it->second.seen) / 1e9;
            const double keep = m_p.signalHalfLifeS > 0 ? std::exp(-std::log(2.0) * dt / m_p.signalHalfLifeS) : 0.0;
            it->second.value = keep * it->second.value + (1 - keep) * s->value;
            it->second.seen = s->time;
        }
        fresh[kv.first] = it->second.value;
    }
    return fresh;
}

std::map<std::string, Quantity> PortfolioAgent::targets(const PortfolioContext& p, Timestamp now)
{
    // Weights from the smoothed signals past the threshold; the gross scaled to at most
    // one budget, each name capped.
    const std::map<std::string, double> signal = smoothSignals(p, now);
    std::map<std::string, double> weight;
    double gross = 0;
    for (const auto& kv : p.names) {
        const auto s = signal.find(kv.first);
        const double w = s != signal.end() && std::fabs(s->second) >= m_p.threshold ? s->second : 0.0;
        weight[kv.first] = w;
        gross += std::fabs(w);
    }
    std::map<std::string, Quantity> out;
    for (const auto& kv : p.names) {
        double w = gross > 1 ? weight[kv.first] / gross : weight[kv.first];
        w = std::clamp(w, -m_p.maxWeight, m_p.maxWeight);
        const double px = mid(kv.second.market, kv.second.tickSize);
        const Quantity lot = std::max<Quantity>(m_p.lot, std::max<Quantity>(1, kv.second.lot));
        out[kv.first] = px > 0 ? static_cast<Quantity>(std::llround(w * m_p.budget / px / static_cast<double>(lot))) * lot : 0;
    }
    return out;
}

void PortfolioAgent::onTick(const AgentContext& ctx, AgentIntents& out)
{
    if (!ctx.portfolio)
        return;
    if (ctx.now - m_last < static_cast<Timestamp>(m_p.rebalanceS * 1e9)) {
        smoothSignals(*ctx.portfolio, ctx.now); // every reading counts, not only those at a rebalance
        return;
    }
    m_last = ctx.now;
    m_targets = targets(*ctx.portfolio, ctx.now);
    m_targetGross = 0;
    int proposed = 0;
    for (const auto& kv : ctx.portfolio->names) {
        const PortfolioContext::Name& n = kv.second;
        const double px = mid(n.market, n.tickSize);
        const Quantity target = m_targets[kv.first];
        m_targetGross += std::fabs(static_cast<double>(target) * px);
        const Quantity diff = target - (n.held + n.pending);
        // One parent per instrument before the trader: the next rebalance after the
        // decision (or the ticket's timeout) proposes from fresh numbers.
        if (diff == 0 || px <= 0 || n.awaiting > 0 || std::fabs(static_cast<double>(diff) * px) < m_p.minTrade)
            continue;
        OrderProposal o;
        o.symbol = kv.first;
        o.side = diff > 0 ? Side::Buy : Side::Sell;
        o.qty = std::llabs(diff);
        o.type = OrderType::Market;
        o.executor = m_p.executor;
        o.horizonS = m_p.horizonS;
        const auto smoothed = m_smoothed.find(kv.first);
        const double signal = smoothed != m_smoothed.end() ? smoothed->second.value : 0.0;
        o.why.summary = "rebalance " + kv.first + " to " + std::to_string(target) + " (signal " + shortNumber(signal)
                        + "): " + m_p.executor + " over " + shortNumber(m_p.horizonS) + " s";
        o.why.factors = {{"signal (smoothed)", signal},
                         {"signal (last)", n.signal ? n.signal->value : 0.0},
                         {"target", static_cast<double>(target)},
                         {"held", static_cast<double>(n.held)},
                         {"in hand", static_cast<double>(n.pending)},
                         {"notional", std::fabs(static_cast<double>(diff) * px)},
                         {"budget", m_p.budget}};
        describeParent(o);
        out.orders.push_back(o);
        ++proposed;
    }
    if (proposed == 0)
        out.note = "portfolio at its targets (gross " + shortNumber(m_targetGross) + " of " + shortNumber(m_p.budget) + ")";
}

std::vector<std::pair<std::string, double>> PortfolioAgent::monitor() const
{
    std::vector<std::pair<std::string, double>> m{{"target gross", m_targetGross}, {"budget", m_p.budget}};
    for (const auto& kv : m_targets)
        m.emplace_back("target " + kv.first, static_cast<double>(kv.second));
    return m;
}

std::string PortfolioAgent::description() const
{
    return "portfolio: signals to targets within " + shortNumber(m_p.budget) + ", parents to " + m_p.executor;
}

} // namespace hm
