#include "risk/risk_gate.h"

#include <cmath>
#include <cstdlib>
#include <functional>

namespace hm {
namespace {
constexpr Timestamp kSecond = 1000000000;

std::uint64_t orderKey(const OrderRequest& o, const std::string& agent)
{
    std::uint64_t h = std::hash<std::string>()(agent) ^ (std::hash<std::string>()(o.symbol) * 31);
    h = h * 1099511628211ULL ^ static_cast<std::uint64_t>(o.side);
    h = h * 1099511628211ULL ^ static_cast<std::uint64_t>(o.qty);
    h = h * 1099511628211ULL ^ static_cast<std::uint64_t>(o.price);
    h = h * 1099511628211ULL ^ static_cast<std::uint64_t>(o.type);
    return h;
}

std::string num(double v)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.10g", v);
    return b;
}
} // namespace

const char* toString(DenyReason r)
{
    switch (r) {
    case DenyReason::None: return "none";
    case DenyReason::Halted: return "halted";
    case DenyReason::Restricted: return "restricted";
    case DenyReason::UnknownInstrument: return "unknown_instrument";
    case DenyReason::OrderQty: return "order_qty";
    case DenyReason::OrderNotional: return "order_notional";
    case DenyReason::NoReference: return "no_reference";
    case DenyReason::PriceCollar: return "price_collar";
    case DenyReason::Position: return "position";
    case DenyReason::GrossNotional: return "gross_notional";
    case DenyReason::OpenOrders: return "open_orders";
    case DenyReason::AgentOrderRate: return "agent_order_rate";
    case DenyReason::OrderRate: return "order_rate";
    case DenyReason::MessageRate: return "message_rate";
    case DenyReason::DailyLoss: return "daily_loss";
    case DenyReason::Duplicate: return "duplicate";
    case DenyReason::SelfTrade: return "self_trade";
    case DenyReason::Reconciling: return "reconciling";
    case DenyReason::NetNotional: return "net_notional";
    case DenyReason::Concentration: return "concentration";
    case DenyReason::PortfolioEs: return "portfolio_es";
    case DenyReason::InstrumentHalted: return "instrument_halted";
    case DenyReason::Count: break;
    }
    return "?";
}

bool reaches(Side side, OrderType type, Price price, Price restingPrice)
{
    if (type == OrderType::Market)
        return true; // it walks the book as far as it needs
    return side == Side::Buy ? price >= restingPrice : price <= restingPrice;
}

RiskGate::RiskGate(RiskLimits limits) : m_limits(std::move(limits)) {}

void RiskGate::setLimits(const RiskLimits& limits)
{
    m_limits = limits;
    for (auto& kv : m_exposure)
        kv.second.limits = m_limits.forInstrument(kv.first);
}

void RiskGate::addInstrument(const Instrument& instrument)
{
    Exposure& e = m_exposure[instrument.symbol];
    e.instrument = instrument;
    e.riskIndex = m_portfolio.addInstrument(instrument.symbol);
    e.limits = m_limits.forInstrument(instrument.symbol);
    if (m_marks.size() < m_portfolio.size())
        m_marks.resize(m_portfolio.size(), 0.0);
    m_portfolioStale = true;
}

void RiskGate::forgetReference(const std::string& symbol)
{
    const auto it = m_exposure.find(symbol);
    if (it == m_exposure.end())
        return;
    it->second.reference = 0;
    it->second.marketData = false;
    m_portfolioStale = true;
}

void RiskGate::notePrices(Timestamp now)
{
    const Timestamp interval = static_cast<Timestamp>(m_portfolio.config().sampleIntervalS * 1e9);
    if (now < m_nextSample)
        return;
    m_nextSample = now + interval;
    std::vector<double> prices(m_portfolio.size(), 0.0);
    for (const auto& kv : m_exposure) {
        const Exposure& e = kv.second;
        if (e.reference > 0 && e.marketData) // a trader's reference is no market price
            prices[e.riskIndex] = static_cast<double>(e.reference) * e.instrument.tickSize;
    }
    m_portfolio.addSample(prices);
    for (std::size_t i = 0; i < prices.size(); ++i)
        if (prices[i] > 0)
            m_marks[i] = prices[i];
    m_portfolioStale = true;
    syncPortfolio(); // here, on the market-data path, so no order check pays for it
}

double RiskGate::markOf(const Exposure& e) const { return m_marks[e.riskIndex]; }

void RiskGate::noteExposure(const Exposure& e)
{
    if (m_portfolioStale)
        return; // prepared from scratch before the next use
    const double now = static_cast<double>(e.position + e.workingBuy - e.workingSell) * markOf(e);
    const double before = m_portfolio.preparedExposure()[e.riskIndex];
    if (now != before)
        m_portfolio.shift(e.riskIndex, now - before);
}

void RiskGate::syncPortfolio()
{
    if (m_portfolio.config().horizonS != m_limits.esHorizonS) {
        PortfolioRiskConfig c = m_portfolio.config();
        c.horizonS = m_limits.esHorizonS;
        m_portfolio.setConfig(c);
        m_portfolioStale = true;
    }
    if (!m_portfolioStale)
        return; // noteExposure() kept it up to date
    std::vector<double> w(m_portfolio.size(), 0.0);
    for (auto& kv : m_exposure) {
        const Exposure& e = kv.second;
        w[e.riskIndex] = static_cast<double>(e.position + e.workingBuy - e.workingSell) * markOf(e);
    }
    m_portfolio.prepare(w);
    m_portfolioStale = false;
}

std::vector<double> RiskGate::portfolioExposure()
{
    syncPortfolio();
    return m_portfolio.preparedExposure();
}

PortfolioFigures RiskGate::portfolioFigures(RiskMethod method)
{
    syncPortfolio();
    return m_portfolio.figures(m_portfolio.preparedExposure(), method);
}

std::vector<double> RiskGate::esContributions()
{
    syncPortfolio();
    return m_portfolio.esContributions();
}

GateVerdict RiskGate::checkPortfolio(const Exposure& e, Side side, Quantity addQty)
{
    syncPortfolio();
    const std::vector<double>& w = m_portfolio.preparedExposure();
    const std::size_t i = e.riskIndex;
    const double delta = (side == Side::Buy ? 1.0 : -1.0) * static_cast<double>(addQty) * markOf(e);
    double net = 0, gross = 0, largest = 0, largestAfter = 0, grossAfter = 0;
    std::size_t largestIndex = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
        const double after = k == i ? w[k] + delta : w[k];
        net += w[k];
        gross += std::fabs(w[k]);
        grossAfter += std::fabs(after);
        largest = std::max(largest, std::fabs(w[k]));
        if (std::fabs(after) > largestAfter) {
            largestAfter = std::fabs(after);
            largestIndex = k;
        }
    }
    const double netAfter = net + delta;
    if (std::fabs(netAfter) > m_limits.maxNetNotional && std::fabs(netAfter) > std::fabs(net))
        return GateVerdict{DenyReason::NetNotional, "net notional would reach " + num(netAfter) + " (now " + num(net)
                               + "), limit " + num(m_limits.maxNetNotional), {}};
    const double share = grossAfter > 0 ? 100.0 * largestAfter / grossAfter : 0.0;
    const double shareBefore = gross > 0 ? 100.0 * largest / gross : 0.0;
    // Worse: the largest share grows through this name, or the check starts to apply.
    const bool worse = largestIndex == i && (share > shareBefore || gross <= m_limits.concentrationMinGross);
    if (grossAfter > m_limits.concentrationMinGross && share > m_limits.maxConcentrationPercent && worse)
        return GateVerdict{DenyReason::Concentration, m_portfolio.symbol(i) + " would be " + num(share)
                               + "% of gross exposure " + num(grossAfter) + " (now " + num(shareBefore) + "%), limit "
                               + num(m_limits.maxConcentrationPercent) + "%", {}};
    const double before = m_portfolio.esWith(i, 0, RiskMethod::Parametric);
    const double after = m_portfolio.esWith(i, delta, RiskMethod::Parametric);
    if (after > m_limits.maxPortfolioEs && after > before)
        return GateVerdict{DenyReason::PortfolioEs, "portfolio ES (99%, " + num(m_limits.esHorizonS) + " s) would reach "
                               + num(after) + " (now " + num(before) + "; " + m_portfolio.symbol(i) + " "
                               + (side == Side::Buy ? "+" : "-") + num(std::fabs(delta)) + "), limit "
                               + num(m_limits.maxPortfolioEs), {}};
    return {};
}

void RiskGate::setReference(const std::string& symbol, Price reference)
{
    auto it = m_exposure.find(symbol);
    if (it == m_exposure.end() || reference <= 0)
        return;
    it->second.reference = reference;
    it->second.marketData = true;
    double& mark = m_marks[it->second.riskIndex];
    if (mark <= 0) { // the first price: exposure in it counts from now
        mark = static_cast<double>(reference) * it->second.instrument.tickSize;
        m_portfolioStale = true;
    }
}

bool RiskGate::setTraderReference(const std::string& symbol, Price reference)
{
    auto it = m_exposure.find(symbol);
    if (it == m_exposure.end() || reference <= 0 || it->second.marketData)
        return false;
    it->second.reference = reference;
    // No sample will move the mark (there is no market data): it follows the trader.
    m_marks[it->second.riskIndex] = static_cast<double>(reference) * it->second.instrument.tickSize;
    m_portfolioStale = true;
    return true;
}

Price RiskGate::reference(const std::string& symbol) const
{
    auto it = m_exposure.find(symbol);
    return it == m_exposure.end() ? 0 : it->second.reference;
}

void RiskGate::setPnl(double pnl)
{
    m_pnl = pnl;
    if (!m_halted && m_limits.dailyLossLimit > 0 && pnl <= -m_limits.dailyLossLimit)
        halt("daily loss limit: P&L " + num(pnl) + " <= -" + num(m_limits.dailyLossLimit));
}

void RiskGate::halt(const std::string& why)
{
    m_halted = true;
    m_haltReason = why;
}

void RiskGate::resume()
{
    m_halted = false;
    m_haltReason.clear();
    m_haltedInstruments.clear();
}

void RiskGate::haltInstrument(const std::string& symbol, const std::string& why)
{
    m_haltedInstruments[symbol] = why;
}

GateVerdict RiskGate::deny(DenyReason r, std::string text)
{
    ++m_denials[static_cast<std::size_t>(r)];
    return GateVerdict{r, std::move(text), {}};
}

double RiskGate::notional(const Exposure& e, Price price, Quantity qty) const
{
    return static_cast<double>(price) * e.instrument.tickSize * static_cast<double>(qty);
}

double RiskGate::grossNotional() const
{
    double g = 0;
    for (const auto& kv : m_exposure) {
        const Exposure& e = kv.second;
        g += notional(e, e.reference, std::llabs(e.position) + e.workingBuy + e.workingSell);
    }
    return g;
}

bool RiskGate::reducesPosition(const OrderRequest& o) const
{
    auto it = m_exposure.find(o.symbol);
    if (it == m_exposure.end())
        return false;
    const Exposure& e = it->second;
    // Reducing: opposite to the position, and together with what already works on that
    // side it cannot take the position through zero.
    if (o.side == Side::Sell)
        return e.position > 0 && e.workingSell + o.qty <= e.position;
    return e.position < 0 && e.workingBuy + o.qty <= -e.position;
}

GateVerdict RiskGate::checkExposure(const Exposure& e, Side side, Quantity addQty, Price price, double addNotional) const
{
    const Quantity worstLong = e.position + e.workingBuy + (side == Side::Buy ? addQty : 0);
    const Quantity worstShort = e.position - e.workingSell - (side == Side::Sell ? addQty : 0);
    const Quantity worst = std::max<Quantity>(worstLong, -worstShort);
    if (static_cast<double>(worst) > e.limits.maxPosition)
        return GateVerdict{DenyReason::Position, "position " + e.instrument.symbol + " would reach " + std::to_string(worst)
                               + " (filled " + std::to_string(e.position) + ", working buy " + std::to_string(e.workingBuy)
                               + " sell " + std::to_string(e.workingSell) + "), limit " + num(e.limits.maxPosition), {}};
    const double gross = grossNotional() + addNotional;
    if (gross > m_limits.maxGrossNotional)
        return GateVerdict{DenyReason::GrossNotional,
                           "gross notional would reach " + num(gross) + ", limit " + num(m_limits.maxGrossNotional), {}};
    (void)price;
    return {};
}

GateVerdict RiskGate::selfTrade(const OrderRequest& o, const std::string& agent,
                                const std::vector<OwnOrder>& own)
{
    GateVerdict v;
    const SelfTradePolicy policy = m_limits.selfTradePolicy;
    if (policy == SelfTradePolicy::Off)
        return v;
    for (const OwnOrder& r : own)
        if (r.symbol == o.symbol && r.side != o.side && r.leaves > 0 && reaches(o.side, o.type, o.price, r.price))
            v.cancelResting.push_back(r);
    if (v.cancelResting.empty())
        return v;
    // Applied to risk-reducing orders as well, as exchanges do: a trade with ourselves
    // would reduce nothing (our position would not move), and an exemption would let one
    // agent's order cancel another's resting ones under a policy that promises not to.
    const bool denyNew = policy == SelfTradePolicy::CancelNew || policy == SelfTradePolicy::CancelBoth;
    const bool cancelResting = policy == SelfTradePolicy::CancelResting || policy == SelfTradePolicy::CancelBoth;
    const OwnOrder& first = v.cancelResting.front();
    v.text = std::string(o.type == OrderType::Market ? "market " : "") + toString(o.side) + " " + std::to_string(o.qty)
        + " " + o.symbol + (o.type == OrderType::Market ? "" : " @ " + std::to_string(o.price))
        + " would trade against our own " + toString(first.side) + " " + std::to_string(first.leaves) + " @ "
        + std::to_string(first.price) + " (" + first.clOrdId + " of " + (first.owner.empty() ? "the operator" : first.owner)
        + ")"
        + (v.cancelResting.size() > 1 ? " and " + std::to_string(v.cancelResting.size() - 1) + " more" : std::string())
        + "; policy " + toString(policy);
    if (cancelResting) {
        for (const OwnOrder& r : v.cancelResting)
            ++m_selfTrades[r.owner.empty() ? "operator" : r.owner].restingCancelled;
    } else {
        v.cancelResting.clear();
    }
    if (denyNew) {
        ++m_selfTrades[agent].newDenied;
        ++m_denials[static_cast<std::size_t>(DenyReason::SelfTrade)];
        v.reason = DenyReason::SelfTrade;
    }
    return v;
}

void RiskGate::selfTradeRecorded(const std::string& agent, bool newOrder)
{
    SelfTradeCount& c = m_selfTrades[agent.empty() ? "operator" : agent];
    ++(newOrder ? c.newDenied : c.restingCancelled);
}

GateVerdict RiskGate::checkNew(const OrderRequest& o, const std::string& agent, Timestamp now,
                               const std::vector<OwnOrder>& own)
{
    auto it = m_exposure.find(o.symbol);
    if (it == m_exposure.end())
        return deny(DenyReason::UnknownInstrument, "unknown instrument '" + o.symbol + "'");
    Exposure& e = it->second;
    const bool reducing = reducesPosition(o);
    if (m_halted && !reducing)
        return deny(DenyReason::Halted, "trading halted (" + m_haltReason + "); only risk-reducing orders pass");
    const auto stopped = m_haltedInstruments.find(o.symbol);
    if (stopped != m_haltedInstruments.end() && !reducing)
        return deny(DenyReason::InstrumentHalted,
                    o.symbol + " halted (" + stopped->second + "); only risk-reducing orders pass");
    if (m_limits.restricted.count(o.symbol))
        return deny(DenyReason::Restricted, o.symbol + " is restricted");
    if (static_cast<double>(o.qty) > e.limits.maxOrderQty)
        return deny(DenyReason::OrderQty,
                    "quantity " + std::to_string(o.qty) + " above the limit " + num(e.limits.maxOrderQty));
    const Price ref = e.reference;
    const Price px = o.type == OrderType::Market ? ref : o.price;
    if (ref <= 0 && (o.type == OrderType::Market || e.limits.collarPercent > 0 || e.limits.collarTicks > 0))
        return deny(DenyReason::NoReference, "no reference price for " + o.symbol + " yet (no market data)");
    const double orderNotional = notional(e, px, o.qty);
    if (orderNotional > e.limits.maxOrderNotional)
        return deny(DenyReason::OrderNotional,
                    "notional " + num(orderNotional) + " above the limit " + num(e.limits.maxOrderNotional));
    if (o.type == OrderType::Limit && ref > 0) {
        const Price away = std::llabs(o.price - ref);
        const double pct = 100.0 * static_cast<double>(away) / static_cast<double>(ref);
        if ((e.limits.collarTicks > 0 && static_cast<double>(away) > e.limits.collarTicks)
            || (e.limits.collarPercent > 0 && pct > e.limits.collarPercent))
            return deny(DenyReason::PriceCollar, "price " + std::to_string(o.price) + " is " + std::to_string(away)
                            + " ticks (" + num(pct) + "%) from the reference " + std::to_string(ref) + "; collar "
                            + num(e.limits.collarTicks) + " ticks / " + num(e.limits.collarPercent) + "%");
    }
    if (!reducing) {
        GateVerdict v = checkExposure(e, o.side, o.qty, px, orderNotional);
        if (v.passed())
            v = checkPortfolio(e, o.side, o.qty);
        if (!v.passed())
            return deny(v.reason, v.text);
        if (m_limits.dailyLossLimit > 0 && m_pnl <= -m_limits.dailyLossLimit)
            return deny(DenyReason::DailyLoss, "daily loss limit reached (P&L " + num(m_pnl) + ")");
    }
    if (static_cast<double>(m_openOrders + 1) > m_limits.maxOpenOrders)
        return deny(DenyReason::OpenOrders,
                    std::to_string(m_openOrders) + " orders working, limit " + num(m_limits.maxOpenOrders));
    AgentRates& rates = m_agents[agent];
    if (static_cast<double>(rates.orders.count(now) + 1) > m_limits.maxOrdersPerSecondPerAgent)
        return deny(DenyReason::AgentOrderRate,
                    agent + " above " + num(m_limits.maxOrdersPerSecondPerAgent) + " orders per second");
    if (static_cast<double>(m_orders.count(now) + 1) > m_limits.maxOrdersPerSecond)
        return deny(DenyReason::OrderRate, "above " + num(m_limits.maxOrdersPerSecond) + " orders per second overall");
    if (static_cast<double>(m_messages.count(now) + 1) > m_limits.maxMessagesPerSecond)
        return deny(DenyReason::MessageRate, "above " + num(m_limits.maxMessagesPerSecond) + " messages per second");
    const std::uint64_t key = orderKey(o, agent);
    if (m_limits.duplicateWindowMs > 0) {
        const Timestamp window = static_cast<Timestamp>(m_limits.duplicateWindowMs * 1e6);
        auto d = m_recent.find(key);
        if (d != m_recent.end() && now - d->second < window)
            return deny(DenyReason::Duplicate, "same order from " + agent + " "
                            + std::to_string((now - d->second) / 1000000) + " ms ago");
        if (now - m_recentPurged > kSecond) { // keep the map small
            for (auto r = m_recent.begin(); r != m_recent.end();)
                r = now - r->second >= window ? m_recent.erase(r) : std::next(r);
            m_recentPurged = now;
        }
    }
    // Last, so that resting orders are never cancelled for an order refused anyway.
    GateVerdict stp = selfTrade(o, agent, own);
    if (!stp.passed())
        return stp;
    // Passed: record at once.
    m_recent[key] = now;
    rates.orders.add(now);
    m_orders.add(now);
    m_messages.add(now);
    ++m_openOrders;
    (o.side == Side::Buy ? e.workingBuy : e.workingSell) += o.qty;
    noteExposure(e);
    return stp;
}

GateVerdict RiskGate::checkReplace(const OrderRequest& current, Quantity leaves, Quantity newQty, Price newPrice,
                                   const std::string& agent, Timestamp now, const std::vector<OwnOrder>& own)
{
    auto it = m_exposure.find(current.symbol);
    if (it == m_exposure.end())
        return deny(DenyReason::UnknownInstrument, "unknown instrument '" + current.symbol + "'");
    Exposure& e = it->second;
    const Quantity filled = current.qty - leaves;
    const Quantity newLeaves = std::max<Quantity>(0, newQty - filled);
    const Quantity added = newLeaves - leaves;
    if (m_halted && added > 0)
        return deny(DenyReason::Halted, "trading halted (" + m_haltReason + "); a replace may not add quantity");
    const auto stopped = m_haltedInstruments.find(current.symbol);
    if (stopped != m_haltedInstruments.end() && added > 0)
        return deny(DenyReason::InstrumentHalted,
                    current.symbol + " halted (" + stopped->second + "); a replace may not add quantity");
    if (static_cast<double>(newQty) > e.limits.maxOrderQty)
        return deny(DenyReason::OrderQty, "quantity " + std::to_string(newQty) + " above the limit " + num(e.limits.maxOrderQty));
    if (current.type == OrderType::Limit && e.reference > 0) {
        const Price away = std::llabs(newPrice - e.reference);
        const double pct = 100.0 * static_cast<double>(away) / static_cast<double>(e.reference);
        if ((e.limits.collarTicks > 0 && static_cast<double>(away) > e.limits.collarTicks)
            || (e.limits.collarPercent > 0 && pct > e.limits.collarPercent))
            return deny(DenyReason::PriceCollar, "replace price " + std::to_string(newPrice) + " is " + std::to_string(away)
                            + " ticks from the reference " + std::to_string(e.reference));
    }
    const double n = notional(e, newPrice, newQty);
    if (n > e.limits.maxOrderNotional)
        return deny(DenyReason::OrderNotional, "notional " + num(n) + " above the limit " + num(e.limits.maxOrderNotional));
    if (added > 0) {
        GateVerdict v = checkExposure(e, current.side, added, newPrice, notional(e, newPrice, added));
        if (v.passed())
            v = checkPortfolio(e, current.side, added);
        if (!v.passed())
            return deny(v.reason, v.text);
    }
    if (static_cast<double>(m_messages.count(now) + 1) > m_limits.maxMessagesPerSecond)
        return deny(DenyReason::MessageRate, "above " + num(m_limits.maxMessagesPerSecond) + " messages per second");
    OrderRequest moved = current;
    moved.qty = newQty;
    moved.price = newPrice;
    GateVerdict stp = selfTrade(moved, agent, own);
    if (!stp.passed())
        return stp;
    m_messages.add(now);
    // Count the larger size at once; a smaller one is released when the venue confirms.
    if (added > 0) {
        (current.side == Side::Buy ? e.workingBuy : e.workingSell) += added;
        noteExposure(e);
    }
    return stp;
}

void RiskGate::noteCancel(Timestamp now) { m_messages.add(now); }

void RiskGate::replaceRecorded(const OrderRequest& current, Quantity leaves, Quantity newQty, Timestamp now)
{
    m_messages.add(now);
    auto it = m_exposure.find(current.symbol);
    const Quantity added = std::max<Quantity>(0, newQty - (current.qty - leaves)) - leaves;
    if (it != m_exposure.end() && added > 0)
        (current.side == Side::Buy ? it->second.workingBuy : it->second.workingSell) += added;
    if (it != m_exposure.end())
        noteExposure(it->second);
}

void RiskGate::admitRecorded(const OrderRequest& o, const std::string& agent, Timestamp now)
{
    m_agents[agent].orders.add(now);
    m_orders.add(now);
    m_messages.add(now);
    ++m_openOrders;
    auto it = m_exposure.find(o.symbol);
    if (it != m_exposure.end()) {
        (o.side == Side::Buy ? it->second.workingBuy : it->second.workingSell) += o.qty;
        noteExposure(it->second);
    }
}

void RiskGate::carriedOver(const std::string& symbol, Side side, Quantity working)
{
    ++m_openOrders;
    auto it = m_exposure.find(symbol);
    if (it != m_exposure.end()) {
        (side == Side::Buy ? it->second.workingBuy : it->second.workingSell) += working;
        noteExposure(it->second);
    }
}

void RiskGate::onFill(const std::string& symbol, Side side, Quantity qty)
{
    auto it = m_exposure.find(symbol);
    if (it == m_exposure.end())
        return;
    Exposure& e = it->second;
    Quantity& w = side == Side::Buy ? e.workingBuy : e.workingSell;
    w = std::max<Quantity>(0, w - qty);
    e.position += side == Side::Buy ? qty : -qty;
    noteExposure(e);
}

void RiskGate::onWorkingReduced(const std::string& symbol, Side side, Quantity qty)
{
    auto it = m_exposure.find(symbol);
    if (it == m_exposure.end())
        return;
    Quantity& w = side == Side::Buy ? it->second.workingBuy : it->second.workingSell;
    w = std::max<Quantity>(0, w - qty);
    noteExposure(it->second);
}

void RiskGate::onOrderClosed()
{
    if (m_openOrders > 0)
        --m_openOrders;
}

Quantity RiskGate::position(const std::string& symbol) const
{
    auto it = m_exposure.find(symbol);
    return it == m_exposure.end() ? 0 : it->second.position;
}

Quantity RiskGate::working(const std::string& symbol, Side side) const
{
    auto it = m_exposure.find(symbol);
    if (it == m_exposure.end())
        return 0;
    return side == Side::Buy ? it->second.workingBuy : it->second.workingSell;
}

std::uint64_t RiskGate::totalDenials() const
{
    std::uint64_t n = 0;
    for (auto d : m_denials)
        n += d;
    return n;
}

std::vector<LimitUsage> RiskGate::utilisation(Timestamp now)
{
    std::vector<LimitUsage> u;
    // The instrument nearest its own position limit (per-instrument limits differ).
    LimitUsage position{"max_position", 0, m_limits.maxPosition};
    for (const auto& kv : m_exposure) {
        const Exposure& e = kv.second;
        const double worst = static_cast<double>(std::max<Quantity>(e.position + e.workingBuy, e.workingSell - e.position));
        const LimitUsage candidate{"max_position", worst, e.limits.maxPosition};
        if (candidate.ratio() > position.ratio())
            position = candidate;
    }
    u.push_back(position);
    u.push_back({"max_gross_notional", grossNotional(), m_limits.maxGrossNotional});
    u.push_back({"max_open_orders", static_cast<double>(m_openOrders), m_limits.maxOpenOrders});
    double busiest = 0;
    for (auto& kv : m_agents)
        busiest = std::max(busiest, static_cast<double>(kv.second.orders.count(now)));
    u.push_back({"max_orders_per_second_per_agent", busiest, m_limits.maxOrdersPerSecondPerAgent});
    u.push_back({"max_orders_per_second", static_cast<double>(m_orders.count(now)), m_limits.maxOrdersPerSecond});
    u.push_back({"max_messages_per_second", static_cast<double>(m_messages.count(now)), m_limits.maxMessagesPerSecond});
    u.push_back({"daily_loss_limit", std::max(0.0, -m_pnl), m_limits.dailyLossLimit});
    const PortfolioFigures f = portfolioFigures(RiskMethod::Parametric);
    u.push_back({"max_net_notional", std::fabs(f.net), m_limits.maxNetNotional});
    u.push_back({"max_portfolio_es", f.es, m_limits.maxPortfolioEs});
    return u;
}

} // namespace hm
