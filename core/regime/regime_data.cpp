#include "regime/regime_detector.h"

#include "features/features.h"
#include "sim/market_simulator.h"

namespace hm {

void simulateRegimeSessions(const SimConfig& config, std::uint64_t seed0, int days, double intervalS,
                            std::vector<std::vector<RegimeObservation>>& sequences, std::vector<std::vector<int>>& labels)
{
    for (int d = 0; d < days; ++d) {
        MarketSimulator sim(config, seed0 + static_cast<std::uint64_t>(d));
        FeatureTracker tracker(static_cast<double>(config.lot));
        Depth depth;
        std::vector<PriceLevel> bids, asks;
        std::vector<RegimeObservation> seq;
        std::vector<int> lab;
        std::vector<double> f;
        const int every = std::max(1, static_cast<int>(intervalS));
        for (int s = 1; s <= static_cast<int>(config.daySeconds); ++s) {
            sim.runUntil(s);
            sim.book().depth(5, depth);
            bids.clear();
            asks.clear();
            for (const auto& l : depth.bids)
                bids.push_back(PriceLevel{l.price, l.qty});
            for (const auto& l : depth.asks)
                asks.push_back(PriceLevel{l.price, l.qty});
            tracker.onQuotes(s, bids, asks);
            tracker.onVolume(s, sim.counters().volume);
            if (s >= 600 && s % every == 0) {
                tracker.compute(ExecutionTaskState{}, f);
                seq.push_back(regimeObservation(f, bids, asks));
                lab.push_back(sim.regime());
            }
        }
        sequences.push_back(std::move(seq));
        labels.push_back(std::move(lab));
    }
}

} // namespace hm
