#pragma once
// How a scheduled algorithm places its child orders, shared by TWAP, VWAP, POV and
// Almgren-Chriss in the backtest and live. The schedule says how much should be done
// by now and by the end of this interval; the placement works that quantity the way a
// broker's algo does: rest at our touch while on schedule, step one tick inside when
// behind by more than band_inside slices, take liquidity only when behind by more than
// band_cross slices (or below the minimum participation) and on the last slices, and
// never cross at a price worse than the arrival mid -/+ k sigma before the last slices.
// A child still resting at the touch with about the right size is left to keep its
// place in the queue. `cross` = true is the naive reference: every slice crosses.
#include "exec/execution_env.h"

#include <string>

namespace hm {

struct PlacementParams {
    double bandInside = 0.5;        // slices behind schedule (a slice = parent / intervals) before stepping inside
    double bandCross = 1.0;         // slices behind schedule before crossing to catch up
    double limitSigmas = 2.0;       // k: no cross beyond arrival mid -/+ k sigma over the horizon; <= 0: no limit
    double minParticipation = 0;    // of the others' volume so far; below it the algo catches up (0: none)
    double maxParticipation = 0.5;  // a child is at most this share of one interval's volume (<= 0: no cap)
    int finishSlices = 1;           // the last intervals take what is left (no limit: the horizon forces it)
    double jitter = 0;              // each slice's size drawn in (1 -/+ jitter) x slice, from the seed and step
    bool cross = false;             // the naive reference: take every slice at the market
    double sigmaTicksPerSqrtS = 0;  // mid volatility (calibration); 0: from the 600-s realized volatility
};

// What the placement decided and why (for rationales and tests).
struct PlacementTrace {
    double lagSlices = 0;    // how far behind the schedule, in slices (negative: ahead)
    bool lastSlices = false; // in the intervals that finish the order
    bool belowMinimum = false;
    bool limitHeld = false;  // wanted to cross but the far touch was beyond the limit
    bool capped = false;     // the child was cut to the maximum participation
    Price limitPrice = 0;
};

// The child for this interval, given the schedule's executed quantity by now and by the
// end of the interval (units).
ExecAction placeChild(const ExecState& s, double targetNow, double targetNext, const PlacementParams& p,
                      PlacementTrace* trace = nullptr);

// The crossing limit for this episode: arrival mid -/+ k sigma_T (ticks, 0 when none).
Price crossingLimit(const ExecState& s, const PlacementParams& p);

// The algorithm families that use the placement, as the backtest and tuning name them.
const std::vector<std::string>& placementFamilies(); // twap, vwap, pov, ac
// The tuned parameters of a family (resources/exec/tuned-placement.json, compiled in);
// the hand-set defaults for a family the file does not name.
PlacementParams tunedPlacement(const std::string& family);
// Where the tuned values came from (the file's "source").
std::string tunedPlacementSource();
// Parses a tuned-placement document; "" or what is wrong and where.
std::string parseTunedPlacement(const std::string& json, const std::string& where,
                                std::vector<std::pair<std::string, PlacementParams>>& out, std::string* source = nullptr);

} // namespace hm
