#include "journal/journal_reader.h"
#include "journal/journal_writer.h"

#include <QtTest>

#include <fstream>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace hm;

namespace {
JournalRecord rec(RecordKind k, int i)
{
    JournalRecord r;
    r.time = 1000 + i;
    r.kind = k;
    r.symbol = "HMX";
    r.ref = "ID" + std::to_string(i);
    r.side = i % 2;
    r.price = 1880 + i % 10;
    r.qty = 100 * (1 + i % 10);
    r.aux = i;
    r.text = "text " + std::to_string(i);
    return r;
}
std::string fileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

class TestJournal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("j.db").toStdString();
        {
            JournalOptions o;
            o.path = path;
            JournalWriter w(o);
            w.start();
            for (int i = 0; i < 5000; ++i)
                QVERIFY(w.append(rec(i % 3 == 0 ? RecordKind::ExecReport : RecordKind::BookLevel, i)));
            w.flush();
            QCOMPARE(w.stats().written, std::uint64_t(5000));
            w.stop();
        }
        JournalReader r(path);
        QCOMPARE(r.schemaVersion(), kJournalSchemaVersion);
        QCOMPARE(r.count(), std::int64_t(5000));
        QCOMPARE(r.count(RecordKind::ExecReport), std::int64_t(1667));
        QCOMPARE(r.integrityCheck(), std::string("ok"));
        int i = 0;
        r.forEach(1, 5000, [&](const JournalRecord& got) {
            const JournalRecord want = rec(i % 3 == 0 ? RecordKind::ExecReport : RecordKind::BookLevel, i);
            QCOMPARE(got.seq, std::int64_t(i + 1));
            QCOMPARE(got.kind, want.kind);
            QCOMPARE(got.ref, want.ref);
            QCOMPARE(got.side, want.side);
            QCOMPARE(got.price, want.price);
            QCOMPARE(got.qty, want.qty);
            QCOMPARE(got.text, want.text);
            ++i;
        });
        QCOMPARE(i, 5000);
        // Reopening appends after the last sequence number.
        JournalOptions o;
        o.path = path;
        JournalWriter again(o);
        again.start();
        again.append(rec(RecordKind::Operator, 1));
        again.stop();
        QCOMPARE(JournalReader(path).maxSeq(), std::int64_t(5001));
    }

    void fullQueueShedsMarketDataOnly()
    {
        QTemporaryDir dir;
        JournalOptions o;
        o.path = dir.filePath("j.db").toStdString();
        o.capacity = 10;
        JournalWriter w(o); // not started: the queue only fills
        for (int i = 0; i < 10; ++i)
            QVERIFY(w.append(rec(RecordKind::BookLevel, i)));
        QVERIFY(!w.append(rec(RecordKind::BookLevel, 10)));
        QVERIFY(w.append(rec(RecordKind::ExecReport, 11))); // never shed
        QCOMPARE(w.stats().dropped, std::uint64_t(1));
        w.start();
        w.stop();
        JournalReader r(o.path);
        QCOMPARE(r.count(RecordKind::ExecReport), std::int64_t(1));
        QCOMPARE(r.count(RecordKind::Dropped), std::int64_t(1));
        QCOMPARE(r.records(RecordKind::Dropped).at(0).aux, std::int64_t(1));
    }

    void refusesForeignFilesWithoutTouchingThem()
    {
        QTemporaryDir dir;
        const std::string text = dir.filePath("notes.txt").toStdString();
        { std::ofstream(text) << "not a journal\n"; }
        const std::string before = fileBytes(text);
        JournalOptions o;
        o.path = text;
        try {
            JournalWriter w(o);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("not a Helmsman journal") != std::string::npos, e.what());
        }
        QCOMPARE(fileBytes(text), before);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, JournalReader r(text));

        // A journal from a newer schema: readable error, file unchanged.
        const std::string newer = dir.filePath("newer.db").toStdString();
        {
            o.path = newer;
            JournalWriter w(o);
        }
        QCOMPARE(::system(("sqlite3 " + newer + " 'PRAGMA user_version=99'").c_str()), 0);
        const std::string newerBytes = fileBytes(newer);
        try {
            JournalWriter w(o);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("newer") != std::string::npos, e.what());
        }
        try {
            JournalReader r(newer);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("newer") != std::string::npos, e.what());
        }
        QCOMPARE(fileBytes(newer), newerBytes);
    }

    void truncatedJournalIsReported()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.db").toStdString();
        {
            JournalOptions o;
            o.path = path;
            JournalWriter w(o);
            w.start();
            for (int i = 0; i < 20000; ++i)
                w.append(rec(RecordKind::BookLevel, i));
            w.stop();
        }
        QCOMPARE(::system(("sqlite3 " + path + " 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null").c_str()), 0);
        QCOMPARE(::truncate(path.c_str(), 8192), 0);
        bool reported = false;
        try {
            JournalReader r(path);
            r.count();
            reported = r.integrityCheck() != "ok";
        } catch (const std::runtime_error& e) {
            reported = true;
        }
        QVERIFY(reported);
    }

    void unwritablePath()
    {
        JournalOptions o;
        o.path = "/nonexistent-dir/j.db";
        try {
            JournalWriter w(o);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("does not exist") != std::string::npos, e.what());
        }
    }

    void survivesSigkillAtFullRate()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("k.db").toStdString();
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(pipeFds[0]);
            JournalOptions o;
            o.path = path;
            o.flushIntervalMs = 5;
            JournalWriter w(o);
            w.start();
            std::int64_t reported = 0;
            for (int i = 0;; ++i) {
                w.append(rec(i % 4 == 0 ? RecordKind::ExecReport : RecordKind::OrderNew, i));
                if (i % 1000 == 0) {
                    const std::int64_t committed = w.stats().lastCommittedSeq;
                    if (committed > reported) {
                        reported = committed;
                        (void)!::write(pipeFds[1], &committed, sizeof(committed));
                    }
                }
            }
        }
        ::close(pipeFds[1]);
        QThread::msleep(1500);
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        std::int64_t lastCommitted = 0, v = 0;
        while (::read(pipeFds[0], &v, sizeof(v)) == sizeof(v))
            lastCommitted = v;
        ::close(pipeFds[0]);
        QVERIFY2(lastCommitted > 1000, "the writer committed too little to test anything");
        JournalReader r(path);
        QCOMPARE(r.integrityCheck(), std::string("ok"));
        const std::int64_t count = r.count(), maxSeq = r.maxSeq();
        QVERIFY2(count >= lastCommitted, qPrintable(QString("rows %1 < last committed %2").arg(count).arg(lastCommitted)));
        QCOMPARE(count, maxSeq); // no gaps: every event up to the last commit
        qInfo("rows after SIGKILL: %lld (last reported commit %lld)", (long long)count, (long long)lastCommitted);
    }
};

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
