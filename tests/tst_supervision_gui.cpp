// The oversight side of the window on a live embedded session, driven the way a
// trader and a risk manager use it: start agents, approve a proposal, throttle,
// pause, kill one agent, try and fail to change limits as a trader, sign in as risk
// manager, change a limit and see it bite, then the global kill from its shortcut
// while the window is blocked, and the re-arm. HM_SCREENSHOT_DIR=dir saves each state.
#include "agent_table_model.h"
#include "agents_panel.h"
#include "approvals_panel.h"
#include "credentials.h"
#include "feed_panel.h"
#include "limits_dialog.h"
#include "main_window.h"
#include "order_ticket.h"
#include "risk_gauge.h"
#include "risk_panel.h"
#include "runtime.h"
#include "snapshot_bridge.h"
#include "theme.h"

#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QTableWidget>
#include <QtTest>

#include <chrono>
#include <fstream>
#include <thread>

using namespace hm;

namespace {

const char* kAgents = R"({"agents": [
  {"id": "approve-buy", "type": "twap", "instrument": "HMX",
   "params": {"side": "buy", "quantity": 3000, "duration_s": 120, "slice_s": 1, "lot": 100},
   "oversight": {"approval": "every_order", "timeout_s": 60, "on_timeout": "drop"},
   "throttle": {"max_orders_per_second": 5}},
  {"id": "auto-sell", "type": "twap", "instrument": "HMX",
   "params": {"side": "sell", "quantity": 3000, "duration_s": 60, "slice_s": 0.5, "lot": 100},
   "oversight": {"approval": "autonomous"},
   "throttle": {"max_orders_per_second": 5}}
]})";

const AgentView* agentView(MainWindow& w, const std::string& id)
{
    return w.agents().model().agentAt(w.agents().model().rowOf(id));
}

AgentState stateOf(MainWindow& w, const std::string& id)
{
    const AgentView* a = agentView(w, id);
    return a ? a->state : AgentState::Armed;
}

void click(QWidget& root, const char* name)
{
    auto* b = root.findChild<QAbstractButton*>(QString::fromLatin1(name));
    QVERIFY2(b, name);
    QVERIFY2(b->isEnabled(), name);
    QTest::mouseClick(b, Qt::LeftButton);
}

bool enabled(QWidget& root, const char* name)
{
    auto* b = root.findChild<QAbstractButton*>(QString::fromLatin1(name));
    return b && b->isEnabled();
}

void shot(QWidget& w, const char* name)
{
    if (!qEnvironmentVariableIsSet("HM_SCREENSHOT_DIR"))
        return;
    QTest::qWait(400); // let a snapshot or two land
    w.grab().save(QDir(qEnvironmentVariable("HM_SCREENSHOT_DIR")).filePath(QString::fromLatin1(name) + ".png"));
}

} // namespace

class TestSupervisionGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void selfTradeCountsInRiskPanelAndAgentTable()
    {
        EngineSnapshot s;
        s.risk.limits.selfTradePolicy = SelfTradePolicy::CancelResting;
        s.risk.selfTrades["twap-buy"] = SelfTradeCount{2, 0};
        s.risk.selfTrades["operator"] = SelfTradeCount{0, 1};
        s.risk.selfTradesPrevented = 3;
        AgentView a;
        a.id = "twap-buy";
        a.selfTrades = SelfTradeCount{2, 1};
        s.agents.push_back(a);
        RiskPanel panel;
        panel.update(s);
        RiskGauge* g = panel.gauge(QStringLiteral("self_trades"));
        QVERIFY(g);
        QCOMPARE(g->value(), 3.0);
        QVERIFY2(g->toolTip().contains(QStringLiteral("cancel_resting"))
                     && g->toolTip().contains(QStringLiteral("twap-buy: 2 new refused, 0 resting cancelled"))
                     && g->toolTip().contains(QStringLiteral("operator: 0 new refused, 1 resting cancelled")),
                 qPrintable(g->toolTip()));
        AgentTableModel model;
        model.update(s);
        QCOMPARE(model.headerData(AgentTableModel::SelfTrades, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("Self-trades"));
        QCOMPARE(model.data(model.index(0, AgentTableModel::SelfTrades), Qt::DisplayRole).toString(), QStringLiteral("2 / 1"));
    }
    void traderAndRiskManager()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
        const std::string data = dir.filePath(QStringLiteral("data")).toStdString();
        QVERIFY(makeDirectories(data));
        QCOMPARE(QString::fromStdString(setRiskPassphrase(data, "correct horse battery")), QString());
        const std::string agentsFile = dir.filePath(QStringLiteral("agents.json")).toStdString();
        std::ofstream(agentsFile) << kAgents;

        RuntimeOptions o;
        o.dataDirectory = data;
        o.resourceDirectory = HM_TEST_RESOURCES;
        o.venueFlowPerSecond = 200;
        o.agentsFile = agentsFile;
        Runtime rt(o);
        const Instrument ins = rt.engine().config().instruments.front();
        RiskManagerCheck check = [data](const QString& pass, QString& error) {
            std::string why;
            const bool ok = verifyRiskPassphrase(data, pass.toStdString(), why);
            error = QString::fromStdString(why);
            return ok;
        };
        applyDarkTheme(*qApp);
        MainWindow w(rt.engine(), ins, QStringLiteral("embedded venue"), QString::fromStdString(rt.journalPath()), check);
        SnapshotBridge* bridge = &w.bridge();
        auto snapshotFeed = rt.engine().subscribeSnapshots([bridge](SnapshotPtr s) { bridge->offer(std::move(s)); });
        // However the test ends, the engine stops before the window it feeds goes away.
        struct StopFirst {
            Runtime& rt;
            ~StopFirst() { rt.stop(); }
        } stopFirst{rt};
        rt.start();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w)); // shortcuts go to the active window
        QVERIFY(rt.waitForLogon(15000));

        // Both agents arrive armed; the trader starts them from the panel.
        QTRY_COMPARE_WITH_TIMEOUT(w.agents().model().rowCount(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastSnapshot() && w.lastSnapshot()->books.front().twiceMid > 0, 10000);
        QCOMPARE(stateOf(w, "approve-buy"), AgentState::Armed);
        QVERIFY(!enabled(w, "agentRearm")); // nothing to re-arm, and not a trader's move anyway
        for (const char* id : {"approve-buy", "auto-sell"}) {
            QVERIFY(w.agents().select(id));
            click(w, "agentStart");
            QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, id), AgentState::Running, 5000);
        }

        // Every order of approve-buy waits in the queue with its rationale; approving sends it.
        QTRY_VERIFY_WITH_TIMEOUT(w.approvals().model().rowCount() >= 1, 10000);
        auto* rationale = w.findChild<QPlainTextEdit*>(QStringLiteral("approvalRationale"));
        QVERIFY(rationale);
        QTRY_VERIFY(rationale->toPlainText().contains(QStringLiteral("approve-buy")));
        QVERIFY2(rationale->toPlainText().contains(QLatin1Char('=')), qPrintable(rationale->toPlainText()));
        const ApprovalView* ticket = w.approvals().model().ticketAt(0);
        QVERIFY(ticket->deadline > ticket->created);
        shot(w, "1-approval-queue");
        click(w, "approve");
        QTRY_VERIFY_WITH_TIMEOUT(agentView(w, "approve-buy")->ordersSent >= 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(agentView(w, "auto-sell")->ordersSent >= 1, 5000);

        // The throttle slider: one page step down from 100% reaches the engine.
        QVERIFY(w.agents().select("auto-sell"));
        QSlider& slider = w.agents().throttleSlider();
        QTRY_COMPARE(slider.value(), 100);
        slider.setFocus();
        QTest::keyClick(&slider, Qt::Key_PageDown);
        QTRY_COMPARE_WITH_TIMEOUT(agentView(w, "auto-sell")->throttle.level, 90, 5000);

        // Pause: shown as PAUSED in its own colour, never like a running agent.
        click(w, "agentPause");
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, "auto-sell"), AgentState::Paused, 5000);
        const int row = w.agents().model().rowOf("auto-sell");
        const QModelIndex stateCell = w.agents().model().index(row, AgentTableModel::State);
        QVERIFY(stateCell.data(Qt::DisplayRole).toString().startsWith(QStringLiteral("PAUSED")));
        QVERIFY(stateCell.data(Qt::BackgroundRole).value<QColor>() != stateColour(AgentState::Running));
        QVERIFY(enabled(w, "agentResume"));
        QVERIFY(!enabled(w, "agentPause"));
        shot(w, "2-agent-paused");
        click(w, "agentResume");
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, "auto-sell"), AgentState::Running, 5000);

        // Kill one agent: stopped, its working orders cancelled until none is left.
        QTRY_VERIFY_WITH_TIMEOUT(agentView(w, "auto-sell")->ordersSent >= 2, 10000);
        click(w, "agentKill");
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, "auto-sell"), AgentState::Killed, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(agentView(w, "auto-sell")->working == 0 && agentView(w, "auto-sell")->cancelsPending == 0, 5000);
        QVERIFY(!enabled(w, "agentRearm")); // a killed agent is re-armed by the risk manager only
        QVERIFY(!enabled(w, "agentStart"));
        shot(w, "3-agent-killed");

        // A trader can read the limits but not change them.
        {
            LimitsDialog* d = w.openLimitsEditor();
            QVERIFY(d->field("max_position")->isReadOnly());
            QVERIFY(!d->submit());
            QVERIFY(d->errorText().contains(QStringLiteral("risk manager")));
            d->close();
        }

        // Sign in as risk manager: the wrong passphrase is refused, the right one accepted.
        QString error;
        QVERIFY(!w.operatorSession().signInRiskManager(QStringLiteral("wrong"), error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(w.operatorSession().role(), Role::Trader);
        QVERIFY(w.operatorSession().signInRiskManager(QStringLiteral("correct horse battery"), error));
        QCOMPARE(w.operatorSession().role(), Role::RiskManager);
        QVERIFY(w.windowTitle().contains(QStringLiteral("RISK MANAGER")));
        QVERIFY(w.agents().select("auto-sell"));
        QTRY_VERIFY(enabled(w, "agentRearm"));

        // The limits editor: a bad value names the field, a missing reason is refused, and
        // a good change applies and shows on the gauge.
        LimitsDialog* d = w.openLimitsEditor();
        QVERIFY(!d->field("max_position")->isReadOnly());
        d->field("max_position")->setText(QStringLiteral("-5"));
        QVERIFY(!d->submit());
        QVERIFY2(d->errorText().contains(QStringLiteral("max_position")), qPrintable(d->errorText()));
        d->field("max_position")->setText(QStringLiteral("1500"));
        QVERIFY(!d->submit());
        QVERIFY(d->errorText().contains(QStringLiteral("reason")));
        d->reason().setText(QStringLiteral("tighten before the close"));
        if (qEnvironmentVariableIsSet("HM_SCREENSHOT_DIR"))
            d->grab().save(QDir(qEnvironmentVariable("HM_SCREENSHOT_DIR")).filePath(QStringLiteral("4-limits-editor.png")));
        // An instrument's own limit, from the per-instrument table, goes with the same change.
        QTableWidget& table = d->instrumentTable();
        QVERIFY(table.rowCount() >= 1);
        const QString firstSymbol = table.verticalHeaderItem(0)->text();
        const int qtyColumn = 0; // max_order_qty
        QCOMPARE(table.horizontalHeaderItem(qtyColumn)->text(), QStringLiteral("max_order_qty"));
        table.item(0, qtyColumn)->setText(QStringLiteral("0"));
        QVERIFY(!d->submit());
        QVERIFY2(d->errorText().contains(QStringLiteral("max_order_qty@") + firstSymbol), qPrintable(d->errorText()));
        table.item(0, qtyColumn)->setText(QStringLiteral("7000"));
        QVERIFY(d->submit());
        QTRY_COMPARE_WITH_TIMEOUT(w.lastSnapshot()->risk.limits.maxPosition, 1500.0, 5000);
        QTRY_COMPARE(w.lastSnapshot()->risk.limits.forInstrument(firstSymbol.toStdString()).maxOrderQty, 7000.0);
        QTRY_COMPARE(w.risk().gauge(QStringLiteral("max_position"))->limit(), 1500.0);
        QTRY_VERIFY(w.statusMessage().contains(QStringLiteral("max_position")));

        // It bites from the next order: a ticket order past the new position limit is denied,
        // and the denial shows in the feed.
        const int denialsBefore = w.feed().count("denial");
        w.ticket().setType(OrderType::Limit);
        w.ticket().setQuantity(5000);
        w.ticket().setPrice(ins.toPrice(w.lastSnapshot()->books.front().twiceMid / 2 - 5));
        QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w.feed().count("denial") > denialsBefore, 5000);
        QVERIFY2(w.feed().rowText(0).contains(QStringLiteral("position")), qPrintable(w.feed().rowText(0)));
        shot(w, "5-limit-changed-denial");

        // Global kill from its shortcut, then the window blocks: the engine carries it out anyway.
        QVERIFY(w.killButton().isVisible());
        w.activateWindow(); // the limits editor had the focus
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier);
        bool killedWhileBlocked = false;
        for (int i = 0; i < 150 && !killedWhileBlocked; ++i) { // no event processing in this loop
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            SnapshotPtr s = rt.engine().latest();
            killedWhileBlocked = s && s->risk.killed
                && std::all_of(s->agents.begin(), s->agents.end(), [](const AgentView& a) { return a.state == AgentState::Killed; });
        }
        QVERIFY(killedWhileBlocked);
        QTRY_VERIFY_WITH_TIMEOUT(w.risk().statusText().startsWith(QStringLiteral("KILLED")), 5000);
        auto openOrders = [&w] {
            for (const LimitUsage& u : w.lastSnapshot()->risk.usage)
                if (u.name == "max_open_orders")
                    return u.used;
            return -1.0;
        };
        QTRY_COMPARE_WITH_TIMEOUT(openOrders(), 0.0, 5000); // every cancel confirmed
        QTRY_VERIFY(w.feed().rowText(0).contains(QStringLiteral("GLOBAL KILL")) || w.feed().count("alert") > 0);
        shot(w, "6-global-kill");

        // Re-arm: the risk manager lifts the kill; agents come back armed, not running.
        w.rearmAll(QStringLiteral("incident reviewed"));
        QTRY_VERIFY_WITH_TIMEOUT(w.risk().statusText().startsWith(QStringLiteral("TRADING")), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, "approve-buy"), AgentState::Armed, 5000);
        QCOMPARE(stateOf(w, "auto-sell"), AgentState::Armed);
        w.operatorSession().signOut();
        QCOMPARE(w.operatorSession().role(), Role::Trader);

    }
};

QTEST_MAIN(TestSupervisionGui)
#include "tst_supervision_gui.moc"
