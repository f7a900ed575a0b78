#include "ml/training.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace hm {

struct Trainer::Slot {
    std::unique_ptr<ExecutionEnv> env;
    ExecState state;         // of the environment now: the next action is sized from it
    std::vector<double> obs; // the policy's input, from `state`
    double potential = 0;
    double episodeReward = 0;
};

namespace {
double potentialOf(const ExecutionTask& task, const StepInfo& i)
{
    const double sign = task.side == Side::Sell ? 1.0 : -1.0;
    if (i.arrivalMid <= 0 || task.quantity <= 0)
        return 0;
    return sign * static_cast<double>(i.remaining) * (i.mid - i.arrivalMid) / (i.arrivalMid * static_cast<double>(task.quantity)) * 1e4;
}

torch::Tensor toTensor(const std::vector<std::vector<double>>& rows)
{
    const long n = static_cast<long>(rows.size()), f = rows.empty() ? 0 : static_cast<long>(rows[0].size());
    auto t = torch::empty({n, f}, torch::kFloat);
    auto a = t.accessor<float, 2>();
    for (long i = 0; i < n; ++i)
        for (long j = 0; j < f; ++j)
            a[i][j] = static_cast<float>(rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
    return t;
}

template <typename F>
void parallelFor(int n, int threads, F f)
{
    if (threads <= 1 || n <= 1) {
        for (int i = 0; i < n; ++i)
            f(i);
        return;
    }
    std::atomic<int> next{0};
    auto work = [&] {
        for (int i; (i = next++) < n;)
            f(i);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
}
} // namespace

Trainer::Trainer(SimConfig sim, TaskFor taskFor, TrainConfig config)
    : m_sim(std::move(sim)), m_taskFor(std::move(taskFor)), m_config(config), m_nextSeed(config.seed0), m_rng(config.rngSeed)
{
    torch::manual_seed(config.rngSeed);
    m_config.network.inputs = m_config.taskFeatures ? static_cast<int>(kExecutionFeatureCount) : static_cast<int>(kFeatureCount);
    m_config.network.outputs = actionCount(m_config.actions);
    if (m_config.algorithm == "ppo") {
        m_ac = ActorCritic(m_config.network);
        m_opt.reset(new torch::optim::Adam(m_ac->parameters(), torch::optim::AdamOptions(m_config.learningRate)));
    } else {
        m_q = Mlp(m_config.network);
        m_qTarget = Mlp(m_config.network);
        torch::NoGradGuard g;
        for (std::size_t i = 0; i < m_q->parameters().size(); ++i)
            m_qTarget->parameters()[i].copy_(m_q->parameters()[i]);
        m_opt.reset(new torch::optim::Adam(m_q->parameters(), torch::optim::AdamOptions(m_config.learningRate)));
    }
    for (int i = 0; i < m_config.envs; ++i) {
        auto s = std::make_unique<Slot>();
        const std::uint64_t seed = m_nextSeed++;
        s->env.reset(new ExecutionEnv(m_sim, m_taskFor(seed)));
        s->env->reset(seed);
        refresh(*s);
        m_norm.observe(s->obs);
        m_slots.push_back(std::move(s));
    }
}

Trainer::~Trainer() = default;

void Trainer::refresh(Slot& s) const
{
    s.state = s.env->state();
    policyInput(s.state, m_config.network.inputs, s.obs);
}

Mlp& Trainer::policyNetwork() { return m_config.algorithm == "ppo" ? m_ac->actor : m_q; }
torch::nn::Module& Trainer::savedNetwork() { return *policyNetwork(); }

torch::Tensor Trainer::observations() const
{
    std::vector<std::vector<double>> rows;
    for (const auto& s : m_slots)
        rows.push_back(s->obs);
    return m_norm.apply(toTensor(rows));
}

void Trainer::stepAll(const std::vector<int>& actions, std::vector<double>& rewards, std::vector<char>& dones)
{
    const int n = static_cast<int>(m_slots.size());
    rewards.assign(static_cast<std::size_t>(n), 0.0);
    dones.assign(static_cast<std::size_t>(n), 0);
    std::vector<StepResult> results(static_cast<std::size_t>(n));
    parallelFor(n, m_config.threads, [&](int i) {
        Slot& s = *m_slots[static_cast<std::size_t>(i)];
        results[static_cast<std::size_t>(i)] = s.env->step(actionFor(m_config.actions, actions[static_cast<std::size_t>(i)], s.state));
        refresh(s);
    });
    std::vector<int> finished;
    for (int i = 0; i < n; ++i) {
        Slot& s = *m_slots[static_cast<std::size_t>(i)];
        const StepResult& r = results[static_cast<std::size_t>(i)];
        const double phi = potentialOf(s.env->task(), r.info);
        rewards[static_cast<std::size_t>(i)] = r.reward + phi - s.potential;
        s.potential = phi;
        s.episodeReward += r.reward;
        if (r.done) {
            dones[static_cast<std::size_t>(i)] = 1;
            IterationStats e;
            e.meanReward = s.episodeReward;
            e.meanShortfall = r.info.shortfallBps;
            m_finished.push_back(e);
            finished.push_back(i);
        }
    }
    // New episodes get the next seeds in slot order, so a run does not depend on threads.
    std::vector<std::uint64_t> seeds;
    for (std::size_t k = 0; k < finished.size(); ++k)
        seeds.push_back(m_nextSeed++);
    parallelFor(static_cast<int>(finished.size()), m_config.threads, [&](int k) {
        Slot& s = *m_slots[static_cast<std::size_t>(finished[static_cast<std::size_t>(k)])];
        const std::uint64_t seed = seeds[static_cast<std::size_t>(k)];
        s.env.reset(new ExecutionEnv(m_sim, m_taskFor(seed)));
        s.env->reset(seed);
        refresh(s);
        s.potential = 0;
        s.episodeReward = 0;
    });
    for (const auto& s : m_slots)
        m_norm.observe(s->obs);
    m_steps += static_cast<std::uint64_t>(n);
}

IterationStats Trainer::iterate()
{
    m_finished.clear();
    IterationStats st = m_config.algorithm == "ppo" ? ppoIteration() : dqnIteration();
    st.steps = m_steps;
    st.episodes = static_cast<int>(m_finished.size());
    for (const auto& e : m_finished) {
        st.meanReward += e.meanReward / m_finished.size();
        st.meanShortfall += e.meanShortfall / m_finished.size();
    }
    return st;
}

IterationStats Trainer::ppoIteration()
{
    const int T = m_config.rolloutSteps, N = static_cast<int>(m_slots.size());
    std::vector<torch::Tensor> obsT, actT, logpT, valT;
    std::vector<std::vector<double>> rew(static_cast<std::size_t>(T));
    std::vector<std::vector<char>> done(static_cast<std::size_t>(T));
    for (int t = 0; t < T; ++t) {
        torch::Tensor obs = observations();
        torch::Tensor logits, value;
        {
            torch::NoGradGuard g;
            logits = m_ac->actor->forward(obs);
            value = m_ac->critic->forward(obs).squeeze(1);
        }
        const torch::Tensor probs = torch::softmax(logits, 1);
        const torch::Tensor actions = torch::multinomial(probs, 1).squeeze(1);
        const torch::Tensor logp = torch::log_softmax(logits, 1).gather(1, actions.unsqueeze(1)).squeeze(1);
        std::vector<int> a(static_cast<std::size_t>(N));
        for (int i = 0; i < N; ++i)
            a[static_cast<std::size_t>(i)] = static_cast<int>(actions[i].item<long>());
        stepAll(a, rew[static_cast<std::size_t>(t)], done[static_cast<std::size_t>(t)]);
        obsT.push_back(obs);
        actT.push_back(actions);
        logpT.push_back(logp);
        valT.push_back(value);
    }
    torch::Tensor lastValue;
    {
        torch::NoGradGuard g;
        lastValue = m_ac->critic->forward(observations()).squeeze(1);
    }
    // Generalised advantage estimation, backwards through the rollout.
    std::vector<torch::Tensor> adv(static_cast<std::size_t>(T));
    torch::Tensor gae = torch::zeros({N});
    for (int t = T - 1; t >= 0; --t) {
        std::vector<float> r(static_cast<std::size_t>(N)), nd(static_cast<std::size_t>(N));
        for (int i = 0; i < N; ++i) {
            r[static_cast<std::size_t>(i)] = static_cast<float>(rew[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)]);
            nd[static_cast<std::size_t>(i)] = done[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] ? 0.f : 1.f;
        }
        const auto rt = torch::from_blob(r.data(), {N}, torch::kFloat).clone();
        const auto notDone = torch::from_blob(nd.data(), {N}, torch::kFloat).clone();
        const torch::Tensor next = t == T - 1 ? lastValue : valT[static_cast<std::size_t>(t + 1)];
        const torch::Tensor delta = rt + m_config.gamma * next * notDone - valT[static_cast<std::size_t>(t)];
        gae = delta + m_config.gamma * m_config.gaeLambda * notDone * gae;
        adv[static_cast<std::size_t>(t)] = gae;
    }
    const torch::Tensor obs = torch::cat(obsT), actions = torch::cat(actT), oldLogp = torch::cat(logpT);
    const torch::Tensor advantages = torch::cat(adv), returns = advantages + torch::cat(valT);
    const torch::Tensor normAdv = (advantages - advantages.mean()) / (advantages.std() + 1e-8);
    const long total = obs.size(0);
    double lossSum = 0;
    int updates = 0;
    for (int epoch = 0; epoch < m_config.epochs; ++epoch) {
        const torch::Tensor perm = torch::randperm(total, torch::kLong);
        for (long start = 0; start < total; start += m_config.minibatch) {
            const torch::Tensor idx = perm.slice(0, start, std::min(total, start + m_config.minibatch));
            const torch::Tensor logits = m_ac->actor->forward(obs.index_select(0, idx));
            const torch::Tensor logpAll = torch::log_softmax(logits, 1);
            const torch::Tensor logp = logpAll.gather(1, actions.index_select(0, idx).unsqueeze(1)).squeeze(1);
            const torch::Tensor ratio = torch::exp(logp - oldLogp.index_select(0, idx));
            const torch::Tensor a = normAdv.index_select(0, idx);
            const torch::Tensor policyLoss =
                -torch::min(ratio * a, torch::clamp(ratio, 1 - m_config.clip, 1 + m_config.clip) * a).mean();
            const torch::Tensor v = m_ac->critic->forward(obs.index_select(0, idx)).squeeze(1);
            const torch::Tensor valueLoss = (v - returns.index_select(0, idx)).pow(2).mean();
            const torch::Tensor entropy = -(torch::softmax(logits, 1) * logpAll).sum(1).mean();
            const torch::Tensor loss = policyLoss + m_config.valueCoef * valueLoss - m_config.entropy * entropy;
            m_opt->zero_grad();
            loss.backward();
            torch::nn::utils::clip_grad_norm_(m_ac->parameters(), m_config.maxGradNorm);
            m_opt->step();
            lossSum += loss.item<double>();
            ++updates;
        }
    }
    IterationStats st;
    st.loss = updates ? lossSum / updates : 0;
    return st;
}

IterationStats Trainer::dqnIteration()
{
    const int N = static_cast<int>(m_slots.size());
    const std::size_t cap = static_cast<std::size_t>(m_config.bufferSize);
    if (m_bufObs.empty()) {
        m_bufObs.resize(cap);
        m_bufNext.resize(cap);
        m_bufAction.resize(cap);
        m_bufReward.resize(cap);
        m_bufDone.resize(cap);
    }
    double lossSum = 0;
    int updates = 0;
    std::uniform_real_distribution<double> u(0, 1);
    std::uniform_int_distribution<int> anyAction(0, actionCount(m_config.actions) - 1);
    for (int k = 0; k < 180; ++k) { // one iteration: 180 batched environment steps
        const double progress = static_cast<double>(m_steps) / static_cast<double>(std::max<std::uint64_t>(1, m_config.totalSteps));
        const double eps = m_config.epsilonStart
            + (m_config.epsilonEnd - m_config.epsilonStart) * std::min(1.0, progress / m_config.epsilonFraction);
        std::vector<std::vector<double>> before;
        for (const auto& s : m_slots)
            before.push_back(s->obs);
        torch::Tensor greedy;
        {
            torch::NoGradGuard g;
            greedy = m_q->forward(observations()).argmax(1);
        }
        std::vector<int> a(static_cast<std::size_t>(N));
        for (int i = 0; i < N; ++i)
            a[static_cast<std::size_t>(i)] = u(m_rng) < eps ? anyAction(m_rng) : static_cast<int>(greedy[i].item<long>());
        std::vector<double> r;
        std::vector<char> d;
        // The observation after a terminal step is the next episode's first; keep the terminal one.
        std::vector<std::vector<double>> after(static_cast<std::size_t>(N));
        {
            stepAll(a, r, d);
            for (int i = 0; i < N; ++i)
                after[static_cast<std::size_t>(i)] = m_slots[static_cast<std::size_t>(i)]->obs;
        }
        for (int i = 0; i < N; ++i) {
            const std::size_t p = m_bufPos;
            m_bufObs[p].assign(before[static_cast<std::size_t>(i)].begin(), before[static_cast<std::size_t>(i)].end());
            m_bufNext[p].assign(after[static_cast<std::size_t>(i)].begin(), after[static_cast<std::size_t>(i)].end());
            m_bufAction[p] = a[static_cast<std::size_t>(i)];
            m_bufReward[p] = static_cast<float>(r[static_cast<std::size_t>(i)]);
            m_bufDone[p] = d[static_cast<std::size_t>(i)] ? 1.f : 0.f;
            m_bufPos = (m_bufPos + 1) % cap;
            m_bufSize = std::min(cap, m_bufSize + 1);
        }
        if (m_bufSize < static_cast<std::size_t>(m_config.warmup))
            continue;
        // One gradient step per batched environment step: Double DQN target.
        std::uniform_int_distribution<std::size_t> pick(0, m_bufSize - 1);
        const int B = m_config.batch;
        std::vector<std::vector<double>> o(static_cast<std::size_t>(B)), o2(static_cast<std::size_t>(B));
        std::vector<long> acts(static_cast<std::size_t>(B));
        std::vector<float> rs(static_cast<std::size_t>(B)), ds(static_cast<std::size_t>(B));
        for (int b = 0; b < B; ++b) {
            const std::size_t j = pick(m_rng);
            o[static_cast<std::size_t>(b)].assign(m_bufObs[j].begin(), m_bufObs[j].end());
            o2[static_cast<std::size_t>(b)].assign(m_bufNext[j].begin(), m_bufNext[j].end());
            acts[static_cast<std::size_t>(b)] = m_bufAction[j];
            rs[static_cast<std::size_t>(b)] = m_bufReward[j];
            ds[static_cast<std::size_t>(b)] = m_bufDone[j];
        }
        const torch::Tensor s = m_norm.apply(toTensor(o)), s2 = m_norm.apply(toTensor(o2));
        const torch::Tensor at = torch::from_blob(acts.data(), {B}, torch::kLong).clone();
        const torch::Tensor rt = torch::from_blob(rs.data(), {B}, torch::kFloat).clone();
        const torch::Tensor dt = torch::from_blob(ds.data(), {B}, torch::kFloat).clone();
        torch::Tensor target;
        {
            torch::NoGradGuard g;
            const torch::Tensor best = m_q->forward(s2).argmax(1, true);
            target = rt + m_config.gamma * (1 - dt) * m_qTarget->forward(s2).gather(1, best).squeeze(1);
        }
        const torch::Tensor q = m_q->forward(s).gather(1, at.unsqueeze(1)).squeeze(1);
        const torch::Tensor loss = torch::smooth_l1_loss(q, target);
        m_opt->zero_grad();
        loss.backward();
        torch::nn::utils::clip_grad_norm_(m_q->parameters(), 10.0);
        m_opt->step();
        lossSum += loss.item<double>();
        ++updates;
        if ((m_steps / static_cast<std::uint64_t>(N)) % static_cast<std::uint64_t>(std::max(1, m_config.targetEvery / N)) == 0) {
            torch::NoGradGuard g;
            for (std::size_t i = 0; i < m_q->parameters().size(); ++i)
                m_qTarget->parameters()[i].copy_(m_q->parameters()[i]);
        }
    }
    IterationStats st;
    st.loss = updates ? lossSum / updates : 0;
    return st;
}

std::string Trainer::saveCheckpoint(const std::string& path) const
{
    try {
        torch::serialize::OutputArchive a;
        if (m_config.algorithm == "ppo")
            m_ac->save(a);
        else
            m_q->save(a);
        torch::serialize::OutputArchive opt;
        m_opt->save(opt);
        a.write("optimizer", opt);
        std::vector<double> state{static_cast<double>(m_steps), static_cast<double>(m_nextSeed), m_norm.count};
        a.write("state", torch::tensor(state, torch::kDouble));
        a.write("norm_mean", torch::tensor(m_norm.mean, torch::kDouble));
        a.write("norm_m2", torch::tensor(m_norm.m2, torch::kDouble));
        a.save_to(path);
    } catch (const std::exception& e) {
        return "cannot write checkpoint '" + path + "': " + e.what();
    }
    return {};
}

std::string Trainer::loadCheckpoint(const std::string& path)
{
    try {
        torch::serialize::InputArchive a;
        a.load_from(path);
        if (m_config.algorithm == "ppo")
            m_ac->load(a);
        else {
            m_q->load(a);
            torch::NoGradGuard g;
            for (std::size_t i = 0; i < m_q->parameters().size(); ++i)
                m_qTarget->parameters()[i].copy_(m_q->parameters()[i]);
        }
        torch::serialize::InputArchive opt;
        a.read("optimizer", opt);
        m_opt->load(opt);
        torch::Tensor state, mean, m2;
        a.read("state", state);
        a.read("norm_mean", mean);
        a.read("norm_m2", m2);
        m_steps = static_cast<std::uint64_t>(state[0].item<double>());
        m_nextSeed = static_cast<std::uint64_t>(state[1].item<double>());
        m_norm.count = state[2].item<double>();
        m_norm.mean.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + mean.numel());
        m_norm.m2.assign(m2.data_ptr<double>(), m2.data_ptr<double>() + m2.numel());
    } catch (const std::exception& e) {
        std::string what = e.what();
        return "cannot resume from '" + path + "': " + what.substr(0, what.find('\n'));
    }
    return {};
}

std::string LearnedPolicy::description() const
{
    if (m_card.sha256.empty())
        return m_name + " (in memory)";
    std::string text = m_name + " model " + m_path.substr(m_path.find_last_of('/') + 1) + ", " + std::to_string(m_card.network.layers)
        + "x" + std::to_string(m_card.network.hidden) + " MLP, " + std::to_string(m_card.trainingSteps) + " training steps, sha256 "
        + m_card.sha256.substr(0, 12);
    try {
        const auto e = nlohmann::json::parse(m_card.evaluation);
        char buf[160];
        std::snprintf(buf, sizeof buf, "; held-out %.2f bps vs TWAP %.2f", e.value("mean_shortfall_bps", 0.0),
                      e.value("twap_mean_shortfall_bps", 0.0));
        text += buf;
    } catch (...) {
    }
    return text;
}

LearnedPolicy::LearnedPolicy(const std::string& path, std::string& error) : m_path(path)
{
    error = loadCard(path, m_card);
    if (error.empty() && m_card.algorithm != "ppo" && m_card.algorithm != "ddqn")
        error = "model '" + path + "' is a " + m_card.algorithm + " model; an execution agent needs a ppo or ddqn model";
    if (!error.empty())
        return;
    m_net = Mlp(m_card.network);
    error = loadModel(path, *m_net, m_card);
    m_norm = m_card.normalizer;
    m_actions = m_card.actions;
    m_inputs = m_card.network.inputs;
    m_name = m_card.algorithm == "ppo" ? "PPO" : "DDQN";
    m_probabilities = m_card.algorithm == "ppo";
    m_sample = m_probabilities && m_card.acting != "greedy";
}

LearnedPolicy::LearnedPolicy(Mlp net, Normalizer norm, std::string algorithm, ActionSet actions)
    : m_net(std::move(net)), m_norm(std::move(norm)), m_name(algorithm == "ppo" ? "PPO" : "DDQN"),
      m_sample(algorithm == "ppo"), m_probabilities(algorithm == "ppo"), m_actions(actions), m_inputs(static_cast<int>(m_norm.mean.size()))
{
}

void LearnedPolicy::begin(const ExecState& s)
{
    m_rng.seed(static_cast<std::uint64_t>(s.parent) * 1000003u + static_cast<std::uint64_t>(s.startTimeOfDayS * 1000));
}

ExecAction LearnedPolicy::decide(const ExecState& s)
{
    // Normalise in plain C++ and read the output through its data pointer: at batch 1
    // the tensor bookkeeping, not the arithmetic, is what costs (bench_ml).
    if (m_std.size() != m_norm.mean.size())
        m_std = m_norm.std();
    policyInput(s, m_inputs, m_input);
    std::vector<float> x(m_input.size());
    double drift = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double z = i < m_std.size() ? (m_input[i] - m_norm.mean[i]) / m_std[i] : m_input[i];
        drift += std::fabs(z) / static_cast<double>(x.size());
        x[i] = static_cast<float>(std::clamp(z, -10.0, 10.0));
    }
    m_drift = drift;
    // The network's pass in plain C++ on its own weights: at batch 1 LibTorch's per-call
    // overhead is most of the cost (bench_ml); tst_ml checks both give the same scores.
    const std::vector<double>& out = forward(x);
    const double* scores = out.data();
    const long n = static_cast<long>(out.size());
    int action = static_cast<int>(std::max_element(scores, scores + n) - scores);
    std::vector<double> p(static_cast<std::size_t>(n));
    double total = 0;
    for (long k = 0; k < n; ++k)
        total += p[static_cast<std::size_t>(k)] = std::exp(static_cast<double>(scores[k] - scores[action]));
    if (m_sample) { // softmax sampling
        double u = std::uniform_real_distribution<double>(0, total)(m_rng);
        for (long k = 0; k < n; ++k) {
            u -= p[static_cast<std::size_t>(k)];
            if (u < 0) {
                action = static_cast<int>(k);
                break;
            }
        }
    }
    if (m_explain) {
        // The three likeliest actions (or best Q-values), and gradient x input of the
        // chosen action's score: which features pushed it.
        std::vector<int> order(static_cast<std::size_t>(n));
        for (long k = 0; k < n; ++k)
            order[static_cast<std::size_t>(k)] = static_cast<int>(k);
        std::sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
        m_explanation.clear();
        for (int i = 0; i < 3 && i < n; ++i) {
            const int k = order[static_cast<std::size_t>(i)];
            m_explanation.emplace_back((m_probabilities ? "p(" : "Q(") + describeAction(m_actions, k) + ")",
                                       m_probabilities ? p[static_cast<std::size_t>(k)] / total : static_cast<double>(scores[k]));
        }
        const std::vector<double> g = gradientOfAction(action);
        std::vector<std::pair<double, int>> contribution;
        for (std::size_t i = 0; i < x.size() && i < g.size(); ++i)
            contribution.emplace_back(g[i] * static_cast<double>(x[i]), static_cast<int>(i));
        std::sort(contribution.begin(), contribution.end(),
                  [](const auto& a, const auto& b) { return std::fabs(a.first) > std::fabs(b.first); });
        for (int i = 0; i < 3 && i < static_cast<int>(contribution.size()); ++i)
            m_explanation.emplace_back("grad x input: " + executionFeatureNames()[static_cast<std::size_t>(contribution[static_cast<std::size_t>(i)].second)],
                                       contribution[static_cast<std::size_t>(i)].first);
        m_explanation.emplace_back("drift (mean |z|)", drift);
    }
    return actionFor(m_actions, action, s);
}

void LearnedPolicy::copyLayers()
{
    for (const auto& module : m_net->body->children()) {
        auto* linear = module->as<torch::nn::LinearImpl>();
        if (!linear)
            continue;
        Layer l;
        l.out = static_cast<int>(linear->weight.size(0));
        l.in = static_cast<int>(linear->weight.size(1));
        const torch::Tensor w = linear->weight.detach().contiguous(), b = linear->bias.detach().contiguous();
        l.w.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
        l.b.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
        m_layers.push_back(std::move(l));
    }
}

const std::vector<double>& LearnedPolicy::forward(const std::vector<float>& x)
{
    if (m_layers.empty())
        copyLayers();
    m_activations.resize(m_layers.size() + 1);
    m_activations[0].assign(x.begin(), x.end());
    for (std::size_t k = 0; k < m_layers.size(); ++k) {
        const Layer& l = m_layers[k];
        const std::vector<double>& in = m_activations[k];
        std::vector<double>& y = m_activations[k + 1];
        y.assign(static_cast<std::size_t>(l.out), 0.0);
        for (int o = 0; o < l.out; ++o) {
            double a = l.b[static_cast<std::size_t>(o)];
            const float* w = &l.w[static_cast<std::size_t>(o * l.in)];
            for (int i = 0; i < l.in; ++i)
                a += w[i] * in[static_cast<std::size_t>(i)];
            y[static_cast<std::size_t>(o)] = k + 1 < m_layers.size() ? std::tanh(a) : a; // tanh between layers
        }
    }
    return m_activations.back();
}

std::vector<double> LearnedPolicy::gradientOfAction(int action) const
{
    const Layer& last = m_layers.back();
    std::vector<double> g(static_cast<std::size_t>(last.in));
    for (int i = 0; i < last.in; ++i)
        g[static_cast<std::size_t>(i)] = last.w[static_cast<std::size_t>(action * last.in + i)];
    for (std::size_t k = m_layers.size() - 1; k-- > 0;) {
        const Layer& l = m_layers[k];
        std::vector<double> prev(static_cast<std::size_t>(l.in), 0.0);
        for (int o = 0; o < l.out; ++o) {
            const double t = m_activations[k + 1][static_cast<std::size_t>(o)];
            const double d = g[static_cast<std::size_t>(o)] * (1 - t * t);
            for (int i = 0; i < l.in; ++i)
                prev[static_cast<std::size_t>(i)] += d * l.w[static_cast<std::size_t>(o * l.in + i)];
        }
        g.swap(prev);
    }
    return g;
}

std::vector<double> LearnedPolicy::scoresByTorch(const std::vector<float>& x)
{
    torch::NoGradGuard noGrad;
    std::vector<float> copy(x);
    const torch::Tensor out =
        m_net->forward(torch::from_blob(copy.data(), {1, static_cast<long>(copy.size())}, torch::kFloat)).contiguous();
    return std::vector<double>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

double evaluatePolicy(const SimConfig& sim, const Trainer::TaskFor& taskFor, ExecutionPolicy& policy, std::uint64_t seed0,
                      int episodes, int threads, std::vector<double>* perEpisode,
                      const std::function<std::unique_ptr<ExecutionPolicy>()>& factory)
{
    std::vector<double> is(static_cast<std::size_t>(episodes));
    parallelFor(episodes, factory ? threads : 1, [&](int e) {
        const std::uint64_t seed = seed0 + static_cast<std::uint64_t>(e);
        std::unique_ptr<ExecutionPolicy> own = factory ? factory() : nullptr;
        is[static_cast<std::size_t>(e)] = runEpisode(sim, taskFor(seed), seed, own ? *own : policy).shortfallBps;
    });
    if (perEpisode)
        *perEpisode = is;
    double sum = 0;
    for (double x : is)
        sum += x;
    return episodes > 0 ? sum / episodes : 0;
}

} // namespace hm
