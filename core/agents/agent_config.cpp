#include "agents/agent_config.h"

#include "sim/sim_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace hm {
namespace {
using json = nlohmann::json;

struct Bad {
    std::string what;
};

double number(const json& obj, const char* key, double fallback, const std::string& where, double lo, double hi)
{
    if (!obj.contains(key))
        return fallback;
    const json& v = obj.at(key);
    if (!v.is_number())
        throw Bad{where + "." + key + ": expected a number, got " + v.dump()};
    const double d = v.get<double>();
    if (d < lo || d > hi)
        throw Bad{where + "." + key + ": " + v.dump() + " is outside " + json(lo).dump() + ".." + json(hi).dump()};
    return d;
}

std::set<std::string> strings(const json& obj, const char* key, const std::string& where)
{
    std::set<std::string> out;
    if (!obj.contains(key))
        return out;
    const json& v = obj.at(key);
    if (!v.is_array())
        throw Bad{where + "." + key + ": expected a list of names"};
    for (const auto& s : v) {
        if (!s.is_string())
            throw Bad{where + "." + key + ": expected names, got " + s.dump()};
        out.insert(s.get<std::string>());
    }
    return out;
}

std::string fmt(double v)
{
    std::ostringstream s;
    s << std::setprecision(12) << v;
    return s.str();
}

std::string listed(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

// A name list whose names must be regimes the session knows.
std::set<std::string> regimeList(const json& obj, const char* key, const std::string& where, const RegimeNames* known)
{
    std::set<std::string> names = strings(obj, key, where);
    if (known)
        for (const auto& n : names)
            if (std::find(known->names.begin(), known->names.end(), n) == known->names.end())
                throw Bad{where + "." + key + ": '" + n + "' is not a regime of " + known->source + " (" + listed(known->names) + ")"};
    return names;
}

// Parameters that are quantities (units): positive whole numbers, and whole lots when
// the agent's lot is given.
bool isQuantityParam(const std::string& name)
{
    return name == "quantity" || name == "lot" || name == "clip" || name == "max_position";
}

void checkParams(const AgentParams& params, const std::string& where)
{
    for (const auto& p : params) {
        const std::string w = where + ".params." + p.first;
        if (!std::isfinite(p.second))
            throw Bad{w + ": not a finite number"};
        if (p.first == "side" && p.second != 1 && p.second != -1)
            throw Bad{w + ": expected \"buy\", \"sell\", 1 or -1, got " + fmt(p.second)};
        if (isQuantityParam(p.first)
            && (p.second != std::floor(p.second) || p.second < 1 || p.second > kMaxConfiguredQuantity))
            throw Bad{w + ": must be a whole number of units from 1 to " + fmt(kMaxConfiguredQuantity) + ", got " + fmt(p.second)};
    }
    auto lot = params.find("lot");
    if (lot == params.end())
        return;
    for (const auto& p : params)
        if (isQuantityParam(p.first) && p.first != "lot" && std::fmod(p.second, lot->second) != 0)
            throw Bad{where + ".params." + p.first + ": " + fmt(p.second) + " is not a whole number of lots of " + fmt(lot->second)};
}

double wholeNumber(const json& obj, const char* key, double fallback, const std::string& where, double lo, double hi)
{
    const double d = number(obj, key, fallback, where, lo, hi);
    if (d != std::floor(d))
        throw Bad{where + "." + key + ": must be a whole number, got " + obj.at(key).dump()};
    return d;
}

void onlyKeys(const json& obj, std::initializer_list<const char*> keys, const std::string& where)
{
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool known = false;
        for (const char* k : keys)
            known = known || it.key() == k;
        if (!known)
            throw Bad{where + ": unknown field '" + it.key() + "'"};
    }
}

// `regimes` (a file being loaded; null for a spec read back from a journal) makes the
// checks strict: whole quantities, known regimes, a type that builds.
AgentSpec parseOne(const json& a, std::size_t index, const RegimeNames* regimes)
{
    std::string where = "agents[" + std::to_string(index) + "]";
    if (!a.is_object())
        throw Bad{where + ": expected an object"};
    onlyKeys(a, {"id", "type", "instrument", "params", "oversight", "throttle", "model"}, where);
    AgentSpec s;
    for (const char* key : {"id", "type", "instrument"}) {
        if (!a.contains(key) || !a.at(key).is_string() || a.at(key).get<std::string>().empty())
            throw Bad{where + "." + key + ": required text is missing"};
    }
    s.id = a.at("id").get<std::string>();
    where += " (" + s.id + ")";
    s.type = a.at("type").get<std::string>();
    s.symbol = a.at("instrument").get<std::string>();
    if ((s.type == "portfolio") != (s.symbol == "*"))
        throw Bad{where + ".instrument: " + (s.symbol == "*" ? std::string("\"*\" (every instrument) is for a portfolio agent only")
                                                              : std::string("a portfolio agent trades every instrument: \"*\""))};
    if (a.contains("params")) {
        const json& p = a.at("params");
        if (!p.is_object())
            throw Bad{where + ".params: expected an object"};
        for (auto it = p.begin(); it != p.end(); ++it) {
            if (it.key() == "side" && it->is_string()) {
                const std::string side = it->get<std::string>();
                if (side != "buy" && side != "sell")
                    throw Bad{where + ".params.side: expected \"buy\" or \"sell\", got \"" + side + "\""};
                s.params["side"] = side == "buy" ? 1 : -1;
                continue;
            }
            if (it.key() == "executor" && it->is_string()) { // a portfolio agent's execution agents
                const std::string e = it->get<std::string>();
                const char* const names[] = {"twap", "vwap", "pov", "almgren_chriss"};
                const auto found = std::find(std::begin(names), std::end(names), e);
                if (found == std::end(names))
                    throw Bad{where + ".params.executor: expected \"twap\", \"vwap\", \"pov\" or \"almgren_chriss\", got \"" + e + "\""};
                s.params["executor"] = static_cast<double>(found - std::begin(names));
                continue;
            }
            if (!it->is_number())
                throw Bad{where + ".params." + it.key() + ": expected a number, got " + it->dump()};
            s.params[it.key()] = it->get<double>();
        }
        if (regimes)
            checkParams(s.params, where);
    }
    if (a.contains("oversight")) {
        const json& o = a.at("oversight");
        const std::string w = where + ".oversight";
        if (!o.is_object())
            throw Bad{w + ": expected an object"};
        onlyKeys(o, {"approval", "qty_threshold", "notional_threshold", "regimes", "timeout_s", "on_timeout",
                     "max_drawdown", "stale_data_s", "throttle_on_stress", "throttle_regimes"},
                 w);
        const std::string mode = o.value("approval", std::string("autonomous"));
        if (mode == "autonomous")
            s.policy.approval = ApprovalMode::Autonomous;
        else if (mode == "every_order")
            s.policy.approval = ApprovalMode::EveryOrder;
        else if (mode == "above_threshold")
            s.policy.approval = ApprovalMode::AboveThreshold;
        else if (mode == "in_regimes")
            s.policy.approval = ApprovalMode::InRegimes;
        else
            throw Bad{w + ".approval: '" + mode + "' is not one of autonomous, every_order, above_threshold, in_regimes"};
        s.policy.qtyThreshold = regimes ? wholeNumber(o, "qty_threshold", 0, w, 0, kMaxConfiguredQuantity)
                                        : number(o, "qty_threshold", 0, w, 0, 1e12);
        s.policy.notionalThreshold = number(o, "notional_threshold", 0, w, 0, 1e15);
        if (s.policy.approval == ApprovalMode::AboveThreshold && s.policy.qtyThreshold <= 0 && s.policy.notionalThreshold <= 0)
            throw Bad{w + ": above_threshold needs qty_threshold or notional_threshold"};
        s.policy.regimes = regimeList(o, "regimes", w, regimes);
        if (s.policy.approval == ApprovalMode::InRegimes && s.policy.regimes.empty())
            throw Bad{w + ": in_regimes needs a non-empty 'regimes' list"};
        s.policy.approvalTimeoutS = number(o, "timeout_s", 30, w, 1, 3600);
        const std::string onTimeout = o.value("on_timeout", std::string("drop"));
        if (onTimeout == "drop")
            s.policy.onTimeout = TimeoutDefault::Drop;
        else if (onTimeout == "reduce_only")
            s.policy.onTimeout = TimeoutDefault::ReduceOnly;
        else
            throw Bad{w + ".on_timeout: '" + onTimeout + "' is not drop or reduce_only"};
        s.policy.maxDrawdown = number(o, "max_drawdown", 0, w, 0, 1e15);
        s.policy.staleDataS = number(o, "stale_data_s", 5, w, 0, 3600);
        if (o.contains("throttle_on_stress")) {
            if (!o.at("throttle_on_stress").is_boolean())
                throw Bad{w + ".throttle_on_stress: expected true or false"};
            s.policy.throttleOnStress = o.at("throttle_on_stress").get<bool>();
        }
        s.policy.throttleRegimes = regimeList(o, "throttle_regimes", w, regimes);
    }
    if (a.contains("throttle")) {
        const json& t = a.at("throttle");
        const std::string w = where + ".throttle";
        if (!t.is_object())
            throw Bad{w + ": expected an object"};
        onlyKeys(t, {"max_orders_per_second", "max_participation", "max_notional_per_minute", "passive_only", "level"}, w);
        s.throttle.maxOrdersPerSecond = number(t, "max_orders_per_second", 5, w, 0.01, 10000);
        s.throttle.maxParticipation = number(t, "max_participation", 0.25, w, 0, 1);
        s.throttle.maxNotionalPerMinute = number(t, "max_notional_per_minute", 1e6, w, 0, 1e15);
        s.throttle.level = static_cast<int>(regimes ? wholeNumber(t, "level", 100, w, 0, 100) : number(t, "level", 100, w, 0, 100));
        if (t.contains("passive_only")) {
            if (!t.at("passive_only").is_boolean())
                throw Bad{w + ".passive_only: expected true or false"};
            s.throttle.passiveOnly = t.at("passive_only").get<bool>();
        }
    }
    if (a.contains("model")) {
        if (!a.at("model").is_string() || a.at("model").get<std::string>().empty())
            throw Bad{where + ".model: expected the path of a model file"};
        s.model = a.at("model").get<std::string>();
    }
    std::string error;
    if (!regimes)
        return s;
    if (isRegisteredAgentType(s.type)) {
        if (s.model.empty())
            throw Bad{where + ".model: a " + s.type + " agent needs a model file"};
    } else if (!makeAgent(s.type, s.symbol, s.params, error)) {
        throw Bad{where + ": " + error};
    }
    return s;
}
} // namespace

RegimeNames defaultRegimeNames()
{
    RegimeNames r;
    for (const auto& regime : defaultSimConfig().regimes)
        r.names.push_back(regime.name);
    r.source = "the built-in simulator configuration";
    return r;
}

bool parseAgentSpecs(const std::string& text, const std::string& origin, std::vector<AgentSpec>& out, std::string& error,
                     const RegimeNames& regimes)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        error = origin + ": not valid JSON at byte " + std::to_string(e.byte) + ": " + e.what();
        return false;
    }
    try {
        if (!doc.is_object() || !doc.contains("agents") || !doc.at("agents").is_array())
            throw Bad{"expected an object with an \"agents\" list"};
        std::vector<AgentSpec> specs;
        std::set<std::string> ids;
        std::size_t i = 0;
        for (const auto& a : doc.at("agents")) {
            AgentSpec s = parseOne(a, i++, &regimes);
            if (!ids.insert(s.id).second)
                throw Bad{"agent id '" + s.id + "' appears twice"};
            specs.push_back(std::move(s));
        }
        out = std::move(specs);
        return true;
    } catch (const Bad& b) {
        error = origin + ": " + b.what;
    } catch (const json::exception& e) {
        error = origin + ": " + e.what();
    }
    return false;
}

bool loadAgentSpecs(const std::string& path, std::vector<AgentSpec>& out, std::string& error, const RegimeNames& regimes)
{
    std::ifstream in(path);
    if (!in) {
        error = path + ": cannot be read";
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parseAgentSpecs(ss.str(), path, out, error, regimes);
}

std::string agentSpecJson(const AgentSpec& s)
{
    static const char* modes[] = {"autonomous", "every_order", "above_threshold", "in_regimes"};
    json params = json::object();
    for (const auto& p : s.params) {
        if (p.first == "side")
            params["side"] = p.second > 0 ? "buy" : "sell";
        else
            params[p.first] = p.second;
    }
    json o = {{"approval", modes[static_cast<int>(s.policy.approval)]},
              {"timeout_s", s.policy.approvalTimeoutS},
              {"on_timeout", s.policy.onTimeout == TimeoutDefault::Drop ? "drop" : "reduce_only"},
              {"max_drawdown", s.policy.maxDrawdown},
              {"stale_data_s", s.policy.staleDataS},
              {"throttle_on_stress", s.policy.throttleOnStress}};
    if (s.policy.qtyThreshold > 0)
        o["qty_threshold"] = s.policy.qtyThreshold;
    if (s.policy.notionalThreshold > 0)
        o["notional_threshold"] = s.policy.notionalThreshold;
    if (!s.policy.regimes.empty())
        o["regimes"] = s.policy.regimes;
    if (!s.policy.throttleRegimes.empty())
        o["throttle_regimes"] = s.policy.throttleRegimes;
    json t = {{"max_orders_per_second", s.throttle.maxOrdersPerSecond},
              {"max_participation", s.throttle.maxParticipation},
              {"max_notional_per_minute", s.throttle.maxNotionalPerMinute},
              {"passive_only", s.throttle.passiveOnly},
              {"level", s.throttle.level}};
    json a = {{"id", s.id}, {"type", s.type}, {"instrument", s.symbol}, {"params", params}, {"oversight", o}, {"throttle", t}};
    if (!s.model.empty())
        a["model"] = s.model;
    return a.dump();
}

bool parseAgentSpec(const std::string& text, AgentSpec& out, std::string& error)
{
    try {
        out = parseOne(json::parse(text), 0, nullptr);
        return true;
    } catch (const Bad& b) {
        error = b.what;
    } catch (const json::exception& e) {
        error = e.what();
    }
    return false;
}

} // namespace hm
