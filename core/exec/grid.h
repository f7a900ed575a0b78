#pragma once
// The evaluation grid: every strategy on a grid of execution tasks (side x parent size
// x horizon x starting regime), each cell on its own held-out seeds shared by all
// strategies of the cell (paired), against the best classic baseline of the cell:
// share of episodes that beat it, a paired Wilcoxon signed-rank test, and
// Benjamini-Hochberg corrected p-values across the cells (one family per strategy).
// No Qt here; helmsman-backtest --grid writes the tables and draws the charts.
#include "exec/backtest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hm {

// The strategies that count as the classic baseline: the passive classic algorithms
// by their built-in name (twap, vwap, pov, ac). Not the naive crossing references
// ("*-cross"), not submit-and-leave, not learned models.
bool isClassicBaseline(const std::string& key);

// Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1), in the order
// given. NaN entries are not tests: they stay NaN and do not count in the family size.
std::vector<double> benjaminiHochberg(const std::vector<double>& p);

struct GridStrategy {
    std::string key;  // built-in name ("twap", ...) or "model:<path>"
    std::string name; // as shown ("TWAP", "PPO", ...)
    PolicyFactory factory;
    bool learned = false;
};

struct GridCell {
    Side side = Side::Sell;
    double sizeFraction = 0.10; // of the expected volume over the horizon
    double horizonS = 1800;
    int regime = 0;             // starting regime
};

struct GridOptions {
    std::vector<Side> sides{Side::Buy, Side::Sell};
    std::vector<double> sizes{0.01, 0.05, 0.10, 0.25};
    std::vector<double> horizonsS{300, 1800, 7200};
    std::vector<int> regimes;   // empty: every regime of the simulator
    int episodes = 50;          // per cell, the same seeds for every strategy; 96 cells x 50 x 7 strategies
                                // (the default five built-ins and two models) take about 25 minutes on two cores
    std::uint64_t seed0 = 900000000;
    std::uint64_t seedStride = 100000; // cell c uses seeds seed0 + c * stride + [0, episodes)
    int threads = 2;
    double alpha = 0.05;        // for the significance flags (on corrected p)
};

struct GridEpisode {
    int cell = 0, strategy = 0;
    std::uint64_t seed = 0;
    double shortfallBps = 0, impactBps = 0, fillRate = 0;
};

// One strategy in one cell.
struct GridRow {
    int cell = 0, strategy = 0;
    int n = 0;
    double meanShortfall = 0, medianShortfall = 0, timingRisk = 0, impact = 0, fillRate = 0;
    bool classic = false, bestClassic = false;
    double baselineMean = 0;     // the cell's best classic baseline
    double improvementBps = 0;   // baselineMean - meanShortfall (positive: cheaper)
    double improvementPct = 0;   // of |baselineMean|
    double beatShare = 0;        // episodes strictly cheaper than the baseline's
    double wilcoxonZ = 0;        // > 0: dearer than the baseline
    double p = 0, pAdjusted = 0; // NaN for the baseline itself
    bool significantlyBetter = false, significantlyWorse = false;
};

// One strategy over the whole grid, each episode paired with its cell's best classic.
struct GridAggregate {
    int strategy = 0;
    int n = 0;
    double meanShortfall = 0, baselineMean = 0, improvementBps = 0, improvementPct = 0, beatShare = 0;
    double wilcoxonZ = 0;        // > 0: dearer than the cells' baselines in the signed ranks
    double p = 0, pAdjusted = 0; // across strategies
    int cellsBetter = 0, cellsWorse = 0, cellsBest = 0; // significant (corrected) / being the baseline
    double meanImpact = 0;       // bps, over every episode
    double meanTimingRisk = 0;   // the per-cell sd of shortfall, averaged over the cells
    double adaptability = 0;     // share of cells not significantly worse than the cell's best classic
};

struct GridResult {
    GridOptions options;
    std::vector<GridCell> cells;
    std::vector<GridStrategy> strategies; // factories cleared
    std::vector<std::string> regimeNames;
    std::vector<GridEpisode> episodes;    // by cell, episode, strategy
    std::vector<GridRow> rows;            // by cell, then strategy
    std::vector<int> bestClassic;         // per cell: strategy index, -1 without classic strategies
    std::vector<GridAggregate> aggregate; // per strategy
    double seconds = 0;
};

std::vector<GridCell> gridCells(const GridOptions& o, int regimeCount);
// The task of `seed` in `cell`: time of day and size as Backtest::taskFor draws them,
// with the cell's side, horizon and starting regime set explicitly.
ExecutionTask gridTask(const Backtest& calibrated, const GridCell& cell, std::uint64_t seed);
std::uint64_t gridSeed(const GridOptions& o, int cell, int episode);

// Runs the grid on the calibrated backtest's configuration, then computes the statistics.
GridResult runGrid(const Backtest& calibrated, std::vector<GridStrategy> strategies, const GridOptions& options,
                   const Progress& progress = {});
// The statistics of a grid whose episodes are filled in (exposed for tests).
void computeGridStatistics(GridResult& r);

std::string describeCell(const GridCell& cell, const std::vector<std::string>& regimeNames);

} // namespace hm
