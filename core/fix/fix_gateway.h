#pragma once
// FIX 4.4 initiator the engine trades through. Configured by a standard QuickFIX
// session settings file, plus Helmsman keys:
//   Username / Password        Logon tags 553/554 (the password is masked in every log)
//   HelmsmanSubscribe          comma-separated symbols to request market data for
//   HelmsmanMarketDepth        levels per side to request (default 10)
//   HelmsmanLogMessages        Y to write each session's messages to FileLogPath
//   HelmsmanMassStatus         Y when the counterparty answers OrderMassStatusRequest (35=AF)
// After the order session's logon it asks for the counterparty's SecurityList (35=x): the
// instruments it lists update the tick table and reach the listener (onSecurityList).
// Plain C++14 interface; QuickFIX stays inside fix_gateway.cpp.
#include "fix/sent_orders.h"
#include "model/gateway_port.h"

#include <memory>
#include <string>
#include <vector>

namespace hm {

struct GatewayConfig {
    std::string settingsFile;
    std::vector<Instrument> instruments; // tick sizes for price conversion
};

class FixGateway : public OrderGateway {
public:
    // Reads and checks the settings file; throws std::runtime_error naming the file,
    // the key and what is wrong.
    explicit FixGateway(GatewayConfig config);
    ~FixGateway() override;

    void setListener(GatewayListener* listener) override;
    void start() override;
    void stop() override;
    bool send(const OrderRequest& order, std::string& error) override;
    bool cancel(const CancelRequest& request, std::string& error) override;
    bool replace(const ReplaceRequest& request, std::string& error) override;
    std::vector<SessionStatus> status() const override;
    Timestamp lastSendMono() const override;
    bool requestOrderStatus(const OrderStatusQuery& query, std::string& error) override;
    bool supportsMassStatus() const override;
    bool requestMassStatus(const std::string& reqId, std::string& error) override;

    // The order messages in the trading session's FIX store: what went to the wire, the
    // orders whose journal rows a crash lost included. Read before start(); a store that
    // cannot be read is a std::runtime_error naming it.
    std::vector<SentOrderMessage> storedOrderMessages(std::vector<std::string>& skipped) const;

    bool waitForLogon(int timeoutMs) const;
    std::string sessionId() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Writes a settings file for the embedded venue on this machine and returns its path.
std::string writeEmbeddedSessionSettings(const std::string& directory, int port, const std::string& dictionary,
                                         const std::string& password, const std::vector<std::string>& symbols);

} // namespace hm
