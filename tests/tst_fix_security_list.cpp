// SecurityListRequest (35=x) and SecurityList (35=y). The venue lists every instrument it
// serves, or the one asked for, or none found; a request without its required fields is
// refused by the session, and the venue carries on. The gateway asks after its logon and
// the engine then trades what the counterparty lists: a new instrument, a changed tick.
// An entry it cannot use is skipped with a warning naming it; a refusal changes nothing.
#include "fake_broker.h"
#include "fix_test_support.h"
#include "raw_fix_peer.h"
#include "engine/engine.h"
#include "fix/instrument_list.h"

#include <QtTest>

using namespace hm;
using namespace hm::test;

namespace {

// The raw client's answer of the given type that came after `from`, if any.
const Msg* answerAfter(RawPeer& peer, std::size_t from, const std::string& type)
{
    for (std::size_t i = from; i < peer.received.size(); ++i)
        if (peer.received[i].type() == type)
            return &peer.received[i];
    return nullptr;
}

const Msg* ask(RawPeer& peer, const std::string& body, const std::string& type)
{
    const std::size_t from = peer.received.size();
    peer.send("x", body);
    peer.pumpUntil(5000, [&] { return answerAfter(peer, from, type) != nullptr; });
    return answerAfter(peer, from, type);
}

bool anyEvent(RecordingListener& listener, const std::string& a, const std::string& b)
{
    return listener.with([&](RecordingListener& l) {
        for (const auto& e : l.sessionEvents)
            if (e.text.find(a) != std::string::npos && e.text.find(b) != std::string::npos)
                return true;
        return false;
    });
}

} // namespace

class TestFixSecurityList : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void venueListsAllOneOrNone()
    {
        Loopback lb(0.0, parseInstrumentList("HMX,ABC:0.05:10:EUR"));
        RawPeer raw(RawPeer::connectTo(lb.venue->port()), "RAWCLIENT", "HMVENUE");
        raw.send("A", fld(98, "0") + fld(108, "30") + fld(554, lb.password));
        QVERIFY(raw.pumpUntil(5000, [&] { return answerAfter(raw, 0, "A") != nullptr; }));

        const Msg* all = ask(raw, fld(320, "R1") + fld(559, "4"), "y");
        QVERIFY(all);
        QCOMPARE(all->get(320), std::string("R1"));
        QCOMPARE(all->get(560), std::string("0"));
        QCOMPARE(all->get(393), std::string("2"));
        QCOMPARE(all->get(893), std::string("Y"));
        QCOMPARE(all->get(146), std::string("2"));
        QCOMPARE(all->all(55), (std::vector<std::string>{"ABC", "HMX"}));
        QCOMPARE(all->all(969), (std::vector<std::string>{"0.05", "0.01"}));
        QCOMPARE(all->all(561), (std::vector<std::string>{"10", "1"}));
        QCOMPARE(all->all(15), (std::vector<std::string>{"EUR", "USD"}));

        const Msg* one = ask(raw, fld(320, "R2") + fld(559, "0") + fld(55, "ABC"), "y");
        QVERIFY(one);
        QCOMPARE(one->get(560), std::string("0"));
        QCOMPARE(one->all(55), std::vector<std::string>{"ABC"});
        QCOMPARE(one->get(969), std::string("0.05"));

        const Msg* none = ask(raw, fld(320, "R3") + fld(559, "0") + fld(55, "ZZZ"), "y");
        QVERIFY(none);
        QCOMPARE(none->get(560), std::string("2")); // no instruments found
        QVERIFY(!none->has(146));
    }

    void venueRefusesAMalformedRequest()
    {
        Loopback lb;
        RawPeer raw(RawPeer::connectTo(lb.venue->port()), "RAWCLIENT", "HMVENUE");
        raw.send("A", fld(98, "0") + fld(108, "30") + fld(554, lb.password));
        QVERIFY(raw.pumpUntil(5000, [&] { return answerAfter(raw, 0, "A") != nullptr; }));
        for (const std::string& body : {fld(559, "4"), fld(320, "R9"), fld(320, "R9") + fld(559, "four")}) {
            const std::size_t from = raw.received.size();
            const int seq = raw.send("x", body);
            QVERIFY2(raw.pumpUntil(5000, [&] {
                const Msg* r = answerAfter(raw, from, "3");
                return r && r->get(45) == std::to_string(seq);
            }), body.c_str());
            QVERIFY(!answerAfter(raw, from, "y"));
        }
        // The venue and the session carry on: a good request is still answered.
        QVERIFY(raw.sync());
        const Msg* all = ask(raw, fld(320, "R10") + fld(559, "4"), "y");
        QVERIFY(all);
        QCOMPARE(all->get(560), std::string("0"));
    }

    // The venue serves HMX at 0.02 and ABC at 0.05; the gateway and the engine were started
    // with HMX at 0.01 only.
    void theEngineTradesWhatTheCounterpartyLists()
    {
        Loopback lb(0.0, parseInstrumentList("HMX:0.02,ABC:0.05:10"), false);
        EngineConfig ec;
        ec.instruments = {FixVenue::defaultInstrument()};
        ec.limits.maxOrdersPerSecond = 1e6;
        Engine engine(ec, *lb.gateway, nullptr);
        engine.start();
        lb.gateway->start();
        QVERIFY(lb.gateway->waitForLogon(10000));
        auto book = [&](const std::string& symbol) -> const BookView* {
            for (const auto& b : engine.latest()->books)
                if (b.instrument.symbol == symbol)
                    return &b;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(book("ABC") != nullptr, 10000);
        SnapshotPtr s = engine.latest();
        const BookView* abc = book("ABC");
        QCOMPARE(abc->instrument.tickSize, 0.05);
        QCOMPARE(abc->instrument.lotSize, Quantity(10));
        QCOMPARE(book("HMX")->instrument.tickSize, 0.02);
        // The list came before the market data: the HMX book is in the new ticks (the
        // venue's reference, 1885 ticks), not the old ones (3770).
        QTRY_VERIFY_WITH_TIMEOUT(book("HMX") && !book("HMX")->bids.empty(), 10000);
        const Price bid = book("HMX")->bids.front().price;
        QVERIFY2(bid > 1700 && bid < 2000, std::to_string(bid).c_str());
        // An order in the new instrument goes out at its tick and is acknowledged (the
        // venue publishes no ABC market data here: a reference price stands in for it).
        engine.setReferencePrice("ABC", 90.0, Actor{"t", Role::Trader}, "no market data in this test");
        OrderRequest o;
        o.symbol = "ABC";
        o.qty = 10;
        o.price = 1800; // 90.00 at 0.05
        const std::string id = engine.submit(o, Origin::script());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& r : engine.latest()->orders)
                    if (r.clOrdId == id)
                        return r.status == OrderStatus::New && r.price == 1800;
                return false;
            }(),
            10000);
        engine.stop();
        lb.gateway->stop();
    }

    void aBadEntryIsSkippedWithAWarning()
    {
        GatewayUnderTest g;
        QVERIFY(g.broker.acceptGateway(10000));
        QVERIFY(g.gateway->waitForLogon(5000));
        RawPeer& b = *g.broker.peer;
        QVERIFY(g.broker.has("x")); // asked right after the logon, for every security
        std::string reqId;
        for (const auto& m : b.received)
            if (m.type() == "x") {
                reqId = m.get(320);
                QCOMPARE(m.get(559), std::string("4"));
            }
        auto entry = [](const std::string& sym, const std::string& tick, const std::string& lot) {
            return fld(55, sym) + fld(15, "USD") + fld(561, lot) + fld(969, tick);
        };
        b.send("y", fld(320, reqId) + fld(322, "B1") + fld(560, "0") + fld(393, "4") + fld(893, "Y") + fld(146, "4")
                        + entry("ABC", "0.05", "10") + entry("BADTICK", "-0.05", "1") + entry("ZEROTICK", "0", "1")
                        + entry("BADLOT", "0.01", "0"));
        QTRY_VERIFY_WITH_TIMEOUT(g.listener.with([](RecordingListener& l) { return !l.securityLists.empty(); }), 5000);
        const SecurityListEvent e = g.listener.with([](RecordingListener& l) { return l.securityLists.front(); });
        QCOMPARE(e.instruments.size(), std::size_t(1));
        QCOMPARE(e.instruments.front().symbol, std::string("ABC"));
        QCOMPARE(e.instruments.front().tickSize, 0.05);
        QVERIFY(anyEvent(g.listener, "(BADTICK)", "MinPriceIncrement(969)"));
        QVERIFY(anyEvent(g.listener, "(ZEROTICK)", "MinPriceIncrement(969)"));
        QVERIFY(anyEvent(g.listener, "(BADLOT)", "RoundLot(561)"));
        // ABC's prices are now read at 0.05: a report at 90.00 is 1800 ticks.
        b.send("8", fld(37, "O-1") + fld(17, "E-1") + fld(11, "A1") + fld(55, "ABC") + fld(54, "1") + fld(150, "0")
                        + fld(39, "0") + fld(38, "10") + fld(40, "2") + fld(44, "90.00") + fld(151, "10") + fld(14, "0")
                        + fld(6, "0"));
        QTRY_VERIFY_WITH_TIMEOUT(!g.listener.reportsFor("A1").empty(), 5000);
        QCOMPARE(g.listener.reportsFor("A1").front().price, Price(1800));
    }

    void aRefusedRequestChangesNothing()
    {
        GatewayUnderTest g;
        QVERIFY(g.broker.acceptGateway(10000));
        QVERIFY(g.gateway->waitForLogon(5000));
        RawPeer& b = *g.broker.peer;
        b.send("y", fld(320, "SL1") + fld(322, "B2") + fld(560, "5"));
        QTRY_VERIFY_WITH_TIMEOUT(anyEvent(g.listener, "SecurityRequestResult(560)=5", "stay in force"), 5000);
        QVERIFY(b.sync());
        QVERIFY(g.listener.with([](RecordingListener& l) { return l.securityLists.empty(); }));
    }
};

QTEST_GUILESS_MAIN(TestFixSecurityList)
#include "tst_fix_security_list.moc"
