#pragma once
// The journal's format has one owner: this file. A writer fills a typed record and
// calls encode(); a reader calls decode() and gets the typed record back, or false
// and a reason. The text each kind carries (docs/journal.md) is spelled here only.
//
// decode() accepts every row this build and earlier builds write (an order without
// the owner tag, a denial without a deny code, a send failure without a side) and
// refuses a row of another kind or with text it cannot take apart, saying which
// record and what is wrong. It never throws. Whatever the text, the plain columns
// (ids, symbol, side, price, qty) are filled in before the text is looked at, so a
// caller that tolerates a damaged text still has them.
#include "journal/audit_entry.h"
#include "journal/journal_record.h"
#include "model/events.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hm {

// The side column: 0 buy, 1 sell, -1 none.
int sideColumn(Side side);
int sideColumn(const std::optional<Side>& side);

// 1. session_start. ref: FIX session id; text: program and version.
struct SessionStartRecord {
    std::string sessionId;
    std::string program; // "helmsman 0.1.0"
};

// 2. config, any key. ref: key; symbol: instrument (agent configurations); text: value.
struct ConfigRecord {
    std::string key;
    std::string value;
    std::string symbol;
};
// config `instrument`: "HMX tick=0.010000 lot=1 USD".
struct InstrumentConfigRecord {
    Instrument instrument;
};
// config `limits-initial`: "max_order_qty=10000;max_position=20000;...", in order.
struct InitialLimitsRecord {
    std::vector<std::pair<std::string, std::string>> limits; // name, value as the limits editor spells them
};

// 3. order_new. ref: ClOrdID; side, price, qty; text: "LIMIT DAY", then " owner=AGENT" for an agent's order.
struct OrderNewRecord {
    std::string clOrdId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity qty = 0;
    Price price = 0;
    std::string owner; // empty: the operator's (and every order of a journal from before the tag)
};

// 14. order_denied. ref: ClOrdID; side, price, qty; aux: deny code; text: reason, then
// " [owner=AGENT]" for an agent's order. An order the gate passed but the gateway could
// not send is journaled with no side, price, qty, code or owner.
struct OrderDeniedRecord {
    std::string clOrdId;
    std::string symbol;
    std::optional<Side> side; // none for a send failure
    Quantity qty = 0;
    Price price = 0;
    int denyCode = 0; // the risk gate's DenyReason, 0 when not the gate's (and before codes were journaled)
    std::string reason;
    std::string owner;
};

// 4. order_cancel. ref: the cancel request's ClOrdID; side; text: the order's current ClOrdID.
struct OrderCancelRecord {
    std::string clOrdId;
    std::string origClOrdId;
    std::string symbol;
    Side side = Side::Buy;
};

// 5. order_replace. ref: the replace request's ClOrdID; side, new price, new qty; text: current ClOrdID.
struct OrderReplaceRecord {
    std::string clOrdId;
    std::string origClOrdId;
    std::string symbol;
    Side side = Side::Buy;
    Quantity qty = 0;
    Price price = 0;
};

// 6. exec_report. ref: ClOrdID; side; price: last px; qty: last qty; aux: cum qty;
// text: "ExecID|ExecType|OrdStatus|OrderID|leaves[|possdup][|text]".
struct ExecReportRecord {
    std::string clOrdId;
    std::string symbol;
    Side side = Side::Buy;
    Price lastPx = 0;
    Quantity lastQty = 0;
    Quantity cumQty = 0;
    std::string execId;
    ExecType execType = ExecType::New;
    OrderStatus ordStatus = OrderStatus::New;
    std::string orderId;
    Quantity leavesQty = 0;
    // What a replay cannot always find in the requests journaled before (the request may
    // be the last session's): the ClOrdID the report is about, and a replace's new
    // quantity and price. Written as "|@orig=ID[,qty=N,px=P]" after the leaves quantity
    // when set; a venue text starting "@orig=" would read back as one.
    std::string origClOrdId;
    Quantity orderQty = 0; // Replaced only
    Price price = 0;       // Replaced only
    bool possDup = false;
    // The venue's text; may hold '|'. A text of exactly "possdup" on a report that is
    // not a possible duplicate reads back as a possible duplicate with no text: the
    // format cannot tell them apart.
    std::string text;

    static ExecReportRecord from(const ExecutionReport& report);
    // The report as journaled; what the journal does not keep (the average price; the
    // original ClOrdID, order qty and price in journals from before they were kept) stays
    // at its default.
    ExecutionReport report() const;
};

// 7. cancel_reject. ref: ClOrdID; text: "origClOrdID|reason".
struct CancelRejectRecord {
    std::string clOrdId;
    std::string origClOrdId;
    std::string reason; // may hold '|'

    static CancelRejectRecord from(const CancelReject& reject);
};

// 8. book_level. side; price; qty (0: the level is gone); text: "snapshot" in a full refresh.
struct BookLevelRecord {
    std::string symbol;
    Side side = Side::Buy;
    Price price = 0;
    Quantity qty = 0;
    bool snapshot = false;
};

// 9. trade. price; qty.
struct TradeRecord {
    std::string symbol;
    Price price = 0;
    Quantity qty = 0;
};

// 10. fix_session. ref: session id; text: "Logon" or "Logon: detail".
struct FixSessionRecord {
    std::string sessionId;
    SessionEventKind event = SessionEventKind::Created;
    std::string detail;
};

// 11. operator. ref: action; text: detail.
struct OperatorRecord {
    std::string action;
    std::string detail;
};
// operator `replace-denied`: "ClOrdID: reason-name: why", a replace the risk gate refused.
struct ReplaceDeniedRecord {
    std::string clOrdId;
    std::string denyReason; // the gate's name for it, e.g. "self_trade"
    std::string text;
};

// 12. log. ref: logger; aux: level (3 warn, 4 error, as spdlog counts); text: message.
struct LogRecord {
    std::string logger;
    int level = 0;
    std::string message;
};

// 13. dropped. aux: how many market-data records the full queue shed.
struct DroppedRecord {
    std::int64_t count = 0;
};

// 15. audit: AuditEntry (audit_entry.h). symbol: agent; ref: action; text: who, role,
// reason, state before, state after, detail, each followed by 0x1F.

// 16. alert. ref: alert kind; symbol: agent or instrument ("*" all); text.
struct AlertRecord {
    std::string kind; // alert, stress, drop, true-regime...
    std::string source;
    std::string text;
};
// An alert that says the regime changed: "regime calm -> volatile (detector)" (kind
// `alert`), or the simulator's own regime, "true regime calm -> volatile (simulator)"
// (kind `true-regime`, journaled only). "unknown" stands for no regime yet.
struct RegimeAlertRecord {
    std::string symbol;
    std::string from;
    std::string to;
    std::string source;     // detector, simulator
    bool trueRegime = false; // the simulator's truth, not what the engine acts on
};

// 17. agent_decision. ref: agent; symbol; side, price, qty; aux: outcome;
// text: "summary|factor=value...|note=...".
enum class DecisionOutcome : std::uint8_t {
    Denied = 0, // reserved: no build journals it; a proposal the risk gate denies is an order_denied row
    Sent = 1,
    AwaitingApproval = 2, // the note is "ticket N: why"
    Dropped = 3,
};
const char* toString(DecisionOutcome outcome); // "denied", "sent", "awaiting approval", "dropped"
struct DecisionRecord {
    std::string agent;
    std::string symbol;
    Side side = Side::Buy;
    Price price = 0; // 0 for a market order
    Quantity qty = 0;
    DecisionOutcome outcome = DecisionOutcome::Sent;
    std::string summary; // a summary holding '|' reads back whole only when no factor follows
    // Written with 6 significant digits: a value reads back as that rounding. A name may
    // hold '|' or '=' ("drift (mean |z|)").
    std::vector<std::pair<std::string, double>> factors;
    std::string note; // may hold '|'
};

// 18. state_hash. aux: FNV-1a of the engine's state; qty: orders so far.
struct StateHashRecord {
    std::uint64_t hash = 0;
    std::int64_t orders = 0;
};

// 19. carry_position: a position the session starts with, carried over from the last
// session on this data directory. symbol; qty: signed (long > 0);
// text: "avg_cost=TICKS|from=SOURCE" (average cost in ticks, 17 significant digits).
struct CarryPositionRecord {
    std::string symbol;
    Quantity qty = 0;
    double avgCostTicks = 0.0;
    std::string from; // the journal it was carried from
};

// 20. carry_order: an order that was working or in flight when the last session ended,
// to be reconciled with the counterparty. ref: its first ClOrdID; symbol; side, price,
// qty (order qty); aux: cum qty; text: "current=ID|order_id=ID|status=S|type=T TIF|
// leaves=N|avg_px=PX|source=journal or fix-store|aliases=ID,ID|owner=AGENT" (owner last: it
// is free text). aliases: ClOrdIDs of replaces and cancels only the FIX store saw.
struct CarryOrderRecord {
    std::string clOrdId;
    std::string currentClOrdId;
    std::string orderId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity qty = 0;
    Quantity cumQty = 0;
    Quantity leavesQty = 0;
    Price price = 0;
    double avgPx = 0.0;
    OrderStatus status = OrderStatus::New;
    std::string source; // "journal": the last journal had it; "fix-store": only the FIX store did
    std::vector<std::string> aliases;
    std::string owner;
};

JournalRecord encode(const SessionStartRecord& record, Timestamp time);
JournalRecord encode(const ConfigRecord& record, Timestamp time);
JournalRecord encode(const InstrumentConfigRecord& record, Timestamp time);
JournalRecord encode(const InitialLimitsRecord& record, Timestamp time);
JournalRecord encode(const OrderNewRecord& record, Timestamp time);
JournalRecord encode(const OrderDeniedRecord& record, Timestamp time);
JournalRecord encode(const OrderCancelRecord& record, Timestamp time);
JournalRecord encode(const OrderReplaceRecord& record, Timestamp time);
JournalRecord encode(const ExecReportRecord& record, Timestamp time);
JournalRecord encode(const CancelRejectRecord& record, Timestamp time);
JournalRecord encode(const BookLevelRecord& record, Timestamp time);
JournalRecord encode(const TradeRecord& record, Timestamp time);
JournalRecord encode(const FixSessionRecord& record, Timestamp time);
JournalRecord encode(const OperatorRecord& record, Timestamp time);
JournalRecord encode(const ReplaceDeniedRecord& record, Timestamp time);
JournalRecord encode(const LogRecord& record, Timestamp time);
JournalRecord encode(const DroppedRecord& record, Timestamp time);
JournalRecord encode(const AuditEntry& record, Timestamp time); // a 0x1F in a field becomes a space
JournalRecord encode(const AlertRecord& record, Timestamp time);
JournalRecord encode(const RegimeAlertRecord& record, Timestamp time);
JournalRecord encode(const DecisionRecord& record, Timestamp time);
JournalRecord encode(const StateHashRecord& record, Timestamp time);
JournalRecord encode(const CarryPositionRecord& record, Timestamp time);
JournalRecord encode(const CarryOrderRecord& record, Timestamp time);

// False, with the reason in *error (when given), for a record of another kind (or, for
// the config and operator sub-records, another key or action) or text that does not parse.
bool decode(const JournalRecord& record, SessionStartRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, ConfigRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, InstrumentConfigRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, InitialLimitsRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, OrderNewRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, OrderDeniedRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, OrderCancelRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, OrderReplaceRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, ExecReportRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, CancelRejectRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, BookLevelRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, TradeRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, FixSessionRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, OperatorRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, ReplaceDeniedRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, LogRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, DroppedRecord& out, std::string* error = nullptr);
// Fields after the sixth (a newer build's) are ignored.
bool decode(const JournalRecord& record, AuditEntry& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, AlertRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, RegimeAlertRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, DecisionRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, StateHashRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, CarryPositionRecord& out, std::string* error = nullptr);
bool decode(const JournalRecord& record, CarryOrderRecord& out, std::string* error = nullptr);

// Decodes a record as its kind says, and the sub-record or detail its key, action or
// text names (an instrument or limits-initial config, a replace-denied operator row, a
// regime alert, a ticket note, a limit-change detail): false with the reason if any
// part does not.
bool decodesCleanly(const JournalRecord& record, std::string* error = nullptr);

// Texts inside audit details and decision notes.
// audit `limit-change` detail: "max_position: 20000 -> 15000".
struct LimitChange {
    std::string name;
    std::string before;
    std::string after;
};
std::string formatLimitChange(const LimitChange& change);
bool parseLimitChange(const std::string& detail, LimitChange& out, std::string* error = nullptr);
// A decision note of an order awaiting approval ("ticket 12: why") and the detail of
// an audit `approve`/`reject` ("ticket 12: SELL 300 HMX @ 18.84").
struct TicketNote {
    std::uint64_t ticket = 0;
    std::string text;
};
std::string formatTicketNote(const TicketNote& note);
bool parseTicketNote(const std::string& text, TicketNote& out, std::string* error = nullptr);
// audit `throttle-level` detail: "50% -> 25%" (percent of the agent's configured rates).
struct ThrottleChange {
    int before = 0;
    int after = 0;
};
std::string formatThrottleChange(const ThrottleChange& change);
bool parseThrottleChange(const std::string& detail, ThrottleChange& out, std::string* error = nullptr);
} // namespace hm
