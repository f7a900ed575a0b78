#include "fix/venue_application.h"

#include "fix/fix_convert.h"
#include "fix/security_list.h"
#include "model/thread_name.h"

#include <quickfix/Session.h>
#include <quickfix/fix44/BusinessMessageReject.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/OrderCancelReject.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace hm {
namespace {

int ordRejReasonToFix(OrderRejectReason r)
{
    switch (r) {
    case OrderRejectReason::UnknownSymbol: return FIX::OrdRejReason_UNKNOWN_SYMBOL;
    case OrderRejectReason::DuplicateOrder: return FIX::OrdRejReason_DUPLICATE_ORDER;
    case OrderRejectReason::IncorrectQuantity: return FIX::OrdRejReason_INCORRECT_QUANTITY;
    case OrderRejectReason::None:
    case OrderRejectReason::Other: break;
    }
    return FIX::OrdRejReason_OTHER;
}

int cxlRejReasonToFix(CancelRejectReason r)
{
    switch (r) {
    case CancelRejectReason::UnknownOrder: return FIX::CxlRejReason_UNKNOWN_ORDER;
    case CancelRejectReason::TooLateToCancel: return FIX::CxlRejReason_TOO_LATE_TO_CANCEL;
    case CancelRejectReason::DuplicateClOrdId: return FIX::CxlRejReason_DUPLICATE_CLORDID_RECEIVED;
    case CancelRejectReason::None:
    case CancelRejectReason::DoesNotMatch:
    case CancelRejectReason::Other: break;
    }
    return FIX::CxlRejReason_OTHER;
}

} // namespace

VenueApplication::VenueApplication(OrderStore& store, std::vector<FIX::SessionID> sessions,
                                   std::map<std::string, Instrument> instruments, std::string password)
    : m_store(store),
      m_sessions(std::move(sessions)),
      m_instruments(instruments),
      m_password(std::move(password)),
      m_publisher(std::move(instruments), [this](FIX::Message& m, SessionKey s) { send(m, s); })
{
}

SessionKey VenueApplication::keyOf(const FIX::SessionID& id) const
{
    for (std::size_t i = 0; i < m_sessions.size(); ++i)
        if (m_sessions[i] == id)
            return static_cast<SessionKey>(i);
    throw std::runtime_error("session " + id.toString() + " is not one of the venue's clients");
}

void VenueApplication::onLogon(const FIX::SessionID& id)
{
    ++m_loggedOn;
    spdlog::info("venue: {} logged on", id.toString());
}

// QuickFIX calls this holding the session's lock: the store's mutex may be taken (it is
// never held while sending), the turn to send may not.
void VenueApplication::onLogout(const FIX::SessionID& id)
{
    --m_loggedOn;
    for (std::size_t i = 0; i < m_sessions.size(); ++i)
        if (m_sessions[i] == id)
            m_store.sessionEnded(static_cast<SessionKey>(i));
}

void VenueApplication::fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(
    FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon)
{
    if (m_password.empty())
        return;
    FIX::MsgType type;
    m.getHeader().getField(type);
    if (type.getValue() != FIX::MsgType_Logon)
        return;
    FIX::Password pw;
    if (!m.getFieldIfSet(pw) || pw.getValue() != m_password)
        throw FIX::RejectLogon("invalid username or password");
}

void VenueApplication::fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
    FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType)
{
    static thread_local const bool named = (nameThisThread("hm-fix-venue"), true); // QuickFIX's socket thread
    (void)named;
    FIX::MsgType type;
    m.getHeader().getField(type);
    const std::string& t = type.getValue();
    // The turn is held around the change and the sending, so what this message causes
    // leaves from this thread, before QuickFIX answers the message, refused or not.
    std::lock_guard<std::mutex> turn(m_sendMutex);
    struct SendOnExit {
        VenueApplication& app;
        ~SendOnExit() { app.sendQueued(); }
    } sendOnExit{*this};
    // QuickFIX rejects the message for the exceptions fromApp declares; anything else
    // would end the process (the exception specification), so it becomes one.
    try {
        const SessionKey session = keyOf(id);
        if (t == FIX::MsgType_NewOrderSingle)
            onNewOrder(m, session);
        else if (t == FIX::MsgType_OrderCancelRequest)
            onCancel(m, session);
        else if (t == FIX::MsgType_OrderCancelReplaceRequest)
            onReplace(m, session);
        else if (t == FIX::MsgType_MarketDataRequest)
            onMarketDataRequest(m, session);
        else if (t == FIX::MsgType_OrderStatusRequest)
            onOrderStatusRequest(m, session);
        else if (t == FIX::MsgType_OrderMassStatusRequest)
            onMassStatusRequest(m, session);
        else if (t == FIX::MsgType_SecurityListRequest)
            onSecurityListRequest(m, session);
        else
            throw FIX::UnsupportedMessageType();
    } catch (const FIX::FieldNotFound&) {
        throw;
    } catch (const FIX::IncorrectDataFormat&) {
        throw;
    } catch (const FIX::IncorrectTagValue&) {
        throw;
    } catch (const FIX::UnsupportedMessageType&) {
        throw;
    } catch (const std::exception& e) {
        spdlog::error("venue: message {} from {} not handled: {}", t, id.toString(), e.what());
        throw FIX::IncorrectTagValue(0, e.what());
    }
}

void VenueApplication::onNewOrder(const FIX::Message& m, SessionKey session)
{
    ++m_ordersReceived;
    FIX::ClOrdID clOrdId;
    FIX::Symbol symbol;
    FIX::Side fixSide;
    FIX::OrdType ordType;
    m.getField(clOrdId);
    m.getField(symbol);
    m.getField(fixSide);
    m.getField(ordType);
    ClientNewOrder q;
    q.session = session;
    q.clOrdId = clOrdId.getValue();
    q.symbol = symbol.getValue();
    q.side = fixconv::sideFromFix(fixSide.getValue());
    // An order type or time in force the venue does not trade is refused at session level,
    // but only after the store's unknown-symbol and duplicate-ClOrdID answers.
    int unsupportedTag = 0;
    try {
        q.type = fixconv::ordTypeFromFix(ordType.getValue());
    } catch (const FIX::IncorrectTagValue&) {
        unsupportedTag = FIX::FIELD::OrdType;
    }
    FIX::TimeInForce tif;
    if (unsupportedTag == 0 && m.getFieldIfSet(tif)) {
        try {
            q.tif = fixconv::tifFromFix(tif.getValue());
        } catch (const FIX::IncorrectTagValue&) {
            unsupportedTag = FIX::FIELD::TimeInForce;
        }
    }
    q.supported = unsupportedTag == 0;
    q.qty = m.getField(FIX::FIELD::OrderQty);
    q.hasPrice = m.isSetField(FIX::FIELD::Price);
    if (q.hasPrice)
        q.price = m.getField(FIX::FIELD::Price);
    if (!m_store.newOrder(q))
        throw FIX::IncorrectTagValue(unsupportedTag);
}

void VenueApplication::onCancel(const FIX::Message& m, SessionKey session)
{
    FIX::ClOrdID clOrdId;
    FIX::OrigClOrdID orig;
    FIX::Symbol symbol;
    FIX::Side side;
    m.getField(clOrdId);
    m.getField(orig);
    m.getField(symbol);
    m.getField(side);
    ClientCancel q;
    q.session = session;
    q.clOrdId = clOrdId.getValue();
    q.origClOrdId = orig.getValue();
    q.symbol = symbol.getValue();
    q.side = fixconv::sideFromFix(side.getValue());
    q.hasQty = m.isSetField(FIX::FIELD::OrderQty);
    if (q.hasQty)
        q.qty = m.getField(FIX::FIELD::OrderQty);
    m_store.cancel(q);
}

void VenueApplication::onReplace(const FIX::Message& m, SessionKey session)
{
    FIX::ClOrdID clOrdId;
    FIX::OrigClOrdID orig;
    m.getField(clOrdId);
    m.getField(orig);
    ClientReplace q;
    q.session = session;
    q.clOrdId = clOrdId.getValue();
    q.origClOrdId = orig.getValue();
    q.qty = m.getField(FIX::FIELD::OrderQty);
    q.hasPrice = m.isSetField(FIX::FIELD::Price);
    if (q.hasPrice)
        q.price = m.getField(FIX::FIELD::Price);
    m_store.replace(q);
}

void VenueApplication::onMarketDataRequest(const FIX::Message& m, SessionKey session)
{
    FIX::MDReqID reqId;
    FIX::SubscriptionRequestType subType;
    m.getField(reqId);
    m.getField(subType);
    if (subType.getValue() == FIX::SubscriptionRequestType_DISABLE_PREVIOUS_SNAPSHOT_PLUS_UPDATE_REQUEST)
        return m_store.unsubscribe(session, reqId.getValue());
    FIX::NoRelatedSym count;
    m.getField(count);
    std::vector<std::string> symbols;
    for (int i = 1; i <= count.getValue(); ++i) {
        FIX44::MarketDataRequest::NoRelatedSym g;
        m.getGroup(static_cast<unsigned>(i), g);
        FIX::Symbol symbol;
        g.get(symbol);
        symbols.push_back(symbol.getValue());
    }
    m_store.requestMarketData(session, reqId.getValue(), symbols,
                              subType.getValue() == FIX::SubscriptionRequestType_SNAPSHOT_PLUS_UPDATES);
}

void VenueApplication::onOrderStatusRequest(const FIX::Message& m, SessionKey session)
{
    FIX::ClOrdID clOrdId;
    FIX::Symbol symbol;
    FIX::Side side;
    m.getField(clOrdId);
    m.getField(symbol);
    m.getField(side);
    FIX::OrdStatusReqID reqId;
    m.getFieldIfSet(reqId);
    m_store.orderStatus(session, clOrdId.getValue(), symbol.getValue(), fixconv::sideFromFix(side.getValue()),
                        reqId.getValue());
}

void VenueApplication::onMassStatusRequest(const FIX::Message& m, SessionKey session)
{
    FIX::MassStatusReqID reqId;
    FIX::MassStatusReqType reqType;
    m.getField(reqId);
    m.getField(reqType);
    FIX::Symbol symbol;
    m.getFieldIfSet(symbol);
    m_store.massStatus(session, reqId.getValue(), reqType.getValue(), symbol.getValue());
}

// Answered at once, under the turn, from the fixed instrument list: no store state.
void VenueApplication::onSecurityListRequest(const FIX::Message& m, SessionKey session)
{
    FIX::Message list = seclist::answer(m, m_instruments);
    send(list, session);
}

void VenueApplication::flush() noexcept
{
    try {
        std::lock_guard<std::mutex> turn(m_sendMutex);
        sendQueued();
    } catch (const std::exception& e) {
        spdlog::error("venue: sending stopped: {}", e.what());
    }
}

void VenueApplication::sendQueued() noexcept
{
    try {
        m_store.takeMessages(m_sending);
        for (const VenueMessage& m : m_sending) {
            try {
                deliver(m);
            } catch (const std::exception& e) { // a message QuickFIX would not build: logged, the rest still go
                spdlog::error("venue: message for session {} not sent: {}", m.session, e.what());
            }
        }
    } catch (const std::exception& e) {
        spdlog::error("venue: sending stopped: {}", e.what());
    }
    m_sending.clear();
}

void VenueApplication::deliver(const VenueMessage& m)
{
    switch (m.kind) {
    case VenueMessageKind::Execution: return sendExecution(m);
    case VenueMessageKind::OrderRejected: return sendOrderReject(m);
    case VenueMessageKind::CancelRejected: return sendCancelReject(m);
    case VenueMessageKind::RequestRefused: return sendRefusal(m);
    default: return m_publisher.handle(m);
    }
}

void VenueApplication::sendExecution(const VenueMessage& m)
{
    const ExecutionReport& r = m.execution;
    // A status answer may be about a symbol the venue no longer lists (a restored
    // order) or none at all: its prices are then left out, never guessed.
    const auto listed = m_instruments.find(r.symbol);
    const Instrument* ins = listed == m_instruments.end() ? nullptr : &listed->second;
    FIX44::ExecutionReport er;
    er.set(FIX::OrderID(r.orderId));
    er.set(FIX::ExecID(r.execId));
    er.set(FIX::ExecType(fixconv::execTypeToFix(r.execType)));
    er.set(FIX::OrdStatus(fixconv::ordStatusToFix(r.ordStatus)));
    er.set(FIX::Side(fixconv::sideToFix(r.side)));
    fixconv::setText(er, FIX::FIELD::LeavesQty, fixconv::quantityText(r.leavesQty));
    fixconv::setText(er, FIX::FIELD::CumQty, fixconv::quantityText(r.cumQty));
    fixconv::setText(er, FIX::FIELD::AvgPx, r.cumQty > 0 ? fixconv::decimalText(r.avgPx) : "0");
    if (!r.clOrdId.empty())
        er.set(FIX::ClOrdID(r.clOrdId));
    if (!r.origClOrdId.empty())
        er.set(FIX::OrigClOrdID(r.origClOrdId));
    er.set(FIX::Symbol(r.symbol));
    if (m.orderDetails) {
        fixconv::setText(er, FIX::FIELD::OrderQty, fixconv::quantityText(r.orderQty));
        er.set(FIX::OrdType(fixconv::ordTypeToFix(m.orderType)));
        if (m.orderType == OrderType::Limit && ins)
            fixconv::setText(er, FIX::FIELD::Price, fixconv::priceText(*ins, r.price));
    }
    if (r.lastQty > 0) {
        if (!ins)
            throw std::runtime_error("a fill of " + r.symbol + ", a symbol the venue does not list");
        fixconv::setText(er, FIX::FIELD::LastQty, fixconv::quantityText(r.lastQty));
        fixconv::setText(er, FIX::FIELD::LastPx, fixconv::priceText(*ins, r.lastPx));
    }
    if (!r.ordStatusReqId.empty())
        er.set(FIX::OrdStatusReqID(r.ordStatusReqId));
    if (!r.massStatusReqId.empty()) {
        er.set(FIX::MassStatusReqID(r.massStatusReqId));
        er.set(FIX::TotNumReports(r.totNumReports));
        if (r.lastRptRequested)
            er.set(FIX::LastRptRequested(true));
    }
    er.set(FIX::TransactTime(FIX::UtcTimeStamp(), 6));
    if (!r.text.empty())
        er.set(FIX::Text(r.text));
    ++m_executionReports;
    send(er, m.session);
}

void VenueApplication::sendOrderReject(const VenueMessage& m)
{
    const ExecutionReport& r = m.execution;
    FIX44::ExecutionReport er(FIX::OrderID("NONE"), FIX::ExecID(r.execId), FIX::ExecType(FIX::ExecType_REJECTED),
                              FIX::OrdStatus(FIX::OrdStatus_REJECTED), FIX::Side(fixconv::sideToFix(r.side)),
                              FIX::LeavesQty(0), FIX::CumQty(0), FIX::AvgPx(0));
    er.set(FIX::ClOrdID(r.clOrdId));
    er.set(FIX::Symbol(r.symbol));
    er.set(FIX::OrdRejReason(ordRejReasonToFix(m.rejectReason)));
    er.set(FIX::Text(r.text));
    er.set(FIX::TransactTime(FIX::UtcTimeStamp(), 6));
    ++m_executionReports;
    send(er, m.session);
}

void VenueApplication::sendCancelReject(const VenueMessage& m)
{
    const CancelReject& r = m.cancelReject;
    FIX44::OrderCancelReject rej(
        FIX::OrderID(r.orderId.empty() ? "NONE" : r.orderId), FIX::ClOrdID(r.clOrdId), FIX::OrigClOrdID(r.origClOrdId),
        FIX::OrdStatus(fixconv::ordStatusToFix(r.ordStatus)),
        FIX::CxlRejResponseTo(r.responseTo == CancelRejectResponseTo::Replace
                                  ? FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST
                                  : FIX::CxlRejResponseTo_ORDER_CANCEL_REQUEST));
    rej.set(FIX::CxlRejReason(cxlRejReasonToFix(m.cancelRejectReason)));
    rej.set(FIX::Text(r.text));
    ++m_cancelRejects;
    send(rej, m.session);
}

void VenueApplication::sendRefusal(const VenueMessage& m)
{
    FIX44::BusinessMessageReject rej(
        FIX::RefMsgType(FIX::MsgType_OrderMassStatusRequest),
        FIX::BusinessRejectReason(m.refusalReason == RefusalReason::ConditionallyRequiredFieldMissing
                                      ? FIX::BusinessRejectReason_CONDITIONALLY_REQUIRED_FIELD_MISSING
                                      : FIX::BusinessRejectReason_OTHER));
    if (!m.requestId.empty())
        rej.set(FIX::BusinessRejectRefID(m.requestId));
    rej.set(FIX::Text(m.text));
    send(rej, m.session);
}

void VenueApplication::send(FIX::Message& message, SessionKey session)
{
    if (session < 0 || static_cast<std::size_t>(session) >= m_sessions.size())
        return;
    const FIX::SessionID& id = m_sessions[static_cast<std::size_t>(session)];
    try {
        FIX::Session::sendToTarget(message, id);
    } catch (const std::exception& e) {
        spdlog::warn("venue: send to {} failed: {}", id.toString(), e.what());
    }
}

} // namespace hm
