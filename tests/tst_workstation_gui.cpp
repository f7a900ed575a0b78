// The window on a live embedded session: market data reaches the ladder, and an
// order from the ticket reaches the blotter and is filled over FIX. Agent files added
// from the agents panel are checked against the session's own regimes.
#include "agent_table_model.h"
#include "agents_panel.h"
#include "blotter_models.h"
#include "ladder_model.h"
#include "main_window.h"
#include "market_panel.h"
#include "order_ticket.h"
#include "price_chart.h"
#include "runtime.h"
#include "session_panel.h"
#include "snapshot_bridge.h"

#include <QApplication>
#include <QFile>
#include <QPushButton>
#include <QtTest>

using namespace hm;

class TestWorkstationGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ladderTicketBlotter()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
        RuntimeOptions o;
        o.dataDirectory = dir.filePath(QStringLiteral("data")).toStdString();
        o.resourceDirectory = HM_TEST_RESOURCES;
        o.venueFlowPerSecond = 200;
        Runtime rt(o);
        const Instrument ins = rt.engine().config().instruments.front();
        MainWindow w(rt.engine(), ins, QStringLiteral("embedded venue"), QString::fromStdString(rt.journalPath()));
        SnapshotBridge* bridge = &w.bridge();
        auto snapshotFeed = rt.engine().subscribeSnapshots([bridge](SnapshotPtr s) { bridge->offer(std::move(s)); });
        struct StopFirst { // however the test ends, the engine stops before the window it feeds
            Runtime& rt;
            ~StopFirst() { rt.stop(); }
        } stopFirst{rt};
        rt.start();
        w.show();

        // Market data reaches the ladder: ten levels each side around the touch.
        QTRY_VERIFY_WITH_TIMEOUT(w.ladder().priceAt(LadderModel::kLevels - 1) > 0
                                     && w.ladder().priceAt(LadderModel::kLevels) > 0,
                                 15000);
        QTRY_VERIFY_WITH_TIMEOUT(w.ladder().priceAt(2 * LadderModel::kLevels - 1) > 0, 5000);
        const Price bestAsk = w.ladder().priceAt(LadderModel::kLevels - 1);
        const Price bestBid = w.ladder().priceAt(LadderModel::kLevels);
        QVERIFY(bestBid < bestAsk);
        QCOMPARE(w.session().stateText(), QStringLiteral("LoggedOn"));
        // The market state: the simulator's regime and the shared features of the book.
        QTRY_VERIFY_WITH_TIMEOUT(!w.market().regimeText().contains(QStringLiteral("unknown")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(w.market().valueText("spread_ticks").toDouble() >= 1.0, 5000);

        // A marketable buy from the ticket is filled.
        w.ticket().setType(OrderType::Limit);
        w.ticket().setQuantity(100);
        w.ticket().setPrice(ins.toPrice(bestAsk + 20));
        QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.orders().rowCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(w.orders().orderAt(0)->status, OrderStatus::Filled, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(w.fills().rowCount() >= 1, 5000);

        // A passive order is marked on the ladder at its level, then cancelled from the blotter.
        w.ticket().setPrice(ins.toPrice(bestBid - 3));
        QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.orders().rowCount(), 2, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(w.orders().orderAt(1)->status, OrderStatus::New, 5000);
        bool marked = false;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (int r = 0; r < 2 * LadderModel::kLevels; ++r)
                if (w.ladder().data(w.ladder().index(r, LadderModel::MyBids), Qt::DisplayRole).toLongLong() == 100)
                    marked = true;
            return marked;
        }(), 5000);
        auto* cancelAll = w.findChild<QPushButton*>(QStringLiteral("cancelAll"));
        QVERIFY(cancelAll);
        QTest::mouseClick(cancelAll, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.orders().orderAt(1)->status, OrderStatus::Canceled, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(w.chart().midPoints() > 2, 5000);
        if (qEnvironmentVariableIsSet("HM_SCREENSHOT")) {
            w.ticket().setPrice(ins.toPrice(bestBid - 2));
            QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
            QTest::qWait(1500);
            w.grab().save(qEnvironmentVariable("HM_SCREENSHOT"));
        }
    }

    // A simulator configuration whose worst regime is called "storm": the panel's Add
    // takes a file that names it and refuses one that names the built-in "stressed".
    void addedAgentsAreCheckedAgainstTheSessionsRegimes()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
        QFile builtIn(QStringLiteral(HM_TEST_RESOURCES "/sim/default.json"));
        QVERIFY(builtIn.open(QIODevice::ReadOnly));
        QByteArray sim = builtIn.readAll();
        QVERIFY(sim.contains("\"stressed\""));
        sim.replace("\"stressed\"", "\"storm\"");
        const QString simPath = dir.filePath(QStringLiteral("storm-sim.json"));
        auto write = [](const QString& path, const QByteArray& text) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        QVERIFY(write(simPath, sim));
        auto agentFile = [&](const char* id, const char* regime) {
            const QString path = dir.filePath(QString::fromLatin1(id) + QStringLiteral(".json"));
            const QString text = QStringLiteral(R"({"agents": [{"id": "%1", "type": "twap", "instrument": "HMX",
                "params": {"side": "buy", "quantity": 1000, "duration_s": 60, "lot": 100},
                "oversight": {"approval": "in_regimes", "regimes": ["%2"]}}]})")
                                     .arg(QString::fromLatin1(id), QString::fromLatin1(regime));
            return write(path, text.toUtf8()) ? path : QString();
        };
        const QString storm = agentFile("storm-twap", "storm");
        const QString stressed = agentFile("stressed-twap", "stressed");
        QVERIFY(!storm.isEmpty() && !stressed.isEmpty());

        RuntimeOptions o;
        o.dataDirectory = dir.filePath(QStringLiteral("data")).toStdString();
        o.resourceDirectory = HM_TEST_RESOURCES;
        o.venueFlowPerSecond = 0;
        o.simConfig = simPath.toStdString();
        o.regimeModel = "none";
        Runtime rt(o);
        MainWindow w(rt.engine(), rt.engine().config().instruments.front(), QStringLiteral("embedded venue"),
                     QString::fromStdString(rt.journalPath()));
        SnapshotBridge* bridge = &w.bridge();
        auto snapshotFeed = rt.engine().subscribeSnapshots([bridge](SnapshotPtr s) { bridge->offer(std::move(s)); });
        struct StopFirst {
            Runtime& rt;
            ~StopFirst() { rt.stop(); }
        } stopFirst{rt};
        rt.start();

        w.agents().addFromFile(storm);
        QTRY_VERIFY_WITH_TIMEOUT(w.agents().model().rowOf("storm-twap") >= 0, 10000);
        QVERIFY2(!w.agents().statusText().contains(QStringLiteral("not a regime")), qPrintable(w.agents().statusText()));
        w.agents().addFromFile(stressed);
        const QString status = w.agents().statusText();
        QVERIFY2(status.contains(QStringLiteral("'stressed' is not a regime of the simulator configuration '%1'").arg(simPath)),
                 qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("storm")), qPrintable(status)); // the names it knows
        QCOMPARE(w.agents().model().rowOf("stressed-twap"), -1); // refused before the engine was asked
    }
};

QTEST_MAIN(TestWorkstationGui)
#include "tst_workstation_gui.moc"
