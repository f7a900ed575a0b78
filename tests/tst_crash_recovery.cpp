// Nothing lost, nothing counted twice: the workstation (its embedded venue with it) is
// SIGKILLed at random moments while it trades, 20 times, and started again on the same
// data directory each time; then a last session ends cleanly. The venue's order ledger
// says what was filled; the chain of journals (each names the one it carried over
// from) must hold every one of those fills exactly once, and the last session's
// position must be the venue's. Slow: about two minutes.
#include "journal/journal_codec.h"
#include "journal/journal_reader.h"
#include "session_recovery.h"
#include "venue/order_ledger.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>

using namespace hm;

namespace {

const char* const kStore = "/fix/store/FIX.4.4-HELMSMAN-HMVENUE.hmstore";

qint64 nextSenderSeq(const QString& store)
{
    QFile f(store);
    qint64 s = 0;
    if (f.open(QIODevice::ReadOnly) && f.size() >= 32) {
        const QByteArray h = f.read(32);
        std::memcpy(&s, h.constData() + 16, 8);
    }
    return s;
}

QStringList session(const QString& data, const char* seconds)
{
    return {QStringLiteral("--headless"), QStringLiteral("--duration"), QString::fromLatin1(seconds),
            QStringLiteral("--rate"), QStringLiteral("200"), QStringLiteral("--no-control"),
            QStringLiteral("--data-dir"), data};
}

std::string previousJournal(const JournalReader& reader)
{
    for (const auto& r : reader.records(RecordKind::Config, 10000)) {
        ConfigRecord c;
        if (decode(r, c) && c.key == "previous-journal")
            return c.value;
    }
    return {};
}

} // namespace

class TestCrashRecovery : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void twentyKillsLoseNoFillAndCountNoneTwice()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path());
        std::mt19937 rng(20261202);
        std::uniform_int_distribution<int> extraMs(0, 2500);
        const int kills = 20;
        for (int i = 0; i < kills; ++i) {
            const qint64 before = nextSenderSeq(data + QLatin1String(kStore));
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(HM_HELMSMAN_BIN), session(data, "60"));
            QVERIFY(p.waitForStarted());
            // Trading (orders on the wire), then a random moment later.
            QTRY_VERIFY_WITH_TIMEOUT(nextSenderSeq(data + QLatin1String(kStore)) > before + 8, 60000);
            QTest::qWait(extraMs(rng));
            ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(10000));
        }
        QProcess last;
        last.setProcessEnvironment(env);
        last.start(QStringLiteral(HM_HELMSMAN_BIN), session(data, "3"));
        QVERIFY(last.waitForFinished(120000));
        QVERIFY2(last.exitCode() == 0, last.readAllStandardError().constData());

        const Tally t = compare(data);
        qInfo("%d kills, %d journals in the chain; venue filled %lld in %d orders; journals: %lld missing, %lld "
              "duplicated, %d fills recovered at restarts, %d fills of unknown orders",
              kills, t.journals, static_cast<long long>(t.venueFilled), t.venueOrders, static_cast<long long>(t.missing),
              static_cast<long long>(t.duplicated), t.recovered, t.unmatched);
        QVERIFY2(t.venueFilled > 0, "the venue filled nothing: the test proves nothing");
        QVERIFY(t.journals >= 2);
        QCOMPARE(t.unmatched, 0);
        QCOMPARE(t.missing, Quantity(0));
        QCOMPARE(t.duplicated, Quantity(0));
        QCOMPARE(t.lastPosition, t.venuePosition);
        QVERIFY2(verifies(lastSessionJournal(data.toStdString())), "the last session does not replay to its own state");
    }

    // The worst case made certain: the rows of the second half of a killed session are cut
    // from its journal, as if the writer had never committed them, while the FIX stores
    // of both sides keep what was sent and received (so nothing is resent). The next
    // session must recover those fills from the counterparty's answers and find the
    // orders only the FIX store knew.
    void fillsNeverJournaledAreRecoveredFromTheCounterparty()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path());
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(HM_HELMSMAN_BIN), session(data, "60"));
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(nextSenderSeq(data + QLatin1String(kStore)) > 600, 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        const std::string killed = lastSessionJournal(data.toStdString());
        QVERIFY(!killed.empty());
        // Cut just before the middle fill: half the session's fills go.
        std::vector<std::int64_t> fills;
        {
            JournalReader reader(killed);
            for (const auto& r : reader.records(RecordKind::ExecReport))
                if (r.qty > 0)
                    fills.push_back(r.seq);
        }
        QVERIFY2(fills.size() >= 2, "fewer than 2 fills: the test proves nothing");
        const std::int64_t cutAfter = fills[fills.size() / 2] - 1;
        const auto fillsCut = static_cast<std::int64_t>(fills.size() - fills.size() / 2);
        QProcess cut;
        cut.start(QStringLiteral("sqlite3"), {QString::fromStdString(killed),
                                               QStringLiteral("DELETE FROM events WHERE seq > %1").arg(cutAfter)});
        QVERIFY(cut.waitForFinished(30000));
        QCOMPARE(cut.exitCode(), 0);

        QProcess next;
        next.setProcessEnvironment(env);
        next.start(QStringLiteral(HM_HELMSMAN_BIN), session(data, "2"));
        QVERIFY(next.waitForFinished(120000));
        QVERIFY2(next.exitCode() == 0, next.readAllStandardError().constData());
        const Tally t = compare(data);
        qInfo("%lld fills cut from the journal; venue filled %lld; journals: %lld missing, %lld duplicated, %d fills "
              "recovered",
              static_cast<long long>(fillsCut), static_cast<long long>(t.venueFilled), static_cast<long long>(t.missing),
              static_cast<long long>(t.duplicated), t.recovered);
        QVERIFY(t.recovered > 0);
        QCOMPARE(t.unmatched, 0);
        QCOMPARE(t.missing, Quantity(0));
        QCOMPARE(t.duplicated, Quantity(0));
        QCOMPARE(t.lastPosition, t.venuePosition);
        QVERIFY2(verifies(lastSessionJournal(data.toStdString())), "the recovering session does not replay to its own state");
        // The alert says what was found, the orders only the FIX store knew included.
        JournalReader reader(lastSessionJournal(data.toStdString()));
        std::string said;
        for (const auto& r : reader.records(RecordKind::Alert)) {
            AlertRecord a;
            if (decode(r, a) && a.kind == "reconcile" && a.text.rfind("reconciled", 0) == 0)
                said = a.text;
        }
        QVERIFY2(said.find(" fill(s) recovered") != std::string::npos, said.c_str());
        QVERIFY2(said.find(", 0 known only to the FIX store") == std::string::npos, said.c_str());
    }

private:
    // helmsman-report --verify: every check passes, the replayed state hashes included.
    static bool verifies(const std::string& journal)
    {
        QProcess p;
        p.start(QStringLiteral(HM_REPORT_BIN), {QString::fromStdString(journal), QStringLiteral("--verify")});
        if (!p.waitForFinished(120000))
            return false;
        if (p.exitCode() != 0)
            qWarning("%s", p.readAllStandardOutput().constData());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    struct Tally {
        int journals = 0, recovered = 0, unmatched = 0, venueOrders = 0;
        Quantity venueFilled = 0, venuePosition = 0, missing = 0, duplicated = 0, lastPosition = 0;
    };

    // The venue's ledger against the chain of journals that ends in the last session.
    static Tally compare(const QString& data)
    {
        Tally t;
        const std::vector<LedgerOrder> venue = readOrderLedger(data.toStdString() + "/venue/orders.ledger");
        std::map<std::string, std::size_t> byClOrdId;
        for (std::size_t k = 0; k < venue.size(); ++k) {
            for (const auto& id : venue[k].clOrdIds)
                byClOrdId[id] = k;
            t.venueFilled += venue[k].cumQty;
            t.venuePosition += venue[k].side == Side::Buy ? venue[k].cumQty : -venue[k].cumQty;
        }
        t.venueOrders = static_cast<int>(venue.size());
        std::vector<Quantity> booked(venue.size(), 0);
        std::string journal = lastSessionJournal(data.toStdString());
        const std::string last = journal;
        std::set<std::string> seen;
        while (!journal.empty() && seen.insert(journal).second) {
            JournalReader reader(journal);
            ++t.journals;
            for (const auto& r : reader.records(RecordKind::ExecReport)) {
                ExecReportRecord e;
                if (!decode(r, e) || e.lastQty <= 0)
                    continue;
                auto it = byClOrdId.find(e.clOrdId);
                if (it == byClOrdId.end()) {
                    ++t.unmatched;
                    continue;
                }
                booked[it->second] += e.lastQty;
                t.recovered += e.text.rfind("recovered", 0) == 0 ? 1 : 0;
            }
            journal = previousJournal(reader);
        }
        for (std::size_t k = 0; k < venue.size(); ++k) {
            t.missing += std::max<Quantity>(0, venue[k].cumQty - booked[k]);
            t.duplicated += std::max<Quantity>(0, booked[k] - venue[k].cumQty);
        }
        for (const auto& p : readPreviousSession(last).carry.positions)
            t.lastPosition += p.qty;
        return t;
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
