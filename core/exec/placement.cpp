#include "exec/placement.h"
#include "exec/execution_policies.h"
#include "features/features.h"
#include "model/rng_mix.h"

#include "exec/tuned_placement_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace hm {

namespace {
Quantity wholeLots(double units, Quantity lot)
{
    lot = std::max<Quantity>(1, lot);
    return std::max<Quantity>(0, static_cast<Quantity>(std::llround(units / static_cast<double>(lot))) * lot);
}

// Uniform in [-1, 1], the same for the same seed and step.
double jitterDraw(std::uint64_t seed, int step)
{
    const std::uint64_t h = splitMix64(seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(step) + 0x5bd1e995ull);
    return static_cast<double>(h >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}
} // namespace

Price crossingLimit(const ExecState& s, const PlacementParams& p)
{
    if (p.limitSigmas <= 0 || s.arrivalMid <= 0)
        return 0;
    double sigmaT = 0; // ticks, over the horizon
    if (p.sigmaTicksPerSqrtS > 0)
        sigmaT = p.sigmaTicksPerSqrtS * std::sqrt(s.horizonS);
    else if (static_cast<int>(s.features.size()) > kRealizedVol600sBps && s.features[kRealizedVol600sBps] > 0)
        sigmaT = s.features[kRealizedVol600sBps] * 1e-4 * s.arrivalMid * std::sqrt(s.horizonS / 600.0);
    if (sigmaT <= 0)
        return 0;
    const double band = p.limitSigmas * sigmaT;
    return s.side == Side::Sell ? static_cast<Price>(std::ceil(s.arrivalMid - band))
                                : static_cast<Price>(std::floor(s.arrivalMid + band));
}

ExecAction placeChild(const ExecState& s, double targetNow, double targetNext, const PlacementParams& p, PlacementTrace* trace)
{
    PlacementTrace local;
    PlacementTrace& t = trace ? *trace : local;
    t = PlacementTrace{};
    ExecAction a;
    if (p.cross) { // the naive reference
        a.qty = catchUp(s, targetNext);
        a.aggression = Aggression::Cross;
        return a;
    }
    const double slice = static_cast<double>(s.parent) / std::max(1, s.stepsTotal);
    t.lastSlices = s.step + std::max(1, p.finishSlices) >= s.stepsTotal;
    if (t.lastSlices) { // the horizon forces it: take what is left, whatever the price
        a.qty = s.remaining;
        a.aggression = Aggression::Cross;
        return a;
    }
    double next = targetNow + (targetNext - targetNow) * (1.0 + p.jitter * jitterDraw(s.seed, s.step));
    t.lagSlices = slice > 0 ? (targetNow - static_cast<double>(s.executed)) / slice : 0;
    if (p.minParticipation > 0) {
        const double others = std::max(0.0, static_cast<double>(s.marketVolumeSinceStart - s.executed));
        const double floor = p.minParticipation * others;
        if (static_cast<double>(s.executed + std::max<Quantity>(1, s.lot)) <= floor) {
            t.belowMinimum = true;
            next = std::max(next, floor);
        }
    }
    Quantity need = std::min(s.remaining, wholeLots(next - static_cast<double>(s.executed), s.lot));
    if (p.maxParticipation > 0) {
        const double stepVolume = s.lastStepVolume > 0 ? static_cast<double>(s.lastStepVolume)
                                                       : s.expectedVolume / std::max(1, s.stepsTotal);
        if (stepVolume > 0) {
            const Quantity cap = std::max(s.lot, wholeLots(p.maxParticipation * stepVolume, s.lot));
            if (need > cap) {
                need = cap;
                t.capped = true;
            }
        }
    }
    Aggression mode = t.lagSlices > p.bandCross || t.belowMinimum ? Aggression::Cross
        : t.lagSlices > p.bandInside                              ? Aggression::Inside
                                                                  : Aggression::Passive;
    const bool sell = s.side == Side::Sell;
    if (mode == Aggression::Cross) {
        t.limitPrice = crossingLimit(s, p);
        const Price far = sell ? s.bestBid : s.bestAsk;
        if (t.limitPrice > 0 && far > 0 && (sell ? far < t.limitPrice : far > t.limitPrice)) {
            t.limitHeld = true; // the far touch is beyond the limit: work it inside instead
            mode = Aggression::Inside;
        } else {
            a.limitPrice = t.limitPrice;
        }
    }
    // A child resting at our touch with about the right size keeps its place in the queue.
    const Price touch = sell ? s.bestAsk : s.bestBid;
    if (mode != Aggression::Cross && s.childLeaves > 0 && s.childPrice == touch
        && std::fabs(static_cast<double>(s.childLeaves - need)) <= std::max(slice, static_cast<double>(s.lot))) {
        a.keepWorking = true;
        return a;
    }
    a.qty = need;
    a.aggression = mode;
    return a;
}

const std::vector<std::string>& placementFamilies()
{
    static const std::vector<std::string> f{"twap", "vwap", "pov", "ac"};
    return f;
}

std::string parseTunedPlacement(const std::string& text, const std::string& where,
                                std::vector<std::pair<std::string, PlacementParams>>& out, std::string* source)
{
    using nlohmann::json;
    json doc;
    try {
        doc = json::parse(text);
    } catch (const std::exception& e) {
        return where + ": not JSON: " + e.what();
    }
    if (!doc.is_object() || !doc.contains("families") || !doc["families"].is_object())
        return where + ": expected an object with \"families\"";
    if (source)
        *source = doc.value("source", std::string());
    out.clear();
    for (auto it = doc["families"].begin(); it != doc["families"].end(); ++it) {
        const std::string w = where + ": families." + it.key();
        if (std::find(placementFamilies().begin(), placementFamilies().end(), it.key()) == placementFamilies().end())
            return w + ": not a family (twap, vwap, pov, ac)";
        if (!it->is_object())
            return w + ": expected an object";
        PlacementParams p;
        for (auto f = it->begin(); f != it->end(); ++f) {
            if (!f->is_number())
                return w + "." + f.key() + ": expected a number";
            const double v = f->get<double>();
            if (f.key() == "band_inside") p.bandInside = v;
            else if (f.key() == "band_cross") p.bandCross = v;
            else if (f.key() == "limit_sigmas") p.limitSigmas = v;
            else if (f.key() == "min_participation") p.minParticipation = v;
            else if (f.key() == "max_participation") p.maxParticipation = v;
            else if (f.key() == "finish_slices") p.finishSlices = static_cast<int>(v);
            else if (f.key() == "jitter") p.jitter = v;
            else if (f.key().find("shortfall") != std::string::npos) continue; // the tuning's record, not a parameter
            else return w + "." + f.key() + ": unknown parameter";
        }
        if (p.bandCross < p.bandInside)
            return w + ": band_cross is below band_inside";
        out.emplace_back(it.key(), p);
    }
    return {};
}

namespace {
struct Tuned {
    std::vector<std::pair<std::string, PlacementParams>> families;
    std::string source;
};
const Tuned& tuned()
{
    static const Tuned t = [] {
        Tuned r;
        const std::string error = parseTunedPlacement(kTunedPlacementJson, "resources/exec/tuned-placement.json", r.families, &r.source);
        if (!error.empty())
            r.source = "hand-set defaults (" + error + ")";
        return r;
    }();
    return t;
}
} // namespace

PlacementParams tunedPlacement(const std::string& family)
{
    for (const auto& f : tuned().families)
        if (f.first == family)
            return f.second;
    return PlacementParams{};
}

std::string tunedPlacementSource() { return tuned().source; }

} // namespace hm
