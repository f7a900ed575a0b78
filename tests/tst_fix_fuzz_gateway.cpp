// A hostile broker: a fake counterparty that sends the gateway absurd execution reports
// and market data. Each is refused and alerted, never applied, never a crash. (The
// hostile client, towards the venue, is tst_fix_fuzz.)
#include "fix_test_support.h"
#include "fake_broker.h"
#include "fix/instrument_list.h"

#include <QtTest>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hm;
using namespace hm::test;

namespace {

std::string er(const std::string& id, const std::string& fields)
{
    return "37=O-" + id + kSoh + "17=E-" + id + kSoh + "11=" + id + kSoh + "55=HMX" + kSoh + "54=1" + kSoh + fields;
}

} // namespace

class TestFixFuzzGateway : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gatewayRefusesAbsurdExecutionReports()
    {
        GatewayUnderTest g;
        QVERIFY(g.broker.acceptGateway(10000));
        QVERIFY(g.gateway->waitForLogon(5000));
        RawPeer& b = *g.broker.peer;
        const std::string ok = fld(150, "0") + fld(39, "0") + fld(38, "100") + fld(40, "2") + fld(44, "18.85") + fld(151, "100")
            + fld(14, "0") + fld(6, "0");
        b.send("8", er("GOOD1", ok));
        QTRY_VERIFY_WITH_TIMEOUT(!g.listener.reportsFor("GOOD1").empty(), 5000);

        struct Bad {
            const char* id;
            std::string fields;
            const char* field; // what the alert must name
        };
        const std::string fill = fld(150, "F") + fld(39, "1") + fld(38, "100") + fld(40, "2") + fld(44, "18.85");
        const std::vector<Bad> bad{
            {"NEGLEAVES", fld(150, "0") + fld(39, "0") + fld(38, "100") + fld(151, "-5") + fld(14, "0") + fld(6, "0"), "151"},
            {"OVERFLOWPX", fld(150, "0") + fld(39, "0") + fld(38, "100") + fld(44, "1e23") + fld(151, "100") + fld(14, "0") + fld(6, "0"), "44"},
            {"OFFTICKPX", fill + fld(32, "10") + fld(31, "18.855") + fld(151, "90") + fld(14, "10") + fld(6, "18.855"), "31"},
            {"TEXTPX", fill + fld(32, "10") + fld(31, "abc") + fld(151, "90") + fld(14, "10") + fld(6, "18.85"), "31"},
            {"HUGEQTY", fill + fld(32, "9000000000000000000") + fld(31, "18.85") + fld(151, "0") + fld(14, "100") + fld(6, "18.85"), "32"},
            {"EXPQTY", fill + fld(32, "1e15") + fld(31, "18.85") + fld(151, "0") + fld(14, "100") + fld(6, "18.85"), "32"},
            {"FRACQTY", fill + fld(32, "10.5") + fld(31, "18.85") + fld(151, "90") + fld(14, "10") + fld(6, "18.85"), "32"},
            {"LASTOVERORDER", fill + fld(32, "150") + fld(31, "18.85") + fld(151, "0") + fld(14, "100") + fld(6, "18.85"), "32"},
            {"CUMOVERORDER", fill + fld(32, "50") + fld(31, "18.85") + fld(151, "0") + fld(14, "150") + fld(6, "18.85"), "14"},
            {"LEAVESOVER", fill + fld(32, "50") + fld(31, "18.85") + fld(151, "80") + fld(14, "50") + fld(6, "18.85"), "151"},
            {"NOLASTPX", fill + fld(32, "10") + fld(151, "90") + fld(14, "10") + fld(6, "18.85"), "31"},
            {"ZEROFILL", fill + fld(32, "0") + fld(31, "18.85") + fld(151, "90") + fld(14, "10") + fld(6, "18.85"), "32"},
            {"NEGAVG", fld(150, "0") + fld(39, "0") + fld(38, "100") + fld(151, "100") + fld(14, "0") + fld(6, "-3"), "6"},
        };
        for (const auto& x : bad) {
            const int seq = b.send("8", er(x.id, x.fields));
            QVERIFY2(g.broker.rejected(seq, 5000), x.id); // the broker is told, at session level
            QVERIFY2(g.listener.reportsFor(x.id).empty(), x.id); // and nothing of it applied
            QTRY_VERIFY2_WITH_TIMEOUT(g.eventMentions(x.id, std::string("(") + x.field + ")")
                                          || g.eventMentions("Rejected", std::string(":") + x.field),
                                      x.id, 5000); // the engine is alerted, naming the field
        }
        // The gateway is still up and applies the next good report.
        b.send("8", er("GOOD2", ok));
        QTRY_VERIFY_WITH_TIMEOUT(!g.listener.reportsFor("GOOD2").empty(), 5000);
        QCOMPARE(g.listener.with([](auto& l) { return l.reports.size(); }), std::size_t(2));
        const ExecutionReport r = g.listener.reportsFor("GOOD2").front();
        QCOMPARE(r.price, Price(1885));
        QCOMPARE(r.orderQty, Quantity(100));
        QCOMPARE(r.leavesQty, Quantity(100));
    }

    void gatewayDropsAbsurdMarketData()
    {
        GatewayUnderTest g;
        QVERIFY(g.broker.acceptGateway(10000));
        QVERIFY(g.gateway->waitForLogon(5000));
        RawPeer& b = *g.broker.peer;
        std::string reqId;
        for (const auto& m : b.received)
            if (m.type() == "V")
                reqId = m.get(262);
        QVERIFY(!reqId.empty());
        const auto entry = [](const char* type, const std::string& px, const std::string& size) {
            return fld(269, type) + fld(270, px) + fld(271, size);
        };
        b.send("W", fld(262, reqId) + fld(55, "HMX") + fld(268, "5") + entry("0", "18.84", "100") + entry("0", "18.83", "-5")
                        + entry("1", "18.86", "9000000000000") + entry("1", "18.865", "10") + entry("1", "18.87", "200"));
        QTRY_VERIFY_WITH_TIMEOUT(g.listener.with([](auto& l) { return !l.snapshots.empty(); }), 5000);
        const MarketDataSnapshot s = g.listener.with([](auto& l) { return l.snapshots.back(); });
        QCOMPARE(s.bids.size(), std::size_t(1));
        QCOMPARE(s.bids.front().qty, Quantity(100));
        QCOMPARE(s.asks.size(), std::size_t(1));
        QCOMPARE(s.asks.front().price, Price(1887));
        QTRY_VERIFY_WITH_TIMEOUT(g.eventMentions("market data", "dropped"), 5000);

        b.send("X", fld(262, reqId) + fld(268, "3") + fld(279, "0") + entry("0", "18.82", "-446744073709551416") + fld(279, "0")
                        + entry("1", "18.88", "300") + fld(279, "0") + entry("2", "-18.85", "10"));
        QTRY_VERIFY_WITH_TIMEOUT(g.listener.with([](auto& l) { return !l.updates.empty(); }), 5000);
        const MarketDataUpdate u = g.listener.with([](auto& l) { return l.updates.back(); });
        QCOMPARE(u.changes.size(), std::size_t(1));
        QCOMPARE(u.changes.front().price, Price(1888));
        QCOMPARE(u.changes.front().qty, Quantity(300));
        QVERIFY(u.trades.empty());
        QVERIFY(g.gateway->status().front().state == SessionState::LoggedOn);
    }
};

QTEST_GUILESS_MAIN(TestFixFuzzGateway)
#include "tst_fix_fuzz_gateway.moc"
