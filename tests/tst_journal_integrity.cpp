// Every reader of a journal proves it untampered: each edit an adversary can make with
// the sqlite3 shell is named by the check it fails, the report and the headless replay
// exit non-zero on it, and the replay bar shows it. A session that did not end cleanly
// and a journal from before seals are warnings, not failures. Readers leave no -wal or
// -shm behind, and a journal that already holds a session is not written to again.
#include "journal/journal_integrity.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"
#include "replay/replay_session.h"
#include "replay_bar.h"
#include "runtime.h"

#include <sqlite3.h>

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace hm;

namespace {

const QString kFixture = QStringLiteral(HM_SOURCE_DIR "/tests/data/headless-seed1.db");

struct Run {
    int code = -1;
    QString out, err;
};

Run run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString sqlExec(const QString& path, const QString& statements)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK)
        return QStringLiteral("cannot open");
    char* err = nullptr;
    QString out;
    if (sqlite3_exec(db, statements.toUtf8().constData(), nullptr, nullptr, &err) != SQLITE_OK)
        out = QString::fromUtf8(err ? err : "error");
    sqlite3_free(err);
    sqlite3_close(db);
    return out;
}

QByteArray digestOf(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// Some line of the text holds the prefix and, after it, the detail.
bool namesFailure(const QString& text, const QString& prefix, const QString& detail)
{
    for (const QString& part : text.split(QLatin1Char('\n')))
        if (part.contains(prefix) && part.indexOf(detail) > part.indexOf(prefix))
            return true;
    return false;
}

QStringList filesIn(const QString& dir) { return QDir(dir).entryList(QDir::Files, QDir::Name); }

} // namespace

class TestJournalIntegrity : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_sealed; // the fixture's records written again by this build's writer: sealed
    int m_n = 0;

    // A copy of the fixture (written before seals) or of the sealed journal, alone in a directory.
    QString copy(const QString& from)
    {
        const QString dir = m_dir.filePath(QStringLiteral("c%1").arg(++m_n));
        QDir().mkpath(dir);
        const QString to = dir + QStringLiteral("/j.db");
        if (!QFile::copy(from, to))
            return {};
        QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return to;
    }

    void tamperingTable()
    {
        QTest::addColumn<bool>("sealed");
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("check");
        QTest::addColumn<QString>("detail");
        for (bool sealed : {false, true}) {
            const char* tag = sealed ? "sealed" : "older build";
            auto row = [&](const char* name, const char* sql, const char* check, const char* detail) {
                QTest::newRow(qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(name), QLatin1String(tag))))
                    << sealed << QString::fromLatin1(sql) << QString::fromLatin1(check) << QString::fromLatin1(detail);
            };
            row("audit reason edited", "DROP TRIGGER audit_no_update; UPDATE audit SET reason='tampered' WHERE seq=14",
                "audit copies", "audit row 14: reason differs from its copy in events (edited)");
            row("trigger dropped", "DROP TRIGGER audit_no_update", "audit triggers",
                "the append-only trigger audit_no_update was dropped");
            row("middle audit row deleted",
                "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq=(SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 5)",
                "audit chain", "does not chain to the row before it");
            row("last audit row deleted",
                "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq=(SELECT max(seq) FROM audit); "
                "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;",
                "audit copies", "is an audit event with no audit row (the row was deleted)");
            row("audit table dropped", "DROP TABLE audit", "audit chain", "the audit table is missing (dropped)");
            row("audit event copy edited", "UPDATE events SET text = text || 'x' WHERE seq=14", "audit chain",
                "audit row 14: hash does not match its contents (edited)");
            row("audit event copy's action edited", "UPDATE events SET ref='kill' WHERE seq=14", "audit copies",
                "audit row 14: action differs from its copy in events (edited)");
            row("every state hash deleted", "DELETE FROM events WHERE kind=18", "state hashes",
                sealed ? "9 recorded when the journal was sealed, 0 now (rows were deleted)" : "none in a session of");
            row("a record deleted in the middle", "DELETE FROM events WHERE seq=100", "record sequence",
                "record 100 is missing (1 of records 1..840 in all)");
            row("meta format changed", "UPDATE meta SET value='something-else' WHERE key='format'", "format",
                "meta format is 'something-else', not 'helmsman-journal'");
            if (sealed) {
                row("rows cut off the end", "DELETE FROM events WHERE seq > 830", "tail seal",
                    "sealed with 840 rows ending at record 840; now 830 rows ending at record 830 (rows were cut off the end)");
                row("the last record edited", "UPDATE events SET qty = qty + 1 WHERE seq = 840", "tail seal",
                    "record 840, the last one sealed, was changed");
                row("seal edited", "UPDATE meta SET value='v1 rows=840' WHERE key='seal'", "session end",
                    "the seal in meta is not one this build writes");
            }
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString source = copy(kFixture);
        QVERIFY(!source.isEmpty());
        m_sealed = m_dir.filePath(QStringLiteral("sealed.db"));
        JournalReader fixture(source.toStdString());
        JournalOptions o;
        o.path = m_sealed.toStdString();
        JournalWriter writer(o);
        writer.start();
        fixture.forEach(1, fixture.maxSeq(), [&](JournalRecord& r) { writer.append(r); });
        writer.stop();
    }

    void sealedJournalPassesEveryCheck()
    {
        const QString path = copy(m_sealed);
        JournalReader reader(path.toStdString());
        QCOMPARE(reader.count(), std::int64_t(840));
        const JournalIntegrity integrity = checkIntegrity(reader);
        QVERIFY2(!integrity.failed() && !integrity.warned(), integrity.report().c_str());
        QCOMPARE(QString::fromStdString(integrity.summary()), QStringLiteral("intact"));
        QCOMPARE(integrity.find("tail seal")->status, CheckStatus::Pass);
        QCOMPARE(QString::fromStdString(integrity.find("session end")->detail), QStringLiteral("closed cleanly after record 840"));
        {
            ReplaySession session(path.toStdString());
            ReplayBar bar(session);
            QVERIFY(bar.integrityText().isEmpty());
            QVERIFY(bar.findChild<QLabel*>(QStringLiteral("replayIntegrity"))->isHidden());
        }
        Run verify = run(QStringLiteral(HM_REPORT_BIN), {path, QStringLiteral("--verify")});
        QVERIFY2(verify.code == 0, qPrintable(verify.out + verify.err));
        QVERIFY2(verify.out.contains(QStringLiteral("9 of 9 recorded state hashes match the replayed state")), qPrintable(verify.out));
    }

    void tamperingIsNamedByEveryReader_data() { tamperingTable(); }
    void tamperingIsNamedByEveryReader()
    {
        QFETCH(bool, sealed);
        QFETCH(QString, sql);
        QFETCH(QString, check);
        QFETCH(QString, detail);
        const QString path = copy(sealed ? m_sealed : kFixture);
        QCOMPARE(sqlExec(path, sql), QString());

        {
            JournalReader reader(path.toStdString());
            const JournalIntegrity integrity = checkIntegrity(reader);
            QVERIFY(integrity.failed());
            const IntegrityCheck* c = integrity.find(check.toStdString());
            QVERIFY(c);
            QCOMPARE(c->status, CheckStatus::Fail);
            QVERIFY2(QString::fromStdString(c->detail).contains(detail), c->detail.c_str());
            QVERIFY2(QString::fromStdString(integrity.summary()).startsWith(QStringLiteral("FAILED: ")), integrity.summary().c_str());
        }
        // The report exits 3 and says which check failed and where (every mode: reportModesExitOnTampering).
        Run r = run(QStringLiteral(HM_REPORT_BIN), {path});
        QVERIFY2(r.code == 3, qPrintable(QStringLiteral("exit %1\n").arg(r.code) + r.out + r.err));
        QVERIFY2(namesFailure(r.err, QStringLiteral("helmsman-report: journal FAILS its integrity check: ") + check, detail),
                 qPrintable(r.err));
        QVERIFY2(namesFailure(r.out, QStringLiteral("  FAIL  ") + check, detail), qPrintable(r.out));
        // The replay: the session still opens (the analyst may look) and says so.
        ReplaySession session(path.toStdString());
        QVERIFY(session.integrity().failed());
        QVERIFY(session.integrity().find(check.toStdString())->status == CheckStatus::Fail);
        ReplayBar bar(session);
        QVERIFY2(bar.integrityText().startsWith(QStringLiteral("Journal fails its integrity check")), qPrintable(bar.integrityText()));
        QVERIFY2(namesFailure(bar.integrityText(), check, detail), qPrintable(bar.integrityText()));
        QVERIFY(!bar.findChild<QLabel*>(QStringLiteral("replayIntegrity"))->isHidden());
    }

    void reportModesExitOnTampering()
    {
        const QString path = copy(m_sealed);
        QCOMPARE(sqlExec(path, QStringLiteral("DROP TRIGGER audit_no_update; UPDATE audit SET reason='tampered' WHERE seq=14")), QString());
        for (const QStringList& mode : {QStringList{QStringLiteral("--verify")},
                                        QStringList{QStringLiteral("--export"), m_dir.filePath(QStringLiteral("x.csv"))},
                                        QStringList{QStringLiteral("--what-if"), QStringLiteral("max_position=100")},
                                        QStringList{QStringLiteral("--csv"), m_dir.filePath(QStringLiteral("r.csv"))}}) {
            Run r = run(QStringLiteral(HM_REPORT_BIN), QStringList{path} + mode);
            QVERIFY2(r.code == 3, qPrintable(mode.join(' ') + QStringLiteral(": exit %1\n").arg(r.code) + r.out + r.err));
            QVERIFY2(r.err.contains(QStringLiteral("journal FAILS its integrity check: audit copies: audit row 14: reason differs "
                                                   "from its copy in events (edited)")),
                     qPrintable(r.err));
        }
    }

    void headlessReplayExitsOnTampering()
    {
        const QString path = copy(kFixture);
        QCOMPARE(sqlExec(path, QStringLiteral("DROP TRIGGER audit_no_update; UPDATE audit SET reason='tampered' WHERE seq=14")), QString());
        Run r = run(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--replay"), path, QStringLiteral("--headless")});
        QVERIFY2(r.code == 8, qPrintable(QStringLiteral("exit %1\n").arg(r.code) + r.out + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("journal FAILS its integrity check: audit copies: audit row 14: reason differs")),
                 qPrintable(r.err));
        Run clean = run(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--replay"), copy(m_sealed), QStringLiteral("--headless")});
        QVERIFY2(clean.code == 0, qPrintable(clean.out + clean.err));
        QVERIFY2(clean.out.contains(QStringLiteral("integrity intact")), qPrintable(clean.out));
    }

    // A journal from before seals: readable, every check passes, and it says why its end is unproven.
    void olderBuildWithoutSealIsAWarning()
    {
        const QString path = copy(kFixture);
        JournalReader reader(path.toStdString());
        const JournalIntegrity integrity = checkIntegrity(reader);
        QVERIFY2(!integrity.failed(), integrity.report().c_str());
        QVERIFY(integrity.warned());
        QCOMPARE(integrity.find("session end")->status, CheckStatus::Warn);
        QCOMPARE(QString::fromStdString(integrity.find("session end")->detail),
                 QStringLiteral("no seal (older build or not closed cleanly)"));
        QCOMPARE(integrity.find("tail seal")->status, CheckStatus::NotRun);
        Run r = run(QStringLiteral(HM_REPORT_BIN), {path});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("integrity: intact; warning: session end: no seal (older build or not closed cleanly)")),
                 qPrintable(r.out));
        ReplaySession session(path.toStdString());
        ReplayBar bar(session);
        QVERIFY2(bar.integrityText().contains(QStringLiteral("no seal")), qPrintable(bar.integrityText()));
    }

    // A killed session: its last commits are still in the -wal, and there is no seal.
    void uncleanEndIsAWarningAndItsWalIsRead()
    {
        const QString live = m_dir.filePath(QStringLiteral("live"));
        const QString crashed = m_dir.filePath(QStringLiteral("crashed"));
        QDir().mkpath(live);
        QDir().mkpath(crashed);
        JournalOptions o;
        o.path = (live + QStringLiteral("/j.db")).toStdString();
        JournalWriter writer(o);
        writer.start();
        JournalReader fixture(kFixture.toStdString());
        fixture.forEach(1, 300, [&](JournalRecord& r) { writer.append(r); });
        writer.flush();
        // Copy the files as a kill leaves them: the writer never closed, so it never sealed or checkpointed.
        for (const QString& f : filesIn(live))
            QVERIFY(QFile::copy(live + QLatin1Char('/') + f, crashed + QLatin1Char('/') + f));
        writer.stop();
        QVERIFY2(filesIn(crashed).contains(QStringLiteral("j.db-wal")), qPrintable(filesIn(crashed).join(' ')));
        const QString path = crashed + QStringLiteral("/j.db");
        {
            JournalReader reader(path.toStdString());
            QCOMPARE(reader.count(), std::int64_t(300)); // the records only the -wal holds are read
            const JournalIntegrity integrity = checkIntegrity(reader);
            QVERIFY2(!integrity.failed(), integrity.report().c_str());
            QVERIFY(integrity.warned());
            QVERIFY2(QString::fromStdString(integrity.find("session end")->detail).startsWith(QStringLiteral("not closed cleanly")),
                     integrity.find("session end")->detail.c_str());
        }
        Run r = run(QStringLiteral(HM_REPORT_BIN), {path});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("integrity: intact; warning: session end: not closed cleanly")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("records 1..300")), qPrintable(r.out));
    }

    // Readers of a journal with no -wal beside it leave the directory as they found it.
    void readersCreateNoWalOrShm()
    {
        const QString path = copy(m_sealed);
        const QString dir = QFileInfo(path).absolutePath();
        const QByteArray before = digestOf(path);
        {
            JournalReader reader(path.toStdString());
            checkIntegrity(reader);
            QCOMPARE(reader.count(), std::int64_t(840));
        }
        {
            ReplaySession session(path.toStdString());
            session.start();
            session.runTo(session.lastSeq());
            session.stop();
        }
        QCOMPARE(run(QStringLiteral(HM_REPORT_BIN), {path, QStringLiteral("--verify")}).code, 0);
        QCOMPARE(run(QStringLiteral(HM_REPORT_BIN), {path}).code, 0);
        QCOMPARE(filesIn(dir), QStringList{QStringLiteral("j.db")});
        QCOMPARE(digestOf(path), before);
        // Even in a directory the reader may not write to (root writes anywhere, so this shows nothing there).
        QVERIFY(QFile(dir).setPermissions(QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        const int readOnlyDir = run(QStringLiteral(HM_REPORT_BIN), {path}).code;
        QVERIFY(QFile(dir).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QCOMPARE(readOnlyDir, 0);
        QCOMPARE(filesIn(dir), QStringList{QStringLiteral("j.db")});
    }

    // A second session is not appended to a journal that holds one; the file stays as it was.
    void journalWithASessionIsNotReused()
    {
        const QString path = copy(m_sealed);
        const QByteArray before = digestOf(path);
        RuntimeOptions o;
        o.dataDirectory = m_dir.filePath(QStringLiteral("data")).toStdString();
        o.resourceDirectory = HM_TEST_RESOURCES;
        o.journalPath = path.toStdString();
        QString message;
        try {
            Runtime runtime(o);
        } catch (const std::exception& e) {
            message = QString::fromStdString(e.what());
        }
        QVERIFY2(message.contains(QStringLiteral("already holds a session (records 1..840)")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("Name a new file with --journal")), qPrintable(message));
        QCOMPARE(digestOf(path), before);
        QCOMPARE(filesIn(QFileInfo(path).absolutePath()), QStringList{QStringLiteral("j.db")});

        Run r = run(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("1"),
                                                      QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                                                      QStringLiteral("--journal"), path});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("journal '") + path + QStringLiteral("' already holds a session")), qPrintable(r.err));
        QCOMPARE(digestOf(path), before);
    }
};

QTEST_MAIN(TestJournalIntegrity)
#include "tst_journal_integrity.moc"
