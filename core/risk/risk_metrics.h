#pragma once
// Dynamic risk: volatility forecasts (EWMA and a fitted GARCH(1,1)), 99% value at risk
// (parametric and historical), P&L drawdown, and a market-stress detector. Fed by the
// engine with the mid price, the visible depth and the P&L; it samples returns on a
// fixed interval so that the figures do not depend on how often data arrives.
#include "model/types.h"

#include <deque>
#include <string>
#include <vector>

namespace hm {

struct GarchParams {
    double omega = 0, alpha = 0, beta = 0;
    bool fitted = false;
};

struct StressState {
    bool active = false;
    std::string reason; // what tripped it, with the numbers
};

struct RiskMetricsConfig {
    Timestamp sampleNs = 1000000000; // one return per second
    double ewmaLambda = 0.94;
    std::size_t historyReturns = 2000;
    std::size_t garchRefitEvery = 100;
    int varHorizonSamples = 60;      // VaR over one minute
    double stressSigmas = 5.0;       // a return this many forecast sigmas out...
    double stressDepthFraction = 0.5; // ...with depth below this share of its average
    int calmSamplesToClear = 10;     // hysteresis: this many calm samples before it clears
};

class RiskMetrics {
public:
    explicit RiskMetrics(RiskMetricsConfig config = {});

    // Returns true when a new return was sampled (forecasts moved).
    bool onMarket(Timestamp now, double mid, double depth);
    void onPnl(double pnl);

    double ewmaVol() const;  // per sample, as a fraction
    double garchVol() const; // one-sample-ahead forecast
    const GarchParams& garch() const { return m_garch; }
    // 99% VaR of holding `exposure` (signed currency) over the configured horizon.
    double parametricVar(double exposure) const;
    double historicalVar(double exposure) const;
    double pnl() const { return m_pnl; }
    double peakPnl() const { return m_peak; }
    double drawdown() const { return m_peak - m_pnl; }
    const StressState& stress() const { return m_stress; }
    std::size_t returnCount() const { return m_returns.size(); }
    const std::deque<double>& returns() const { return m_returns; }

    // Exposed for tests: maximum-likelihood GARCH(1,1) with variance targeting.
    static GarchParams fitGarch(const std::deque<double>& returns);

private:
    void updateStress(double r, double sigmaBefore, double depth);

    RiskMetricsConfig m_config;
    Timestamp m_lastSample = 0;
    double m_lastMid = 0;
    double m_ewmaVar = 0;
    double m_garchVar = 0;
    double m_depthAvg = 0;
    std::deque<double> m_returns;
    std::size_t m_sinceFit = 0;
    GarchParams m_garch;
    double m_pnl = 0;
    double m_peak = 0;
    StressState m_stress;
    int m_calm = 0;
};

} // namespace hm
