// Simulator throughput (Release, one core): book events and background decisions per
// second of wall time, and a whole 6.5-hour simulated day in wall-clock seconds. With
// --regimes it also prints what each regime looks like (spread, depth, volume, returns).
#include "exec/execution_env.h"
#include "sim/market_simulator.h"
#include "sim/multi_asset_simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <vector>

using namespace hm;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

void regimeProfile(const SimConfig& cfg)
{
    std::printf("%-10s %8s %10s %10s %12s %10s %8s\n", "regime", "spread", "depth5/side", "vol/s", "|ret1m| bps", "sd1m bps", "crashes");
    for (std::size_t r = 0; r < cfg.regimes.size(); ++r) {
        SimConfig c = cfg;
        c.schedule = {ScheduleEntry{0, cfg.regimes[r].name}}; // hold the regime
        c.intradayProfile.clear();
        MarketSimulator sim(c, 11 + r);
        sim.runUntil(600);
        double spread = 0, depth = 0, n = 0;
        std::vector<double> rets;
        double lastMid = sim.twiceMid() / 2.0;
        const Quantity vol0 = sim.counters().volume;
        Depth d;
        for (int s = 1; s <= 3600; ++s) {
            sim.runUntil(600 + s);
            if (sim.book().hasBid() && sim.book().hasAsk()) {
                spread += static_cast<double>(sim.book().bestAsk() - sim.book().bestBid());
                sim.book().depth(5, d);
                double q = 0;
                for (const auto& l : d.bids)
                    q += static_cast<double>(l.qty);
                for (const auto& l : d.asks)
                    q += static_cast<double>(l.qty);
                depth += q / 2;
                ++n;
            }
            if (s % 60 == 0) {
                const double m = sim.twiceMid() / 2.0;
                if (m > 0 && lastMid > 0)
                    rets.push_back(1e4 * std::log(m / lastMid));
                lastMid = m;
            }
        }
        double mean = std::accumulate(rets.begin(), rets.end(), 0.0) / rets.size(), ss = 0, ab = 0;
        for (double x : rets) {
            ss += (x - mean) * (x - mean);
            ab += std::fabs(x);
        }
        std::printf("%-10s %8.2f %10.0f %10.0f %12.2f %10.2f %8llu\n", cfg.regimes[r].name.c_str(), spread / n, depth / n,
                    static_cast<double>(sim.counters().volume - vol0) / 3600.0, ab / rets.size(), std::sqrt(ss / rets.size()),
                    static_cast<unsigned long long>(sim.counters().crashes));
    }
}

} // namespace

int main(int argc, char** argv)
{
    SimConfig cfg = defaultSimConfig();
    if (argc > 2 && !std::strcmp(argv[argc - 2], "--config")) {
        const std::string error = loadSimConfig(argv[argc - 1], cfg);
        if (!error.empty()) {
            std::fprintf(stderr, "bench_sim: %s\n", error.c_str());
            return 2;
        }
        argc -= 2;
    }
    if (argc > 1 && !std::strcmp(argv[1], "--regimes")) {
        regimeProfile(cfg);
        return 0;
    }
    // Throughput: one simulated day, the Markov chain switching regimes as configured.
    MarketSimulator warm(cfg, 1);
    warm.runUntil(600); // page in, grow the pools
    MarketSimulator sim(cfg, 2);
    const auto a = Clock::now();
    sim.runUntil(cfg.daySeconds);
    const auto b = Clock::now();
    const SimCounters& c = sim.counters();
    const double wall = seconds(a, b);
    std::printf("simulated day (%.1f h virtual, seed 2): %.3f s wall\n", cfg.daySeconds / 3600, wall);
    std::printf("  book events   %llu  -> %.2f M/s  (target >= 2 M/s)\n", static_cast<unsigned long long>(c.bookEvents),
                c.bookEvents / wall / 1e6);
    std::printf("  decisions     %llu  -> %.2f M/s\n", static_cast<unsigned long long>(c.decisions), c.decisions / wall / 1e6);
    std::printf("  trades        %llu, volume %lld, regime switches %llu, crashes %llu\n",
                static_cast<unsigned long long>(c.trades), static_cast<long long>(c.volume),
                static_cast<unsigned long long>(c.regimeSwitches), static_cast<unsigned long long>(c.crashes));

    // The correlated universe: every name's day together, the factors and the makers'
    // peer reaction included; per name against the single-name day above.
    if (!cfg.universe.members.empty()) {
        MultiAssetSimulator universe(cfg, 2);
        const auto u0 = Clock::now();
        universe.runUntil(cfg.daySeconds);
        const double uWall = seconds(u0, Clock::now());
        const SimCounters uc = universe.counters();
        const double perName = uWall / static_cast<double>(universe.size());
        std::printf("universe day (%zu names, seed 2): %.3f s wall\n", universe.size(), uWall);
        std::printf("  book events   %llu  -> %.2f M/s  (target >= 2 M/s); %.2f s per name, %.2fx the single-name day\n",
                    static_cast<unsigned long long>(uc.bookEvents), uc.bookEvents / uWall / 1e6, perName, perName / wall);
    }

    // Environment steps: one step = cancel the last child, place one child order, run
    // 10 s of virtual market (every population's decisions) and sample the features
    // once per virtual second. Random discrete actions; episodes of 30 minutes.
    ExecutionTask task;
    task.quantity = 100000;
    task.horizonS = 1800;
    task.decisionIntervalS = 10;
    ExecutionEnv env(cfg, task);
    std::uint64_t rng = 12345, steps = 0, episodes = 0;
    double resetWall = 0;
    const auto e0 = Clock::now();
    while (seconds(e0, Clock::now()) < 3.0) {
        const auto r0 = Clock::now();
        env.reset(1000 + episodes++);
        resetWall += seconds(r0, Clock::now());
        for (bool done = false; !done; ++steps) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            done = env.step(env.discreteAction(static_cast<int>((rng >> 33) % ExecutionEnv::discreteActionCount()))).done;
        }
    }
    const double envWall = seconds(e0, Clock::now());
    std::printf("execution environment: %llu steps in %llu episodes, %.0f steps/s (%.0f steps/s excluding the 300 s "
                "warm-up of each reset); one step = 10 s of virtual market\n",
                static_cast<unsigned long long>(steps), static_cast<unsigned long long>(episodes), steps / envWall,
                steps / (envWall - resetWall));
    return 0;
}
