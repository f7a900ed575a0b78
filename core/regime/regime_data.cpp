#include "regime/regime_detector.h"

#include "features/book_sampler.h"
#include "sim/market_simulator.h"

namespace hm {

void simulateRegimeSessions(const SimConfig& config, std::uint64_t seed0, int days, double intervalS,
                            std::vector<std::vector<RegimeObservation>>& sequences, std::vector<std::vector<int>>& labels)
{
    for (int d = 0; d < days; ++d) {
        MarketSimulator sim(config, seed0 + static_cast<std::uint64_t>(d));
        FeatureTracker tracker(static_cast<double>(config.lot));
        BookSampler sampler;
        std::vector<RegimeObservation> seq;
        std::vector<int> lab;
        std::vector<double> f;
        const int every = std::max(1, static_cast<int>(intervalS));
        for (int s = 1; s <= static_cast<int>(config.daySeconds); ++s) {
            sim.runUntil(s);
            sampler.sample(sim.book(), s, sim.counters().volume, tracker);
            if (s >= 600 && s % every == 0) {
                tracker.compute(ExecutionTaskState{}, f);
                seq.push_back(regimeObservation(f, sampler.bids(), sampler.asks()));
                lab.push_back(sim.regime());
            }
        }
        sequences.push_back(std::move(seq));
        labels.push_back(std::move(lab));
    }
}

} // namespace hm
