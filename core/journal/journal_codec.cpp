#include "journal/journal_codec.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace hm {
namespace {

constexpr char kAuditSep = '\x1f'; // ASCII unit separator: never typed in a reason
constexpr int kAuditFields = 6;
const char* const kDroppedText = "journal queue full: market-data records dropped";
const char* const kOwnerTag = " owner=";
const char* const kDeniedOwnerTag = " [owner=";

bool fail(std::string* error, const JournalRecord& r, const std::string& what)
{
    if (error)
        *error = std::string(toString(r.kind)) + " record" + (r.seq > 0 ? " #" + std::to_string(r.seq) : std::string())
            + ": " + what;
    return false;
}

bool expectKind(const JournalRecord& r, RecordKind kind, std::string* error)
{
    if (r.kind == kind)
        return true;
    return fail(error, r, std::string("is not of kind ") + toString(kind));
}

std::string quoted(const std::string& text)
{
    return "'" + (text.size() > 80 ? text.substr(0, 77) + "..." : text) + "'";
}

std::vector<std::string> split(const std::string& text, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(sep, start);
        out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            return out;
        start = end + 1;
    }
}

bool parseInteger(const std::string& text, std::int64_t& out)
{
    if (text.empty())
        return false;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || end != text.c_str() + text.size())
        return false;
    out = v;
    return true;
}

bool parseNumber(const std::string& text, double& out)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size())
        return false;
    out = v;
    return true;
}

template <typename Enum, int N>
bool parseEnum(const std::string& text, Enum& out)
{
    for (int i = 0; i < N; ++i)
        if (text == toString(static_cast<Enum>(i))) {
            out = static_cast<Enum>(i);
            return true;
        }
    return false;
}

bool sideOf(const JournalRecord& r, Side& out, std::string* error)
{
    if (r.side == 0 || r.side == 1) {
        out = r.side == 1 ? Side::Sell : Side::Buy;
        return true;
    }
    return fail(error, r, "side " + std::to_string(r.side) + " is neither 0 (buy) nor 1 (sell)");
}

JournalRecord row(RecordKind kind, Timestamp time)
{
    JournalRecord r;
    r.time = time;
    r.kind = kind;
    return r;
}

// The engine's factor values: 6 significant digits.
std::string number(double v)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

} // namespace

int sideColumn(Side side) { return side == Side::Buy ? 0 : 1; }
int sideColumn(const std::optional<Side>& side) { return side ? sideColumn(*side) : -1; }

const char* toString(DecisionOutcome outcome)
{
    switch (outcome) {
    case DecisionOutcome::Denied: return "denied";
    case DecisionOutcome::Sent: return "sent";
    case DecisionOutcome::AwaitingApproval: return "awaiting approval";
    case DecisionOutcome::Dropped: return "dropped";
    }
    return "?";
}

// ---- session start, config ----
JournalRecord encode(const SessionStartRecord& s, Timestamp time)
{
    JournalRecord r = row(RecordKind::SessionStart, time);
    r.ref = s.sessionId;
    r.text = s.program;
    return r;
}

bool decode(const JournalRecord& r, SessionStartRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::SessionStart, error))
        return false;
    out.sessionId = r.ref;
    out.program = r.text;
    return true;
}

JournalRecord encode(const ConfigRecord& c, Timestamp time)
{
    JournalRecord r = row(RecordKind::Config, time);
    r.ref = c.key;
    r.symbol = c.symbol;
    r.text = c.value;
    return r;
}

bool decode(const JournalRecord& r, ConfigRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Config, error))
        return false;
    out.key = r.ref;
    out.symbol = r.symbol;
    out.value = r.text;
    return true;
}

JournalRecord encode(const InstrumentConfigRecord& c, Timestamp time)
{
    const Instrument& i = c.instrument;
    return encode(ConfigRecord{"instrument",
                               i.symbol + " tick=" + std::to_string(i.tickSize) + " lot=" + std::to_string(i.lotSize) + " "
                                   + i.currency,
                               ""},
                  time);
}

bool decode(const JournalRecord& r, InstrumentConfigRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Config, error))
        return false;
    if (r.ref != "instrument")
        return fail(error, r, "key '" + r.ref + "' is not 'instrument'");
    Instrument i;
    std::istringstream in(r.text);
    std::string word;
    if (!(in >> i.symbol))
        return fail(error, r, "no instrument symbol");
    while (in >> word) {
        if (startsWith(word, "tick=")) {
            if (!parseNumber(word.substr(5), i.tickSize) || !(i.tickSize > 0))
                return fail(error, r, "tick size " + quoted(word.substr(5)) + " is not a positive number");
        } else if (startsWith(word, "lot=")) {
            std::int64_t lot = 0;
            if (!parseInteger(word.substr(4), lot) || lot <= 0)
                return fail(error, r, "lot size " + quoted(word.substr(4)) + " is not a positive whole number");
            i.lotSize = lot;
        } else {
            i.currency = word;
        }
    }
    out.instrument = i;
    return true;
}

JournalRecord encode(const InitialLimitsRecord& c, Timestamp time)
{
    std::string text;
    for (const auto& l : c.limits)
        text += (text.empty() ? "" : ";") + l.first + "=" + l.second;
    return encode(ConfigRecord{"limits-initial", text, ""}, time);
}

bool decode(const JournalRecord& r, InitialLimitsRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Config, error))
        return false;
    if (r.ref != "limits-initial")
        return fail(error, r, "key '" + r.ref + "' is not 'limits-initial'");
    out.limits.clear();
    if (r.text.empty())
        return true;
    for (const auto& pair : split(r.text, ';')) {
        const std::size_t eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            return fail(error, r, "limit " + quoted(pair) + " is not name=value");
        out.limits.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    }
    return true;
}

// ---- orders ----
JournalRecord encode(const OrderNewRecord& o, Timestamp time)
{
    JournalRecord r = row(RecordKind::OrderNew, time);
    r.symbol = o.symbol;
    r.ref = o.clOrdId;
    r.side = sideColumn(o.side);
    r.price = o.price;
    r.qty = o.qty;
    r.text = std::string(toString(o.type)) + " " + toString(o.tif);
    if (!o.owner.empty()) // replay attributes the order to its agent
        r.text += kOwnerTag + o.owner;
    return r;
}

bool decode(const JournalRecord& r, OrderNewRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::OrderNew, error))
        return false;
    out.clOrdId = r.ref;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    out.owner.clear();
    if (!sideOf(r, out.side, error))
        return false;
    // "LIMIT DAY" or "LIMIT DAY owner=twap-buy" (journals from before the tag have none)
    const std::size_t space = r.text.find(' ');
    const std::size_t tagAt = r.text.find(kOwnerTag);
    const std::string type = r.text.substr(0, space);
    if (!parseEnum<OrderType, 2>(type, out.type))
        return fail(error, r, "order type " + quoted(type) + " is neither LIMIT nor MARKET");
    if (space == std::string::npos)
        return fail(error, r, "no time in force after the order type");
    const std::string tif = r.text.substr(space + 1, tagAt == std::string::npos || tagAt < space ? std::string::npos
                                                                                                 : tagAt - space - 1);
    if (!parseEnum<TimeInForce, 4>(tif, out.tif))
        return fail(error, r, "time in force " + quoted(tif) + " is not DAY, GTC, IOC or FOK");
    if (tagAt != std::string::npos && tagAt > space)
        out.owner = r.text.substr(tagAt + 7);
    return true;
}

JournalRecord encode(const OrderDeniedRecord& o, Timestamp time)
{
    JournalRecord r = row(RecordKind::OrderDenied, time);
    r.symbol = o.symbol;
    r.ref = o.clOrdId;
    r.side = sideColumn(o.side);
    r.price = o.price;
    r.qty = o.qty;
    r.aux = o.denyCode;
    r.text = o.reason;
    if (!o.owner.empty())
        r.text += kDeniedOwnerTag + o.owner + "]";
    return r;
}

bool decode(const JournalRecord& r, OrderDeniedRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::OrderDenied, error))
        return false;
    out.clOrdId = r.ref;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    out.side.reset();
    out.owner.clear();
    out.reason = r.text;
    if (r.side != -1) {
        Side side = Side::Buy;
        if (!sideOf(r, side, error))
            return false;
        out.side = side;
    }
    if (r.aux < 0 || r.aux > 255)
        return fail(error, r, "deny code " + std::to_string(r.aux) + " is out of range");
    out.denyCode = static_cast<int>(r.aux);
    const std::size_t at = r.text.rfind(kDeniedOwnerTag);
    if (at != std::string::npos && !r.text.empty() && r.text.back() == ']') {
        out.owner = r.text.substr(at + 8, r.text.size() - at - 9);
        out.reason.erase(at);
    }
    return true;
}

JournalRecord encode(const OrderCancelRecord& c, Timestamp time)
{
    JournalRecord r = row(RecordKind::OrderCancel, time);
    r.symbol = c.symbol;
    r.ref = c.clOrdId;
    r.side = sideColumn(c.side);
    r.text = c.origClOrdId;
    return r;
}

bool decode(const JournalRecord& r, OrderCancelRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::OrderCancel, error))
        return false;
    out.clOrdId = r.ref;
    out.symbol = r.symbol;
    out.origClOrdId = r.text;
    if (!sideOf(r, out.side, error))
        return false;
    if (r.text.empty())
        return fail(error, r, "no original ClOrdID");
    return true;
}

JournalRecord encode(const OrderReplaceRecord& c, Timestamp time)
{
    JournalRecord r = row(RecordKind::OrderReplace, time);
    r.symbol = c.symbol;
    r.ref = c.clOrdId;
    r.side = sideColumn(c.side);
    r.price = c.price;
    r.qty = c.qty;
    r.text = c.origClOrdId;
    return r;
}

bool decode(const JournalRecord& r, OrderReplaceRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::OrderReplace, error))
        return false;
    out.clOrdId = r.ref;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    out.origClOrdId = r.text;
    if (!sideOf(r, out.side, error))
        return false;
    if (r.text.empty())
        return fail(error, r, "no original ClOrdID");
    return true;
}

// ---- execution reports, cancel rejects ----
ExecReportRecord ExecReportRecord::from(const ExecutionReport& e)
{
    ExecReportRecord x;
    x.clOrdId = e.clOrdId;
    x.symbol = e.symbol;
    x.side = e.side;
    x.lastPx = e.lastPx;
    x.lastQty = e.lastQty;
    x.cumQty = e.cumQty;
    x.execId = e.execId;
    x.execType = e.execType;
    x.ordStatus = e.ordStatus;
    x.orderId = e.orderId;
    x.leavesQty = e.leavesQty;
    x.possDup = e.possDup;
    x.text = e.text;
    return x;
}

ExecutionReport ExecReportRecord::report() const
{
    ExecutionReport e;
    e.clOrdId = clOrdId;
    e.symbol = symbol;
    e.side = side;
    e.lastPx = lastPx;
    e.lastQty = lastQty;
    e.cumQty = cumQty;
    e.execId = execId;
    e.execType = execType;
    e.ordStatus = ordStatus;
    e.orderId = orderId;
    e.leavesQty = leavesQty;
    e.possDup = possDup;
    e.text = text;
    return e;
}

JournalRecord encode(const ExecReportRecord& e, Timestamp time)
{
    JournalRecord r = row(RecordKind::ExecReport, time);
    r.symbol = e.symbol;
    r.ref = e.clOrdId;
    r.side = sideColumn(e.side);
    r.price = e.lastPx;
    r.qty = e.lastQty;
    r.aux = e.cumQty;
    r.text = e.execId + "|" + toString(e.execType) + "|" + toString(e.ordStatus) + "|" + e.orderId + "|"
        + std::to_string(e.leavesQty) + (e.possDup ? "|possdup" : "") + (e.text.empty() ? "" : "|" + e.text);
    return r;
}

bool decode(const JournalRecord& r, ExecReportRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::ExecReport, error))
        return false;
    out = ExecReportRecord{};
    out.clOrdId = r.ref;
    out.symbol = r.symbol;
    out.lastPx = r.price;
    out.lastQty = r.qty;
    out.cumQty = r.aux;
    if (!sideOf(r, out.side, error))
        return false;
    const auto f = split(r.text, '|');
    if (f.size() < 5)
        return fail(error, r, "text " + quoted(r.text) + " has " + std::to_string(f.size())
                                  + " of the 5 fields ExecID|ExecType|OrdStatus|OrderID|leaves");
    out.execId = f[0];
    if (!parseEnum<ExecType, 10>(f[1], out.execType))
        return fail(error, r, "exec type " + quoted(f[1]) + " is unknown");
    if (!parseEnum<OrderStatus, 10>(f[2], out.ordStatus))
        return fail(error, r, "order status " + quoted(f[2]) + " is unknown");
    out.orderId = f[3];
    std::int64_t leaves = 0;
    if (!parseInteger(f[4], leaves))
        return fail(error, r, "leaves quantity " + quoted(f[4]) + " is not a whole number");
    out.leavesQty = leaves;
    std::size_t next = 5;
    if (f.size() > next && f[next] == "possdup") {
        out.possDup = true;
        ++next;
    }
    for (std::size_t i = next; i < f.size(); ++i)
        out.text += (i == next ? "" : "|") + f[i];
    return true;
}

CancelRejectRecord CancelRejectRecord::from(const CancelReject& c) { return CancelRejectRecord{c.clOrdId, c.origClOrdId, c.text}; }

JournalRecord encode(const CancelRejectRecord& c, Timestamp time)
{
    JournalRecord r = row(RecordKind::CancelReject, time);
    r.ref = c.clOrdId;
    r.text = c.origClOrdId + "|" + c.reason;
    return r;
}

bool decode(const JournalRecord& r, CancelRejectRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::CancelReject, error))
        return false;
    out.clOrdId = r.ref;
    const std::size_t bar = r.text.find('|');
    if (bar == std::string::npos)
        return fail(error, r, "text " + quoted(r.text) + " has no '|' between the original ClOrdID and the reason");
    out.origClOrdId = r.text.substr(0, bar);
    out.reason = r.text.substr(bar + 1);
    return true;
}

// ---- market data ----
JournalRecord encode(const BookLevelRecord& l, Timestamp time)
{
    JournalRecord r = row(RecordKind::BookLevel, time);
    r.symbol = l.symbol;
    r.side = sideColumn(l.side);
    r.price = l.price;
    r.qty = l.qty;
    if (l.snapshot)
        r.text = "snapshot";
    return r;
}

bool decode(const JournalRecord& r, BookLevelRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::BookLevel, error))
        return false;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    if (!sideOf(r, out.side, error))
        return false;
    if (!r.text.empty() && r.text != "snapshot")
        return fail(error, r, "text " + quoted(r.text) + " is neither empty nor 'snapshot'");
    out.snapshot = !r.text.empty();
    if (r.qty < 0)
        return fail(error, r, "negative quantity " + std::to_string(r.qty));
    return true;
}

JournalRecord encode(const TradeRecord& t, Timestamp time)
{
    JournalRecord r = row(RecordKind::Trade, time);
    r.symbol = t.symbol;
    r.price = t.price;
    r.qty = t.qty;
    return r;
}

bool decode(const JournalRecord& r, TradeRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Trade, error))
        return false;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    if (r.qty < 0)
        return fail(error, r, "negative quantity " + std::to_string(r.qty));
    return true;
}

// ---- sessions, operator, log, drops ----
JournalRecord encode(const FixSessionRecord& s, Timestamp time)
{
    JournalRecord r = row(RecordKind::FixSession, time);
    r.ref = s.sessionId;
    r.text = std::string(toString(s.event)) + (s.detail.empty() ? "" : ": " + s.detail);
    return r;
}

bool decode(const JournalRecord& r, FixSessionRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::FixSession, error))
        return false;
    out.sessionId = r.ref;
    const std::size_t colon = r.text.find(": ");
    const std::string name = r.text.substr(0, colon);
    if (!parseEnum<SessionEventKind, 10>(name, out.event))
        return fail(error, r, "session event " + quoted(name) + " is unknown");
    out.detail = colon == std::string::npos ? std::string() : r.text.substr(colon + 2);
    return true;
}

JournalRecord encode(const OperatorRecord& o, Timestamp time)
{
    JournalRecord r = row(RecordKind::Operator, time);
    r.ref = o.action;
    r.text = o.detail;
    return r;
}

bool decode(const JournalRecord& r, OperatorRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Operator, error))
        return false;
    out.action = r.ref;
    out.detail = r.text;
    return true;
}

JournalRecord encode(const ReplaceDeniedRecord& d, Timestamp time)
{
    return encode(OperatorRecord{"replace-denied", d.clOrdId + ": " + d.denyReason + ": " + d.text}, time);
}

bool decode(const JournalRecord& r, ReplaceDeniedRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Operator, error))
        return false;
    if (r.ref != "replace-denied")
        return fail(error, r, "action '" + r.ref + "' is not 'replace-denied'");
    const std::size_t colon = r.text.find(": ");
    const std::size_t next = colon == std::string::npos ? colon : r.text.find(": ", colon + 2);
    if (next == std::string::npos)
        return fail(error, r, "text " + quoted(r.text) + " is not 'ClOrdID: reason: why'");
    out.clOrdId = r.text.substr(0, colon);
    out.denyReason = r.text.substr(colon + 2, next - colon - 2);
    out.text = r.text.substr(next + 2);
    return true;
}

JournalRecord encode(const LogRecord& l, Timestamp time)
{
    JournalRecord r = row(RecordKind::Log, time);
    r.ref = l.logger;
    r.aux = l.level;
    r.text = l.message;
    return r;
}

bool decode(const JournalRecord& r, LogRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Log, error))
        return false;
    if (r.aux < 0 || r.aux > 6)
        return fail(error, r, "log level " + std::to_string(r.aux) + " is outside 0..6");
    out.logger = r.ref;
    out.level = static_cast<int>(r.aux);
    out.message = r.text;
    return true;
}

JournalRecord encode(const DroppedRecord& d, Timestamp time)
{
    JournalRecord r = row(RecordKind::Dropped, time);
    r.aux = d.count;
    r.text = kDroppedText;
    return r;
}

bool decode(const JournalRecord& r, DroppedRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Dropped, error))
        return false;
    if (r.aux < 0)
        return fail(error, r, "negative count " + std::to_string(r.aux));
    out.count = r.aux;
    return true;
}

// ---- audit ----
JournalRecord encode(const AuditEntry& e, Timestamp time)
{
    JournalRecord r = row(RecordKind::Audit, time);
    r.symbol = e.agent;
    r.ref = e.action;
    for (const std::string* f : {&e.who, &e.role, &e.reason, &e.stateBefore, &e.stateAfter, &e.detail}) {
        std::string clean = *f;
        for (char& c : clean)
            if (c == kAuditSep)
                c = ' ';
        r.text += clean;
        r.text += kAuditSep;
    }
    return r;
}

bool decode(const JournalRecord& r, AuditEntry& e, std::string* error)
{
    if (!expectKind(r, RecordKind::Audit, error))
        return false;
    e.agent = r.symbol;
    e.action = r.ref;
    std::string* fields[kAuditFields] = {&e.who, &e.role, &e.reason, &e.stateBefore, &e.stateAfter, &e.detail};
    std::size_t start = 0;
    for (int i = 0; i < kAuditFields; ++i) {
        const std::size_t end = r.text.find(kAuditSep, start);
        if (end == std::string::npos)
            return fail(error, r, "text has " + std::to_string(i) + " of the 6 fields (who, role, reason, before, after, detail)");
        *fields[i] = r.text.substr(start, end - start);
        start = end + 1;
    }
    return true;
}

JournalRecord auditRecord(const AuditEntry& entry, Timestamp time) { return encode(entry, time); }
bool parseAudit(const JournalRecord& record, AuditEntry& out) { return decode(record, out, nullptr); }

// ---- alerts ----
JournalRecord encode(const AlertRecord& a, Timestamp time)
{
    JournalRecord r = row(RecordKind::Alert, time);
    r.ref = a.kind;
    r.symbol = a.source;
    r.text = a.text;
    return r;
}

bool decode(const JournalRecord& r, AlertRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Alert, error))
        return false;
    out.kind = r.ref;
    out.source = r.symbol;
    out.text = r.text;
    return true;
}

JournalRecord encode(const RegimeAlertRecord& a, Timestamp time)
{
    return encode(AlertRecord{a.trueRegime ? "true-regime" : "alert", a.symbol,
                              std::string(a.trueRegime ? "true regime " : "regime ") + a.from + " -> " + a.to + " ("
                                  + a.source + ")"},
                  time);
}

bool decode(const JournalRecord& r, RegimeAlertRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::Alert, error))
        return false;
    out.symbol = r.symbol;
    out.trueRegime = r.ref == "true-regime";
    const char* prefix = out.trueRegime ? "true regime " : "regime ";
    if (!startsWith(r.text, prefix))
        return fail(error, r, "text " + quoted(r.text) + " does not start with '" + prefix + "'");
    const std::size_t from = std::string(prefix).size();
    const std::size_t arrow = r.text.find(" -> ", from);
    // The simulator's source is the last parenthesis; the detector's the first after the arrow.
    const std::size_t paren = arrow == std::string::npos ? arrow
        : out.trueRegime                                 ? r.text.rfind(" (")
                                                         : r.text.find(" (", arrow);
    if (arrow == std::string::npos || paren == std::string::npos || paren < arrow || r.text.back() != ')')
        return fail(error, r, "text " + quoted(r.text) + " is not '" + prefix + "FROM -> TO (SOURCE)'");
    out.from = r.text.substr(from, arrow - from);
    out.to = r.text.substr(arrow + 4, paren - arrow - 4);
    out.source = r.text.substr(paren + 2, r.text.size() - paren - 3);
    return true;
}

// ---- agent decisions ----
JournalRecord encode(const DecisionRecord& d, Timestamp time)
{
    JournalRecord r = row(RecordKind::AgentDecision, time);
    r.ref = d.agent;
    r.symbol = d.symbol;
    r.side = sideColumn(d.side);
    r.price = d.price;
    r.qty = d.qty;
    r.aux = static_cast<std::int64_t>(d.outcome);
    r.text = d.summary;
    for (const auto& f : d.factors)
        r.text += "|" + f.first + "=" + number(f.second);
    if (!d.note.empty())
        r.text += "|note=" + d.note;
    return r;
}

bool decode(const JournalRecord& r, DecisionRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::AgentDecision, error))
        return false;
    out = DecisionRecord{};
    out.agent = r.ref;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    if (!sideOf(r, out.side, error))
        return false;
    if (r.aux < 0 || r.aux > 3)
        return fail(error, r, "outcome " + std::to_string(r.aux) + " is outside 0..3");
    out.outcome = static_cast<DecisionOutcome>(r.aux);
    // A factor's name may hold '|' and '=' ("drift (mean |z|)"); its value is a number and
    // holds neither: pieces are joined until they end in "=NUMBER".
    const auto fields = split(r.text, '|');
    out.summary = fields.front();
    std::string pending;
    auto settle = [&] { // pieces that never became a factor: a summary that held '|'
        if (pending.empty())
            return true;
        if (pending.find('=') != std::string::npos || !out.factors.empty())
            return fail(error, r, "factor text " + quoted(pending) + " does not end in =NUMBER");
        out.summary += "|" + pending;
        pending.clear();
        return true;
    };
    std::size_t at = fields.front().size(); // where the '|' before fields[i] is
    for (std::size_t i = 1; i < fields.size(); ++i) {
        if (startsWith(fields[i], "note=")) { // the last part; the note may itself hold '|'
            if (!settle())
                return false;
            out.note = r.text.substr(at + 6);
            return true;
        }
        at += 1 + fields[i].size();
        pending += (pending.empty() ? "" : "|") + fields[i];
        const std::size_t eq = pending.rfind('=');
        double value = 0;
        if (eq != std::string::npos && parseNumber(pending.substr(eq + 1), value)) {
            out.factors.emplace_back(pending.substr(0, eq), value);
            pending.clear();
        }
    }
    return settle();
}

// ---- state hashes ----
JournalRecord encode(const StateHashRecord& s, Timestamp time)
{
    JournalRecord r = row(RecordKind::StateHash, time);
    r.aux = static_cast<std::int64_t>(s.hash);
    r.qty = s.orders;
    return r;
}

bool decode(const JournalRecord& r, StateHashRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::StateHash, error))
        return false;
    if (r.qty < 0)
        return fail(error, r, "negative order count " + std::to_string(r.qty));
    out.hash = static_cast<std::uint64_t>(r.aux);
    out.orders = r.qty;
    return true;
}

// ---- details ----
std::string formatLimitChange(const LimitChange& c) { return c.name + ": " + c.before + " -> " + c.after; }

bool parseLimitChange(const std::string& detail, LimitChange& out, std::string* error)
{
    const std::size_t colon = detail.find(": ");
    const std::size_t arrow = detail.find(" -> ");
    if (colon == std::string::npos || arrow == std::string::npos || arrow < colon) {
        if (error)
            *error = "limit change " + quoted(detail) + " is not 'name: before -> after'";
        return false;
    }
    out.name = detail.substr(0, colon);
    out.before = detail.substr(colon + 2, arrow - colon - 2);
    out.after = detail.substr(arrow + 4);
    return true;
}

std::string formatTicketNote(const TicketNote& n) { return "ticket " + std::to_string(n.ticket) + ": " + n.text; }

bool parseTicketNote(const std::string& text, TicketNote& out, std::string* error)
{
    const std::size_t colon = text.find(": ");
    std::int64_t id = 0;
    if (!startsWith(text, "ticket ") || colon == std::string::npos || !parseInteger(text.substr(7, colon - 7), id) || id < 0) {
        if (error)
            *error = "ticket note " + quoted(text) + " is not 'ticket N: text'";
        return false;
    }
    out.ticket = static_cast<std::uint64_t>(id);
    out.text = text.substr(colon + 2);
    return true;
}

// ---- any record ----
namespace {
template <typename T>
bool decodes(const JournalRecord& r, std::string* error)
{
    T out;
    return decode(r, out, error);
}

bool detailDecodes(const JournalRecord& r, bool ok, const std::string& why, std::string* error)
{
    return ok || fail(error, r, why);
}
} // namespace

bool decodesCleanly(const JournalRecord& r, std::string* error)
{
    std::string why;
    switch (r.kind) {
    case RecordKind::SessionStart: return decodes<SessionStartRecord>(r, error);
    case RecordKind::Config:
        if (r.ref == "instrument")
            return decodes<InstrumentConfigRecord>(r, error);
        if (r.ref == "limits-initial")
            return decodes<InitialLimitsRecord>(r, error);
        return decodes<ConfigRecord>(r, error);
    case RecordKind::OrderNew: return decodes<OrderNewRecord>(r, error);
    case RecordKind::OrderCancel: return decodes<OrderCancelRecord>(r, error);
    case RecordKind::OrderReplace: return decodes<OrderReplaceRecord>(r, error);
    case RecordKind::ExecReport: return decodes<ExecReportRecord>(r, error);
    case RecordKind::CancelReject: return decodes<CancelRejectRecord>(r, error);
    case RecordKind::BookLevel: return decodes<BookLevelRecord>(r, error);
    case RecordKind::Trade: return decodes<TradeRecord>(r, error);
    case RecordKind::FixSession: return decodes<FixSessionRecord>(r, error);
    case RecordKind::Operator:
        return r.ref == "replace-denied" ? decodes<ReplaceDeniedRecord>(r, error) : decodes<OperatorRecord>(r, error);
    case RecordKind::Log: return decodes<LogRecord>(r, error);
    case RecordKind::Dropped: return decodes<DroppedRecord>(r, error);
    case RecordKind::OrderDenied: return decodes<OrderDeniedRecord>(r, error);
    case RecordKind::Audit: {
        AuditEntry e;
        if (!decode(r, e, error))
            return false;
        if (e.action == "limit-change") {
            LimitChange c;
            return detailDecodes(r, parseLimitChange(e.detail, c, &why), why, error);
        }
        if (e.action == "approve" || e.action == "reject") {
            TicketNote n;
            return detailDecodes(r, parseTicketNote(e.detail, n, &why), why, error);
        }
        return true;
    }
    case RecordKind::Alert:
        if (r.ref == "true-regime" || startsWith(r.text, "regime "))
            return decodes<RegimeAlertRecord>(r, error);
        return decodes<AlertRecord>(r, error);
    case RecordKind::AgentDecision: {
        DecisionRecord d;
        if (!decode(r, d, error))
            return false;
        TicketNote n;
        return d.outcome != DecisionOutcome::AwaitingApproval
            || detailDecodes(r, parseTicketNote(d.note, n, &why), why, error);
    }
    case RecordKind::StateHash: return decodes<StateHashRecord>(r, error);
    }
    return fail(error, r, "kind " + std::to_string(static_cast<int>(r.kind)) + " is unknown");
}

} // namespace hm
