// helmsman-backtest: every execution strategy on the same held-out seeds across all
// regimes; a table on the console, CSV, JSON and PNG charts in the output directory.
#include "backtest_grid.h"
#include "backtest_report.h"
#include "backtest_tune.h"
#include "model/text.h"
#include "ml/training.h"

#include <QGuiApplication>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace hm;

namespace {

const char* kUsage =
    "usage: helmsman-backtest [options]   (helmsman-backtest --tune --help: the placement tuning)\n"
    "  --strategies LIST    comma-separated: twap,vwap,pov,ac (tuned placement), twap-default,... (hand-set\n"
    "                       placement), twap-cross,... (naive: every slice crosses), submit-and-leave (default all)\n"
    "  --model FILE         add a trained learning agent (models/*.pt with its .json card); repeatable\n"
    "  --episodes N         held-out episodes per strategy (default 200)\n"
    "  --seed N             first episode seed (default 900000000; training seeds stay below 100000000)\n"
    "  --horizon S          seconds to complete the parent order (default 1800)\n"
    "  --interval S         seconds between decisions (default 10)\n"
    "  --size F             parent order as a share of the expected volume over the horizon (default 0.10)\n"
    "  --side buy|sell      (default sell)\n"
    "  --sizes LIST         sizes for the size sweep (default 0.01,0.05,0.10,0.25); 'none' to skip\n"
    "  --sweep-episodes N   episodes per size in the sweep (default 60)\n"
    "  --risk-aversion X    Almgren-Chriss lambda per tick-lot (default 3e-6)\n"
    "  --sim-config FILE    simulator configuration (default: the built-in resources/sim/default.json)\n"
    "  --threads N          worker threads (default 2)\n"
    "  --out DIR            output directory (default backtest-out)\n"
    "  --quiet              no progress bar\n"
    "  --grid               the evaluation grid instead (side x size x horizon x regime); --grid --help for its options\n";

bool number(const char* text, double& out)
{
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end && *end == 0 && end != text && std::isfinite(out); // nan and inf are no numbers here
}

void bar(const char* label, int done, int total)
{
    static const bool terminal = ::isatty(2);
    if (!terminal) { // logs get a line per tenth, not a wall of carriage returns
        if (done == total || done % std::max(1, total / 10) == 0)
            std::fprintf(stderr, "%s %d/%d\n", label, done, total);
        return;
    }
    const int width = 40, filled = total > 0 ? done * width / total : width;
    std::fprintf(stderr, "\r%-14s [%.*s%*s] %d/%d", label, filled, "########################################",
                 width - filled, "", done, total);
    if (done == total)
        std::fprintf(stderr, "\n");
}

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // charts are drawn off screen
    if (argc > 1 && std::strcmp(argv[1], "--tune") == 0)
        return backtestTune(argc - 1, argv + 1);
    QGuiApplication app(argc, argv);
    if (isGridMode(argc, argv))
        return runBacktestGrid(argc, argv, bar);
    BacktestOptions o;
    std::vector<std::string> strategies = Backtest::builtInStrategies();
    std::vector<double> sizes{0.01, 0.05, 0.10, 0.25};
    int sweepEpisodes = 60;
    std::string outDir = "backtest-out", simConfig;
    std::vector<std::string> models;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](double& v, double lo, double hi) {
            if (i + 1 >= argc || !number(argv[i + 1], v) || v < lo || v > hi) {
                std::cerr << "helmsman-backtest: " << a << " needs a number from " << lo << " to " << hi
                          << (i + 1 < argc ? std::string(", got '") + argv[i + 1] + "'" : std::string()) << "\n";
                std::exit(2);
            }
            ++i;
        };
        auto text = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "helmsman-backtest: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        double v = 0;
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (a == "--model") {
            models.push_back(text());
        } else if (a == "--strategies") {
            strategies = split(text(), ',', true);
        } else if (a == "--episodes") {
            value(v, 1, 1e7);
            o.episodes = static_cast<int>(v);
        } else if (a == "--seed") {
            value(v, 0, 1.8e19);
            o.seed0 = static_cast<std::uint64_t>(v);
        } else if (a == "--horizon") {
            value(o.horizonS, 10, 23000);
        } else if (a == "--interval") {
            value(o.intervalS, 1, 3600);
        } else if (a == "--size") {
            value(o.sizeFraction, 0.0001, 5);
        } else if (a == "--side") {
            const std::string s = text();
            if (s != "buy" && s != "sell") {
                std::cerr << "helmsman-backtest: --side must be buy or sell, got '" << s << "'\n";
                return 2;
            }
            o.side = s == "buy" ? Side::Buy : Side::Sell;
        } else if (a == "--sizes") {
            const std::string s = text();
            sizes.clear();
            if (s != "none")
                for (const std::string& item : split(s, ',', true)) {
                    if (!number(item.c_str(), v) || v <= 0 || v > 5) {
                        std::cerr << "helmsman-backtest: --sizes: '" << item << "' is not a share between 0 and 5\n";
                        return 2;
                    }
                    sizes.push_back(v);
                }
        } else if (a == "--sweep-episodes") {
            value(v, 1, 1e6);
            sweepEpisodes = static_cast<int>(v);
        } else if (a == "--risk-aversion") {
            value(o.riskAversion, 0, 1);
        } else if (a == "--sim-config") {
            simConfig = text();
        } else if (a == "--threads") {
            value(v, 1, 256);
            o.threads = static_cast<int>(v);
        } else if (a == "--out") {
            outDir = text();
        } else if (a == "--quiet") {
            quiet = true;
        } else {
            std::cerr << "helmsman-backtest: unknown option '" << a << "'\n" << kUsage;
            return 2;
        }
    }
    SimConfig config = defaultSimConfig();
    if (!simConfig.empty()) {
        const std::string error = loadSimConfig(simConfig, config);
        if (!error.empty()) {
            std::cerr << "helmsman-backtest: " << error << "\n";
            return 2;
        }
    }
    for (const std::string& s : strategies) {
        std::string error;
        if (!Backtest::isBuiltIn(s, error)) {
            std::cerr << "helmsman-backtest: --strategies: " << error << "\n";
            return 2;
        }
    }
    if (::mkdir(outDir.c_str(), 0755) != 0 && errno != EEXIST) {
        std::cerr << "helmsman-backtest: cannot create output directory '" << outDir << "': " << std::strerror(errno) << "\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    Backtest b(config, o);
    if (!quiet)
        std::fprintf(stderr, "calibrating (volume profile, impact) ...\n");
    b.calibrate();
    for (const std::string& s : strategies) {
        std::string error;
        if (!b.addBuiltIn(s, error)) {
            std::cerr << "helmsman-backtest: --strategies: " << error << "\n";
            return 2;
        }
    }
    for (const std::string& path : models) {
        std::string error;
        auto loaded = std::make_shared<LearnedPolicy>(path, error);
        if (!error.empty()) {
            std::cerr << "helmsman-backtest: --model: " << error << "\n";
            return 2;
        }
        std::string name = loaded->name();
        for (int n = 2; std::find(b.strategies().begin(), b.strategies().end(), name) != b.strategies().end(); ++n)
            name = loaded->name() + "-" + std::to_string(n);
        // One loaded network shared by the workers: inference only, no state.
        b.addStrategy(name, [loaded] { return std::unique_ptr<ExecutionPolicy>(new LearnedPolicy(*loaded)); });
    }
    BacktestReport report;
    report.backtest = &b;
    report.episodes = b.run(o.sizeFraction, o.episodes, o.seed0, [&](int d, int t) {
        if (!quiet)
            bar("episodes", d, t);
    });
    report.summary = b.summarize(report.episodes);
    for (double size : sizes) {
        std::ostringstream label;
        label << "size " << size * 100 << "%";
        const auto runs = b.run(size, sweepEpisodes, o.seed0 + 10000000, [&](int d, int t) {
            if (!quiet)
                bar(label.str().c_str(), d, t);
        });
        SizeSweepRow row;
        row.sizeFraction = size;
        for (const std::string& name : b.strategies()) {
            std::vector<double> v;
            for (const auto& e : runs)
                if (e.strategy == name)
                    v.push_back(e.shortfallBps);
            row.meanShortfall.emplace_back(name, meanInterval(v));
        }
        report.sweep.push_back(row);
        report.episodes.insert(report.episodes.end(), runs.begin(), runs.end());
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printTable(report, std::cout);
    const std::string error = writeReportFiles(report, outDir);
    if (!error.empty()) {
        std::cerr << "helmsman-backtest: " << error << "\n";
        return 3;
    }
    std::cout << "\nwrote " << outDir << "/{episodes.csv, summary.csv, report.json, costs.png, trajectory.png}\n";
    return 0;
}
