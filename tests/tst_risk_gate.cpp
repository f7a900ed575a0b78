// Every pre-trade control at and around its boundary, exposure under a burst,
// limits changed mid-stream, and self-trade prevention under each policy.
#include "risk/risk_gate.h"

#include <QtTest>

using namespace hm;

namespace {
constexpr Timestamp kMs = 1000000;

Instrument hmx()
{
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    i.lotSize = 1;
    return i;
}

RiskLimits wide()
{
    RiskLimits l;
    l.maxOrderQty = 1e9;
    l.maxOrderNotional = 1e12;
    l.collarPercent = 100;
    l.collarTicks = 0;
    l.maxPosition = 1e9;
    l.maxGrossNotional = 1e15;
    l.maxOpenOrders = 1e9;
    l.maxOrdersPerSecondPerAgent = 1e9;
    l.maxOrdersPerSecond = 1e9;
    l.maxMessagesPerSecond = 1e9;
    l.dailyLossLimit = 1e12;
    l.duplicateWindowMs = 0;
    return l;
}

OrderRequest order(Side s, Quantity q, Price px, const std::string& sym = "HMX")
{
    OrderRequest o;
    o.symbol = sym;
    o.side = s;
    o.qty = q;
    o.price = px;
    return o;
}

RiskGate gate(const RiskLimits& l)
{
    RiskGate g(l);
    g.addInstrument(hmx());
    g.setReference("HMX", 10000); // 100.00
    return g;
}

RiskLimits stp(SelfTradePolicy p)
{
    RiskLimits l = wide();
    l.selfTradePolicy = p;
    return l;
}

OwnOrder own(const std::string& id, const std::string& owner, Side s, Price px, const std::string& sym = "HMX")
{
    return OwnOrder{id, owner, sym, s, px, 100};
}

OrderRequest market(Side s, Quantity q)
{
    OrderRequest o = order(s, q, 0);
    o.type = OrderType::Market;
    return o;
}

std::uint64_t selfTradeDenials(const RiskGate& g)
{
    return g.denials()[static_cast<std::size_t>(DenyReason::SelfTrade)];
}
} // namespace

class TestRiskGate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orderQuantityBoundary()
    {
        RiskLimits l = wide();
        l.maxOrderQty = 500;
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 500, 10000), "a", 0).passed());
        const GateVerdict v = g.checkNew(order(Side::Buy, 501, 10000), "a", kMs);
        QCOMPARE(v.reason, DenyReason::OrderQty);
        QVERIFY(v.text.find("501") != std::string::npos);
    }
    void orderNotionalBoundary()
    {
        RiskLimits l = wide();
        l.maxOrderNotional = 10000; // 100 x 100.00
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 100, 10000), "a", 0).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 101, 10000), "a", kMs).reason, DenyReason::OrderNotional);
    }
    void priceCollarPercentAndTicks()
    {
        RiskLimits l = wide();
        l.collarPercent = 1.0; // 100 ticks at 100.00
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 1, 10100), "a", 0).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10101), "a", kMs).reason, DenyReason::PriceCollar);
        QCOMPARE(g.checkNew(order(Side::Sell, 1, 9899), "a", 2 * kMs).reason, DenyReason::PriceCollar);
        l.collarTicks = 50;
        g.setLimits(l);
        QVERIFY(g.checkNew(order(Side::Buy, 1, 10050), "a", 3 * kMs).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10051), "a", 4 * kMs).reason, DenyReason::PriceCollar);
    }
    void noReferenceNoOrder()
    {
        RiskGate g(wide());
        g.addInstrument(hmx());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10000), "a", 0).reason, DenyReason::NoReference);
    }
    void positionCountsWorkingOrdersAtOnce()
    {
        RiskLimits l = wide();
        l.maxPosition = 1000;
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 600, 10000), "a", 0).passed());
        QVERIFY(g.checkNew(order(Side::Buy, 400, 10000), "a", 1).passed()); // exactly at the limit
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10000), "a", 2).reason, DenyReason::Position);
        // The other side is separate: selling 1000 takes the worst short to -1000.
        QVERIFY(g.checkNew(order(Side::Sell, 1000, 10000), "a", 3).passed());
        QCOMPARE(g.checkNew(order(Side::Sell, 1, 10000), "a", 4).reason, DenyReason::Position);
        // A fill moves working to position; a cancel frees room.
        g.onFill("HMX", Side::Buy, 600);
        QCOMPARE(g.position("HMX"), Quantity(600));
        QCOMPARE(g.working("HMX", Side::Buy), Quantity(400));
        g.onWorkingReduced("HMX", Side::Buy, 400);
        g.onOrderClosed();
        QVERIFY(g.checkNew(order(Side::Buy, 400, 10000), "a", 5).passed());
    }
    void burstOfThousandNeverPassesPositionLimit()
    {
        RiskLimits l = wide();
        l.maxPosition = 5000;
        RiskGate g = gate(l);
        Quantity accepted = 0;
        for (int i = 0; i < 1000; ++i) // 1,000 orders within one millisecond, no acks in between
            if (g.checkNew(order(Side::Buy, 100, 10000), "a", i * 1000).passed())
                accepted += 100;
        QCOMPARE(accepted, Quantity(5000));
        QCOMPARE(g.denials()[static_cast<std::size_t>(DenyReason::Position)], std::uint64_t(950));
    }
    void grossNotional()
    {
        RiskLimits l = wide();
        l.maxGrossNotional = 100000; // 1000 units at 100.00
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 600, 10000), "a", 0).passed());
        QVERIFY(g.checkNew(order(Side::Sell, 400, 10000), "a", 1).passed());
        QCOMPARE(g.checkNew(order(Side::Sell, 1, 10000), "a", 2).reason, DenyReason::GrossNotional);
    }
    void openOrders()
    {
        RiskLimits l = wide();
        l.maxOpenOrders = 3;
        RiskGate g = gate(l);
        for (int i = 0; i < 3; ++i)
            QVERIFY(g.checkNew(order(Side::Buy, 1, 10000 - i), "a", i).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 9990), "a", 5).reason, DenyReason::OpenOrders);
        g.onOrderClosed();
        QVERIFY(g.checkNew(order(Side::Buy, 1, 9990), "a", 6).passed());
    }
    void ratesPerAgentOverallAndMessages()
    {
        RiskLimits l = wide();
        l.maxOrdersPerSecondPerAgent = 3;
        l.maxOrdersPerSecond = 5;
        l.maxMessagesPerSecond = 5;
        RiskGate g = gate(l);
        const Timestamp t0 = 10 * 1000 * kMs;
        for (int i = 0; i < 3; ++i)
            QVERIFY(g.checkNew(order(Side::Buy, 1, 10000 - i), "a", t0 + i).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 9000), "a", t0 + 10).reason, DenyReason::AgentOrderRate);
        QVERIFY(g.checkNew(order(Side::Buy, 1, 9001), "b", t0 + 11).passed());
        QVERIFY(g.checkNew(order(Side::Buy, 1, 9002), "b", t0 + 12).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 9003), "c", t0 + 13).reason, DenyReason::OrderRate);
        // One second after the first orders the windows have moved on.
        QVERIFY(g.checkNew(order(Side::Buy, 1, 9004), "a", t0 + 1000 * kMs + 3).passed());
    }
    void cancelsPassButCountAsMessages()
    {
        RiskLimits l = wide();
        l.maxMessagesPerSecond = 3;
        RiskGate g = gate(l);
        g.noteCancel(0);
        g.noteCancel(1);
        QVERIFY(g.checkNew(order(Side::Buy, 1, 10000), "a", 2).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 9999), "a", 3).reason, DenyReason::MessageRate);
        g.noteCancel(4); // never refused
        QVERIFY(g.checkNew(order(Side::Buy, 1, 9999), "a", 1000 * kMs + 5).passed());
    }
    void dailyLossHaltsAndOnlyReducingPasses()
    {
        RiskLimits l = wide();
        l.dailyLossLimit = 1000;
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 100, 10000), "a", 0).passed());
        g.onFill("HMX", Side::Buy, 100);
        g.onOrderClosed();
        g.setPnl(-999.99);
        QVERIFY(!g.halted());
        g.setPnl(-1000);
        QVERIFY(g.halted());
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10000), "a", 1).reason, DenyReason::Halted);
        QVERIFY(g.checkNew(order(Side::Sell, 100, 10000), "a", 2).passed()); // reduces the long
        QCOMPARE(g.checkNew(order(Side::Sell, 1, 10000), "a", 3).reason, DenyReason::Halted); // would go short
    }
    void duplicateWindow()
    {
        RiskLimits l = wide();
        l.duplicateWindowMs = 100;
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 100, 10000), "a", 0).passed());
        QCOMPARE(g.checkNew(order(Side::Buy, 100, 10000), "a", 99 * kMs).reason, DenyReason::Duplicate);
        QVERIFY(g.checkNew(order(Side::Buy, 100, 10000), "b", 99 * kMs).passed()); // another agent
        QVERIFY(g.checkNew(order(Side::Buy, 101, 10000), "a", 99 * kMs).passed()); // another size
        QVERIFY(g.checkNew(order(Side::Buy, 100, 10000), "a", 200 * kMs).passed()); // window over
    }
    void restrictedAndUnknown()
    {
        RiskLimits l = wide();
        l.restricted = {"HMX"};
        RiskGate g = gate(l);
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10000), "a", 0).reason, DenyReason::Restricted);
        QCOMPARE(g.checkNew(order(Side::Buy, 1, 10000, "ZZZ"), "a", 0).reason, DenyReason::UnknownInstrument);
    }
    void limitChangeAppliesFromNextOrder()
    {
        RiskLimits l = wide();
        l.maxOrderQty = 1000;
        RiskGate g = gate(l);
        QVERIFY(g.checkNew(order(Side::Buy, 800, 10000), "a", 0).passed());
        QVERIFY(setLimit(l, "max_order_qty", "500").empty());
        g.setLimits(l);
        QCOMPARE(g.checkNew(order(Side::Buy, 800, 9999), "a", 1).reason, DenyReason::OrderQty);
        QCOMPARE(g.working("HMX", Side::Buy), Quantity(800)); // what passed before stays
    }
    void selfTradeCancelNewRefusesAnOrderReachingOurOwn()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelNew));
        const std::vector<OwnOrder> resting = {own("S1", "seller", Side::Sell, 10000)};
        // A buy below our sell does not reach it.
        QVERIFY(g.checkNew(order(Side::Buy, 100, 9999), "buyer", 0, resting).passed());
        // At and through its price it would trade with it.
        const GateVerdict at = g.checkNew(order(Side::Buy, 100, 10000), "buyer", 1, resting);
        QCOMPARE(at.reason, DenyReason::SelfTrade);
        QVERIFY2(at.text.find("S1") != std::string::npos && at.text.find("seller") != std::string::npos, at.text.c_str());
        QVERIFY(at.cancelResting.empty()); // the resting order stays
        QCOMPARE(g.checkNew(order(Side::Buy, 100, 10005), "buyer", 2, resting).reason, DenyReason::SelfTrade);
        QCOMPARE(g.working("HMX", Side::Buy), Quantity(100)); // only the one that passed counts
        QCOMPARE(selfTradeDenials(g), std::uint64_t(2));
        QCOMPARE(g.selfTrades().at("buyer").newDenied, std::uint64_t(2));
        QCOMPARE(g.selfTrades().count("seller"), std::size_t(0));
        // The other way round: a sell at or below our buy.
        const std::vector<OwnOrder> bid = {own("B1", "", Side::Buy, 9990)};
        QVERIFY(g.checkNew(order(Side::Sell, 100, 9991), "seller", 3, bid).passed());
        QCOMPARE(g.checkNew(order(Side::Sell, 100, 9990), "seller", 4, bid).reason, DenyReason::SelfTrade);
    }
    void selfTradeCancelRestingLetsTheNewOneGo()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelResting));
        const std::vector<OwnOrder> resting = {own("S1", "a", Side::Sell, 10000), own("S2", "", Side::Sell, 10002),
                                               own("S3", "a", Side::Sell, 10003)};
        const GateVerdict v = g.checkNew(order(Side::Buy, 100, 10002), "b", 0, resting);
        QVERIFY(v.passed());
        QCOMPARE(v.cancelResting.size(), std::size_t(2)); // S3 is above the buy's limit
        QCOMPARE(v.cancelResting[0].clOrdId, std::string("S1"));
        QCOMPARE(v.cancelResting[1].clOrdId, std::string("S2"));
        QCOMPARE(g.working("HMX", Side::Buy), Quantity(100));
        QCOMPARE(g.selfTrades().at("a").restingCancelled, std::uint64_t(1));
        QCOMPARE(g.selfTrades().at("operator").restingCancelled, std::uint64_t(1));
        QCOMPARE(g.selfTrades().count("b"), std::size_t(0));
        QCOMPARE(selfTradeDenials(g), std::uint64_t(0));
    }
    void selfTradeCancelBothRefusesAndCancels()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelBoth));
        const GateVerdict v = g.checkNew(order(Side::Sell, 100, 9990), "s", 0, {own("B1", "b", Side::Buy, 9995)});
        QCOMPARE(v.reason, DenyReason::SelfTrade);
        QCOMPARE(v.cancelResting.size(), std::size_t(1));
        QCOMPARE(g.working("HMX", Side::Sell), Quantity(0));
        QCOMPARE(g.selfTrades().at("s").newDenied, std::uint64_t(1));
        QCOMPARE(g.selfTrades().at("b").restingCancelled, std::uint64_t(1));
    }
    void selfTradeMarketOrdersReachAnyPrice()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelNew));
        QCOMPARE(g.checkNew(market(Side::Buy, 100), "b", 0, {own("S1", "a", Side::Sell, 10400)}).reason,
                 DenyReason::SelfTrade);
        QCOMPARE(g.checkNew(market(Side::Sell, 100), "b", 1, {own("B1", "a", Side::Buy, 9600)}).reason,
                 DenyReason::SelfTrade);
        QVERIFY(g.checkNew(market(Side::Buy, 100), "b", 2, {}).passed());
        QVERIFY(reaches(Side::Buy, OrderType::Market, 0, 1 << 30));
        QVERIFY(!reaches(Side::Buy, OrderType::Limit, 9999, 10000));
        QVERIFY(reaches(Side::Sell, OrderType::Limit, 10000, 10000));
    }
    void selfTradeOtherInstrumentsAndSameSideDoNotInteract()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelBoth));
        Instrument other = hmx();
        other.symbol = "HMY";
        g.addInstrument(other);
        g.setReference("HMY", 10000);
        // Our sell on another instrument, our buy on this one at a better price: neither trades with a new buy.
        const std::vector<OwnOrder> resting = {own("Y1", "a", Side::Sell, 9000, "HMY"), own("B1", "a", Side::Buy, 10500)};
        const GateVerdict v = g.checkNew(order(Side::Buy, 100, 10000), "b", 0, resting);
        QVERIFY(v.passed());
        QVERIFY(v.cancelResting.empty());
        QVERIFY(g.checkNew(market(Side::Buy, 100), "b", 1, resting).passed());
        QVERIFY(g.selfTrades().empty());
    }
    void selfTradeOffLetsItGo()
    {
        RiskGate g = gate(stp(SelfTradePolicy::Off));
        const GateVerdict v = g.checkNew(order(Side::Buy, 100, 10000), "b", 0, {own("S1", "a", Side::Sell, 10000)});
        QVERIFY(v.passed());
        QVERIFY(v.cancelResting.empty());
        QVERIFY(g.selfTrades().empty());
    }
    void selfTradeNeverCancelsForAnOrderRefusedAnyway()
    {
        RiskLimits l = stp(SelfTradePolicy::CancelResting);
        l.maxOrderQty = 500;
        RiskGate g = gate(l);
        const GateVerdict v = g.checkNew(order(Side::Buy, 600, 10000), "b", 0, {own("S1", "a", Side::Sell, 10000)});
        QCOMPARE(v.reason, DenyReason::OrderQty);
        QVERIFY(v.cancelResting.empty());
        QVERIFY(g.selfTrades().empty());
    }
    void selfTradeAppliesToRiskReducingOrdersToo()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelNew));
        QVERIFY(g.checkNew(order(Side::Buy, 100, 10000), "a", 0).passed());
        g.onFill("HMX", Side::Buy, 100); // long 100
        g.onOrderClosed();
        const OrderRequest sell = order(Side::Sell, 100, 9990);
        QVERIFY(g.reducesPosition(sell));
        // Selling 100 reduces the long, but a trade with our own bid would not: refused,
        // and the bid (another agent's) stays, as cancel_new promises.
        const std::vector<OwnOrder> bid = {own("B2", "a", Side::Buy, 9990)};
        const GateVerdict v = g.checkNew(sell, "b", 1, bid);
        QCOMPARE(v.reason, DenyReason::SelfTrade);
        QVERIFY(v.cancelResting.empty());
        // Halted (the kill switch, the loss limit): the same; without our bid it passes.
        g.halt("test");
        QCOMPARE(g.checkNew(sell, "b", 2, bid).reason, DenyReason::SelfTrade);
        QVERIFY(g.checkNew(sell, "b", 3, {}).passed());
    }
    void selfTradeOnReplaceAtTheNewPrice()
    {
        RiskGate g = gate(stp(SelfTradePolicy::CancelNew));
        const OrderRequest buy = order(Side::Buy, 100, 9990);
        QVERIFY(g.checkNew(buy, "b", 0).passed());
        const std::vector<OwnOrder> resting = {own("S1", "a", Side::Sell, 10000)};
        QVERIFY(g.checkReplace(buy, 100, 100, 9995, "b", 1, resting).passed());
        QCOMPARE(g.checkReplace(buy, 100, 100, 10000, "b", 2, resting).reason, DenyReason::SelfTrade);
        g.setLimits(stp(SelfTradePolicy::CancelResting));
        const GateVerdict v = g.checkReplace(buy, 100, 100, 10000, "b", 3, resting);
        QVERIFY(v.passed());
        QCOMPARE(v.cancelResting.size(), std::size_t(1));
    }
    void selfTradePolicyIsALimitField()
    {
        RiskLimits l;
        QCOMPARE(l.selfTradePolicy, SelfTradePolicy::CancelNew);
        std::string v;
        QVERIFY(limitValue(l, "self_trade_prevention", v));
        QCOMPARE(v, std::string("cancel_new"));
        for (const char* name : {"off", "cancel_resting", "cancel_both", "cancel_new"}) {
            QVERIFY(setLimit(l, "self_trade_prevention", std::string(" ") + name + " ").empty());
            limitValue(l, "self_trade_prevention", v);
            QCOMPARE(v, std::string(name));
        }
        const std::string error = setLimit(l, "self_trade_prevention", "cancel_oldest");
        QVERIFY2(error.find("self_trade_prevention") != std::string::npos && error.find("cancel_oldest") != std::string::npos,
                 error.c_str());
        QCOMPARE(l.selfTradePolicy, SelfTradePolicy::CancelNew); // unchanged
    }
    void limitValidationNamesFieldAndChangesNothing()
    {
        RiskLimits l;
        const double before = l.maxPosition;
        QVERIFY(setLimit(l, "max_position", "abc").find("max_position") != std::string::npos);
        QVERIFY(!setLimit(l, "max_position", "-5").empty());
        QVERIFY(!setLimit(l, "max_position", "1.5").empty());
        QVERIFY(!setLimit(l, "max_position", "0").empty());
        QVERIFY(setLimit(l, "no_such_limit", "1").find("unknown limit") != std::string::npos);
        QVERIFY(!setLimit(l, "collar_percent", "150").empty());
        QCOMPARE(l.maxPosition, before);
        QVERIFY(setLimit(l, "restricted", "ABC, DEF").empty());
        QCOMPARE(l.restricted.size(), std::size_t(2));
        QVERIFY(!setLimit(l, "restricted", "A B;").empty());
        for (const auto& f : limitFields()) {
            std::string v;
            QVERIFY2(limitValue(l, f.name, v), f.name);
        }
    }
    void instrumentLimitsOverTheDeskWideOnes()
    {
        RiskLimits l = wide();
        l.maxOrderQty = 1000;
        l.maxPosition = 5000;
        QVERIFY(setLimit(l, "max_order_qty@ABC", "100").empty());
        QVERIFY(setLimit(l, "max_position@HMX", "300").empty());
        QVERIFY(setLimit(l, "collar_ticks@HMX", "20").empty());
        RiskGate g = gate(l);
        Instrument abc = hmx();
        abc.symbol = "ABC";
        g.addInstrument(abc); // added after the limits: resolved all the same
        g.setReference("ABC", 5000);
        // ABC: its own order size; HMX: the desk-wide one.
        QCOMPARE(g.checkNew(order(Side::Buy, 101, 5000, "ABC"), "a", 0).reason, DenyReason::OrderQty);
        QVERIFY(g.checkNew(order(Side::Buy, 100, 5000, "ABC"), "a", kMs).passed());
        QVERIFY(g.checkNew(order(Side::Buy, 300, 10000), "a", 2 * kMs).passed());
        // HMX: its own position limit (300 working) and collar; ABC: the desk-wide ones.
        const GateVerdict p = g.checkNew(order(Side::Buy, 1, 10000), "a", 3 * kMs);
        QCOMPARE(p.reason, DenyReason::Position);
        QVERIFY2(p.text.find("limit 300") != std::string::npos, p.text.c_str());
        QCOMPARE(g.checkNew(order(Side::Sell, 1, 10021), "a", 4 * kMs).reason, DenyReason::PriceCollar);
        QVERIFY(g.checkNew(order(Side::Sell, 1, 10020), "a", 5 * kMs).passed());
        QVERIFY(g.checkNew(order(Side::Buy, 90, 4000, "ABC"), "a", 6 * kMs).passed()); // 20% away, no own collar
        // The position gauge shows the instrument nearest its own limit.
        bool seen = false;
        for (const auto& u : g.utilisation(7 * kMs))
            if (u.name == "max_position") {
                QCOMPARE(u.used, 300.0);
                QCOMPARE(u.limit, 300.0);
                seen = true;
            }
        QVERIFY(seen);
        // Back to the desk-wide value: "default" removes the instrument's own.
        QVERIFY(setLimit(l, "max_position@HMX", "default").empty());
        g.setLimits(l);
        QVERIFY(g.checkNew(order(Side::Buy, 1, 10000), "a", 8 * kMs).passed());
        std::string v;
        QVERIFY(limitValue(l, "max_position@HMX", v));
        QCOMPARE(v, std::string("default"));
        QVERIFY(limitValue(l, "max_order_qty@ABC", v));
        QCOMPARE(v, std::string("100"));
        const auto listed = instrumentLimitValues(l);
        QCOMPARE(listed.size(), std::size_t(2));
        QCOMPARE(listed.front().first, std::string("max_order_qty@ABC"));
    }
    void instrumentLimitValidationNamesWhatIsWrong()
    {
        RiskLimits l;
        auto refused = [&](const std::string& name, const std::string& value, const std::string& says) {
            const std::string e = setLimit(l, name, value);
            QVERIFY2(e.find(says) != std::string::npos, (name + " -> " + e).c_str());
        };
        refused("max_position@HMX", "-5", "max_position@HMX: must not be negative");
        refused("max_position@HMX", "abc", "max_position@HMX: 'abc' is not a number");
        refused("max_position@HMX", "0", "max_position@HMX: zero would refuse");
        refused("collar_percent@HMX", "150", "out of range");
        refused("max_open_orders@HMX", "5", "cannot be set per instrument");
        refused("no_such@HMX", "5", "cannot be set per instrument");
        refused("max_position@", "5", "no instrument after '@'");
        refused("max_position@A B", "5", "not an instrument symbol");
        refused("max_position@" + std::string(100, 'X'), "5", "longer than");
        QVERIFY(l.instrumentOverrides.empty()); // nothing half-set
        std::string v;
        QVERIFY(!limitValue(l, "max_open_orders@HMX", v));
        QVERIFY(setLimit(l, "max_position@NEVER", "default").empty()); // removing what is not there is fine
        QVERIFY(l.instrumentOverrides.empty());
    }
};

QTEST_GUILESS_MAIN(TestRiskGate)
#include "tst_risk_gate.moc"
