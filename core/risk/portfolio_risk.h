#pragma once
// The risk of positions across correlated instruments, before an order goes out.
// Returns are sampled at a fixed interval; their covariance is an EWMA (RiskMetrics,
// lambda 0.94) that starts from a prudent prior and is shrunk toward a constant-
// correlation target (Ledoit and Wolf), so that a few samples of many names still give
// a usable matrix. From it and the last return vectors kept: VaR and expected shortfall
// at a confidence over a horizon, parametric (normal) and by historical simulation.
// The marginal question the gate asks, "what is ES if this order fills?", costs O(1)
// (parametric) or O(history) after a pass over the current exposure. Also: stress
// scenarios on today's exposure, and clusters of instruments whose correlation exceeds
// a threshold (what a cluster kill stops). Deterministic; no clock, no threads.
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace hm {

enum class RiskMethod : unsigned char { Parametric, Historical };
const char* toString(RiskMethod m);
bool parseRiskMethod(const std::string& text, RiskMethod& out);

struct PortfolioRiskConfig {
    double lambda = 0.94;
    double shrinkage = 0.2;         // weight of the constant-correlation target
    double sampleIntervalS = 10;    // returns are measured over this interval
    double horizonS = 600;          // VaR/ES horizon, by the square-root-of-time rule
    double confidence = 0.99;
    std::size_t historyLength = 500; // return vectors kept for historical simulation
    // The prior the EWMA starts from: each name's volatility per sample interval, and
    // one correlation for every pair (prudent: high, so unknown names are not diversifiers).
    double priorVolBps = 10;
    double priorCorrelation = 0.6;
};

struct PortfolioFigures {
    double var = 0;          // currency, a loss as a positive number
    double es = 0;
    double gross = 0;        // sum of |exposure|
    double net = 0;          // sum of exposure
    double largestShare = 0; // largest |exposure| / gross
    int largest = -1;        // its index
};

// A stress scenario: returns applied to the exposure (fractions, per instrument), or a
// correlation override under which VaR/ES are computed again.
struct StressResult {
    std::string name;
    double pnl = 0;        // of the scenario's returns on the exposure (0 when it has none)
    double es = 0;         // ES under the scenario's covariance (the current one when unchanged)
    std::vector<double> byInstrument; // P&L per instrument
};

class PortfolioRisk {
public:
    explicit PortfolioRisk(PortfolioRiskConfig config = {});
    const PortfolioRiskConfig& config() const { return m_config; }
    // Changes the horizon, the confidence or the shrinkage from the next figures; the
    // samples so far stay.
    void setConfig(const PortfolioRiskConfig& config);

    // Adds an instrument (its index is returned; the same symbol again returns the same).
    std::size_t addInstrument(const std::string& symbol);
    int indexOf(const std::string& symbol) const;
    std::size_t size() const { return m_symbols.size(); }
    const std::string& symbol(std::size_t i) const { return m_symbols[i]; }

    // One sample: every instrument's price now (0 or less: unknown; its row and column
    // of the covariance stay as they were, its return in the history is 0). The first
    // sample only sets the base prices.
    void addSample(const std::vector<double>& prices);
    std::size_t samples() const { return m_samples; }

    // The covariance of returns per sample interval, shrunk (row-major, size() squared).
    std::vector<double> covariance() const;
    std::vector<double> correlation() const;
    std::vector<double> volatilityBps() const; // per sample interval

    // Exposure: signed currency value per instrument (quantity x price).
    PortfolioFigures figures(const std::vector<double>& exposure, RiskMethod method) const;

    // The marginal check: prepare() once for an exposure, then esWith() for one change.
    void prepare(const std::vector<double>& exposure);
    double preparedEs(RiskMethod method) const;
    double esWith(std::size_t instrument, double deltaExposure, RiskMethod method) const;
    // The prepared exposure changes by delta in one instrument: O(size()); the historical
    // scenarios are summed again (O(history x size())) only when a historical figure is asked for.
    void shift(std::size_t instrument, double deltaExposure);
    const std::vector<double>& preparedExposure() const { return m_prepared; }
    // Each instrument's share of the prepared parametric ES (Euler allocation: they sum to it).
    std::vector<double> esContributions() const;

    // Stress on an exposure: every name moves by beta x marketMove (beta against the
    // instrument `marketIndex`, or the equal-weighted market when it is size() or more); a set of names gaps by `gap`;
    // every correlation set to `correlation` (ES again).
    StressResult marketMove(const std::vector<double>& exposure, std::size_t marketIndex, double move) const;
    StressResult gap(const std::vector<double>& exposure, const std::vector<std::size_t>& names, double move) const;
    StressResult correlationTo(const std::vector<double>& exposure, double correlation) const;

    // Groups of instruments linked by correlation above `threshold` (single linkage),
    // each sorted, the groups in order of their first member; singletons are left out.
    std::vector<std::vector<std::size_t> > clusters(double threshold) const;

private:
    void grow();
    double scale() const; // horizon / interval
    double zQuantile() const;
    double esFactor() const; // ES / sigma for a normal
    double parametricEs(double variance) const { return esFactor() * std::sqrt(variance); }
    double historicalEs(const std::vector<double>& pnl) const;
    double historicalVar(const std::vector<double>& pnl) const;
    void refreshShrunk() const;

    PortfolioRiskConfig m_config;
    std::vector<std::string> m_symbols;
    std::vector<double> m_ewma;       // unshrunk EWMA covariance, n x n
    std::vector<double> m_lastPrices;
    std::vector<std::vector<double> > m_history; // ring of return vectors
    std::size_t m_historyNext = 0;
    std::size_t m_samples = 0;
    mutable std::vector<double> m_shrunk;
    mutable bool m_shrunkValid = false;
    // prepare()'s cache
    std::vector<double> m_prepared;  // exposure
    std::vector<double> m_sigmaW;    // shrunk covariance x exposure, per interval
    double m_variance = 0;           // exposure' covariance exposure, per interval
    void refreshScenarios() const;
    mutable std::vector<double> m_scenarioPnl; // historical P&L per kept return vector, unscaled
    mutable bool m_scenarioDirty = true;
};

} // namespace hm
