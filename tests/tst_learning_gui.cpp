// The learning side of the window on a live embedded session: the shipped PPO model
// trades as an agent through oversight, its decisions show action probabilities and
// the features behind them, the execution monitor compares it with a shadow TWAP, and
// the shipped regime detector names the regime with probabilities next to the true one.
// HM_SCREENSHOT_DIR=dir saves a screenshot.
#include "agent_table_model.h"
#include "agents_panel.h"
#include "decisions_panel.h"
#include "main_window.h"
#include "market_panel.h"
#include "runtime.h"
#include "snapshot_bridge.h"
#include "theme.h"

#include <QDockWidget>
#include <QPushButton>
#include <QtTest>

#include <fstream>

using namespace hm;

class TestLearningGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void learningAgentAndRegimeDetector()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
        const std::string agents = dir.filePath(QStringLiteral("agents.json")).toStdString();
        const std::string model = std::string(HM_SOURCE_DIR) + "/models/ppo-execution.pt";
        std::ofstream(agents) << "{\"agents\": [{\"id\": \"ppo\", \"type\": \"rl_execution\", \"instrument\": \"HMX\", "
                                 "\"model\": \"" << model << "\", \"params\": {\"side\": 1, \"quantity\": 20000, "
                                 "\"duration_s\": 900, \"interval_s\": 10}}, {\"id\": \"broken\", \"type\": \"rl_execution\", "
                                 "\"instrument\": \"HMX\", \"model\": \"/nonexistent/model.pt\"}, "
                                 // outside the task the model was trained on (its card): refused, not run on a guess
                                 "{\"id\": \"short\", \"type\": \"rl_execution\", \"instrument\": \"HMX\", \"model\": \""
                              << model << "\", \"params\": {\"side\": -1, \"quantity\": 20000, \"duration_s\": 60, "
                                 "\"interval_s\": 10}}]}";
        RuntimeOptions o;
        o.dataDirectory = dir.filePath(QStringLiteral("data")).toStdString();
        o.resourceDirectory = HM_TEST_RESOURCES;
        o.venueFlowPerSecond = 200;
        o.agentsFile = agents;
        o.startAgents = true;
        o.regimeModel = HM_SOURCE_DIR "/models/regime-hmm.json";
        o.regimeWarmupS = 2;
        Runtime rt(o);
        applyDarkTheme(*qApp);
        MainWindow w(rt.engine(), rt.engine().config().instruments.front(), QStringLiteral("embedded venue"),
                     QString::fromStdString(rt.journalPath()));
        SnapshotBridge* bridge = &w.bridge();
        auto snapshotFeed = rt.engine().subscribeSnapshots([bridge](SnapshotPtr s) { bridge->offer(std::move(s)); });
        struct StopFirst {
            Runtime& rt;
            ~StopFirst() { rt.stop(); }
        } stopFirst{rt};
        rt.start();
        w.show();

        // The good model runs (a 15-minute buy: one policy for any parent inside its card's
        // distribution); the broken one and the one given a task it was not trained on
        // are refused, each with an alert that says why.
        QTRY_COMPARE_WITH_TIMEOUT(rt.refusedAgents(15000).size(), std::size_t(2), 15000);
        const std::vector<std::string> refused = rt.refusedAgents(0);
        QVERIFY2(refused[0].find("short") != std::string::npos || refused[1].find("short") != std::string::npos, refused[0].c_str());
        for (const auto& r : refused)
            if (r.rfind("short", 0) == 0)
                QVERIFY2(r.find("trained on horizons of 300 s to 7200 s, not 60 s") != std::string::npos, r.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(w.agents().model().rowCount(), 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(w.agents().model().agentAt(0)->state == AgentState::Running, 10000);
        QVERIFY(w.agents().model().agentAt(0)->description.find("sha256") != std::string::npos);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastSnapshot() && !w.lastSnapshot()->agents.empty(), 5000);

        // Decisions carry the policy's probabilities and gradient x input.
        QTRY_VERIFY_WITH_TIMEOUT(w.decisions().rows() > 0, 20000);
        const QString details = w.decisions().details(0);
        QVERIFY2(details.contains(QStringLiteral("p(")) && details.contains(QStringLiteral("grad x input")), qPrintable(details));
        QTRY_VERIFY_WITH_TIMEOUT(w.agents().model().agentAt(0)->monitor.size() >= 2, 30000); // one decision each 10 s

        // The detector names a regime with probabilities; the simulator's truth is beside it.
        QTRY_VERIFY_WITH_TIMEOUT(w.market().regimeText().contains(QStringLiteral("detected")), 15000);
        QVERIFY(!w.lastSnapshot()->books.front().regimeProbabilities.empty());
        QTRY_VERIFY_WITH_TIMEOUT(w.market().regimeText().contains(QStringLiteral("true regime")), 10000);

        if (qEnvironmentVariableIsSet("HM_SCREENSHOT_DIR")) {
            w.findChild<QDockWidget*>(QStringLiteral("marketDock"))->raise();
            w.findChild<QDockWidget*>(QStringLiteral("decisionsDock"))->raise();
            QTest::qWait(8000);
            w.grab().save(QDir(qEnvironmentVariable("HM_SCREENSHOT_DIR")).filePath(QStringLiteral("7-learning-agent-regime.png")));
        }
    }
};

QTEST_MAIN(TestLearningGui)
#include "tst_learning_gui.moc"
