// The replay in the window: a recorded session opens read-only, every panel rebuilds
// from it through the engine's snapshots, the replay bar plays, steps and jumps to
// marks, nothing can trade, and the analyst's execution report and exports work.
// HM_SCREENSHOT_DIR=dir saves the window at the approval, the kill and the end, and
// the execution report.
#include "agent_table_model.h"
#include "agents_panel.h"
#include "analysis_dialogs.h"
#include "blotter_models.h"
#include "approvals_panel.h"
#include "decisions_panel.h"
#include "feed_panel.h"
#include "limits_dialog.h"
#include "multi_instrument_journal.h"
#include "main_window.h"
#include "risk_gauge.h"
#include "risk_panel.h"
#include "order_ticket.h"
#include "price_chart.h"
#include "replay_bar.h"
#include "replay_fixture.h"
#include "snapshot_bridge.h"
#include "theme.h"
#include "replay/replay_session.h"

#include <QApplication>
#include <QDir>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

using namespace hm;

namespace {
void shot(QWidget& w, const char* name)
{
    if (!qEnvironmentVariableIsSet("HM_SCREENSHOT_DIR"))
        return;
    QTest::qWait(400);
    w.grab().save(QDir(qEnvironmentVariable("HM_SCREENSHOT_DIR")).filePath(QString::fromLatin1(name) + ".png"));
}
} // namespace

class TestReplayGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replayInTheWindow()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
        const QString journal = dir.filePath(QStringLiteral("session.db"));
        SnapshotPtr live;
        recordDemoSession(dir, journal, live);
        QVERIFY(live);

        ReplaySession session(journal.toStdString());
        applyDarkTheme(*qApp);
        MainWindow w(session.engine(), session.config().instruments.front(), QStringLiteral("replay"), journal);
        SnapshotBridge* bridge = &w.bridge();
        auto snapshotFeed = session.engine().subscribeSnapshots([bridge](SnapshotPtr s) { bridge->offer(std::move(s)); });
        session.start();
        w.attachReplay(session);
        w.show();
        QVERIFY(w.windowTitle().contains(QStringLiteral("replay")));
        QVERIFY(!w.ticket().isEnabled()); // a replay sends nothing
        QVERIFY(!w.killAction().isEnabled());
        ReplayBar& bar = *w.replayBar();

        // Step from the start: one record at a time.
        session.step(1);
        QTRY_VERIFY(bar.statusText().contains(QStringLiteral("record 1 /")));

        // Jump to the first approval mark: the approval the trader made is in the feed.
        const Timeline t = session.timeline();
        std::int64_t approvalSeq = 0, killSeq = 0;
        for (const auto& m : t.marks) {
            if (m.kind == MarkKind::Approval && !approvalSeq)
                approvalSeq = m.seq;
            if (m.kind == MarkKind::Kill && m.text.find("kill-all") != std::string::npos)
                killSeq = m.seq;
        }
        QVERIFY(approvalSeq > 0 && killSeq > approvalSeq);
        session.runTo(approvalSeq);
        QTRY_VERIFY_WITH_TIMEOUT(bar.statusText().contains(QStringLiteral("record %1 /").arg(approvalSeq)), 5000);
        QTRY_COMPARE(w.agents().model().rowCount(), 4);
        QTRY_VERIFY(w.feed().count("audit") > 0);
        QVERIFY(w.agents().model().agentAt(0)->state != AgentState::Killed);
        shot(w, "r1-replay-at-approval");

        // Play on to the end at full speed: everything killed, limits changed, state matches.
        session.setSpeed(0);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(session.position() == session.lastSeq(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastSnapshot() && w.lastSnapshot()->replay.seq == session.lastSeq(), 5000);
        for (int i = 0; i < w.agents().model().rowCount(); ++i)
            QCOMPARE(w.agents().model().agentAt(i)->state, AgentState::Killed);
        QCOMPARE(w.lastSnapshot()->risk.limits.maxPosition, 15000.0);
        QVERIFY(w.orders().rowCount() > 0);
        QVERIFY(w.decisions().rows() > 0);
        QTRY_VERIFY(bar.statusText().contains(QStringLiteral("match")));
        QVERIFY2(!bar.statusText().contains(QStringLiteral("DIFFER")), qPrintable(bar.statusText()));
        shot(w, "r3-replay-end");

        // Back to the kill: the panels start over and show that moment.
        session.runTo(killSeq);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastSnapshot() && w.lastSnapshot()->replay.seq == killSeq, 5000);
        QTRY_VERIFY(w.lastSnapshot()->risk.killed);
        QTRY_VERIFY2(w.chart().midPoints() > 5, "the chart draws the minutes that led to the jump's target");
        // The gauges' sparklines too, four points a second of market time, and they stand
        // still while the replay is paused.
        RiskGauge* pnl = w.risk().gauge(QStringLiteral("pnl"));
        QVERIFY(pnl);
        QTRY_VERIFY2(pnl->historySize() > 8, qPrintable(QString::number(pnl->historySize())));
        const std::size_t paused = pnl->historySize();
        QTest::qWait(600);
        QCOMPARE(pnl->historySize(), paused);
        shot(w, "r2-replay-at-kill");

        // The analyst's tools.
        const QString png = dir.filePath(QStringLiteral("chart.png"));
        QVERIFY(w.saveChartPng(png));
        QVERIFY(QImage(png).width() > 100);
        ExecutionReportDialog report(journal);
        report.resize(1400, 360);
        report.show();
        QVERIFY(report.table().rowCount() >= 3);
        bool twapRow = false;
        for (int r = 0; r < report.table().rowCount(); ++r)
            twapRow = twapRow || report.table().item(r, 0)->text() == QStringLiteral("twap-buy");
        QVERIFY(twapRow);
        const QString csv = dir.filePath(QStringLiteral("report.csv"));
        QVERIFY(report.saveCsv(csv));
        QVERIFY(QFileInfo(csv).size() > 100);
        shot(report, "r4-execution-report");
        // The limits editor previews against the journal without applying anything.
        LimitsDialog* limits = w.openLimitsEditor();
        auto* preview = limits->findChild<QPushButton*>(QStringLiteral("previewLimits"));
        QVERIFY(preview);
        preview->click();
        QTRY_VERIFY(!w.findChildren<QPlainTextEdit*>(QStringLiteral("analysisText")).isEmpty());
        QVERIFY(w.findChildren<QPlainTextEdit*>(QStringLiteral("analysisText")).front()->toPlainText().contains(
            QStringLiteral("orders re-checked")));
        limits->close();
        QCOMPARE(w.lastSnapshot()->risk.limits.maxPosition, 15000.0);
        const QString whatIf = whatIfText(journal, {{"max_order_qty", "150"}});
        QVERIFY2(whatIf.contains(QStringLiteral("would have been blocked")), qPrintable(whatIf));
        session.stop();
    }

    // A session in two instruments: the report's rows name their instrument, the operator
    // who traded both has a row for each, and the summary has a row per instrument.
    void executionReportDialogCoversEveryInstrument()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString journal = dir.filePath(QStringLiteral("two.db"));
        multi::writeTwoInstrumentJournal(journal.toStdString());
        ExecutionReportDialog report(journal);
        QTableWidget& t = report.table();
        QCOMPARE(t.horizontalHeaderItem(2)->text(), QStringLiteral("instrument"));
        QStringList operatorRows;
        for (int r = 0; r < t.rowCount(); ++r)
            if (t.item(r, 0)->text() == QStringLiteral("operator"))
                operatorRows << t.item(r, 2)->text() + QLatin1Char(' ') + t.item(r, 16)->text();
        operatorRows.sort();
        QCOMPARE(operatorRows, (QStringList{QStringLiteral("ABC -100"), QStringLiteral("HMX 100")}));
        QTableWidget& byInstrument = report.instruments();
        QCOMPARE(byInstrument.rowCount(), 2);
        QCOMPARE(byInstrument.item(0, 0)->text(), QStringLiteral("ABC"));
        QCOMPARE(byInstrument.item(0, 6)->text(), QStringLiteral("400"));   // position
        QCOMPARE(byInstrument.item(0, 10)->text(), QStringLiteral("-430.00")); // P&L
        QCOMPARE(byInstrument.item(1, 0)->text(), QStringLiteral("HMX"));
        QCOMPARE(byInstrument.item(1, 10)->text(), QStringLiteral("99.00"));
        const QString csv = dir.filePath(QStringLiteral("instruments.csv"));
        QVERIFY(report.saveInstrumentsCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[1].startsWith(QStringLiteral("ABC,")) && lines[2].startsWith(QStringLiteral("HMX,")));
        const QString whatIf = whatIfText(journal, {{"max_net_notional", "32000"}});
        QVERIFY2(whatIf.contains(QStringLiteral("by instrument")) && whatIf.contains(QStringLiteral("P-4")), qPrintable(whatIf));
    }
};

QTEST_MAIN(TestReplayGui)
#include "tst_replay_gui.moc"
