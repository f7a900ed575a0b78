#pragma once
// Market features for a live consumer (the engine's per-instrument features, execution
// and signal agents), at the cadence the models learned from. Their training data
// samples the book once a second (BookSampler in execution_env.cpp, regime_data.cpp,
// signal_model.cpp): realized volatility and OFI summed over twenty samples a second
// would not be the features a model was trained on. So the windows take a sample once a
// second, while the instantaneous features (imbalance, spread, microprice) follow every
// update. It also bounds the 600-second window at about 600 samples, however busy the book.
#include "features/features.h"

namespace hm {

class LiveFeatures {
public:
    static constexpr double kSampleIntervalS = 1.0;

    explicit LiveFeatures(double lotSize = 100) : m_tracker(lotSize) {}

    // The book and cumulative volume at time t (seconds). `sampleNow` takes a sample even
    // before the second is up (a model about to read the windows). True when sampled.
    bool observe(double t, const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks,
                 Quantity cumulativeVolume, bool sampleNow = false)
    {
        if (!m_sampled || t >= m_next || sampleNow) {
            m_tracker.onQuotes(t, bids, asks);
            m_tracker.onVolume(t, cumulativeVolume);
            m_next = t + kSampleIntervalS;
            m_sampled = true;
            return true;
        }
        m_tracker.onBook(bids, asks);
        return false;
    }
    void compute(const ExecutionTaskState& task, std::vector<double>& out) const { m_tracker.compute(task, out); }

private:
    FeatureTracker m_tracker;
    bool m_sampled = false;
    double m_next = 0;
};

} // namespace hm
