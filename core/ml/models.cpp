#include "ml/models.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
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

namespace {
// The file records which algorithm trained it under this key (a string attribute of
// the archive), so a card cannot pass one algorithm's weights off as another's: PPO's
// policy and Double DQN's Q-network have the same shape.
const char* const kAlgorithmKey = "helmsman_algorithm";

// The shipped models were saved before files recorded their algorithm; they are known
// by their hash. Any other file without the record is refused.
const std::pair<const char*, const char*> kShippedUntagged[] = {
    {"8e0a40f7c74176644510da38eadc0034e8013f00ae3ce39a3fa85964e4cc5b40", "ppo"},
    {"bd1cee15e8ef2ac80f1b58d1661863038c5931d65e1ecc36cc6b1e8d71c129a1", "ddqn"},
    {"15f563428f47e6c6cd1ce8333a3537f95b93bffd2e9be80cc763b7a87b60f137", "signal-mlp"},
    {"962872ccbd131c97fd559467532a3a5fdc40efa6da324457f5a63d760b2bf240", "signal-lstm"},
};

std::string networkType(const std::string& algorithm) { return algorithm == "signal-lstm" ? "lstm" : "mlp"; }

std::string joined(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

struct CardProblem {
    std::string what;
};

int wholeNumber(const nlohmann::json& obj, const char* key, int lo, int hi, const std::string& where)
{
    if (!obj.contains(key))
        throw CardProblem{where + key + " is missing"};
    const nlohmann::json& v = obj.at(key);
    const double x = v.is_number() ? v.get<double>() : std::nan("");
    if (!std::isfinite(x) || x != std::floor(x) || x < lo || x > hi)
        throw CardProblem{where + key + ": must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi)
                          + ", got " + v.dump()};
    return static_cast<int>(x);
}

std::vector<double> finiteNumbers(const nlohmann::json& obj, const char* key, const std::string& where)
{
    if (!obj.contains(key) || !obj.at(key).is_array())
        throw CardProblem{where + key + ": must be a list of numbers"};
    std::vector<double> out;
    for (const auto& v : obj.at(key)) {
        if (!v.is_number() || !std::isfinite(v.get<double>()))
            throw CardProblem{where + key + ": must be a list of numbers, got " + v.dump()};
        out.push_back(v.get<double>());
    }
    return out;
}

using TensorShapes = std::map<std::string, std::vector<std::int64_t>>;

void collectTensors(torch::serialize::InputArchive& archive, const std::string& prefix, TensorShapes& out)
{
    for (const std::string& key : archive.keys()) {
        torch::Tensor t;
        if (archive.try_read(key, t)) {
            out[prefix + key] = t.sizes().vec();
            continue;
        }
        torch::serialize::InputArchive nested;
        if (archive.try_read(key, nested))
            collectTensors(nested, prefix + key + ".", out);
    }
}

std::string shapeText(const std::vector<std::int64_t>& s)
{
    std::string out = "[";
    for (std::size_t i = 0; i < s.size(); ++i)
        out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

// The network a set of tensors makes, in the card's terms.
std::string describe(const TensorShapes& t)
{
    auto at = [&](const std::string& name) { return t.count(name) && t.at(name).size() == 2 ? t.at(name) : std::vector<std::int64_t>(); };
    if (!at("body.0.weight").empty()) {
        std::vector<std::vector<std::int64_t>> layers;
        for (int k = 0; k < 64; ++k)
            if (!at("body." + std::to_string(k) + ".weight").empty())
                layers.push_back(at("body." + std::to_string(k) + ".weight"));
        return "an MLP of " + std::to_string(layers.front()[1]) + " inputs, " + std::to_string(layers.size() - 1)
            + " hidden layers of " + std::to_string(layers.front()[0]) + " and " + std::to_string(layers.back()[0]) + " outputs";
    }
    if (!at("lstm.weight_ih_l0").empty() && !at("lstm.weight_hh_l0").empty())
        return "an LSTM of " + std::to_string(at("lstm.weight_ih_l0")[1]) + " inputs and " + std::to_string(at("lstm.weight_hh_l0")[1])
            + " hidden units";
    std::vector<std::string> names;
    for (const auto& kv : t)
        names.push_back(kv.first + " " + shapeText(kv.second));
    return names.empty() ? std::string("no tensors") : "the tensors " + joined(names);
}

std::string firstDifference(const TensorShapes& held, const TensorShapes& wanted)
{
    for (const auto& w : wanted) {
        auto h = held.find(w.first);
        if (h == held.end())
            return "no tensor " + w.first + " in the file";
        if (h->second != w.second)
            return w.first + " is " + shapeText(h->second) + " in the file, " + shapeText(w.second) + " by the card";
    }
    for (const auto& h : held)
        if (!wanted.count(h.first))
            return "the file's tensor " + h.first + " is not in that network";
    return "the same tensors";
}

// Which algorithm the archive says trained it; for an untagged file, the shipped model
// with its hash; "" when neither.
std::string recordedAlgorithm(torch::serialize::InputArchive& archive, const std::string& path)
{
    c10::IValue tag;
    if (archive.try_read(kAlgorithmKey, tag) && tag.isString())
        return tag.toStringRef();
    const std::string hash = sha256File(path);
    for (const auto& s : kShippedUntagged)
        if (hash == s.first)
            return s.second;
    return {};
}
} // namespace

const std::vector<std::string>& knownAlgorithms()
{
    static const std::vector<std::string> names{"ppo", "ddqn", "signal-mlp", "signal-lstm"};
    return names;
}

std::string saveModel(const std::string& path, torch::nn::Module& network, ModelCard card)
{
    try {
        torch::serialize::OutputArchive archive;
        network.save(archive);
        archive.write(kAlgorithmKey, c10::IValue(card.algorithm));
        archive.save_to(path);
    } catch (const std::exception& e) {
        return "cannot write model '" + path + "': " + e.what();
    }
    card.sha256 = sha256File(path);
    nlohmann::json j = {
        {"format", "helmsman-model-card/1"},
        {"algorithm", card.algorithm},
        {"network", {{"type", networkType(card.algorithm)}, {"activation", "tanh"}, {"inputs", card.network.inputs}, {"hidden", card.network.hidden},
                     {"layers", card.network.layers}, {"outputs", card.network.outputs}}},
        {"features", card.features},
        {"normalisation", {{"mean", card.normalizer.mean}, {"std", card.normalizer.std()}, {"m2", card.normalizer.m2},
                           {"count", card.normalizer.count}}},
        {"environment", nlohmann::json::parse(card.environment.empty() ? "{}" : card.environment)},
        {"training", {{"seed0", card.trainingSeed0}, {"steps", card.trainingSteps}, {"seconds", card.trainingSeconds}}},
        {"evaluation", nlohmann::json::parse(card.evaluation.empty() ? "{}" : card.evaluation)},
        {"model_file", path.substr(path.find_last_of('/') + 1)},
        {"sha256", card.sha256}};
    if (card.algorithm == "ppo" || card.algorithm == "ddqn") // how an execution policy picks its action
        j["acting"] = card.acting.empty() ? (card.algorithm == "ppo" ? "sample" : "greedy") : card.acting;
    std::ofstream out(path + ".json");
    if (!out)
        return "cannot write model card '" + path + ".json'";
    out << j.dump(2) << "\n";
    return {};
}

std::string trainingTaskRefusal(const ModelCard& card, Side side, double horizonS, double intervalS, double sizeFraction)
{
    nlohmann::json env = nlohmann::json::parse(card.environment, nullptr, false);
    if (env.is_discarded() || !env.is_object() || !env.contains("task") || !env["task"].is_object())
        return {};
    const nlohmann::json& task = env["task"];
    const std::string want = side == Side::Buy ? "buy" : "sell";
    std::vector<std::string> sides;
    if (task.contains("sides") && task["sides"].is_array())
        for (const auto& s : task["sides"])
            if (s.is_string())
                sides.push_back(s.get<std::string>());
    if (task.contains("side") && task["side"].is_string())
        sides.push_back(task["side"].get<std::string>());
    const bool anySide = sides.empty() || std::find(sides.begin(), sides.end(), "any") != sides.end();
    if (!anySide && std::find(sides.begin(), sides.end(), want) == sides.end())
        return "the model was trained to " + sides.front() + ", not to " + want;
    double lo = 0, hi = 0;
    if (task.contains("horizon_s_range") && task["horizon_s_range"].is_array() && task["horizon_s_range"].size() == 2
        && task["horizon_s_range"][0].is_number() && task["horizon_s_range"][1].is_number()) {
        lo = task["horizon_s_range"][0].get<double>();
        hi = task["horizon_s_range"][1].get<double>();
    } else if (task.contains("horizon_s") && task["horizon_s"].is_number()) {
        lo = hi = task["horizon_s"].get<double>();
    }
    auto seconds = [](double s) { return std::to_string(static_cast<long long>(std::llround(s))) + " s"; };
    if (hi > 0 && (horizonS < lo - 1e-6 || horizonS > hi + 1e-6))
        return "the model was trained on horizons of " + (lo == hi ? seconds(lo) : seconds(lo) + " to " + seconds(hi))
            + ", not " + seconds(horizonS);
    if (task.contains("decision_interval_s") && task["decision_interval_s"].is_number()) {
        const double trained = task["decision_interval_s"].get<double>();
        if (std::fabs(trained - intervalS) > 1e-6)
            return "the model was trained to decide every " + seconds(trained) + ", not every " + seconds(intervalS);
    }
    if (sizeFraction >= 0 && task.contains("size_fraction_range") && task["size_fraction_range"].is_array()
        && task["size_fraction_range"].size() == 2 && task["size_fraction_range"][0].is_number()
        && task["size_fraction_range"][1].is_number()) {
        const double slo = task["size_fraction_range"][0].get<double>(), shi = task["size_fraction_range"][1].get<double>();
        if (sizeFraction < slo * (1 - 1e-9) || sizeFraction > shi * (1 + 1e-9)) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "the model was trained on parents of %g%% to %g%% of the expected volume, not %.3g%%",
                          100 * slo, 100 * shi, 100 * sizeFraction);
            return buf;
        }
    }
    return {};
}

namespace {
// The task a card states is what live agents are held to: a field present must be well
// formed (a policy whose card says nothing is not limited; one whose card is garbled is
// refused, never read as "no limit").
void checkTask(const nlohmann::json& environment)
{
    if (!environment.is_object() || !environment.contains("task"))
        return;
    const nlohmann::json& task = environment.at("task");
    if (!task.is_object())
        throw CardProblem{"environment.task: expected an object, got " + task.dump()};
    auto isSide = [](const nlohmann::json& v) {
        return v.is_string() && (v == "buy" || v == "sell" || v == "any");
    };
    if (task.contains("side") && !isSide(task.at("side")))
        throw CardProblem{"environment.task.side: expected \"buy\", \"sell\" or \"any\", got " + task.at("side").dump()};
    if (task.contains("sides")) {
        const auto& sides = task.at("sides");
        if (!sides.is_array() || sides.empty() || !std::all_of(sides.begin(), sides.end(), isSide))
            throw CardProblem{"environment.task.sides: expected a list of \"buy\", \"sell\" or \"any\", got " + sides.dump()};
    }
    for (const char* key : {"horizon_s_range", "size_fraction_range"}) {
        if (!task.contains(key))
            continue;
        const auto& r = task.at(key);
        if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number() || !(r[0].get<double>() > 0)
            || r[0].get<double>() > r[1].get<double>())
            throw CardProblem{std::string("environment.task.") + key + ": expected [low, high] with 0 < low <= high, got " + r.dump()};
    }
    for (const char* key : {"horizon_s", "decision_interval_s"})
        if (task.contains(key) && !(task.at(key).is_number() && task.at(key).get<double>() > 0))
            throw CardProblem{std::string("environment.task.") + key + ": expected a positive number of seconds, got " + task.at(key).dump()};
}
} // namespace

std::string loadCard(const std::string& path, ModelCard& card)
{
    const std::string cardPath = path + ".json";
    std::ifstream in(cardPath);
    if (!in)
        return "model card '" + cardPath + "' is missing";
    std::string modelFile;
    try {
        nlohmann::json j;
        in >> j;
        if (!j.is_object())
            throw CardProblem{"expected an object"};
        if (j.value("format", std::string()) != "helmsman-model-card/1")
            throw CardProblem{"format: expected \"helmsman-model-card/1\", got " + (j.contains("format") ? j.at("format").dump() : std::string("nothing"))};
        ModelCard c;
        if (!j.contains("algorithm") || !j.at("algorithm").is_string())
            throw CardProblem{"algorithm is missing"};
        c.algorithm = j.at("algorithm").get<std::string>();
        const auto& known = knownAlgorithms();
        if (std::find(known.begin(), known.end(), c.algorithm) == known.end())
            throw CardProblem{"algorithm '" + c.algorithm + "' is not one this build knows (" + joined(known) + ")"};
        if (!j.contains("network") || !j.at("network").is_object())
            throw CardProblem{"network is missing"};
        const auto& n = j.at("network");
        if (n.contains("type") && n.at("type") != networkType(c.algorithm))
            throw CardProblem{"network.type: a " + c.algorithm + " model is an " + networkType(c.algorithm) + ", the card says "
                              + n.at("type").dump()};
        c.network.inputs = wholeNumber(n, "inputs", 1, 4096, "network.");
        c.network.hidden = wholeNumber(n, "hidden", 1, 4096, "network.");
        c.network.layers = wholeNumber(n, "layers", 1, 16, "network.");
        c.network.outputs = wholeNumber(n, "outputs", 1, 4096, "network.");
        c.features = j.at("features").get<std::vector<std::string>>();
        const auto& norm = j.at("normalisation");
        c.normalizer.mean = finiteNumbers(norm, "mean", "normalisation.");
        c.normalizer.m2 = finiteNumbers(norm, "m2", "normalisation.");
        c.normalizer.count = norm.at("count").get<double>();
        if (!std::isfinite(c.normalizer.count) || c.normalizer.count < 0)
            throw CardProblem{"normalisation.count: must be a count, got " + norm.at("count").dump()};
        if (c.normalizer.m2.size() != c.normalizer.mean.size())
            throw CardProblem{"normalisation: mean and m2 differ in length"};
        for (double m2 : c.normalizer.m2)
            if (m2 < 0)
                throw CardProblem{"normalisation.m2: a sum of squares cannot be negative"};
        c.environment = j.at("environment").dump();
        checkTask(j.at("environment"));
        if (j.at("environment").is_object() && j.at("environment").contains("action_set")) {
            const auto& set = j.at("environment").at("action_set");
            if (!set.is_string() || !parseActionSet(set.get<std::string>(), c.actions))
                throw CardProblem{"environment.action_set: expected \"remaining_fractions\" or \"schedule_multiples\", got " + set.dump()};
        }
        c.evaluation = j.value("evaluation", nlohmann::json::object()).dump();
        c.trainingSeed0 = j.at("training").value("seed0", std::uint64_t(0));
        c.trainingSteps = j.at("training").value("steps", std::uint64_t(0));
        c.trainingSeconds = j.at("training").value("seconds", 0.0);
        c.sha256 = j.at("sha256").get<std::string>();
        if (j.contains("acting")) {
            const auto& acting = j.at("acting");
            if (!acting.is_string() || (acting.get<std::string>() != "sample" && acting.get<std::string>() != "greedy"))
                throw CardProblem{"acting: expected \"sample\" or \"greedy\", got " + acting.dump()};
            c.acting = acting.get<std::string>();
        }
        if (!j.contains("model_file") || !j.at("model_file").is_string() || j.at("model_file").get<std::string>().empty())
            throw CardProblem{"model_file is missing"};
        modelFile = j.at("model_file").get<std::string>();
        card = c;
    } catch (const CardProblem& p) {
        return "model card '" + cardPath + "': " + p.what;
    } catch (const std::exception& e) {
        return "model card '" + cardPath + "' is not valid: " + e.what();
    }
    // An execution policy reads the market features (and, when trained with them, the
    // task's) and scores its action set; a signal model reads the market features and
    // gives one logit.
    const bool signal = card.algorithm.rfind("signal", 0) == 0;
    const int inputs = signal ? kTimeRemaining : card.network.inputs == kExecutionFeatureCount ? static_cast<int>(kExecutionFeatureCount) : static_cast<int>(kFeatureCount);
    const int outputs = signal ? 1 : actionCount(card.actions);
    const std::vector<std::string> wanted(executionFeatureNames().begin(), executionFeatureNames().begin() + inputs);
    if (card.features != wanted)
        return "model '" + path + "' was trained on different features than this build computes";
    if (card.network.inputs != inputs || card.network.outputs != outputs)
        return "model '" + path + "' has " + std::to_string(card.network.inputs) + " inputs and "
            + std::to_string(card.network.outputs) + " outputs; this build needs " + std::to_string(inputs) + " and "
            + std::to_string(outputs);
    if (card.normalizer.mean.size() != static_cast<std::size_t>(inputs))
        return "model card '" + cardPath + "': normalisation does not match the features";
    const std::string hash = sha256File(path);
    if (hash.empty())
        return "model file '" + path + "' is missing or unreadable";
    // The card says which file it describes: it must be this one.
    namespace fs = std::filesystem;
    const fs::path named = fs::path(path).parent_path() / modelFile;
    std::error_code ec;
    if (!fs::exists(named, ec))
        return "model card '" + cardPath + "': model_file '" + modelFile + "' does not exist (looked for '" + named.string() + "')";
    if (!fs::equivalent(named, fs::path(path), ec))
        return "model card '" + cardPath + "' describes '" + modelFile + "', not '" + fs::path(path).filename().string()
            + "': it is another model's card";
    if (hash != card.sha256)
        return "model file '" + path + "' does not match its card (sha256 " + hash.substr(0, 12) + "..., card says "
            + card.sha256.substr(0, 12) + "...): corrupted or replaced";
    return {};
}

std::string loadModel(const std::string& path, torch::nn::Module& network, const ModelCard& card)
{
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        const std::string recorded = recordedAlgorithm(archive, path);
        if (recorded.empty())
            return "model file '" + path + "' does not record which algorithm trained it (saved by an older build) and is not "
                   "a shipped model: train it again";
        if (recorded != card.algorithm)
            return "model file '" + path + "' holds a " + recorded + " model but its card says " + card.algorithm;
        TensorShapes held, wanted;
        collectTensors(archive, "", held);
        for (const auto& p : network.named_parameters(true))
            wanted[p.key()] = p.value().sizes().vec();
        for (const auto& b : network.named_buffers(true))
            wanted[b.key()] = b.value().sizes().vec();
        if (held != wanted)
            return "model file '" + path + "' holds " + describe(held) + "; its card describes " + describe(wanted) + " ("
                + firstDifference(held, wanted) + ")";
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
