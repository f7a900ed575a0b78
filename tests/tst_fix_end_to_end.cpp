#include "fix_test_support.h"
#include "venue/order_ledger.h"

#include <QDirIterator>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hm;
using namespace hm::test;

namespace {

// A minimal FIX writer over a plain socket: a counterparty that is not QuickFIX,
// able to send what QuickFIX would refuse to build.
class RawFixClient {
public:
    explicit RawFixClient(int port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
        timeval tv{0, 200000};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    ~RawFixClient() { ::close(m_fd); }
    bool connected() const { return m_connected; }

    void send(const std::string& type, const std::string& body)
    {
        std::string b = "35=" + type + "\x01" + "49=RAWCLIENT\x01" + "56=HMVENUE\x01" + "34=" + std::to_string(m_seq++)
            + "\x01" + "52="
            + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HH:mm:ss.zzz")).toStdString() + "\x01"
            + body;
        std::string msg = "8=FIX.4.4\x01" + std::string("9=") + std::to_string(b.size()) + "\x01" + b;
        unsigned sum = 0;
        for (unsigned char c : msg)
            sum += c;
        char cs[8];
        std::snprintf(cs, sizeof(cs), "%03u", sum % 256);
        msg += "10=" + std::string(cs) + "\x01";
        (void)!::write(m_fd, msg.data(), msg.size());
    }
    // Reads until `needle` shows up or the time runs out; returns everything read.
    std::string readUntil(const std::string& needle, int ms)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms && m_in.find(needle) == std::string::npos) {
            char buf[4096];
            ssize_t n = ::read(m_fd, buf, sizeof(buf));
            if (n > 0)
                m_in.append(buf, static_cast<std::size_t>(n));
        }
        return m_in;
    }

private:
    int m_fd = -1;
    bool m_connected = false;
    int m_seq = 1;
    std::string m_in;
};

// The one message in `in` that holds `needle` (empty when none does).
std::string messageWith(const std::string& in, const std::string& needle)
{
    const std::size_t at = in.find(needle);
    if (at == std::string::npos)
        return std::string();
    const std::size_t begin = in.rfind("8=FIX.4.4\x01", at);
    const std::size_t end = in.find("\x01" "10=", at);
    return in.substr(begin, end == std::string::npos ? std::string::npos : end + 1 - begin); // its last SOH kept
}

bool has(const std::string& message, const std::string& field) { return message.find("\x01" + field + "\x01") != std::string::npos; }

Price bestAsk(FixVenue& v) { return v.bestAsk("HMX"); }
Price bestBid(FixVenue& v) { return v.bestBid("HMX"); }

} // namespace

class TestFixEndToEnd : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orderFilledOverFix()
    {
        Loopback lb;
        QVERIFY(lb.gateway->waitForLogon(10000));
        QTRY_VERIFY_WITH_TIMEOUT(lb.listener.with([](auto& l) { return !l.snapshots.empty(); }), 5000);
        const Price ask = bestAsk(*lb.venue);
        QVERIFY(ask > 0);
        lb.listener.oms.onSend(limitOrder("B1", Side::Buy, ask + 5, 100), wallNs());
        std::string err;
        QVERIFY2(lb.gateway->send(limitOrder("B1", Side::Buy, ask + 5, 100), err), err.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.status("B1"), OrderStatus::Filled, 5000);
        auto reports = lb.listener.reportsFor("B1");
        QCOMPARE(reports.front().execType, ExecType::New);
        QCOMPARE(reports.back().execType, ExecType::Trade);
        QCOMPARE(reports.back().lastPx, ask); // better than the limit
        // Market data saw the trade.
        QTRY_VERIFY_WITH_TIMEOUT(lb.listener.with([](auto& l) {
            for (const auto& u : l.updates)
                if (!u.trades.empty())
                    return true;
            return false;
        }), 5000);
    }

    void cancelAndReplaceAcknowledged()
    {
        Loopback lb;
        QVERIFY(lb.gateway->waitForLogon(10000));
        const Price bid = bestBid(*lb.venue);
        std::string err;
        lb.listener.oms.onSend(limitOrder("P1", Side::Buy, bid - 3, 200), wallNs());
        QVERIFY(lb.gateway->send(limitOrder("P1", Side::Buy, bid - 3, 200), err));
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.status("P1"), OrderStatus::New, 5000);

        ReplaceRequest rr;
        rr.clOrdId = "P1-R";
        rr.origClOrdId = "P1";
        rr.symbol = "HMX";
        rr.side = Side::Buy;
        rr.qty = 300;
        rr.price = bid - 4;
        lb.listener.with([](auto& l) { return l.oms.onReplaceRequested("P1", "P1-R", 0); });
        QVERIFY(lb.gateway->replace(rr, err));
        QTRY_VERIFY_WITH_TIMEOUT(lb.listener.with([](auto& l) {
            const OrderRecord* o = l.oms.find("P1");
            return o && o->currentClOrdId == "P1-R" && o->qty == 300 && o->status == OrderStatus::New;
        }), 5000);

        CancelRequest cr;
        cr.clOrdId = "P1-C";
        cr.origClOrdId = "P1-R";
        cr.symbol = "HMX";
        cr.side = Side::Buy;
        lb.listener.with([](auto& l) { return l.oms.onCancelRequested("P1", "P1-C", 0); });
        QVERIFY(lb.gateway->cancel(cr, err));
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.status("P1"), OrderStatus::Canceled, 5000);
    }

    void rejectPaths()
    {
        Loopback lb;
        QVERIFY(lb.gateway->waitForLogon(10000));
        std::string err;
        OrderRequest bad = limitOrder("X1", Side::Buy, 1000, 100);
        bad.symbol = "NOPE";
        lb.listener.oms.onSend(bad, wallNs());
        QVERIFY(lb.gateway->send(bad, err));
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.status("X1"), OrderStatus::Rejected, 5000);
        QVERIFY(lb.listener.reportsFor("X1").back().text.find("unknown symbol") != std::string::npos);

        CancelRequest cr;
        cr.clOrdId = "C-unknown";
        cr.origClOrdId = "never-sent";
        cr.symbol = "HMX";
        QVERIFY(lb.gateway->cancel(cr, err));
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.with([](auto& l) { return l.cancelRejects.size(); }), std::size_t(1), 5000);
        QCOMPARE(lb.listener.cancelRejects.front().origClOrdId, std::string("never-sent"));
    }

    void restartKeepsSequenceNumbers()
    {
        Loopback lb;
        QVERIFY(lb.gateway->waitForLogon(10000));
        std::string err;
        for (int i = 0; i < 5; ++i)
            QVERIFY(lb.gateway->send(limitOrder("S" + std::to_string(i), Side::Buy, 1000, 100), err));
        QTRY_VERIFY_WITH_TIMEOUT(lb.listener.with([](auto& l) { return l.reports.size() >= 5; }), 5000);
        const int sentBefore = lb.gateway->status().front().nextSenderSeq;
        const int expectedBefore = lb.gateway->status().front().nextTargetSeq;
        QVERIFY(sentBefore > 6);
        lb.gateway.reset(); // logout and close, as on exit
        lb.startGateway();
        QVERIFY(lb.gateway->waitForLogon(10000));
        const SessionStatus after = lb.gateway->status().front();
        QVERIFY2(after.nextSenderSeq > sentBefore,
                 qPrintable(QString("sender seq %1 after restart, %2 before").arg(after.nextSenderSeq).arg(sentBefore)));
        QVERIFY(after.nextTargetSeq > expectedBefore);
    }

    void reconnectRecoversMissedReportsByResend()
    {
        Loopback lb;
        QVERIFY(lb.gateway->waitForLogon(10000));
        const Price bid = bestBid(*lb.venue);
        std::string err;
        lb.listener.oms.onSend(limitOrder("R1", Side::Buy, bid + 1, 500), wallNs());
        QVERIFY(lb.gateway->send(limitOrder("R1", Side::Buy, bid + 1, 500), err));
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.status("R1"), OrderStatus::New, 5000);

        lb.venue->dropSessions();
        QTRY_VERIFY_WITH_TIMEOUT(!lb.venue->anyClientLoggedOn(), 5000);
        // While the line is down, two aggressors fill the order: the reports are stored, not delivered.
        lb.venue->submitFlowOrder("HMX", Side::Sell, OrderType::Limit, bid + 1, 200);
        lb.venue->submitFlowOrder("HMX", Side::Sell, OrderType::Limit, bid + 1, 300);
        QCOMPARE(lb.listener.status("R1"), OrderStatus::New);

        QTRY_VERIFY_WITH_TIMEOUT(lb.venue->anyClientLoggedOn(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(lb.listener.status("R1"), OrderStatus::Filled, 10000);
        Quantity cum = 0, position = 0;
        std::uint64_t fillCount = 0;
        lb.listener.with([&](auto& l) {
            cum = l.oms.find("R1")->cumQty;
            position = l.oms.positions().at("HMX").qty;
            fillCount = l.oms.fillCount();
            return true;
        });
        QCOMPARE(cum, Quantity(500));
        QCOMPARE(position, Quantity(500));         // none applied twice
        QCOMPARE(fillCount, std::uint64_t(2));     // none lost
        bool sawResendGap = false;
        lb.listener.with([&](auto& l) {
            for (const auto& r : l.reports)
                if (r.clOrdId == "R1" && r.possDup)
                    sawResendGap = true;
            return true;
        });
        QVERIFY2(sawResendGap, "the fills should have arrived as PossDup resends");
    }

    void invalidMessageGetsSessionReject()
    {
        Loopback lb;
        RawFixClient raw(lb.venue->port());
        QVERIFY(raw.connected());
        raw.send("A", "98=0\x01" "108=30\x01" "553=raw\x01" "554=" + lb.password + "\x01");
        QVERIFY(raw.readUntil("35=A", 5000).find("35=A") != std::string::npos);
        // Side(54)=Z is not a FIX 4.4 side: the dictionary must catch it.
        raw.send("D", "11=BAD1\x01" "55=HMX\x01" "54=Z\x01" "60=20260101-00:00:00.000\x01" "38=100\x01" "40=2\x01" "44=18.80\x01");
        const std::string got = raw.readUntil("35=3", 5000);
        QVERIFY2(got.find("35=3\x01") != std::string::npos, "expected a session-level Reject");
        QVERIFY(got.find("371=54") != std::string::npos); // RefTagID names the bad field
        // Missing a required field: also rejected, and the venue keeps serving.
        raw.send("D", "11=BAD2\x01" "55=HMX\x01" "54=1\x01" "38=100\x01" "40=2\x01" "44=18.80\x01");
        QVERIFY(raw.readUntil("371=60", 5000).find("371=60") != std::string::npos);
        raw.send("D", "11=GOOD\x01" "55=HMX\x01" "54=1\x01" "60=20260101-00:00:00.000\x01" "38=100\x01" "40=2\x01" "44=1.00\x01");
        QVERIFY(raw.readUntil("11=GOOD", 5000).find("35=8") != std::string::npos);
    }

    // OrderStatusRequest (H) and OrderMassStatusRequest (AF) over real FIX, from a client
    // that is not QuickFIX: the answers carry the request's ids and counts.
    void statusRequestsAreAnsweredOverFix()
    {
        Loopback lb;
        RawFixClient raw(lb.venue->port());
        QVERIFY(raw.connected());
        raw.send("A", "98=0\x01" "108=30\x01" "553=raw\x01" "554=" + lb.password + "\x01");
        QVERIFY(raw.readUntil("35=A", 5000).find("35=A") != std::string::npos);
        raw.send("D", "11=ST1\x01" "55=HMX\x01" "54=1\x01" "60=20260101-00:00:00.000\x01" "38=100\x01" "40=2\x01" "44=1.00\x01");
        QVERIFY(raw.readUntil("11=ST1", 5000).find("11=ST1") != std::string::npos);

        raw.send("H", "11=ST1\x01" "790=Q1\x01" "55=HMX\x01" "54=1\x01");
        std::string m = messageWith(raw.readUntil("790=Q1", 5000), "790=Q1");
        QVERIFY2(has(m, "35=8") && has(m, "150=I") && has(m, "39=0") && has(m, "11=ST1"), m.c_str());
        QVERIFY2(has(m, "151=100") && has(m, "14=0") && has(m, "44=1"), m.c_str());
        QVERIFY2(m.find("\x01" "32=") == std::string::npos, m.c_str()); // no LastQty on a status

        raw.send("H", "11=NOPE\x01" "790=Q2\x01" "55=HMX\x01" "54=2\x01");
        m = messageWith(raw.readUntil("790=Q2", 5000), "790=Q2");
        QVERIFY2(has(m, "150=I") && has(m, "39=8") && has(m, "37=NONE") && has(m, "58=unknown order NOPE"), m.c_str());

        raw.send("AF", "584=MS1\x01" "585=7\x01");
        m = messageWith(raw.readUntil("584=MS1", 5000), "584=MS1");
        QVERIFY2(has(m, "150=I") && has(m, "11=ST1") && has(m, "911=1") && has(m, "912=Y"), m.c_str());

        raw.send("AF", "584=MS2\x01" "585=1\x01" "55=LOT\x01"); // a symbol it holds no orders of
        m = messageWith(raw.readUntil("584=MS2", 5000), "584=MS2");
        QVERIFY2(has(m, "39=8") && has(m, "37=NONE") && has(m, "55=[N/A]") && has(m, "911=0") && has(m, "912=Y"),
                 m.c_str());
        QVERIFY2(m.find("\x01" "11=") == std::string::npos, m.c_str());

        raw.send("AF", "584=MS3\x01" "585=1\x01"); // no Symbol: refused by the application
        m = messageWith(raw.readUntil("379=MS3", 5000), "379=MS3");
        QVERIFY2(has(m, "35=j") && has(m, "372=AF") && has(m, "380=5"), m.c_str());

        // A type the dictionary does not list is refused at session level, naming the field.
        raw.send("AF", "584=MS4\x01" "585=8\x01");
        m = messageWith(raw.readUntil("371=585", 5000), "371=585");
        QVERIFY2(has(m, "35=3"), m.c_str());

        // The order is in the venue's ledger, in its store directory.
        const std::vector<LedgerOrder> orders = readOrderLedger(lb.dir.filePath("venue/orders.ledger").toStdString());
        QCOMPARE(orders.size(), std::size_t(1));
        QCOMPARE(orders.front().clOrdIds, std::vector<std::string>{"ST1"});
        QCOMPARE(orders.front().session, SessionKey(1)); // RAWCLIENT, the venue's second client
        QVERIFY(orders.front().live);
    }

    // The venue process dies and a new one starts on the same store directory: it answers
    // for the orders of the first, and still refuses their ClOrdIDs.
    void aRestartedVenueAnswersForItsOldOrders()
    {
        QTemporaryDir dir;
        VenueConfig vc;
        vc.dataDictionary = std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml";
        vc.storeDirectory = dir.filePath("venue").toStdString();
        vc.flowOrdersPerSecond = 0;
        vc.clientCompIds = {"RAWCLIENT"};
        std::string orderId;
        {
            FixVenue first(vc);
            first.start();
            RawFixClient raw(first.port());
            raw.send("A", "98=0\x01" "108=30\x01");
            QVERIFY(raw.readUntil("35=A", 5000).find("35=A") != std::string::npos);
            raw.send("D", "11=OLD1\x01" "55=HMX\x01" "54=1\x01" "60=20260101-00:00:00.000\x01" "38=100\x01" "40=2\x01" "44=1.00\x01");
            const std::string ack = messageWith(raw.readUntil("11=OLD1", 5000), "11=OLD1");
            const std::size_t at = ack.find("\x01" "37=");
            QVERIFY2(at != std::string::npos, ack.c_str());
            orderId = ack.substr(at + 4, ack.find('\x01', at + 1) - at - 4);
        }
        FixVenue second(vc);
        second.start();
        RawFixClient raw(second.port());
        raw.send("A", "98=0\x01" "108=30\x01" "141=Y\x01"); // this client starts its sequence numbers again
        QVERIFY(raw.readUntil("35=A", 5000).find("35=A") != std::string::npos);
        raw.send("AF", "584=AFTER\x01" "585=7\x01");
        std::string m = messageWith(raw.readUntil("584=AFTER", 5000), "584=AFTER");
        QVERIFY2(has(m, "11=OLD1") && has(m, "37=" + orderId) && has(m, "39=4") && has(m, "911=1") && has(m, "912=Y"),
                 m.c_str());
        QVERIFY2(has(m, "58=cancelled: the venue restarted"), m.c_str());
        raw.send("D", "11=OLD1\x01" "55=HMX\x01" "54=1\x01" "60=20260101-00:00:00.000\x01" "38=100\x01" "40=2\x01" "44=1.00\x01");
        m = messageWith(raw.readUntil("duplicate ClOrdID", 5000), "duplicate ClOrdID");
        QVERIFY2(has(m, "39=8") && has(m, "103=6"), m.c_str());
    }

    void aCorruptOrderLedgerStopsTheVenue()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath("venue")));
        QFile f(dir.filePath("venue/orders.ledger"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("helmsman venue order ledger 1\nO\tnot a line\n");
        f.close();
        VenueConfig vc;
        vc.dataDictionary = std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml";
        vc.storeDirectory = dir.filePath("venue").toStdString();
        vc.flowOrdersPerSecond = 0;
        FixVenue venue(vc);
        try {
            venue.start();
            QFAIL("the venue started on a corrupt ledger");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("venue order ledger '" + vc.storeDirectory + "/orders.ledger' line 2: ")
                         == 0,
                     e.what());
        }
    }

    void wrongPasswordIsRefusedAndPasswordNeverInClear()
    {
        Loopback lb;
        QVERIFY(lb.gateway->waitForLogon(10000));
        std::string err;
        QVERIFY(lb.gateway->send(limitOrder("PW1", Side::Buy, 1000, 100), err));
        QTRY_VERIFY_WITH_TIMEOUT(!lb.listener.reportsFor("PW1").empty(), 5000);
        lb.gateway.reset();
        RawFixClient raw(lb.venue->port());
        raw.send("A", "98=0\x01" "108=30\x01" "554=wrong\x01");
        const std::string got = raw.readUntil("35=5", 3000);
        QVERIFY(got.find("35=A") == std::string::npos);
        // Stores and logs of both sides hold no clear password (the settings file is the
        // only place it lives, with mode 0600).
        QDirIterator it(lb.dir.path(), QDir::Files, QDirIterator::Subdirectories);
        int scanned = 0, stores = 0, maskedLogons = 0;
        while (it.hasNext()) {
            const QString f = it.next();
            if (f.endsWith(QStringLiteral(".cfg")))
                continue;
            QFile file(f);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(QByteArray::fromStdString(lb.password)), qPrintable(f));
            stores += f.endsWith(QStringLiteral(".hmstore")) ? 1 : 0;
            maskedLogons += bytes.contains("\x01" "554=********\x01") ? 1 : 0;
            ++scanned;
        }
        QVERIFY(scanned >= 3);
        QVERIFY(stores >= 2);         // the gateway's and the venue's (one per client it serves)
        QVERIFY(maskedLogons >= 1);   // the gateway's stored Logon, its password masked
    }

    void badSettingsFileNamesTheProblem()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.cfg"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[DEFAULT]\nConnectionType=initiator\nFileStorePath=/tmp\n[SESSION]\nBeginString=FIX.4.4\n"
                "SenderCompID=A\nTargetCompID=B\nSocketConnectPort=1\nHeartBtInt=30\n");
        f.close();
        GatewayConfig gc;
        gc.settingsFile = path.toStdString();
        try {
            FixGateway g(gc);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("SocketConnectHost") != std::string::npos, e.what());
        }
        gc.settingsFile = dir.filePath(QStringLiteral("missing.cfg")).toStdString();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, FixGateway g(gc));
    }
};

QTEST_GUILESS_MAIN(TestFixEndToEnd)
#include "tst_fix_end_to_end.moc"
