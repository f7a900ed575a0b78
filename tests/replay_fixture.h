#pragma once
// A session worth replaying, recorded for real: the embedded venue over FIX, three
// agents (one needs approval for every order), the operator's orders, an approval and
// a rejection, a limit change, one agent killed, then the global kill.
#include "runtime.h"
#include "engine/engine.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace hm {

inline const char* kDemoAgents = R"({"agents": [
 {"id": "twap-buy", "type": "twap", "instrument": "HMX",
  "params": {"side": "buy", "quantity": 20000, "duration_s": 300, "slice_s": 1, "lot": 100},
  "oversight": {"approval": "autonomous"}},
 {"id": "twap-appr", "type": "twap", "instrument": "HMX",
  "params": {"side": "sell", "quantity": 6000, "duration_s": 300, "slice_s": 1, "lot": 100},
  "oversight": {"approval": "every_order", "timeout_s": 30}},
 {"id": "ac-sell", "type": "almgren_chriss", "instrument": "HMX",
  "params": {"side": -1, "quantity": 6000, "duration_s": 300, "interval_s": 2, "risk_aversion": 3e-6}},
 {"id": "ppo-sell", "type": "rl_execution", "instrument": "HMX", "model": "ppo-execution.pt",
  "params": {"side": -1, "quantity": 8000, "duration_s": 1800, "interval_s": 10}}
]})";

inline RuntimeOptions demoSessionOptions(const QTemporaryDir& dir, const QString& journal)
{
    std::ofstream(dir.filePath(QStringLiteral("agents.json")).toStdString()) << kDemoAgents;
    RuntimeOptions o;
    o.dataDirectory = dir.filePath(QStringLiteral("data")).toStdString();
    o.resourceDirectory = HM_TEST_RESOURCES;
    o.venueFlowPerSecond = 300;
    o.journalPath = journal.toStdString();
    o.agentsFile = dir.filePath(QStringLiteral("agents.json")).toStdString();
    o.startAgents = true;
    o.regimeModel = "none";
    // The buyer's urgent orders cancel our sellers' resting ones and fill against the
    // market, and the replay has self-trade cancels to rebuild.
    o.limits.selfTradePolicy = SelfTradePolicy::CancelResting;
    return o;
}

// Leaves `live` null when something did not happen (the caller's QVERIFY says so).
inline void recordDemoSession(const QTemporaryDir& dir, const QString& journal, SnapshotPtr& live)
{
    Runtime rt(demoSessionOptions(dir, journal));
    rt.start();
    QVERIFY(rt.waitForLogon(10000));
    Engine& e = rt.engine();
    const Actor trader{"tom", Role::Trader};
    const Actor risk{"rita", Role::RiskManager};
    OrderRequest o;
    o.symbol = "HMX";
    o.type = OrderType::Market;
    o.qty = 300;
    e.submit(o);
    OrderRequest tooBig = o; // above max_order_qty: the gate denies it
    tooBig.qty = 20000;
    e.submit(tooBig);
    // Approve one ticket, reject the next.
    QTRY_VERIFY_WITH_TIMEOUT(!e.latest()->approvals.empty(), 15000);
    e.decide(e.latest()->approvals.front().id, "", true, trader);
    QTRY_VERIFY_WITH_TIMEOUT(!e.latest()->approvals.empty() && e.latest()->approvals.front().id > 1, 15000);
    e.decide(e.latest()->approvals.front().id, "", false, trader);
    e.changeLimits({{"max_position", "15000"}}, risk, "tighter for the afternoon");
    o.side = Side::Sell;
    e.submit(o);
    QTest::qWait(1500);
    e.controlAgent("ac-sell", AgentAction::Kill, trader, "drill");
    QTest::qWait(1500);
    e.killAll(trader, "end of the drill");
    QTest::qWait(1500);
    rt.stop();
    live = e.latest();
}

} // namespace hm
