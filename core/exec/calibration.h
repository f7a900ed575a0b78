#pragma once
// What the execution strategies know about the market, learnt from the simulator:
// the intraday volume profile (for VWAP), the expected volume over a horizon (to size
// the default task), and the Almgren-Chriss parameters (volatility, temporary and
// permanent impact), each estimated by running the simulator (docs/execution.md).
#include "sim/sim_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hm {

struct VolumeProfile {
    double daySeconds = 23400;
    std::vector<double> fraction; // share of the day's volume in each equal bucket
    double dailyVolume = 0;       // units, mean over the days learnt from
    // Share of the day's volume between two times of day (s), interpolating within buckets.
    double share(double from, double to) const;
    double expectedVolume(double from, double to) const { return dailyVolume * share(from, to); }
};

// Runs `days` whole simulated days (seeds seed0, seed0+1, ...) and buckets the volume.
VolumeProfile learnVolumeProfile(const SimConfig& config, int days, std::uint64_t seed0, int buckets = 78);

struct ImpactEstimate {
    double sigmaTicksPerSqrtS = 0;  // mid volatility
    double spreadCostTicks = 0;     // epsilon: fixed cost per unit of a market order (half spread)
    double etaTicksPerLot = 0;      // temporary impact: extra cost per unit, per lot of order size
    double gammaTicksPerLot = 0;    // permanent impact: lasting mid move per lot executed
    int samples = 0;
};

// Market sells of 1..16 lots into held-regime markets (mixing all regimes), with the
// same seeds without our order as the counterfactual for the permanent part.
ImpactEstimate calibrateImpact(const SimConfig& config, int samples, std::uint64_t seed0);

} // namespace hm
