#pragma once
// What an analyst asks of a journal, read once from start to end (read-only):
//  - the execution report: for each agent's parent order (and the operator's orders),
//    one row per instrument it traded, implementation shortfall split into delay,
//    impact, timing and opportunity cost, against TWAP and VWAP of the same market over
//    the same window; and per instrument what the session did there;
//  - the what-if: the session's orders re-checked by the risk gate under other limits:
//    which would have been blocked, and how P&L and shortfall would have differed;
//  - CSV export of a time range.
#include "journal/journal_reader.h"
#include "risk/risk_limits.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace hm {

// Shortfall against the decision price, in basis points of the parent order's value
// at that price; positive = cost. delay + impact + timing + opportunity = total.
struct ShortfallRow {
    std::string agent; // "operator" for the trader's own orders
    std::string type;  // agent type
    std::string symbol;
    int side = 0;                 // +1 buy, -1 sell
    long long parentQty = 0;      // the agent's parent order (its "qty" parameter), else what it traded
    long long filledQty = 0;
    int orders = 0, fills = 0;
    Timestamp decisionTime = 0;   // started (or first order)
    Timestamp arrivalTime = 0;    // first child order
    Timestamp endTime = 0;        // last fill, kill or end of session
    double decisionPx = 0, arrivalPx = 0, endPx = 0, avgPx = 0; // price units
    double delayBps = 0, impactBps = 0, timingBps = 0, opportunityBps = 0, totalBps = 0;
    double twapPx = 0, vwapPx = 0;       // the market's, over [arrival, end]
    double vsTwapBps = 0, vsVwapBps = 0; // our average fill against them (positive = worse)
    std::string endedBy;                 // "filled", "killed", "session end"...
    long long position = 0;              // bought - sold in this instrument
    double pnl = 0;                      // currency: cash of the fills + position at the last mid
};

// What the session did in one instrument, all agents and the operator together.
struct InstrumentRow {
    std::string symbol;
    int orders = 0, fills = 0;
    long long boughtQty = 0, soldQty = 0, position = 0;
    double avgBuyPx = 0, avgSellPx = 0; // price units; NaN without fills on that side
    double lastMid = 0;                 // price units; NaN without a two-sided book
    double pnl = 0;                     // currency, marked at lastMid
    long long marketVolume = 0;         // the market's trades
    double participation = 0;           // our filled quantity over the market's; NaN without trades
    double shortfallBps = 0;            // the parent orders worked in it, weighted by value; NaN if none
    int agents = 0;                     // agents (and the operator) with orders in it
};

struct ExecutionReportData {
    std::vector<ShortfallRow> rows;          // by agent, then instrument
    std::vector<InstrumentRow> instruments;  // every instrument of the session, by symbol
    Timestamp start = 0, end = 0;
};

ExecutionReportData executionReport(const JournalReader& journal);
std::string fixedOrDash(double value, int decimals = 2); // "-" for NaN (not applicable)
void printExecutionReport(const ExecutionReportData& report, std::ostream& out);
void writeExecutionReportCsv(const ExecutionReportData& report, std::ostream& out);
void writeInstrumentSummaryCsv(const ExecutionReportData& report, std::ostream& out);

struct BlockedOrder {
    std::int64_t seq = 0;
    Timestamp time = 0;
    std::string clOrdId, agent, order, reason;
    long long filledQty = 0; // what it actually filled (lost in the what-if)
};

// One agent in one instrument (an agent that traded several has a row for each).
struct WhatIfAgent {
    std::string agent;
    std::string symbol;
    double pnlActual = 0, pnlWhatIf = 0;          // currency, marked at the last mid
    long long filledActual = 0, filledWhatIf = 0;
    double shortfallActualBps = 0, shortfallWhatIfBps = 0; // against the decision price, incl. opportunity
};

struct WhatIfInstrument {
    std::string symbol;
    double pnlActual = 0, pnlWhatIf = 0;          // currency, marked at the instrument's last mid
    long long positionActual = 0, positionWhatIf = 0;
    long long filledActual = 0, filledWhatIf = 0;
    int blocked = 0;                              // orders in it the what-if blocks
};

struct WhatIfResult {
    RiskLimits limits; // as applied from the start (the session's own later changes stay in force unless overridden)
    std::vector<std::pair<std::string, std::string>> overrides;
    int ordersChecked = 0, passedBoth = 0, blocked = 0, deniedActually = 0, wouldPass = 0;
    std::vector<BlockedOrder> blockedOrders;
    std::vector<WhatIfAgent> agents;
    std::vector<WhatIfInstrument> instruments;
    double pnlActual = 0, pnlWhatIf = 0;
};

// `overrides`: limit name -> value, as the limits editor and helmsman-ctl name them.
// Throws std::runtime_error naming a bad limit or value.
WhatIfResult whatIfLimits(const JournalReader& journal, const std::vector<std::pair<std::string, std::string>>& overrides);
void printWhatIf(const WhatIfResult& result, std::ostream& out);

// Every record with time in [from, to] (0 = open end), one CSV row each, with a header.
// `price` is the journal's integer ticks; `px`, the last column, is that price in price
// units by the record's instrument's tick (empty without a price or a known instrument).
std::size_t exportCsv(const JournalReader& journal, Timestamp from, Timestamp to, std::ostream& out);

} // namespace hm
