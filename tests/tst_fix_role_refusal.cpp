// A counterparty that sends order messages on the session that carries market data
// only (HelmsmanRole=marketdata): a real fill for an order the engine has working, a
// report for an order nobody knows, a cancel reject, and garbage. None of it reaches
// the orders or the position; each is refused to the counterparty and raised to the
// engine; the session stays up; the same fill on the order session is booked once.
#include "fake_broker.h"
#include "engine/engine.h"

#include <QtTest>

#include <fstream>
#include <mutex>

using namespace hm;
using namespace hm::test;

namespace {

// One listening socket per session, so each peer knows whom it answers.
class Listener {
public:
    Listener()
    {
        m_fd = RawPeer::listenOnLoopback(m_port);
    }
    ~Listener() { ::close(m_fd); }
    int port() const { return m_port; }
    // Accepts the gateway's session `target` and answers its Logon.
    std::unique_ptr<RawPeer> accept(const std::string& target, int ms)
    {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, ms) <= 0)
            return nullptr;
        auto peer = std::make_unique<RawPeer>(::accept(m_fd, nullptr, nullptr), "HMVENUE", target);
        const auto logon = [&] {
            for (const auto& m : peer->received)
                if (m.type() == "A")
                    return true;
            return false;
        };
        if (!peer->pumpUntil(ms, logon))
            return nullptr;
        peer->send("A", fld(98, "0") + fld(108, "5"));
        return peer;
    }

private:
    int m_fd = -1;
    int m_port = 0;
};

std::string settingsFile(const QTemporaryDir& dir, int orderPort, int mdPort)
{
    const std::string path = dir.filePath("roles.cfg").toStdString();
    std::ofstream out(path);
    out << "[DEFAULT]\nConnectionType=initiator\nReconnectInterval=1\nHeartBtInt=5\n"
        << "StartTime=00:00:00\nEndTime=00:00:00\n"
        << "FileStorePath=" << dir.filePath("store").toStdString() << "\n"
        << "UseDataDictionary=Y\nDataDictionary=" << HM_TEST_RESOURCES << "/fix/FIX44.xml\n"
        << "AllowUnknownMsgFields=Y\nValidateUserDefinedFields=N\n"
        << "SocketConnectHost=127.0.0.1\nUsername=helmsman\nPassword=pw\n"
        << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=HELMSMAN\nTargetCompID=HMVENUE\n"
        << "SocketConnectPort=" << orderPort << "\nHelmsmanRole=orders\n"
        << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=HELMSMAN-MD\nTargetCompID=HMVENUE\n"
        << "SocketConnectPort=" << mdPort << "\nHelmsmanRole=marketdata\nHelmsmanSubscribe=HMX\n";
    return path;
}

// What the engine published, gathered from its snapshots.
struct Seen {
    std::mutex m;
    std::vector<SessionEvent> events;
    std::vector<FillRecord> fills;
    SnapshotPtr last;
    void add(const SnapshotPtr& s)
    {
        std::lock_guard<std::mutex> l(m);
        events.insert(events.end(), s->newSessionEvents.begin(), s->newSessionEvents.end());
        fills.insert(fills.end(), s->newFills.begin(), s->newFills.end());
        last = s;
    }
    template <typename F>
    auto with(F f)
    {
        std::lock_guard<std::mutex> l(m);
        return f(*this);
    }
    bool event(SessionEventKind kind, const std::string& session, const std::string& a, const std::string& b = {})
    {
        return with([&](Seen& s) {
            for (const auto& e : s.events)
                if (e.kind == kind && e.sessionId == session && e.text.find(a) != std::string::npos
                    && e.text.find(b) != std::string::npos)
                    return true;
            return false;
        });
    }
};

const Msg* answerTo(const RawPeer& p, const std::string& type, int seq)
{
    for (const auto& m : p.received)
        if (m.type() == type && m.get(45) == std::to_string(seq))
            return &m;
    return nullptr;
}

const OrderRecord* findOrder(const EngineSnapshot& s, const std::string& id)
{
    for (const auto& o : s.orders)
        if (o.clOrdId == id)
            return &o;
    return nullptr;
}

Quantity position(const EngineSnapshot& s)
{
    for (const auto& p : s.positions)
        if (p.position.symbol == "HMX")
            return p.position.qty;
    return 0;
}

const char* kMd = "FIX.4.4:HELMSMAN-MD->HMVENUE";
const char* kOrders = "FIX.4.4:HELMSMAN->HMVENUE";

} // namespace

class TestFixRoleRefusal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orderMessagesOnTheMarketDataSessionAreRefused()
    {
        QTemporaryDir dir;
        Listener orderSide, mdSide;
        GatewayConfig gc;
        gc.settingsFile = settingsFile(dir, orderSide.port(), mdSide.port());
        gc.instruments = {defaultInstrument()};
        FixGateway gateway(gc);
        EngineConfig ec;
        ec.instruments = {defaultInstrument()};
        ec.limits.maxOrdersPerSecond = 1e6;
        Engine engine(ec, gateway, nullptr);
        Seen seen;
        auto feed = engine.subscribeSnapshots([&seen](SnapshotPtr s) { seen.add(s); });
        engine.start();
        gateway.start();
        std::unique_ptr<RawPeer> orders = orderSide.accept("HELMSMAN", 10000);
        std::unique_ptr<RawPeer> md = mdSide.accept("HELMSMAN-MD", 10000);
        QVERIFY(orders && md);
        QVERIFY(gateway.waitForLogon(5000));
        QVERIFY(md->pumpUntil(5000, [&] {
            for (const auto& m : md->received)
                if (m.type() == "V")
                    return true;
            return false;
        }));
        std::string reqId;
        for (const auto& m : md->received)
            if (m.type() == "V")
                reqId = m.get(262);
        md->send("W", fld(262, reqId) + fld(55, "HMX") + fld(268, "2") + fld(269, "0") + fld(270, "18.84") + fld(271, "500")
                          + fld(269, "1") + fld(270, "18.86") + fld(271, "500"));
        QTRY_VERIFY_WITH_TIMEOUT(seen.with([](Seen& s) {
            if (!s.last)
                return false;
            for (const auto& b : s.last->books)
                if (b.instrument.symbol == "HMX" && !b.bids.empty())
                    return true;
            return false;
        }), 10000);

        // An order the engine really has working: sent on the order session, acknowledged there.
        OrderRequest o;
        o.symbol = "HMX";
        o.side = Side::Buy;
        o.qty = 100;
        o.price = 1884;
        const std::string id = engine.submit(o, Origin::script());
        QVERIFY(orders->pumpUntil(5000, [&] {
            for (const auto& m : orders->received)
                if (m.type() == "D" && m.get(11) == id)
                    return true;
            return false;
        }));
        const std::string head = fld(37, "V-1") + fld(11, id) + fld(55, "HMX") + fld(54, "1") + fld(38, "100") + fld(40, "2")
            + fld(44, "18.84");
        orders->send("8", fld(17, "E-NEW") + head + fld(150, "0") + fld(39, "0") + fld(151, "100") + fld(14, "0") + fld(6, "0"));
        QTRY_VERIFY_WITH_TIMEOUT(seen.with([&](Seen& s) {
            const OrderRecord* r = s.last ? findOrder(*s.last, id) : nullptr;
            return r && r->status == OrderStatus::New;
        }), 10000);
        const EngineCounters before = seen.with([](Seen& s) { return s.last->counters; });

        // On the market-data session: each order message is refused at session level
        // (a Reject naming our message) and raised to the engine, naming the session.
        const std::string fill = fld(17, "E-FILL") + head + fld(150, "F") + fld(39, "2") + fld(32, "100") + fld(31, "18.84")
            + fld(151, "0") + fld(14, "100") + fld(6, "18.84");
        const int fillSeq = md->send("8", fill);
        const int unknownSeq = md->send("8", fld(37, "V-9") + fld(17, "E-UNKNOWN") + fld(11, "NOBODY") + fld(55, "HMX")
                                                 + fld(54, "2") + fld(38, "50") + fld(40, "2") + fld(44, "18.86")
                                                 + fld(150, "F") + fld(39, "2") + fld(32, "50") + fld(31, "18.86")
                                                 + fld(151, "0") + fld(14, "50") + fld(6, "18.86"));
        const int cxlRejSeq = md->send("9", fld(37, "V-1") + fld(11, "C-1") + fld(41, id) + fld(39, "8") + fld(434, "1")
                                                + fld(102, "1") + fld(58, "too late"));
        for (int seq : {fillSeq, unknownSeq, cxlRejSeq}) {
            QVERIFY2(md->pumpUntil(5000, [&] { return answerTo(*md, "3", seq) != nullptr; }), std::to_string(seq).c_str());
            const Msg* r = answerTo(*md, "3", seq);
            QCOMPARE(r->get(373), std::string("5")); // value is incorrect: not an order session
        }
        const std::string why = std::string("an order message on ") + kMd + ", a session that carries market data only";
        QTRY_VERIFY_WITH_TIMEOUT(seen.event(SessionEventKind::Error, kMd, "execution report ExecID E-FILL ClOrdID " + id
                                                                               + " refused, not applied: ",
                                            why),
                                 5000);
        QTRY_VERIFY_WITH_TIMEOUT(seen.event(SessionEventKind::Error, kMd,
                                            "execution report ExecID E-UNKNOWN ClOrdID NOBODY refused, not applied: ", why),
                                 5000);
        QTRY_VERIFY_WITH_TIMEOUT(seen.event(SessionEventKind::Error, kMd, "message 9 ClOrdID C-1 refused, not applied: ", why),
                                 5000);
        QTRY_VERIFY_WITH_TIMEOUT(seen.event(SessionEventKind::Reject, kMd, "refused counterparty Message " + std::to_string(fillSeq)
                                                                                + " Rejected"),
                                 5000);

        // Garbage: a report missing its required tags and one whose LastQty is no
        // number are refused by the dictionary before anything reads them; a bad
        // checksum is dropped unread (and its sequence number recovered by a gap fill).
        const int missingSeq = md->send("8", fld(11, id) + fld(55, "HMX") + fld(150, "F") + fld(32, "100"));
        const int textQtySeq = md->send("8", fld(17, "E-TEXT") + head + fld(150, "F") + fld(39, "2") + fld(32, "abc")
                                                 + fld(31, "18.84") + fld(151, "0") + fld(14, "100") + fld(6, "18.84"));
        std::string spoilt = md->frame("8", md->takeSeq(), fld(17, "E-SUM") + fill.substr(fill.find(kSoh) + 1));
        spoilt.replace(spoilt.size() - 4, 3, spoilt.compare(spoilt.size() - 4, 3, "000") == 0 ? "001" : "000");
        md->sendBytes(spoilt);
        for (int seq : {missingSeq, textQtySeq})
            QVERIFY2(md->pumpUntil(5000, [&] { return answerTo(*md, "3", seq) != nullptr; }), std::to_string(seq).c_str());
        QCOMPARE(answerTo(*md, "3", missingSeq)->get(373), std::string("1")); // required tag missing
        QCOMPARE(answerTo(*md, "3", textQtySeq)->get(373), std::string("6")); // incorrect data format
        QCOMPARE(answerTo(*md, "3", textQtySeq)->get(371), std::string("32"));
        QTRY_VERIFY_WITH_TIMEOUT(seen.event(SessionEventKind::Reject, kMd, "Message " + std::to_string(textQtySeq) + " Rejected",
                                            ":32"),
                                 5000);
        QTRY_VERIFY_WITH_TIMEOUT(seen.event(SessionEventKind::Error, kMd, "Invalid message"), 5000);
        // The next message shows the gap; we fill it, and the session answers as before.
        md->send("0", "");
        QVERIFY(md->pumpUntil(5000, [&] {
            for (const auto& m : md->received)
                if (m.type() == "2")
                    return true;
            return false;
        }));
        QVERIFY(md->sync());

        // Nothing of it reached the orders, the position or the fills; both sessions are up.
        QVERIFY(engine.latest());
        const SnapshotPtr now = engine.latest();
        const OrderRecord* r = findOrder(*now, id);
        QVERIFY(r);
        QCOMPARE(r->status, OrderStatus::New);
        QCOMPARE(r->cumQty, Quantity(0));
        QCOMPARE(r->leavesQty, Quantity(100));
        QCOMPARE(position(*now), Quantity(0));
        QCOMPARE(now->counters.fills, before.fills);
        QCOMPARE(now->counters.executionReports, before.executionReports);
        QCOMPARE(now->counters.unknownReports, before.unknownReports);
        QCOMPARE(now->counters.cancelRejects, before.cancelRejects);
        QVERIFY(seen.with([](Seen& s) { return s.fills.empty(); }));
        QVERIFY(!md->closed() && !orders->closed());
        const std::vector<SessionStatus> st = gateway.status();
        QCOMPARE(st.size(), std::size_t(2));
        QCOMPARE(st[0].sessionId, std::string(kOrders));
        QCOMPARE(st[0].state, SessionState::LoggedOn);
        QCOMPARE(st[1].state, SessionState::LoggedOn);
        QVERIFY(!seen.event(SessionEventKind::Disconnect, kMd, ""));
        QVERIFY(!seen.event(SessionEventKind::Logout, kMd, ""));

        // The same fill on the order session is booked, once, even when it comes twice.
        orders->send("8", fill);
        orders->send("8", fill);
        QVERIFY(orders->sync());
        QTRY_VERIFY_WITH_TIMEOUT(seen.with([&](Seen& s) {
            const OrderRecord* f = s.last ? findOrder(*s.last, id) : nullptr;
            return f && f->status == OrderStatus::Filled && s.last->counters.duplicateReports == before.duplicateReports + 1;
        }), 10000);
        const SnapshotPtr done = engine.latest();
        QCOMPARE(findOrder(*done, id)->cumQty, Quantity(100));
        QCOMPARE(position(*done), Quantity(100));
        QCOMPARE(done->counters.fills, before.fills + 1);
        QTRY_COMPARE_WITH_TIMEOUT(seen.with([](Seen& s) { return s.fills.size(); }), std::size_t(1), 5000);
        QCOMPARE(seen.with([](Seen& s) { return s.fills.front().execId; }), std::string("E-FILL"));
        engine.stop();
        gateway.stop();
    }
};

QTEST_GUILESS_MAIN(TestFixRoleRefusal)
#include "tst_fix_role_refusal.moc"
