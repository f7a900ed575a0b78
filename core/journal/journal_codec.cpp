// Session, configuration, order, execution and market-data records.
#include "journal/journal_codec_support.h"

#include <sstream>

namespace hm {
using namespace codec;
namespace {
const char* const kOwnerTag = " owner=";
const char* const kDeniedOwnerTag = " [owner=";
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
    x.origClOrdId = e.origClOrdId;
    if (e.execType == ExecType::Replaced) {
        x.orderQty = e.orderQty;
        x.price = e.price;
    }
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
    e.origClOrdId = origClOrdId;
    e.orderQty = orderQty;
    e.price = price;
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
        + std::to_string(e.leavesQty);
    if (!e.origClOrdId.empty()) {
        r.text += "|@orig=" + e.origClOrdId;
        if (e.orderQty > 0)
            r.text += ",qty=" + std::to_string(e.orderQty) + ",px=" + std::to_string(e.price);
    }
    r.text += (e.possDup ? "|possdup" : "") + (e.text.empty() ? "" : "|" + e.text);
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
    if (f.size() > next && startsWith(f[next], "@orig=")) {
        const auto parts = split(f[next].substr(6), ',');
        out.origClOrdId = parts.empty() ? std::string() : parts[0];
        for (std::size_t i = 1; i < parts.size(); ++i) {
            std::int64_t v = 0;
            const std::size_t eq = parts[i].find('=');
            const std::string key = parts[i].substr(0, eq);
            if (eq == std::string::npos || !parseInteger(parts[i].substr(eq + 1), v) || v < 0
                || (key != "qty" && key != "px"))
                return fail(error, r, "replace detail " + quoted(parts[i]) + " is not qty=N or px=P");
            (key == "qty" ? out.orderQty : out.price) = v;
        }
        ++next;
    }
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
} // namespace hm
