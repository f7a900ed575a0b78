#include "features/features.h"

#include <algorithm>
#include <cmath>

namespace hm {

namespace {
constexpr double kLongestWindow = 600;

double imbalance(const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks, std::size_t levels)
{
    double b = 0, a = 0;
    for (std::size_t i = 0; i < std::min(levels, bids.size()); ++i)
        b += static_cast<double>(bids[i].qty);
    for (std::size_t i = 0; i < std::min(levels, asks.size()); ++i)
        a += static_cast<double>(asks[i].qty);
    return b + a > 0 ? (b - a) / (b + a) : 0.0;
}
} // namespace

const std::vector<std::string>& featureNames()
{
    static const std::vector<std::string> names{
        "imbalance_1",     "imbalance_3",     "imbalance_5",     "spread_ticks",   "microprice_offset_ticks",
        "rv_30s_bps",      "rv_120s_bps",     "rv_600s_bps",     "volume_60s_lots", "ofi_30s_lots",
        "ofi_120s_lots",   "time_remaining",  "inventory_remaining"};
    return names;
}

FeatureTracker::FeatureTracker(double lotSize) : m_lot(lotSize > 0 ? lotSize : 1) {}

void FeatureTracker::onQuotes(double t, const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks)
{
    m_now = std::max(m_now, t);
    m_bids.assign(bids.begin(), bids.end());
    m_asks.assign(asks.begin(), asks.end());
    if (bids.empty() || asks.empty())
        return;
    const Price bid = bids.front().price, ask = asks.front().price;
    const Quantity bq = bids.front().qty, aq = asks.front().qty;
    m_mid = 0.5 * static_cast<double>(bid + ask);
    // Order-flow imbalance of this update (Cont, Kukanov, Stoikov 2014): demand added at
    // the bid minus supply added at the ask.
    double e = 0;
    if (m_havePrev) {
        e += bid >= m_prevBid ? static_cast<double>(bq) : 0.0;
        e -= bid <= m_prevBid ? static_cast<double>(m_prevBidQty) : 0.0;
        e -= ask <= m_prevAsk ? static_cast<double>(aq) : 0.0;
        e += ask >= m_prevAsk ? static_cast<double>(m_prevAskQty) : 0.0;
    }
    m_havePrev = true;
    m_prevBid = bid;
    m_prevAsk = ask;
    m_prevBidQty = bq;
    m_prevAskQty = aq;
    Sample s{t, std::log(m_mid), e / m_lot};
    if (!m_samples.empty()) {
        const double r = s.logMid - m_samples.back().logMid;
        s.cumSq = m_samples.back().cumSq + r * r;
        s.cumOfi = m_samples.back().cumOfi + s.ofi;
    } else {
        s.cumOfi = s.ofi;
    }
    m_samples.push_back(s);
    while (!m_samples.empty() && m_samples.front().t < t - kLongestWindow)
        m_samples.pop_front();
}

void FeatureTracker::onBook(const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks)
{
    m_bids.assign(bids.begin(), bids.end());
    m_asks.assign(asks.begin(), asks.end());
}

void FeatureTracker::onVolume(double t, Quantity cumulative)
{
    m_now = std::max(m_now, t);
    m_volume.emplace_back(t, cumulative);
    // Keep one sample at or before the 60 s window's start.
    while (m_volume.size() > 2 && m_volume[1].first <= t - 60)
        m_volume.pop_front();
}

std::size_t FeatureTracker::windowStart(double window) const
{
    std::size_t lo = 0, hi = m_samples.size(); // samples are in time order
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (m_samples[mid].t > m_now - window)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

// The sum of term(i) over the window's samples, newest first. A short window is summed
// term by term (exactly as the models were trained); a long one, thousands of samples
// at the engine's update rate, by the difference of running sums.
template <typename Term>
double FeatureTracker::windowSum(double window, double Sample::*cum, Term term) const
{
    const std::size_t first = windowStart(window), end = m_samples.size();
    if (end - first > 4096 && first > 0)
        return m_samples[end - 1].*cum - m_samples[first - 1].*cum;
    double sum = 0;
    for (std::size_t i = end; i-- > first;)
        sum += term(i);
    return sum;
}

double FeatureTracker::realizedVolBps(double window) const
{
    const double sum = windowSum(window, &Sample::cumSq, [this](std::size_t i) {
        if (i == 0)
            return 0.0; // the first sample has no return
        const double r = m_samples[i].logMid - m_samples[i - 1].logMid;
        return r * r;
    });
    return 1e4 * std::sqrt(std::max(0.0, sum));
}

double FeatureTracker::ofi(double window) const
{
    return windowSum(window, &Sample::cumOfi, [this](std::size_t i) { return m_samples[i].ofi; });
}

void FeatureTracker::compute(const ExecutionTaskState& task, std::vector<double>& out) const
{
    out.assign(kFeatureCount, 0.0);
    out[kImbalance1] = imbalance(m_bids, m_asks, 1);
    out[kImbalance3] = imbalance(m_bids, m_asks, 3);
    out[kImbalance5] = imbalance(m_bids, m_asks, 5);
    if (!m_bids.empty() && !m_asks.empty()) {
        const double bid = static_cast<double>(m_bids.front().price), ask = static_cast<double>(m_asks.front().price);
        const double bq = static_cast<double>(m_bids.front().qty), aq = static_cast<double>(m_asks.front().qty);
        out[kSpreadTicks] = ask - bid;
        if (bq + aq > 0)
            out[kMicropriceOffsetTicks] = (ask * bq + bid * aq) / (bq + aq) - 0.5 * (bid + ask);
    }
    out[kRealizedVol30sBps] = realizedVolBps(30);
    out[kRealizedVol120sBps] = realizedVolBps(120);
    out[kRealizedVol600sBps] = realizedVolBps(600);
    if (m_volume.size() >= 2)
        out[kVolume60sLots] = static_cast<double>(m_volume.back().second - m_volume.front().second) / m_lot;
    out[kOrderFlowImbalance30s] = ofi(30);
    out[kOrderFlowImbalance120s] = ofi(120);
    out[kTimeRemaining] = task.timeRemaining;
    out[kInventoryRemaining] = task.inventoryRemaining;
}

} // namespace hm
