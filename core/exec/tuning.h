#pragma once
// Tuning of the placement (exec/placement.h) per algorithm family: a small grid of
// (band_inside, band_cross, limit_sigmas, max_participation) scored by the mean
// implementation shortfall over a few task sizes and horizons, on training seeds only
// (below 100,000,000; the backtest's held-out seeds start at 900,000,000).
#include "exec/backtest.h"

#include <string>
#include <vector>

namespace hm {

struct TuningTask {
    double horizonS = 1800;
    double sizeFraction = 0.10;
};

struct TuningOptions {
    std::vector<double> bandInside{0.25, 0.5, 1.0};
    std::vector<double> bandCross{1.0, 2.0, 4.0};
    std::vector<double> limitSigmas{0.0, 1.0, 2.0}; // 0: no limit
    std::vector<double> maxParticipation{0.25, 0.5, 0.0}; // 0: no cap
    std::vector<TuningTask> tasks{{1800, 0.10}, {600, 0.05}, {1800, 0.25}};
    int episodesPerTask = 20;
    std::uint64_t seed0 = 20000000; // training seeds
    std::vector<std::string> families{"twap", "vwap", "pov", "ac"};
};

struct TuningResult {
    std::string family;
    PlacementParams best;
    double bestMeanBps = 0, defaultMeanBps = 0, crossMeanBps = 0; // mean over the tasks of each task's mean
    int candidates = 0, episodes = 0;
};

// False and `error` when the options would touch held-out seeds or the grid is empty.
bool checkTuningOptions(const TuningOptions& o, std::string& error);
// `backtest` gives the simulator, the calibration and the base options (threads, interval, side).
std::vector<TuningResult> tunePlacement(const Backtest& backtest, const TuningOptions& o, const Progress& progress = {});
// The resources/exec/tuned-placement.json document for these results.
std::string tunedPlacementDocument(const std::vector<TuningResult>& results, const std::string& source);

} // namespace hm
