#include "exec/backtest.h"
#include "model/rng_mix.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

namespace hm {

EpisodeResult runEpisode(const SimConfig& config, const ExecutionTask& task, std::uint64_t seed, ExecutionPolicy& policy)
{
    ExecutionEnv env(config, task);
    env.reset(seed);
    EpisodeResult r;
    r.seed = seed;
    r.regime = env.market().regime();
    r.parent = task.quantity;
    r.remaining.push_back(1.0);
    policy.begin(env.state());
    StepResult step;
    do {
        step = env.step(policy.decide(env.state()));
        r.remaining.push_back(static_cast<double>(step.info.remaining) / static_cast<double>(task.quantity));
    } while (!step.done);
    r.remaining.resize(static_cast<std::size_t>(env.stepsTotal()) + 1, 0.0);
    const StepInfo& i = step.info;
    r.shortfallBps = i.shortfallBps;
    const double sign = task.side == Side::Sell ? 1.0 : -1.0;
    r.impactBps = sign * (i.arrivalMid - i.mid) / i.arrivalMid * 1e4;
    r.forced = i.forcedAtEnd;
    r.fillRate = static_cast<double>(i.executed - i.forcedAtEnd) / static_cast<double>(task.quantity);
    return r;
}

Backtest::Backtest(SimConfig config, BacktestOptions options) : m_config(std::move(config)), m_options(options) {}

void Backtest::calibrate()
{
    m_profile = learnVolumeProfile(m_config, m_options.calibrationDays, 500000000);
    m_impact = calibrateImpact(m_config, m_options.calibrationSamples, 600000000);
}

void Backtest::setCalibration(VolumeProfile profile, ImpactEstimate impact)
{
    m_profile = std::move(profile);
    m_impact = impact;
}

std::vector<std::string> Backtest::builtInStrategies()
{
    std::vector<std::string> names;
    for (const char* suffix : {"", "-default", "-cross"})
        for (const std::string& f : placementFamilies())
            names.push_back(f + suffix);
    names.push_back("submit-and-leave");
    return names;
}

PolicyFactory Backtest::familyFactory(const std::string& family, PlacementParams placement) const
{
    if (placement.sigmaTicksPerSqrtS <= 0)
        placement.sigmaTicksPerSqrtS = m_impact.sigmaTicksPerSqrtS;
    if (family == "twap")
        return [placement] { return std::unique_ptr<ExecutionPolicy>(new TwapPolicy(placement)); };
    if (family == "vwap") {
        const VolumeProfile p = m_profile;
        return [p, placement] { return std::unique_ptr<ExecutionPolicy>(new VwapPolicy(p, placement)); };
    }
    if (family == "pov") // the rate from the task
        return [placement] { return std::unique_ptr<ExecutionPolicy>(new PovPolicy(0, placement)); };
    if (family == "ac") {
        AlmgrenChrissParams p;
        p.impact = m_impact;
        p.riskAversion = m_options.riskAversion;
        return [p, placement] { return std::unique_ptr<ExecutionPolicy>(new AlmgrenChrissPolicy(p, placement)); };
    }
    return {};
}

bool Backtest::isBuiltIn(const std::string& name, std::string& error)
{
    if (name == "submit-and-leave")
        return true;
    const std::size_t dash = name.find('-');
    const std::string family = name.substr(0, dash), variant = dash == std::string::npos ? "" : name.substr(dash);
    const bool known = std::find(placementFamilies().begin(), placementFamilies().end(), family) != placementFamilies().end();
    if (known && (variant == "" || variant == "-default" || variant == "-cross"))
        return true;
    error = "unknown strategy '" + name + "' (known: twap, vwap, pov, ac, each also as -default and -cross, submit-and-leave)";
    return false;
}

bool Backtest::addBuiltIn(const std::string& name, std::string& error)
{
    if (!isBuiltIn(name, error))
        return false;
    if (name == "submit-and-leave") {
        addStrategy("submit-and-leave", [] { return std::unique_ptr<ExecutionPolicy>(new SubmitAndLeavePolicy); });
        return true;
    }
    const std::size_t dash = name.find('-');
    const std::string family = name.substr(0, dash), variant = dash == std::string::npos ? "" : name.substr(dash);
    PlacementParams p = variant == "" ? tunedPlacement(family) : PlacementParams{};
    p.cross = variant == "-cross";
    const PolicyFactory factory = familyFactory(family, p);
    std::string display = factory()->name();
    if (variant == "-default")
        display += "-default";
    addStrategy(display, factory);
    return true;
}

void Backtest::addStrategy(const std::string& name, PolicyFactory factory)
{
    m_names.push_back(name);
    m_factories.push_back(std::move(factory));
}

ExecutionTask Backtest::taskFor(std::uint64_t seed, double sizeFraction) const
{
    return taskFor(seed, sizeFraction, m_options.side, m_options.horizonS);
}

ExecutionTask Backtest::taskFor(std::uint64_t seed, double sizeFraction, Side side, double horizonS) const
{
    ExecutionTask t;
    t.side = side;
    t.horizonS = horizonS;
    t.decisionIntervalS = m_options.intervalS;
    t.endPenaltyBps = m_options.endPenaltyBps;
    t.startRegime = static_cast<int>(seed % m_config.regimes.size());
    const double latest = std::max(0.0, m_config.daySeconds - t.horizonS - t.warmupS);
    t.startTimeOfDayS = static_cast<double>(splitMix64(seed) >> 11) * 0x1.0p-53 * latest;
    const double arrival = t.startTimeOfDayS + t.warmupS;
    const double expected = m_profile.expectedVolume(arrival, arrival + t.horizonS);
    const Quantity lot = std::max<Quantity>(1, m_config.lot);
    t.quantity = std::max<Quantity>(lot, static_cast<Quantity>(std::llround(sizeFraction * expected / lot)) * lot);
    t.expectedVolume = expected;
    return t;
}

std::vector<EpisodeResult> Backtest::run(double sizeFraction, int episodes, std::uint64_t seed0, const Progress& progress)
{
    const std::size_t S = m_factories.size();
    std::vector<EpisodeResult> out(static_cast<std::size_t>(episodes) * S);
    std::atomic<int> next{0}, done{0};
    std::mutex progressMutex;
    auto worker = [&] {
        for (int e; (e = next++) < episodes;) {
            const std::uint64_t seed = seed0 + static_cast<std::uint64_t>(e);
            const ExecutionTask task = taskFor(seed, sizeFraction);
            for (std::size_t s = 0; s < S; ++s) {
                std::unique_ptr<ExecutionPolicy> p = m_factories[s]();
                EpisodeResult r = runEpisode(m_config, task, seed, *p);
                r.strategy = m_names[s];
                r.sizeFraction = sizeFraction;
                r.regime = task.startRegime;
                out[static_cast<std::size_t>(e) * S + s] = std::move(r);
            }
            const int d = ++done;
            if (progress) {
                std::lock_guard<std::mutex> lock(progressMutex);
                progress(d, episodes);
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < std::max(1, m_options.threads); ++i)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
        t.join();
    return out;
}

std::vector<StrategySummary> Backtest::summarize(const std::vector<EpisodeResult>& results) const
{
    std::vector<StrategySummary> rows;
    const int regimes = static_cast<int>(m_config.regimes.size());
    for (int reg = -1; reg < regimes; ++reg) {
        // Paired by seed: a strategy's shortfalls in seed order, for this regime.
        std::map<std::string, std::map<std::uint64_t, const EpisodeResult*>> by;
        for (const EpisodeResult& r : results)
            if (reg < 0 || r.regime == reg)
                by[r.strategy][r.seed] = &r;
        auto series = [&](const std::string& s, double EpisodeResult::*field) {
            std::vector<double> v;
            for (const auto& kv : by[s])
                v.push_back(kv.second->*field);
            return v;
        };
        for (const std::string& name : m_names) {
            StrategySummary row;
            row.strategy = name;
            row.pVsTwap = row.pVsVwap = std::nan(""); // no such baseline in this run
            row.regime = reg < 0 ? "all" : m_config.regimes[static_cast<std::size_t>(reg)].name;
            const std::vector<double> is = series(name, &EpisodeResult::shortfallBps);
            row.n = static_cast<int>(is.size());
            if (row.n == 0)
                continue;
            row.meanShortfall = meanInterval(is);
            row.medianShortfall = medianInterval(is);
            row.timingRisk = sdInterval(is);
            row.impact = meanInterval(series(name, &EpisodeResult::impactBps));
            row.fillRate = meanInterval(series(name, &EpisodeResult::fillRate));
            if (by.count("TWAP")) {
                const std::vector<double> twap = series("TWAP", &EpisodeResult::shortfallBps);
                int beat = 0;
                for (std::size_t i = 0; i < std::min(is.size(), twap.size()); ++i)
                    beat += is[i] < twap[i] - 1e-9;
                row.beatTwap = shareInterval(beat, row.n);
                row.pVsTwap = name == "TWAP" ? 1.0 : wilcoxonSignedRank(is, twap).pTwoSided;
            }
            if (by.count("VWAP"))
                row.pVsVwap = name == "VWAP" ? 1.0 : wilcoxonSignedRank(is, series("VWAP", &EpisodeResult::shortfallBps)).pTwoSided;
            rows.push_back(row);
        }
    }
    return rows;
}

std::vector<double> Backtest::acTrajectory() const
{
    AlmgrenChrissParams p;
    p.impact = m_impact;
    p.riskAversion = m_options.riskAversion;
    const int steps = static_cast<int>(std::ceil(m_options.horizonS / m_options.intervalS - 1e-9));
    return AlmgrenChrissPolicy::trajectory(p, 0, steps, m_options.intervalS);
}

} // namespace hm
