// Session events, operator actions, logs, audit, alerts, decisions, state hashes and the
// details inside them; and the check that any record decodes.
#include "journal/journal_codec_support.h"

namespace hm {
using namespace codec;
namespace {
constexpr char kAuditSep = '\x1f'; // ASCII unit separator: never typed in a reason
constexpr int kAuditFields = 6;
const char* const kDroppedText = "journal queue full: market-data records dropped";
} // namespace

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
        r.text += "|" + f.first + "=" + shortNumber(f.second);
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

std::string formatThrottleChange(const ThrottleChange& c)
{
    return std::to_string(c.before) + "% -> " + std::to_string(c.after) + "%";
}

bool parseThrottleChange(const std::string& detail, ThrottleChange& out, std::string* error)
{
    const std::size_t arrow = detail.find("% -> ");
    std::int64_t before = 0, after = 0;
    if (arrow == std::string::npos || detail.size() < arrow + 6 || detail.back() != '%'
        || !parseInteger(detail.substr(0, arrow), before) || !parseInteger(detail.substr(arrow + 5, detail.size() - arrow - 6), after)
        || before < 0 || after < 0 || before > 100000 || after > 100000) {
        if (error)
            *error = "throttle change " + quoted(detail) + " is not 'N% -> M%'";
        return false;
    }
    out.before = static_cast<int>(before);
    out.after = static_cast<int>(after);
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
        if (e.action == "throttle-level") {
            ThrottleChange t;
            return detailDecodes(r, parseThrottleChange(e.detail, t, &why), why, error);
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
    case RecordKind::CarryPosition: return decodes<CarryPositionRecord>(r, error);
    case RecordKind::CarryOrder: return decodes<CarryOrderRecord>(r, error);
    }
    return fail(error, r, "kind " + std::to_string(static_cast<int>(r.kind)) + " is unknown");
}

} // namespace hm
