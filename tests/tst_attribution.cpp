// P&L attribution: alpha, shortfall and fees add up to the P&L exactly; an executor is
// measured from its parent's arrival; rows group by agent (a parent's executors under
// the agent that proposed it) and by instrument; the engine books every fill.
#include "engine/attribution.h"
#include "engine_test_support.h"
#include "engine/engine_clock.h"

#include <QtTest>

#include <cmath>

namespace {
constexpr double kTick = 0.01;

AttributionView only(const AttributionBook& book, double mark, bool parent = false)
{
    const auto rows = book.view([mark](const std::string&) { return mark; }, [parent](const std::string&) { return parent; });
    return rows.size() == 1 ? rows.front() : AttributionView{};
}
} // namespace

class TestAttribution : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void alphaMinusShortfallMinusFeesIsThePnl()
    {
        AttributionBook book;
        book.setFeeBps(1.0);
        // Buy 100 at 100.10 with the mid at 100.00; sell 40 at 100.30 with the mid at 100.25.
        book.onOrder("1", "a", "HMX", 10000);
        book.onFill("1", "a", "HMX", Side::Buy, 100, 10010, kTick);
        book.onOrder("2", "a", "HMX", 10025);
        book.onFill("2", "a", "HMX", Side::Sell, 40, 10030, kTick);
        const AttributionView v = only(book, 10040); // marked at 100.40
        // Shortfall: buy (100.10 - 100.00) x 100 = 10; sell -(100.30 - 100.25) x 40 = -2 (a gain).
        QCOMPARE(v.shortfall, 8.0);
        // Alpha: 60 held x 100.40 - (100 x 100.00 - 40 x 100.25) = 6024 - 5990 = 34.
        QVERIFY(std::fabs(v.alpha - 34.0) < 1e-9);
        const double notional = 100 * 100.10 + 40 * 100.30;
        QVERIFY(std::fabs(v.fees - notional * 1e-4) < 1e-9);
        // The P&L of the fills themselves: realized 40 x (100.30 - 100.10) + open 60 x (100.40 - 100.10).
        const double pnl = 40 * 0.20 + 60 * 0.30 - notional * 1e-4;
        QVERIFY2(std::fabs(v.pnl() - pnl) < 1e-9, qPrintable(QString::number(v.pnl())));
        QCOMPARE(v.bought, Quantity(100));
        QCOMPARE(v.sold, Quantity(40));
        QVERIFY(std::fabs(v.shortfallBps() - 1e4 * 8.0 / notional) < 1e-9);
    }
    void anExecutorIsMeasuredFromItsParentsArrival()
    {
        AttributionBook book;
        // A parent buys over time while the price drifts up: each child order's own arrival
        // hides the drift that the parent's arrival shows.
        book.onOrder("1", "p/twap", "HMX", 10000);
        book.onFill("1", "p/twap", "HMX", Side::Buy, 50, 10001, kTick);
        book.onOrder("2", "p/twap", "HMX", 10020);
        book.onFill("2", "p/twap", "HMX", Side::Buy, 50, 10021, kTick);
        const AttributionView perOrder = only(book, 10030, false);
        const AttributionView parent = only(book, 10030, true);
        QVERIFY(std::fabs(perOrder.shortfall - 1.0) < 1e-9);         // 1 tick x 100
        QVERIFY(std::fabs(parent.shortfall - (0.01 * 50 + 0.21 * 50)) < 1e-9); // from 100.00
        QVERIFY(parent.parent);
        QVERIFY(std::fabs(perOrder.pnl() - parent.pnl()) < 1e-9); // the split moves, the P&L does not
        QVERIFY(parent.alpha > perOrder.alpha);
    }
    void aCarriedOverOrderAddsNoShortfall()
    {
        AttributionBook book;
        book.onFill("old", "a", "HMX", Side::Buy, 10, 10050, kTick); // no arrival known
        const AttributionView v = only(book, 10060);
        QCOMPARE(v.shortfall, 0.0);
        QVERIFY(std::fabs(v.alpha - 1.0) < 1e-9);
    }
    void groupsByAgentAndInstrumentWithATotal()
    {
        std::vector<AttributionView> rows(3);
        rows[0].agent = "portfolio/twap-HMX-1";
        rows[0].symbol = "HMX";
        rows[0].alpha = 10;
        rows[0].shortfall = 2;
        rows[0].bought = 100;
        rows[1].agent = "portfolio/vwap-ABC-2";
        rows[1].symbol = "ABC";
        rows[1].alpha = -4;
        rows[1].fees = 1;
        rows[1].sold = 50;
        rows[2].agent = "mm";
        rows[2].symbol = "HMX";
        rows[2].alpha = 3;
        const auto byAgent = groupAttribution(rows, AttributionGrouping::Agent, true);
        QCOMPARE(byAgent.size(), std::size_t(3)); // mm, portfolio, total
        QCOMPARE(byAgent[1].agent, std::string("portfolio"));
        QCOMPARE(byAgent[1].alpha, 6.0);
        QCOMPARE(byAgent[1].pnl(), 3.0);
        QCOMPARE(byAgent[1].bought + byAgent[1].sold, Quantity(150));
        QCOMPARE(byAgent.back().agent, std::string("total"));
        QCOMPARE(byAgent.back().pnl(), 6.0);
        const auto byInstrument = groupAttribution(rows, AttributionGrouping::Instrument, false);
        QCOMPARE(byInstrument.size(), std::size_t(2));
        QCOMPARE(byInstrument[1].symbol, std::string("HMX"));
        QCOMPARE(byInstrument[1].alpha, 13.0);
        QVERIFY(groupAttribution({}, AttributionGrouping::Agent, true).empty());
    }
    void theEngineBooksEveryFillAgainstTheGatesReference()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineConfig c = config();
        c.feeBps = 2.0;
        EngineCore core(c, venue, nullptr, &clock);
        core.handle(market()); // mid 100.00
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 10010;
        const std::string id = core.submit(o, Origin::script());
        clock.advanceMs(1);
        core.handle(report(id, ExecType::New, OrderStatus::New, 100, 0, 0, 0, clock.monoNs()));
        core.handle(report(id, ExecType::Trade, OrderStatus::Filled, 0, 100, 100, 10010, clock.monoNs()));
        const SnapshotPtr s = core.publish();
        QCOMPARE(s->attribution.size(), std::size_t(1));
        const AttributionView& v = s->attribution.front();
        QCOMPARE(v.agent, std::string("operator"));
        QCOMPARE(v.symbol, std::string("HMX"));
        QVERIFY(std::fabs(v.shortfall - 10.0) < 1e-9); // 0.10 over the mid on 100
        QVERIFY(std::fabs(v.alpha) < 1e-9);            // the mark is still 100.00
        QVERIFY(std::fabs(v.fees - 100 * 100.10 * 2e-4) < 1e-9);
        // The P&L agrees with the position's own, marked at the mid, less fees.
        const PositionView& p = s->positions.front();
        const double positionPnl = (p.position.realizedTicks + p.unrealizedTicks) * kTick;
        QVERIFY2(std::fabs(v.pnl() - (positionPnl - v.fees)) < 1e-9,
                 qPrintable(QStringLiteral("%1 vs %2").arg(v.pnl()).arg(positionPnl - v.fees)));
    }
};

QTEST_GUILESS_MAIN(TestAttribution)
#include "tst_attribution.moc"
