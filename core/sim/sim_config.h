#pragma once
// Configuration of the market simulator: the instrument, how our and everyone's order
// flow moves beliefs, and named regimes with their populations' intensities and the
// chain that switches between them. Loaded from JSON (resources/sim/*.json, format in
// docs/simulator.md); every problem names the field and the reason. C++14-clean: the
// embedded venue includes it.
#include "model/types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hm {

struct RegimeParams {
    std::string name;
    // Fundamental value (what informed traders know): volatility in bps per sqrt(second).
    double fundamentalVolBps = 1.0;
    // Noise traders.
    double limitRate = 40;        // limit orders per second
    double marketRate = 2;        // market orders per second
    double cancelRate = 0.05;     // per resting noise order per second
    double placementAlpha = 1.3;  // Pareto tail of the distance from the touch, ticks (smaller: heavier)
    double sizeAlpha = 2.2;       // Pareto tail of order sizes, lots
    // Market makers.
    double mmHalfSpreadTicks = 1;  // base half spread
    int mmLevels = 5;              // quote levels per side
    double mmDepthLots = 8;        // lots per level
    double mmRequoteRate = 4;      // requotes per second
    double mmVolWiden = 0.5;       // extra half-spread ticks per tick/s of recent mid movement
    double mmInventorySkew = 0.02; // quote shift in ticks per lot of inventory
    // Informed and momentum traders.
    double informedRate = 1;        // looks per second
    double informedThresholdTicks = 2;
    double momentumRate = 0.5;      // looks per second
    double momentumWindowS = 30;
    double momentumThresholdTicks = 3;
    // Flash-crash-like episodes: a burst of market sells while makers pull their quotes.
    double crashRatePerHour = 0;
    double crashDurationS = 30;
    double crashSellRate = 30;      // market sells per second during an episode
    // The hidden Markov chain: leaving rate, and where to (probabilities by name).
    double exitRatePerHour = 2;
    std::vector<std::pair<std::string, double> > transitions;
    // A universe's factor model (bps per sqrt(second)): one market factor, one factor
    // per sector, each name's own part (scaled by its idio_scale). Unused by one name.
    double marketVolBps = 0.6;
    double sectorVolBps = 0.35;
    double idioVolBps = 0.4;
};

// One instrument of a correlated universe: its loadings on the market factor and on
// its sector's factor, and how many seconds its fundamental trails the market factor
// (the index leads at 0; a name at 3 s learns of market news 3 s later).
struct UniverseMember {
    Instrument instrument;
    double initialPrice = 0;
    double marketBeta = 1;
    std::string sector; // "" for none
    double sectorBeta = 1;
    double idioScale = 1;
    double lagS = 0;
};

struct Universe {
    std::vector<std::string> sectors;
    std::vector<UniverseMember> members;
    // The share of a correlated peer's move that a name's makers take into their own
    // belief, per step (cross-impact from behaviour, not from a formula).
    double peerReaction = 0.3;
    double stepS = 0.1; // how often the factors move and the makers look at their peers

    int indexOf(const std::string& symbol) const; // -1 when not a member
};

struct ScheduleEntry {
    double atS = 0;
    std::string regime;
};

struct SimConfig {
    Instrument instrument;
    double initialPrice = 18.85;
    Quantity lot = 100;          // units per lot: order sizes are whole lots
    double daySeconds = 23400;   // one trading day (6.5 hours)
    std::vector<double> intradayProfile; // activity multipliers over equal parts of the day; empty: flat
    // How taker flow moves beliefs: the consensus value (permanent, until informed traders
    // pull it back toward the fundamental) and the makers' transient pressure.
    double beliefTicksPerLot = 0.01;
    double pressureTicksPerLot = 0.03;
    double pressureDecayS = 60;
    std::string initialRegime = "normal";
    std::vector<RegimeParams> regimes;
    std::vector<ScheduleEntry> schedule; // when set, replaces the Markov chain
    Universe universe; // empty: one instrument (the fields above)
    // Set by a universe's driver: the fundamental and the regime come from outside.
    bool externallyDriven = false;

    int regimeIndex(const std::string& name) const; // -1 when unknown
    // The hidden chain's step from regime `from` for a uniform draw u in [0, 1): where
    // the transition probabilities send it (`from` when they name nothing).
    int nextRegime(int from, double u) const;
};

// Parses JSON text; `origin` names the file in messages. Returns "" or the first problem
// ("regimes[2].limit_rate: must be at least 0, got -3").
std::string parseSimConfig(const std::string& text, const std::string& origin, SimConfig& out);
std::string loadSimConfig(const std::string& path, SimConfig& out);
// The built-in configuration (the same as resources/sim/default.json).
SimConfig defaultSimConfig();

} // namespace hm
