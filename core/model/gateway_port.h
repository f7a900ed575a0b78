#pragma once
// The engine's view of a venue connection: what it can send and what it hears back.
// The FIX gateway implements OrderGateway; the engine implements GatewayListener.
// Listener calls arrive on the gateway's own threads: implementations must only
// hand the event over (queue it), never touch trading state there.
#include "model/events.h"

#include <string>
#include <vector>

namespace hm {

class GatewayListener {
public:
    virtual ~GatewayListener() = default;
    virtual void onExecutionReport(const ExecutionReport& report) = 0;
    virtual void onCancelReject(const CancelReject& reject) = 0;
    virtual void onMarketData(const MarketDataSnapshot& snapshot) = 0;
    virtual void onMarketData(const MarketDataUpdate& update) = 0;
    virtual void onSessionEvent(const SessionEvent& event) = 0;
    // The counterparty's instruments (a listener that trades a fixed list may ignore them).
    virtual void onSecurityList(const SecurityListEvent&) {}
};

class OrderGateway {
public:
    virtual ~OrderGateway() = default;
    virtual void setListener(GatewayListener* listener) = 0;
    virtual void start() = 0;
    virtual void stop() = 0;
    // Each returns false with a reason when the request could not be sent.
    virtual bool send(const OrderRequest& order, std::string& error) = 0;
    virtual bool cancel(const CancelRequest& request, std::string& error) = 0;
    virtual bool replace(const ReplaceRequest& request, std::string& error) = 0;
    virtual std::vector<SessionStatus> status() const = 0;
    // Reconciliation after a restart: the counterparty answers with ExecutionReports of
    // ExecType OrderStatus. One order (35=H), or every order of the session (35=AF) where
    // the counterparty supports it.
    virtual bool requestOrderStatus(const OrderStatusQuery&, std::string& error)
    {
        error = "this gateway cannot ask for order status";
        return false;
    }
    virtual bool supportsMassStatus() const { return false; }
    virtual bool requestMassStatus(const std::string& /*reqId*/, std::string& error)
    {
        error = "this gateway cannot ask for mass status";
        return false;
    }
    // Monotonic time the last order sent from this thread went to the wire (0: unknown):
    // round trips start there, after the message was built, as any FIX engine measures.
    virtual Timestamp lastSendMono() const { return 0; }
};

} // namespace hm
