#include "exec/grid.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <thread>

namespace hm {

bool isClassicBaseline(const std::string& key)
{
    // The passive classic algorithms. Their crossing references ("twap-cross", ...),
    // submit-and-leave and learned models are what the baseline is compared with.
    static const char* const kClassic[] = {"twap", "vwap", "pov", "ac"};
    return std::find(std::begin(kClassic), std::end(kClassic), key) != std::end(kClassic);
}

std::vector<double> benjaminiHochberg(const std::vector<double>& p)
{
    std::vector<double> out(p.size(), std::nan(""));
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (!std::isnan(p[i]))
            order.push_back(i);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
    const double m = static_cast<double>(order.size());
    double running = 1.0; // step-up: the minimum over this rank and all larger ones
    for (std::size_t k = order.size(); k-- > 0;) {
        running = std::min(running, p[order[k]] * m / static_cast<double>(k + 1));
        out[order[k]] = std::min(1.0, running);
    }
    return out;
}

std::vector<GridCell> gridCells(const GridOptions& o, int regimeCount)
{
    std::vector<int> regimes = o.regimes;
    if (regimes.empty())
        for (int r = 0; r < regimeCount; ++r)
            regimes.push_back(r);
    std::vector<GridCell> cells;
    for (Side side : o.sides)
        for (double size : o.sizes)
            for (double horizon : o.horizonsS)
                for (int regime : regimes)
                    cells.push_back({side, size, horizon, regime});
    return cells;
}

std::uint64_t gridSeed(const GridOptions& o, int cell, int episode)
{
    return o.seed0 + static_cast<std::uint64_t>(cell) * o.seedStride + static_cast<std::uint64_t>(episode);
}

namespace {
// A backtest with the cell's side and horizon, so taskFor draws the task as it does
// for a single run; the calibration is the given one.
Backtest taskMaker(const Backtest& calibrated, Side side, double horizonS)
{
    BacktestOptions o = calibrated.options();
    o.side = side;
    o.horizonS = horizonS;
    Backtest b(calibrated.config(), o);
    b.setCalibration(calibrated.profile(), calibrated.impact());
    return b;
}

ExecutionTask taskIn(const Backtest& maker, const GridCell& cell, std::uint64_t seed)
{
    ExecutionTask t = maker.taskFor(seed, cell.sizeFraction);
    t.startRegime = cell.regime;
    return t;
}

double percentOf(double improvement, double base) { return std::fabs(base) > 1e-12 ? 100.0 * improvement / std::fabs(base) : 0.0; }
} // namespace

ExecutionTask gridTask(const Backtest& calibrated, const GridCell& cell, std::uint64_t seed)
{
    return taskIn(taskMaker(calibrated, cell.side, cell.horizonS), cell, seed);
}

std::string describeCell(const GridCell& c, const std::vector<std::string>& regimeNames)
{
    std::ostringstream s;
    s << (c.side == Side::Buy ? "buy " : "sell ") << c.sizeFraction * 100 << "% " << c.horizonS / 60 << "min "
      << (c.regime >= 0 && c.regime < static_cast<int>(regimeNames.size()) ? regimeNames[static_cast<std::size_t>(c.regime)]
                                                                          : std::to_string(c.regime));
    return s.str();
}

GridResult runGrid(const Backtest& calibrated, std::vector<GridStrategy> strategies, const GridOptions& options,
                   const Progress& progress)
{
    GridResult r;
    r.options = options;
    for (const RegimeParams& reg : calibrated.config().regimes)
        r.regimeNames.push_back(reg.name);
    r.cells = gridCells(options, static_cast<int>(r.regimeNames.size()));
    std::map<std::pair<int, double>, Backtest> makers; // by (side, horizon)
    for (const GridCell& c : r.cells) {
        const auto key = std::make_pair(static_cast<int>(c.side), c.horizonS);
        if (!makers.count(key))
            makers.emplace(key, taskMaker(calibrated, c.side, c.horizonS));
    }
    const int C = static_cast<int>(r.cells.size()), E = std::max(0, options.episodes);
    const std::size_t S = strategies.size();
    const int total = C * E;
    r.episodes.resize(static_cast<std::size_t>(total) * S);
    std::atomic<int> next{0}, done{0};
    std::mutex progressMutex;
    auto worker = [&] {
        for (int item; (item = next++) < total;) {
            const int c = item / E, e = item % E;
            const GridCell& cell = r.cells[static_cast<std::size_t>(c)];
            const std::uint64_t seed = gridSeed(options, c, e);
            const ExecutionTask task = taskIn(makers.at({static_cast<int>(cell.side), cell.horizonS}), cell, seed);
            for (std::size_t s = 0; s < S; ++s) {
                std::unique_ptr<ExecutionPolicy> policy = strategies[s].factory();
                const EpisodeResult er = runEpisode(calibrated.config(), task, seed, *policy);
                GridEpisode& g = r.episodes[static_cast<std::size_t>(item) * S + s];
                g.cell = c;
                g.strategy = static_cast<int>(s);
                g.seed = seed;
                g.shortfallBps = er.shortfallBps;
                g.impactBps = er.impactBps;
                g.fillRate = er.fillRate;
            }
            const int d = ++done;
            if (progress) {
                std::lock_guard<std::mutex> lock(progressMutex);
                progress(d, total);
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < std::max(1, options.threads); ++i)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
        t.join();
    for (GridStrategy& s : strategies)
        s.factory = nullptr;
    r.strategies = std::move(strategies);
    computeGridStatistics(r);
    return r;
}

void computeGridStatistics(GridResult& r)
{
    const std::size_t C = r.cells.size(), S = r.strategies.size();
    // series[cell][strategy]: shortfalls in seed order (episodes are stored by seed).
    std::vector<std::vector<std::vector<const GridEpisode*>>> series(C, std::vector<std::vector<const GridEpisode*>>(S));
    for (const GridEpisode& e : r.episodes)
        series[static_cast<std::size_t>(e.cell)][static_cast<std::size_t>(e.strategy)].push_back(&e);
    for (auto& cell : series)
        for (auto& v : cell)
            std::stable_sort(v.begin(), v.end(), [](const GridEpisode* a, const GridEpisode* b) { return a->seed < b->seed; });
    auto field = [](const std::vector<const GridEpisode*>& v, double GridEpisode::*f) {
        std::vector<double> x;
        x.reserve(v.size());
        for (const GridEpisode* e : v)
            x.push_back(e->*f);
        return x;
    };
    r.rows.clear();
    r.bestClassic.assign(C, -1);
    // Per strategy, what each cell's episodes pair with: the cell's best classic.
    std::vector<std::vector<double>> pooled(S), pooledBase(S);
    for (std::size_t c = 0; c < C; ++c) {
        std::vector<double> means(S);
        for (std::size_t s = 0; s < S; ++s) {
            means[s] = mean(field(series[c][s], &GridEpisode::shortfallBps));
            if (isClassicBaseline(r.strategies[s].key) && !series[c][s].empty()
                && (r.bestClassic[c] < 0 || means[s] < means[static_cast<std::size_t>(r.bestClassic[c])]))
                r.bestClassic[c] = static_cast<int>(s);
        }
        const int best = r.bestClassic[c];
        const std::vector<double> base = best >= 0 ? field(series[c][static_cast<std::size_t>(best)], &GridEpisode::shortfallBps)
                                                   : std::vector<double>{};
        for (std::size_t s = 0; s < S; ++s) {
            GridRow row;
            row.cell = static_cast<int>(c);
            row.strategy = static_cast<int>(s);
            const std::vector<double> is = field(series[c][s], &GridEpisode::shortfallBps);
            row.n = static_cast<int>(is.size());
            row.meanShortfall = means[s];
            row.medianShortfall = quantile(is, 0.5);
            row.timingRisk = sampleSd(is);
            row.impact = mean(field(series[c][s], &GridEpisode::impactBps));
            row.fillRate = mean(field(series[c][s], &GridEpisode::fillRate));
            row.classic = isClassicBaseline(r.strategies[s].key);
            row.bestClassic = best == static_cast<int>(s);
            row.p = row.pAdjusted = std::nan("");
            if (best >= 0) {
                row.baselineMean = mean(base);
                row.improvementBps = row.baselineMean - row.meanShortfall;
                row.improvementPct = percentOf(row.improvementBps, row.baselineMean);
                const std::size_t n = std::min(is.size(), base.size());
                int beat = 0;
                for (std::size_t i = 0; i < n; ++i)
                    beat += is[i] < base[i] - 1e-9;
                row.beatShare = n ? static_cast<double>(beat) / n : 0;
                if (!row.bestClassic) {
                    const WilcoxonResult w = wilcoxonSignedRank(is, base);
                    row.p = w.pTwoSided;
                    row.wilcoxonZ = w.z;
                    pooled[s].insert(pooled[s].end(), is.begin(), is.begin() + static_cast<long>(n));
                    pooledBase[s].insert(pooledBase[s].end(), base.begin(), base.begin() + static_cast<long>(n));
                } else {
                    pooled[s].insert(pooled[s].end(), is.begin(), is.end());
                    pooledBase[s].insert(pooledBase[s].end(), is.begin(), is.end());
                }
            }
            r.rows.push_back(row);
        }
    }
    // One family of tests per strategy: its cells.
    for (std::size_t s = 0; s < S; ++s) {
        std::vector<double> p;
        std::vector<GridRow*> rows;
        for (GridRow& row : r.rows)
            if (row.strategy == static_cast<int>(s)) {
                p.push_back(row.p);
                rows.push_back(&row);
            }
        const std::vector<double> adjusted = benjaminiHochberg(p);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            GridRow& row = *rows[i];
            row.pAdjusted = adjusted[i];
            const bool significant = !std::isnan(row.pAdjusted) && row.pAdjusted < r.options.alpha;
            row.significantlyWorse = significant && row.wilcoxonZ > 0;
            row.significantlyBetter = significant && row.wilcoxonZ < 0;
        }
    }
    r.aggregate.clear();
    std::vector<double> aggP;
    for (std::size_t s = 0; s < S; ++s) {
        GridAggregate a;
        a.strategy = static_cast<int>(s);
        std::vector<double> all, impacts;
        for (std::size_t c = 0; c < C; ++c) {
            const auto x = field(series[c][s], &GridEpisode::shortfallBps);
            all.insert(all.end(), x.begin(), x.end());
            const auto i = field(series[c][s], &GridEpisode::impactBps);
            impacts.insert(impacts.end(), i.begin(), i.end());
        }
        a.meanImpact = mean(impacts);
        a.n = static_cast<int>(all.size());
        a.meanShortfall = mean(all);
        a.baselineMean = mean(pooledBase[s]);
        a.improvementBps = a.baselineMean - mean(pooled[s]);
        a.improvementPct = percentOf(a.improvementBps, a.baselineMean);
        int beat = 0;
        for (std::size_t i = 0; i < pooled[s].size(); ++i)
            beat += pooled[s][i] < pooledBase[s][i] - 1e-9;
        a.beatShare = pooled[s].empty() ? 0 : static_cast<double>(beat) / pooled[s].size();
        if (pooled[s].empty()) {
            a.p = std::nan("");
        } else {
            const WilcoxonResult w = wilcoxonSignedRank(pooled[s], pooledBase[s]);
            a.p = w.pTwoSided;
            a.wilcoxonZ = w.z;
        }
        int cells = 0;
        for (const GridRow& row : r.rows)
            if (row.strategy == static_cast<int>(s)) {
                a.cellsBetter += row.significantlyBetter;
                a.cellsWorse += row.significantlyWorse;
                a.cellsBest += row.bestClassic;
                a.meanTimingRisk += row.timingRisk;
                ++cells;
            }
        if (cells > 0) {
            a.meanTimingRisk /= cells;
            a.adaptability = 1.0 - static_cast<double>(a.cellsWorse) / cells;
        }
        aggP.push_back(a.p);
        r.aggregate.push_back(a);
    }
    const std::vector<double> adjusted = benjaminiHochberg(aggP);
    for (std::size_t s = 0; s < S; ++s)
        r.aggregate[s].pAdjusted = adjusted[s];
}

} // namespace hm
