// helmsman-signal: trains the supervised signal models (an MLP over the features now,
// an LSTM over a window of them) to predict the direction of the mid over the next
// horizon, on simulated days, and scores them on separate days against a naive
// baseline (the last move continues): accuracy and AUC. Writes the models and cards.
#include "ml/signal_model.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

using namespace hm;

int main(int argc, char** argv)
{
    int trainDays = 6, testDays = 3;
    double every = 5, horizon = 30;
    std::string out = "models/signal";
    SignalTraining t;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](double lo, double hi) {
            char* end = nullptr;
            const double v = i + 1 < argc ? std::strtod(argv[i + 1], &end) : NAN;
            if (i + 1 >= argc || *end || !(v >= lo && v <= hi)) {
                std::cerr << "helmsman-signal: " << a << " needs a number from " << lo << " to " << hi << "\n";
                std::exit(2);
            }
            ++i;
            return v;
        };
        if (a == "--help" || a == "-h") {
            std::cout << "usage: helmsman-signal [--train-days N (6)] [--test-days N (3)] [--every S (5)] [--horizon S (30)]\n"
                         "                       [--epochs N (6)] [--window N (12)] [--out PREFIX (models/signal)]\n"
                         "Writes PREFIX-mlp.pt and PREFIX-lstm.pt with their cards.\n";
            return 0;
        } else if (a == "--train-days") trainDays = static_cast<int>(value(1, 1000));
        else if (a == "--test-days") testDays = static_cast<int>(value(1, 1000));
        else if (a == "--every") every = value(1, 600);
        else if (a == "--horizon") horizon = value(1, 3600);
        else if (a == "--epochs") t.epochs = static_cast<int>(value(1, 1000));
        else if (a == "--window") t.window = static_cast<int>(value(1, 1000));
        else if (a == "--out" && i + 1 < argc) out = argv[++i];
        else {
            std::cerr << "helmsman-signal: unknown option '" << a << "' (see --help)\n";
            return 2;
        }
    }
    torch::set_num_threads(1);
    const auto start = std::chrono::steady_clock::now();
    const SimConfig sim = defaultSimConfig();
    const SignalData train = simulateSignalData(sim, 2000, trainDays, every, horizon);
    const SignalData test = simulateSignalData(sim, 700000000, testDays, every, horizon);
    Mlp mlp{nullptr};
    LstmClassifier lstm{nullptr};
    Normalizer norm;
    SignalScore ms, ls;
    trainSignalModels(train, test, t, mlp, lstm, norm, ms, ls);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("signal: direction of the mid %.0f s ahead, a sample every %.0f s; %d training days (seeds from 2000), %d test days "
                "(seeds from 700000000), %d test samples with a move (%.0f s)\n",
                horizon, every, trainDays, testDays, ms.samples, secs);
    std::printf("  %-28s accuracy %.3f  AUC %.3f\n", "MLP (features now)", ms.accuracy, ms.auc);
    std::printf("  %-28s accuracy %.3f  AUC %.3f\n", "LSTM (window of features)", ls.accuracy, ls.auc);
    std::printf("  %-28s accuracy %.3f  AUC %.3f\n", "naive: the last move goes on", ms.naiveAccuracy, ms.naiveAuc);
    std::printf("  %-28s accuracy %.3f  AUC %.3f\n", "naive: the last move reverses", 1 - ms.naiveAccuracy, 1 - ms.naiveAuc);
    for (int which = 0; which < 2; ++which) {
        ModelCard card;
        card.algorithm = which == 0 ? "signal-mlp" : "signal-lstm";
        card.network.inputs = kSignalFeatures;
        card.network.hidden = which == 0 ? 64 : t.hidden;
        card.network.layers = which == 0 ? 2 : 1;
        card.network.outputs = 1;
        card.features.assign(featureNames().begin(), featureNames().begin() + kSignalFeatures);
        card.normalizer = norm;
        card.environment = nlohmann::json{{"target", "mid higher after horizon (1) or lower (0); flat excluded"},
                                          {"horizon_s", horizon}, {"sample_every_s", every}, {"window", which == 0 ? 1 : t.window},
                                          {"simulator", "resources/sim/default.json"}}
                               .dump();
        card.trainingSeed0 = 2000;
        card.trainingSteps = static_cast<std::uint64_t>(t.epochs);
        card.trainingSeconds = secs;
        const SignalScore& s = which == 0 ? ms : ls;
        card.evaluation = nlohmann::json{{"test_seed0", 700000000}, {"test_days", testDays}, {"samples", s.samples},
                                         {"accuracy", s.accuracy}, {"auc", s.auc}, {"naive_accuracy", s.naiveAccuracy},
                                         {"naive_auc", s.naiveAuc}}
                              .dump();
        const std::string path = out + (which == 0 ? "-mlp.pt" : "-lstm.pt");
        const std::string error = which == 0 ? saveModel(path, *mlp, card) : saveModel(path, *lstm, card);
        if (!error.empty()) {
            std::cerr << "helmsman-signal: " << error << "\n";
            return 3;
        }
        std::printf("wrote %s\n", path.c_str());
    }
    return 0;
}
