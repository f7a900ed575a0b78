#include "engine/market_state.h"

#include "engine/activity_log.h"
#include "engine/engine_context.h"
#include "engine/engine_input.h"
#include "journal/journal_codec.h"

namespace hm {

void MarketState::addInstrument(const std::string& symbol)
{
    m_books[symbol];
    m_metrics[symbol];
}

void MarketState::apply(const MarketDataSnapshot& s) { m_books[s.symbol].apply(s); }

void MarketState::apply(const MarketDataUpdate& u)
{
    m_books[u.symbol].apply(u);
    auto& trades = m_newTrades[u.symbol];
    trades.insert(trades.end(), u.trades.begin(), u.trades.end());
}

Price MarketState::noteMarket(const std::string& symbol, const std::vector<Trade>& trades, Timestamp now)
{
    m_lastMarketData[symbol] = now;
    for (const Trade& t : trades) {
        m_volume[symbol] += t.qty;
        m_lastTrade[symbol] = t.price;
    }
    const Price twiceMid = m_books[symbol].twiceMid();
    if (twiceMid <= 0)
        return twiceMid;
    auto& history = m_midHistory[symbol];
    if (history.empty() || now - history.back().first >= 250000000) {
        history.emplace_back(now, twiceMid);
        while (history.front().first < now - 180000000000LL)
            history.pop_front();
    }
    return twiceMid;
}

bool MarketState::riskSampleDue(Timestamp now) const
{
    return m_riskHistory.empty() || now - m_riskHistory.back().first >= 250000000;
}

void MarketState::addRiskSample(Timestamp now, const RiskView& view)
{
    m_riskHistory.emplace_back(now, view);
    while (m_riskHistory.size() > 240)
        m_riskHistory.pop_front();
}

std::optional<std::string> MarketState::observe(const std::string& symbol, Timestamp now, Quantity lotSize,
                                                const GaussianHmm* model, double warmupS)
{
    const BookMirror& book = m_books[symbol];
    const Price twiceMid = book.twiceMid();
    const std::vector<PriceLevel> bids = book.bids(5), asks = book.asks(5);
    double depth = 0;
    for (const auto& l : bids)
        depth += static_cast<double>(l.qty);
    for (const auto& l : asks)
        depth += static_cast<double>(l.qty);
    m_metrics[symbol].onMarket(now, static_cast<double>(twiceMid) / 2.0, depth);
    auto f = m_features.find(symbol);
    if (f == m_features.end())
        f = m_features.emplace(symbol, LiveFeatures(100.0 * static_cast<double>(lotSize))).first;
    // The detector takes one observation per interval, on a fresh sample.
    Timestamp& next = m_nextRegimeSample[symbol];
    if (model && next == 0)
        next = now + static_cast<Timestamp>(warmupS * 1e9); // features need some history first
    const bool observation = model && now >= next;
    f->second.observe(static_cast<double>(now) / 1e9, bids, asks, m_volume[symbol], observation);
    if (!observation)
        return std::nullopt;
    next = now + static_cast<Timestamp>(model->intervalS * 1e9);
    auto d = m_detectors.find(symbol);
    if (d == m_detectors.end())
        d = m_detectors.emplace(symbol, RegimeDetector(*model)).first;
    std::vector<double> x;
    f->second.compute(ExecutionTaskState{}, x);
    d->second.update(regimeObservation(x, bids, asks));
    std::string detected = d->second.name(d->second.mostLikely());
    if (detected == m_regimes[symbol])
        return std::nullopt;
    return detected;
}

void MarketState::notePointOfRegime(const std::string& symbol, Timestamp now)
{
    auto& points = m_regimePoints[symbol];
    const std::string& detected = m_regimes[symbol];
    const std::string& truth = m_trueRegimes[symbol];
    if (!points.empty() && points.back().detected == detected && points.back().truth == truth)
        return;
    points.push_back(RegimePoint{now, detected, truth});
    // Half an hour, as the window's timeline shows; the point in force at its start stays.
    const Timestamp start = now - Timestamp(1800) * 1000000000;
    std::size_t drop = 0;
    while (drop + 1 < points.size() && points[drop + 1].t <= start)
        ++drop;
    points.erase(points.begin(), points.begin() + static_cast<std::ptrdiff_t>(drop));
}

bool MarketState::setRegime(const EngineContext& ctx, ActivityLog& log, const SetRegime& c, bool detectorDrives)
{
    if (detectorDrives && c.source == "simulator") {
        std::string& truth = m_trueRegimes[c.symbol]; // shown next to the detected one, for comparison
        if (truth != c.regime && ctx.journaling()) // journaled (not in the feed) so a replay shows it too
            ctx.record(encode(RegimeAlertRecord{c.symbol, truth.empty() ? std::string("unknown") : truth, c.regime,
                                                "simulator", true},
                              ctx.now()));
        truth = c.regime;
        if (m_detectors.count(c.symbol))
            return false; // the detector speaks for the regime; until its first look, the simulator does
    }
    std::string& current = m_regimes[c.symbol];
    if (current == c.regime)
        return false;
    const std::string before = current.empty() ? "unknown" : current;
    current = c.regime;
    // In the feed and journaled as an alert, as the codec spells a regime change.
    const RegimeAlertRecord change{c.symbol, before, c.regime.empty() ? "unknown" : c.regime, c.source, false};
    log.feed(ctx, "alert", c.symbol, encode(change, 0).text, true);
    return true;
}

Price MarketState::twiceMid(const std::string& symbol) const
{
    auto b = m_books.find(symbol);
    return b == m_books.end() ? 0 : b->second.twiceMid();
}

MarketView MarketState::view(const std::string& symbol, Timestamp now, std::size_t depth) const
{
    MarketView m;
    m.symbol = symbol;
    m.time = now;
    auto b = m_books.find(symbol);
    if (b != m_books.end()) {
        m.bids = b->second.bids(depth);
        m.asks = b->second.asks(depth);
    }
    auto v = m_volume.find(symbol);
    m.tradedVolume = v == m_volume.end() ? 0 : v->second;
    auto t = m_lastTrade.find(symbol);
    m.lastTrade = t == m_lastTrade.end() ? 0 : t->second;
    auto r = m_regimes.find(symbol);
    m.regime = r == m_regimes.end() ? std::string() : r->second;
    return m;
}

double MarketState::markToMarket(const OrderManager& oms, const EngineContext& ctx)
{
    double pnl = 0;
    for (const auto& kv : oms.positions()) {
        const Instrument* ins = ctx.instrument(kv.first);
        const double tick = ins ? ins->tickSize : 0.0;
        const Price mid2 = twiceMid(kv.first);
        const Position& p = kv.second;
        const double unreal = mid2 > 0 && p.qty != 0
            ? (static_cast<double>(mid2) / 2.0 - p.avgCostTicks) * static_cast<double>(p.qty) : 0.0;
        pnl += (p.realizedTicks + unreal) * tick;
    }
    for (auto& kv : m_metrics)
        kv.second.onPnl(pnl); // drawdown
    return pnl;
}

std::optional<Timestamp> MarketState::lastData(const std::string& symbol) const
{
    auto it = m_lastMarketData.find(symbol);
    if (it == m_lastMarketData.end())
        return std::nullopt;
    return it->second;
}

void MarketState::record(const EngineContext& ctx, const MarketDataSnapshot& s, Timestamp now)
{
    if (!ctx.journaling())
        return;
    for (const auto& l : s.bids)
        ctx.record(encode(BookLevelRecord{s.symbol, Side::Buy, l.price, l.qty, true}, now));
    for (const auto& l : s.asks)
        ctx.record(encode(BookLevelRecord{s.symbol, Side::Sell, l.price, l.qty, true}, now));
}

void MarketState::record(const EngineContext& ctx, const MarketDataUpdate& u, Timestamp now)
{
    if (!ctx.journaling())
        return;
    for (const auto& c : u.changes)
        ctx.record(encode(BookLevelRecord{u.symbol, c.side, c.price, c.action == LevelAction::Delete ? 0 : c.qty, false}, now));
    for (const auto& t : u.trades)
        ctx.record(encode(TradeRecord{u.symbol, t.price, t.qty}, now));
}

} // namespace hm
