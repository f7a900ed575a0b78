// What a desk does to one instrument rather than to an agent or to everything. The kill
// levels between one agent and all: an instrument, and a correlated cluster. Each kills
// the agents on its instruments, cancels their working orders and halts them in the
// gate (risk-reducing orders still pass), leaves the rest trading, is journaled, replays
// to the same state, and is lifted by the risk manager's re-arm. And the reference price
// a trader sets for an instrument an order-only broker gives no market data for.
#include "engine/engine_clock.h"
#include "engine/engine_core.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"
#include "engine_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

EngineConfig twoInstruments()
{
    EngineConfig c = config();
    Instrument abc = c.instruments.front();
    abc.symbol = "ABC";
    c.instruments.push_back(abc);
    c.limits.maxPortfolioEs = 1e12;
    c.limits.maxNetNotional = 1e12;
    return c;
}

// A session journaled to a temporary file, then its records for a replay.
struct JournaledSession {
    explicit JournaledSession(EngineConfig c) : config(std::move(c)), journal(options(dir)) { journal.start(); }
    static JournalOptions options(const QTemporaryDir& dir)
    {
        JournalOptions jo;
        jo.path = dir.path().toStdString() + "/j.db";
        return jo;
    }
    void end(EngineCore& core)
    {
        core.journalStateHash();
        liveHash = core.stateHash();
        journal.flush();
        journal.stop();
    }
    std::vector<JournalRecord> records() const
    {
        JournalReader reader(dir.path().toStdString() + "/j.db");
        std::vector<JournalRecord> out;
        reader.forEach(1, reader.maxSeq(), [&](JournalRecord& r) { out.push_back(r); });
        return out;
    }
    EngineConfig replayConfig() const
    {
        EngineConfig c = config;
        c.replay = true;
        return c;
    }
    QTemporaryDir dir;
    EngineConfig config;
    JournalWriter journal;
    std::uint64_t liveHash = 0;
};

MarketDataSnapshot marketFor(const std::string& symbol)
{
    MarketDataSnapshot s = market();
    s.symbol = symbol;
    return s;
}

AgentSpec agentOn(const std::string& id, const std::string& symbol)
{
    AgentSpec a = spec(id);
    a.symbol = symbol;
    return a;
}

const AgentView* agent(const EngineSnapshot& s, const std::string& id)
{
    for (const auto& a : s.agents)
        if (a.id == id)
            return &a;
    return nullptr;
}

OrderRequest buy(const std::string& symbol, Quantity qty)
{
    OrderRequest o;
    o.symbol = symbol;
    o.qty = qty;
    o.price = 9980;
    return o;
}

// Two agents, one on each instrument, each with a working order acknowledged.
void twoWorkingAgents(EngineCore& core, FakeGateway& venue, ManualClock& clock)
{
    const Actor trader{"t", Role::Trader};
    core.handle(marketFor("HMX"));
    core.handle(marketFor("ABC"));
    for (const char* id : {"on-hmx", "on-abc"}) {
        const std::string symbol = std::string(id) == "on-hmx" ? "HMX" : "ABC";
        core.handle(AddAgent{agentOn(id, symbol), trader, {}, std::make_shared<OneShotAgent>(), ""});
        core.handle(ControlAgent{id, AgentAction::Start, trader, "go", {}});
    }
    core.tick();
    QCOMPARE(venue.sent.size(), std::size_t(2));
    for (const OrderRequest& o : venue.sent) {
        ExecutionReport r = report(o.clOrdId, ExecType::New, OrderStatus::New, o.qty, 0, 0, 0, clock.monoNs());
        r.symbol = o.symbol;
        core.handle(r);
    }
}

} // namespace

class TestInstrumentControls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void anInstrumentKillStopsThatInstrumentOnly()
    {
        ManualClock clock;
        FakeGateway venue;
        JournaledSession session(twoInstruments());
        {
            EngineCore core(session.config, venue, &session.journal, &clock);
            core.journalStart();
            twoWorkingAgents(core, venue, clock);
            const std::string hmxOrder = venue.sent[0].symbol == "HMX" ? venue.sent[0].clOrdId : venue.sent[1].clOrdId;
            Answer killed;
            core.handle(KillInstruments{{"HMX"}, 0, Actor{"t", Role::Trader}, "drill", killed.reply()});
            SnapshotPtr s = core.publish();
            core.answerPending();
            QVERIFY2(killed.ok, killed.message.c_str());
            QVERIFY2(killed.message.find("1 agent(s) killed, 1 cancel(s) sent") != std::string::npos, killed.message.c_str());
            QCOMPARE(venue.cancels.size(), std::size_t(1));
            QCOMPARE(venue.cancels.front().origClOrdId, hmxOrder);
            QCOMPARE(agent(*s, "on-hmx")->state, AgentState::Killed);
            QCOMPARE(agent(*s, "on-abc")->state, AgentState::Running);
            QVERIFY(s->portfolio.haltedInstruments.count("HMX"));
            QVERIFY(!s->portfolio.haltedInstruments.count("ABC"));
            QVERIFY(!s->risk.killed); // not the global kill
            // New risk in HMX is refused with the reason; ABC trades on.
            const std::size_t before = venue.sent.size();
            core.submit(buy("HMX", 100), Origin::script());
            QCOMPARE(venue.sent.size(), before);
            s = core.publish();
            bool denied = false;
            for (const auto& f : s->newFeed)
                denied = denied || (f.kind == "denial" && f.text.find("HMX halted") != std::string::npos);
            QVERIFY(denied);
            core.submit(buy("ABC", 100), Origin::script());
            QCOMPARE(venue.sent.size(), before + 1);
            session.end(core);
        }
        // The journal replays to the same state: the halt and the killed agent included.
        FakeGateway none;
        EngineCore replay(session.replayConfig(), none, nullptr);
        replay.handle(ReplayBatch{session.records(), false});
        QCOMPARE(replay.stateHash(), session.liveHash);
        const SnapshotPtr s = replay.publish();
        QCOMPARE(s->replay.hashMismatches, std::uint64_t(0));
        QVERIFY(s->portfolio.haltedInstruments.count("HMX"));
        QCOMPARE(agent(*s, "on-hmx")->state, AgentState::Killed);
        QCOMPARE(agent(*s, "on-abc")->state, AgentState::Running);
    }

    void aRiskReducingOrderPassesAHaltedInstrument()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(twoInstruments(), venue, nullptr, &clock);
        core.handle(marketFor("HMX"));
        const std::string id = core.submit(buy("HMX", 100), Origin::script());
        ExecutionReport fill = report(id, ExecType::Trade, OrderStatus::Filled, 0, 100, 100, 9980, clock.monoNs());
        core.handle(fill);
        core.handle(KillInstruments{{"HMX"}, 0, Actor{"t", Role::Trader}, "drill", {}});
        const std::size_t before = venue.sent.size();
        OrderRequest out = buy("HMX", 100);
        out.side = Side::Sell;
        core.submit(out, Origin::script()); // flattens: passes
        QCOMPARE(venue.sent.size(), before + 1);
        core.submit(buy("HMX", 100), Origin::script()); // adds: refused
        QCOMPARE(venue.sent.size(), before + 1);
    }

    void aClusterKillReachesTheCorrelatedInstruments()
    {
        // Before any return is sampled every pair sits at the prudent prior correlation
        // (0.6): above a 0.5 threshold the two names are one cluster, above 0.7 they are not.
        for (const double threshold : {0.5, 0.7}) {
            ManualClock clock;
            FakeGateway venue;
            EngineCore core(twoInstruments(), venue, nullptr, &clock);
            twoWorkingAgents(core, venue, clock);
            Answer killed;
            core.handle(KillInstruments{{"ABC"}, threshold, Actor{"t", Role::Trader}, "drill", killed.reply()});
            const SnapshotPtr s = core.publish();
            core.answerPending();
            QVERIFY2(killed.ok, killed.message.c_str());
            const bool both = threshold < 0.6;
            QCOMPARE(venue.cancels.size(), std::size_t(both ? 2 : 1));
            QCOMPARE(agent(*s, "on-hmx")->state, both ? AgentState::Killed : AgentState::Running);
            QCOMPARE(agent(*s, "on-abc")->state, AgentState::Killed);
            QCOMPARE(s->portfolio.haltedInstruments.size(), std::size_t(both ? 2 : 1));
            QVERIFY2(killed.message.find(both ? "instruments ABC,HMX (correlated cluster above 0.5)" : "instrument ABC (")
                         != std::string::npos,
                     killed.message.c_str());
        }
    }

    void badKillsAreRefusedAndReArmLiftsTheHalt()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(twoInstruments(), venue, nullptr, &clock);
        core.handle(marketFor("HMX"));
        const Actor trader{"t", Role::Trader};
        Answer unknown, none, badThreshold, rearm;
        core.handle(KillInstruments{{"NOPE"}, 0, trader, "", unknown.reply()});
        core.handle(KillInstruments{{}, 0, trader, "", none.reply()});
        core.handle(KillInstruments{{"HMX"}, 1.5, trader, "", badThreshold.reply()});
        core.publish();
        core.answerPending();
        QVERIFY(!unknown.ok && unknown.message.find("unknown instrument 'NOPE'") != std::string::npos);
        Answer some;
        core.handle(KillInstruments{{"NOPE", "ABC"}, 0, trader, "", some.reply()}); // the known one is killed
        core.publish();
        core.answerPending();
        QVERIFY2(some.ok && some.message.find("unknown: 'NOPE'") != std::string::npos, some.message.c_str());
        core.handle(RearmAll{Actor{"rm", Role::RiskManager}, "typo", {}});
        QVERIFY(!none.ok && none.message.find("name at least one instrument") != std::string::npos);
        QVERIFY(!badThreshold.ok && badThreshold.message.find("threshold") != std::string::npos);
        QVERIFY(core.publish()->portfolio.haltedInstruments.empty());
        core.handle(KillInstruments{{"HMX"}, 0, trader, "drill", {}});
        QVERIFY(!core.publish()->portfolio.haltedInstruments.empty());
        core.handle(RearmAll{Actor{"rm", Role::RiskManager}, "drill over", rearm.reply()});
        core.publish();
        core.answerPending();
        QVERIFY2(rearm.ok, rearm.message.c_str());
        QVERIFY(core.publish()->portfolio.haltedInstruments.empty());
        const std::size_t before = venue.sent.size();
        core.submit(buy("HMX", 100), Origin::script());
        QCOMPARE(venue.sent.size(), before + 1);
    }

    void anOrderOnlyBrokerTradesOnTheTradersReference()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineConfig c = twoInstruments();
        c.limits.collarPercent = 5;
        JournaledSession session(c);
        {
            EngineCore core(session.config, venue, &session.journal, &clock);
            core.journalStart();
            // No market data at all: the gate cannot check the collar and refuses.
            core.submit(buy("ABC", 100), Origin::script());
            QVERIFY(venue.sent.empty());
            const Actor trader{"t", Role::Trader};
            Answer bad, nan, unknown, set;
            core.handle(SetReferencePrice{"ABC", -1, trader, "", bad.reply()});
            core.handle(SetReferencePrice{"ABC", std::nan(""), trader, "", nan.reply()});
            core.handle(SetReferencePrice{"NOPE", 10, trader, "", unknown.reply()});
            core.handle(SetReferencePrice{"ABC", 99.9, trader, "broker sends no market data", set.reply()});
            core.publish();
            core.answerPending();
            QVERIFY(!bad.ok && bad.message.find("above 0") != std::string::npos);
            QVERIFY(!nan.ok);
            QVERIFY(!unknown.ok && unknown.message.find("unknown instrument 'NOPE'") != std::string::npos);
            QVERIFY2(set.ok, set.message.c_str());
            core.submit(buy("ABC", 100), Origin::script()); // 99.80 is inside 5% of 99.90
            QCOMPARE(venue.sent.size(), std::size_t(1));
            // An instrument with market data keeps the market's reference: a trader's
            // price there would move the collar around a price nobody trades at.
            core.handle(market());
            Answer live;
            core.handle(SetReferencePrice{"HMX", 200, trader, "", live.reply()});
            core.publish();
            core.answerPending();
            QVERIFY2(!live.ok && live.message.find("HMX has market data") != std::string::npos, live.message.c_str());
            OrderRequest far = buy("ABC", 100);
            far.price = 8000; // 80.00: outside the collar around the trader's reference
            core.submit(far, Origin::script());
            QCOMPARE(venue.sent.size(), std::size_t(1));
            session.end(core);
        }
        FakeGateway none;
        EngineCore replay(session.replayConfig(), none, nullptr);
        replay.handle(ReplayBatch{session.records(), false});
        QCOMPARE(replay.stateHash(), session.liveHash);
        QCOMPARE(replay.publish()->replay.hashMismatches, std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestInstrumentControls)
#include "tst_instrument_controls.moc"
