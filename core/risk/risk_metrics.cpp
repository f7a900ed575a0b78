#include "risk/risk_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hm {
namespace {
constexpr double kZ99 = 2.3263478740; // one-sided 99% normal quantile

double sampleVariance(const std::deque<double>& r)
{
    if (r.size() < 2)
        return 0;
    double mean = 0;
    for (double x : r)
        mean += x;
    mean /= static_cast<double>(r.size());
    double v = 0;
    for (double x : r)
        v += (x - mean) * (x - mean);
    return v / static_cast<double>(r.size() - 1);
}
} // namespace

RiskMetrics::RiskMetrics(RiskMetricsConfig config) : m_config(config) {}

GarchParams RiskMetrics::fitGarch(const std::deque<double>& returns)
{
    GarchParams best;
    const double longRun = sampleVariance(returns);
    if (returns.size() < 50 || longRun <= 0)
        return best;
    double bestLl = -1e300;
    // Coarse-to-fine grid search of the Gaussian log-likelihood; omega is tied to the
    // sample variance (variance targeting), which keeps the fit stable on short samples.
    double aLo = 0.01, aHi = 0.30, bLo = 0.50, bHi = 0.98;
    for (int round = 0; round < 3; ++round) {
        const int steps = 12;
        for (int i = 0; i <= steps; ++i) {
            const double a = aLo + (aHi - aLo) * i / steps;
            for (int j = 0; j <= steps; ++j) {
                const double b = bLo + (bHi - bLo) * j / steps;
                if (a + b >= 0.999 || a <= 0 || b < 0)
                    continue;
                const double w = longRun * (1 - a - b);
                double var = longRun, ll = 0;
                for (double r : returns) {
                    ll += -0.5 * (std::log(var) + r * r / var);
                    var = w + a * r * r + b * var;
                }
                if (ll > bestLl) {
                    bestLl = ll;
                    best = GarchParams{w, a, b, true};
                }
            }
        }
        const double da = (aHi - aLo) / 12, db = (bHi - bLo) / 12;
        aLo = std::max(0.001, best.alpha - da);
        aHi = best.alpha + da;
        bLo = std::max(0.0, best.beta - db);
        bHi = std::min(0.998, best.beta + db);
    }
    return best;
}

bool RiskMetrics::onMarket(Timestamp now, double mid, double depth)
{
    if (mid <= 0)
        return false;
    m_depthAvg = m_depthAvg <= 0 ? depth : 0.98 * m_depthAvg + 0.02 * depth;
    if (m_lastMid <= 0) {
        m_lastMid = mid;
        m_lastSample = now;
        return false;
    }
    if (now - m_lastSample < m_config.sampleNs)
        return false;
    m_lastSample = now;
    const double r = std::log(mid / m_lastMid);
    m_lastMid = mid;
    const double sigmaBefore = garchVol() > 0 ? garchVol() : ewmaVol();
    m_ewmaVar = m_returns.empty() ? r * r : m_config.ewmaLambda * m_ewmaVar + (1 - m_config.ewmaLambda) * r * r;
    m_returns.push_back(r);
    if (m_returns.size() > m_config.historyReturns)
        m_returns.pop_front();
    if (++m_sinceFit >= m_config.garchRefitEvery || (!m_garch.fitted && m_returns.size() >= 50)) {
        GarchParams g = fitGarch(m_returns);
        if (g.fitted) {
            m_garch = g;
            // Re-run the filter over the history so the forecast is consistent with the fit.
            double var = sampleVariance(m_returns);
            for (double x : m_returns)
                var = g.omega + g.alpha * x * x + g.beta * var;
            m_garchVar = var;
        }
        m_sinceFit = 0;
    } else if (m_garch.fitted) {
        m_garchVar = m_garch.omega + m_garch.alpha * r * r + m_garch.beta * m_garchVar;
    }
    updateStress(r, sigmaBefore, depth);
    return true;
}

void RiskMetrics::updateStress(double r, double sigmaBefore, double depth)
{
    if (m_returns.size() < 20 || sigmaBefore <= 0)
        return;
    const double sigmas = std::fabs(r) / sigmaBefore;
    const bool thin = m_depthAvg > 0 && depth < m_config.stressDepthFraction * m_depthAvg;
    if (sigmas >= m_config.stressSigmas && thin) {
        char b[200];
        std::snprintf(b, sizeof b, "return %.1f sigma (%.4f%%) with depth %.0f, %.0f%% of its average", sigmas,
                      100 * r, depth, 100 * depth / m_depthAvg);
        m_stress = StressState{true, b};
        m_calm = 0;
        return;
    }
    if (m_stress.active && sigmas < 2.0 && !thin && ++m_calm >= m_config.calmSamplesToClear) {
        m_stress = StressState{};
        m_calm = 0;
    }
}

void RiskMetrics::onPnl(double pnl)
{
    m_pnl = pnl;
    m_peak = std::max(m_peak, pnl);
}

double RiskMetrics::ewmaVol() const { return std::sqrt(std::max(0.0, m_ewmaVar)); }

double RiskMetrics::garchVol() const { return m_garch.fitted ? std::sqrt(std::max(0.0, m_garchVar)) : 0.0; }

double RiskMetrics::parametricVar(double exposure) const
{
    const double sigma = garchVol() > 0 ? garchVol() : ewmaVol();
    return kZ99 * sigma * std::sqrt(static_cast<double>(m_config.varHorizonSamples)) * std::fabs(exposure);
}

double RiskMetrics::historicalVar(double exposure) const
{
    if (m_returns.size() < 100)
        return 0;
    // Losses of the current exposure under each past return, scaled to the horizon.
    std::vector<double> losses;
    losses.reserve(m_returns.size());
    const double scale = std::sqrt(static_cast<double>(m_config.varHorizonSamples));
    for (double r : m_returns)
        losses.push_back(-exposure * r * scale);
    const std::size_t k = static_cast<std::size_t>(0.99 * static_cast<double>(losses.size() - 1));
    std::nth_element(losses.begin(), losses.begin() + static_cast<std::ptrdiff_t>(k), losses.end());
    return std::max(0.0, losses[k]);
}

} // namespace hm
