#pragma once
// What the engine-core suites share: a fake gateway the test plays the venue for, an
// agent that proposes once, a two-sided HMX market, reports and answers.
#include "engine/engine_core.h"

#include <memory>
#include <string>
#include <vector>

using namespace hm;

namespace {

// Remembers every request and answers nothing by itself: the test plays the venue.
class FakeGateway : public OrderGateway {
public:
    void setListener(GatewayListener*) override {}
    void start() override {}
    void stop() override {}
    bool send(const OrderRequest& o, std::string& error) override
    {
        if (refuseSends) {
            error = "session down";
            return false;
        }
        sent.push_back(o);
        return true;
    }
    bool cancel(const CancelRequest& c, std::string&) override
    {
        cancels.push_back(c);
        return true;
    }
    bool replace(const ReplaceRequest& r, std::string&) override
    {
        replaces.push_back(r);
        return true;
    }
    std::vector<SessionStatus> status() const override { return {}; }

    bool refuseSends = false;
    std::vector<OrderRequest> sent;
    std::vector<CancelRequest> cancels;
    std::vector<ReplaceRequest> replaces;
};

// Proposes one limit buy of 100 at the best bid, once, and does nothing after.
class OneShotAgent : public Agent {
public:
    const char* type() const override { return "one-shot"; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override
    {
        if (m_done || !ctx.market || ctx.market->bids.empty())
            return;
        m_done = true;
        OrderProposal p;
        p.symbol = ctx.market->symbol;
        p.side = Side::Buy;
        p.qty = 100;
        p.price = ctx.market->bids.front().price;
        p.why.summary = "join the bid";
        p.why.factors = {{"spread", 20}};
        out.orders.push_back(p);
    }

private:
    bool m_done = false;
};

EngineConfig config()
{
    EngineConfig c;
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    c.instruments = {i};
    c.clOrdIdPrefix = "T-";
    c.limits.maxOrdersPerSecond = 1e6;
    c.limits.maxOrdersPerSecondPerAgent = 1e6;
    c.limits.maxMessagesPerSecond = 1e6;
    c.limits.maxOpenOrders = 10000;
    c.limits.maxPosition = 1e9;
    c.limits.maxGrossNotional = 1e12;
    c.limits.duplicateWindowMs = 0;
    return c;
}

MarketDataSnapshot market()
{
    MarketDataSnapshot s;
    s.symbol = "HMX";
    s.bids = {{9990, 1000}};
    s.asks = {{10010, 1000}};
    return s;
}

[[maybe_unused]] ExecutionReport report(const std::string& clOrdId, ExecType type, OrderStatus status, Quantity leaves, Quantity cum,
                       Quantity lastQty, Price lastPx, Timestamp receivedMono)
{
    static int exec = 0;
    ExecutionReport r;
    r.clOrdId = clOrdId;
    r.orderId = "V-" + clOrdId;
    r.execId = "E" + std::to_string(++exec);
    r.execType = type;
    r.ordStatus = status;
    r.symbol = "HMX";
    r.side = Side::Buy;
    r.orderQty = leaves + cum;
    r.leavesQty = leaves;
    r.cumQty = cum;
    r.lastQty = lastQty;
    r.lastPx = lastPx;
    r.receivedMono = receivedMono;
    return r;
}

[[maybe_unused]] const OrderRecord* order(const EngineSnapshot& s, const std::string& id)
{
    for (const auto& o : s.orders)
        if (o.clOrdId == id)
            return &o;
    return nullptr;
}

[[maybe_unused]] AgentSpec spec(const std::string& id)
{
    AgentSpec a;
    a.id = id;
    a.type = "one-shot";
    a.symbol = "HMX";
    a.policy.staleDataS = 0;
    a.throttle.maxOrdersPerSecond = 100;
    return a;
}

struct Answer {
    bool called = false, ok = false;
    std::string message;
    Reply reply()
    {
        return [this](bool o, const std::string& m) {
            called = true;
            ok = o;
            message = m;
        };
    }
};

} // namespace
