// Inference latency of the learning agents at batch 1 (what the engine thread pays per
// decision): the network's forward pass alone and a whole decision (features ->
// normalisation -> network -> action, with probabilities and gradient x input for the
// rationale). Release build, one thread. Optional argument:
// a model file (models/ppo-execution.pt); otherwise a fresh 13-64-64-18 network.
#include "ml/training.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace hm;
using Clock = std::chrono::steady_clock;

namespace {
void report(const char* what, std::vector<double>& ns)
{
    std::sort(ns.begin(), ns.end());
    std::printf("%-44s p50 %6.1f us  p99 %6.1f us  (n=%zu)\n", what, ns[ns.size() / 2] / 1000, ns[ns.size() * 99 / 100] / 1000,
                ns.size());
}
} // namespace

int main(int argc, char** argv)
{
    torch::set_num_threads(1);
    std::string error;
    std::unique_ptr<LearnedPolicy> policy;
    Mlp net(NetworkShape{});
    Normalizer norm;
    norm.observe(std::vector<double>(kFeatureCount, 0.0));
    norm.observe(std::vector<double>(kFeatureCount, 1.0));
    if (argc > 1) {
        policy.reset(new LearnedPolicy(argv[1], error));
        if (!error.empty()) {
            std::fprintf(stderr, "bench_ml: %s\n", error.c_str());
            return 2;
        }
        std::printf("model %s (%s)\n", argv[1], policy->name().c_str());
    } else {
        policy.reset(new LearnedPolicy(net, norm, "ppo"));
    }
    ExecState s;
    s.parent = 100000;
    s.remaining = 60000;
    s.features.assign(kFeatureCount, 0.3);
    std::vector<float> x(kFeatureCount, 0.3f);
    const int n = 20000;
    std::vector<double> forward, decision;
    forward.reserve(n);
    decision.reserve(n);
    for (int i = 0; i < n + 1000; ++i) {
        const auto a = Clock::now();
        {
            torch::NoGradGuard g;
            auto t = torch::from_blob(x.data(), {1, kFeatureCount}, torch::kFloat);
            volatile float sink = net->forward(t)[0][0].item<float>();
            (void)sink;
        }
        const auto b = Clock::now();
        s.features[0] = (i % 7) * 0.1;
        volatile long q = policy->decide(s).qty;
        (void)q;
        const auto c = Clock::now();
        if (i >= 1000) { // after warm-up
            forward.push_back(std::chrono::duration<double, std::nano>(b - a).count());
            decision.push_back(std::chrono::duration<double, std::nano>(c - b).count());
        }
    }
    report("network forward, batch 1", forward);
    report("whole decision with its explanation", decision);
    std::printf("targets: p50 <= 20 us, p99 <= 50 us\n");
    return 0;
}
