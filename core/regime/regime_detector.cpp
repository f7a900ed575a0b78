#include "regime/regime_detector.h"

#include "features/features.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

namespace hm {

namespace {
constexpr double kVarFloor = 1e-3;
constexpr double kLog2Pi = 1.8378770664093453;

double logSumExp(const std::vector<double>& v)
{
    const double m = *std::max_element(v.begin(), v.end());
    double s = 0;
    for (double x : v)
        s += std::exp(x - m);
    return m + std::log(s);
}
} // namespace

RegimeObservation regimeObservation(const std::vector<double>& f, const std::vector<PriceLevel>& bids,
                                    const std::vector<PriceLevel>& asks)
{
    double depth = 0;
    for (std::size_t i = 0; i < std::min<std::size_t>(5, bids.size()); ++i)
        depth += static_cast<double>(bids[i].qty);
    for (std::size_t i = 0; i < std::min<std::size_t>(5, asks.size()); ++i)
        depth += static_cast<double>(asks[i].qty);
    return {std::log1p(std::max(0.0, f[kRealizedVol120sBps])), std::log1p(std::max(0.0, f[kRealizedVol600sBps])),
            std::min(20.0, f[kSpreadTicks]), std::log1p(std::max(0.0, f[kVolume60sLots])), std::log1p(depth / 100.0)};
}

double GaussianHmm::logEmission(int s, const RegimeObservation& x) const
{
    double l = 0;
    const auto& m = mean[static_cast<std::size_t>(s)];
    const auto& v = var[static_cast<std::size_t>(s)];
    for (std::size_t d = 0; d < x.size(); ++d)
        l += -0.5 * (kLog2Pi + std::log(v[d]) + (x[d] - m[d]) * (x[d] - m[d]) / v[d]);
    return l;
}

GaussianHmm fitHmm(const std::vector<std::vector<RegimeObservation>>& sequences, const std::vector<std::vector<int>>& labels,
                   const std::vector<std::string>& regimeNames, int iterations, double intervalS,
                   std::vector<double>* logLikelihoods)
{
    const int K = static_cast<int>(regimeNames.size()), D = kRegimeObservations;
    GaussianHmm h;
    h.names = regimeNames;
    h.intervalS = intervalS;
    h.initial.assign(static_cast<std::size_t>(K), 1.0 / K);
    h.transition.assign(static_cast<std::size_t>(K), std::vector<double>(static_cast<std::size_t>(K), 1.0));
    h.mean.assign(static_cast<std::size_t>(K), std::vector<double>(static_cast<std::size_t>(D), 0.0));
    h.var.assign(static_cast<std::size_t>(K), std::vector<double>(static_cast<std::size_t>(D), 0.0));
    // Supervised start: each regime's statistics and the chain's transition counts.
    std::vector<double> count(static_cast<std::size_t>(K), 0.0);
    for (std::size_t q = 0; q < sequences.size(); ++q)
        for (std::size_t t = 0; t < sequences[q].size(); ++t) {
            const int k = labels[q][t];
            count[static_cast<std::size_t>(k)] += 1;
            for (int d = 0; d < D; ++d)
                h.mean[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] += sequences[q][t][static_cast<std::size_t>(d)];
            if (t > 0)
                h.transition[static_cast<std::size_t>(labels[q][t - 1])][static_cast<std::size_t>(k)] += 1;
        }
    for (int k = 0; k < K; ++k)
        for (int d = 0; d < D; ++d)
            h.mean[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] /= std::max(1.0, count[static_cast<std::size_t>(k)]);
    for (std::size_t q = 0; q < sequences.size(); ++q)
        for (std::size_t t = 0; t < sequences[q].size(); ++t) {
            const int k = labels[q][t];
            for (int d = 0; d < D; ++d) {
                const double e = sequences[q][t][static_cast<std::size_t>(d)] - h.mean[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)];
                h.var[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] += e * e / std::max(1.0, count[static_cast<std::size_t>(k)]);
            }
        }
    for (auto& row : h.var)
        for (double& v : row)
            v = std::max(v, kVarFloor);
    for (auto& row : h.transition) {
        double s = 0;
        for (double x : row)
            s += x;
        for (double& x : row)
            x /= s;
    }
    // Baum-Welch (scaled forward-backward), unsupervised, from that start.
    for (int it = 0; it < iterations; ++it) {
        std::vector<double> init(static_cast<std::size_t>(K), 1e-6), occ(static_cast<std::size_t>(K), 1e-9);
        std::vector<std::vector<double>> trans(static_cast<std::size_t>(K), std::vector<double>(static_cast<std::size_t>(K), 1e-9));
        std::vector<std::vector<double>> sum(static_cast<std::size_t>(K), std::vector<double>(static_cast<std::size_t>(D), 0.0));
        std::vector<std::vector<double>> sq = sum;
        double totalLogLik = 0;
        for (const auto& seq : sequences) {
            const std::size_t T = seq.size();
            if (T == 0)
                continue;
            std::vector<std::vector<double>> alpha(T, std::vector<double>(static_cast<std::size_t>(K))), beta = alpha, em = alpha;
            std::vector<double> scale(T);
            for (std::size_t t = 0; t < T; ++t) {
                std::vector<double> le(static_cast<std::size_t>(K));
                for (int k = 0; k < K; ++k)
                    le[static_cast<std::size_t>(k)] = h.logEmission(k, seq[t]);
                const double m = *std::max_element(le.begin(), le.end());
                for (int k = 0; k < K; ++k)
                    em[t][static_cast<std::size_t>(k)] = std::exp(le[static_cast<std::size_t>(k)] - m);
                double s = 0;
                for (int k = 0; k < K; ++k) {
                    double prior = 0;
                    if (t == 0)
                        prior = h.initial[static_cast<std::size_t>(k)];
                    else
                        for (int j = 0; j < K; ++j)
                            prior += alpha[t - 1][static_cast<std::size_t>(j)] * h.transition[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)];
                    alpha[t][static_cast<std::size_t>(k)] = prior * em[t][static_cast<std::size_t>(k)];
                    s += alpha[t][static_cast<std::size_t>(k)];
                }
                s = std::max(s, 1e-300);
                for (double& a : alpha[t])
                    a /= s;
                scale[t] = s;
                totalLogLik += std::log(s) + m;
            }
            std::fill(beta[T - 1].begin(), beta[T - 1].end(), 1.0);
            for (std::size_t t = T - 1; t > 0; --t)
                for (int j = 0; j < K; ++j) {
                    double b = 0;
                    for (int k = 0; k < K; ++k)
                        b += h.transition[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)] * em[t][static_cast<std::size_t>(k)]
                            * beta[t][static_cast<std::size_t>(k)];
                    beta[t - 1][static_cast<std::size_t>(j)] = b / scale[t];
                }
            for (std::size_t t = 0; t < T; ++t) {
                double norm = 0;
                std::vector<double> g(static_cast<std::size_t>(K));
                for (int k = 0; k < K; ++k)
                    norm += g[static_cast<std::size_t>(k)] = alpha[t][static_cast<std::size_t>(k)] * beta[t][static_cast<std::size_t>(k)];
                for (int k = 0; k < K; ++k) {
                    const double gk = g[static_cast<std::size_t>(k)] / std::max(norm, 1e-300);
                    occ[static_cast<std::size_t>(k)] += gk;
                    if (t == 0)
                        init[static_cast<std::size_t>(k)] += gk;
                    for (int d = 0; d < D; ++d) {
                        sum[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] += gk * seq[t][static_cast<std::size_t>(d)];
                        sq[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] += gk * seq[t][static_cast<std::size_t>(d)] * seq[t][static_cast<std::size_t>(d)];
                    }
                }
                if (t + 1 < T)
                    for (int j = 0; j < K; ++j)
                        for (int k = 0; k < K; ++k)
                            trans[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)] += alpha[t][static_cast<std::size_t>(j)]
                                * h.transition[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)] * em[t + 1][static_cast<std::size_t>(k)]
                                * beta[t + 1][static_cast<std::size_t>(k)] / scale[t + 1];
            }
        }
        if (logLikelihoods)
            logLikelihoods->push_back(totalLogLik);
        double initSum = 0;
        for (double x : init)
            initSum += x;
        for (int k = 0; k < K; ++k) {
            h.initial[static_cast<std::size_t>(k)] = init[static_cast<std::size_t>(k)] / initSum;
            double rowSum = 0;
            for (double x : trans[static_cast<std::size_t>(k)])
                rowSum += x;
            for (int j = 0; j < K; ++j)
                h.transition[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)] = trans[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)] / rowSum;
            for (int d = 0; d < D; ++d) {
                const double m = sum[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] / occ[static_cast<std::size_t>(k)];
                h.mean[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] = m;
                h.var[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] =
                    std::max(kVarFloor, sq[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)] / occ[static_cast<std::size_t>(k)] - m * m);
            }
        }
    }
    // Name each state after the true regime it most often coincides with (filtered, as online).
    std::vector<std::vector<double>> overlap(static_cast<std::size_t>(K), std::vector<double>(static_cast<std::size_t>(K), 0.0));
    for (std::size_t q = 0; q < sequences.size(); ++q) {
        RegimeDetector d(h);
        for (std::size_t t = 0; t < sequences[q].size(); ++t) {
            d.update(sequences[q][t]);
            overlap[static_cast<std::size_t>(d.mostLikely())][static_cast<std::size_t>(labels[q][t])] += 1;
        }
    }
    for (int k = 0; k < K; ++k) {
        const auto& row = overlap[static_cast<std::size_t>(k)];
        const int best = static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
        h.names[static_cast<std::size_t>(k)] = regimeNames[static_cast<std::size_t>(best)];
    }
    return h;
}

RegimeDetector::RegimeDetector(GaussianHmm hmm) : m_hmm(std::move(hmm)), m_p(m_hmm.initial) {}

void RegimeDetector::update(const RegimeObservation& x)
{
    const int K = m_hmm.states();
    std::vector<double> l(static_cast<std::size_t>(K));
    for (int k = 0; k < K; ++k) {
        double prior = 0;
        for (int j = 0; j < K; ++j)
            prior += m_p[static_cast<std::size_t>(j)] * m_hmm.transition[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)];
        l[static_cast<std::size_t>(k)] = std::log(std::max(prior, 1e-300)) + m_hmm.logEmission(k, x);
    }
    const double z = logSumExp(l);
    for (int k = 0; k < K; ++k)
        m_p[static_cast<std::size_t>(k)] = std::exp(l[static_cast<std::size_t>(k)] - z);
}

int RegimeDetector::mostLikely() const
{
    return static_cast<int>(std::max_element(m_p.begin(), m_p.end()) - m_p.begin());
}

DetectionScore scoreDetection(const GaussianHmm& hmm, const std::vector<std::vector<RegimeObservation>>& sequences,
                              const std::vector<std::vector<int>>& labels, const std::vector<std::string>& regimeNames)
{
    const std::size_t R = regimeNames.size();
    DetectionScore s;
    std::vector<double> hit(R, 0.0), total(R, 0.0);
    double delaySum = 0;
    for (std::size_t q = 0; q < sequences.size(); ++q) {
        RegimeDetector d(hmm);
        std::vector<int> predicted;
        for (const auto& x : sequences[q]) {
            d.update(x);
            const std::string& name = d.name(d.mostLikely());
            predicted.push_back(static_cast<int>(std::find(regimeNames.begin(), regimeNames.end(), name) - regimeNames.begin()));
        }
        const std::vector<int>& truth = labels[q];
        for (std::size_t t = 0; t < predicted.size(); ++t) {
            total[static_cast<std::size_t>(truth[t])] += 1;
            hit[static_cast<std::size_t>(truth[t])] += predicted[t] == truth[t];
        }
        // Delay: from each true switch to the first sample naming the new regime, within its spell.
        for (std::size_t t = 1; t < truth.size(); ++t) {
            if (truth[t] == truth[t - 1])
                continue;
            ++s.switches;
            for (std::size_t u = t; u < truth.size() && truth[u] == truth[t]; ++u)
                if (predicted[u] == truth[t]) {
                    ++s.detectedSwitches;
                    delaySum += static_cast<double>(u - t) * hmm.intervalS;
                    break;
                }
        }
        s.samples += static_cast<int>(predicted.size());
    }
    double sum = 0;
    int present = 0;
    for (std::size_t r = 0; r < R; ++r) {
        s.recall.push_back(total[r] > 0 ? hit[r] / total[r] : 0.0);
        if (total[r] > 0) {
            sum += s.recall.back();
            ++present;
        }
    }
    s.balancedAccuracy = present ? sum / present : 0;
    s.meanDelayS = s.detectedSwitches ? delaySum / s.detectedSwitches : 0;
    return s;
}

namespace {
nlohmann::json hmmObject(const GaussianHmm& h)
{
    return {{"format", "helmsman-regime-hmm/1"},
            {"observations", {"log1p rv_120s_bps", "log1p rv_600s_bps", "spread_ticks", "log1p volume_60s_lots",
                              "log1p depth5 / 100"}},
            {"interval_s", h.intervalS},
            {"states", h.names},
            {"initial", h.initial},
            {"transition", h.transition},
            {"mean", h.mean},
            {"var", h.var}};
}

std::string fromJson(const nlohmann::json& j, const std::string& origin, GaussianHmm& out)
{
    if (j.value("format", std::string()) != "helmsman-regime-hmm/1")
        return origin + " is not a regime model (format)";
    GaussianHmm h;
    h.intervalS = j.at("interval_s").get<double>();
    h.names = j.at("states").get<std::vector<std::string>>();
    h.initial = j.at("initial").get<std::vector<double>>();
    h.transition = j.at("transition").get<std::vector<std::vector<double>>>();
    h.mean = j.at("mean").get<std::vector<std::vector<double>>>();
    h.var = j.at("var").get<std::vector<std::vector<double>>>();
    const std::size_t K = h.names.size();
    bool ok = K > 0 && h.initial.size() == K && h.transition.size() == K && h.mean.size() == K && h.var.size() == K
        && h.intervalS > 0;
    for (std::size_t k = 0; ok && k < K; ++k)
        ok = h.transition[k].size() == K && h.mean[k].size() == kRegimeObservations && h.var[k].size() == kRegimeObservations
            && *std::min_element(h.var[k].begin(), h.var[k].end()) > 0;
    if (!ok)
        return origin + ": shapes do not match " + std::to_string(kRegimeObservations) + " observations";
    out = h;
    return {};
}
} // namespace

std::string saveHmm(const std::string& path, const GaussianHmm& h, const std::string& evaluationJson)
{
    nlohmann::json j = hmmObject(h);
    j["evaluation"] = nlohmann::json::parse(evaluationJson.empty() ? "{}" : evaluationJson);
    std::ofstream out(path);
    if (!out)
        return "cannot write '" + path + "'";
    out << j.dump(2) << "\n";
    return {};
}

std::string loadHmm(const std::string& path, GaussianHmm& out)
{
    std::ifstream in(path);
    if (!in)
        return "regime model '" + path + "' is missing or unreadable";
    try {
        return fromJson(nlohmann::json::parse(in), "regime model '" + path + "'", out);
    } catch (const std::exception& e) {
        return "regime model '" + path + "' is not valid: " + e.what();
    }
}

std::string hmmJson(const GaussianHmm& h) { return hmmObject(h).dump(); }

std::string parseHmm(const std::string& json, const std::string& origin, GaussianHmm& out)
{
    try {
        return fromJson(nlohmann::json::parse(json), origin, out);
    } catch (const std::exception& e) {
        return origin + " is not valid: " + e.what();
    }
}

} // namespace hm
