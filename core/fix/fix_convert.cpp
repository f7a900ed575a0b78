#include "fix/fix_convert.h"
#include "fix/order_fields.h"

#include <quickfix/FieldConvertors.h>
#include <quickfix/FixFields.h>
#include <quickfix/FixValues.h>

namespace hm {
namespace fixconv {

char sideToFix(Side s) { return s == Side::Buy ? FIX::Side_BUY : FIX::Side_SELL; }

Side sideFromFix(char c)
{
    switch (c) {
    case FIX::Side_BUY: return Side::Buy;
    case FIX::Side_SELL:
    case FIX::Side_SELL_SHORT:
    case FIX::Side_SELL_SHORT_EXEMPT: return Side::Sell;
    default: throw FIX::IncorrectTagValue(FIX::FIELD::Side);
    }
}

char ordTypeToFix(OrderType t) { return t == OrderType::Limit ? FIX::OrdType_LIMIT : FIX::OrdType_MARKET; }

OrderType ordTypeFromFix(char c)
{
    switch (c) {
    case FIX::OrdType_LIMIT: return OrderType::Limit;
    case FIX::OrdType_MARKET: return OrderType::Market;
    default: throw FIX::IncorrectTagValue(FIX::FIELD::OrdType);
    }
}

char tifToFix(TimeInForce t)
{
    switch (t) {
    case TimeInForce::Day: return FIX::TimeInForce_DAY;
    case TimeInForce::GoodTillCancel: return FIX::TimeInForce_GOOD_TILL_CANCEL;
    case TimeInForce::ImmediateOrCancel: return FIX::TimeInForce_IMMEDIATE_OR_CANCEL;
    case TimeInForce::FillOrKill: return FIX::TimeInForce_FILL_OR_KILL;
    }
    return FIX::TimeInForce_DAY;
}

TimeInForce tifFromFix(char c)
{
    switch (c) {
    case FIX::TimeInForce_DAY: return TimeInForce::Day;
    case FIX::TimeInForce_GOOD_TILL_CANCEL: return TimeInForce::GoodTillCancel;
    case FIX::TimeInForce_IMMEDIATE_OR_CANCEL: return TimeInForce::ImmediateOrCancel;
    case FIX::TimeInForce_FILL_OR_KILL: return TimeInForce::FillOrKill;
    default: throw FIX::IncorrectTagValue(FIX::FIELD::TimeInForce);
    }
}

char ordStatusToFix(OrderStatus s)
{
    switch (s) {
    case OrderStatus::PendingNew: return FIX::OrdStatus_PENDING_NEW;
    case OrderStatus::New: return FIX::OrdStatus_NEW;
    case OrderStatus::PartiallyFilled: return FIX::OrdStatus_PARTIALLY_FILLED;
    case OrderStatus::Filled: return FIX::OrdStatus_FILLED;
    case OrderStatus::PendingCancel: return FIX::OrdStatus_PENDING_CANCEL;
    case OrderStatus::PendingReplace: return FIX::OrdStatus_PENDING_REPLACE;
    case OrderStatus::Canceled: return FIX::OrdStatus_CANCELED;
    case OrderStatus::Rejected: return FIX::OrdStatus_REJECTED;
    case OrderStatus::Replaced: return FIX::OrdStatus_REPLACED;
    case OrderStatus::Expired: return FIX::OrdStatus_EXPIRED;
    }
    return FIX::OrdStatus_NEW;
}

OrderStatus ordStatusFromFix(char c)
{
    switch (c) {
    case FIX::OrdStatus_PENDING_NEW: return OrderStatus::PendingNew;
    case FIX::OrdStatus_NEW: return OrderStatus::New;
    case FIX::OrdStatus_PARTIALLY_FILLED: return OrderStatus::PartiallyFilled;
    case FIX::OrdStatus_FILLED: return OrderStatus::Filled;
    case FIX::OrdStatus_PENDING_CANCEL: return OrderStatus::PendingCancel;
    case FIX::OrdStatus_PENDING_REPLACE: return OrderStatus::PendingReplace;
    case FIX::OrdStatus_CANCELED: return OrderStatus::Canceled;
    case FIX::OrdStatus_REJECTED: return OrderStatus::Rejected;
    case FIX::OrdStatus_REPLACED: return OrderStatus::Replaced;
    case FIX::OrdStatus_EXPIRED:
    case FIX::OrdStatus_DONE_FOR_DAY: return OrderStatus::Expired;
    case FIX::OrdStatus_STOPPED:
    case FIX::OrdStatus_SUSPENDED:
    case FIX::OrdStatus_CALCULATED:
    case FIX::OrdStatus_ACCEPTED_FOR_BIDDING: return OrderStatus::New;
    default: throw FIX::IncorrectTagValue(FIX::FIELD::OrdStatus);
    }
}

char execTypeToFix(ExecType t)
{
    switch (t) {
    case ExecType::New: return FIX::ExecType_NEW;
    case ExecType::Trade: return FIX::ExecType_TRADE;
    case ExecType::Canceled: return FIX::ExecType_CANCELED;
    case ExecType::Replaced: return FIX::ExecType_REPLACED;
    case ExecType::PendingCancel: return FIX::ExecType_PENDING_CANCEL;
    case ExecType::PendingReplace: return FIX::ExecType_PENDING_REPLACE;
    case ExecType::Rejected: return FIX::ExecType_REJECTED;
    case ExecType::Expired: return FIX::ExecType_EXPIRED;
    case ExecType::Restated: return FIX::ExecType_RESTATED;
    case ExecType::OrderStatus: return FIX::ExecType_ORDER_STATUS;
    }
    return FIX::ExecType_NEW;
}

ExecType execTypeFromFix(char c)
{
    switch (c) {
    case FIX::ExecType_NEW: return ExecType::New;
    case FIX::ExecType_TRADE:
    case '1': // FIX 4.2 partial fill, still seen from older counterparties
    case '2': return ExecType::Trade; // FIX 4.2 fill
    case FIX::ExecType_CANCELED: return ExecType::Canceled;
    case FIX::ExecType_REPLACED: return ExecType::Replaced;
    case FIX::ExecType_PENDING_CANCEL: return ExecType::PendingCancel;
    case FIX::ExecType_PENDING_REPLACE: return ExecType::PendingReplace;
    case FIX::ExecType_PENDING_NEW: return ExecType::OrderStatus;
    case FIX::ExecType_REJECTED: return ExecType::Rejected;
    case FIX::ExecType_EXPIRED:
    case FIX::ExecType_DONE_FOR_DAY: return ExecType::Expired;
    case FIX::ExecType_RESTATED: return ExecType::Restated;
    case FIX::ExecType_ORDER_STATUS:
    case FIX::ExecType_STOPPED:
    case FIX::ExecType_SUSPENDED:
    case FIX::ExecType_CALCULATED: return ExecType::OrderStatus;
    default: throw FIX::IncorrectTagValue(FIX::FIELD::ExecType);
    }
}

void InstrumentTable::add(const Instrument& instrument)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_bySymbol[instrument.symbol] = instrument;
}

Instrument InstrumentTable::get(const std::string& symbol) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_bySymbol.find(symbol);
    return it == m_bySymbol.end() ? m_fallback : it->second;
}

bool InstrumentTable::has(const std::string& symbol) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_bySymbol.count(symbol) != 0;
}

std::vector<std::string> InstrumentTable::symbols() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<std::string> out;
    for (const auto& kv : m_bySymbol)
        out.push_back(kv.first);
    return out;
}

namespace {
template <typename F>
bool getIf(const FIX::FieldMap& m, F& field)
{
    return m.getFieldIfSet(field);
}

// The session rejects what we refuse (RefTagID names the field) and the reason travels
// in the exception's text, for the alert the gateway raises.
void refuseIf(const std::string& why, int tag)
{
    if (!why.empty())
        throw FIX::IncorrectTagValue(tag, why);
}

Quantity quantityField(const FIX::FieldMap& m, int tag, const std::string& name)
{
    Quantity q = 0;
    refuseIf(parseQuantity(m.getField(tag), name, 0, kMaxOrderQuantity, 1, q), tag);
    return q;
}

// A price that may be sent as 0 where it means "none" (brokers do, on reports of orders
// without a price or without a fill); otherwise on tick and in range.
Price optionalPriceField(const FIX::FieldMap& m, int tag, const std::string& name, const Instrument& ins)
{
    const std::string& text = m.getField(tag);
    Decimal d;
    refuseIf(parseDecimal(text, name, d), tag);
    if (d.mantissa == 0)
        return 0;
    Price p = 0;
    refuseIf(parsePrice(text, name, ins, p), tag);
    return p;
}
} // namespace

ExecutionReport executionReportFromFix(const FIX::Message& m, const InstrumentTable& instruments)
{
    ExecutionReport r;
    FIX::OrderID orderId;
    FIX::ExecID execId;
    FIX::ExecType execType;
    FIX::OrdStatus ordStatus;
    FIX::Symbol symbol;
    FIX::Side side;
    m.getField(orderId);
    m.getField(execId);
    m.getField(execType);
    m.getField(ordStatus);
    m.getField(symbol);
    m.getField(side);
    const Instrument ins = instruments.get(symbol.getValue());
    r.orderId = orderId.getValue();
    r.execId = execId.getValue();
    r.execType = execTypeFromFix(execType.getValue());
    r.ordStatus = ordStatusFromFix(ordStatus.getValue());
    r.symbol = symbol.getValue();
    r.side = sideFromFix(side.getValue());
    // Numbers are read exactly from their text: a report with an absurd one is refused
    // whole, never rounded, wrapped or partly applied.
    r.leavesQty = quantityField(m, FIX::FIELD::LeavesQty, "LeavesQty(151)");
    r.cumQty = quantityField(m, FIX::FIELD::CumQty, "CumQty(14)");
    refuseIf(parseAveragePrice(m.getField(FIX::FIELD::AvgPx), "AvgPx(6)", ins, r.avgPx), FIX::FIELD::AvgPx);
    FIX::ClOrdID clOrdId;
    if (getIf(m, clOrdId))
        r.clOrdId = clOrdId.getValue();
    FIX::OrigClOrdID orig;
    if (getIf(m, orig))
        r.origClOrdId = orig.getValue();
    const bool hasOrderQty = m.isSetField(FIX::FIELD::OrderQty);
    if (hasOrderQty)
        r.orderQty = quantityField(m, FIX::FIELD::OrderQty, "OrderQty(38)");
    if (m.isSetField(FIX::FIELD::Price))
        r.price = optionalPriceField(m, FIX::FIELD::Price, "Price(44)", ins);
    if (m.isSetField(FIX::FIELD::LastQty))
        r.lastQty = quantityField(m, FIX::FIELD::LastQty, "LastQty(32)");
    if (m.isSetField(FIX::FIELD::LastPx))
        r.lastPx = optionalPriceField(m, FIX::FIELD::LastPx, "LastPx(31)", ins);
    FIX::Text text;
    if (getIf(m, text))
        r.text = text.getValue();
    FIX::PossDupFlag possDup;
    if (m.getHeader().getFieldIfSet(possDup))
        r.possDup = possDup.getValue();
    FIX::OrdStatusReqID statusReq;
    if (getIf(m, statusReq))
        r.ordStatusReqId = statusReq.getValue();
    FIX::MassStatusReqID massReq;
    if (getIf(m, massReq))
        r.massStatusReqId = massReq.getValue();
    FIX::TotNumReports total;
    if (getIf(m, total)) {
        refuseIf(total.getValue() >= 0 ? "" : "TotNumReports(911) must not be negative", FIX::FIELD::TotNumReports);
        r.totNumReports = total.getValue();
    }
    FIX::LastRptRequested last;
    if (getIf(m, last))
        r.lastRptRequested = last.getValue();
    // A fill must say how much and at what price; without them it cannot be booked.
    if (r.execType == ExecType::Trade) {
        if (!m.isSetField(FIX::FIELD::LastQty))
            throw FIX::FieldNotFound(FIX::FIELD::LastQty, "LastQty(32) is missing on a fill");
        if (!m.isSetField(FIX::FIELD::LastPx))
            throw FIX::FieldNotFound(FIX::FIELD::LastPx, "LastPx(31) is missing on a fill");
        refuseIf(r.lastQty > 0 ? "" : "LastQty(32) must be above zero on a fill", FIX::FIELD::LastQty);
        refuseIf(r.lastPx > 0 ? "" : "LastPx(31) must be above zero on a fill", FIX::FIELD::LastPx);
        refuseIf(r.lastQty <= r.cumQty ? ""
                                       : "LastQty(32) " + std::to_string(r.lastQty) + " is above CumQty(14) "
                                             + std::to_string(r.cumQty),
                 FIX::FIELD::LastQty);
    }
    // The quantities of one report must agree with each other.
    if (hasOrderQty && r.orderQty > 0) {
        const std::string of = " is above OrderQty(38) " + std::to_string(r.orderQty);
        refuseIf(r.cumQty <= r.orderQty ? "" : "CumQty(14) " + std::to_string(r.cumQty) + of, FIX::FIELD::CumQty);
        refuseIf(r.lastQty <= r.orderQty ? "" : "LastQty(32) " + std::to_string(r.lastQty) + of, FIX::FIELD::LastQty);
        refuseIf(r.leavesQty <= r.orderQty ? "" : "LeavesQty(151) " + std::to_string(r.leavesQty) + of,
                 FIX::FIELD::LeavesQty);
        refuseIf(r.cumQty + r.leavesQty <= r.orderQty
                     ? ""
                     : "CumQty(14) + LeavesQty(151) = " + std::to_string(r.cumQty + r.leavesQty) + of,
                 FIX::FIELD::LeavesQty);
    }
    return r;
}

std::string maskPassword(const std::string& raw)
{
    static const std::string kTag = "554=";
    std::string out = raw;
    std::size_t pos = 0;
    while ((pos = out.find(kTag, pos)) != std::string::npos) {
        // only a tag at the start of a field, not the tail of e.g. "1554="
        if (pos != 0 && out[pos - 1] != '\x01' && out[pos - 1] != '|') {
            pos += kTag.size();
            continue;
        }
        std::size_t start = pos + kTag.size();
        std::size_t end = out.find_first_of("\x01|", start);
        if (end == std::string::npos)
            end = out.size();
        out.replace(start, end - start, "********");
        pos = start + 8;
    }
    return out;
}

} // namespace fixconv
} // namespace hm
