#include "backtest_tune.h"
#include "exec/tuning.h"
#include "model/text.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace hm {

namespace {
const char* kTuneUsage =
    "usage: helmsman-backtest --tune [options]\n"
    "  --episodes N     training episodes per task and family (default 20)\n"
    "  --families LIST  comma-separated: twap,vwap,pov,ac (default all)\n"
    "  --seed N         first training seed (default 20000000; must stay below 100000000)\n"
    "  --sim-config F   simulator configuration (default: the built-in one)\n"
    "  --threads N      worker threads (default 2)\n"
    "  --out FILE       where to write the tuned parameters (default tuned-placement.json)\n"
    "  --quiet          no progress\n";

bool positive(const char* text, double lo, double hi, double& out)
{
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end && *end == 0 && end != text && out >= lo && out <= hi;
}

std::string list(const std::vector<double>& v)
{
    std::ostringstream s;
    for (std::size_t i = 0; i < v.size(); ++i)
        s << (i ? "," : "") << v[i];
    return s.str();
}
} // namespace

int backtestTune(int argc, char** argv)
{
    TuningOptions t;
    BacktestOptions o;
    std::string out = "tuned-placement.json", simConfig;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        double v = 0;
        auto bad = [&](const char* what) {
            std::cerr << "helmsman-backtest --tune: " << a << " needs " << what
                      << (hasValue ? std::string(", got '") + argv[i + 1] + "'" : std::string()) << "\n";
            return 2;
        };
        if (a == "--help" || a == "-h") {
            std::cout << kTuneUsage;
            return 0;
        } else if (a == "--episodes") {
            if (!hasValue || !positive(argv[i + 1], 1, 1e6, v))
                return bad("a number from 1 to 1000000");
            t.episodesPerTask = static_cast<int>(v);
            ++i;
        } else if (a == "--seed") {
            if (!hasValue || !positive(argv[i + 1], 0, 1e8, v))
                return bad("a training seed below 100000000");
            t.seed0 = static_cast<std::uint64_t>(v);
            ++i;
        } else if (a == "--threads") {
            if (!hasValue || !positive(argv[i + 1], 1, 256, v))
                return bad("a number from 1 to 256");
            o.threads = static_cast<int>(v);
            ++i;
        } else if (a == "--families") {
            if (!hasValue)
                return bad("a list of families");
            t.families = split(argv[++i], ',', true);
            for (const std::string& f : t.families)
                if (f != "twap" && f != "vwap" && f != "pov" && f != "ac") {
                    std::cerr << "helmsman-backtest --tune: --families: unknown family '" << f << "' (known: twap, vwap, pov, ac)\n";
                    return 2;
                }
        } else if (a == "--sim-config") {
            if (!hasValue)
                return bad("a file");
            simConfig = argv[++i];
        } else if (a == "--out") {
            if (!hasValue)
                return bad("a file");
            out = argv[++i];
        } else if (a == "--quiet") {
            quiet = true;
        } else {
            std::cerr << "helmsman-backtest --tune: unknown option '" << a << "'\n" << kTuneUsage;
            return 2;
        }
    }
    std::string error;
    if (!checkTuningOptions(t, error)) {
        std::cerr << "helmsman-backtest --tune: " << error << "\n";
        return 2;
    }
    SimConfig config = defaultSimConfig();
    if (!simConfig.empty() && !(error = loadSimConfig(simConfig, config)).empty()) {
        std::cerr << "helmsman-backtest --tune: " << error << "\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    Backtest b(config, o);
    if (!quiet)
        std::fprintf(stderr, "calibrating (volume profile, impact) ...\n");
    b.calibrate();
    const auto results = tunePlacement(b, t, [&](int d, int total) {
        if (!quiet && (d == total || d % std::max(1, total / 20) == 0))
            std::fprintf(stderr, "tuning %d/%d episodes\n", d, total);
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::ostringstream tasks;
    for (std::size_t i = 0; i < t.tasks.size(); ++i)
        tasks << (i ? ", " : "") << t.tasks[i].horizonS << " s at " << t.tasks[i].sizeFraction * 100 << "%";
    const std::uint64_t lastSeed = t.seed0 + static_cast<std::uint64_t>(t.episodesPerTask) * t.tasks.size() - 1;
    std::ostringstream source;
    source << "helmsman-backtest --tune --episodes " << t.episodesPerTask << " --threads " << o.threads << " ("
           << std::fixed << std::setprecision(0) << seconds << " s): grid band_inside {" << list(t.bandInside)
           << "} x band_cross {" << list(t.bandCross) << "} x limit_sigmas {" << list(t.limitSigmas)
           << "} (0: no limit) x max_participation {" << list(t.maxParticipation) << "} (0: no cap), per family the lowest "
           << "mean implementation shortfall (mean over tasks of each task's mean) on tasks [" << tasks.str()
           << "] of the parent's share of the expected volume, interval " << o.intervalS << " s, training seeds " << t.seed0
           << ".." << lastSeed << " (each task its own seeds, every candidate on the same ones); min_participation, "
           << "finish_slices and jitter left at their defaults";
    std::ofstream f(out);
    f << tunedPlacementDocument(results, source.str());
    if (!f) {
        std::cerr << "helmsman-backtest --tune: cannot write '" << out << "'\n";
        return 3;
    }
    std::cout << std::fixed << std::setprecision(2);
    std::cout << "family  cross(bps)  default(bps)  tuned(bps)  band_inside band_cross limit_sigmas max_participation\n";
    for (const TuningResult& r : results)
        std::cout << std::left << std::setw(8) << r.family << std::right << std::setw(10) << r.crossMeanBps << std::setw(14)
                  << r.defaultMeanBps << std::setw(12) << r.bestMeanBps << std::setw(13) << r.best.bandInside << std::setw(11)
                  << r.best.bandCross << std::setw(13) << r.best.limitSigmas << std::setw(18) << r.best.maxParticipation << "\n";
    std::cout << "\n" << results.front().candidates << " candidates x " << results.front().episodes << " training episodes per family; "
              << std::setprecision(0) << seconds << " s; wrote " << out << "\n";
    return 0;
}

} // namespace hm
