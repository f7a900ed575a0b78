#pragma once
// The learning agents' networks and their files. A model file holds the network's
// parameters (LibTorch serialization); next to it, <file>.json is the model card:
// algorithm, network, features and their normalisation, environment configuration,
// training seeds and steps, evaluation results, and the SHA-256 of the model file.
// Loading checks the card against the file and the features this build computes, so
// a missing, corrupted or mismatched model is refused with a clear message.
#include "exec/exec_actions.h"
#include "exec/exec_observation.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace hm {

// Running mean and variance of observations (Welford), frozen when saved.
struct Normalizer {
    std::vector<double> mean, m2;
    double count = 0;
    void observe(const std::vector<double>& x);
    std::vector<double> std() const;
    torch::Tensor apply(const torch::Tensor& batch) const; // (x - mean) / std, clipped to +-10
};

struct NetworkShape {
    int inputs = kFeatureCount;
    int hidden = 64;
    int layers = 2;
    int outputs = 18;
};

// A multilayer perceptron with tanh activations.
struct MlpImpl : torch::nn::Module {
    explicit MlpImpl(const NetworkShape& s);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(Mlp);

// PPO: a policy head (action logits) and a value head; DQN uses one Mlp for Q-values.
struct ActorCriticImpl : torch::nn::Module {
    explicit ActorCriticImpl(const NetworkShape& s);
    Mlp actor{nullptr}, critic{nullptr};
};
TORCH_MODULE(ActorCritic);

// The algorithms this build trains and loads: "ppo", "ddqn" (execution policies),
// "signal-mlp", "signal-lstm" (signal models).
const std::vector<std::string>& knownAlgorithms();

struct ModelCard {
    std::string algorithm; // one of knownAlgorithms()
    NetworkShape network;
    std::vector<std::string> features;
    Normalizer normalizer;
    std::string environment; // JSON text: task and simulator settings
    ActionSet actions = ActionSet::RemainingFractions; // environment.action_set (absent: the first models' set)
    std::string acting;      // "sample" or "greedy"; "" (older cards): PPO samples, DDQN is greedy
    std::uint64_t trainingSeed0 = 0;
    std::uint64_t trainingSteps = 0;
    double trainingSeconds = 0;
    std::string evaluation;  // JSON text
    std::string sha256;      // of the model file
};

std::string sha256File(const std::string& path); // "" when unreadable

// Writes <path> (the network) and <path>.json (the card, with the file's hash).
// Returns "" or what went wrong.
std::string saveModel(const std::string& path, torch::nn::Module& network, ModelCard card);
// Reads the card and checks it: a known algorithm, sizes this build computes, the
// feature list, `model_file` naming this very file, and the hash.
std::string loadCard(const std::string& path, ModelCard& card);
// Reads the weights into `network` (built from the card) after checking the file
// against the card: the algorithm the file records and its tensors' names and shapes.
std::string loadModel(const std::string& path, torch::nn::Module& network, const ModelCard& card);

// Why a parent order lies outside the task distribution the card says the policy was
// trained on ("" when inside, or when the card states no task): environment.task's
// side ("sell", "buy" or "any", or a list `sides`), horizon_s (or a range
// `horizon_s_range` [lo, hi]), decision_interval_s and, when the parent's share of the
// expected volume is known (sizeFraction >= 0), size_fraction_range. A policy is only as
// good as the tasks it saw: a parent outside them is refused, not worked on a guess.
std::string trainingTaskRefusal(const ModelCard& card, Side side, double horizonS, double intervalS, double sizeFraction = -1);

// Greedy action of a Q or policy network for one observation (already a feature vector).
int greedyAction(Mlp& net, const Normalizer& norm, const std::vector<double>& observation);

} // namespace hm
