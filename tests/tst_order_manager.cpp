#include "oms/order_manager.h"

#include <QtTest>

#include <random>

using namespace hm;

namespace {
OrderRequest order(const std::string& id, Side s = Side::Buy, Quantity q = 100, Price px = 1000)
{
    OrderRequest o;
    o.clOrdId = id;
    o.symbol = "HMX";
    o.side = s;
    o.qty = q;
    o.price = px;
    return o;
}
ExecutionReport er(const std::string& id, const std::string& execId, ExecType t, OrderStatus st, Quantity cum,
                   Quantity leaves, Quantity lastQty = 0, Price lastPx = 0)
{
    ExecutionReport r;
    r.clOrdId = id;
    r.orderId = "O-" + id;
    r.execId = execId;
    r.execType = t;
    r.ordStatus = st;
    r.symbol = "HMX";
    r.cumQty = cum;
    r.leavesQty = leaves;
    r.lastQty = lastQty;
    r.lastPx = lastPx;
    return r;
}
} // namespace

class TestOrderManager : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lifecycleNewPartialFilled()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        QCOMPARE(m.find("A")->status, OrderStatus::PendingNew);
        auto r = m.onExecutionReport(er("A", "E1", ExecType::New, OrderStatus::New, 0, 100), 2);
        QVERIFY(r.firstResponse);
        QCOMPARE(m.find("A")->status, OrderStatus::New);
        r = m.onExecutionReport(er("A", "E2", ExecType::Trade, OrderStatus::PartiallyFilled, 40, 60, 40, 999), 3);
        QVERIFY(r.filled);
        QCOMPARE(r.fill.price, Price(999)); // better than the limit: booked as reported
        QCOMPARE(m.find("A")->status, OrderStatus::PartiallyFilled);
        QCOMPARE(m.find("A")->leavesQty, Quantity(60));
        m.onExecutionReport(er("A", "E3", ExecType::Trade, OrderStatus::Filled, 100, 0, 60, 1000), 4);
        QCOMPARE(m.find("A")->status, OrderStatus::Filled);
        QCOMPARE(m.positions().at("HMX").qty, Quantity(100));
        QCOMPARE(m.fillCount(), std::uint64_t(2));
    }

    void workingSetFollowsTerminalStates()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onSend(order("B"), 1);
        m.onSend(order("C"), 1);
        m.onSend(order("D"), 1);
        QCOMPARE(m.workingOrders().size(), std::size_t(4));
        m.onExecutionReport(er("A", "E1", ExecType::Trade, OrderStatus::Filled, 100, 0, 100, 1000), 2);
        m.onExecutionReport(er("B", "E2", ExecType::Rejected, OrderStatus::Rejected, 0, 0), 2);
        m.onSendFailed("C", "no session", 2);
        const auto w = m.workingOrders();
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w.front()->clOrdId, std::string("D"));
        // A late report for a terminal order must not bring it back.
        m.onExecutionReport(er("A", "E3", ExecType::New, OrderStatus::New, 0, 100), 3);
        QCOMPARE(m.workingOrders().size(), std::size_t(1));
    }

    void duplicateExecIdIgnored()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        auto fill = er("A", "E2", ExecType::Trade, OrderStatus::PartiallyFilled, 40, 60, 40, 1000);
        m.onExecutionReport(fill, 2);
        fill.possDup = true;
        auto r = m.onExecutionReport(fill, 3);
        QCOMPARE(r.outcome, ReportOutcome::Duplicate);
        QCOMPARE(m.positions().at("HMX").qty, Quantity(40));
        QCOMPARE(m.duplicateReports(), std::uint64_t(1));
    }

    void outOfOrderReportsDoNotGoBackwards()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E2", ExecType::Trade, OrderStatus::PartiallyFilled, 40, 60, 40, 1000), 2);
        m.onExecutionReport(er("A", "E1", ExecType::New, OrderStatus::New, 0, 100), 3); // late New
        QCOMPARE(m.find("A")->status, OrderStatus::PartiallyFilled);
        QCOMPARE(m.find("A")->cumQty, Quantity(40));
        // Second fill arrives before the first (cum 100 then cum 70): only forward moves count.
        m.onExecutionReport(er("A", "E4", ExecType::Trade, OrderStatus::Filled, 100, 0, 30, 1000), 4);
        m.onExecutionReport(er("A", "E3", ExecType::Trade, OrderStatus::PartiallyFilled, 70, 30, 30, 1000), 5);
        QCOMPARE(m.find("A")->status, OrderStatus::Filled);
        QCOMPARE(m.positions().at("HMX").qty, Quantity(100));
    }

    void missedFillIsCaughtUpFromCumQty()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E3", ExecType::Trade, OrderStatus::PartiallyFilled, 70, 30, 30, 1000), 2);
        QCOMPARE(m.positions().at("HMX").qty, Quantity(70));
    }

    void cancelFlow()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E1", ExecType::New, OrderStatus::New, 0, 100), 2);
        QVERIFY(m.onCancelRequested("A", "C1", 3));
        QCOMPARE(m.find("A")->status, OrderStatus::PendingCancel);
        auto c = er("C1", "E2", ExecType::Canceled, OrderStatus::Canceled, 0, 0);
        c.origClOrdId = "A";
        m.onExecutionReport(c, 4);
        QCOMPARE(m.find("A")->status, OrderStatus::Canceled);
        QVERIFY(!m.find("A")->unsolicitedCancel);
        QVERIFY(!m.onCancelRequested("A", "C2", 5)); // terminal
    }

    void cancelRejectRestoresState()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E1", ExecType::New, OrderStatus::New, 0, 100), 2);
        m.onCancelRequested("A", "C1", 3);
        CancelReject rej;
        rej.clOrdId = "C1";
        rej.origClOrdId = "A";
        rej.ordStatus = OrderStatus::New;
        rej.text = "too late";
        m.onCancelReject(rej, 4);
        QCOMPARE(m.find("A")->status, OrderStatus::New);
    }

    void unsolicitedCancelFromVenue()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E1", ExecType::New, OrderStatus::New, 0, 100), 2);
        m.onExecutionReport(er("A", "E2", ExecType::Canceled, OrderStatus::Canceled, 0, 0), 3);
        QCOMPARE(m.find("A")->status, OrderStatus::Canceled);
        QVERIFY(m.find("A")->unsolicitedCancel);
    }

    void replaceFlow()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E1", ExecType::New, OrderStatus::New, 0, 100), 2);
        m.onReplaceRequested("A", "R1", 3);
        QCOMPARE(m.find("A")->status, OrderStatus::PendingReplace);
        auto r = er("R1", "E2", ExecType::Replaced, OrderStatus::New, 0, 150);
        r.origClOrdId = "A";
        r.orderQty = 150;
        r.price = 1001;
        m.onExecutionReport(r, 4);
        const OrderRecord* o = m.find("R1");
        QVERIFY(o);
        QCOMPARE(o->clOrdId, std::string("A"));
        QCOMPARE(o->currentClOrdId, std::string("R1"));
        QCOMPARE(o->qty, Quantity(150));
        QCOMPARE(o->price, Price(1001));
        QCOMPARE(o->status, OrderStatus::New);
    }

    void rejectAndUnknown()
    {
        OrderManager m;
        m.onSend(order("A"), 1);
        m.onExecutionReport(er("A", "E1", ExecType::Rejected, OrderStatus::Rejected, 0, 0), 2);
        QCOMPARE(m.find("A")->status, OrderStatus::Rejected);
        QCOMPARE(m.rejectCount(), std::uint64_t(1));
        auto r = m.onExecutionReport(er("ZZ", "E9", ExecType::New, OrderStatus::New, 0, 1), 3);
        QCOMPARE(r.outcome, ReportOutcome::UnknownOrder);
    }

    void realizedPnlOnRoundTrip()
    {
        OrderManager m;
        m.onSend(order("B", Side::Buy, 100, 1000), 1);
        m.onExecutionReport(er("B", "E1", ExecType::Trade, OrderStatus::Filled, 100, 0, 100, 1000), 2);
        m.onSend(order("S", Side::Sell, 100, 1010), 3);
        m.onExecutionReport(er("S", "E2", ExecType::Trade, OrderStatus::Filled, 100, 0, 100, 1010), 4);
        const Position& p = m.positions().at("HMX");
        QCOMPARE(p.qty, Quantity(0));
        QCOMPARE(p.realizedTicks, 1000.0); // 10 ticks x 100
    }

    // The aggregates kept with every change equal a walk over the working orders, through
    // a random mix of sends, acks, fills, cancels, replaces, rejects, repeats and copies.
    void workingAgainstFindsOurOrdersANewOneWouldReach()
    {
        OrderManager m;
        m.onSend(order("S1", Side::Sell, 100, 1000), 1);
        m.onSend(order("S2", Side::Sell, 100, 1002), 2);
        m.onSend(order("B1", Side::Buy, 100, 995), 3);
        OrderRequest other = order("Y1", Side::Sell, 100, 900);
        other.symbol = "HMY";
        m.onSend(other, 4);
        auto ids = [](const std::vector<const OrderRecord*>& v) {
            QStringList out;
            for (const OrderRecord* o : v)
                out << QString::fromStdString(o->clOrdId);
            return out.join(QLatin1Char(','));
        };
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Buy, OrderType::Limit, 999)), QString());
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Buy, OrderType::Limit, 1000)), QStringLiteral("S1"));
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Buy, OrderType::Limit, 1005)), QStringLiteral("S1,S2"));
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Buy, OrderType::Market, 0)), QStringLiteral("S1,S2"));
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Sell, OrderType::Limit, 995)), QStringLiteral("B1"));
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Sell, OrderType::Limit, 996)), QString());
        // Being cancelled: the cancel reaches the venue first; filled: gone.
        m.onCancelRequested("S1", "C1", 5);
        m.onExecutionReport(er("S2", "E1", ExecType::Trade, OrderStatus::Filled, 100, 0, 100, 1002), 6);
        QCOMPARE(ids(m.workingAgainst("HMX", Side::Buy, OrderType::Market, 0)), QString());
    }

    void workingAggregatesMatchAWalkOfTheOrders()
    {
        std::mt19937 rng(7);
        OrderManager m;
        std::vector<std::string> ids;
        int nextId = 0, nextExec = 0;
        auto pick = [&] { return ids[std::uniform_int_distribution<std::size_t>(0, ids.size() - 1)(rng)]; };
        auto check = [](const OrderManager& om) {
            std::map<std::string, WorkingLevels> levels;
            std::map<std::string, OwnerWork> owners;
            for (const OrderRecord* o : om.workingOrders()) {
                if (!o->owner.empty()) {
                    ++owners[o->owner].working;
                    owners[o->owner].cancelsPending += o->status == OrderStatus::PendingCancel;
                }
                if (o->type == OrderType::Limit && o->leavesQty > 0)
                    (o->side == Side::Buy ? levels[o->symbol].bids : levels[o->symbol].asks)[o->price] += o->leavesQty;
            }
            QCOMPARE(om.workingLevels().size(), levels.size());
            for (const auto& kv : levels) {
                QCOMPARE(om.workingLevels().at(kv.first).bids, kv.second.bids);
                QCOMPARE(om.workingLevels().at(kv.first).asks, kv.second.asks);
            }
            QCOMPARE(om.workByOwner().size(), owners.size());
            for (const auto& kv : owners) {
                QCOMPARE(om.workByOwner().at(kv.first).working, kv.second.working);
                QCOMPARE(om.workByOwner().at(kv.first).cancelsPending, kv.second.cancelsPending);
            }
        };
        for (int step = 0; step < 4000; ++step) {
            const int action = ids.empty() ? 0 : std::uniform_int_distribution<int>(0, 9)(rng);
            const std::string exec = "X" + std::to_string(nextExec++);
            if (action <= 2) {
                OrderRequest o = order("C" + std::to_string(nextId++), rng() % 2 ? Side::Buy : Side::Sell,
                                       100 * (1 + rng() % 5), 990 + static_cast<Price>(rng() % 20));
                o.symbol = rng() % 3 ? "HMX" : "HMY";
                o.owner = rng() % 3 == 0 ? std::string() : "agent" + std::to_string(rng() % 3);
                if (rng() % 8 == 0)
                    o.type = OrderType::Market;
                m.onSend(o, step);
                ids.push_back(o.clOrdId);
                if (rng() % 20 == 0)
                    m.onSendFailed(o.clOrdId, "denied", step);
                continue;
            }
            const std::string id = pick();
            const OrderRecord* o = m.find(id);
            const Quantity cum = o->cumQty, qty = o->qty;
            switch (action) {
            case 3: m.onExecutionReport(er(id, exec, ExecType::New, OrderStatus::New, cum, qty - cum), step); break;
            case 4: {
                const Quantity more = std::min<Quantity>(qty - cum, 100);
                m.onExecutionReport(er(id, exec, ExecType::Trade, cum + more >= qty ? OrderStatus::Filled : OrderStatus::PartiallyFilled,
                                       cum + more, qty - cum - more, more, o->price), step);
                break;
            }
            case 5: m.onCancelRequested(id, "K" + exec, step); break;
            case 6: m.onExecutionReport(er(id, exec, ExecType::Canceled, OrderStatus::Canceled, cum, 0), step); break;
            case 7: {
                m.onReplaceRequested(id, "R" + exec, step);
                ExecutionReport r = er("R" + exec, exec, ExecType::Replaced, OrderStatus::Replaced, cum, qty + 100 - cum);
                r.origClOrdId = id;
                r.orderQty = qty + 100;
                r.price = o->price + 1;
                m.onExecutionReport(r, step);
                break;
            }
            case 8: {
                CancelReject rej;
                rej.clOrdId = o->pendingRequestId;
                rej.origClOrdId = id;
                rej.ordStatus = OrderStatus::New;
                m.onCancelReject(rej, step);
                break;
            }
            default: m.onExecutionReport(er(id, "X0", ExecType::Trade, OrderStatus::Filled, qty, 0, qty, 1), step); // a repeat
            }
            if (step % 50 == 0)
                check(m);
            if (QTest::currentTestFailed())
                return;
        }
        check(m);
        const OrderManager copy = m; // replay checkpoints copy the manager
        check(copy);
    }
};

QTEST_GUILESS_MAIN(TestOrderManager)
#include "tst_order_manager.moc"
