// The engine core driven directly, one input at a time, on a manual clock and a fake
// gateway: no thread, no polling. Each input's effect is there when handle() returns.
// The order router and the market state are exercised on their own as well.
#include "engine/activity_log.h"
#include "engine/engine_clock.h"
#include "engine/engine_core.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "journal/journal_codec.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"
#include "engine_test_support.h"

#include <QtTest>

#include <memory>
#include <string>
#include <vector>

using namespace hm;

class TestEngineCore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A kill's own cancel that the venue refuses (a replace it accepted first made the
    // cancel's id stale) is sent once more; a second refusal is left to the trader.
    void aKillsRefusedCancelIsSentOnceMore()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9980;
        const std::string id = core.submit(o, Origin::script());
        core.handle(report(id, ExecType::New, OrderStatus::New, 100, 0, 0, 0, clock.monoNs()));
        core.handle(KillAll{Actor{"t", Role::Trader}, "drill", {}, clock.monoNs()});
        QCOMPARE(venue.cancels.size(), std::size_t(1));
        auto refuse = [&](const CancelRequest& c) {
            CancelReject rej;
            rej.orderId = "V-" + id;
            rej.clOrdId = c.clOrdId;
            rej.origClOrdId = c.origClOrdId;
            rej.ordStatus = OrderStatus::New;
            rej.text = "unknown order";
            core.handle(rej);
        };
        refuse(venue.cancels.back());
        QCOMPARE(venue.cancels.size(), std::size_t(2)); // cancelled again
        QCOMPARE(venue.cancels.back().origClOrdId, venue.cancels.front().origClOrdId);
        refuse(venue.cancels.back());
        QCOMPARE(venue.cancels.size(), std::size_t(2)); // once only: no loop against a venue that refuses
        const SnapshotPtr s = core.publish(); // holds the record read below
        const OrderRecord* rec = order(*s, id);
        QVERIFY(rec && !isTerminal(rec->status)); // still working: the blotter shows it, the trader decides
    }
    void submitAckFillRoundTrip()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9990;
        const std::string id = core.submit(o, Origin::script());
        QCOMPARE(id, std::string("T-1"));
        QCOMPARE(venue.sent.size(), std::size_t(1)); // sent within submit(): nothing to wait for
        QCOMPARE(venue.sent.front().clOrdId, id);
        clock.advance(250000); // the venue answers 250 us later
        core.handle(report(id, ExecType::New, OrderStatus::New, 100, 0, 0, 0, clock.monoNs()));
        clock.advanceMs(5);
        core.handle(report(id, ExecType::Trade, OrderStatus::Filled, 0, 100, 100, 9990, clock.monoNs()));
        const SnapshotPtr s = core.publish();
        const OrderRecord* rec = order(*s, id);
        QVERIFY(rec);
        QCOMPARE(rec->status, OrderStatus::Filled);
        QCOMPARE(rec->cumQty, Quantity(100));
        QCOMPARE(s->counters.ordersSent, std::uint64_t(1));
        QCOMPARE(s->counters.fills, std::uint64_t(1));
        QCOMPARE(s->newFills.size(), std::size_t(1));
        QCOMPARE(s->positions.size(), std::size_t(1));
        QCOMPARE(s->positions.front().position.qty, Quantity(100));
        // The round trip runs from the send to the first report, on the core's clock.
        QCOMPARE(s->roundTrip.samples, std::uint64_t(1));
        QCOMPARE(s->roundTrip.p50us, 250.0);
        QCOMPARE(core.roundTripsSince(0), std::vector<double>{250.0});
        QVERIFY(s->books.front().ownBids.empty()); // nothing of ours rests any more
        QCOMPARE(s->time, clock.wallNs());
    }

    void riskDenialNeverReachesTheVenue()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineConfig c = config();
        c.limits.maxOrderQty = 50;
        EngineCore core(c, venue, nullptr, &clock);
        core.handle(market());
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9990;
        const std::string id = core.submit(o, Origin::script());
        QVERIFY(venue.sent.empty());
        const SnapshotPtr s = core.publish();
        const OrderRecord* rec = order(*s, id);
        QVERIFY(rec);
        QCOMPARE(rec->status, OrderStatus::Rejected);
        QVERIFY2(rec->text.find("order_qty") != std::string::npos, rec->text.c_str());
        QCOMPARE(s->counters.ordersDenied, std::uint64_t(1));
        QCOMPARE(s->risk.denials, std::uint64_t(1));
        bool denialInFeed = false;
        for (const auto& f : s->newFeed)
            denialInFeed = denialInFeed || (f.kind == "denial" && f.text.find("BUY 100 HMX @ 99.90") != std::string::npos);
        QVERIFY(denialInFeed);
        // A send the gateway refuses is a failure with its reason, and the gate forgets the order.
        c.limits.maxOrderQty = 1000;
        EngineCore second(c, venue, nullptr, &clock);
        second.handle(market());
        venue.refuseSends = true;
        const std::string failed = second.submit(o, Origin::script());
        const SnapshotPtr t = second.publish();
        QCOMPARE(order(*t, failed)->status, OrderStatus::Rejected);
        QVERIFY2(order(*t, failed)->text.find("session down") != std::string::npos, order(*t, failed)->text.c_str());
        QVERIFY(second.state().router.m_gateLeaves.empty());
        QCOMPARE(second.state().router.m_gate.openOrders(), std::size_t(0));
    }

    void killingAnAgentCancelsItsOrders()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        const Actor trader{"t", Role::Trader};
        Answer added, started, killed;
        core.handle(AddAgent{spec("a"), trader, added.reply(), std::make_shared<OneShotAgent>(), ""});
        core.handle(ControlAgent{"a", AgentAction::Start, trader, "go", started.reply()});
        QVERIFY(!added.called); // answered once a snapshot shows the effect
        core.publish();
        core.answerPending();
        QVERIFY2(added.ok, added.message.c_str());
        QVERIFY2(started.ok, started.message.c_str());
        core.tick();
        QCOMPARE(venue.sent.size(), std::size_t(1));
        const OrderRequest sent = venue.sent.front();
        QCOMPARE(sent.owner, std::string("a"));
        QCOMPARE(sent.price, Price(9990));
        core.handle(report(sent.clOrdId, ExecType::New, OrderStatus::New, 100, 0, 0, 0, clock.monoNs()));
        // An operator's order on the same book is not the agent's to lose.
        OrderRequest mine;
        mine.symbol = "HMX";
        mine.qty = 200;
        mine.price = 9980;
        const std::string own = core.submit(mine, Origin::script());
        core.handle(report(own, ExecType::New, OrderStatus::New, 200, 0, 0, 0, clock.monoNs()));
        core.handle(ControlAgent{"a", AgentAction::Kill, trader, "enough", killed.reply()});
        QCOMPARE(venue.cancels.size(), std::size_t(1));
        QCOMPARE(venue.cancels.front().origClOrdId, sent.clOrdId);
        ExecutionReport done = report(venue.cancels.front().clOrdId, ExecType::Canceled, OrderStatus::Canceled, 0, 0, 0, 0,
                                      clock.monoNs());
        done.origClOrdId = sent.clOrdId;
        core.handle(done);
        const SnapshotPtr s = core.publish();
        core.answerPending();
        QVERIFY2(killed.ok, killed.message.c_str());
        QCOMPARE(s->agents.size(), std::size_t(1));
        QCOMPARE(s->agents.front().state, AgentState::Killed);
        QCOMPARE(s->agents.front().working, 0);
        QCOMPARE(order(*s, sent.clOrdId)->status, OrderStatus::Canceled);
        QCOMPARE(order(*s, own)->status, OrderStatus::New);
        bool audited = false;
        for (const auto& f : s->newFeed)
            audited = audited || (f.kind == "audit" && f.text.find("kill") != std::string::npos);
        QVERIFY(audited);
    }

    void anApprovalTimesOutWhenTheClockSaysSo()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        const Actor trader{"t", Role::Trader};
        AgentSpec a = spec("careful");
        a.policy.approval = ApprovalMode::EveryOrder;
        a.policy.approvalTimeoutS = 2;
        a.policy.onTimeout = TimeoutDefault::Drop;
        core.handle(AddAgent{a, trader, {}, std::make_shared<OneShotAgent>(), ""});
        core.handle(ControlAgent{"careful", AgentAction::Start, trader, "go", {}});
        core.tick();
        QVERIFY(venue.sent.empty());
        SnapshotPtr s = core.publish();
        QCOMPARE(s->approvals.size(), std::size_t(1));
        QCOMPARE(s->approvals.front().deadline - s->approvals.front().created, Timestamp(2000000000));
        QCOMPARE(s->newDecisions.size(), std::size_t(1));
        QCOMPARE(s->newDecisions.front().outcome, std::string("awaiting approval"));
        clock.advanceMs(1900);
        core.tick();
        QCOMPARE(core.publish()->approvals.size(), std::size_t(1)); // not yet
        clock.advanceMs(200);
        core.tick();
        s = core.publish();
        QVERIFY(s->approvals.empty());
        QVERIFY(venue.sent.empty());
        QCOMPARE(s->agents.front().dropped, std::uint64_t(1));
        QVERIFY2(s->agents.front().lastDecision.find("approval timed out") != std::string::npos,
                 s->agents.front().lastDecision.c_str());
        QCOMPARE(s->newDecisions.size(), std::size_t(1));
        QCOMPARE(s->newDecisions.front().outcome, std::string("dropped"));
        QCOMPARE(s->newDecisions.front().note, std::string("approval timed out"));
    }

    void aReplayCoreRefusesCommandsAndSendsNothing()
    {
        FakeGateway venue;
        EngineConfig c = config();
        c.replay = true;
        EngineCore core(c, venue, nullptr);
        Answer refused;
        core.handle(KillAll{Actor{"t", Role::Trader}, "no", refused.reply(), 0});
        QVERIFY(refused.called && !refused.ok); // at once: nothing was queued
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9990;
        core.submit(o, Origin::script());
        QVERIFY(venue.sent.empty());
        QVERIFY(!core.publish()->risk.killed);
        // Time is the records'.
        JournalRecord r;
        r.kind = RecordKind::Trade;
        r.symbol = "HMX";
        r.price = 10000;
        r.qty = 5;
        r.time = 1234567890;
        r.seq = 1;
        core.handle(ReplayBatch{{r}, false});
        QCOMPARE(core.clock().wallNs(), Timestamp(1234567890));
        QCOMPARE(core.replayedSeq(), std::int64_t(1));
    }

    // A tick change leaves no reference in the old ticks (orders wait for market data),
    // and a broker listing thousands of names does not make the session carry them all.
    void aSecurityListForgetsOldTicksAndHasABound()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(market());
        core.publish();
        SecurityListEvent list;
        Instrument hmx = config().instruments.front();
        hmx.tickSize = 0.05;
        list.instruments.push_back(hmx);
        for (int i = 0; i < 300; ++i) {
            Instrument x;
            x.symbol = "N" + std::to_string(i);
            x.tickSize = 0.01;
            list.instruments.push_back(x);
        }
        core.handle(list);
        const SnapshotPtr s = core.publish();
        QCOMPARE(s->books.size(), std::size_t(200));
        bool told = false;
        for (const auto& f : s->newFeed)
            told = told || f.text.find("101 instrument(s) from the counterparty's security list not added") == 0;
        QVERIFY(told);
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 10;
        o.price = 1996; // 99.80 in the new ticks
        core.submit(o, Origin::script());
        QVERIFY(venue.sent.empty());
        const SnapshotPtr after = core.publish();
        QCOMPARE(after->risk.denials, std::uint64_t(1));
        bool noReference = false;
        for (const auto& f : after->newFeed)
            noReference = noReference || f.text.find("no reference price for HMX") != std::string::npos;
        QVERIFY(noReference);
    }

    // A listed symbol is an instrument's name for limits and ctl too: BRK/B is adopted
    // and can have its own limit; a symbol no limit could name is left out and said so.
    void securityListSymbolsFollowTheInstrumentRule()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(config(), venue, nullptr, &clock);
        core.publish();
        Instrument brk, spaced, separated;
        brk.symbol = "BRK/B";
        spaced.symbol = "BAD SYM";
        separated.symbol = "X=1,Y";
        for (Instrument* i : {&brk, &spaced, &separated})
            i->tickSize = 0.01;
        core.handle(SecurityListEvent{"S", "SL1", {brk, spaced, separated}, 0});
        const SnapshotPtr s = core.publish();
        QCOMPARE(s->books.size(), std::size_t(2));
        QCOMPARE(s->books[1].instrument.symbol, std::string("BRK/B"));
        int alerts = 0;
        for (const auto& f : s->newFeed)
            alerts += f.text == "2 security list entries left out: 'BAD SYM' is not an instrument symbol (the first of them)";
        QCOMPARE(alerts, 1); // one alert for all of them
        const Actor rm{"r", Role::RiskManager};
        bool ok = false;
        std::string answer;
        core.handle(ChangeLimits{{{"max_position@BRK/B", "5"}}, rm, "thin name", [&](bool k, const std::string& m) {
                                     ok = k;
                                     answer = m;
                                 }});
        core.publish();
        core.answerPending();
        QVERIFY2(ok, answer.c_str());
        QCOMPARE(core.state().router.m_gate.limits().forInstrument("BRK/B").maxPosition, 5.0);
    }

    // The counterparty's security list: a matching instrument changes nothing, a changed
    // tick is adopted and raised, a new instrument becomes tradable and is journaled.
    void aSecurityListAddsAndAdoptsInstruments()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/j.db";
        ManualClock clock;
        FakeGateway venue;
        {
            JournalOptions jo;
            jo.path = path;
            JournalWriter journal(jo);
            journal.start();
            EngineCore core(config(), venue, &journal, &clock);
            core.publish(); // the feed from here on
            SecurityListEvent same;
            same.instruments = {config().instruments.front()};
            core.handle(same);
            QVERIFY(core.publish()->newFeed.empty());
            Instrument hmx = config().instruments.front(), abc;
            hmx.tickSize = 0.05;
            abc.symbol = "ABC";
            abc.tickSize = 0.05;
            abc.lotSize = 10;
            core.handle(SecurityListEvent{"S", "SL1", {hmx, abc}, 0});
            const SnapshotPtr s = core.publish();
            QCOMPARE(s->books.size(), std::size_t(2));
            QCOMPARE(s->books[0].instrument.tickSize, 0.05);
            QCOMPARE(s->books[1].instrument.symbol, std::string("ABC"));
            QCOMPARE(s->books[1].instrument.lotSize, Quantity(10));
            QCOMPARE(s->newFeed.size(), std::size_t(2));
            QCOMPARE(s->newFeed[0].kind, std::string("alert"));
            QCOMPARE(s->newFeed[0].text, std::string("HMX tick 0.01 -> 0.05 from the counterparty's security list"));
            QVERIFY2(s->newFeed[1].text.find("ABC added") == 0, s->newFeed[1].text.c_str());
            // The new instrument trades: an order for it passes the gate and is sent.
            core.handle(MarketDataSnapshot{"ABC", {{1880, 100}}, {{1890, 100}}, 0});
            OrderRequest o;
            o.symbol = "ABC";
            o.qty = 10;
            o.price = 1880;
            core.submit(o, Origin::script());
            QCOMPARE(venue.sent.size(), std::size_t(1));
            QCOMPARE(venue.sent.front().symbol, std::string("ABC"));
            journal.flush();
            journal.stop();
        }
        JournalReader reader(path);
        std::vector<Instrument> journaled;
        reader.forEach(1, reader.maxSeq(), [&](JournalRecord& r) {
            InstrumentConfigRecord i;
            if (decode(r, i))
                journaled.push_back(i.instrument);
        });
        QCOMPARE(journaled.size(), std::size_t(2));
        QCOMPARE(journaled[0].symbol, std::string("HMX"));
        QCOMPARE(journaled[0].tickSize, 0.05);
        QCOMPARE(journaled[1].symbol, std::string("ABC"));
    }

    // Everything the core journals decodes through the codec, and replaying it (no thread,
    // nothing sent) rebuilds the very state the live core had.
    void aJournalWrittenByTheCoreReplaysToTheSameState()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/j.db";
        ManualClock clock;
        FakeGateway venue;
        const Actor trader{"t", Role::Trader}, rm{"rm", Role::RiskManager};
        std::uint64_t liveHash = 0;
        Quantity filled = 0;
        {
            JournalOptions jo;
            jo.path = path;
            JournalWriter journal(jo);
            journal.start();
            EngineCore core(config(), venue, &journal, &clock);
            core.journalStart();
            core.handle(market());
            std::vector<AgentSpec> specs;
            std::string error;
            QVERIFY2(parseAgentSpecs(R"({"agents": [{"id": "tw", "type": "twap", "instrument": "HMX",
                "params": {"side": "buy", "quantity": 1000, "duration_s": 10, "slice_s": 0.5, "lot": 100},
                "oversight": {"stale_data_s": 0}, "throttle": {"max_orders_per_second": 100}}]})",
                                     "test", specs, error),
                     error.c_str());
            core.addAgent(specs.front(), trader);
            core.handle(ControlAgent{"tw", AgentAction::Start, trader, "go", {}});
            std::size_t acked = 0;
            auto ackNew = [&] {
                for (; acked < venue.sent.size(); ++acked)
                    core.handle(report(venue.sent[acked].clOrdId, ExecType::New, OrderStatus::New, venue.sent[acked].qty, 0,
                                       0, 0, clock.monoNs()));
            };
            for (int i = 0; i < 40; ++i) {
                clock.advanceMs(50);
                core.tick();
                ackNew();
            }
            QVERIFY(venue.sent.size() >= 2);
            const OrderRequest first = venue.sent.front();
            filled = first.qty;
            core.handle(report(first.clOrdId, ExecType::Trade, OrderStatus::Filled, 0, first.qty, first.qty, first.price,
                               clock.monoNs()));
            core.handle(ChangeLimits{{{"max_order_qty", "50"}}, rm, "tighten", {}});
            OrderRequest big;
            big.symbol = "HMX";
            big.qty = 100;
            big.price = 9980;
            core.submit(big, Origin::script()); // denied by the new limit
            core.handle(MarketDataUpdate{"HMX", {LevelChange{Side::Sell, LevelAction::Change, 10010, 700}},
                                         {Trade{"HMX", 10010, 300, clock.wallNs()}}});
            core.handle(KillAll{trader, "drill", {}, clock.monoNs()});
            QVERIFY(!venue.cancels.empty());
            for (const CancelRequest& c : venue.cancels) {
                ExecutionReport gone = report(c.clOrdId, ExecType::Canceled, OrderStatus::Canceled, 0, 0, 0, 0, clock.monoNs());
                gone.origClOrdId = c.origClOrdId;
                core.handle(gone);
            }
            core.journalStateHash();
            liveHash = core.stateHash();
            QVERIFY(core.publish()->risk.killed);
            journal.flush();
            journal.stop();
        }
        JournalReader reader(path);
        std::vector<JournalRecord> records;
        reader.forEach(1, reader.maxSeq(), [&](JournalRecord& r) { records.push_back(r); });
        QVERIFY(records.size() > 20);
        for (const auto& r : records) {
            std::string error;
            QVERIFY2(decodesCleanly(r, &error), error.c_str());
        }
        EngineConfig c = config();
        c.replay = true;
        FakeGateway none;
        EngineCore replay(c, none, nullptr);
        replay.handle(ReplayBatch{records, false});
        QVERIFY(none.sent.empty() && none.cancels.empty());
        QCOMPARE(replay.stateHash(), liveHash);
        const SnapshotPtr s = replay.publish();
        QCOMPARE(s->replay.hashChecks, std::uint64_t(1));
        QCOMPARE(s->replay.hashMismatches, std::uint64_t(0));
        QVERIFY(s->risk.killed);
        QCOMPARE(s->agents.size(), std::size_t(1));
        QCOMPARE(s->agents.front().state, AgentState::Killed);
        QCOMPARE(s->agents.front().position, filled);
    }

    // ---- components alone ----
    void theMarketStateKeepsBooksVolumesAndHistories()
    {
        MarketState m;
        m.addInstrument("HMX");
        QCOMPARE(m.twiceMid("HMX"), Price(0));
        QCOMPARE(m.twiceMid("NONE"), Price(0));
        m.apply(market());
        QCOMPARE(m.twiceMid("HMX"), Price(20000));
        const Timestamp t0 = 1000000000000LL;
        QCOMPARE(m.noteMarket("HMX", {Trade{"HMX", 10000, 30, t0}}, t0), Price(20000));
        MarketDataUpdate u;
        u.symbol = "HMX";
        u.changes = {LevelChange{Side::Buy, LevelAction::Change, 9995, 500}};
        u.trades = {Trade{"HMX", 10005, 20, t0}};
        m.apply(u);
        QCOMPARE(m.twiceMid("HMX"), Price(20005));
        m.noteMarket("HMX", u.trades, t0 + 100000000); // 100 ms later: too soon for another mid point
        QCOMPARE(m.volume("HMX"), Quantity(50));
        QCOMPARE(m.m_midHistory["HMX"].size(), std::size_t(1));
        m.noteMarket("HMX", {}, t0 + 300000000);
        QCOMPARE(m.m_midHistory["HMX"].size(), std::size_t(2));
        QCOMPARE(m.m_midHistory["HMX"].back().second, Price(20005));
        QCOMPARE(m.m_newTrades["HMX"].size(), std::size_t(1)); // the update's, for the next snapshot
        const MarketView v = m.view("HMX", t0, 5);
        QCOMPARE(v.tradedVolume, Quantity(50));
        QCOMPARE(v.lastTrade, Price(10005));
        QCOMPARE(v.bids.front().price, Price(9995));
        QCOMPARE(*m.lastData("HMX"), t0 + 300000000);
        QVERIFY(!m.lastData("NONE"));
        // Without a regime model nothing is detected; the features start tracking.
        QVERIFY(!m.observe("HMX", t0, 1, nullptr, 60));
        QCOMPARE(m.m_features.count("HMX"), std::size_t(1));
        // A regime told from outside: a change is in the feed once, and on the timeline.
        const EngineConfig c = config();
        FakeGateway venue;
        ManualClock clock;
        const EngineContext ctx{c, venue, nullptr, clock, [] { return std::string("X"); }};
        ActivityLog log;
        QVERIFY(m.setRegime(ctx, log, SetRegime{"HMX", "volatile", "test"}, false));
        QVERIFY(!m.setRegime(ctx, log, SetRegime{"HMX", "volatile", "test"}, false));
        const auto feed = log.takeFeed();
        QCOMPARE(feed.size(), std::size_t(1));
        QCOMPARE(feed.front().text, std::string("regime unknown -> volatile (test)"));
        m.notePointOfRegime("HMX", t0);
        QCOMPARE(m.m_regimePoints["HMX"].back().detected, std::string("volatile"));
    }

    void theRouterKeepsTheGatesCountUntilAnOrderCloses()
    {
        const EngineConfig c = config();
        FakeGateway venue;
        ManualClock clock;
        int ids = 0;
        const EngineContext ctx{c, venue, nullptr, clock, [&] { return "R-" + std::to_string(++ids); }};
        OrderRouter router;
        router.addInstrument(c.instruments.front());
        router.m_gate.setLimits(c.limits);
        router.m_gate.setReference("HMX", 10000); // the market's mid, which price bands are checked against
        ActivityLog log;
        EngineCounters counters;
        std::mutex trips;
        OrderRequest o;
        o.clOrdId = "A";
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9990;
        QVERIFY2(router.submit(ctx, log, counters, o, Origin::script()), router.m_oms.find("A")->text.c_str());
        QCOMPARE(router.m_gateLeaves.at("A"), Quantity(100));
        QCOMPARE(router.m_gate.openOrders(), std::size_t(1));
        QCOMPARE(router.m_sentAt.count("A"), std::size_t(1));
        // The same id again is refused before the gate or the venue see it.
        OrderRequest again = o;
        again.qty = 300;
        QVERIFY(!router.submit(ctx, log, counters, again, Origin::script()));
        QCOMPARE(venue.sent.size(), std::size_t(1));
        QCOMPARE(counters.ordersDenied, std::uint64_t(1));
        clock.advance(1000);
        router.onExecutionReport(ctx, counters, report("A", ExecType::New, OrderStatus::New, 100, 0, 0, 0, clock.monoNs()),
                                 trips);
        QVERIFY(router.m_sentAt.empty());
        QCOMPARE(router.m_roundTripsUs, std::vector<double>{1.0});
        const ReportResult part =
            router.onExecutionReport(ctx, counters, report("A", ExecType::Trade, OrderStatus::PartiallyFilled, 60, 40, 40, 9990,
                                                           clock.monoNs()),
                                     trips);
        QVERIFY(part.filled);
        QCOMPARE(router.m_gateLeaves.at("A"), Quantity(60));
        QCOMPARE(router.m_gate.working("HMX", Side::Buy), Quantity(60));
        QCOMPARE(router.m_gate.position("HMX"), Quantity(40));
        // Cancel: the request carries the order's current id; the venue's answer closes it.
        router.cancel(ctx, log, "A", Origin::engine());
        QCOMPARE(venue.cancels.size(), std::size_t(1));
        QCOMPARE(venue.cancels.front().clOrdId, std::string("R-1"));
        QCOMPARE(venue.cancels.front().origClOrdId, std::string("A"));
        ExecutionReport gone = report("R-1", ExecType::Canceled, OrderStatus::Canceled, 0, 40, 0, 0, clock.monoNs());
        gone.origClOrdId = "A";
        router.onExecutionReport(ctx, counters, gone, trips);
        QVERIFY(router.m_gateLeaves.empty());
        QCOMPARE(router.m_gate.openOrders(), std::size_t(0));
        QCOMPARE(router.m_gate.working("HMX", Side::Buy), Quantity(0));
        // A cancel of an order that is no longer working sends nothing.
        router.cancel(ctx, log, "A", Origin::engine());
        QCOMPARE(venue.cancels.size(), std::size_t(1));
    }

    void theRouterCancelsOurRestingOrderBeforeOneThatWouldTradeWithIt()
    {
        EngineConfig c = config();
        c.limits.selfTradePolicy = SelfTradePolicy::CancelResting;
        FakeGateway venue;
        ManualClock clock;
        int ids = 0;
        const EngineContext ctx{c, venue, nullptr, clock, [&] { return "R-" + std::to_string(++ids); }};
        OrderRouter router;
        router.addInstrument(c.instruments.front());
        router.m_gate.setLimits(c.limits);
        router.m_gate.setReference("HMX", 10000); // the market's mid, which price bands are checked against
        ActivityLog log;
        EngineCounters counters;
        std::mutex trips;
        OrderRequest sell;
        sell.clOrdId = "S";
        sell.symbol = "HMX";
        sell.side = Side::Sell;
        sell.qty = 100;
        sell.price = 10000;
        QVERIFY(router.submit(ctx, log, counters, sell, Origin::script()));
        ExecutionReport ack = report("S", ExecType::New, OrderStatus::New, 100, 0, 0, 0, clock.monoNs());
        ack.side = Side::Sell;
        router.onExecutionReport(ctx, counters, ack, trips);
        OrderRequest buy;
        buy.clOrdId = "B";
        buy.symbol = "HMX";
        buy.qty = 100;
        buy.price = 10000;
        buy.owner = "agent-x";
        QVERIFY(router.submit(ctx, log, counters, buy, Origin::agent("agent-x")));
        QCOMPARE(venue.cancels.size(), std::size_t(1)); // the resting sell first...
        QCOMPARE(venue.cancels.front().origClOrdId, std::string("S"));
        QCOMPARE(venue.sent.size(), std::size_t(2)); // ...then the buy
        QCOMPARE(venue.sent.back().clOrdId, std::string("B"));
        bool audited = false;
        for (const auto& f : log.takeFeed())
            audited = audited || (f.kind == "audit" && f.text.find("self-trade-cancel") != std::string::npos);
        QVERIFY(audited);
    }
};

QTEST_GUILESS_MAIN(TestEngineCore)
#include "tst_engine_core.moc"
