#pragma once
// Online regime detection: a Gaussian hidden Markov model (diagonal covariances) over
// a few market observations sampled every `intervalS` (log realized volatility over two
// windows, spread, log traded volume, log visible depth), fitted offline by Baum-Welch
// and run forward online, giving the probability of each regime at every sample. The
// model's states are named after the simulator's regimes they mostly coincide with on
// labelled training sessions. Plain C++ (no LibTorch), JSON model file.
#include "model/events.h"
#include "sim/sim_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hm {

constexpr int kRegimeObservations = 5;
using RegimeObservation = std::vector<double>; // kRegimeObservations values

// Builds observations from the book and the shared features (core/features).
RegimeObservation regimeObservation(const std::vector<double>& features, const std::vector<PriceLevel>& bids,
                                    const std::vector<PriceLevel>& asks);

struct GaussianHmm {
    std::vector<std::string> names;          // per state
    std::vector<double> initial;             // per state
    std::vector<std::vector<double>> transition; // [from][to], per sample
    std::vector<std::vector<double>> mean, var;  // [state][dimension]
    double intervalS = 10;

    int states() const { return static_cast<int>(names.size()); }
    double logEmission(int state, const RegimeObservation& x) const;
};

// Supervised start (per-regime statistics and transition counts), then Baum-Welch.
// `labels` give the true regime index per observation (the simulator's ground truth).
GaussianHmm fitHmm(const std::vector<std::vector<RegimeObservation>>& sequences,
                   const std::vector<std::vector<int>>& labels, const std::vector<std::string>& regimeNames,
                   int baumWelchIterations, double intervalS, std::vector<double>* logLikelihoods = nullptr);

std::string saveHmm(const std::string& path, const GaussianHmm& hmm, const std::string& evaluationJson);
std::string loadHmm(const std::string& path, GaussianHmm& hmm);
// The model as one line of JSON (the file's format, without its evaluation), and back:
// a journal keeps the live detector's model so a replay runs the very same one.
std::string hmmJson(const GaussianHmm& hmm);
std::string parseHmm(const std::string& json, const std::string& origin, GaussianHmm& hmm); // error or ""

// The forward filter: feed one observation per interval, read the probabilities.
class RegimeDetector {
public:
    explicit RegimeDetector(GaussianHmm hmm);
    void update(const RegimeObservation& x);
    const std::vector<double>& probabilities() const { return m_p; }
    int mostLikely() const;
    const std::string& name(int state) const { return m_hmm.names[static_cast<std::size_t>(state)]; }
    const GaussianHmm& model() const { return m_hmm; }

private:
    GaussianHmm m_hmm;
    std::vector<double> m_p;
};

struct DetectionScore {
    double balancedAccuracy = 0;
    std::vector<double> recall;     // per regime
    double meanDelayS = 0;          // from a true switch to the detector naming the new regime
    int switches = 0, detectedSwitches = 0;
    int samples = 0;
};
DetectionScore scoreDetection(const GaussianHmm& hmm, const std::vector<std::vector<RegimeObservation>>& sequences,
                              const std::vector<std::vector<int>>& labels, const std::vector<std::string>& regimeNames);

// Simulated sessions for fitting and scoring: `days` days from `seed0`, an observation
// every `intervalS` after the first ten minutes, with the true regime of each.
void simulateRegimeSessions(const SimConfig& config, std::uint64_t seed0, int days, double intervalS,
                            std::vector<std::vector<RegimeObservation>>& sequences, std::vector<std::vector<int>>& labels);

} // namespace hm
