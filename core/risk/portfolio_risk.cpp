#include "risk/portfolio_risk.h"

#include <algorithm>
#include <numeric>

namespace hm {

const char* toString(RiskMethod m) { return m == RiskMethod::Historical ? "historical" : "parametric"; }

bool parseRiskMethod(const std::string& text, RiskMethod& out)
{
    if (text == "parametric")
        out = RiskMethod::Parametric;
    else if (text == "historical")
        out = RiskMethod::Historical;
    else
        return false;
    return true;
}

namespace {

// The standard normal's quantile (Acklam's rational approximation, |error| < 1.2e-9).
double normalQuantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01,  -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double low = 0.02425;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
               / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low)
        return -normalQuantile(1 - p);
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
           / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// The worst (1 - confidence) share of n scenarios, at least one; 0.01 x 200 is 2, not
// the 3 that rounding (1 - 0.99 is 0.0100000000000000089) would give.
std::size_t tailCount(double confidence, std::size_t n)
{
    const double x = (1 - confidence) * static_cast<double>(n);
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(x - 1e-9)));
}

double dot(const std::vector<double>& x, const std::vector<double>& y)
{
    double s = 0;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
        s += x[i] * y[i];
    return s;
}

double quadratic(const std::vector<double>& m, const std::vector<double>& w)
{
    const std::size_t n = w.size();
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (w[i] == 0)
            continue;
        double row = 0;
        for (std::size_t j = 0; j < n; ++j)
            row += m[i * n + j] * w[j];
        s += w[i] * row;
    }
    return std::max(0.0, s);
}

} // namespace

PortfolioRisk::PortfolioRisk(PortfolioRiskConfig config) : m_config(config) {}

void PortfolioRisk::setConfig(const PortfolioRiskConfig& config)
{
    const std::size_t keep = m_config.historyLength;
    m_config = config;
    m_config.historyLength = keep; // the ring's size is fixed once samples are kept
    m_shrunkValid = false;
}

std::size_t PortfolioRisk::addInstrument(const std::string& symbol)
{
    const int known = indexOf(symbol);
    if (known >= 0)
        return static_cast<std::size_t>(known);
    m_symbols.push_back(symbol);
    grow();
    return m_symbols.size() - 1;
}

int PortfolioRisk::indexOf(const std::string& symbol) const
{
    for (std::size_t i = 0; i < m_symbols.size(); ++i)
        if (m_symbols[i] == symbol)
            return static_cast<int>(i);
    return -1;
}

// A new name joins at the prior: its own variance, and the prior correlation with each
// name already there (at that name's current volatility).
void PortfolioRisk::grow()
{
    const std::size_t n = m_symbols.size(), old = n - 1;
    const double priorVar = std::pow(m_config.priorVolBps * 1e-4, 2);
    std::vector<double> next(n * n, 0.0);
    for (std::size_t i = 0; i < old; ++i)
        for (std::size_t j = 0; j < old; ++j)
            next[i * n + j] = m_ewma[i * old + j];
    for (std::size_t i = 0; i < old; ++i) {
        const double c = m_config.priorCorrelation * std::sqrt(next[i * n + i] * priorVar);
        next[i * n + old] = next[old * n + i] = c;
    }
    next[old * n + old] = priorVar;
    m_ewma.swap(next);
    m_lastPrices.push_back(0);
    for (auto& r : m_history)
        r.push_back(0);
    m_shrunkValid = false;
}

void PortfolioRisk::addSample(const std::vector<double>& prices)
{
    const std::size_t n = size();
    std::vector<double> r(n, 0.0);
    std::vector<char> known(n, 0); // a return was measured: both prices known
    bool any = false;
    for (std::size_t i = 0; i < n && i < prices.size(); ++i) {
        const double p = prices[i];
        if (p > 0 && std::isfinite(p) && m_lastPrices[i] > 0) {
            r[i] = std::log(p / m_lastPrices[i]);
            known[i] = 1;
            any = true;
        }
        if (p > 0 && std::isfinite(p))
            m_lastPrices[i] = p;
    }
    if (!any)
        return;
    // Only what was measured moves: a name without a price keeps its variance and
    // covariances (a zero return would decay them toward nothing, and its risk with them).
    const double l = m_config.lambda;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (known[i] && known[j])
                m_ewma[i * n + j] = l * m_ewma[i * n + j] + (1 - l) * r[i] * r[j];
    if (m_history.size() < m_config.historyLength)
        m_history.push_back(r);
    else if (!m_history.empty())
        m_history[m_historyNext++ % m_history.size()] = r;
    ++m_samples;
    m_shrunkValid = false;
}

void PortfolioRisk::refreshShrunk() const
{
    if (m_shrunkValid)
        return;
    const std::size_t n = size();
    m_shrunk = m_ewma;
    double sum = 0;
    int pairs = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            const double d = std::sqrt(m_ewma[i * n + i] * m_ewma[j * n + j]);
            sum += d > 0 ? m_ewma[i * n + j] / d : 0;
            ++pairs;
        }
    const double meanCorrelation = pairs > 0 ? sum / pairs : 0;
    const double s = std::min(1.0, std::max(0.0, m_config.shrinkage));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) {
                const double target = meanCorrelation * std::sqrt(m_ewma[i * n + i] * m_ewma[j * n + j]);
                m_shrunk[i * n + j] = (1 - s) * m_ewma[i * n + j] + s * target;
            }
    m_shrunkValid = true;
}

std::vector<double> PortfolioRisk::covariance() const
{
    refreshShrunk();
    return m_shrunk;
}

std::vector<double> PortfolioRisk::correlation() const
{
    refreshShrunk();
    const std::size_t n = size();
    std::vector<double> out(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double d = std::sqrt(m_shrunk[i * n + i] * m_shrunk[j * n + j]);
            out[i * n + j] = i == j ? 1.0 : (d > 0 ? m_shrunk[i * n + j] / d : 0.0);
        }
    return out;
}

std::vector<double> PortfolioRisk::volatilityBps() const
{
    std::vector<double> out;
    for (std::size_t i = 0; i < size(); ++i)
        out.push_back(1e4 * std::sqrt(m_ewma[i * size() + i]));
    return out;
}

double PortfolioRisk::scale() const
{
    return std::max(1e-9, m_config.horizonS / std::max(1e-9, m_config.sampleIntervalS));
}

double PortfolioRisk::zQuantile() const { return normalQuantile(m_config.confidence); }

double PortfolioRisk::esFactor() const
{
    const double z = zQuantile();
    return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI) / (1 - m_config.confidence);
}

// The worst (1 - confidence) share of the scenarios, at least one.
double PortfolioRisk::historicalEs(const std::vector<double>& pnl) const
{
    if (pnl.empty())
        return 0;
    std::vector<double> v(pnl);
    const std::size_t tail = std::max<std::size_t>(1, tailCount(m_config.confidence, v.size()));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(tail - 1), v.end());
    const double sum = std::accumulate(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(tail), 0.0);
    return std::max(0.0, -sum / static_cast<double>(tail));
}

double PortfolioRisk::historicalVar(const std::vector<double>& pnl) const
{
    if (pnl.empty())
        return 0;
    std::vector<double> v(pnl);
    const std::size_t tail = std::max<std::size_t>(1, tailCount(m_config.confidence, v.size()));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(tail - 1), v.end());
    return std::max(0.0, -v[tail - 1]);
}

PortfolioFigures PortfolioRisk::figures(const std::vector<double>& exposure, RiskMethod method) const
{
    PortfolioFigures f;
    double largest = 0;
    for (std::size_t i = 0; i < exposure.size(); ++i) {
        f.gross += std::fabs(exposure[i]);
        f.net += exposure[i];
        if (std::fabs(exposure[i]) > largest) {
            largest = std::fabs(exposure[i]);
            f.largest = static_cast<int>(i);
        }
    }
    f.largestShare = f.gross > 0 ? largest / f.gross : 0;
    if (method == RiskMethod::Historical && !m_history.empty()) {
        const double root = std::sqrt(scale());
        std::vector<double> pnl;
        for (const auto& r : m_history)
            pnl.push_back(root * dot(exposure, r));
        f.var = historicalVar(pnl);
        f.es = historicalEs(pnl);
        return f;
    }
    refreshShrunk();
    const double variance = scale() * quadratic(m_shrunk, exposure);
    f.var = zQuantile() * std::sqrt(variance);
    f.es = parametricEs(variance);
    return f;
}

void PortfolioRisk::prepare(const std::vector<double>& exposure)
{
    refreshShrunk();
    const std::size_t n = size();
    m_prepared.assign(n, 0.0);
    for (std::size_t i = 0; i < n && i < exposure.size(); ++i)
        m_prepared[i] = exposure[i];
    m_sigmaW.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            m_sigmaW[i] += m_shrunk[i * n + j] * m_prepared[j];
    m_variance = std::max(0.0, dot(m_prepared, m_sigmaW));
    m_scenarioDirty = true;
}

void PortfolioRisk::refreshScenarios() const
{
    if (!m_scenarioDirty)
        return;
    m_scenarioPnl.clear();
    for (const auto& r : m_history)
        m_scenarioPnl.push_back(dot(m_prepared, r));
    m_scenarioDirty = false;
}

double PortfolioRisk::preparedEs(RiskMethod method) const
{
    if (method == RiskMethod::Historical)
        refreshScenarios();
    if (method == RiskMethod::Historical && !m_scenarioPnl.empty()) {
        const double root = std::sqrt(scale());
        std::vector<double> pnl(m_scenarioPnl);
        for (double& x : pnl)
            x *= root;
        return historicalEs(pnl);
    }
    return parametricEs(scale() * m_variance);
}

double PortfolioRisk::esWith(std::size_t i, double delta, RiskMethod method) const
{
    if (i >= m_prepared.size())
        return preparedEs(method);
    if (method == RiskMethod::Historical)
        refreshScenarios();
    if (method == RiskMethod::Historical && !m_scenarioPnl.empty()) {
        const double root = std::sqrt(scale());
        std::vector<double> pnl(m_scenarioPnl.size());
        for (std::size_t k = 0; k < pnl.size(); ++k)
            pnl[k] = root * (m_scenarioPnl[k] + delta * m_history[k][i]);
        return historicalEs(pnl);
    }
    const std::size_t n = size();
    const double variance = m_variance + 2 * delta * m_sigmaW[i] + delta * delta * m_shrunk[i * n + i];
    return parametricEs(scale() * std::max(0.0, variance));
}

void PortfolioRisk::shift(std::size_t i, double delta)
{
    const std::size_t n = size();
    if (i >= m_prepared.size() || delta == 0 || !std::isfinite(delta))
        return;
    m_variance = std::max(0.0, m_variance + 2 * delta * m_sigmaW[i] + delta * delta * m_shrunk[i * n + i]);
    for (std::size_t j = 0; j < n; ++j)
        m_sigmaW[j] += delta * m_shrunk[j * n + i];
    m_prepared[i] += delta;
    m_scenarioDirty = true; // the historical scenarios are summed again when asked for
}

std::vector<double> PortfolioRisk::esContributions() const
{
    std::vector<double> out(m_prepared.size(), 0.0);
    if (m_variance <= 0)
        return out;
    const double es = parametricEs(scale() * m_variance);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = es * m_prepared[i] * m_sigmaW[i] / m_variance;
    return out;
}

StressResult PortfolioRisk::marketMove(const std::vector<double>& exposure, std::size_t m, double move) const
{
    refreshShrunk();
    const std::size_t n = size();
    StressResult s;
    s.name = "market";
    s.byInstrument.assign(n, 0.0);
    // The market: one name's returns, or (m >= n) the equal-weighted average of all.
    std::vector<double> covWithMarket(n, 0.0);
    double varM = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (m < n) {
            covWithMarket[i] = m_shrunk[i * n + m];
        } else {
            for (std::size_t j = 0; j < n; ++j)
                covWithMarket[i] += m_shrunk[i * n + j] / static_cast<double>(n);
        }
    }
    if (m < n)
        varM = m_shrunk[m * n + m];
    else
        for (std::size_t i = 0; i < n; ++i)
            varM += covWithMarket[i] / static_cast<double>(n);
    for (std::size_t i = 0; i < n && i < exposure.size(); ++i) {
        const double beta = varM > 0 ? covWithMarket[i] / varM : 1.0;
        s.byInstrument[i] = exposure[i] * beta * move;
        s.pnl += s.byInstrument[i];
    }
    s.es = figures(exposure, RiskMethod::Parametric).es;
    return s;
}

StressResult PortfolioRisk::gap(const std::vector<double>& exposure, const std::vector<std::size_t>& names, double move) const
{
    StressResult s;
    s.name = "gap";
    s.byInstrument.assign(size(), 0.0);
    for (std::size_t i : names)
        if (i < size() && i < exposure.size()) {
            s.byInstrument[i] = exposure[i] * move;
            s.pnl += s.byInstrument[i];
        }
    s.es = figures(exposure, RiskMethod::Parametric).es;
    return s;
}

StressResult PortfolioRisk::correlationTo(const std::vector<double>& exposure, double rho) const
{
    refreshShrunk();
    const std::size_t n = size();
    std::vector<double> stressed(m_shrunk);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j)
                stressed[i * n + j] = rho * std::sqrt(m_shrunk[i * n + i] * m_shrunk[j * n + j]);
    StressResult s;
    s.name = "correlation";
    s.byInstrument.assign(n, 0.0);
    std::vector<double> w(n, 0.0);
    for (std::size_t i = 0; i < n && i < exposure.size(); ++i)
        w[i] = exposure[i];
    s.es = parametricEs(scale() * quadratic(stressed, w));
    return s;
}

std::vector<std::vector<std::size_t> > PortfolioRisk::clusters(double threshold) const
{
    const std::size_t n = size();
    const std::vector<double> rho = correlation();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), std::size_t(0));
    auto find = [&](std::size_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            if (rho[i * n + j] > threshold)
                parent[std::max(find(i), find(j))] = std::min(find(i), find(j));
    std::vector<std::vector<std::size_t> > out;
    std::vector<int> groupOf(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t root = find(i);
        if (groupOf[root] < 0) {
            groupOf[root] = static_cast<int>(out.size());
            out.emplace_back();
        }
        out[static_cast<std::size_t>(groupOf[root])].push_back(i);
    }
    out.erase(std::remove_if(out.begin(), out.end(), [](const std::vector<std::size_t>& g) { return g.size() < 2; }),
              out.end());
    return out;
}

} // namespace hm
