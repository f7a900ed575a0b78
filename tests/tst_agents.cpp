// The agent state machine against every role, agent configuration errors, oversight
// decisions and the approval queue.
#include "agents/agent_config.h"
#include "agents/agent_state.h"
#include "agents/execution_agent.h"
#include "agents/oversight.h"

#include <QtTest>

using namespace hm;

class TestAgents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roleMatrix()
    {
        const AgentState states[] = {AgentState::Armed, AgentState::Running, AgentState::Paused, AgentState::Throttled,
                                     AgentState::ReduceOnly, AgentState::Halted, AgentState::Killed};
        const AgentAction actions[] = {AgentAction::Start, AgentAction::Pause, AgentAction::Resume, AgentAction::Throttle,
                                       AgentAction::ReduceOnly, AgentAction::Halt, AgentAction::Kill, AgentAction::Rearm};
        // Expected next state, or Armed+false for "refused", per role. Written out in full:
        // this table is the specification the window, the control channel and triggers share.
        struct Case { AgentState from; AgentAction a; bool trader, rm, system; AgentState to; };
        const Case cases[] = {
            {AgentState::Armed, AgentAction::Start, true, true, false, AgentState::Running},
            {AgentState::Running, AgentAction::Pause, true, true, true, AgentState::Paused},
            {AgentState::Throttled, AgentAction::Pause, true, true, true, AgentState::Paused},
            {AgentState::ReduceOnly, AgentAction::Pause, true, true, true, AgentState::Paused},
            {AgentState::Paused, AgentAction::Resume, true, true, false, AgentState::Running},
            {AgentState::Throttled, AgentAction::Resume, true, true, false, AgentState::Running},
            {AgentState::ReduceOnly, AgentAction::Resume, true, true, false, AgentState::Running},
            {AgentState::Halted, AgentAction::Resume, false, true, false, AgentState::Running},
            {AgentState::Running, AgentAction::Throttle, true, true, true, AgentState::Throttled},
            {AgentState::Running, AgentAction::ReduceOnly, true, true, true, AgentState::ReduceOnly},
            {AgentState::Throttled, AgentAction::ReduceOnly, true, true, true, AgentState::ReduceOnly},
            {AgentState::Paused, AgentAction::ReduceOnly, true, true, true, AgentState::ReduceOnly},
            {AgentState::Running, AgentAction::Halt, false, true, true, AgentState::Halted},
            {AgentState::Throttled, AgentAction::Halt, false, true, true, AgentState::Halted},
            {AgentState::ReduceOnly, AgentAction::Halt, false, true, true, AgentState::Halted},
            {AgentState::Paused, AgentAction::Halt, false, true, true, AgentState::Halted},
            {AgentState::Killed, AgentAction::Rearm, false, true, false, AgentState::Armed},
            {AgentState::Halted, AgentAction::Rearm, false, true, false, AgentState::Armed},
        };
        int checked = 0;
        for (AgentState s : states)
            for (AgentAction a : actions) {
                const Case* expected = nullptr;
                for (const auto& c : cases)
                    if (c.from == s && c.a == a)
                        expected = &c;
                for (Role r : {Role::Trader, Role::RiskManager, Role::System}) {
                    const Transition t = transition(s, a, r);
                    bool allowed = false;
                    AgentState to = s;
                    if (a == AgentAction::Kill) { // anyone, from anything but Killed
                        allowed = s != AgentState::Killed;
                        to = AgentState::Killed;
                    } else if (expected) {
                        allowed = r == Role::Trader ? expected->trader : r == Role::RiskManager ? expected->rm : expected->system;
                        to = expected->to;
                    }
                    const QByteArray what = QByteArray(toString(s)) + " " + toString(a) + " by " + toString(r);
                    QVERIFY2(t.allowed == allowed, what.constData());
                    if (allowed)
                        QVERIFY2(t.next == to, what.constData());
                    else
                        QVERIFY2(!t.error.empty(), what.constData());
                    ++checked;
                }
            }
        QCOMPARE(checked, 7 * 8 * 3);
    }

    void configErrorsNameTheField()
    {
        std::vector<AgentSpec> specs;
        std::string error;
        QVERIFY(!parseAgentSpecs("{not json", "a.json", specs, error));
        QVERIFY(error.find("a.json") != std::string::npos && error.find("JSON") != std::string::npos);
        QVERIFY(!parseAgentSpecs(R"({"agents":[{"id":"x","type":"twap","instrument":"HMX","params":{"quantity":"lots"}}]})", "a.json", specs, error));
        QVERIFY2(error.find("params.quantity") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents":[{"id":"x","type":"warp","instrument":"HMX"}]})", "a.json", specs, error));
        QVERIFY2(error.find("unknown agent type 'warp'") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents":[{"id":"x","type":"twap","instrument":"HMX","oversight":{"approval":"sometimes"}}]})", "a.json", specs, error));
        QVERIFY2(error.find("oversight.approval") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents":[{"id":"x","type":"twap","instrument":"HMX","throttle":{"max_participation":2}}]})", "a.json", specs, error));
        QVERIFY2(error.find("throttle.max_participation") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents":[{"id":"x","type":"twap","instrument":"HMX"},{"id":"x","type":"twap","instrument":"HMX"}]})", "a.json", specs, error));
        QVERIFY2(error.find("twice") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents":[{"id":"x","type":"twap","instrument":"HMX","colour":"red"}]})", "a.json", specs, error));
        QVERIFY2(error.find("unknown field 'colour'") != std::string::npos, error.c_str());
        QVERIFY(specs.empty());
        // The demo's learning agent is a type the composition root registers; a stand-in will do here.
        for (const char* type : {"rl_execution", "signal"})
            registerAgentType(type, [](const std::string&, const AgentParams&, const std::string&, std::string& e) {
                e = "not loaded in this test";
                return std::unique_ptr<Agent>();
            });
        QVERIFY(loadAgentSpecs(HM_TEST_RESOURCES "/agents/demo.json", specs, error));
        QCOMPARE(specs.size(), std::size_t(10)); // six agents on four instruments, three signal publishers, the portfolio agent
    }

    void numbersAndNamesInAgentFilesAreChecked_data()
    {
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QString>("expected");
        const QString twap = QStringLiteral(R"({"id":"t","type":"twap","instrument":"HMX",%1})");
        QTest::newRow("fractional quantity") << twap.arg(QStringLiteral(R"("params":{"quantity":150.5})"))
                                             << "a.json: agents[1] (t).params.quantity: must be a whole number of units";
        QTest::newRow("zero quantity") << twap.arg(QStringLiteral(R"("params":{"quantity":0})")) << "params.quantity: must be a whole number";
        QTest::newRow("huge quantity") << twap.arg(QStringLiteral(R"("params":{"quantity":1e15})")) << "params.quantity: must be a whole number of units from 1 to";
        QTest::newRow("not whole lots") << twap.arg(QStringLiteral(R"("params":{"quantity":150,"lot":100})"))
                                        << "agents[1] (t).params.quantity: 150 is not a whole number of lots of 100";
        QTest::newRow("fractional lot") << twap.arg(QStringLiteral(R"("params":{"lot":0.5})")) << "params.lot: must be a whole number";
        QTest::newRow("half a side") << twap.arg(QStringLiteral(R"("params":{"side":0.5})")) << "params.side: expected \"buy\", \"sell\", 1 or -1";
        QTest::newRow("fractional clip") << QStringLiteral(R"({"id":"m","type":"momentum","instrument":"HMX","params":{"clip":2.5}})")
                                         << "agents[1] (m).params.clip: must be a whole number";
        QTest::newRow("unknown throttle regime")
            << twap.arg(QStringLiteral(R"("oversight":{"throttle_regimes":["apocalypse"]})"))
            << "agents[1] (t).oversight.throttle_regimes: 'apocalypse' is not a regime of the built-in simulator configuration "
               "(calm, normal, volatile, stressed)";
        QTest::newRow("unknown approval regime")
            << twap.arg(QStringLiteral(R"("oversight":{"approval":"in_regimes","regimes":["calm","Stressed"]})"))
            << "oversight.regimes: 'Stressed' is not a regime";
        QTest::newRow("fractional threshold") << twap.arg(QStringLiteral(R"("oversight":{"approval":"above_threshold","qty_threshold":10.5})"))
                                              << "agents[1] (t).oversight.qty_threshold: must be a whole number";
        QTest::newRow("fractional level") << twap.arg(QStringLiteral(R"("throttle":{"level":50.5})")) << "throttle.level: must be a whole number";
        // A learning agent's parameters are checked when the file is read, before its model is loaded.
        QTest::newRow("learning agent") << QStringLiteral(R"({"id":"rl","type":"test_learning","instrument":"HMX","model":"m.pt","params":{"quantity":99.9}})")
                                        << "agents[1] (rl).params.quantity: must be a whole number";
    }
    void numbersAndNamesInAgentFilesAreChecked()
    {
        QFETCH(QString, agent);
        QFETCH(QString, expected);
        registerAgentType("test_learning", [](const std::string&, const AgentParams&, const std::string&, std::string& e) {
            e = "not loaded in this test";
            return std::unique_ptr<Agent>();
        });
        const std::string good = R"({"id":"ok","type":"twap","instrument":"HMX","params":{"quantity":2000,"lot":100}})";
        const std::string text = "{\"agents\":[" + good + "," + agent.toStdString() + "]}";
        std::vector<AgentSpec> specs;
        std::string error;
        QVERIFY2(!parseAgentSpecs(text, "a.json", specs, error), text.c_str());
        QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
        QVERIFY(specs.empty());
    }

    void regimeNamesComeFromTheSession()
    {
        const RegimeNames session{{"calm", "storm"}, "the simulator configuration 's.json'"};
        std::vector<AgentSpec> specs;
        std::string error;
        const std::string storm = R"({"agents":[{"id":"t","type":"twap","instrument":"HMX","oversight":{"throttle_regimes":["storm"]}}]})";
        QVERIFY2(parseAgentSpecs(storm, "a.json", specs, error, session), error.c_str());
        QCOMPARE(specs.front().policy.throttleRegimes, std::set<std::string>{"storm"});
        QVERIFY(!parseAgentSpecs(storm, "a.json", specs, error)); // not a regime of the built-in simulator
        const std::string stressed = R"({"agents":[{"id":"t","type":"twap","instrument":"HMX","oversight":{"throttle_regimes":["stressed"]}}]})";
        QVERIFY(!parseAgentSpecs(stressed, "a.json", specs, error, session));
        QVERIFY2(error.find("'stressed' is not a regime of the simulator configuration 's.json' (calm, storm)") != std::string::npos,
                 error.c_str());
        // A journal's copy of an agent reads back as it was, whatever this session knows.
        AgentSpec spec;
        QVERIFY2(parseAgentSpec(R"({"id":"t","type":"twap","instrument":"HMX","oversight":{"throttle_regimes":["storm"]}})", spec, error),
                 error.c_str());
    }

    void oversightDecisions()
    {
        OversightPolicy pol;
        ThrottleLimits thr;
        thr.maxOrdersPerSecond = 2;
        thr.maxParticipation = 0;
        MarketView m;
        m.symbol = "HMX";
        m.bids = {{9999, 500}};
        m.asks = {{10001, 500}};
        OversightInput in{AgentState::Running, &pol, &thr, &m, 0, 0.01, 1000};
        ThrottleRuntime rt;
        OrderProposal p;
        p.symbol = "HMX";
        p.qty = 100;
        p.price = 9999;
        QCOMPARE(review(in, rt, p).verdict, Verdict::Pass);
        in.state = AgentState::Paused;
        QCOMPARE(review(in, rt, p).verdict, Verdict::Drop);
        in.state = AgentState::ReduceOnly;
        QCOMPARE(review(in, rt, p).verdict, Verdict::Drop); // buying adds to a flat position
        in.agentPosition = -100;
        QCOMPARE(review(in, rt, p).verdict, Verdict::Pass); // buying back a short reduces
        in.state = AgentState::Throttled;
        in.agentPosition = 0;
        p.price = 10001; // crosses: a throttled agent is passive only
        QCOMPARE(review(in, rt, p).verdict, Verdict::Drop);
        in.state = AgentState::Running;
        recordSent(rt, p, 0.01, 1000);
        recordSent(rt, p, 0.01, 1001);
        const OversightDecision rate = review(in, rt, p);
        QCOMPARE(rate.verdict, Verdict::Drop);
        QVERIFY(rate.reason.find("orders per second") != std::string::npos);
        in.now = 2000000000;
        pol.approval = ApprovalMode::AboveThreshold;
        pol.qtyThreshold = 100;
        QCOMPARE(review(in, rt, p).verdict, Verdict::Pass);
        p.qty = 101;
        QCOMPARE(review(in, rt, p).verdict, Verdict::NeedsApproval);
        pol.approval = ApprovalMode::InRegimes;
        pol.regimes = {"stressed"};
        QCOMPARE(review(in, rt, p).verdict, Verdict::Pass);
        m.regime = "stressed";
        QCOMPARE(review(in, rt, p).verdict, Verdict::NeedsApproval);
    }

    void approvalQueueTimesOut()
    {
        ApprovalQueue q;
        OrderProposal p;
        const auto a = q.add("x", p, "why", 0, 1.0);
        const auto b = q.add("y", p, "why", 0, 5.0);
        q.add("x", p, "why", 0, 5.0);
        QCOMPARE(q.countFor("x"), 2);
        const auto expired = q.takeExpired(1000000000);
        QCOMPARE(expired.size(), std::size_t(1));
        QCOMPARE(expired.front().id, a);
        ApprovalTicket t;
        QVERIFY(q.take(b, t));
        QVERIFY(!q.take(b, t));
        QCOMPARE(q.takeAll("x").size(), std::size_t(1));
        QVERIFY(q.tickets().empty());
    }

    void executionAlgorithmsRunAsAgents()
    {
        std::vector<AgentSpec> specs;
        std::string error;
        QVERIFY2(parseAgentSpecs(R"({"agents": [{"id": "p", "type": "pov", "instrument": "HMX",
            "params": {"side": -1, "quantity": 2000, "duration_s": 60, "interval_s": 10, "participation": 0.5}}]})",
                                 "test", specs, error),
                 error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents": [{"id": "p", "type": "vwap", "instrument": "HMX", "params": {"speed": 1}}]})",
                                 "test", specs, error));
        QVERIFY2(error.find("unknown parameter 'speed'") != std::string::npos, error.c_str());
        // The naive reference (cross = 1) takes every slice at the market.
        std::unique_ptr<Agent> pov = makeAgent("pov", "HMX", {{"side", -1}, {"quantity", 2000}, {"duration_s", 60},
                                                                {"interval_s", 10}, {"participation", 0.5}, {"cross", 1}},
                                               error);
        QVERIFY(pov);
        MarketView m;
        m.symbol = "HMX";
        m.bids = {{1884, 1000}};
        m.asks = {{1886, 1000}};
        m.tradedVolume = 10000;
        AgentContext ctx;
        ctx.market = &m;
        ctx.now = 1000000000000;
        AgentIntents first;
        pov->onTick(ctx, first); // step 0: nothing traded yet, nothing to follow
        QVERIFY(first.orders.empty());
        m.tradedVolume = 11000;   // the market trades 1000
        ctx.now += 10000000000;   // next interval
        AgentIntents second;
        pov->onTick(ctx, second);
        QCOMPARE(second.orders.size(), std::size_t(1));
        const OrderProposal& p = second.orders.front();
        QCOMPARE(p.side, Side::Sell);
        QCOMPARE(p.qty, Quantity(800)); // half of the others' 1000 traded and of the 500 expected from them now, in lots
        QCOMPARE(p.tif, TimeInForce::ImmediateOrCancel);
        QCOMPARE(p.price, Price(1884 - 3)); // crosses, walking at most 3 ticks
        QVERIFY(!p.why.factors.empty());
        AgentIntents again;
        ctx.now += 1000000000; // same interval: no second child
        pov->onTick(ctx, again);
        QVERIFY(again.orders.empty());
        for (const char* type : {"vwap", "almgren_chriss", "submit_and_leave"})
            QVERIFY2(makeAgent(type, "HMX", {{"quantity", 1000}}, error), type);

        // The placement: on schedule a passive child rests at our touch; the parameters
        // come from the agents file over the tuned defaults.
        std::unique_ptr<Agent> vwap = makeAgent("vwap", "HMX", {{"side", -1}, {"quantity", 6000}, {"duration_s", 60},
                                                                  {"interval_s", 10}, {"band_inside", 0.5}, {"band_cross", 2},
                                                                  {"limit_sigmas", 1}, {"max_participation", 0.5}, {"seed", 3}},
                                                error);
        QVERIFY2(vwap, error.c_str());
        AgentContext c2 = ctx;
        c2.now = 2000000000000;
        AgentIntents v;
        vwap->onTick(c2, v);
        QCOMPARE(v.orders.size(), std::size_t(1));
        QCOMPARE(v.orders.front().price, Price(1886)); // our (the ask) touch
        QCOMPARE(v.orders.front().tif, TimeInForce::Day);
        QVERIFY(!makeAgent("pov", "HMX", {{"quantity", 1000}, {"band_inside", 3}, {"band_cross", 1}}, error));
        QVERIFY2(error.find("'band_cross'") != std::string::npos, error.c_str());
        QVERIFY(!makeAgent("pov", "HMX", {{"quantity", 1000}, {"max_participation", 2}}, error));
        QVERIFY2(error.find("'max_participation'") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestAgents)
#include "tst_agents.moc"
