#pragma once
// A correlated universe of instruments: one MarketSimulator per name (its own book and
// populations), stepped together in virtual time. The fundamentals follow a factor
// model whose volatilities belong to the regime, and the regime is market-wide:
//   ln F_i(t) = ln F_i(0) + b_i M(t - lag_i) + s_i S_sector(i)(t) + e_i(t)
// so correlation rises when the market factor dominates (stress), and a name with a lag
// learns of market news after the leader does (its informed traders trade later).
// Each name's makers move their belief by a share of their correlated peers' moves, so
// impact in one name reaches the others through behaviour, not through a formula.
// A seed and a configuration reproduce a session exactly. C++14-clean header.
#include "sim/market_simulator.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hm {

class MultiAssetSimulator {
public:
    // The configuration's universe must hold at least one member. startRegime < 0: the
    // configuration's initial regime. startTime: virtual seconds into the trading day.
    MultiAssetSimulator(const SimConfig& config, std::uint64_t seed, int startRegime = -1, double startTime = 0);
    ~MultiAssetSimulator();
    MultiAssetSimulator(const MultiAssetSimulator&) = delete;
    MultiAssetSimulator& operator=(const MultiAssetSimulator&) = delete;

    std::size_t size() const;
    MarketSimulator& market(std::size_t i);
    const MarketSimulator& market(std::size_t i) const;
    int indexOf(const std::string& symbol) const; // -1 when not a member
    const SimConfig& config() const;

    void runUntil(double t);
    double now() const;
    int regime() const;
    const std::string& regimeName() const;
    void forceRegime(int index); // every name at once; the chain goes on from here
    SimCounters counters() const; // summed over the names

    // What the configuration implies for fundamental returns in a regime: the
    // correlation matrix (row-major, size() x size()) and each name's volatility in bps
    // per sqrt(second). Tests compare simulated returns with these.
    std::vector<double> impliedCorrelation(int regime) const;
    std::vector<double> impliedVolBps(int regime) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The covariance of two members' fundamental log returns per second (bps^2) in a regime.
double factorCovarianceBps2(const SimConfig& config, int regime, std::size_t i, std::size_t j);

} // namespace hm
