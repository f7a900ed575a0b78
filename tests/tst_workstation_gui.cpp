// The window on a live embedded session: market data reaches the ladder, and an
// order from the ticket reaches the blotter and is filled over FIX. Agent files added
// from the agents panel are checked against the session's own regimes.
#include "agent_table_model.h"
#include "agents_panel.h"
#include "attribution_table.h"
#include "blotter_models.h"
#include "decisions_panel.h"
#include "event_loop_probe.h"
#include "feed_panel.h"
#include "ladder_model.h"
#include "log_panel.h"
#include "main_window.h"
#include "market_panel.h"
#include "order_ticket.h"
#include "price_chart.h"
#include "runtime.h"
#include "session_panel.h"
#include "snapshot_bridge.h"

#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTableWidget>
#include <QXYSeries>
#include <QSpinBox>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace hm;

namespace {
constexpr Timestamp kMs = 1000000;
constexpr Timestamp kSecond = 1000 * kMs;
constexpr qreal kWindowMs = 3 * 60 * 1000; // the chart's rolling window

Instrument hmx()
{
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    return i;
}

// A snapshot of one book at `time` with `trades` trades stamped `tradeClockAhead` ahead of it.
std::shared_ptr<EngineSnapshot> marketSnapshot(Timestamp time, int trades, Timestamp tradeClockAhead, int step)
{
    auto s = std::make_shared<EngineSnapshot>();
    s->time = time;
    BookView b;
    b.instrument = hmx();
    b.twiceMid = 2 * (1885 + step % 11);
    for (int j = 0; j < trades; ++j)
        b.newTrades.push_back(Trade{"HMX", 1880 + (step * 7 + j * 3) % 13, 100, time + tradeClockAhead + j * kMs});
    s->books.push_back(std::move(b));
    return s;
}

// The x range of a chart series: [first, last] of its points, or {0, -1} when it is empty.
std::pair<qreal, qreal> spanOf(PriceChart& chart, int series)
{
    auto* xy = qobject_cast<QXYSeries*>(chart.chart()->series().at(series));
    if (!xy || xy->count() == 0)
        return {0, -1};
    return {xy->at(0).x(), xy->at(xy->count() - 1).x()};
}

// What a menu shows of an action's text: "&&" is an ampersand, a single '&' marks the mnemonic.
QString shownText(QString text)
{
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    return text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
}

class EventCounter : public QObject {
public:
    int metaCalls = 0;
    bool eventFilter(QObject*, QEvent* e) override
    {
        if (e->type() == QEvent::MetaCall)
            ++metaCalls;
        return false;
    }
};
} // namespace

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
        // Its P&L is attributed to the desk: a row for the operator and the total, and
        // the buy through the ask shows as a cost (shortfall above zero).
        QTableWidget& attribution = w.attribution().table();
        QTRY_VERIFY_WITH_TIMEOUT(attribution.rowCount() >= 2, 5000);
        QCOMPARE(attribution.item(0, 0)->text(), QStringLiteral("operator"));
        QCOMPARE(attribution.item(0, 2)->text(), QStringLiteral("100"));
        QVERIFY2(attribution.item(0, 5)->text().toDouble() > 0, qPrintable(attribution.item(0, 5)->text()));
        QCOMPARE(attribution.item(attribution.rowCount() - 1, 0)->text(), QStringLiteral("total"));

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

        // "Work with": the ticket hands the quantity to a new execution agent as its parent.
        auto* workWith = w.ticket().workWith();
        auto* horizon = w.findChild<QSpinBox*>(QStringLiteral("ticketHorizon"));
        QVERIFY(horizon);
        const int agentsBefore = w.agents().model().rowCount();
        workWith->setCurrentIndex(workWith->findData(QStringLiteral("twap")));
        horizon->setValue(2);
        w.ticket().setQuantity(600);
        QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.agents().model().rowCount(), agentsBefore + 1, 5000);
        const int row = w.agents().model().rowOf("twap-ticket-1");
        QVERIFY(row >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(w.agents().model().agentAt(w.agents().model().rowOf("twap-ticket-1"))->state
                                     == AgentState::Running,
                                 5000);
        QCOMPARE(w.agents().model().agentAt(row)->progress.target, Quantity(600));
        // A learned agent given a parent outside the task it was trained on is refused, and says why.
        workWith->setCurrentIndex(workWith->findData(QStringLiteral("rl_execution:ppo-execution.pt")));
        QTest::mouseClick(w.ticket().sellButton(), Qt::LeftButton);
        auto ticketMessage = [&]() -> QLabel* {
            for (QLabel* l : w.ticket().findChildren<QLabel*>())
                if (l->text().contains(QStringLiteral("training task")))
                    return l;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(ticketMessage() != nullptr, 10000);
        QCOMPARE(w.agents().model().rowCount(), agentsBefore + 1);
        // Inside it (a 10-minute buy: the card's horizons are 5 to 120 minutes, both sides)
        // the same model takes the parent and works it.
        horizon->setValue(10);
        w.ticket().setQuantity(2000);
        QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.agents().model().rowCount(), agentsBefore + 2, 10000);
        const int learned = w.agents().model().rowOf("rl-ticket-3");
        QVERIFY(learned >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(w.agents().model().agentAt(w.agents().model().rowOf("rl-ticket-3"))->state == AgentState::Running,
                                 10000);
        QCOMPARE(w.agents().model().agentAt(learned)->progress.target, Quantity(2000));
        workWith->setCurrentIndex(0); // direct again
        w.ticket().setQuantity(100);

        // The event loop's lateness is measured and on show in the status bar.
        QTRY_VERIFY_WITH_TIMEOUT(w.loopProbe().stats().samples > 5, 5000);
        auto* lag = w.findChild<QLabel*>(QStringLiteral("loopLag"));
        QVERIFY(lag);
        QTRY_VERIFY_WITH_TIMEOUT(lag->text().startsWith(QStringLiteral("UI lag")), 5000);

        // The kill needs nothing from the window's event loop once the shortcut fired: the
        // engine sends the cancels while this thread processes no events at all.
        w.ticket().setPrice(ins.toPrice(bestBid - 4));
        QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
        // The desk's third order, working (the execution agents' children are in the
        // blotter too, as many as the time taken so far gave them).
        auto deskOrder = [&](int n) -> const OrderRecord* {
            for (int r = 0; r < w.orders().rowCount(); ++r)
                if (const OrderRecord* o = w.orders().orderAt(r); o && o->owner.empty() && --n == 0)
                    return o;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(deskOrder(3) && deskOrder(3)->status == OrderStatus::New, 5000);
        const std::int64_t before = monoNs();
        w.killAction().trigger();
        bool sent = false;
        for (int i = 0; i < 5000 && !sent; ++i) {
            const KillTiming k = rt.engine().lastKill();
            sent = k.cancelsSentMono >= before && k.cancels >= 1;
            if (!sent)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        QVERIFY2(sent, "the kill's cancels went out without the window's event loop running");
        if (qEnvironmentVariableIsSet("HM_SCREENSHOT")) {
            w.ticket().setPrice(ins.toPrice(bestBid - 2));
            QTest::mouseClick(w.ticket().buyButton(), Qt::LeftButton);
            QTest::qWait(1500);
            w.grab().save(qEnvironmentVariable("HM_SCREENSHOT"));
        }
    }

    // Far more trades than pixels, stamped an hour ahead of the snapshots' clock: what the
    // chart draws and holds stays bounded, and it trims on the data's time base.
    void chartBoundedWhenTradesRunAhead()
    {
        PriceChart chart;
        chart.resize(800, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int bound = 4 * chart.width(); // first, lowest, highest, last per pixel column
        const Timestamp t0 = Timestamp(1900000000) * kSecond;
        Timestamp t = t0;
        for (int i = 0; i < 400; ++i) { // 400 s of data, 25 trades a second
            t = t0 + i * kSecond;
            chart.update(*marketSnapshot(t, 25, 3600 * kSecond, i), "HMX");
            QVERIFY2(chart.tradePoints() <= bound, qPrintable(QString::number(chart.tradePoints())));
            QVERIFY2(chart.midPoints() <= bound, qPrintable(QString::number(chart.midPoints())));
        }
        const qreal last = static_cast<qreal>(t / kMs);
        QTRY_COMPARE(spanOf(chart, 0).second, last); // the next frame (frames are at most 10 a second)
        QVERIFY(chart.tradePoints() > 0);
        QVERIFY(chart.midPoints() > 0);
        // Behind the series: 10,000 trades and 400 mids folded into at most 4 points per
        // time bucket (2,400 buckets over the window, and the two at its edges) per series.
        QVERIFY2(chart.heldPoints() <= 2 * 4 * (2400 + 2), qPrintable(QString::number(chart.heldPoints())));
        const auto mid = spanOf(chart, 0);
        const auto trades = spanOf(chart, 1);
        QVERIFY2(mid.first >= last - kWindowMs, "the mid is trimmed to the window");
        QVERIFY2(trades.second <= last && trades.first >= last - kWindowMs,
                 "trades ahead of the chart's clock are drawn on it and trimmed with it");

        // The clock jumps a day ahead, then back: the window follows the data both ways.
        const Timestamp ahead = t + 86400 * kSecond;
        for (int i = 0; i < 5; ++i)
            chart.update(*marketSnapshot(ahead + i * kSecond, 25, 0, i), "HMX");
        QTRY_COMPARE(spanOf(chart, 0).second, static_cast<qreal>((ahead + 4 * kSecond) / kMs));
        QVERIFY(spanOf(chart, 0).first >= static_cast<qreal>((ahead + 4 * kSecond) / kMs) - kWindowMs);
        QVERIFY(spanOf(chart, 1).first >= static_cast<qreal>((ahead + 4 * kSecond) / kMs) - kWindowMs);
        const Timestamp back = t + 10 * kSecond;
        for (int i = 0; i < 5; ++i)
            chart.update(*marketSnapshot(back + i * kSecond, 25, 0, i), "HMX");
        const qreal backLast = static_cast<qreal>((back + 4 * kSecond) / kMs);
        QTRY_COMPARE(spanOf(chart, 0).second, backLast);
        QVERIFY2(spanOf(chart, 0).first >= backLast - kWindowMs, "after the jump back the old future is gone");
        QVERIFY(spanOf(chart, 1).second <= backLast && spanOf(chart, 1).first >= backLast - kWindowMs);
        QVERIFY(chart.tradePoints() <= bound && chart.midPoints() <= bound);
    }

    // A window that does not run its event loop gets one snapshot with the newest of
    // what it missed, bounded, not every trade and fill since it stalled.
    void bridgeCapsMergedLists()
    {
        SnapshotBridge bridge;
        SnapshotPtr got;
        int deliveries = 0;
        connect(&bridge, &SnapshotBridge::snapshotReady, this, [&](SnapshotPtr s) {
            got = std::move(s);
            ++deliveries;
        });
        const Timestamp t0 = Timestamp(1900000000) * kSecond;
        for (int i = 0; i < 2000; ++i) {
            auto s = marketSnapshot(t0 + i * 33 * kMs, 20, 0, i);
            for (int j = 0; j < 10; ++j) {
                FillRecord f;
                f.execId = "E" + std::to_string(i * 10 + j);
                s->newFills.push_back(f);
                s->newFeed.push_back(FeedItem{s->time, "alert", "test", "item " + std::to_string(i * 10 + j)});
                s->newDecisions.push_back(DecisionView{s->time, "a", "sent", "BUY 1", {}, {}});
            }
            s->newSessionEvents.push_back(SessionEvent{"S", SessionEventKind::Created, "", s->time});
            bridge.offer(std::move(s));
        }
        QTRY_COMPARE(deliveries, 1);
        QVERIFY(got);
        QVERIFY2(got->books.front().newTrades.size() <= 5000, qPrintable(QString::number(got->books.front().newTrades.size())));
        QVERIFY(got->newFills.size() <= 5000);
        QVERIFY(got->newFeed.size() <= 2000);
        QVERIFY(got->newDecisions.size() <= 1000);
        QVERIFY(got->newSessionEvents.size() <= 500);
        QCOMPARE(got->newFills.back().execId, std::string("E19999")); // the newest are the ones kept
        QCOMPARE(got->newFeed.back().text, std::string("item 19999"));
        QCOMPARE(got->books.front().newTrades.back().time, t0 + 1999 * 33 * kMs + 19 * kMs);
    }

    // The blotter models hold a bounded number of rows and make room with precise row
    // removals, never a reset; a working order is never dropped.
    void blotterModelsBounded()
    {
        OrderTableModel orders;
        QSignalSpy resets(&orders, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&orders, &QAbstractItemModel::rowsRemoved);
        OrderRecord working;
        working.clOrdId = "W0";
        working.symbol = "HMX";
        working.status = OrderStatus::New;
        int n = 0;
        for (int i = 0; i < 40; ++i) {
            EngineSnapshot s;
            s.orders.push_back(working);
            for (int j = 0; j < 500; ++j) {
                OrderRecord o;
                o.clOrdId = "O" + std::to_string(n++);
                o.symbol = "HMX";
                o.status = OrderStatus::Filled;
                s.orders.push_back(o);
            }
            orders.update(s);
            QVERIFY2(orders.rowCount() <= 5001, qPrintable(QString::number(orders.rowCount())));
        }
        QCOMPARE(resets.count(), 0);
        QVERIFY(removed.count() > 0);
        bool found = false;
        for (int r = 0; r < orders.rowCount(); ++r)
            found = found || orders.orderAt(r)->clOrdId == "W0";
        QVERIFY2(found, "the working order stays in the blotter");
        QCOMPARE(orders.orderAt(orders.rowCount() - 1)->clOrdId, "O" + std::to_string(n - 1));

        FillTableModel fills;
        QSignalSpy fillResets(&fills, &QAbstractItemModel::modelReset);
        QSignalSpy fillsRemoved(&fills, &QAbstractItemModel::rowsRemoved);
        for (int i = 0; i < 12; ++i) {
            EngineSnapshot s;
            for (int j = 0; j < 1000; ++j) {
                FillRecord f;
                f.execId = "F" + std::to_string(i * 1000 + j);
                s.newFills.push_back(f);
            }
            fills.append(s);
            QVERIFY(fills.rowCount() <= 5000);
        }
        QCOMPARE(fillResets.count(), 0);
        QVERIFY(fillsRemoved.count() > 0);
        QCOMPARE(fills.data(fills.index(fills.rowCount() - 1, FillTableModel::ExecId), Qt::DisplayRole).toString(),
                 QStringLiteral("F11999"));
    }

    // The decisions table adds what arrived as one range on top and keeps its bound; the
    // feed lists at most its bound of a burst but counts all of it.
    void decisionsAndFeedBounded()
    {
        DecisionsPanel decisions;
        auto* table = decisions.findChild<QTableWidget*>(QStringLiteral("decisionsTable"));
        QVERIFY(table);
        QSignalSpy inserted(table->model(), &QAbstractItemModel::rowsInserted);
        int n = 0;
        for (int i = 0; i < 20; ++i) {
            EngineSnapshot s;
            for (int j = 0; j < 50; ++j)
                s.newDecisions.push_back(DecisionView{Timestamp(n) * kMs, "a", "sent", "BUY " + std::to_string(n++), {}, {}});
            decisions.update(s);
            QVERIFY(decisions.rows() <= 300);
        }
        QCOMPARE(decisions.rows(), 300);
        QVERIFY(decisions.details(0).contains(QStringLiteral("BUY %1").arg(n - 1)));
        inserted.clear();
        EngineSnapshot few;
        for (int j = 0; j < 5; ++j)
            few.newDecisions.push_back(DecisionView{Timestamp(n) * kMs, "a", "sent", "BUY " + std::to_string(n++), {}, {}});
        decisions.update(few);
        QCOMPARE(inserted.count(), 1); // one range for the five, not a rebuild of the table
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 4);
        QCOMPARE(decisions.rows(), 300);

        FeedPanel feed;
        EngineSnapshot burst;
        for (int j = 0; j < 10000; ++j)
            burst.newFeed.push_back(FeedItem{Timestamp(j) * kMs, "denial", "gate", "denied " + std::to_string(j)});
        feed.update(burst);
        QVERIFY(feed.rows() <= 2000);
        QCOMPARE(feed.count("denial"), 10000);
        QVERIFY(feed.rowText(0).contains(QStringLiteral("denied 9999")));
    }

    // A burst of log lines from another thread costs the window a batch, not one queued
    // event per line ahead of the operator's keystrokes.
    void logPanelBatchesLines()
    {
        LogPanel panel;
        EventCounter counter;
        panel.installEventFilter(&counter);
        std::thread writer([&panel] {
            for (int i = 0; i < 5000; ++i)
                panel.post(2, QStringLiteral("test"), QStringLiteral("line %1").arg(i));
        });
        writer.join();
        // What the writer left queued for the panel (what the panel posts to itself while
        // handling it waits for the next pass).
        QCoreApplication::sendPostedEvents(&panel, QEvent::MetaCall);
        QVERIFY2(counter.metaCalls <= 2, qPrintable(QString::number(counter.metaCalls)));
        panel.removeEventFilter(&counter);
        QCoreApplication::processEvents();
        QVERIFY(panel.blockCount() <= 2000);
        QVERIFY(panel.toPlainText().endsWith(QStringLiteral("line 4999")));
    }

    // The probe notices a stalled event loop.
    void probeSeesStall()
    {
        EventLoopProbe probe(20);
        QTest::qWait(100);
        QTimer::singleShot(0, [] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
        QTRY_VERIFY(probe.stats().late >= 1);
        QVERIFY(probe.stats().maxMs >= 150);
        QVERIFY(probe.stats().samples >= 3);
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

    // The View menu has every dock's show/hide toggle, titled like the dock, in a fixed
    // order; triggering it hides the dock and triggering it again brings it back.
    void viewMenuTogglesEveryDock()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
        RuntimeOptions o;
        o.dataDirectory = dir.filePath(QStringLiteral("data")).toStdString();
        o.resourceDirectory = HM_TEST_RESOURCES;
        o.venueFlowPerSecond = 0;
        Runtime rt(o);
        MainWindow w(rt.engine(), rt.engine().config().instruments.front(), QStringLiteral("embedded venue"),
                     QString::fromStdString(rt.journalPath()));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        QMenu* view = nullptr;
        for (QAction* a : w.menuBar()->actions())
            if (a->menu() && a->text().remove(QLatin1Char('&')) == QStringLiteral("View"))
                view = a->menu();
        QVERIFY2(view, "the menu bar has a View menu");
        QCOMPARE(view, &w.viewMenu());

        const QStringList expected{QStringLiteral("watchlistDock"), QStringLiteral("ladderDock"),  QStringLiteral("ticketDock"),
                                   QStringLiteral("blotterDock"),   QStringLiteral("agentsDock"),  QStringLiteral("approvalsDock"),
                                   QStringLiteral("decisionsDock"), QStringLiteral("riskDock"),    QStringLiteral("portfolioDock"), QStringLiteral("attributionDock"),
                                   QStringLiteral("feedDock"),      QStringLiteral("marketDock"),  QStringLiteral("sessionDock"),
                                   QStringLiteral("logDock")};
        const QList<QDockWidget*> all = w.findChildren<QDockWidget*>();
        QCOMPARE(all.size(), expected.size()); // no dock left out of the list below
        QStringList listed;
        const QList<QAction*> actions = view->actions();
        for (QAction* a : actions)
            for (QDockWidget* d : all)
                if (d->toggleViewAction() == a)
                    listed << d->objectName();
        QCOMPARE(listed, expected);
        QCOMPARE(actions.size(), expected.size());

        for (QDockWidget* d : all) {
            QAction* toggle = d->toggleViewAction();
            const QByteArray name = d->objectName().toUtf8();
            QVERIFY2(actions.contains(toggle), name.constData());
            QCOMPARE(shownText(toggle->text()), d->windowTitle());
            QVERIFY2(!toggle->text().isEmpty() && toggle->isEnabled() && toggle->isCheckable(), name.constData());
            QVERIFY2(!d->isHidden() && toggle->isChecked(), name.constData());
            toggle->trigger();
            QVERIFY2(d->isHidden() && !toggle->isChecked(), name.constData());
            toggle->trigger();
            QVERIFY2(!d->isHidden() && toggle->isChecked(), name.constData());
        }
        auto* ladder = w.findChild<QDockWidget*>(QStringLiteral("ladderDock"));
        QVERIFY(ladder);
        QCOMPARE(ladder->toggleViewAction()->text(), QStringLiteral("Order book — HMX"));
        auto* market = w.findChild<QDockWidget*>(QStringLiteral("marketDock"));
        QVERIFY(market);
        QCOMPARE(shownText(market->toggleViewAction()->text()), QStringLiteral("Market & regime")); // not "Market _regime"
    }
};

QTEST_MAIN(TestWorkstationGui)
#include "tst_workstation_gui.moc"
