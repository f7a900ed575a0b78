// Reconciliation after a restart, the engine core driven directly with a fake
// counterparty: what the last session left is carried in, new orders wait until the
// counterparty has answered for every carried order, unjournaled fills are recovered
// once (never twice), orders still working there are cancelled, and the journal written
// on the way replays to the same state and carries over again.
#include "engine/engine_clock.h"
#include "engine/engine_core.h"
#include "fix/sent_orders.h"
#include "journal/journal_codec.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"
#include "session_recovery.h"

#include <QTemporaryDir>
#include <QtTest>

#include <string>
#include <vector>

using namespace hm;

namespace {

class StatusGateway : public OrderGateway {
public:
    void setListener(GatewayListener*) override {}
    void start() override {}
    void stop() override {}
    bool send(const OrderRequest& o, std::string&) override
    {
        sent.push_back(o);
        return true;
    }
    bool cancel(const CancelRequest& c, std::string&) override
    {
        cancels.push_back(c);
        return true;
    }
    bool replace(const ReplaceRequest&, std::string&) override { return true; }
    std::vector<SessionStatus> status() const override { return {}; }
    bool requestOrderStatus(const OrderStatusQuery& q, std::string&) override
    {
        queries.push_back(q);
        return true;
    }
    bool supportsMassStatus() const override { return mass; }
    bool requestMassStatus(const std::string& reqId, std::string&) override
    {
        massRequests.push_back(reqId);
        return true;
    }

    bool mass = false;
    std::vector<OrderRequest> sent;
    std::vector<CancelRequest> cancels;
    std::vector<OrderStatusQuery> queries;
    std::vector<std::string> massRequests;
};

EngineConfig config()
{
    EngineConfig c;
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    c.instruments = {i};
    c.clOrdIdPrefix = "NEW-";
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

// Long 300 at 99.50; a buy of 500 at 99.90 journaled with 100 filled; a buy of 200 at
// 99.80 the journal never saw (only the FIX store has it).
CarryIn lastSession()
{
    CarryIn c;
    c.from = "/data/journal/previous.db";
    c.positions.push_back(CarryPositionRecord{"HMX", 300, 9950.0, c.from});
    CarryOrderRecord a;
    a.clOrdId = "OLD-1";
    a.currentClOrdId = "OLD-1";
    a.orderId = "V1";
    a.symbol = "HMX";
    a.qty = 500;
    a.cumQty = 100;
    a.leavesQty = 400;
    a.price = 9990;
    a.avgPx = 99.90;
    a.status = OrderStatus::PartiallyFilled;
    a.source = "journal";
    a.owner = "twap-1";
    CarryOrderRecord b = a;
    b.clOrdId = b.currentClOrdId = "OLD-2";
    b.orderId.clear();
    b.qty = 200;
    b.cumQty = 0;
    b.leavesQty = 200;
    b.price = 9980;
    b.avgPx = 0;
    b.status = OrderStatus::PendingNew;
    b.source = "fix-store";
    b.owner.clear();
    c.orders = {a, b};
    return c;
}

ExecutionReport statusAnswer(const std::string& clOrdId, OrderStatus status, Quantity orderQty, Quantity cum,
                             double avgPx)
{
    static int exec = 0;
    ExecutionReport r;
    r.clOrdId = clOrdId;
    r.orderId = "V-" + clOrdId;
    r.execId = "S" + std::to_string(++exec);
    r.execType = ExecType::OrderStatus;
    r.ordStatus = status;
    r.symbol = "HMX";
    r.side = Side::Buy;
    r.orderQty = orderQty;
    r.cumQty = cum;
    r.leavesQty = status == OrderStatus::Filled || status == OrderStatus::Canceled || status == OrderStatus::Rejected
        ? 0
        : orderQty - cum;
    r.avgPx = avgPx;
    return r;
}

SessionEvent logon() { return SessionEvent{"FIX.4.4:HELMSMAN->HMVENUE", SessionEventKind::Logon, "logged on", 0}; }

const PositionView* position(const EngineSnapshot& s, const std::string& symbol)
{
    for (const auto& p : s.positions)
        if (p.position.symbol == symbol)
            return &p;
    return nullptr;
}

const OrderRecord* order(const EngineSnapshot& s, const std::string& id)
{
    for (const auto& o : s.orders)
        if (o.clOrdId == id)
            return &o;
    return nullptr;
}

OrderRequest deskBuy()
{
    OrderRequest o;
    o.symbol = "HMX";
    o.qty = 100;
    o.price = 9990;
    return o;
}

bool feedHas(const std::vector<FeedItem>& feed, const std::string& kind, const std::string& text)
{
    for (const auto& f : feed)
        if (f.kind == kind && f.text.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestReconcile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ordersWaitUntilEveryCarriedOrderIsAnswered()
    {
        ManualClock clock;
        StatusGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        bool started = false;
        core.handle(WhenReconciled{[&] { started = true; }});
        QVERIFY(started); // nothing carried in yet: nothing to wait for
        started = false;
        core.handle(lastSession());
        core.handle(WhenReconciled{[&] { started = true; }});
        QVERIFY(!started);
        SnapshotPtr s = core.publish();
        QCOMPARE(position(*s, "HMX")->position.qty, Quantity(300));
        QCOMPARE(order(*s, "OLD-1")->cumQty, Quantity(100));
        // Before the counterparty answers, the desk's order is refused by name, and
        // nothing is asked before the logon.
        core.submit(deskBuy(), Origin::desk("trader"));
        QVERIFY(venue.sent.empty());
        QVERIFY(venue.queries.empty());
        s = core.publish();
        QVERIFY(feedHas(s->newFeed, "denial", "reconciling"));
        core.handle(logon());
        QCOMPARE(venue.queries.size(), std::size_t(2));
        QCOMPARE(venue.queries[0].clOrdId, std::string("OLD-1"));
        QCOMPARE(venue.queries[1].clOrdId, std::string("OLD-2"));
        QVERIFY(venue.queries[0].reqId != venue.queries[1].reqId);
        // OLD-1 had filled 300 in all (avg 99.90 on the first 100, then 200 at 99.96):
        // 200 are recovered at the price the averages imply.
        ExecutionReport a = statusAnswer("OLD-1", OrderStatus::PartiallyFilled, 500, 300, (100 * 99.90 + 200 * 99.96) / 300);
        a.ordStatusReqId = venue.queries[0].reqId;
        core.handle(a);
        QVERIFY(!started);
        ExecutionReport b = statusAnswer("OLD-2", OrderStatus::Rejected, 200, 0, 0);
        b.ordStatusReqId = venue.queries[1].reqId;
        b.text = "unknown order OLD-2";
        core.handle(b);
        QVERIFY(started);
        s = core.publish();
        QCOMPARE(position(*s, "HMX")->position.qty, Quantity(500)); // 300 carried + 200 recovered
        QCOMPARE(order(*s, "OLD-1")->cumQty, Quantity(300));
        QCOMPARE(order(*s, "OLD-2")->status, OrderStatus::Rejected);
        bool recovered = false;
        for (const auto& f : s->newFills)
            recovered = recovered || (f.clOrdId == "OLD-1" && f.qty == 200 && f.price == 9996);
        QVERIFY(recovered);
        // Still working there, its owner gone: cancelled.
        QCOMPARE(venue.cancels.size(), std::size_t(1));
        QCOMPARE(venue.cancels[0].origClOrdId, std::string("OLD-1"));
        QVERIFY(feedHas(s->newFeed, "reconcile", "1 fill(s) recovered (200 in all)"));
        QVERIFY(feedHas(s->newFeed, "reconcile", "1 never reached it"));
        // A late or repeated answer books nothing more; new orders go.
        core.handle(a);
        QCOMPARE(core.publish()->positions.front().position.qty, Quantity(500));
        core.submit(deskBuy(), Origin::desk("trader"));
        QCOMPARE(venue.sent.size(), std::size_t(1));
    }

    void aMassStatusAnswersForAllAndAnOrderMissingFromItNeverArrived()
    {
        ManualClock clock;
        StatusGateway venue;
        venue.mass = true;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(lastSession());
        core.handle(logon());
        QVERIFY(venue.queries.empty());
        QCOMPARE(venue.massRequests.size(), std::size_t(1));
        const std::string id = venue.massRequests[0];
        ExecutionReport other = statusAnswer("ANCIENT-7", OrderStatus::Filled, 100, 100, 99.0);
        other.massStatusReqId = id;
        other.totNumReports = 2;
        core.handle(other);
        ExecutionReport a = statusAnswer("OLD-1", OrderStatus::Filled, 500, 500, 99.90);
        a.massStatusReqId = id;
        a.totNumReports = 2;
        a.lastRptRequested = true;
        core.handle(a);
        const SnapshotPtr s = core.publish();
        QCOMPARE(position(*s, "HMX")->position.qty, Quantity(700)); // 300 + the 400 OLD-1 filled after the journal
        QCOMPARE(order(*s, "OLD-1")->status, OrderStatus::Filled);
        QCOMPARE(order(*s, "OLD-2")->status, OrderStatus::Rejected); // not in the list: never arrived
        QVERIFY(!order(*s, "ANCIENT-7"));
        QVERIFY(venue.cancels.empty()); // nothing of ours works there any more
        QVERIFY(feedHas(s->newFeed, "reconcile", "(mass status)"));
        QVERIFY(feedHas(s->newFeed, "reconcile", "1 report(s) about orders of earlier sessions"));
    }

    void aSilentCounterpartyOpensTheGateAfterTheTimeoutAndSaysSo()
    {
        ManualClock clock;
        StatusGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        core.handle(lastSession());
        core.handle(logon());
        bool started = false;
        core.handle(WhenReconciled{[&] { started = true; }});
        clock.advanceMs(9000);
        core.tick();
        QVERIFY(!started);
        clock.advanceMs(1500);
        core.tick();
        QVERIFY(started);
        const SnapshotPtr s = core.publish();
        QVERIFY(feedHas(s->newFeed, "reconcile", "reconciliation incomplete after 10 s: 2 of 2 order(s) unanswered"));
        QVERIFY(venue.cancels.empty()); // unanswered orders are left as they are: their reports still apply
        core.submit(deskBuy(), Origin::desk("trader"));
        QCOMPARE(venue.sent.size(), std::size_t(1));
        // A late answer is an ordinary report: still booked by CumQty, once.
        ExecutionReport late = statusAnswer("OLD-1", OrderStatus::PartiallyFilled, 500, 200, 99.92);
        late.ordStatusReqId = venue.queries[0].reqId;
        core.handle(late);
        QCOMPARE(order(*core.publish(), "OLD-1")->cumQty, Quantity(200));
    }

    void theJournalReplaysToTheSameStateAndCarriesOverAgain()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/j.db";
        ManualClock clock;
        StatusGateway venue;
        std::uint64_t liveHash = 0;
        {
            JournalOptions jo;
            jo.path = path;
            JournalWriter journal(jo);
            journal.start();
            EngineCore core(config(), venue, &journal, &clock);
            core.journalStart();
            for (const auto& i : config().instruments)
                journal.append(encode(InstrumentConfigRecord{i}, clock.wallNs()));
            journal.append(encode(ConfigRecord{"clordid-prefix", "NEW-", ""}, clock.wallNs()));
            core.handle(market());
            core.handle(lastSession());
            core.handle(logon());
            // Resent at logon: the last session's replace of OLD-1, under an id this journal
            // never had. The live engine finds the order by OrigClOrdID; the replay can only
            // if the journal keeps it (and the new quantity and price).
            ExecutionReport replaced = statusAnswer("OLD-1R", OrderStatus::PartiallyFilled, 600, 100, 99.90);
            replaced.execType = ExecType::Replaced;
            replaced.origClOrdId = "OLD-1";
            replaced.price = 9995;
            replaced.possDup = true;
            core.handle(replaced);
            QCOMPARE(order(*core.publish(), "OLD-1")->qty, Quantity(600));
            ExecutionReport a = statusAnswer("OLD-1R", OrderStatus::PartiallyFilled, 600, 300, 99.94);
            a.ordStatusReqId = venue.queries[0].reqId;
            core.handle(a);
            ExecutionReport b = statusAnswer("OLD-2", OrderStatus::New, 200, 0, 0);
            b.ordStatusReqId = venue.queries[1].reqId;
            core.handle(b);
            QCOMPARE(venue.cancels.size(), std::size_t(2)); // both still working there: cancelled
            clock.advanceMs(10);
            core.journalStateHash();
            liveHash = core.stateHash();
            journal.flush();
            journal.stop();
        }
        JournalReader reader(path);
        std::vector<JournalRecord> records;
        reader.forEach(1, reader.maxSeq(), [&](JournalRecord& r) { records.push_back(r); });
        for (const auto& r : records) {
            std::string error;
            QVERIFY2(decodesCleanly(r, &error), error.c_str());
        }
        QCOMPARE(reader.count(RecordKind::CarryPosition), std::int64_t(1));
        QCOMPARE(reader.count(RecordKind::CarryOrder), std::int64_t(2));
        EngineConfig c = config();
        c.replay = true;
        StatusGateway none;
        EngineCore replay(c, none, nullptr);
        replay.handle(ReplayBatch{records, false});
        QVERIFY(none.sent.empty() && none.cancels.empty() && none.queries.empty());
        QCOMPARE(replay.stateHash(), liveHash);
        QCOMPARE(replay.publish()->replay.hashMismatches, std::uint64_t(0));
        // The next session starts from here: long 500, both orders waiting for their cancels.
        const PreviousSession next = readPreviousSession(path);
        QCOMPARE(next.clOrdIdPrefix, std::string("NEW-"));
        QCOMPARE(next.carry.positions.size(), std::size_t(1));
        QCOMPARE(next.carry.positions[0].qty, Quantity(500));
        QCOMPARE(next.carry.orders.size(), std::size_t(2));
        QCOMPARE(next.carry.orders[0].clOrdId, std::string("OLD-1"));
        QCOMPARE(next.carry.orders[0].cumQty, Quantity(300));
        QCOMPARE(next.carry.orders[0].qty, Quantity(600));
        QCOMPARE(next.carry.orders[0].price, Price(9995));
        QCOMPARE(next.carry.orders[0].status, OrderStatus::PendingCancel);
        QVERIFY(next.clOrdIds.count("OLD-2"));
    }

    void onlyTheLastSessionsUnjournaledOrdersComeFromTheFixStore()
    {
        PreviousSession p;
        p.clOrdIdPrefix = "HMABC-";
        p.clOrdIds = {"HMABC-1", "HMABC-2"};
        std::vector<SentOrderMessage> sent(5);
        sent[0].clOrdId = "HMABC-1"; // journaled
        sent[1].clOrdId = "HMABC-3"; // reached the wire, not the journal
        sent[1].qty = 300;
        sent[1].price = 9970;
        sent[1].side = Side::Sell;
        sent[2].clOrdId = "HMXYZ-9"; // an earlier session's, settled by its own successor
        sent[3].clOrdId = "HMABC-4";
        sent[3].msgType = 'F'; // a cancel: nothing to carry
        sent[3].origClOrdId = "HMABC-1";
        sent[4].clOrdId = "HMABC-3"; // the same message stored twice counts once
        for (auto& m : sent)
            m.symbol = "HMX";
        QCOMPARE(addUnjournaledOrders(p, sent), std::size_t(1));
        QCOMPARE(p.carry.orders.size(), std::size_t(1));
        const CarryOrderRecord& o = p.carry.orders[0];
        QCOMPARE(o.clOrdId, std::string("HMABC-3"));
        QCOMPARE(o.source, std::string("fix-store"));
        QCOMPARE(o.status, OrderStatus::PendingNew);
        QCOMPARE(o.qty, Quantity(300));
        QCOMPARE(o.side, Side::Sell);
        // The cancel of HMABC-1 is an alias of nothing carried; a replace of a carried
        // order, then a replace of that, are the ids the counterparty may report it by.
        PreviousSession replaced;
        replaced.clOrdIdPrefix = "HMABC-";
        replaced.carry.orders.push_back(o);
        std::vector<SentOrderMessage> chain(2);
        chain[0].msgType = chain[1].msgType = 'G';
        chain[0].clOrdId = "HMABC-8";
        chain[0].origClOrdId = "HMABC-3";
        chain[1].clOrdId = "HMABC-9";
        chain[1].origClOrdId = "HMABC-8";
        QCOMPARE(addUnjournaledOrders(replaced, chain), std::size_t(0));
        QCOMPARE(replaced.carry.orders[0].aliases, (std::vector<std::string>{"HMABC-8", "HMABC-9"}));
        PreviousSession older; // no prefix recorded: nothing can be told apart
        QCOMPARE(addUnjournaledOrders(older, sent), std::size_t(0));
    }

    void storedMessagesAreReadBackAsOrders()
    {
        Instrument i;
        i.symbol = "HMX";
        i.tickSize = 0.01;
        auto msg = [](const std::string& body) {
            std::string m = body;
            for (char& c : m)
                if (c == '|')
                    c = '\x01';
            return m;
        };
        std::vector<std::string> skipped;
        const auto orders = readSentOrders(
            {msg("8=FIX.4.4|9=99|35=D|34=17|49=HELMSMAN|56=HMVENUE|11=HM1-5|55=HMX|54=2|38=300|40=2|44=99.70|59=0|10=000|"),
             msg("8=FIX.4.4|9=50|35=0|34=18|10=000|"),                               // a heartbeat
             msg("8=FIX.4.4|9=70|35=G|34=19|11=HM1-6|41=HM1-5|55=HMX|54=2|38=400|40=2|44=99.71|10=000|"),
             msg("8=FIX.4.4|9=70|35=D|34=20|11=HM1-7|55=HMX|54=1|38=1.5|40=2|44=99.70|10=000|"), // not a whole quantity
             msg("8=FIX.4.4|9=70|35=D|34=21|55=HMX|54=1|38=100|40=2|44=99.70|10=000|")},      // no ClOrdID
            {i}, skipped);
        QCOMPARE(orders.size(), std::size_t(2));
        QCOMPARE(orders[0].msgType, 'D');
        QCOMPARE(orders[0].seq, 17);
        QCOMPARE(orders[0].clOrdId, std::string("HM1-5"));
        QCOMPARE(orders[0].side, Side::Sell);
        QCOMPARE(orders[0].qty, Quantity(300));
        QCOMPARE(orders[0].price, Price(9970));
        QCOMPARE(orders[1].msgType, 'G');
        QCOMPARE(orders[1].origClOrdId, std::string("HM1-5"));
        QCOMPARE(skipped.size(), std::size_t(2));
        QVERIFY2(skipped[0].find("stored message 20") != std::string::npos && skipped[0].find("OrderQty(38)") != std::string::npos,
                 skipped[0].c_str());
        QVERIFY2(skipped[1].find("ClOrdID(11)") != std::string::npos, skipped[1].c_str());
    }

    void carryRecordsRoundTripAndBadOnesAreRefusedByName()
    {
        const CarryIn c = lastSession();
        CarryPositionRecord p;
        QVERIFY(decode(encode(c.positions[0], 1), p));
        QCOMPARE(p.qty, Quantity(300));
        QCOMPARE(p.avgCostTicks, 9950.0);
        QCOMPARE(p.from, c.from);
        CarryOrderRecord o;
        CarryOrderRecord owned = c.orders[0];
        owned.owner = "desk|odd=name"; // the owner is free text, last
        owned.aliases = {"OLD-7", "OLD-9"};
        QVERIFY(decode(encode(owned, 1), o));
        QCOMPARE(o.owner, owned.owner);
        QCOMPARE(o.aliases, owned.aliases);
        QCOMPARE(o.avgPx, 99.90);
        QCOMPARE(o.status, OrderStatus::PartiallyFilled);
        QCOMPARE(o.leavesQty, Quantity(400));
        JournalRecord bad = encode(c.orders[0], 1);
        bad.aux = 900; // more filled than ordered
        std::string why;
        QVERIFY(!decode(bad, o, &why));
        QVERIFY2(why.find("quantities") != std::string::npos, why.c_str());
        bad = encode(c.orders[0], 1);
        bad.text.replace(bad.text.find("status=PartiallyFilled"), 22, "status=Bogus");
        QVERIFY(!decodesCleanly(bad, &why));
        QVERIFY2(why.find("'Bogus'") != std::string::npos, why.c_str());
        // A report keeps its OrigClOrdID and a replace's new quantity and price, for the
        // replay of a session whose requests were the last one's.
        ExecutionReport replaced = statusAnswer("R-2", OrderStatus::New, 700, 0, 0);
        replaced.execType = ExecType::Replaced;
        replaced.origClOrdId = "R-1";
        replaced.price = 9991;
        replaced.text = "moved | twice";
        ExecReportRecord back;
        QVERIFY(decode(encode(ExecReportRecord::from(replaced), 1), back));
        QCOMPARE(back.origClOrdId, std::string("R-1"));
        QCOMPARE(back.orderQty, Quantity(700));
        QCOMPARE(back.price, Price(9991));
        QCOMPARE(back.text, replaced.text);
        JournalRecord badReport = encode(ExecReportRecord::from(replaced), 1);
        badReport.text.replace(badReport.text.find("qty=700"), 7, "qty=lots");
        QVERIFY(!decode(badReport, back, &why));
        QVERIFY2(why.find("'qty=lots'") != std::string::npos, why.c_str());
        JournalRecord badPosition = encode(c.positions[0], 1);
        badPosition.text = "avg_cost=-3|from=x";
        QVERIFY(!decode(badPosition, p, &why));
    }
};

QTEST_GUILESS_MAIN(TestReconcile)
#include "tst_reconcile.moc"
