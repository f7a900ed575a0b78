// A counterparty whose market data comes on a session of its own: one settings file, an
// order session and a market-data session (HelmsmanRole). Both log on; the book arrives
// on the market-data session, orders go on the order session only; each session's state
// is reported on its own, and only the order session's logon starts reconciliation.
// Settings that give orders to no session, or to two, or name an unknown role, are
// refused with the file, the session and the key.
#include "fix_test_support.h"

#include <QtTest>

#include <fstream>

using namespace hm;
using namespace hm::test;

namespace {

std::string sessionsFile(const QTemporaryDir& dir, int port, const std::string& dictionary, const std::string& password,
                         const std::string& ordersRole, const std::string& mdRole)
{
    const std::string path = dir.filePath("two-sessions.cfg").toStdString();
    std::ofstream out(path);
    out << "[DEFAULT]\nConnectionType=initiator\nReconnectInterval=1\nHeartBtInt=5\n"
        << "StartTime=00:00:00\nEndTime=00:00:00\n"
        << "FileStorePath=" << dir.filePath("store").toStdString() << "\n"
        << "UseDataDictionary=Y\nDataDictionary=" << dictionary << "\n"
        << "AllowUnknownMsgFields=Y\nValidateUserDefinedFields=N\n"
        << "SocketConnectHost=127.0.0.1\nSocketConnectPort=" << port << "\n"
        << "Username=helmsman\nPassword=" << password << "\n"
        << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=HELMSMAN\nTargetCompID=HMVENUE\n"
        << "HelmsmanRole=" << ordersRole << "\nHelmsmanMassStatus=Y\n"
        << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=HELMSMAN-MD\nTargetCompID=HMVENUE\n"
        << "HelmsmanRole=" << mdRole << "\nHelmsmanSubscribe=HMX\nHelmsmanMarketDepth=5\n";
    return path;
}

} // namespace

class TestFixSessions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void marketDataAndOrdersOnTheirOwnSessions()
    {
        QTemporaryDir dir;
        VenueConfig vc;
        vc.dataDictionary = std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml";
        vc.storeDirectory = dir.filePath("venue").toStdString();
        vc.password = "s3cret-Pa55word";
        vc.flowOrdersPerSecond = 0; // a seeded book, no background flow
        vc.marketDataIntervalMs = 10;
        vc.clientCompIds = {"HELMSMAN", "HELMSMAN-MD"};
        FixVenue venue(vc);
        venue.start();
        GatewayConfig gc;
        gc.settingsFile = sessionsFile(dir, venue.port(), vc.dataDictionary, vc.password, "orders", "marketdata");
        gc.instruments = {FixVenue::defaultInstrument()};
        RecordingListener listener;
        FixGateway gateway(gc);
        gateway.setListener(&listener);
        gateway.start();
        QVERIFY(gateway.waitForLogon(10000));
        QCOMPARE(gateway.sessionId(), std::string("FIX.4.4:HELMSMAN->HMVENUE"));
        // The book comes over the market-data session.
        QTRY_VERIFY_WITH_TIMEOUT(listener.with([](RecordingListener& l) { return !l.snapshots.empty(); }), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(gateway.status().size() == 2 && gateway.status()[1].state == SessionState::LoggedOn, 10000);
        const std::vector<SessionStatus> status = gateway.status();
        QCOMPARE(status[0].sessionId, std::string("FIX.4.4:HELMSMAN->HMVENUE")); // the order session first
        QCOMPARE(status[1].sessionId, std::string("FIX.4.4:HELMSMAN-MD->HMVENUE"));
        QCOMPARE(status[0].state, SessionState::LoggedOn);
        // Each logon is told of its own session; only the order session's starts reconciliation.
        const std::vector<SessionEvent> events = listener.with([](RecordingListener& l) { return l.sessionEvents; });
        int orderLogons = 0, mdLogons = 0;
        for (const auto& e : events)
            if (e.kind == SessionEventKind::Logon) {
                (e.orderSession ? orderLogons : mdLogons) += 1;
                if (!e.orderSession)
                    QVERIFY2(e.text.find("(market data)") != std::string::npos, e.text.c_str());
            }
        QCOMPARE(orderLogons, 1);
        QCOMPARE(mdLogons, 1);
        // An order goes on the order session and is answered there.
        const Price px = listener.with([](RecordingListener& l) {
            const auto& s = l.snapshots.back();
            return s.bids.empty() ? Price(1880) : s.bids.front().price - 5;
        });
        std::string error;
        QVERIFY2(gateway.send(limitOrder("O-1", Side::Buy, px, 100), error), error.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(!listener.reportsFor("O-1").empty(), 10000);
        QVERIFY(listener.reportsFor("O-1").front().ordStatus == OrderStatus::New);
        QCOMPARE(venue.stats().ordersReceived, std::uint64_t(1));
        const std::vector<SessionStatus> after = gateway.status();
        QVERIFY(after[0].nextSenderSeq > status[0].nextSenderSeq); // the order went here...
        QCOMPARE(after[1].nextSenderSeq, status[1].nextSenderSeq);  // ...not on the market-data session
    }

    void badRolesAreRefusedWithTheirPlace_data()
    {
        QTest::addColumn<QString>("ordersRole");
        QTest::addColumn<QString>("mdRole");
        QTest::addColumn<QString>("expected");
        QTest::newRow("two order sessions") << "orders" << "both" << "both carry orders; give the others HelmsmanRole=marketdata";
        QTest::newRow("no order session") << "marketdata" << "marketdata" << "no session carries orders";
        QTest::newRow("unknown role") << "orders" << "quotes" << "HELMSMAN-MD->HMVENUE: HelmsmanRole=quotes is not one of";
    }

    void badRolesAreRefusedWithTheirPlace()
    {
        QFETCH(QString, ordersRole);
        QFETCH(QString, mdRole);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        GatewayConfig gc;
        gc.settingsFile = sessionsFile(dir, 9, std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml", "pw",
                                       ordersRole.toStdString(), mdRole.toStdString());
        gc.instruments = {FixVenue::defaultInstrument()};
        try {
            FixGateway gateway(gc);
            QFAIL("the settings were accepted");
        } catch (const std::runtime_error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(gc.settingsFile) != std::string::npos && what.find(expected.toStdString()) != std::string::npos,
                     what.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestFixSessions)
#include "tst_fix_sessions.moc"
