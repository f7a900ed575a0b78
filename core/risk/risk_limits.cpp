#include "risk/risk_limits.h"

#include <cctype>
#include <cerrno>
#include <cmath>
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
    return nullptr;
}

bool wholeNumber(const std::string& name)
{
    return name != "max_order_notional" && name != "collar_percent" && name != "max_gross_notional"
        && name != "daily_loss_limit";
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

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

const std::vector<LimitField>& limitFields()
{
    static const std::vector<LimitField> fields = {
        {"max_order_qty", "units", "largest quantity of one order"},
        {"max_order_notional", "currency", "largest price x quantity of one order"},
        {"collar_percent", "%", "furthest a limit price may be from the reference (mid)"},
        {"collar_ticks", "ticks", "furthest a limit price may be from the reference, in ticks (0 = off)"},
        {"max_position", "units", "per instrument, filled plus working on the same side"},
        {"max_gross_notional", "currency", "sum over instruments of |position| and working orders at the reference"},
        {"max_open_orders", "orders", "working orders at once, all agents"},
        {"max_orders_per_second_per_agent", "orders/s", "new orders from one agent"},
        {"max_orders_per_second", "orders/s", "new orders, all agents and the operator"},
        {"max_messages_per_second", "msgs/s", "new, cancel and replace messages; cancels always pass but count"},
        {"daily_loss_limit", "currency", "realized plus unrealized loss that halts trading"},
        {"duplicate_window_ms", "ms", "an identical order from the same agent within this window is refused"},
        {"restricted", "symbols", "comma-separated instruments nobody may trade"},
        {"self_trade_prevention", "policy",
         "an order that would trade against our own: off, cancel_new, cancel_resting or cancel_both"},
    };
    return fields;
}

bool limitValue(const RiskLimits& limits, const std::string& name, std::string& value)
{
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

std::string setLimit(RiskLimits& limits, const std::string& name, const std::string& text)
{
    if (name == "restricted") {
        std::set<std::string> symbols;
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ',')) {
            item = trim(item);
            if (item.empty())
                continue;
            for (char c : item)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
                    return "restricted: '" + item + "' is not an instrument symbol";
            symbols.insert(item);
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
    const std::string t = trim(text);
    if (t.empty())
        return name + ": a value is required";
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(t.c_str(), &end);
    if (errno != 0 || end == t.c_str() || *end != '\0' || !std::isfinite(v))
        return name + ": '" + t + "' is not a number";
    if (v < 0)
        return name + ": must not be negative (got " + t + ")";
    if (wholeNumber(name) && v != std::floor(v))
        return name + ": must be a whole number (got " + t + ")";
    if (name == "collar_percent" && v > 100)
        return name + ": a collar above 100% would not restrict anything (got " + t + ")";
    if (name != "collar_ticks" && name != "duplicate_window_ms" && v == 0)
        return name + ": zero would refuse every order; use the kill switch or a restriction instead";
    *field = v;
    return {};
}

} // namespace hm
