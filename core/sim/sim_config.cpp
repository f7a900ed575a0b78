#include "sim/sim_config.h"

#include "sim/default_sim_config.h" // generated from resources/sim/default.json

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace hm {

int Universe::indexOf(const std::string& symbol) const
{
    for (std::size_t i = 0; i < members.size(); ++i)
        if (members[i].instrument.symbol == symbol)
            return static_cast<int>(i);
    return -1;
}

int SimConfig::nextRegime(int from, double u) const
{
    const RegimeParams& r = regimes[static_cast<std::size_t>(from)];
    double total = 0;
    for (const auto& tr : r.transitions)
        total += tr.second;
    u *= total;
    for (const auto& tr : r.transitions) {
        u -= tr.second;
        if (u < 0)
            return regimeIndex(tr.first);
    }
    return from;
}

int SimConfig::regimeIndex(const std::string& name) const
{
    for (std::size_t i = 0; i < regimes.size(); ++i)
        if (regimes[i].name == name)
            return static_cast<int>(i);
    return -1;
}

namespace {

using json = nlohmann::json;

struct Problem {
    std::string text;
};

constexpr std::size_t kMaxProfileBuckets = 10000; // a bucket per 2.3 s of the default day
constexpr double kMaxActivity = 100;               // times the regime's own rates
constexpr std::size_t kMaxRegimes = 64;

std::string fmt(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

// Reads an optional number within [lo, hi]; unknown keys are caught separately.
void number(const json& obj, const std::string& path, const char* key, double lo, double hi, double& out)
{
    if (!obj.contains(key))
        return;
    const json& v = obj.at(key);
    if (!v.is_number())
        throw Problem{path + key + ": must be a number, got " + v.dump()};
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi)
        throw Problem{path + key + ": must be between " + fmt(lo) + " and " + fmt(hi) + ", got " + fmt(x)};
    out = x;
}

void integer(const json& obj, const std::string& path, const char* key, int lo, int hi, int& out)
{
    double x = out;
    number(obj, path, key, lo, hi, x);
    if (x != std::floor(x))
        throw Problem{path + key + ": must be a whole number, got " + fmt(x)};
    out = static_cast<int>(x);
}

// A whole quantity (lots, units) within [lo, hi].
void quantity(const json& obj, const std::string& path, const char* key, double lo, double hi, Quantity& out)
{
    double x = static_cast<double>(out);
    number(obj, path, key, lo, hi, x);
    if (x != std::floor(x))
        throw Problem{path + key + ": must be a whole number, got " + fmt(x)};
    out = static_cast<Quantity>(x);
}

void text(const json& obj, const std::string& path, const char* key, std::string& out)
{
    if (!obj.contains(key))
        return;
    if (!obj.at(key).is_string() || obj.at(key).get<std::string>().empty())
        throw Problem{path + key + ": must be a non-empty string, got " + obj.at(key).dump()};
    out = obj.at(key).get<std::string>();
}

void onlyKnown(const json& obj, const std::string& path, const std::set<std::string>& known)
{
    if (!obj.is_object())
        throw Problem{(path.empty() ? std::string("the file") : path.substr(0, path.size() - 1)) + ": must be an object"};
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (!known.count(it.key()))
            throw Problem{path + it.key() + ": unknown field"};
}

RegimeParams parseRegime(const json& r, const std::string& path)
{
    onlyKnown(r, path,
              {"name", "fundamental_vol_bps", "limit_rate", "market_rate", "cancel_rate", "placement_alpha", "size_alpha",
               "mm_half_spread_ticks", "mm_levels", "mm_depth_lots", "mm_requote_rate", "mm_vol_widen", "mm_inventory_skew",
               "informed_rate", "informed_threshold_ticks", "momentum_rate", "momentum_window_s",
               "momentum_threshold_ticks", "crash_rate_per_hour", "crash_duration_s", "crash_sell_rate",
               "exit_rate_per_hour", "transitions", "market_vol_bps", "sector_vol_bps", "idio_vol_bps"});
    RegimeParams p;
    if (!r.contains("name"))
        throw Problem{path + "name: missing"};
    text(r, path, "name", p.name);
    number(r, path, "fundamental_vol_bps", 0, 1000, p.fundamentalVolBps);
    number(r, path, "limit_rate", 0, 1e6, p.limitRate);
    number(r, path, "market_rate", 0, 1e6, p.marketRate);
    number(r, path, "cancel_rate", 0, 1e3, p.cancelRate);
    number(r, path, "placement_alpha", 0.2, 20, p.placementAlpha);
    number(r, path, "size_alpha", 1.05, 20, p.sizeAlpha);
    number(r, path, "mm_half_spread_ticks", 0.5, 1000, p.mmHalfSpreadTicks);
    integer(r, path, "mm_levels", 0, 50, p.mmLevels);
    number(r, path, "mm_depth_lots", 0, 1e6, p.mmDepthLots);
    number(r, path, "mm_requote_rate", 0, 1e4, p.mmRequoteRate);
    number(r, path, "mm_vol_widen", 0, 1000, p.mmVolWiden);
    number(r, path, "mm_inventory_skew", 0, 100, p.mmInventorySkew);
    number(r, path, "informed_rate", 0, 1e4, p.informedRate);
    number(r, path, "informed_threshold_ticks", 0, 1e4, p.informedThresholdTicks);
    number(r, path, "momentum_rate", 0, 1e4, p.momentumRate);
    number(r, path, "momentum_window_s", 1, 86400, p.momentumWindowS);
    number(r, path, "momentum_threshold_ticks", 0, 1e4, p.momentumThresholdTicks);
    number(r, path, "crash_rate_per_hour", 0, 1e3, p.crashRatePerHour);
    number(r, path, "crash_duration_s", 1, 3600, p.crashDurationS);
    number(r, path, "crash_sell_rate", 0, 1e5, p.crashSellRate);
    number(r, path, "exit_rate_per_hour", 0, 1e4, p.exitRatePerHour);
    number(r, path, "market_vol_bps", 0, 1000, p.marketVolBps);
    number(r, path, "sector_vol_bps", 0, 1000, p.sectorVolBps);
    number(r, path, "idio_vol_bps", 0, 1000, p.idioVolBps);
    if (r.contains("transitions")) {
        const json& t = r.at("transitions");
        if (!t.is_object())
            throw Problem{path + "transitions: must be an object of regime name to probability"};
        for (auto it = t.begin(); it != t.end(); ++it) {
            if (!it.value().is_number() || !std::isfinite(it.value().get<double>()) || it.value().get<double>() < 0
                || it.value().get<double>() > 1)
                throw Problem{path + "transitions." + it.key() + ": must be a probability from 0 to 1, got " + it.value().dump()};
            p.transitions.emplace_back(it.key(), it.value().get<double>());
        }
    }
    return p;
}

constexpr std::size_t kMaxUniverse = 500;

Instrument parseInstrument(const json& ins, const std::string& path, std::initializer_list<const char*> extra)
{
    std::set<std::string> known = {"symbol", "tick_size", "lot_size", "currency"};
    for (const char* k : extra)
        known.insert(k);
    onlyKnown(ins, path, known);
    Instrument out;
    text(ins, path, "symbol", out.symbol);
    number(ins, path, "tick_size", 1e-8, 1e6, out.tickSize);
    out.lotSize = 1;
    quantity(ins, path, "lot_size", 1, 1e9, out.lotSize);
    text(ins, path, "currency", out.currency);
    return out;
}

Universe parseUniverse(const json& u)
{
    onlyKnown(u, "universe.", {"sectors", "peer_reaction", "step_s", "instruments", "comment"});
    Universe out;
    if (u.contains("sectors")) {
        const json& s = u.at("sectors");
        if (!s.is_array())
            throw Problem{"universe.sectors: must be an array of names"};
        for (std::size_t i = 0; i < s.size(); ++i) {
            const std::string path = "universe.sectors[" + std::to_string(i) + "]";
            if (!s[i].is_string() || s[i].get<std::string>().empty())
                throw Problem{path + ": must be a non-empty string, got " + s[i].dump()};
            for (const auto& known : out.sectors)
                if (known == s[i].get<std::string>())
                    throw Problem{path + ": '" + known + "' is named twice"};
            out.sectors.push_back(s[i].get<std::string>());
        }
    }
    number(u, "universe.", "peer_reaction", 0, 0.95, out.peerReaction);
    number(u, "universe.", "step_s", 0.01, 10, out.stepS);
    if (!u.contains("instruments") || !u.at("instruments").is_array() || u.at("instruments").empty())
        throw Problem{"universe.instruments: must be a non-empty array (leave the universe out for one instrument)"};
    const json& list = u.at("instruments");
    if (list.size() > kMaxUniverse)
        throw Problem{"universe.instruments: at most " + std::to_string(kMaxUniverse) + " instruments, got "
                      + std::to_string(list.size())};
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = "universe.instruments[" + std::to_string(i) + "].";
        UniverseMember m;
        m.instrument = parseInstrument(list[i], path,
                                       {"initial_price", "market_beta", "sector", "sector_beta", "idio_scale", "lag_s"});
        if (m.instrument.symbol.empty())
            throw Problem{path + "symbol: missing"};
        if (out.indexOf(m.instrument.symbol) >= 0)
            throw Problem{path + "symbol: '" + m.instrument.symbol + "' is listed twice"};
        if (!list[i].contains("initial_price"))
            throw Problem{path + "initial_price: missing"};
        number(list[i], path, "initial_price", 1e-8, 1e9, m.initialPrice);
        if (m.initialPrice / m.instrument.tickSize < 10)
            throw Problem{path + "initial_price: must be at least 10 ticks"};
        number(list[i], path, "market_beta", -10, 10, m.marketBeta);
        text(list[i], path, "sector", m.sector);
        if (!m.sector.empty()
            && std::find(out.sectors.begin(), out.sectors.end(), m.sector) == out.sectors.end())
            throw Problem{path + "sector: '" + m.sector + "' is not in universe.sectors"};
        number(list[i], path, "sector_beta", -10, 10, m.sectorBeta);
        number(list[i], path, "idio_scale", 0, 10, m.idioScale);
        number(list[i], path, "lag_s", 0, 600, m.lagS);
        out.members.push_back(m);
    }
    return out;
}

void validate(const SimConfig& c)
{
    if (c.regimes.empty())
        throw Problem{"regimes: at least one regime is needed"};
    std::set<std::string> names;
    for (std::size_t i = 0; i < c.regimes.size(); ++i) {
        const std::string path = "regimes[" + std::to_string(i) + "].";
        if (!names.insert(c.regimes[i].name).second)
            throw Problem{path + "name: '" + c.regimes[i].name + "' is used twice"};
    }
    for (std::size_t i = 0; i < c.regimes.size(); ++i) {
        const RegimeParams& r = c.regimes[i];
        const std::string path = "regimes[" + std::to_string(i) + "].transitions";
        double total = 0;
        for (const auto& t : r.transitions) {
            if (!names.count(t.first))
                throw Problem{path + "." + t.first + ": no regime of that name"};
            if (t.first == r.name)
                throw Problem{path + "." + t.first + ": a regime cannot switch to itself"};
            total += t.second;
        }
        if (r.exitRatePerHour > 0 && c.schedule.empty() && c.regimes.size() > 1 && total <= 0)
            throw Problem{path + ": a regime that can be left (exit_rate_per_hour > 0) needs somewhere to go"};
    }
    if (!names.count(c.initialRegime))
        throw Problem{"initial_regime: no regime named '" + c.initialRegime + "'"};
    double last = -1;
    for (std::size_t i = 0; i < c.schedule.size(); ++i) {
        const std::string path = "schedule[" + std::to_string(i) + "].";
        if (!names.count(c.schedule[i].regime))
            throw Problem{path + "regime: no regime named '" + c.schedule[i].regime + "'"};
        if (c.schedule[i].atS <= last)
            throw Problem{path + "at_s: times must increase"};
        last = c.schedule[i].atS;
    }
    if (c.instrument.tickSize <= 0 || c.initialPrice / c.instrument.tickSize < 10)
        throw Problem{"initial_price: must be at least 10 ticks"};
}

} // namespace

std::string parseSimConfig(const std::string& textIn, const std::string& origin, SimConfig& out)
{
    try {
        const json root = json::parse(textIn);
        onlyKnown(root, "",
                  {"instrument", "initial_price", "lot", "day_seconds", "intraday_profile", "belief_ticks_per_lot",
                   "pressure_ticks_per_lot", "pressure_decay_s", "initial_regime", "regimes", "schedule", "universe", "comment"});
        SimConfig c;
        if (root.contains("instrument"))
            c.instrument = parseInstrument(root.at("instrument"), "instrument.", {});
        if (c.instrument.symbol.empty())
            c.instrument.symbol = "HMX";
        number(root, "", "initial_price", 1e-8, 1e9, c.initialPrice);
        quantity(root, "", "lot", 1, 1e9, c.lot);
        number(root, "", "day_seconds", 60, 86400, c.daySeconds);
        if (root.contains("intraday_profile")) {
            const json& p = root.at("intraday_profile");
            if (!p.is_array())
                throw Problem{"intraday_profile: must be an array of positive numbers"};
            // Empty would silently mean a flat day: leave the field out for that.
            if (p.empty() || p.size() > kMaxProfileBuckets)
                throw Problem{"intraday_profile: must hold 1 to " + std::to_string(kMaxProfileBuckets)
                              + " multipliers (leave it out for a flat day), got " + std::to_string(p.size())};
            for (std::size_t i = 0; i < p.size(); ++i) {
                const double x = p[i].is_number() ? p[i].get<double>() : 0;
                if (!std::isfinite(x) || x <= 0 || x > kMaxActivity)
                    throw Problem{"intraday_profile[" + std::to_string(i) + "]: must be a number above 0 and at most "
                                  + fmt(kMaxActivity) + ", got " + p[i].dump()};
                c.intradayProfile.push_back(x);
            }
        }
        number(root, "", "belief_ticks_per_lot", 0, 100, c.beliefTicksPerLot);
        number(root, "", "pressure_ticks_per_lot", 0, 100, c.pressureTicksPerLot);
        number(root, "", "pressure_decay_s", 0.1, 86400, c.pressureDecayS);
        text(root, "", "initial_regime", c.initialRegime);
        if (!root.contains("regimes") || !root.at("regimes").is_array())
            throw Problem{"regimes: missing, or not an array"};
        const json& regimes = root.at("regimes");
        if (regimes.size() > kMaxRegimes)
            throw Problem{"regimes: at most " + std::to_string(kMaxRegimes) + " regimes, got " + std::to_string(regimes.size())};
        for (std::size_t i = 0; i < regimes.size(); ++i)
            c.regimes.push_back(parseRegime(regimes[i], "regimes[" + std::to_string(i) + "]."));
        if (root.contains("schedule")) {
            const json& s = root.at("schedule");
            if (!s.is_array() || s.empty())
                throw Problem{"schedule: must be a non-empty array of {at_s, regime} (leave it out for the Markov chain)"};
            for (std::size_t i = 0; i < s.size(); ++i) {
                const std::string path = "schedule[" + std::to_string(i) + "].";
                onlyKnown(s[i], path, {"at_s", "regime"});
                ScheduleEntry e;
                number(s[i], path, "at_s", 0, 1e9, e.atS);
                if (!s[i].contains("regime"))
                    throw Problem{path + "regime: missing"};
                text(s[i], path, "regime", e.regime);
                c.schedule.push_back(e);
            }
        }
        if (root.contains("universe"))
            c.universe = parseUniverse(root.at("universe"));
        validate(c);
        out = c;
        return {};
    } catch (const Problem& p) {
        return origin + ": " + p.text;
    } catch (const json::exception& e) {
        return origin + ": not valid JSON: " + e.what();
    }
}

std::string loadSimConfig(const std::string& path, SimConfig& out)
{
    std::ifstream in(path);
    if (!in)
        return path + ": cannot open the file";
    std::stringstream buf;
    buf << in.rdbuf();
    return parseSimConfig(buf.str(), path, out);
}

SimConfig defaultSimConfig()
{
    SimConfig c;
    const std::string error = parseSimConfig(kDefaultSimConfigJson, "built-in default", c);
    if (!error.empty())
        throw std::logic_error(error); // the file is checked by the tests
    return c;
}

} // namespace hm
