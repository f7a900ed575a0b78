#include "ml/signal_model.h"

#include "features/book_sampler.h"
#include "sim/market_simulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace hm {

SignalData simulateSignalData(const SimConfig& config, std::uint64_t seed0, int days, double every, double horizon)
{
    SignalData d;
    const int step = std::max(1, static_cast<int>(every));
    const int ahead = std::max(1, static_cast<int>(horizon / step));
    for (int day = 0; day < days; ++day) {
        MarketSimulator sim(config, seed0 + static_cast<std::uint64_t>(day));
        FeatureTracker tracker(static_cast<double>(config.lot));
        BookSampler sampler;
        std::vector<std::vector<float>> rows;
        std::vector<double> mids;
        std::vector<double> f;
        for (int s = 1; s <= static_cast<int>(config.daySeconds); ++s) {
            sim.runUntil(s);
            sampler.sample(sim.book(), s, sim.counters().volume, tracker);
            if (s >= 600 && s % step == 0) {
                tracker.compute(ExecutionTaskState{}, f);
                rows.emplace_back(f.begin(), f.begin() + kSignalFeatures);
                mids.push_back(sim.twiceMid() / 2.0);
            }
        }
        std::vector<float> labels(rows.size(), 0.f), last(rows.size(), 0.f);
        std::vector<char> defined(rows.size(), 0);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i + static_cast<std::size_t>(ahead) < rows.size()) {
                const double move = mids[i + static_cast<std::size_t>(ahead)] - mids[i];
                defined[i] = move != 0;
                labels[i] = move > 0 ? 1.f : 0.f;
            }
            if (i >= static_cast<std::size_t>(ahead))
                last[i] = static_cast<float>((mids[i] > mids[i - static_cast<std::size_t>(ahead)]) - (mids[i] < mids[i - static_cast<std::size_t>(ahead)]));
        }
        d.rows.push_back(std::move(rows));
        d.labels.push_back(std::move(labels));
        d.defined.push_back(std::move(defined));
        d.lastMove.push_back(std::move(last));
    }
    return d;
}

LstmClassifierImpl::LstmClassifierImpl(int inputs, int hidden)
{
    lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(inputs, hidden).batch_first(true)));
    head = register_module("head", torch::nn::Linear(hidden, 1));
}

torch::Tensor LstmClassifierImpl::forward(torch::Tensor x)
{
    const auto out = std::get<0>(lstm->forward(x));
    return head->forward(out.select(1, out.size(1) - 1)).squeeze(1);
}

double rocAuc(const std::vector<double>& scores, const std::vector<float>& labels)
{
    // Mann-Whitney: the chance a random positive scores above a random negative.
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    double rankSum = 0, positives = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]])
            ++j;
        const double rank = (i + 1 + j) / 2.0;
        for (std::size_t k = i; k < j; ++k)
            if (labels[order[k]] > 0.5f) {
                rankSum += rank;
                positives += 1;
            }
        i = j;
    }
    const double negatives = static_cast<double>(scores.size()) - positives;
    if (positives == 0 || negatives == 0)
        return 0.5;
    return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

namespace {
// Samples usable for a window of `w` ending at i with a defined label.
std::vector<std::pair<int, int>> indices(const SignalData& d, int w)
{
    std::vector<std::pair<int, int>> out;
    for (std::size_t day = 0; day < d.rows.size(); ++day)
        for (std::size_t i = static_cast<std::size_t>(w - 1); i < d.rows[day].size(); ++i)
            if (d.defined[day][i])
                out.emplace_back(static_cast<int>(day), static_cast<int>(i));
    return out;
}

torch::Tensor rowsTensor(const SignalData& d, const std::vector<std::pair<int, int>>& idx, std::size_t from, std::size_t to,
                         int window, const Normalizer& norm)
{
    const std::vector<double> sd = norm.std();
    const long n = static_cast<long>(to - from);
    auto t = torch::empty({n, window, kSignalFeatures});
    auto a = t.accessor<float, 3>();
    for (long b = 0; b < n; ++b) {
        const auto& [day, i] = idx[from + static_cast<std::size_t>(b)];
        for (int k = 0; k < window; ++k) {
            const auto& row = d.rows[static_cast<std::size_t>(day)][static_cast<std::size_t>(i - window + 1 + k)];
            for (int f = 0; f < kSignalFeatures; ++f)
                a[b][k][f] = static_cast<float>(std::clamp((row[static_cast<std::size_t>(f)] - norm.mean[static_cast<std::size_t>(f)]) / sd[static_cast<std::size_t>(f)], -10.0, 10.0));
        }
    }
    return t;
}

SignalScore score(const std::vector<double>& p, const SignalData& d, const std::vector<std::pair<int, int>>& idx)
{
    SignalScore s;
    std::vector<float> y;
    std::vector<double> naive;
    double hit = 0, naiveHit = 0;
    for (std::size_t k = 0; k < idx.size(); ++k) {
        const float label = d.labels[static_cast<std::size_t>(idx[k].first)][static_cast<std::size_t>(idx[k].second)];
        const float last = d.lastMove[static_cast<std::size_t>(idx[k].first)][static_cast<std::size_t>(idx[k].second)];
        y.push_back(label);
        naive.push_back(last);
        hit += (p[k] > 0.5) == (label > 0.5f);
        naiveHit += last == 0 ? 0.5 : ((last > 0) == (label > 0.5f)); // a coin when it has no view
    }
    s.samples = static_cast<int>(idx.size());
    s.accuracy = hit / std::max<std::size_t>(1, idx.size());
    s.naiveAccuracy = naiveHit / std::max<std::size_t>(1, idx.size());
    s.auc = rocAuc(p, y);
    s.naiveAuc = rocAuc(naive, y);
    return s;
}
} // namespace

void trainSignalModels(const SignalData& train, const SignalData& test, const SignalTraining& t, Mlp& mlp,
                       LstmClassifier& lstm, Normalizer& norm, SignalScore& mlpScore, SignalScore& lstmScore)
{
    torch::manual_seed(t.seed);
    norm = Normalizer{};
    for (const auto& day : train.rows)
        for (const auto& r : day)
            norm.observe(std::vector<double>(r.begin(), r.end()));
    NetworkShape shape;
    shape.inputs = kSignalFeatures;
    shape.hidden = 64;
    shape.outputs = 1;
    mlp = Mlp(shape);
    lstm = LstmClassifier(kSignalFeatures, t.hidden);
    torch::optim::Adam mlpOpt(mlp->parameters(), torch::optim::AdamOptions(t.learningRate));
    torch::optim::Adam lstmOpt(lstm->parameters(), torch::optim::AdamOptions(t.learningRate));
    const auto trainIdx = indices(train, t.window), testIdx = indices(test, t.window);
    std::mt19937_64 rng(t.seed);
    auto labelsOf = [](const SignalData& d, const std::vector<std::pair<int, int>>& idx, std::size_t a, std::size_t b) {
        std::vector<float> y;
        for (std::size_t k = a; k < b; ++k)
            y.push_back(d.labels[static_cast<std::size_t>(idx[k].first)][static_cast<std::size_t>(idx[k].second)]);
        return torch::tensor(y);
    };
    auto shuffled = trainIdx;
    for (int epoch = 0; epoch < t.epochs; ++epoch) {
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        for (std::size_t a = 0; a < shuffled.size(); a += static_cast<std::size_t>(t.batch)) {
            const std::size_t b = std::min(shuffled.size(), a + static_cast<std::size_t>(t.batch));
            const torch::Tensor x = rowsTensor(train, shuffled, a, b, t.window, norm);
            const torch::Tensor y = labelsOf(train, shuffled, a, b);
            const torch::Tensor mlpLoss = torch::binary_cross_entropy_with_logits(mlp->forward(x.select(1, t.window - 1)).squeeze(1), y);
            mlpOpt.zero_grad();
            mlpLoss.backward();
            mlpOpt.step();
            const torch::Tensor lstmLoss = torch::binary_cross_entropy_with_logits(lstm->forward(x), y);
            lstmOpt.zero_grad();
            lstmLoss.backward();
            lstmOpt.step();
        }
    }
    torch::NoGradGuard g;
    std::vector<double> pm, pl;
    for (std::size_t a = 0; a < testIdx.size(); a += 4096) {
        const std::size_t b = std::min(testIdx.size(), a + 4096);
        const torch::Tensor x = rowsTensor(test, testIdx, a, b, t.window, norm);
        const torch::Tensor m = torch::sigmoid(mlp->forward(x.select(1, t.window - 1)).squeeze(1)).contiguous();
        const torch::Tensor l = torch::sigmoid(lstm->forward(x)).contiguous();
        pm.insert(pm.end(), m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
        pl.insert(pl.end(), l.data_ptr<float>(), l.data_ptr<float>() + l.numel());
    }
    mlpScore = score(pm, test, testIdx);
    lstmScore = score(pl, test, testIdx);
}

double signalProbability(Mlp& mlp, const Normalizer& norm, const std::vector<double>& features)
{
    torch::NoGradGuard g;
    const std::vector<double> sd = norm.std();
    std::vector<float> x(kSignalFeatures);
    for (int f = 0; f < kSignalFeatures; ++f)
        x[static_cast<std::size_t>(f)] = static_cast<float>(std::clamp((features[static_cast<std::size_t>(f)] - norm.mean[static_cast<std::size_t>(f)]) / sd[static_cast<std::size_t>(f)], -10.0, 10.0));
    return torch::sigmoid(mlp->forward(torch::from_blob(x.data(), {1, kSignalFeatures}, torch::kFloat))).item<double>();
}

} // namespace hm
