#pragma once
// The pre-trade limits a risk manager sets. One struct, plus a table of named fields
// so that the limits editor, the control channel and the journal all speak of a
// limit by the same name and validate it the same way.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hm {

// Self-trade prevention: what happens to a new order that would trade against one of
// our own working orders (any agent's or the operator's) on the other side of the same
// book, as exchanges offer it (CME's SMP, Eurex's STP).
enum class SelfTradePolicy : std::uint8_t {
    Off,           // let it go (a wash trade is possible)
    CancelNew,     // deny the new order
    CancelResting, // cancel our resting order(s) it reaches, then send the new one
    CancelBoth,    // deny the new order and cancel the resting ones
};
const char* toString(SelfTradePolicy p);
bool parseSelfTradePolicy(const std::string& text, SelfTradePolicy& out);

// The limits a risk manager may also set for one instrument, over the desk-wide value:
// named "field@SYMBOL" (max_position@HMX) wherever limits are named.
struct InstrumentLimits {
    double maxOrderQty = 0;
    double maxOrderNotional = 0;
    double collarPercent = 0;
    double collarTicks = 0;
    double maxPosition = 0;
};

struct RiskLimits {
    double maxOrderQty = 10000;
    double maxOrderNotional = 1000000;
    double collarPercent = 5.0;  // price may be at most this far from the reference...
    double collarTicks = 500;    // ...and at most this many ticks (0 = no tick bound)
    double maxPosition = 20000;  // per instrument, counting working orders once sent
    double maxGrossNotional = 5000000;
    double maxOpenOrders = 1000;
    double maxOrdersPerSecondPerAgent = 50;
    double maxOrdersPerSecond = 200;
    double maxMessagesPerSecond = 600; // new + cancel + replace, all agents
    double dailyLossLimit = 50000;     // realized + unrealized; hitting it halts trading
    double duplicateWindowMs = 200;    // same agent, side, qty, price and instrument
    // The portfolio: positions plus working orders across instruments, at the reference.
    double maxNetNotional = 5000000;
    double maxConcentrationPercent = 100; // the largest name's share of gross exposure...
    double concentrationMinGross = 250000; // ...checked once gross exposure passes this
    double maxPortfolioEs = 250000;        // expected shortfall at 99% over esHorizonS
    double esHorizonS = 600;
    double clusterCorrelation = 0.7; // instruments correlated above this form a cluster (cluster kill)
    std::set<std::string> restricted;
    SelfTradePolicy selfTradePolicy = SelfTradePolicy::CancelNew;
    // symbol -> field name -> value; a field not there takes the desk-wide value.
    std::map<std::string, std::map<std::string, double>> instrumentOverrides;

    // The limits that apply to one instrument: its overrides over the desk-wide ones.
    InstrumentLimits forInstrument(const std::string& symbol) const;
};

// The fields that can be set per instrument, in the order the editor shows them.
const std::vector<std::string>& instrumentLimitFields();
// What is wrong with a symbol as an instrument's name ("" when nothing): 1 to 32
// letters, digits and . - _ /. One rule for per-instrument limits and for the
// instruments a counterparty's security list brings, so each can have its own limits.
std::string instrumentSymbolProblem(const std::string& symbol);

// Every per-instrument override as ("field@SYMBOL", value), sorted: what the journal
// records at the start and the state hash counts.
std::vector<std::pair<std::string, std::string>> instrumentLimitValues(const RiskLimits& limits);

// Numeric limits are finite and bounded: a value outside [min, max] is refused with the
// field's name and range (the description states the same range for people). The upper
// bounds keep every product the gate forms (quantity x price, sums of notionals) well
// inside the range where a double is exact.
struct LimitField {
    const char* name;
    const char* unit;
    const char* description;
    double min = 0;        // inclusive, unless minExclusive
    double max = 0;        // inclusive
    bool minExclusive = false;
    bool whole = false;    // integers only
};

// Every editable limit, in the order the editor shows them.
const std::vector<LimitField>& limitFields();

// The limits on the whole portfolio (net, concentration, ES and its horizon, clusters).
bool isPortfolioLimit(const std::string& name);

// The value of a field as text ("" and false for an unknown name). "field@SYMBOL" gives
// the instrument's own value, or "default" when it takes the desk-wide one.
bool limitValue(const RiskLimits& limits, const std::string& name, std::string& value);

// Sets one field from text. Returns an empty string on success, otherwise a message
// naming the field and what is wrong; the limits are unchanged then. "field@SYMBOL" sets
// the instrument's own value; "default" (or nothing) there returns it to the desk-wide one.
std::string setLimit(RiskLimits& limits, const std::string& name, const std::string& value);

} // namespace hm
