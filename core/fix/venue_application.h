#pragma once
// The venue's QuickFIX application, as in QuickFIX's ordermatch example: it checks the
// Logon, reads NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest,
// OrderStatusRequest, OrderMassStatusRequest and MarketDataRequest into calls on the
// order store (a SecurityListRequest it answers itself, from its instrument list), and sends what the store queued as ExecutionReports, OrderCancelRejects,
// BusinessMessageRejects and market data. It holds no trading state.
// Private to core/venue (C++14, QuickFIX).
//
// Sending: m_sendMutex is the turn to send. fromApp holds it around its change to the
// store and the sending that follows; flush() (the simulator's thread, the test hooks)
// takes it after a change. Either way the whole outbox is taken and sent under the
// turn, so the wire keeps the order in which the store changed. The store's mutex is
// never held while sending, so a QuickFIX callback that holds its session lock
// (onLogout) may take it; m_sendMutex is never taken from such a callback. See
// fix_venue.cpp for the venue's locks as a whole.
#include "fix/market_data_publisher.h"
#include "venue/order_store.h"

#include <quickfix/Application.h>
#include <quickfix/SessionID.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hm {

class VenueApplication : public FIX::Application {
public:
    // sessions: the configured clients, in the order of their SessionKey.
    VenueApplication(OrderStore& store, std::vector<FIX::SessionID> sessions,
                     std::map<std::string, Instrument> instruments, std::string password);

    void flush() noexcept; // sends everything the store has queued, in order
    bool anyClientLoggedOn() const { return m_loggedOn.load() > 0; }
    const std::vector<FIX::SessionID>& sessions() const { return m_sessions; }
    std::uint64_t ordersReceived() const { return m_ordersReceived.load(); }
    std::uint64_t executionReports() const { return m_executionReports.load(); }
    std::uint64_t cancelRejects() const { return m_cancelRejects.load(); }
    std::uint64_t marketDataMessages() const { return m_publisher.messagesSent(); }

    // FIX::Application
    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID& id) override;
    void onLogout(const FIX::SessionID& id) override;
    void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
    void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override;
    void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override;

private:
    SessionKey keyOf(const FIX::SessionID& id) const; // throws std::runtime_error for a session not configured
    void onNewOrder(const FIX::Message& m, SessionKey session);
    void onCancel(const FIX::Message& m, SessionKey session);
    void onReplace(const FIX::Message& m, SessionKey session);
    void onMarketDataRequest(const FIX::Message& m, SessionKey session);
    void onOrderStatusRequest(const FIX::Message& m, SessionKey session);
    void onMassStatusRequest(const FIX::Message& m, SessionKey session);
    void onSecurityListRequest(const FIX::Message& m, SessionKey session);

    void sendQueued() noexcept; // with the turn held
    void deliver(const VenueMessage& m);
    void sendExecution(const VenueMessage& m);
    void sendOrderReject(const VenueMessage& m);
    void sendCancelReject(const VenueMessage& m);
    void sendRefusal(const VenueMessage& m);
    void send(FIX::Message& message, SessionKey session);

    OrderStore& m_store;
    const std::vector<FIX::SessionID> m_sessions; // fixed at construction: read without a lock
    const std::map<std::string, Instrument> m_instruments;
    const std::string m_password;
    std::mutex m_sendMutex;                // the turn to send; guards the two members below
    MarketDataPublisher m_publisher;
    std::vector<VenueMessage> m_sending;
    std::atomic<int> m_loggedOn{0};
    std::atomic<std::uint64_t> m_ordersReceived{0};
    std::atomic<std::uint64_t> m_executionReports{0};
    std::atomic<std::uint64_t> m_cancelRejects{0};
};

} // namespace hm
