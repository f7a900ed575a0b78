#pragma once
// Market features, one implementation for agents, the execution environment, the
// regime detector and the window: multi-level book imbalance, spread, microprice,
// realized volatility over several windows, traded volume, order-flow imbalance, and
// the execution task's time and inventory remaining. Fed with quote samples and the
// cumulative traded volume; time is in seconds on any clock (virtual or wall).
#include "model/events.h"

#include <deque>
#include <string>
#include <vector>

namespace hm {

enum Feature : int {
    kImbalance1,
    kImbalance3,
    kImbalance5,
    kSpreadTicks,
    kMicropriceOffsetTicks, // microprice minus mid
    kRealizedVol30sBps,
    kRealizedVol120sBps,
    kRealizedVol600sBps,
    kVolume60sLots,
    kOrderFlowImbalance30s,  // Cont-Kukanov-Stoikov OFI over the window, in lots
    kOrderFlowImbalance120s,
    kTimeRemaining,      // of the execution task, 0..1 (0 without a task)
    kInventoryRemaining, // of the execution task, 0..1 (0 without a task)
    kFeatureCount
};

const std::vector<std::string>& featureNames();

struct ExecutionTaskState {
    double timeRemaining = 0;      // fraction of the horizon left
    double inventoryRemaining = 0; // fraction of the parent order left
};

class FeatureTracker {
public:
    explicit FeatureTracker(double lotSize = 100);

    // A quote sample (best first). Samples may come on every change or at a steady
    // cadence; volatility and OFI use consecutive samples.
    void onQuotes(double t, const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks);
    // The book between samples: the instantaneous features (imbalance, spread,
    // microprice) follow it; the windows and OFI keep to the samples.
    void onBook(const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks);
    void onVolume(double t, Quantity cumulativeVolume);

    // All features now; `out` is resized to kFeatureCount.
    void compute(const ExecutionTaskState& task, std::vector<double>& out) const;
    double mid() const { return m_mid; }
    double now() const { return m_now; }

private:
    struct Sample {
        double t;
        double logMid;
        double ofi; // this sample's OFI contribution, lots
        double cumSq = 0;  // running sums since the tracker began: long windows by difference
        double cumOfi = 0;
    };
    std::size_t windowStart(double window) const; // first sample with t > now - window
    template <typename Term>
    double windowSum(double window, double Sample::*cum, Term term) const;
    double realizedVolBps(double window) const;
    double ofi(double window) const;

    double m_lot;
    double m_now = 0;
    double m_mid = 0;
    std::vector<PriceLevel> m_bids, m_asks;
    bool m_havePrev = false;
    Price m_prevBid = 0, m_prevAsk = 0;
    Quantity m_prevBidQty = 0, m_prevAskQty = 0;
    std::deque<Sample> m_samples; // the last 600 s
    std::deque<std::pair<double, Quantity>> m_volume; // (t, cumulative), the last 60 s and one before
};

} // namespace hm
