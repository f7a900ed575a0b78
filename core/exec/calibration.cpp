#include "exec/calibration.h"

#include "sim/market_simulator.h"

#include <algorithm>
#include <cmath>

namespace hm {

double VolumeProfile::share(double from, double to) const
{
    if (fraction.empty() || to <= from)
        return 0;
    const double width = daySeconds / static_cast<double>(fraction.size());
    double total = 0;
    for (std::size_t i = 0; i < fraction.size(); ++i) {
        const double a = static_cast<double>(i) * width, b = a + width;
        const double overlap = std::min(b, to) - std::max(a, from);
        if (overlap > 0)
            total += fraction[i] * overlap / width;
    }
    return total;
}

VolumeProfile learnVolumeProfile(const SimConfig& config, int days, std::uint64_t seed0, int buckets)
{
    VolumeProfile p;
    p.daySeconds = config.daySeconds;
    p.fraction.assign(static_cast<std::size_t>(buckets), 0.0);
    const double width = config.daySeconds / buckets;
    for (int d = 0; d < days; ++d) {
        MarketSimulator sim(config, seed0 + static_cast<std::uint64_t>(d));
        std::vector<double> v(static_cast<std::size_t>(buckets), 0.0);
        Quantity last = sim.counters().volume;
        for (int b = 0; b < buckets; ++b) {
            sim.runUntil(width * (b + 1));
            v[static_cast<std::size_t>(b)] = static_cast<double>(sim.counters().volume - last);
            last = sim.counters().volume;
        }
        double total = 0;
        for (double x : v)
            total += x;
        p.dailyVolume += total / days;
        for (int b = 0; b < buckets; ++b)
            p.fraction[static_cast<std::size_t>(b)] += v[static_cast<std::size_t>(b)] / std::max(1.0, total) / days;
    }
    return p;
}

ImpactEstimate calibrateImpact(const SimConfig& config, int samples, std::uint64_t seed0)
{
    ImpactEstimate e;
    std::vector<double> sizes, costs;
    double permanent = 0, varSum = 0, varTime = 0;
    const int regimes = static_cast<int>(config.regimes.size());
    for (int i = 0; i < samples; ++i) {
        SimConfig c = config;
        c.schedule = {ScheduleEntry{0, config.regimes[static_cast<std::size_t>(i % regimes)].name}};
        const Quantity lots = Quantity(1) << (i / regimes % 5);
        const std::uint64_t seed = seed0 + static_cast<std::uint64_t>(i);
        double fall[2] = {0, 0};
        for (int trade = 1; trade >= 0; --trade) {
            MarketSimulator sim(c, seed, -1, 3600);
            sim.runUntil(3600 + 300);
            const double mid0 = sim.twiceMid() / 2.0;
            if (mid0 <= 0)
                break;
            if (trade) {
                sim.submit(1, Side::Sell, OrderType::Market, TimeInForce::ImmediateOrCancel, 0, lots * c.lot);
                double qty = 0, value = 0;
                for (const SimFill& f : sim.takeOwnFills()) {
                    qty += static_cast<double>(f.qty);
                    value += static_cast<double>(f.qty) * static_cast<double>(f.price);
                }
                if (qty > 0) {
                    sizes.push_back(static_cast<double>(lots));
                    costs.push_back(mid0 - value / qty);
                }
            }
            double last = mid0;
            for (int s = 1; s <= 60; ++s) {
                sim.runUntil(3900 + s);
                if (sim.twiceMid() > 0)
                    last = sim.twiceMid() / 2.0;
            }
            fall[trade] = mid0 - last;
            if (!trade) { // volatility from one-minute changes: free of the bid-ask bounce
                varSum += (last - mid0) * (last - mid0);
                varTime += 60;
            }
        }
        permanent += (fall[1] - fall[0]) / static_cast<double>(lots);
    }
    // Least squares: cost per unit = epsilon + eta * lots.
    const double n = static_cast<double>(sizes.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        sx += sizes[i];
        sy += costs[i];
        sxx += sizes[i] * sizes[i];
        sxy += sizes[i] * costs[i];
    }
    const double denom = n * sxx - sx * sx;
    e.etaTicksPerLot = denom > 0 ? std::max(0.0, (n * sxy - sx * sy) / denom) : 0;
    e.spreadCostTicks = n > 0 ? (sy - e.etaTicksPerLot * sx) / n : 0;
    e.gammaTicksPerLot = samples > 0 ? std::max(0.0, permanent / samples) : 0;
    e.sigmaTicksPerSqrtS = varTime > 0 ? std::sqrt(varSum / varTime) : 0;
    e.samples = static_cast<int>(sizes.size());
    return e;
}

} // namespace hm
