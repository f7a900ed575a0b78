#include "ml/models.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace hm {

void Normalizer::observe(const std::vector<double>& x)
{
    if (mean.empty()) {
        mean.assign(x.size(), 0.0);
        m2.assign(x.size(), 0.0);
    }
    count += 1;
    for (std::size_t i = 0; i < x.size() && i < mean.size(); ++i) {
        const double d = x[i] - mean[i];
        mean[i] += d / count;
        m2[i] += d * (x[i] - mean[i]);
    }
}

std::vector<double> Normalizer::std() const
{
    std::vector<double> s(mean.size(), 1.0);
    for (std::size_t i = 0; i < s.size(); ++i)
        s[i] = count > 1 ? std::max(1e-6, std::sqrt(m2[i] / (count - 1))) : 1.0;
    return s;
}

torch::Tensor Normalizer::apply(const torch::Tensor& batch) const
{
    if (mean.empty())
        return batch;
    std::vector<float> m(mean.begin(), mean.end());
    const std::vector<double> sd = std();
    std::vector<float> s(sd.begin(), sd.end());
    auto mt = torch::from_blob(m.data(), {static_cast<long>(m.size())}, torch::kFloat).clone();
    auto st = torch::from_blob(s.data(), {static_cast<long>(s.size())}, torch::kFloat).clone();
    return torch::clamp((batch - mt) / st, -10.0, 10.0);
}

MlpImpl::MlpImpl(const NetworkShape& s)
{
    body = torch::nn::Sequential();
    int in = s.inputs;
    for (int i = 0; i < s.layers; ++i) {
        body->push_back(torch::nn::Linear(in, s.hidden));
        body->push_back(torch::nn::Tanh());
        in = s.hidden;
    }
    body->push_back(torch::nn::Linear(in, s.outputs));
    register_module("body", body);
}

torch::Tensor MlpImpl::forward(torch::Tensor x) { return body->forward(x); }

ActorCriticImpl::ActorCriticImpl(const NetworkShape& s)
{
    actor = register_module("actor", Mlp(s));
    NetworkShape v = s;
    v.outputs = 1;
    critic = register_module("critic", Mlp(v));
}

std::string sha256File(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0)
        EVP_DigestUpdate(ctx, buf, static_cast<std::size_t>(in.gcount()));
    unsigned char md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string saveModel(const std::string& path, torch::nn::Module& network, ModelCard card)
{
    try {
        torch::serialize::OutputArchive archive;
        network.save(archive);
        archive.save_to(path);
    } catch (const std::exception& e) {
        return "cannot write model '" + path + "': " + e.what();
    }
    card.sha256 = sha256File(path);
    nlohmann::json j = {
        {"format", "helmsman-model-card/1"},
        {"algorithm", card.algorithm},
        {"network", {{"type", "mlp"}, {"activation", "tanh"}, {"inputs", card.network.inputs}, {"hidden", card.network.hidden},
                     {"layers", card.network.layers}, {"outputs", card.network.outputs}}},
        {"features", card.features},
        {"normalisation", {{"mean", card.normalizer.mean}, {"std", card.normalizer.std()}, {"m2", card.normalizer.m2},
                           {"count", card.normalizer.count}}},
        {"environment", nlohmann::json::parse(card.environment.empty() ? "{}" : card.environment)},
        {"training", {{"seed0", card.trainingSeed0}, {"steps", card.trainingSteps}, {"seconds", card.trainingSeconds}}},
        {"evaluation", nlohmann::json::parse(card.evaluation.empty() ? "{}" : card.evaluation)},
        {"model_file", path.substr(path.find_last_of('/') + 1)},
        {"sha256", card.sha256}};
    std::ofstream out(path + ".json");
    if (!out)
        return "cannot write model card '" + path + ".json'";
    out << j.dump(2) << "\n";
    return {};
}

std::string loadCard(const std::string& path, ModelCard& card)
{
    std::ifstream in(path + ".json");
    if (!in)
        return "model card '" + path + ".json' is missing";
    nlohmann::json j;
    try {
        in >> j;
        ModelCard c;
        c.algorithm = j.at("algorithm").get<std::string>();
        const auto& n = j.at("network");
        c.network.inputs = n.at("inputs").get<int>();
        c.network.hidden = n.at("hidden").get<int>();
        c.network.layers = n.at("layers").get<int>();
        c.network.outputs = n.at("outputs").get<int>();
        c.features = j.at("features").get<std::vector<std::string>>();
        const auto& norm = j.at("normalisation");
        c.normalizer.mean = norm.at("mean").get<std::vector<double>>();
        c.normalizer.m2 = norm.at("m2").get<std::vector<double>>();
        c.normalizer.count = norm.at("count").get<double>();
        c.environment = j.at("environment").dump();
        c.evaluation = j.value("evaluation", nlohmann::json::object()).dump();
        c.trainingSeed0 = j.at("training").value("seed0", std::uint64_t(0));
        c.trainingSteps = j.at("training").value("steps", std::uint64_t(0));
        c.trainingSeconds = j.at("training").value("seconds", 0.0);
        c.sha256 = j.at("sha256").get<std::string>();
        card = c;
    } catch (const std::exception& e) {
        return "model card '" + path + ".json' is not valid: " + e.what();
    }
    // An execution policy reads all features and scores the 18 actions; a signal model
    // reads the market features and gives one logit.
    const bool signal = card.algorithm.rfind("signal", 0) == 0;
    const int inputs = signal ? kTimeRemaining : kFeatureCount, outputs = signal ? 1 : ExecutionEnv::discreteActionCount();
    const std::vector<std::string> wanted(featureNames().begin(), featureNames().begin() + inputs);
    if (card.features != wanted)
        return "model '" + path + "' was trained on different features than this build computes";
    if (card.network.inputs != inputs || card.network.outputs != outputs)
        return "model '" + path + "' has " + std::to_string(card.network.inputs) + " inputs and "
            + std::to_string(card.network.outputs) + " outputs; this build needs " + std::to_string(inputs) + " and "
            + std::to_string(outputs);
    if (card.normalizer.mean.size() != static_cast<std::size_t>(inputs))
        return "model card '" + path + ".json': normalisation does not match the features";
    const std::string hash = sha256File(path);
    if (hash.empty())
        return "model file '" + path + "' is missing or unreadable";
    if (hash != card.sha256)
        return "model file '" + path + "' does not match its card (sha256 " + hash.substr(0, 12) + "..., card says "
            + card.sha256.substr(0, 12) + "...): corrupted or replaced";
    return {};
}

std::string loadModel(const std::string& path, torch::nn::Module& network, const ModelCard&)
{
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        network.load(archive);
    } catch (const std::exception& e) {
        std::string what = e.what();
        return "model file '" + path + "' cannot be loaded: " + what.substr(0, what.find('\n'));
    }
    return {};
}

int greedyAction(Mlp& net, const Normalizer& norm, const std::vector<double>& observation)
{
    torch::NoGradGuard noGrad;
    std::vector<float> x(observation.begin(), observation.end());
    auto t = torch::from_blob(x.data(), {1, static_cast<long>(x.size())}, torch::kFloat).clone();
    return static_cast<int>(net->forward(norm.apply(t)).argmax(1).item<long>());
}

} // namespace hm
