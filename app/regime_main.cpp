// helmsman-regime: fits the Gaussian HMM regime detector on simulated sessions
// (Baum-Welch from a supervised start) and scores it on held-out sessions against the
// simulator's true regimes: balanced accuracy and the delay to detect a switch.
#include "regime/regime_detector.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace hm;

int main(int argc, char** argv)
{
    int trainDays = 20, testDays = 10, iterations = 0;
    double interval = 10;
    std::string out = "models/regime-hmm.json";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](double lo, double hi) {
            if (i + 1 >= argc) {
                std::cerr << "helmsman-regime: " << a << " needs a value\n";
                std::exit(2);
            }
            char* end = nullptr;
            const double v = std::strtod(argv[++i], &end);
            if (*end || v < lo || v > hi) {
                std::cerr << "helmsman-regime: " << a << " needs a number from " << lo << " to " << hi << ", got '" << argv[i] << "'\n";
                std::exit(2);
            }
            return v;
        };
        if (a == "--help" || a == "-h") {
            std::cout << "usage: helmsman-regime [--train-days N (20)] [--test-days N (10)] [--iterations N (0)]\n"
                         "                       [--interval S (10)] [--out FILE (models/regime-hmm.json)]\n"
                         "Fits the regime detector on simulated days (seeds from 1000) and scores it on held-out days\n"
                         "(seeds from 800000000) against the simulator's true regimes.\n";
            return 0;
        } else if (a == "--train-days") {
            trainDays = static_cast<int>(value(1, 10000));
        } else if (a == "--test-days") {
            testDays = static_cast<int>(value(1, 10000));
        } else if (a == "--iterations") {
            iterations = static_cast<int>(value(0, 1000));
        } else if (a == "--interval") {
            interval = value(1, 600);
        } else if (a == "--out") {
            if (i + 1 >= argc) {
                std::cerr << "helmsman-regime: --out needs a file\n";
                return 2;
            }
            out = argv[++i];
        } else {
            std::cerr << "helmsman-regime: unknown option '" << a << "' (see --help)\n";
            return 2;
        }
    }
    const auto start = std::chrono::steady_clock::now();
    const SimConfig sim = defaultSimConfig();
    std::vector<std::string> names;
    for (const auto& r : sim.regimes)
        names.push_back(r.name);
    std::vector<std::vector<RegimeObservation>> train, test;
    std::vector<std::vector<int>> trainLabels, testLabels;
    simulateRegimeSessions(sim, 1000, trainDays, interval, train, trainLabels);
    simulateRegimeSessions(sim, 800000000, testDays, interval, test, testLabels);
    std::vector<double> ll;
    const GaussianHmm hmm = fitHmm(train, trainLabels, names, iterations, interval, &ll);
    const DetectionScore tr = scoreDetection(hmm, train, trainLabels, names);
    const DetectionScore te = scoreDetection(hmm, test, testLabels, names);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("regime detector: Gaussian HMM, %d states, %d observations every %.0f s; %d training days, %d Baum-Welch iterations (%.1f s)\n",
                hmm.states(), kRegimeObservations, interval, trainDays, iterations, secs);
    if (ll.size() > 1)
        std::printf("log-likelihood %.0f -> %.0f\n", ll.front(), ll.back());
    std::printf("states named: ");
    for (const auto& n : hmm.names)
        std::printf("%s ", n.c_str());
    std::printf("\nheld-out (%d days from seed 800000000, %d samples): balanced accuracy %.3f (training %.3f)\n", testDays,
                te.samples, te.balancedAccuracy, tr.balancedAccuracy);
    for (std::size_t r = 0; r < names.size(); ++r)
        std::printf("  recall %-9s %.3f\n", names[r].c_str(), te.recall[r]);
    std::printf("switches %d, detected %d, mean delay %.0f s\n", te.switches, te.detectedSwitches, te.meanDelayS);
    nlohmann::json recall = nlohmann::json::object();
    for (std::size_t r = 0; r < names.size(); ++r)
        recall[names[r]] = te.recall[r];
    const nlohmann::json eval = {{"held_out_days", testDays}, {"seed0", 800000000}, {"samples", te.samples},
                                 {"balanced_accuracy", te.balancedAccuracy}, {"recall", recall},
                                 {"switches", te.switches}, {"detected_switches", te.detectedSwitches},
                                 {"mean_delay_s", te.meanDelayS}, {"training_days", trainDays}, {"iterations", iterations}};
    const std::string error = saveHmm(out, hmm, eval.dump());
    if (!error.empty()) {
        std::cerr << "helmsman-regime: " << error << "\n";
        return 3;
    }
    std::printf("wrote %s\n", out.c_str());
    return 0;
}
