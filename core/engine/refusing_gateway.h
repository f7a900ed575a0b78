#pragma once
// A gateway that sends nothing: every request is refused with the reason given. For an
// engine that only rebuilds state from a journal (a replay, the carry-over at start).
#include "model/gateway_port.h"

#include <string>
#include <utility>

namespace hm {

class RefusingGateway : public OrderGateway {
public:
    explicit RefusingGateway(std::string reason) : m_reason(std::move(reason)) {}
    void setListener(GatewayListener*) override {}
    void start() override {}
    void stop() override {}
    bool send(const OrderRequest&, std::string& error) override { return refuse(error); }
    bool cancel(const CancelRequest&, std::string& error) override { return refuse(error); }
    bool replace(const ReplaceRequest&, std::string& error) override { return refuse(error); }
    std::vector<SessionStatus> status() const override { return {}; }

private:
    bool refuse(std::string& error) const
    {
        error = m_reason;
        return false;
    }
    std::string m_reason;
};

} // namespace hm
