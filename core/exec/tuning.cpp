#include "exec/tuning.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace hm {

namespace {
constexpr std::uint64_t kFirstHeldOutSeed = 100000000; // training stays below

std::vector<PlacementParams> grid(const TuningOptions& o)
{
    std::vector<PlacementParams> g;
    for (double inside : o.bandInside)
        for (double cross : o.bandCross)
            for (double k : o.limitSigmas)
                for (double cap : o.maxParticipation) {
                    if (cross < inside)
                        continue;
                    PlacementParams p;
                    p.bandInside = inside;
                    p.bandCross = cross;
                    p.limitSigmas = k;
                    p.maxParticipation = cap;
                    g.push_back(p);
                }
    return g;
}

} // namespace

bool checkTuningOptions(const TuningOptions& o, std::string& error)
{
    const std::uint64_t last = o.seed0 + static_cast<std::uint64_t>(o.episodesPerTask) * o.tasks.size();
    if (last > kFirstHeldOutSeed) {
        error = "tuning seeds " + std::to_string(o.seed0) + ".." + std::to_string(last) + " reach the held-out range (from "
            + std::to_string(kFirstHeldOutSeed) + ")";
        return false;
    }
    if (grid(o).empty() || o.tasks.empty() || o.episodesPerTask < 1) {
        error = "the tuning grid, tasks or episodes are empty";
        return false;
    }
    return true;
}

std::vector<TuningResult> tunePlacement(const Backtest& backtest, const TuningOptions& o, const Progress& progress)
{
    const std::vector<PlacementParams> candidates = grid(o);
    const int total = static_cast<int>(o.families.size() * o.tasks.size()) * o.episodesPerTask;
    int doneBefore = 0;
    std::vector<TuningResult> results;
    for (const std::string& family : o.families) {
        // Per task, each candidate's mean; the score is the mean over tasks.
        std::vector<double> score(candidates.size(), 0.0);
        double defaultScore = 0, crossScore = 0;
        for (std::size_t t = 0; t < o.tasks.size(); ++t) {
            BacktestOptions bo = backtest.options();
            bo.horizonS = o.tasks[t].horizonS;
            Backtest b(backtest.config(), bo);
            b.setCalibration(backtest.profile(), backtest.impact());
            for (std::size_t c = 0; c < candidates.size(); ++c)
                b.addStrategy("c" + std::to_string(c), b.familyFactory(family, candidates[c]));
            b.addStrategy("default", b.familyFactory(family, PlacementParams{}));
            PlacementParams naive;
            naive.cross = true;
            b.addStrategy("cross", b.familyFactory(family, naive));
            // Each task on its own seeds, all candidates on the same ones.
            const std::uint64_t seed0 = o.seed0 + t * static_cast<std::uint64_t>(o.episodesPerTask);
            const auto runs = b.run(o.tasks[t].sizeFraction, o.episodesPerTask, seed0, [&](int d, int) {
                if (progress)
                    progress(doneBefore + d, total);
            });
            doneBefore += o.episodesPerTask;
            std::vector<std::vector<double>> by(candidates.size() + 2);
            const std::size_t S = candidates.size() + 2;
            for (std::size_t i = 0; i < runs.size(); ++i)
                by[i % S].push_back(runs[i].shortfallBps);
            for (std::size_t c = 0; c < candidates.size(); ++c)
                score[c] += mean(by[c]) / static_cast<double>(o.tasks.size());
            defaultScore += mean(by[candidates.size()]) / static_cast<double>(o.tasks.size());
            crossScore += mean(by[candidates.size() + 1]) / static_cast<double>(o.tasks.size());
        }
        TuningResult r;
        r.family = family;
        std::size_t best = 0;
        for (std::size_t c = 1; c < candidates.size(); ++c)
            if (score[c] < score[best])
                best = c;
        r.best = candidates[best];
        r.bestMeanBps = score[best];
        r.defaultMeanBps = defaultScore;
        r.crossMeanBps = crossScore;
        r.candidates = static_cast<int>(candidates.size());
        r.episodes = static_cast<int>(o.tasks.size()) * o.episodesPerTask;
        results.push_back(r);
    }
    return results;
}

std::string tunedPlacementDocument(const std::vector<TuningResult>& results, const std::string& source)
{
    using nlohmann::ordered_json;
    ordered_json doc;
    doc["source"] = source;
    ordered_json families = ordered_json::object();
    auto round = [](double x) { return std::round(x * 1000) / 1000; };
    for (const TuningResult& r : results) {
        ordered_json f;
        f["band_inside"] = r.best.bandInside;
        f["band_cross"] = r.best.bandCross;
        f["limit_sigmas"] = r.best.limitSigmas;
        f["max_participation"] = r.best.maxParticipation;
        f["min_participation"] = r.best.minParticipation;
        f["finish_slices"] = r.best.finishSlices;
        f["jitter"] = r.best.jitter;
        f["mean_shortfall_bps"] = round(r.bestMeanBps);
        f["default_mean_shortfall_bps"] = round(r.defaultMeanBps);
        f["cross_mean_shortfall_bps"] = round(r.crossMeanBps);
        families[r.family] = f;
    }
    doc["families"] = families;
    return doc.dump(2) + "\n";
}

} // namespace hm
