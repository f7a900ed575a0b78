#include "agents/classic_agents.h"

#include "agents/portfolio_agent.h"
#include "agents/execution_agent.h"

#include <algorithm>
#include <cmath>

namespace hm {
namespace {
constexpr double kNs = 1e9;

Quantity roundDown(Quantity q, Quantity lot) { return lot > 0 ? q / lot * lot : q; }

double imbalance(const MarketView& m, std::size_t levels)
{
    double b = 0, a = 0;
    for (std::size_t i = 0; i < levels && i < m.bids.size(); ++i)
        b += static_cast<double>(m.bids[i].qty);
    for (std::size_t i = 0; i < levels && i < m.asks.size(); ++i)
        a += static_cast<double>(m.asks[i].qty);
    return b + a > 0 ? (b - a) / (b + a) : 0.0;
}
} // namespace

TwapAgent::TwapAgent(std::string symbol, Side side, Quantity parent, double durationS, double sliceS, Quantity lot)
    : m_symbol(std::move(symbol)), m_side(side), m_parent(parent), m_duration(static_cast<Timestamp>(durationS * kNs)),
      m_slice(static_cast<Timestamp>(sliceS * kNs)), m_lot(std::max<Quantity>(1, lot))
{
}

void TwapAgent::onFill(Side, Quantity qty, Price) { m_done += qty; }

void TwapAgent::onTick(const AgentContext& ctx, AgentIntents& out)
{
    const MarketView& m = *ctx.market;
    if (m_start == 0)
        m_start = ctx.now;
    if (m_done >= m_parent) {
        out.note = "parent order complete";
        return;
    }
    if (!m.hasQuotes()) {
        out.note = "waiting for a two-sided market";
        return;
    }
    if (ctx.now - m_lastSlice < m_slice || ctx.awaitingApproval > 0)
        return;
    m_lastSlice = ctx.now;
    const double elapsed = std::min(1.0, static_cast<double>(ctx.now - m_start) / static_cast<double>(m_duration));
    const Quantity target = std::min(m_parent, roundDown(static_cast<Quantity>(std::ceil(elapsed * m_parent)), m_lot)
                                                   + (elapsed > 0 ? m_lot : 0));
    Quantity working = 0;
    for (const auto& w : ctx.working) {
        // A passive order that waited a whole slice is refreshed at the new touch.
        if (ctx.now - w.sent >= m_slice)
            out.cancels.push_back(w.clOrdId);
        else
            working += w.leaves;
    }
    const Quantity behind = roundDown(target - m_done - working, m_lot);
    if (behind <= 0) {
        out.note = "on schedule";
        return;
    }
    // Behind by more than two slices' worth, or in the last slice: cross to catch up.
    const Quantity perSlice = std::max<Quantity>(m_lot, roundDown(m_parent * m_slice / std::max<Timestamp>(1, m_duration), m_lot));
    const bool urgent = behind > 2 * perSlice || elapsed >= 1.0 - static_cast<double>(m_slice) / static_cast<double>(m_duration);
    OrderProposal p;
    p.symbol = m_symbol;
    p.side = m_side;
    p.qty = std::min(behind, 4 * perSlice);
    if (m_side == Side::Buy)
        p.price = urgent ? m.bestAsk() : m.bestBid();
    else
        p.price = urgent ? m.bestBid() : m.bestAsk();
    p.why.summary = std::string(urgent ? "behind schedule: cross at the touch" : "on pace: join the touch passively");
    p.why.factors = {{"elapsed %", 100.0 * elapsed},
                     {"done", static_cast<double>(m_done)},
                     {"target now", static_cast<double>(target)},
                     {"behind", static_cast<double>(behind)},
                     {"spread ticks", static_cast<double>(m.bestAsk() - m.bestBid())}};
    out.orders.push_back(p);
}

MomentumAgent::MomentumAgent(std::string symbol, Quantity clip, Quantity maxPosition, double threshold, double intervalS)
    : m_symbol(std::move(symbol)), m_clip(clip), m_maxPosition(maxPosition), m_threshold(threshold),
      m_interval(static_cast<Timestamp>(intervalS * kNs))
{
}

void MomentumAgent::onTick(const AgentContext& ctx, AgentIntents& out)
{
    const MarketView& m = *ctx.market;
    if (!m.hasQuotes() || ctx.now - m_last < m_interval || ctx.awaitingApproval > 0 || !ctx.working.empty())
        return;
    m_last = ctx.now;
    const double imb = imbalance(m, 5);
    Side side;
    if (imb > m_threshold && ctx.position + m_clip <= m_maxPosition)
        side = Side::Buy;
    else if (imb < -m_threshold && ctx.position - m_clip >= -m_maxPosition)
        side = Side::Sell;
    else if (std::fabs(imb) < m_threshold / 3 && ctx.position != 0)
        side = ctx.position > 0 ? Side::Sell : Side::Buy; // signal gone: flatten
    else {
        out.note = "imbalance " + std::to_string(imb) + " inside the threshold";
        return;
    }
    OrderProposal p;
    p.symbol = m_symbol;
    p.side = side;
    p.tif = TimeInForce::ImmediateOrCancel;
    const bool flatten = (side == Side::Sell) == (ctx.position > 0) && std::fabs(imb) < m_threshold / 3;
    p.qty = flatten ? std::min<Quantity>(m_clip, std::llabs(ctx.position)) : m_clip;
    p.price = side == Side::Buy ? m.bestAsk() : m.bestBid();
    p.why.summary = flatten ? "signal faded: reduce the position" : "book imbalance beyond the threshold: follow it";
    p.why.factors = {{"imbalance (5 levels)", imb},
                     {"threshold", m_threshold},
                     {"position", static_cast<double>(ctx.position)},
                     {"max position", static_cast<double>(m_maxPosition)}};
    out.orders.push_back(p);
}

double agentParam(const AgentParams& p, const std::string& name, double fallback, double lo, double hi, std::string& error)
{
    auto it = p.find(name);
    const double v = it == p.end() ? fallback : it->second;
    if (error.empty() && (!(v >= lo) || !(v <= hi)))
        error = "parameter '" + name + "' = " + std::to_string(v) + " is outside " + std::to_string(lo) + ".."
            + std::to_string(hi);
    return v;
}

bool onlyKnownParams(const std::string& type, const AgentParams& params, const std::vector<std::string>& known,
                     std::string& error)
{
    for (const auto& kv : params)
        if (std::find(known.begin(), known.end(), kv.first) == known.end()) {
            error = "unknown parameter '" + kv.first + "' for a " + type + " agent";
            return false;
        }
    return true;
}

std::vector<std::string> agentTypes()
{
    return {"twap", "momentum", "vwap", "pov", "almgren_chriss", "submit_and_leave", "portfolio"};
}

namespace {
std::map<std::string, AgentFactory>& registry()
{
    static std::map<std::string, AgentFactory> r;
    return r;
}
} // namespace

void registerAgentType(const std::string& type, AgentFactory factory) { registry()[type] = std::move(factory); }
bool isRegisteredAgentType(const std::string& type) { return registry().count(type) > 0; }

std::unique_ptr<Agent> makeAgent(const std::string& type, const std::string& symbol, const AgentParams& params,
                                 std::string& error, const std::string& model)
{
    error.clear();
    auto registered = registry().find(type);
    if (registered != registry().end())
        return registered->second(symbol, params, model, error);
    if (isExecutionAgentType(type))
        return makeExecutionAgent(type, symbol, params, error);
    if (type == "portfolio") {
        PortfolioAgentParams p;
        if (!parsePortfolioParams(params, p, error))
            return nullptr;
        return std::unique_ptr<Agent>(new PortfolioAgent(p));
    }
    if ((type == "twap" || type == "momentum")
        && !onlyKnownParams(type, params,
                            type == "twap" ? std::vector<std::string>{"side", "quantity", "duration_s", "slice_s", "lot"}
                                           : std::vector<std::string>{"clip", "max_position", "threshold", "interval_s"},
                            error))
        return nullptr;
    std::unique_ptr<Agent> a;
    if (type == "twap") {
        const double side = agentParam(params, "side", 1, -1, 1, error);
        const double qty = agentParam(params, "quantity", 5000, 1, 1e9, error);
        const double duration = agentParam(params, "duration_s", 300, 1, 86400, error);
        const double slice = agentParam(params, "slice_s", 5, 0.1, 3600, error);
        const double lot = agentParam(params, "lot", 100, 1, 1e9, error);
        if (error.empty() && side == 0)
            error = "parameter 'side' must be 1 (buy) or -1 (sell)";
        if (error.empty() && slice > duration)
            error = "parameter 'slice_s' is longer than 'duration_s'";
        if (error.empty())
            a.reset(new TwapAgent(symbol, side > 0 ? Side::Buy : Side::Sell, static_cast<Quantity>(qty), duration, slice,
                                  static_cast<Quantity>(lot)));
    } else if (type == "momentum") {
        const double clip = agentParam(params, "clip", 100, 1, 1e9, error);
        const double maxPos = agentParam(params, "max_position", 1000, 1, 1e9, error);
        const double threshold = agentParam(params, "threshold", 0.3, 0.01, 1, error);
        const double interval = agentParam(params, "interval_s", 1, 0.01, 3600, error);
        if (error.empty())
            a.reset(new MomentumAgent(symbol, static_cast<Quantity>(clip), static_cast<Quantity>(maxPos), threshold, interval));
    } else {
        error = "unknown agent type '" + type + "' (known: twap, momentum, vwap, pov, almgren_chriss, submit_and_leave)";
    }
    return a;
}

} // namespace hm
