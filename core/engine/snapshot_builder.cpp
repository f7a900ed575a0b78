#include "engine/snapshot_builder.h"

#include "engine/activity_log.h"
#include "engine/agent_supervisor.h"
#include "engine/engine_context.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "engine/replay_applier.h"

#include <algorithm>
#include <set>
#include <cmath>

namespace hm {
namespace {

constexpr std::size_t kLatencyWindow = 4096;

} // namespace

LatencyStats percentiles(std::vector<double> samples, std::uint64_t total)
{
    LatencyStats s;
    s.samples = total;
    if (samples.empty())
        return s;
    auto at = [&](double q) {
        std::size_t k = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1));
        std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k), samples.end());
        return samples[k];
    };
    s.p50us = at(0.50);
    s.p99us = at(0.99);
    return s;
}

std::shared_ptr<EngineSnapshot> SnapshotBuilder::build(const EngineContext& ctx, Parts parts, std::uint64_t epoch,
                                                       bool jumped)
{
    const EngineConfig& config = ctx.config;
    OrderManager& oms = parts.router.m_oms;
    MarketState& market = parts.market;
    auto s = std::make_shared<EngineSnapshot>();
    s->sequence = ++m_snapshotSeq;
    s->time = ctx.now();
    for (const auto& ins : config.instruments) {
        BookView v;
        if (jumped) {
            const auto& h = market.m_midHistory[ins.symbol];
            v.midHistory.assign(h.begin(), h.end());
            v.regimeHistory = market.m_regimePoints[ins.symbol];
        }
        v.instrument = ins;
        const BookMirror& b = market.m_books[ins.symbol];
        v.bids = b.bids(static_cast<std::size_t>(config.depthLevels));
        v.asks = b.asks(static_cast<std::size_t>(config.depthLevels));
        v.twiceMid = b.twiceMid();
        v.updates = b.updates();
        v.regime = market.m_regimes[ins.symbol];
        v.trueRegime = market.m_trueRegimes[ins.symbol];
        auto det = market.m_detectors.find(ins.symbol);
        if (det != market.m_detectors.end()) {
            v.regimeNames = det->second.model().names;
            v.regimeProbabilities = det->second.probabilities();
        }
        // Features are per-second quantities: computed at most once a second of engine
        // time per instrument (fifty books at 30 snapshots a second would spend the
        // engine thread on them), again at once after a jump.
        auto f = market.m_features.find(ins.symbol);
        if (f != market.m_features.end()) {
            CachedFeatures& c = m_features[ins.symbol];
            if (jumped || c.values.empty() || s->time - c.at >= 1000000000LL || s->time < c.at) {
                f->second.compute(ExecutionTaskState{}, c.values);
                c.at = s->time;
            }
            v.features = c.values;
        }
        v.newTrades.swap(market.m_newTrades[ins.symbol]);
        auto mine = oms.workingLevels().find(ins.symbol);
        if (mine != oms.workingLevels().end()) {
            for (auto it = mine->second.bids.rbegin(); it != mine->second.bids.rend(); ++it)
                v.ownBids.push_back({it->first, it->second});
            for (const auto& l : mine->second.asks)
                v.ownAsks.push_back({l.first, l.second});
        }
        s->books.push_back(std::move(v));
    }
    const auto& seq = oms.orderSequence();
    const std::size_t first = seq.size() > config.ordersInSnapshot ? seq.size() - config.ordersInSnapshot : 0;
    s->orders.reserve(seq.size() - first);
    for (std::size_t i = first; i < seq.size(); ++i)
        s->orders.push_back(*seq[i]);
    // Working orders older than the window still matter (blotter, cancel): the newest
    // of them, up to a bound, so a huge resting book cannot slow every snapshot.
    const auto& working = oms.working();
    std::vector<const OrderRecord*> older;
    for (auto it = std::make_reverse_iterator(working.lower_bound(first));
         it != working.rend() && older.size() < config.olderWorkingInSnapshot; ++it)
        older.push_back(it->second);
    for (auto it = older.rbegin(); it != older.rend(); ++it)
        s->orders.push_back(**it);
    s->newFills.swap(m_newFills);
    addAgents(ctx, parts, *s);
    for (const auto& t : parts.agents.m_approvals.tickets())
        s->approvals.push_back(ApprovalView{t.id, t.agent, t.proposal, t.why, t.created, t.deadline});
    s->risk = riskView(ctx, parts.router, market, parts.agents);
    // The portfolio view (correlation, VaR/ES both ways, clusters, stress) four times a
    // second, and at once when an instrument is halted or the replay jumped.
    const RiskGate& gate = parts.router.m_gate;
    if (jumped || !m_portfolio || s->time - m_portfolioAt >= 250000000LL || s->time < m_portfolioAt
        || gate.haltedInstruments().size() != m_portfolio->haltedInstruments.size()
        || gate.limits().clusterCorrelation != m_portfolio->clusterThreshold) {
        m_portfolio = std::make_shared<PortfolioView>(portfolioView(parts.router.m_gate));
        m_portfolio->computedAt = s->time;
        m_portfolioAt = s->time;
    }
    s->portfolio = *m_portfolio;
    {
        std::set<std::string> parents; // agents that work a parent order
        for (const auto& a : s->agents)
            if (a.progress.target > 0)
                parents.insert(a.id);
        auto mark = [&market](const std::string& symbol) { return static_cast<double>(market.twiceMid(symbol)) / 2.0; };
        auto worksParent = [&parents](const std::string& agent) { return parents.count(agent) != 0; };
        for (auto& row : parts.router.m_attribution.view(mark, worksParent))
            if (row.bought + row.sold > 0)
                s->attribution.push_back(std::move(row));
    }
    s->newFeed = parts.log.takeFeed();
    s->newDecisions = parts.log.takeDecisions();
    for (const auto& kv : oms.positions()) {
        PositionView p;
        p.position = kv.second;
        const Price twiceMid = market.twiceMid(kv.first);
        if (twiceMid > 0 && kv.second.qty != 0)
            p.unrealizedTicks = (static_cast<double>(twiceMid) / 2.0 - kv.second.avgCostTicks)
                * static_cast<double>(kv.second.qty);
        s->positions.push_back(p);
    }
    // A replay's sessions are the journal's; nothing is connected.
    s->sessions = config.replay ? parts.replay.sessions() : ctx.gateway.status();
    if (jumped)
        s->riskHistory.assign(market.m_riskHistory.begin(), market.m_riskHistory.end());
    s->replay = parts.replay.view();
    s->replay.active = config.replay;
    s->epoch = epoch;
    s->newSessionEvents.swap(m_newSessionEvents);
    s->counters = parts.counters;
    s->counters.duplicateReports = oms.duplicateReports();
    s->counters.fills = oms.fillCount();
    const std::vector<double>& trips = parts.router.m_roundTripsUs;
    const std::size_t n = trips.size();
    std::vector<double> window(trips.begin() + static_cast<std::ptrdiff_t>(n > kLatencyWindow ? n - kLatencyWindow : 0),
                               trips.end());
    s->roundTrip = percentiles(std::move(window), n);
    return s;
}

void SnapshotBuilder::addAgents(const EngineContext& ctx, Parts parts, EngineSnapshot& s) const
{
    const Timestamp now = ctx.now();
    const auto& working = parts.router.m_oms.workByOwner();
    const RiskGate& gate = parts.router.m_gate;
    for (auto& kv : parts.agents.m_slots) {
        AgentSlot& a = kv.second;
        AgentView v;
        v.id = a.spec.id;
        v.type = a.spec.type;
        v.symbol = a.spec.symbol;
        v.state = a.state;
        v.stateReason = a.stateReason;
        v.policy = a.spec.policy;
        v.throttle = a.spec.throttle;
        v.retired = a.retired;
        if (a.agent) {
            v.progress = a.agent->progress();
        } else if (a.spec.params.count("quantity")) { // a replay: the parent order from the configuration
            v.progress.target = static_cast<Quantity>(a.spec.params.at("quantity"));
            v.progress.done = std::abs(a.position);
        }
        v.position = a.position;
        v.pnl = parts.agents.agentPnl(ctx, parts.market, a);
        v.drawdown = std::max(0.0, a.peakPnl - v.pnl);
        v.ordersPerSecond = static_cast<double>(a.throttle.orders.count(now));
        v.participation = participation(a.throttle, parts.market.volume(a.spec.symbol));
        auto w = working.find(a.spec.id);
        v.working = w == working.end() ? 0 : w->second.working;
        v.cancelsPending = w == working.end() ? 0 : w->second.cancelsPending;
        v.awaitingApproval = parts.agents.m_approvals.countFor(a.spec.id);
        v.ordersSent = a.sent;
        v.dropped = a.dropped;
        v.denied = a.denied;
        auto stp = gate.selfTrades().find(a.spec.id);
        if (stp != gate.selfTrades().end())
            v.selfTrades = stp->second;
        v.lastDecision = a.lastDecision;
        v.lastRationale = a.lastRationale;
        if (a.agent) {
            v.monitor = a.agent->monitor();
            v.description = a.agent->description();
        } else {
            v.description = "replayed from the journal";
        }
        s.agents.push_back(std::move(v));
    }
}

PortfolioView SnapshotBuilder::portfolioView(RiskGate& gate)
{
    const PortfolioRisk& risk = gate.portfolio();
    PortfolioView v;
    for (std::size_t i = 0; i < risk.size(); ++i)
        v.symbols.push_back(risk.symbol(i));
    v.exposure = gate.portfolioExposure();
    v.esContribution = gate.esContributions();
    v.volBps = risk.volatilityBps();
    v.correlation = risk.correlation();
    v.parametric = gate.portfolioFigures(RiskMethod::Parametric);
    v.historical = gate.portfolioFigures(RiskMethod::Historical);
    v.horizonS = risk.config().horizonS;
    v.sampleIntervalS = risk.config().sampleIntervalS;
    v.samples = risk.samples();
    v.clusterThreshold = gate.limits().clusterCorrelation;
    for (const auto& group : risk.clusters(v.clusterThreshold)) {
        std::vector<std::string> names;
        for (std::size_t i : group)
            names.push_back(risk.symbol(i));
        v.clusters.push_back(std::move(names));
    }
    StressSettings stress;
    stress.clusterThreshold = v.clusterThreshold;
    v.stress = standardStress(risk, v.exposure, stress);
    v.haltedInstruments = gate.haltedInstruments();
    return v;
}

RiskView SnapshotBuilder::riskView(const EngineContext& ctx, OrderRouter& router, MarketState& market,
                                   const AgentSupervisor& agents)
{
    RiskGate& gate = router.m_gate;
    RiskView r;
    r.limits = gate.limits();
    // The gate counts rates on the monotonic clock (a replay's is the records' time).
    r.usage = gate.utilisation(ctx.clock.monoNs());
    for (const auto& kv : router.m_oms.positions()) {
        const Instrument* ins = ctx.instrument(kv.first);
        const double tick = ins ? ins->tickSize : 0.0;
        const double mid = static_cast<double>(market.twiceMid(kv.first)) / 2.0;
        const Position& p = kv.second;
        r.realized += p.realizedTicks * tick;
        if (mid > 0 && p.qty != 0)
            r.unrealized += (mid - p.avgCostTicks) * static_cast<double>(p.qty) * tick;
        r.netExposure += static_cast<double>(p.qty) * mid * tick;
        r.grossExposure += std::fabs(static_cast<double>(p.qty) * mid * tick);
    }
    r.pnl = r.realized + r.unrealized;
    if (!ctx.config.instruments.empty()) {
        const RiskMetrics& m = market.metrics(ctx.config.instruments.front().symbol);
        r.drawdown = m.drawdown();
        r.ewmaVol = m.ewmaVol();
        r.garchVol = m.garchVol();
    }
    // One-minute VaR per instrument on its own position, added up: no diversification
    // credit (the portfolio view's VaR and ES take the correlations in). Stress in any
    // instrument is stress.
    for (const auto& ins : ctx.config.instruments) {
        const RiskMetrics& m = market.metrics(ins.symbol);
        const auto held = router.m_oms.positions().find(ins.symbol);
        const Position* p = held == router.m_oms.positions().end() ? nullptr : &held->second;
        const double exposure = p ? static_cast<double>(p->qty) * static_cast<double>(market.twiceMid(ins.symbol)) / 2.0
                                        * ins.tickSize
                                  : 0.0;
        r.varParametric += m.parametricVar(exposure);
        r.varHistorical += m.historicalVar(exposure);
        if (m.stress().active && !r.stress) {
            r.stress = true;
            r.stressReason = ctx.config.instruments.size() > 1 ? ins.symbol + ": " + m.stress().reason : m.stress().reason;
        }
    }
    r.killed = agents.m_killed;
    r.halted = gate.halted();
    r.haltReason = gate.haltReason();
    r.denials = gate.totalDenials();
    r.selfTrades = gate.selfTrades();
    for (const auto& kv : r.selfTrades)
        r.selfTradesPrevented += kv.second.total();
    return r;
}

} // namespace hm
