// The portfolio agent and the loop it closes: signals become target positions within a
// risk budget, the differences become parent orders, the trader approves a parent (not
// each child), and an execution agent works it under its own throttle and the gate. What
// the children hold and still have to do counts, so a parent is never asked twice; the
// portfolio agent's kill takes its children with it.
#include "agents/agent_config.h"
#include "agents/portfolio_agent.h"
#include "engine/engine_clock.h"
#include "engine/engine_core.h"
#include "journal/journal_codec.h"
#include "portfolio_test_support.h"

#include <QtTest>

namespace {

PortfolioContext::Name name(Price bid, Price ask, const SignalReading* s, Quantity lot = 100)
{
    PortfolioContext::Name n;
    n.market.bids = {{bid, 1000}};
    n.market.asks = {{ask, 1000}};
    n.tickSize = 0.01;
    n.lot = lot;
    n.signal = s;
    return n;
}


AgentSpec portfolioSpec(const std::string& approval)
{
    std::vector<AgentSpec> specs;
    std::string error;
    const std::string text = R"({"agents": [{"id": "pf", "type": "portfolio", "instrument": "*",
        "params": {"budget": 100000, "max_weight": 0.5, "threshold": 0.1, "rebalance_s": 5, "min_trade": 1000,
                   "horizon_s": 60, "executor": "twap"},
        "oversight": {"approval": ")" + approval + R"(", "timeout_s": 600, "stale_data_s": 0}}]})";
    if (!parseAgentSpecs(text, "test", specs, error))
        qFatal("%s", error.c_str());
    return specs.front();
}

// ABC's book, a signal of 0.6 on it, a portfolio agent with this approval mode, both
// started, and nine seconds of ticks: the first rebalance may come before the first
// signal; the next one, 5 s on, has it.
void signalAndPortfolio(EngineCore& core, ManualClock& clock, const std::string& approval)
{
    MarketDataSnapshot abc = market();
    abc.symbol = "ABC";
    core.handle(abc);
    const Actor trader{"t", Role::Trader};
    AgentSpec sig = spec("sig-abc");
    sig.symbol = "ABC";
    core.handle(AddAgent{sig, trader, {}, std::make_shared<FixedSignal>("ABC", 0.6), ""});
    core.handle(ControlAgent{"sig-abc", AgentAction::Start, trader, "go", {}});
    std::string error;
    const AgentSpec pf = portfolioSpec(approval);
    core.handle(AddAgent{pf, trader, {}, makeAgent("portfolio", "*", pf.params, error), error});
    core.handle(ControlAgent{"pf", AgentAction::Start, trader, "go", {}});
    for (int i = 0; i < 3; ++i) {
        clock.advanceMs(3000);
        core.tick();
    }
}

const AgentView* agentView(const EngineSnapshot& s, const std::string& id)
{
    for (const auto& a : s.agents)
        if (a.id == id)
            return &a;
    return nullptr;
}

} // namespace

class TestPortfolioAgent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signalsBecomeTargetsWithinTheBudget()
    {
        PortfolioAgentParams p;
        p.budget = 100000;
        p.maxWeight = 0.5;
        p.threshold = 0.1;
        PortfolioAgent agent(p);
        const Timestamp now = 1000000000000;
        const SignalReading up{"AAA", 0.8, now, "s"}, down{"BBB", -0.4, now, "s"}, weak{"CCC", 0.05, now, "s"},
            old{"DDD", 0.9, now - 600 * Timestamp(1000000000), "s"};
        PortfolioContext ctx;
        ctx.names["AAA"] = name(9990, 10010, &up);  // mid 100.00
        ctx.names["BBB"] = name(4990, 5010, &down); // mid 50.00
        ctx.names["CCC"] = name(9990, 10010, &weak);
        ctx.names["DDD"] = name(9990, 10010, &old);
        ctx.names["EEE"] = name(9990, 10010, nullptr);
        const auto t = agent.targets(ctx, now);
        // Gross 1.2 scaled to 1: AAA 0.667 capped at 0.5 of 100k = 500 shares; BBB -0.333
        // of 100k at 50 = -667, to the lot of 100: -700.
        QCOMPARE(t.at("AAA"), Quantity(500));
        QCOMPARE(t.at("BBB"), Quantity(-700));
        QCOMPARE(t.at("CCC"), Quantity(0)); // under the threshold
        QCOMPARE(t.at("DDD"), Quantity(0)); // stale
        QCOMPARE(t.at("EEE"), Quantity(0)); // no signal
    }

    void onlyTheDifferenceBecomesAParent()
    {
        PortfolioAgentParams p;
        p.budget = 100000;
        p.maxWeight = 1;
        p.threshold = 0.1;
        p.minTrade = 5000;
        p.executor = "vwap";
        PortfolioAgent agent(p);
        const Timestamp now = 1000000000000;
        SignalReading up{"AAA", 0.5, now, "s"};
        PortfolioContext ctx;
        ctx.names["AAA"] = name(9990, 10010, &up); // target 0.5 x 100k at 100 = 500
        ctx.names["AAA"].held = 200;
        ctx.names["AAA"].pending = 100;
        AgentContext actx;
        actx.now = now;
        actx.portfolio = &ctx;
        AgentIntents out;
        agent.onTick(actx, out);
        QCOMPARE(out.orders.size(), std::size_t(1));
        const OrderProposal& o = out.orders.front();
        QVERIFY(o.isParent());
        QCOMPARE(o.executor, std::string("vwap"));
        QCOMPARE(o.side, Side::Buy);
        QCOMPARE(o.qty, Quantity(200)); // 500 - 200 held - 100 in hand
        QCOMPARE(o.horizonS, p.horizonS);
        QVERIFY2(o.why.summary.find("rebalance AAA to 500") != std::string::npos, o.why.summary.c_str());
        // At the target (or within min_trade of it): nothing, and it says so.
        ctx.names["AAA"].pending = 260; // 40 short: 4,000 < 5,000
        AgentIntents again;
        actx.now += 3600 * Timestamp(1000000000);
        up.time = actx.now; // fresh again
        agent.onTick(actx, again);
        QVERIFY(again.orders.empty());
        QVERIFY2(again.note.find("at its targets") != std::string::npos, again.note.c_str());
    }

    void aNoisySignalIsSmoothedBeforeItMovesTheBook()
    {
        PortfolioAgentParams p;
        p.budget = 100000;
        p.maxWeight = 1;
        p.threshold = 0.1;
        p.signalHalfLifeS = 300;
        PortfolioAgent agent(p);
        const Timestamp second = 1000000000;
        Timestamp now = 1000 * second;
        SignalReading s{"AAA", 0.5, now, "s"};
        PortfolioContext ctx;
        ctx.names["AAA"] = name(9990, 10010, &s);
        QCOMPARE(agent.targets(ctx, now).at("AAA"), Quantity(500));
        // One reading the other way, 5 s on: the view barely moves (0.5 -> 0.489).
        now += 5 * second;
        s = SignalReading{"AAA", -0.5, now, "s"};
        QCOMPARE(agent.targets(ctx, now).at("AAA"), Quantity(500));
        // The same reading for ten half-lives: the view has turned.
        for (int i = 0; i < 600; ++i) {
            now += 5 * second;
            s.time = now;
            agent.targets(ctx, now);
        }
        QCOMPARE(agent.targets(ctx, now).at("AAA"), Quantity(-500));
    }

    void aParentKeepsItsExecutorAndHorizonInTheJournal()
    {
        OrderProposal p;
        p.symbol = "ABC";
        p.side = Side::Sell;
        p.qty = 1900;
        p.type = OrderType::Market;
        p.executor = "almgren_chriss";
        p.horizonS = 1800;
        p.why.summary = "rebalance ABC to -1900";
        describeParent(p);
        const JournalRecord r = encode(DecisionRecord{"pf", p.symbol, p.side, 0, p.qty, DecisionOutcome::AwaitingApproval,
                                                      p.why.summary, p.why.factors, "ticket 4: parent order"},
                                       1);
        DecisionRecord d;
        QVERIFY(decode(r, d));
        OrderProposal back;
        back.why.factors = d.factors;
        QVERIFY(parentFromFactors(back));
        QCOMPARE(back.executor, std::string("almgren_chriss"));
        QCOMPARE(back.horizonS, 1800.0);
        OrderProposal plain;
        plain.why.factors = {{"signal", 0.4}};
        QVERIFY(!parentFromFactors(plain) && !plain.isParent());
    }

    void badConfigurationIsNamed()
    {
        std::vector<AgentSpec> specs;
        std::string error;
        QVERIFY(!parseAgentSpecs(R"({"agents": [{"id": "pf", "type": "portfolio", "instrument": "HMX"}]})", "t", specs, error));
        QVERIFY2(error.find("a portfolio agent trades every instrument") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents": [{"id": "x", "type": "twap", "instrument": "*"}]})", "t", specs, error));
        QVERIFY2(error.find("for a portfolio agent only") != std::string::npos, error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents": [{"id": "pf", "type": "portfolio", "instrument": "*", "params": {"executor": "ppo"}}]})",
                                 "t", specs, error));
        QVERIFY2(error.find("params.executor") != std::string::npos, error.c_str());
        AgentParams bad{{"budget", -5}};
        PortfolioAgentParams out;
        error.clear();
        QVERIFY(!parsePortfolioParams(bad, out, error));
        QVERIFY2(error.find("budget") != std::string::npos, error.c_str());
    }

    void anApprovedParentIsWorkedByAnExecutionAgent()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(twoNames(), venue, nullptr, &clock);
        core.handle(market());
        const Actor trader{"t", Role::Trader};
        signalAndPortfolio(core, clock, "every_order");
        SnapshotPtr s = core.publish();
        // One parent waiting: buy ABC toward 0.5 x 100k at 100 = 500 (the signal's 0.6 capped).
        QCOMPARE(s->approvals.size(), std::size_t(1));
        const ApprovalView parent = s->approvals.front();
        QCOMPARE(parent.agent, std::string("pf"));
        QVERIFY(parent.proposal.isParent());
        QCOMPARE(parent.proposal.symbol, std::string("ABC"));
        QCOMPARE(parent.proposal.qty, Quantity(500));
        QVERIFY2(parent.why.find("parent order: BUY 500 ABC") != std::string::npos, parent.why.c_str());
        QVERIFY(venue.sent.empty()); // nothing goes out before the trader says so
        // Later rebalances see the parent in hand: no second ticket.
        clock.advanceMs(6000);
        core.tick();
        QCOMPARE(core.publish()->approvals.size(), std::size_t(1));
        Answer approved;
        core.handle(DecideApproval{parent.id, "", true, trader, approved.reply()});
        s = core.publish();
        core.answerPending();
        QVERIFY2(approved.ok, approved.message.c_str());
        const AgentView* child = nullptr;
        for (const auto& a : s->agents)
            if (a.id.rfind("pf/twap-ABC-", 0) == 0)
                child = &a;
        QVERIFY(child);
        QCOMPARE(child->state, AgentState::Running);
        QCOMPARE(child->symbol, std::string("ABC"));
        QCOMPARE(child->progress.target, Quantity(500));
        const std::string childId = child->id;
        // The child trades by itself (no ticket per child order), through the gate.
        for (int i = 0; i < 50 && venue.sent.empty(); ++i) {
            clock.advanceMs(500);
            core.tick();
        }
        QVERIFY(!venue.sent.empty());
        QCOMPARE(venue.sent.front().owner, childId);
        QCOMPARE(venue.sent.front().symbol, std::string("ABC"));
        QVERIFY(core.publish()->approvals.empty());
        // Its remaining quantity is in hand: no new parent while it works.
        clock.advanceMs(6000);
        core.tick();
        QVERIFY(core.publish()->approvals.empty());
        // Its execution agent outlives no removal: the portfolio agent stays while it works.
        core.handle(ControlAgent{"pf", AgentAction::Pause, trader, "look", {}});
        Answer removed;
        core.handle(RemoveAgent{"pf", trader, removed.reply()});
        core.publish();
        core.answerPending();
        QVERIFY2(!removed.ok && removed.message.find("kill it first") != std::string::npos, removed.message.c_str());
        // Killing the portfolio agent kills the child and cancels its orders.
        for (const OrderRequest& o : venue.sent)
            core.handle(report(o.clOrdId, ExecType::New, OrderStatus::New, o.qty, 0, 0, 0, clock.monoNs()));
        core.handle(ControlAgent{"pf", AgentAction::Kill, trader, "enough", {}});
        s = core.publish();
        QCOMPARE(agentView(*s, "pf")->state, AgentState::Killed);
        QCOMPARE(agentView(*s, childId)->state, AgentState::Killed);
        QVERIFY(!venue.cancels.empty());
    }

    void aChildDoneWithItsParentIsRetired()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(twoNames(), venue, nullptr, &clock);
        core.handle(market());
        const Actor trader{"t", Role::Trader};
        signalAndPortfolio(core, clock, "every_order");
        SnapshotPtr s = core.publish();
        QCOMPARE(s->approvals.size(), std::size_t(1));
        core.handle(DecideApproval{s->approvals.front().id, "", true, trader, {}});
        // The venue fills every child order in full as it comes.
        std::size_t filledUpTo = 0;
        std::string childId;
        bool retired = false;
        for (int i = 0; i < 400 && !retired; ++i) {
            clock.advanceMs(500);
            core.tick();
            for (; filledUpTo < venue.sent.size(); ++filledUpTo) {
                const OrderRequest o = venue.sent[filledUpTo];
                ExecutionReport r = report(o.clOrdId, ExecType::Trade, OrderStatus::Filled, 0, o.qty, o.qty,
                                           o.price > 0 ? o.price : 10010, clock.monoNs());
                r.symbol = o.symbol;
                r.side = o.side;
                core.handle(r);
                childId = o.owner;
            }
            s = core.publish();
            if (const AgentView* child = childId.empty() ? nullptr : agentView(*s, childId))
                retired = child->retired;
        }
        QVERIFY2(retired, "the child is retired once its parent order is filled");
        const AgentView* child = agentView(*s, childId);
        QVERIFY(child->progress.done >= child->progress.target);
        QCOMPARE(child->position, Quantity(500));
        QVERIFY2(child->lastDecision.find("retired") != std::string::npos, child->lastDecision.c_str());
        // Retired, it sends nothing more, and its position still counts as held: no new parent.
        const std::size_t sent = venue.sent.size();
        for (int i = 0; i < 30; ++i) {
            clock.advanceMs(1000);
            core.tick();
        }
        s = core.publish();
        QCOMPARE(venue.sent.size(), sent);
        QVERIFY(s->approvals.empty());
        QCOMPARE(agentView(*s, childId)->position, Quantity(500));
    }
    void anInstrumentKillTakesThePortfoliosParentsInIt()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(twoNames(), venue, nullptr, &clock);
        const Actor trader{"t", Role::Trader};
        signalAndPortfolio(core, clock, "every_order");
        QCOMPARE(core.publish()->approvals.size(), std::size_t(1));
        const std::uint64_t ticket = core.publish()->approvals.front().id;
        core.handle(KillInstruments{{"ABC"}, 0, trader, "drill", {}});
        QVERIFY(core.publish()->approvals.empty()); // the parent in ABC went with the kill
        Answer late;
        core.handle(DecideApproval{ticket, "", true, trader, late.reply()});
        core.publish();
        core.answerPending();
        QVERIFY(!late.ok);
        // Later rebalances propose nothing in the halted instrument.
        for (int i = 0; i < 4; ++i) {
            clock.advanceMs(3000);
            core.tick();
        }
        const SnapshotPtr s = core.publish();
        QVERIFY(s->approvals.empty());
        for (const auto& a : s->agents)
            QVERIFY2(a.id.rfind("pf/", 0) != 0, a.id.c_str());
    }

    void anAutonomousPortfolioAgentHandsOnAtOnce()
    {
        ManualClock clock;
        FakeGateway venue;
        EngineCore core(twoNames(), venue, nullptr, &clock);
        core.handle(market());
        const Actor trader{"t", Role::Trader};
        core.handle(AddAgent{spec("sig-hmx"), trader, {}, std::make_shared<FixedSignal>("HMX", -0.5), ""});
        core.handle(ControlAgent{"sig-hmx", AgentAction::Start, trader, "go", {}});
        std::string error;
        const AgentSpec pf = portfolioSpec("autonomous");
        core.handle(AddAgent{pf, trader, {}, makeAgent("portfolio", "*", pf.params, error), error});
        core.handle(ControlAgent{"pf", AgentAction::Start, trader, "go", {}});
        for (int i = 0; i < 3; ++i) {
            clock.advanceMs(3000);
            core.tick();
        }
        const SnapshotPtr s = core.publish();
        QVERIFY(s->approvals.empty());
        bool selling = false;
        for (const auto& a : s->agents)
            selling = selling || (a.id.rfind("pf/twap-HMX-", 0) == 0 && isLive(a.state) && a.progress.target == 500);
        QVERIFY(selling);
    }
};

QTEST_GUILESS_MAIN(TestPortfolioAgent)
#include "tst_portfolio_agent.moc"
