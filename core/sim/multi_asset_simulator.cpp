#include "sim/multi_asset_simulator.h"

#include "sim/sim_rng.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hm {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();

double idioVariance(const RegimeParams& r, const UniverseMember& m)
{
    const double v = m.idioScale * r.idioVolBps;
    return v * v;
}
} // namespace

double factorCovarianceBps2(const SimConfig& c, int regime, std::size_t i, std::size_t j)
{
    const RegimeParams& r = c.regimes[static_cast<std::size_t>(regime)];
    const UniverseMember& a = c.universe.members[i];
    const UniverseMember& b = c.universe.members[j];
    double cov = a.marketBeta * b.marketBeta * r.marketVolBps * r.marketVolBps;
    if (!a.sector.empty() && a.sector == b.sector)
        cov += a.sectorBeta * b.sectorBeta * r.sectorVolBps * r.sectorVolBps;
    if (i == j)
        cov += idioVariance(r, a);
    return cov;
}

struct MultiAssetSimulator::Impl {
    SimConfig cfg;
    Rng rng;
    std::vector<std::unique_ptr<MarketSimulator> > markets;
    std::vector<double> initialTicks; // each name's fundamental at the start, ticks
    std::vector<int> sectorOf;        // index into cfg.universe.sectors, -1 for none
    std::vector<std::size_t> lagSteps;
    double t = 0;
    double nextStep = 0;
    int regime = 0;
    double nextSwitch = kNever;
    std::size_t scheduleIndex = 0;
    // Factor paths (log units): the market factor's recent history (for the lags), the
    // sector factors and each name's own part.
    std::vector<double> marketHistory; // ring, one value per step
    std::size_t stepCount = 0;
    std::vector<double> sectorPath, idioPath;
    std::vector<double> lastMid; // ticks, per name, at the last step
    // Per regime, the regression of name i's returns on name j's (cov_ij / var_j),
    // averaged over the peers: what makers of i infer from a move of j.
    std::vector<std::vector<double> > peerWeights;

    Impl(const SimConfig& c, std::uint64_t seed, int startRegime, double startTime)
        : cfg(c), rng(seed ^ 0x5eed0f0a11ull), t(startTime)
    {
        const Universe& u = cfg.universe;
        if (u.members.empty())
            throw std::invalid_argument("multi-asset simulator: the configuration has no universe");
        regime = startRegime >= 0 && startRegime < static_cast<int>(cfg.regimes.size())
                     ? startRegime
                     : std::max(0, cfg.regimeIndex(cfg.initialRegime));
        std::size_t maxLag = 0;
        for (std::size_t i = 0; i < u.members.size(); ++i) {
            const UniverseMember& m = u.members[i];
            SimConfig sc = cfg;
            sc.universe = Universe();
            sc.schedule.clear();
            sc.externallyDriven = true;
            sc.instrument = m.instrument;
            sc.initialPrice = m.initialPrice;
            if (sc.lot % std::max<Quantity>(1, m.instrument.lotSize) != 0)
                sc.lot = 100 * std::max<Quantity>(1, m.instrument.lotSize);
            markets.emplace_back(new MarketSimulator(sc, seed + 1 + i, regime, startTime));
            initialTicks.push_back(m.initialPrice / m.instrument.tickSize);
            const auto s = std::find(u.sectors.begin(), u.sectors.end(), m.sector);
            sectorOf.push_back(m.sector.empty() || s == u.sectors.end() ? -1 : static_cast<int>(s - u.sectors.begin()));
            lagSteps.push_back(static_cast<std::size_t>(std::llround(m.lagS / u.stepS)));
            maxLag = std::max(maxLag, lagSteps.back());
        }
        marketHistory.assign(maxLag + 1, 0.0);
        sectorPath.assign(u.sectors.size(), 0.0);
        idioPath.assign(u.members.size(), 0.0);
        lastMid = initialTicks;
        for (int r = 0; r < static_cast<int>(cfg.regimes.size()); ++r)
            peerWeights.push_back(weightsFor(r));
        nextStep = t + u.stepS;
        if (!cfg.schedule.empty()) {
            while (scheduleIndex < cfg.schedule.size() && cfg.schedule[scheduleIndex].atS <= t)
                regime = cfg.regimeIndex(cfg.schedule[scheduleIndex++].regime);
            for (auto& m : markets)
                m->forceRegime(regime);
            nextSwitch = scheduleIndex < cfg.schedule.size() ? cfg.schedule[scheduleIndex].atS : kNever;
        } else {
            drawNextSwitch();
        }
    }

    // What makers of name i infer from their peers' moves: the best linear prediction
    // of i's return from all the others' (E[r_i | r_-i] = S_-i,-i^-1 S_-i,i), from the
    // regime's factor covariance. Past kMaxRegressed names, the average of the pairwise
    // regressions instead (the full one costs n^4).
    std::vector<double> weightsFor(int r) const
    {
        const std::size_t n = markets.size();
        std::vector<double> w(n * n, 0.0);
        if (n < 2)
            return w;
        constexpr std::size_t kMaxRegressed = 100;
        for (std::size_t i = 0; i < n; ++i) {
            if (n > kMaxRegressed) {
                for (std::size_t j = 0; j < n; ++j) {
                    const double varJ = factorCovarianceBps2(cfg, r, j, j);
                    if (i != j && varJ > 0)
                        w[i * n + j] = factorCovarianceBps2(cfg, r, i, j) / varJ / static_cast<double>(n - 1);
                }
                continue;
            }
            std::vector<std::size_t> peers;
            for (std::size_t j = 0; j < n; ++j)
                if (j != i)
                    peers.push_back(j);
            const std::size_t m = peers.size();
            std::vector<double> a(m * m), b(m);
            for (std::size_t p = 0; p < m; ++p) {
                b[p] = factorCovarianceBps2(cfg, r, peers[p], i);
                for (std::size_t q = 0; q < m; ++q)
                    a[p * m + q] = factorCovarianceBps2(cfg, r, peers[p], peers[q]);
            }
            const std::vector<double> x = solve(a, b, m);
            for (std::size_t p = 0; p < m; ++p)
                w[i * n + peers[p]] = x[p];
        }
        return w;
    }

    // Gaussian elimination with partial pivoting; a singular system (a name with no
    // variance of its own) gives zeros for what cannot be solved.
    static std::vector<double> solve(std::vector<double> a, std::vector<double> b, std::size_t m)
    {
        for (std::size_t c = 0; c < m; ++c) {
            std::size_t pivot = c;
            for (std::size_t r = c + 1; r < m; ++r)
                if (std::fabs(a[r * m + c]) > std::fabs(a[pivot * m + c]))
                    pivot = r;
            if (std::fabs(a[pivot * m + c]) < 1e-12)
                continue;
            for (std::size_t k = 0; k < m; ++k)
                std::swap(a[c * m + k], a[pivot * m + k]);
            std::swap(b[c], b[pivot]);
            for (std::size_t r = 0; r < m; ++r) {
                if (r == c)
                    continue;
                const double f = a[r * m + c] / a[c * m + c];
                for (std::size_t k = c; k < m; ++k)
                    a[r * m + k] -= f * a[c * m + k];
                b[r] -= f * b[c];
            }
        }
        std::vector<double> x(m, 0.0);
        for (std::size_t c = 0; c < m; ++c)
            if (std::fabs(a[c * m + c]) >= 1e-12)
                x[c] = b[c] / a[c * m + c];
        return x;
    }

    const RegimeParams& rp() const { return cfg.regimes[static_cast<std::size_t>(regime)]; }

    void drawNextSwitch()
    {
        const double rate = rp().exitRatePerHour / 3600.0;
        nextSwitch = rate > 0 && cfg.regimes.size() > 1 ? t + rng.exponential(rate) : kNever;
    }

    void switchTo(int next)
    {
        if (next == regime || next < 0)
            return;
        regime = next;
        for (auto& m : markets)
            m->forceRegime(regime);
    }

    void chainSwitch()
    {
        switchTo(cfg.nextRegime(regime, rng.uniform()));
        drawNextSwitch();
    }

    void regimeAt(double now)
    {
        if (now < nextSwitch)
            return;
        if (cfg.schedule.empty()) {
            chainSwitch();
            return;
        }
        while (scheduleIndex < cfg.schedule.size() && cfg.schedule[scheduleIndex].atS <= now)
            switchTo(cfg.regimeIndex(cfg.schedule[scheduleIndex++].regime));
        nextSwitch = scheduleIndex < cfg.schedule.size() ? cfg.schedule[scheduleIndex].atS : kNever;
    }

    double midTicks(std::size_t i) const
    {
        const Price twice = markets[i]->twiceMid();
        return twice > 0 ? 0.5 * static_cast<double>(twice) : lastMid[i];
    }

    // The factors move by one step; each name's fundamental follows.
    void moveFactors()
    {
        const RegimeParams& r = rp();
        const double root = std::sqrt(cfg.universe.stepS) * 1e-4;
        const double market = marketHistory[stepCount % marketHistory.size()] + r.marketVolBps * root * rng.normal();
        ++stepCount;
        marketHistory[stepCount % marketHistory.size()] = market;
        for (double& s : sectorPath)
            s += r.sectorVolBps * root * rng.normal();
        for (std::size_t i = 0; i < markets.size(); ++i) {
            const UniverseMember& m = cfg.universe.members[i];
            idioPath[i] += m.idioScale * r.idioVolBps * root * rng.normal();
            const std::size_t lag = std::min(lagSteps[i], stepCount);
            const double lagged = marketHistory[(stepCount - lag) % marketHistory.size()];
            double x = m.marketBeta * lagged + idioPath[i];
            if (sectorOf[i] >= 0)
                x += m.sectorBeta * sectorPath[static_cast<std::size_t>(sectorOf[i])];
            markets[i]->setFundamentalTicks(initialTicks[i] * std::exp(x));
        }
    }

    // Makers of each name read their peers' moves over the step into their own belief.
    void peersReact()
    {
        const std::size_t n = markets.size();
        std::vector<double> moves(n);
        for (std::size_t j = 0; j < n; ++j) {
            const double mid = midTicks(j);
            moves[j] = lastMid[j] > 0 ? std::log(mid / lastMid[j]) : 0.0;
            lastMid[j] = mid;
        }
        const double share = cfg.universe.peerReaction;
        if (share <= 0 || n < 2)
            return;
        const std::vector<double>& w = peerWeights[static_cast<std::size_t>(regime)];
        for (std::size_t i = 0; i < n; ++i) {
            double implied = 0;
            for (std::size_t j = 0; j < n; ++j)
                implied += w[i * n + j] * moves[j];
            if (implied != 0)
                markets[i]->shiftBelief(share * implied * lastMid[i]);
        }
    }

    void runUntil(double target)
    {
        while (nextStep <= target) {
            for (auto& m : markets)
                m->runUntil(nextStep);
            t = nextStep;
            peersReact();
            moveFactors();
            regimeAt(t);
            nextStep = t + cfg.universe.stepS;
        }
        if (target > t) {
            for (auto& m : markets)
                m->runUntil(target);
            t = target;
        }
    }
};

MultiAssetSimulator::MultiAssetSimulator(const SimConfig& config, std::uint64_t seed, int startRegime, double startTime)
    : m_impl(new Impl(config, seed, startRegime, startTime))
{
}

MultiAssetSimulator::~MultiAssetSimulator() = default;

std::size_t MultiAssetSimulator::size() const { return m_impl->markets.size(); }
MarketSimulator& MultiAssetSimulator::market(std::size_t i) { return *m_impl->markets.at(i); }
const MarketSimulator& MultiAssetSimulator::market(std::size_t i) const { return *m_impl->markets.at(i); }
int MultiAssetSimulator::indexOf(const std::string& symbol) const { return m_impl->cfg.universe.indexOf(symbol); }
const SimConfig& MultiAssetSimulator::config() const { return m_impl->cfg; }
void MultiAssetSimulator::runUntil(double t) { m_impl->runUntil(t); }
double MultiAssetSimulator::now() const { return m_impl->t; }
int MultiAssetSimulator::regime() const { return m_impl->regime; }
const std::string& MultiAssetSimulator::regimeName() const { return m_impl->rp().name; }

void MultiAssetSimulator::forceRegime(int index)
{
    if (index < 0 || index >= static_cast<int>(m_impl->cfg.regimes.size()))
        return;
    m_impl->switchTo(index);
    if (m_impl->cfg.schedule.empty())
        m_impl->drawNextSwitch();
}

SimCounters MultiAssetSimulator::counters() const
{
    SimCounters sum;
    for (const auto& m : m_impl->markets) {
        const SimCounters& c = m->counters();
        sum.bookEvents += c.bookEvents;
        sum.decisions += c.decisions;
        sum.trades += c.trades;
        sum.volume += c.volume;
        sum.crashes += c.crashes;
    }
    sum.regimeSwitches = m_impl->markets.empty() ? 0 : m_impl->markets.front()->counters().regimeSwitches;
    return sum;
}

std::vector<double> MultiAssetSimulator::impliedCorrelation(int regime) const
{
    const std::size_t n = size();
    std::vector<double> out(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double denom = std::sqrt(factorCovarianceBps2(m_impl->cfg, regime, i, i)
                                           * factorCovarianceBps2(m_impl->cfg, regime, j, j));
            out[i * n + j] = denom > 0 ? factorCovarianceBps2(m_impl->cfg, regime, i, j) / denom : (i == j ? 1.0 : 0.0);
        }
    return out;
}

std::vector<double> MultiAssetSimulator::impliedVolBps(int regime) const
{
    std::vector<double> out;
    for (std::size_t i = 0; i < size(); ++i)
        out.push_back(std::sqrt(factorCovarianceBps2(m_impl->cfg, regime, i, i)));
    return out;
}

} // namespace hm
