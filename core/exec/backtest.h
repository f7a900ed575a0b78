#pragma once
// The backtest: every strategy on the same held-out seeds across all regimes, each
// seed's episode starting in regime (index mod the number of regimes), so the report
// can break results down by regime. Strategies are factories, so a learning agent
// plugs in next to the classic algorithms. No Qt here; helmsman-backtest draws.
#include "exec/calibration.h"
#include "exec/execution_policies.h"
#include "exec/statistics.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hm {

using PolicyFactory = std::function<std::unique_ptr<ExecutionPolicy>()>;
using Progress = std::function<void(int done, int total)>;

struct BacktestOptions {
    int episodes = 200;
    std::uint64_t seed0 = 900000000; // held out: training uses seeds below 100000000
    double horizonS = 1800;
    double intervalS = 10;
    double sizeFraction = 0.10;      // of the expected volume over the horizon
    Side side = Side::Sell;
    int threads = 2;
    double endPenaltyBps = 10;
    double riskAversion = 3e-6;      // Almgren-Chriss lambda (per tick-lot)
    int calibrationDays = 4;
    int calibrationSamples = 200;
};

struct EpisodeResult {
    std::string strategy;
    std::uint64_t seed = 0;
    int regime = 0;
    double sizeFraction = 0;
    Quantity parent = 0;
    double shortfallBps = 0;
    double impactBps = 0;   // mid move from arrival to the end, against us
    double fillRate = 0;    // share executed before the horizon forced the rest
    Quantity forced = 0;
    std::vector<double> remaining; // fraction left after each step (0..N)
};

struct StrategySummary {
    std::string strategy;
    std::string regime; // "all" or a regime name
    int n = 0;
    Interval meanShortfall, medianShortfall, timingRisk, impact, fillRate, beatTwap;
    double pVsTwap = 1, pVsVwap = 1;
};

class Backtest {
public:
    Backtest(SimConfig config, BacktestOptions options);

    // Learns the volume profile and the impact parameters (seeds far from test seeds).
    void calibrate();
    const VolumeProfile& profile() const { return m_profile; }
    const ImpactEstimate& impact() const { return m_impact; }
    const SimConfig& config() const { return m_config; }
    const BacktestOptions& options() const { return m_options; }

    // The classic strategies by name: twap, vwap, pov, ac with the tuned placement
    // (resources/exec/tuned-placement.json); twap-default, ... with the hand-set
    // placement defaults; twap-cross, ... the naive references taking every slice at the
    // market; submit-and-leave.
    static std::vector<std::string> builtInStrategies();
    bool addBuiltIn(const std::string& name, std::string& error);
    // Whether `name` is one of them, without a calibration: a tool checks its command
    // line before it spends a minute calibrating.
    static bool isBuiltIn(const std::string& name, std::string& error);
    // A family's algorithm (twap, vwap, pov, ac) with these placement parameters, on this
    // backtest's calibration (the volatility for the limit discipline included).
    PolicyFactory familyFactory(const std::string& family, PlacementParams placement) const;
    void addStrategy(const std::string& name, PolicyFactory factory);
    const std::vector<std::string>& strategies() const { return m_names; }
    const std::vector<PolicyFactory>& factories() const { return m_factories; } // same order as strategies()

    // Every strategy on `episodes` seeds from seed0 with parent = sizeFraction of the
    // expected volume. Results are ordered by episode, then strategy.
    std::vector<EpisodeResult> run(double sizeFraction, int episodes, std::uint64_t seed0, const Progress& progress = {});

    std::vector<StrategySummary> summarize(const std::vector<EpisodeResult>& results) const;
    std::vector<double> acTrajectory() const; // planned remaining fraction, for the chart
    // The episode a seed stands for: starting regime, time of day and parent size. The
    // trainer draws its tasks from here too, on its own seeds.
    ExecutionTask taskFor(std::uint64_t seed, double sizeFraction) const;
    // The same with the side and horizon given (the trainer's task distribution).
    ExecutionTask taskFor(std::uint64_t seed, double sizeFraction, Side side, double horizonS) const;
    void setCalibration(VolumeProfile profile, ImpactEstimate impact);

private:
    SimConfig m_config;
    BacktestOptions m_options;
    VolumeProfile m_profile;
    ImpactEstimate m_impact;
    std::vector<std::string> m_names;
    std::vector<PolicyFactory> m_factories;
};

// Runs one episode of `policy` (exposed for tests and training evaluation).
EpisodeResult runEpisode(const SimConfig& config, const ExecutionTask& task, std::uint64_t seed, ExecutionPolicy& policy);

} // namespace hm
