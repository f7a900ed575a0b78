#include "risk/risk_limits.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace hm {
namespace {

double* numericField(RiskLimits& l, const std::string& name)
{
    if (name == "max_order_qty") return &l.maxOrderQty;
    if (name == "max_order_notional") return &l.maxOrderNotional;
    if (name == "collar_percent") return &l.collarPercent;
    if (name == "collar_ticks") return &l.collarTicks;
    if (name == "max_position") return &l.maxPosition;
    if (name == "max_gross_notional") return &l.maxGrossNotional;
    if (name == "max_open_orders") return &l.maxOpenOrders;
    if (name == "max_orders_per_second_per_agent") return &l.maxOrdersPerSecondPerAgent;
    if (name == "max_orders_per_second") return &l.maxOrdersPerSecond;
    if (name == "max_messages_per_second") return &l.maxMessagesPerSecond;
    if (name == "daily_loss_limit") return &l.dailyLossLimit;
    if (name == "duplicate_window_ms") return &l.duplicateWindowMs;
    if (name == "max_net_notional") return &l.maxNetNotional;
    if (name == "max_concentration_percent") return &l.maxConcentrationPercent;
    if (name == "concentration_min_gross") return &l.concentrationMinGross;
    if (name == "max_portfolio_es") return &l.maxPortfolioEs;
    if (name == "es_horizon_s") return &l.esHorizonS;
    if (name == "cluster_correlation") return &l.clusterCorrelation;
    return nullptr;
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

constexpr std::size_t kMaxRestricted = 1000;
constexpr std::size_t kMaxSymbolLength = 32;

// "1e12" rather than "1e+12" or 1000000000000: the form a person types back in.
std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    if (v < 1e9 || std::strtod(buf, nullptr) != v)
        std::snprintf(buf, sizeof buf, "%.15g", v);
    std::string s = buf;
    const auto plus = s.find("e+");
    if (plus != std::string::npos)
        s.erase(plus + 1, 1);
    return s;
}

// What was typed, cut short: a refusal names the value without repeating a page of it.
std::string shown(const std::string& t) { return t.size() <= 40 ? t : t.substr(0, 40) + "..."; }

std::string rangeText(const LimitField& f)
{
    std::string lo = f.minExclusive ? "above " + number(f.min) + ", up to " : "from " + number(f.min) + " to ";
    return std::string(f.whole ? "a whole number " : "") + lo + number(f.max);
}

bool perInstrument(const std::string& field); // below, with the per-instrument names

constexpr const char* kPolicyNames[] = {"off", "cancel_new", "cancel_resting", "cancel_both"};

} // namespace

const char* toString(SelfTradePolicy p)
{
    const auto i = static_cast<std::size_t>(p);
    return i < sizeof kPolicyNames / sizeof *kPolicyNames ? kPolicyNames[i] : "?";
}

bool parseSelfTradePolicy(const std::string& text, SelfTradePolicy& out)
{
    for (std::size_t i = 0; i < sizeof kPolicyNames / sizeof *kPolicyNames; ++i)
        if (text == kPolicyNames[i]) {
            out = static_cast<SelfTradePolicy>(i);
            return true;
        }
    return false;
}

bool isPortfolioLimit(const std::string& name)
{
    return name == "max_net_notional" || name == "max_concentration_percent" || name == "concentration_min_gross"
           || name == "max_portfolio_es" || name == "es_horizon_s" || name == "cluster_correlation";
}

const std::vector<LimitField>& limitFields()
{
    // The range each field accepts is part of its description, so the editor's tooltip,
    // the control channel's `limits` and the refusal all say the same.
    static const std::vector<LimitField> fields = [] {
        const double kQty = 1e12, kMoney = 1e15, kRate = 1e9;
        std::vector<LimitField> f = {
            {"max_order_qty", "units", "largest quantity of one order", 1, kQty, false, true},
            {"max_order_notional", "currency", "largest price x quantity of one order", 0, kMoney, true, false},
            {"collar_percent", "%", "furthest a limit price may be from the reference (mid)", 0, 100, true, false},
            {"collar_ticks", "ticks", "furthest a limit price may be from the reference, in ticks (0 = off)", 0, 1e9, false, true},
            {"max_position", "units", "per instrument, filled plus working on the same side", 1, kQty, false, true},
            {"max_gross_notional", "currency", "sum over instruments of |position| and working orders at the reference", 0, kMoney, true, false},
            {"max_open_orders", "orders", "working orders at once, all agents", 1, kRate, false, true},
            {"max_orders_per_second_per_agent", "orders/s", "new orders from one agent", 1, kRate, false, true},
            {"max_orders_per_second", "orders/s", "new orders, all agents and the operator", 1, kRate, false, true},
            {"max_messages_per_second", "msgs/s", "new, cancel and replace messages; cancels always pass but count", 1, kRate, false, true},
            {"daily_loss_limit", "currency", "realized plus unrealized loss that halts trading", 0, kMoney, true, false},
            {"duplicate_window_ms", "ms", "an identical order from the same agent within this window is refused", 0, 86400000, false, true},
            {"max_net_notional", "currency", "|sum over instruments of position plus working buys minus working sells| at the reference", 0, kMoney, true, false},
            {"max_concentration_percent", "%", "largest instrument's share of gross exposure, once gross passes concentration_min_gross", 0, 100, true, false},
            {"concentration_min_gross", "currency", "gross exposure below which concentration is not checked", 0, kMoney, false, false},
            {"max_portfolio_es", "currency", "expected shortfall at 99% over es_horizon_s of positions plus working orders (EWMA covariance)", 0, kMoney, true, false},
            {"es_horizon_s", "s", "horizon of the portfolio VaR and expected shortfall", 1, 432000, false, false},
            {"cluster_correlation", "", "instruments correlated above this form a cluster: the cluster kill's reach", 0, 0.99, true, false},
            {"restricted", "symbols", "comma-separated instruments nobody may trade"},
            {"self_trade_prevention", "policy",
             "an order that would trade against our own: off, cancel_new, cancel_resting or cancel_both"},
        };
        static std::vector<std::string> texts; // owns the descriptions the fields point at
        texts.reserve(f.size());
        for (auto& field : f) {
            if (std::string(field.name) == "self_trade_prevention")
                continue; // its description lists the policies
            const std::string range = std::string(field.name) == "restricted"
                ? "up to " + std::to_string(kMaxRestricted) + " symbols of 1 to " + std::to_string(kMaxSymbolLength)
                    + " letters, digits, '.', '-', '_' or '/'"
                : rangeText(field);
            texts.push_back(std::string(field.description) + " (" + range + ")");
            field.description = texts.back().c_str();
        }
        return f;
    }();
    return fields;
}

bool limitValue(const RiskLimits& limits, const std::string& name, std::string& value)
{
    const auto at = name.find('@');
    if (at != std::string::npos) {
        const std::string field = name.substr(0, at);
        if (!perInstrument(field))
            return false;
        value = "default";
        const auto s = limits.instrumentOverrides.find(name.substr(at + 1));
        if (s != limits.instrumentOverrides.end()) {
            const auto f = s->second.find(field);
            if (f != s->second.end())
                value = number(f->second);
        }
        return true;
    }
    if (name == "restricted") {
        std::string out;
        for (const auto& s : limits.restricted)
            out += (out.empty() ? "" : ",") + s;
        value = out;
        return true;
    }
    if (name == "self_trade_prevention") {
        value = toString(limits.selfTradePolicy);
        return true;
    }
    const double* v = numericField(const_cast<RiskLimits&>(limits), name);
    if (!v)
        return false;
    std::ostringstream os;
    os << *v;
    value = os.str();
    return true;
}

std::string instrumentSymbolProblem(const std::string& symbol)
{
    if (symbol.empty())
        return "no instrument symbol";
    if (symbol.size() > kMaxSymbolLength)
        return "'" + symbol.substr(0, kMaxSymbolLength) + "...' is longer than " + std::to_string(kMaxSymbolLength)
            + " characters";
    for (char c : symbol)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/'))
            return "'" + shown(symbol) + "' is not an instrument symbol";
    return {};
}

namespace {

constexpr std::size_t kMaxInstrumentOverrides = 5000; // symbol x field pairs

bool perInstrument(const std::string& field)
{
    for (const auto& f : instrumentLimitFields())
        if (f == field)
            return true;
    return false;
}

} // namespace

const std::vector<std::string>& instrumentLimitFields()
{
    static const std::vector<std::string> fields = {"max_order_qty", "max_order_notional", "max_position",
                                                    "collar_percent", "collar_ticks"};
    return fields;
}

InstrumentLimits RiskLimits::forInstrument(const std::string& symbol) const
{
    InstrumentLimits l{maxOrderQty, maxOrderNotional, collarPercent, collarTicks, maxPosition};
    const auto it = instrumentOverrides.find(symbol);
    if (it == instrumentOverrides.end())
        return l;
    for (const auto& kv : it->second) {
        if (kv.first == "max_order_qty") l.maxOrderQty = kv.second;
        else if (kv.first == "max_order_notional") l.maxOrderNotional = kv.second;
        else if (kv.first == "collar_percent") l.collarPercent = kv.second;
        else if (kv.first == "collar_ticks") l.collarTicks = kv.second;
        else if (kv.first == "max_position") l.maxPosition = kv.second;
    }
    return l;
}

std::vector<std::pair<std::string, std::string>> instrumentLimitValues(const RiskLimits& limits)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : limits.instrumentOverrides)
        for (const auto& f : s.second)
            out.emplace_back(f.first + "@" + s.first, number(f.second));
    return out;
}

std::string setLimit(RiskLimits& limits, const std::string& name, const std::string& text)
{
    const auto at = name.find('@');
    if (at != std::string::npos) {
        const std::string field = name.substr(0, at), symbol = name.substr(at + 1);
        if (!perInstrument(field)) {
            std::string known;
            for (const auto& f : instrumentLimitFields())
                known += (known.empty() ? "" : ", ") + f;
            return "'" + shown(field) + "' cannot be set per instrument (these can: " + known + ")";
        }
        const std::string bad = symbol.empty() ? "no instrument after '@'" : instrumentSymbolProblem(symbol);
        if (!bad.empty())
            return name.substr(0, at + 1) + ": " + bad;
        const std::string t = trim(text);
        if (t.empty() || t == "default") { // back to the desk-wide value
            auto it = limits.instrumentOverrides.find(symbol);
            if (it != limits.instrumentOverrides.end()) {
                it->second.erase(field);
                if (it->second.empty())
                    limits.instrumentOverrides.erase(it);
            }
            return {};
        }
        RiskLimits probe; // the desk-wide field's own checks, under the qualified name
        std::string error = setLimit(probe, field, t);
        if (!error.empty())
            return name + error.substr(field.size());
        std::size_t count = 0;
        for (const auto& s : limits.instrumentOverrides)
            count += s.second.size();
        auto& mine = limits.instrumentOverrides[symbol];
        if (!mine.count(field) && count >= kMaxInstrumentOverrides) {
            if (mine.empty())
                limits.instrumentOverrides.erase(symbol);
            return name + ": more than " + std::to_string(kMaxInstrumentOverrides) + " per-instrument limits";
        }
        mine[field] = *numericField(probe, field);
        return {};
    }
    if (name == "restricted") {
        std::set<std::string> symbols;
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ',')) {
            item = trim(item);
            if (item.empty())
                continue;
            const std::string bad = instrumentSymbolProblem(item);
            if (!bad.empty())
                return "restricted: " + bad;
            symbols.insert(item);
            if (symbols.size() > kMaxRestricted)
                return "restricted: more than " + std::to_string(kMaxRestricted) + " symbols";
        }
        limits.restricted = symbols;
        return {};
    }
    if (name == "self_trade_prevention") {
        const std::string t = trim(text);
        if (!parseSelfTradePolicy(t, limits.selfTradePolicy))
            return name + ": '" + t + "' is not a policy (off, cancel_new, cancel_resting or cancel_both)";
        return {};
    }
    double* field = numericField(limits, name);
    if (!field)
        return "unknown limit '" + name + "'";
    const LimitField* f = nullptr;
    for (const auto& candidate : limitFields())
        if (name == candidate.name)
            f = &candidate;
    const std::string t = trim(text);
    const std::string typed = shown(t);
    if (t.empty())
        return name + ": a value is required (" + rangeText(*f) + ")";
    // Plain decimal only: strtod would also take "inf", "nan" and hexadecimal.
    const bool decimal = t.find_first_not_of("0123456789.eE+-") == std::string::npos;
    char* end = nullptr;
    errno = 0;
    const double v = decimal ? std::strtod(t.c_str(), &end) : 0.0;
    if (!decimal || errno != 0 || end == t.c_str() || *end != '\0' || !std::isfinite(v)) {
        if (decimal && errno == ERANGE)
            return name + ": " + typed + " is out of range (" + rangeText(*f) + ")";
        return name + ": '" + typed + "' is not a number (" + rangeText(*f) + ")";
    }
    if (v < 0)
        return name + ": must not be negative (got " + typed + "; " + rangeText(*f) + ")";
    if (f->whole && v != std::floor(v))
        return name + ": must be a whole number (got " + typed + "; " + rangeText(*f) + ")";
    if (v == 0 && (f->min > 0 || f->minExclusive))
        return name + ": zero would refuse every order; use the kill switch or a restriction instead ("
            + rangeText(*f) + ")";
    if (v > f->max || v < f->min || (f->minExclusive && v == f->min))
        return name + ": " + typed + " is out of range (" + rangeText(*f) + ")";
    *field = v;
    return {};
}

} // namespace hm
