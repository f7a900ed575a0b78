// Replay: a session recorded over FIX with agents, approvals, a limit change and kills
// is rebuilt through the engine; the state hashes the live engine journaled match at
// every point; seeking lands on the same state as playing; analyst tools read it;
// bad files get clear messages and are never modified; a live journal can be followed.
#include "replay_fixture.h"
#include "replay/analysis.h"
#include "replay/what_if_model.h"
#include "replay/replay_session.h"
#include "journal/journal_writer.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <fstream>
#include <sstream>

using namespace hm;

namespace {


QByteArray digest(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// What the window would show, in one comparable string.
std::string picture(const EngineSnapshot& s)
{
    std::ostringstream out;
    for (const auto& o : s.orders)
        out << o.clOrdId << ":" << static_cast<int>(o.status) << ":" << o.cumQty << ":" << o.leavesQty << ";";
    for (const auto& p : s.positions)
        out << p.position.symbol << "=" << p.position.qty << "/" << p.position.realizedTicks << ";";
    for (const auto& a : s.agents)
        out << a.id << "=" << toString(a.state) << "/" << a.position << ";";
    out << "approvals=" << s.approvals.size() << ";killed=" << s.risk.killed << ";maxpos=" << s.risk.limits.maxPosition;
    for (const auto& b : s.books) {
        for (const auto& l : b.bids)
            out << "b" << l.price << "x" << l.qty;
        for (const auto& l : b.asks)
            out << "a" << l.price << "x" << l.qty;
    }
    return out.str();
}

SnapshotPtr settledSnapshot(ReplaySession& r, std::int64_t seq)
{
    // Snapshots are published at 30 Hz: wait for one taken after `seq` was applied (up to
    // 30 s: a sanitizer build replays several times slower).
    for (int i = 0; i < 3000; ++i) {
        SnapshotPtr s = r.engine().latest();
        if (s && s->replay.seq == seq)
            return s;
        QTest::qWait(10);
    }
    return r.engine().latest();
}

} // namespace

class TestReplay : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_journal;
    SnapshotPtr m_live;

    RuntimeOptions options(const QString& journal) { return demoSessionOptions(m_dir, journal); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_journal = m_dir.filePath(QStringLiteral("session.db"));
        recordDemoSession(m_dir, m_journal, m_live);
        QVERIFY(m_live && m_live->risk.killed);
    }

    void replayRebuildsTheLiveState()
    {
        ReplayOptions ro;
        ro.checkpointEvery = 300;
        ReplaySession r(m_journal.toStdString(), ro);
        r.start();
        const std::int64_t last = r.lastSeq();
        QVERIFY(last > 500);
        r.runTo(last);
        SnapshotPtr s = settledSnapshot(r, last);
        QCOMPARE(s->replay.seq, last);
        QVERIFY2(s->replay.hashChecks >= 5, qPrintable(QString::number(s->replay.hashChecks)));
        QCOMPARE(s->replay.hashMismatches, std::uint64_t(0));
        QVERIFY(r.checkpoints() > 2);
        // The window's picture at the end equals the live one.
        QCOMPARE(picture(*s), picture(*m_live));
        QCOMPARE(s->agents.size(), std::size_t(4));
        for (const auto& a : s->agents)
            QCOMPARE(a.state, AgentState::Killed);
        QCOMPARE(s->risk.limits.maxPosition, 15000.0);
        QVERIFY(!s->sessions.empty());
        // The risk gauges show the session's usage, as the live gate counted it.
        auto usage = [](const EngineSnapshot& snap, const std::string& name) {
            for (const auto& u : snap.risk.usage)
                if (u.name == name)
                    return u.used;
            return -1.0;
        };
        for (const char* name : {"max_position", "max_gross_notional", "max_open_orders"})
            QCOMPARE(usage(*s, name), usage(*m_live, name));
        // Not a comparison of two empty gauges: the session traded. (It may still end flat,
        // at a sanitizer's speed the agents' fills can net out the operator's, and then the
        // position gauge reads 0 on both sides.)
        QVERIFY(m_live->counters.fills > 0);
        QCOMPARE(s->risk.denials, m_live->risk.denials);
        QVERIFY(m_live->risk.denials > 0);
        QVERIFY(m_live->risk.selfTradesPrevented > 0); // the fixture's buyer meets our sellers
        QCOMPARE(s->risk.selfTradesPrevented, m_live->risk.selfTradesPrevented); // rebuilt from denials and audit rows
        for (const auto& kv : m_live->risk.selfTrades) {
            QCOMPARE(s->risk.selfTrades.at(kv.first).newDenied, kv.second.newDenied);
            QCOMPARE(s->risk.selfTrades.at(kv.first).restingCancelled, kv.second.restingCancelled);
        }
        // Marked to market on the records' time rather than the live ticks: fed, if not to the cent.
        QCOMPARE(s->risk.drawdown > 0, m_live->risk.drawdown > 0);
        QCOMPARE(usage(*s, "daily_loss_limit") > 0, usage(*m_live, "daily_loss_limit") > 0);
        // Read-only: commands are refused and change nothing.
        bool answered = false, refused = false;
        r.engine().killAll(Actor{"tom", Role::Trader}, "not in a replay", [&](bool ok, const std::string& why) {
            refused = !ok && why.find("read-only") != std::string::npos;
            answered = true;
        });
        OrderRequest o;
        o.symbol = "HMX";
        o.type = OrderType::Market;
        o.qty = 100;
        r.engine().submit(o, Origin::desk("operator"));
        QVERIFY(answered && refused);
        QTest::qWait(100);
        QCOMPARE(picture(*r.engine().latest()), picture(*m_live));
        r.stop();
    }

    void seekLandsWhereAPlayWould()
    {
        ReplayOptions ro;
        ro.checkpointEvery = 250;
        ReplaySession played(m_journal.toStdString(), ro), seeked(m_journal.toStdString(), ro);
        played.start();
        seeked.start();
        const std::int64_t last = played.lastSeq();
        seeked.runTo(last);
        for (std::int64_t target : {last / 3, (2 * last) / 3, last / 5}) {
            played.seek(0);
            played.runTo(target); // from the start
            seeked.runTo(target); // back from wherever it was, through a checkpoint
            QCOMPARE(picture(*settledSnapshot(seeked, target)), picture(*settledSnapshot(played, target)));
        }
        // Forward again from the restored state: every recorded hash still matches.
        seeked.runTo(last);
        SnapshotPtr s = settledSnapshot(seeked, last);
        QCOMPARE(s->replay.hashMismatches, std::uint64_t(0));
        QVERIFY(s->replay.hashChecks >= 5);
        // Stepping moves one record at a time.
        seeked.runTo(100);
        seeked.step(1);
        seeked.waitApplied(101);
        QCOMPARE(seeked.position(), std::int64_t(101));
    }

    // The live regime detector's model is journaled; a replay runs it on the recorded
    // market and shows the very same probabilities, also after a jump, and the jump's
    // first snapshot carries the regime's recent changes for the timeline.
    void regimeDetectorIsReplayed()
    {
        QFile shipped(QStringLiteral(HM_SOURCE_DIR "/models/regime-hmm.json"));
        QVERIFY(shipped.open(QIODevice::ReadOnly));
        QJsonObject model = QJsonDocument::fromJson(shipped.readAll()).object();
        model[QStringLiteral("interval_s")] = 0.5; // many looks in a short test session
        const QString modelPath = m_dir.filePath(QStringLiteral("regime-fast.json"));
        QFile out(modelPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(model).toJson());
        out.close();

        const QString journal = m_dir.filePath(QStringLiteral("regime.db"));
        std::ofstream(m_dir.filePath(QStringLiteral("no-agents.json")).toStdString()) << "{\"agents\": []}";
        RuntimeOptions o = options(journal);
        o.agentsFile = m_dir.filePath(QStringLiteral("no-agents.json")).toStdString();
        o.regimeModel = modelPath.toStdString();
        o.regimeWarmupS = 1;
        SnapshotPtr live;
        {
            Runtime rt(o);
            rt.start();
            QVERIFY(rt.waitForLogon(10000));
            QTest::qWait(6000);
            rt.stop();
            live = rt.engine().latest();
        }
        QCOMPARE(live->books.size(), std::size_t(1));
        const std::vector<double> liveP = live->books.front().regimeProbabilities;
        QCOMPARE(liveP.size(), std::size_t(4));

        ReplayOptions ro;
        ro.checkpointEvery = 200;
        ReplaySession played(journal.toStdString(), ro), seeked(journal.toStdString(), ro);
        std::atomic<std::uint64_t> jumpEpoch{std::numeric_limits<std::uint64_t>::max()};
        std::mutex mutex;
        SnapshotPtr afterJump; // the first snapshot after the jump back
        auto snapshotFeed = seeked.engine().subscribeSnapshots([&](SnapshotPtr s) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!afterJump && s->epoch >= jumpEpoch.load())
                afterJump = s;
        });
        played.start();
        seeked.start();
        const std::int64_t last = played.lastSeq();
        played.runTo(last);
        const SnapshotPtr end = settledSnapshot(played, last);
        QCOMPARE(end->replay.hashMismatches, std::uint64_t(0));
        QCOMPARE(end->books.front().regimeProbabilities, liveP); // bit for bit
        QCOMPARE(end->books.front().regime, live->books.front().regime);
        QVERIFY(!live->books.front().trueRegime.empty()); // the simulator's, journaled for the replay
        QCOMPARE(end->books.front().trueRegime, live->books.front().trueRegime);

        // Batches cut every few records: checkpoints and read-aheads fall inside market
        // messages, and the replay must still take each message whole, as the live engine did.
        ReplayOptions chopped;
        chopped.checkpointEvery = 3;
        chopped.chunk = 7;
        ReplaySession cut(journal.toStdString(), chopped);
        cut.start();
        cut.runTo(last);
        QCOMPARE(settledSnapshot(cut, last)->books.front().regimeProbabilities, liveP);
        cut.stop();

        seeked.runTo(last);
        settledSnapshot(seeked, last);
        jumpEpoch = seeked.engine().latest()->epoch + 1;
        const std::int64_t target = (2 * last) / 3;
        played.seek(0);
        played.runTo(target);
        seeked.runTo(target); // back through a checkpoint
        const SnapshotPtr a = settledSnapshot(seeked, target), b = settledSnapshot(played, target);
        QVERIFY(!a->books.front().regimeProbabilities.empty());
        QCOMPARE(a->books.front().regimeProbabilities, b->books.front().regimeProbabilities);
        std::lock_guard<std::mutex> lock(mutex);
        QVERIFY(afterJump);
        QVERIFY(!afterJump->books.front().regimeHistory.empty());
        QVERIFY(afterJump->books.front().regimeHistory.back().t <= afterJump->time);
    }

    // Skipping ahead from the start (no checkpoint to restore) is a jump for the window
    // too: a new epoch whose first snapshot brings the minutes that led to the target.
    void aSeekAheadIsAJumpForTheWindow()
    {
        ReplaySession r(m_journal.toStdString());
        std::mutex mutex;
        std::vector<SnapshotPtr> seen;
        auto snapshotFeed = r.engine().subscribeSnapshots([&](SnapshotPtr s) {
            std::lock_guard<std::mutex> lock(mutex);
            seen.push_back(s);
        });
        r.start();
        const std::int64_t target = r.lastSeq() / 2;
        r.runTo(target);
        const SnapshotPtr at = settledSnapshot(r, target);
        QVERIFY(at->epoch >= 1);
        std::lock_guard<std::mutex> lock(mutex);
        SnapshotPtr first;
        for (const auto& s : seen)
            if (!first && s->epoch == at->epoch)
                first = s;
        QVERIFY(first);
        QCOMPARE(first->replay.seq, target); // the new epoch starts at the target, not on the way
        QVERIFY(first->books.front().midHistory.size() > 4);
        QVERIFY(first->books.front().midHistory.back().first <= first->time);
    }

    void timelineMarksInterventions()
    {
        JournalReader j(m_journal.toStdString());
        const Timeline t = buildTimeline(j, 100);
        std::int64_t total = 0;
        for (auto n : t.density)
            total += n;
        QCOMPARE(total, j.count());
        std::set<MarkKind> kinds;
        for (const auto& m : t.marks)
            kinds.insert(m.kind);
        QVERIFY(kinds.count(MarkKind::Kill));
        QVERIFY(kinds.count(MarkKind::Approval));
        QVERIFY(kinds.count(MarkKind::LimitChange));
        QVERIFY(t.end > t.start);
    }

    void executionReportExplainsShortfall()
    {
        JournalReader j(m_journal.toStdString());
        const ExecutionReportData report = executionReport(j);
        const ShortfallRow* buy = nullptr;
        for (const auto& r : report.rows)
            if (r.agent == "twap-buy")
                buy = &r;
        QVERIFY(buy);
        QCOMPARE(buy->side, 1);
        QCOMPARE(buy->parentQty, 20000LL);
        QVERIFY(buy->filledQty > 0);
        QVERIFY(std::isfinite(buy->totalBps));
        QVERIFY(std::fabs(buy->delayBps + buy->impactBps + buy->timingBps + buy->opportunityBps - buy->totalBps) < 1e-9);
        QVERIFY(std::isfinite(buy->twapPx) && buy->twapPx > 0);
        QVERIFY(std::isfinite(buy->vwapPx) && buy->vwapPx > 0);
        QVERIFY(buy->endedBy.find("kill") != std::string::npos);
        std::ostringstream csv;
        writeExecutionReportCsv(report, csv);
        QVERIFY(csv.str().find("twap-buy,twap,HMX,buy,20000") != std::string::npos);

        std::ostringstream all;
        const std::size_t n = exportCsv(j, 0, 0, all);
        QCOMPARE(static_cast<std::int64_t>(n), j.count());
        const Timeline t = buildTimeline(j, 1);
        std::ostringstream part;
        const std::size_t m = exportCsv(j, t.start + (t.end - t.start) / 2, 0, part);
        QVERIFY(m > 0 && m < n);
    }

    void whatIfShowsWhatATighterLimitBlocks()
    {
        JournalReader j(m_journal.toStdString());
        const WhatIfResult same = whatIfLimits(j, {});
        QCOMPARE(same.blocked, 0);
        const WhatIfResult tight = whatIfLimits(j, {{"max_order_qty", "150"}});
        QVERIFY(tight.blocked > 0);
        QVERIFY(tight.blockedOrders.front().reason.find("order") != std::string::npos);
        bool operatorBlocked = false; // the 300-lot market orders
        for (const auto& b : tight.blockedOrders)
            operatorBlocked = operatorBlocked || b.agent == "operator";
        QVERIFY(operatorBlocked);
        QVERIFY(tight.pnlActual != tight.pnlWhatIf || tight.blockedOrders.front().filledQty == 0);
        bool threw = false;
        try {
            whatIfLimits(j, {{"max_nonsense", "1"}});
        } catch (const std::runtime_error& e) {
            threw = std::string(e.what()).find("max_nonsense") != std::string::npos;
        }
        QVERIFY(threw);
    }

    void whatIfAnotherModel()
    {
        JournalReader j(m_journal.toStdString());
        const WhatIfModelResult w = whatIfModel(j, "ppo-sell", HM_SOURCE_DIR "/models/ddqn-execution.pt");
        QCOMPARE(w.side, -1);
        QCOMPARE(w.parentQty, 8000LL);
        QVERIFY(w.end > w.start);
        QVERIFY2(w.recorded.orders > 0, "the recorded model, re-run, trades");
        QVERIFY(std::isfinite(w.recorded.shortfallBps));
        QVERIFY(std::isfinite(w.alternative.shortfallBps));
        QVERIFY(w.alternative.model.find("ddqn") != std::string::npos);
        std::ostringstream text;
        printWhatIfModel(w, text);
        QVERIFY(text.str().find("as it happened") != std::string::npos);
        auto message = [&](const std::string& agent, const std::string& model) {
            try {
                whatIfModel(j, agent, model);
            } catch (const std::exception& e) {
                return std::string(e.what());
            }
            return std::string();
        };
        QVERIFY(message("ppo-sell", "/nonexistent/model.pt").find("/nonexistent/model.pt") != std::string::npos);
        QVERIFY(message("twap-buy", "x.pt").find("runs no model") != std::string::npos);
        QVERIFY(message("nobody", "x.pt").find("no agent 'nobody'") != std::string::npos);
    }

    void badFilesGetClearMessagesAndStayUntouched()
    {
        auto refused = [&](const QString& path, const char* needle) {
            const QByteArray before = digest(path);
            std::string message;
            try {
                ReplaySession r(path.toStdString());
                r.start();
                r.runTo(r.lastSeq());
                message = r.error();
            } catch (const std::exception& e) {
                message = e.what();
            }
            const bool ok = message.find(needle) != std::string::npos && message.find(path.toStdString()) != std::string::npos;
            if (!ok)
                qWarning("%s: %s", qPrintable(path), message.c_str());
            return ok && digest(path) == before;
        };
        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        std::ofstream(text.toStdString()) << "not a journal at all\n";
        QVERIFY(refused(text, "not a Helmsman journal"));
        QVERIFY(refused(m_dir.filePath(QStringLiteral("missing.db")), "not found"));

        const QString newer = m_dir.filePath(QStringLiteral("newer.db"));
        QVERIFY(QFile::copy(m_journal, newer));
        sqlite3* db = nullptr;
        sqlite3_open(newer.toUtf8().constData(), &db);
        sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        QVERIFY(refused(newer, "newer"));

        const QString other = m_dir.filePath(QStringLiteral("other.db"));
        sqlite3_open(other.toUtf8().constData(), &db);
        sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1)", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        QVERIFY(refused(other, "not a Helmsman journal"));

        // Truncated and corrupted copies: a message, never a crash.
        const QByteArray whole = [&] {
            QFile f(m_journal);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        const QString truncated = m_dir.filePath(QStringLiteral("truncated.db"));
        {
            QFile f(truncated);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(whole.left(whole.size() * 6 / 10));
        }
        QVERIFY(refused(truncated, "damaged"));
        const QString corrupted = m_dir.filePath(QStringLiteral("corrupted.db"));
        {
            QByteArray bad = whole;
            for (int i = bad.size() / 2; i < bad.size() / 2 + 8192 && i < bad.size(); ++i)
                bad[i] = static_cast<char>(0xA5);
            QFile f(corrupted);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bad);
        }
        QVERIFY(refused(corrupted, "damaged"));
        QCOMPARE(digest(m_journal), digest(m_journal)); // the original was read by everything above
    }

    void followsALiveJournal()
    {
        const QString path = m_dir.filePath(QStringLiteral("live.db"));
        Runtime rt(options(path));
        rt.start();
        QVERIFY(rt.waitForLogon(10000));
        QTest::qWait(1500);
        rt.journal()->flush();
        ReplaySession r(path.toStdString());
        r.start();
        r.setFollow(true);
        r.setSpeed(0);
        r.play();
        const std::int64_t atOpen = r.lastSeq();
        QVERIFY(atOpen > 0);
        QTRY_VERIFY_WITH_TIMEOUT(r.position() > atOpen + 50, 15000); // records written after it was opened
        rt.stop();
        r.stop();
        QVERIFY(r.error().empty());
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
