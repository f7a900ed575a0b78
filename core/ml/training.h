#pragma once
// Training the execution agents: PPO (clipped objective, GAE, batched rollouts over
// many environments) and Double DQN (replay buffer, target network), both on the
// discrete action space of the execution environment. Rewards are the environment's,
// plus a potential-based shaping term (the remaining inventory marked to the mid
// against the arrival mid) that moves the price risk to the step it happens in and
// leaves every episode's total, and the optimal policy, unchanged.
#include "exec/backtest.h"
#include "exec/exec_actions.h"
#include "exec/exec_observation.h"
#include "ml/models.h"

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace hm {

struct TrainConfig {
    std::string algorithm = "ppo";
    NetworkShape network;
    ActionSet actions = ActionSet::ScheduleMultiples;
    bool taskFeatures = true;         // the task in the observation (else the market features only)
    int envs = 8;
    std::uint64_t totalSteps = 1000000;
    std::uint64_t seed0 = 1;          // training episodes use seeds from here (below 50,000,000)
    int threads = 2;
    double learningRate = 3e-4;
    double gamma = 0.999;
    // PPO
    int rolloutSteps = 180;           // per environment per iteration
    int epochs = 4;
    int minibatch = 360;
    double clip = 0.2, gaeLambda = 0.95, entropy = 0.01, valueCoef = 0.5, maxGradNorm = 0.5;
    // Double DQN
    int bufferSize = 200000, batch = 256, warmup = 5000, targetEvery = 2000;
    double epsilonStart = 1.0, epsilonEnd = 0.05, epsilonFraction = 0.3;
    std::uint64_t rngSeed = 7;
};

struct IterationStats {
    std::uint64_t steps = 0;
    int episodes = 0;           // finished in this iteration
    double meanReward = 0;      // per finished episode (sum of environment rewards)
    double meanShortfall = 0;   // bps
    double loss = 0;
};

class Trainer {
public:
    using TaskFor = std::function<ExecutionTask(std::uint64_t seed)>;
    Trainer(SimConfig sim, TaskFor taskFor, TrainConfig config);
    ~Trainer();

    IterationStats iterate(); // one rollout and update (PPO) or a batch of env steps with updates (DQN)
    std::uint64_t steps() const { return m_steps; }
    const TrainConfig& config() const { return m_config; }

    // The greedy policy's network (actor for PPO, online Q for DQN) and the normaliser.
    Mlp& policyNetwork();
    torch::nn::Module& savedNetwork(); // what saveModel writes
    Normalizer& normalizer() { return m_norm; }

    std::string saveCheckpoint(const std::string& path) const;
    std::string loadCheckpoint(const std::string& path);

private:
    struct Slot;
    void stepAll(const std::vector<int>& actions, std::vector<double>& rewards, std::vector<char>& dones);
    void refresh(Slot& s) const; // the slot's state and policy input, after a reset or a step
    torch::Tensor observations() const;
    IterationStats ppoIteration();
    IterationStats dqnIteration();

    SimConfig m_sim;
    TaskFor m_taskFor;
    TrainConfig m_config;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::uint64_t m_nextSeed;
    std::uint64_t m_steps = 0;
    Normalizer m_norm;
    ActorCritic m_ac{nullptr};
    Mlp m_q{nullptr}, m_qTarget{nullptr};
    std::unique_ptr<torch::optim::Adam> m_opt;
    std::mt19937_64 m_rng;
    // DQN replay buffer (raw observations; normalised when sampled)
    std::vector<std::vector<float>> m_bufObs, m_bufNext;
    std::vector<int> m_bufAction;
    std::vector<float> m_bufReward, m_bufDone;
    std::size_t m_bufPos = 0, m_bufSize = 0;
    std::vector<IterationStats> m_finished;
};

// A trained network as an execution strategy for the backtest and the live agents.
// PPO's policy is stochastic: it samples its action, from a generator seeded by the
// episode (parent size and start time), so a run repeats exactly; DQN acts greedily.
class LearnedPolicy : public ExecutionPolicy {
public:
    // Loads <path> and its card; on failure `error` says why and the policy is unusable.
    LearnedPolicy(const std::string& path, std::string& error);
    // A network in memory; its inputs are the normaliser's size.
    LearnedPolicy(Mlp net, Normalizer norm, std::string algorithm, ActionSet actions = ActionSet::RemainingFractions);
    std::string name() const override { return m_name; }
    void begin(const ExecState& s) override;
    ExecAction decide(const ExecState& s) override;
    std::vector<std::pair<std::string, double>> lastExplanation() const override { return m_explanation; }
    double drift() const override { return m_drift; }
    std::string description() const override;
    void setExplain(bool on) { m_explain = on; } // gradient x input costs a backward pass
    // PPO's policy samples its action (the default) or takes the likeliest (greedy).
    void setSampling(bool on) { m_sample = on && m_probabilities; }
    const ModelCard& card() const { return m_card; }

private:
    Mlp m_net{nullptr};
    Normalizer m_norm;
    ModelCard m_card;
    std::string m_name;
    std::string m_path;
    bool m_sample = false;
    bool m_probabilities = false; // the outputs are logits of a policy (PPO), not Q-values
    ActionSet m_actions = ActionSet::RemainingFractions;
    int m_inputs = kFeatureCount;
    std::vector<double> m_input; // of the last decision, before normalisation
    std::mt19937_64 m_rng;
    std::vector<double> m_std; // cached from the normaliser
    bool m_explain = true;
    double m_drift = 0;
    // The network's layers copied out once: gradient x input is computed by hand in
    // plain C++ (a few microseconds) rather than by an autograd backward pass.
    struct Layer {
        int in = 0, out = 0;
        std::vector<float> w, b; // w[o * in + i]
    };
    std::vector<Layer> m_layers;
    std::vector<std::vector<double>> m_activations; // of the last forward pass
    void copyLayers();
    const std::vector<double>& forward(const std::vector<float>& x); // the output scores
    std::vector<double> gradientOfAction(int action) const;          // of the last forward pass

public:
    // Scores from the network through LibTorch, to check the plain C++ pass (tests).
    std::vector<double> scoresByTorch(const std::vector<float>& normalised);
    std::vector<double> scoresByHand(const std::vector<float>& normalised) { return forward(normalised); }
    std::vector<std::pair<std::string, double>> m_explanation;
};

// Mean shortfall of a policy over `seeds` episodes (seed0, seed0+1, ...).
double evaluatePolicy(const SimConfig& sim, const Trainer::TaskFor& taskFor, ExecutionPolicy& policy, std::uint64_t seed0,
                      int episodes, int threads, std::vector<double>* perEpisode = nullptr,
                      const std::function<std::unique_ptr<ExecutionPolicy>()>& factory = {});

} // namespace hm
