#pragma once
// The supervised signal model: the direction of the mid over the next `horizonS`
// seconds from the market features (core/features), as an MLP over the features now
// and as an LSTM over a window of them. Trained and evaluated on separate simulated
// days; accuracy and AUC are reported against a naive baseline (the sign of the last
// move continues). The MLP drives the live signal agent.
#include "ml/models.h"
#include "sim/sim_config.h"

#include <string>
#include <vector>

namespace hm {

constexpr int kSignalFeatures = kTimeRemaining; // the market features, not the task's

struct SignalData {
    // Per day: one feature row per sample, the label (1 = the mid is higher after the
    // horizon), and whether the label is defined (the mid moved).
    std::vector<std::vector<std::vector<float>>> rows;
    std::vector<std::vector<float>> labels;
    std::vector<std::vector<char>> defined;
    std::vector<std::vector<float>> lastMove; // sign of the mid's move over the previous horizon
};

SignalData simulateSignalData(const SimConfig& config, std::uint64_t seed0, int days, double sampleEveryS, double horizonS);

struct LstmClassifierImpl : torch::nn::Module {
    LstmClassifierImpl(int inputs, int hidden);
    torch::Tensor forward(torch::Tensor x); // [batch, time, inputs] -> [batch] logits
    torch::nn::LSTM lstm{nullptr};
    torch::nn::Linear head{nullptr};
};
TORCH_MODULE(LstmClassifier);

struct SignalScore {
    double accuracy = 0, auc = 0;
    double naiveAccuracy = 0, naiveAuc = 0;
    int samples = 0;
};

double rocAuc(const std::vector<double>& scores, const std::vector<float>& labels);

struct SignalTraining {
    int epochs = 6;
    int window = 12;      // LSTM: samples per window
    int hidden = 32;
    double learningRate = 1e-3;
    int batch = 256;
    std::uint64_t seed = 11;
};

// Trains both models on `train`, scores them on `test`; fills the networks and norm.
void trainSignalModels(const SignalData& train, const SignalData& test, const SignalTraining& t, Mlp& mlp,
                       LstmClassifier& lstm, Normalizer& norm, SignalScore& mlpScore, SignalScore& lstmScore);

// P(up) from a feature vector (the first kSignalFeatures values are used).
double signalProbability(Mlp& mlp, const Normalizer& norm, const std::vector<double>& features);

} // namespace hm
