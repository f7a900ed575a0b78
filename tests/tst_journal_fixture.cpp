// A journal as the engine writes it today, kept in tests/data so that later changes
// to the engine or the codec are checked against it: every record decodes, encoding
// it again gives the same row byte for byte, and a replay matches every state hash the
// live session journaled (the replay stays bit-identical).
//
// tests/data/headless-seed1.db was written by
//   helmsman --headless --duration 5 --seed 1 --rate 20 --agents resources/agents/demo.json
//            --start-agents --no-control --data-dir DIR
// 840 records: orders of the script and of six agents, fills, cancels, replaces, gate
// denials, send failures after the logout, audit rows, regime alerts, state hashes.
#include "journal/journal_codec.h"
#include "journal/journal_reader.h"
#include "replay/recorded_market.h"
#include "replay/replay_session.h"
#include "replay/timeline.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace hm;

namespace {

QString show(const JournalRecord& r)
{
    std::string text = r.text;
    for (char& c : text)
        if (c == '\x1f')
            c = '^';
    return QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9")
        .arg(QString::number(r.time), QString::fromLatin1(toString(r.kind)), QString::fromStdString(r.symbol),
             QString::fromStdString(r.ref), QString::number(r.side), QString::number(r.price), QString::number(r.qty),
             QString::number(r.aux), QString::fromStdString(text));
}

template <typename T>
bool again(const JournalRecord& r, JournalRecord& out, std::string& error)
{
    T typed;
    if (!decode(r, typed, &error))
        return false;
    out = encode(typed, r.time);
    return true;
}

// The record through the typed record of its kind (or sub-kind) and back.
bool reencode(const JournalRecord& r, JournalRecord& out, std::string& error)
{
    switch (r.kind) {
    case RecordKind::SessionStart: return again<SessionStartRecord>(r, out, error);
    case RecordKind::Config:
        if (r.ref == "instrument")
            return again<InstrumentConfigRecord>(r, out, error);
        if (r.ref == "limits-initial")
            return again<InitialLimitsRecord>(r, out, error);
        return again<ConfigRecord>(r, out, error);
    case RecordKind::OrderNew: return again<OrderNewRecord>(r, out, error);
    case RecordKind::OrderCancel: return again<OrderCancelRecord>(r, out, error);
    case RecordKind::OrderReplace: return again<OrderReplaceRecord>(r, out, error);
    case RecordKind::ExecReport: return again<ExecReportRecord>(r, out, error);
    case RecordKind::CancelReject: return again<CancelRejectRecord>(r, out, error);
    case RecordKind::BookLevel: return again<BookLevelRecord>(r, out, error);
    case RecordKind::Trade: return again<TradeRecord>(r, out, error);
    case RecordKind::FixSession: return again<FixSessionRecord>(r, out, error);
    case RecordKind::Operator:
        return r.ref == "replace-denied" ? again<ReplaceDeniedRecord>(r, out, error) : again<OperatorRecord>(r, out, error);
    case RecordKind::Log: return again<LogRecord>(r, out, error);
    case RecordKind::Dropped: return again<DroppedRecord>(r, out, error);
    case RecordKind::OrderDenied: return again<OrderDeniedRecord>(r, out, error);
    case RecordKind::Audit: return again<AuditEntry>(r, out, error);
    case RecordKind::Alert:
        if (r.ref == "true-regime" || r.text.rfind("regime ", 0) == 0)
            return again<RegimeAlertRecord>(r, out, error);
        return again<AlertRecord>(r, out, error);
    case RecordKind::AgentDecision: return again<DecisionRecord>(r, out, error);
    case RecordKind::StateHash: return again<StateHashRecord>(r, out, error);
    case RecordKind::CarryPosition: return again<CarryPositionRecord>(r, out, error);
    case RecordKind::CarryOrder: return again<CarryOrderRecord>(r, out, error);
    }
    error = "unknown kind";
    return false;
}

} // namespace

class TestJournalFixture : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

private Q_SLOTS:
    void initTestCase()
    {
        // A copy: reading a WAL journal may leave -shm files beside it, and the source tree stays clean.
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("headless-seed1.db")).toStdString();
        QVERIFY(QFile::copy(QStringLiteral(HM_SOURCE_DIR "/tests/data/headless-seed1.db"), QString::fromStdString(m_path)));
    }

    void everyRecordDecodesAndEncodesBackByteForByte()
    {
        JournalReader reader(m_path);
        QCOMPARE(reader.count(), std::int64_t(840));
        std::map<RecordKind, int> kinds;
        int checked = 0;
        reader.forEach(reader.minSeq(), reader.maxSeq(), [&](const JournalRecord& r) {
            std::string error;
            QVERIFY2(decodesCleanly(r, &error), error.c_str());
            JournalRecord back;
            QVERIFY2(reencode(r, back, error), error.c_str());
            QCOMPARE(show(back), show(r));
            ++kinds[r.kind];
            ++checked;
        });
        QCOMPARE(checked, 840);
        // What the session holds, so a fixture that lost a kind is noticed.
        for (RecordKind k : {RecordKind::SessionStart, RecordKind::Config, RecordKind::OrderNew, RecordKind::OrderCancel,
                             RecordKind::OrderReplace, RecordKind::ExecReport, RecordKind::BookLevel, RecordKind::Trade,
                             RecordKind::FixSession, RecordKind::Operator, RecordKind::OrderDenied, RecordKind::Audit,
                             RecordKind::Alert, RecordKind::AgentDecision, RecordKind::StateHash})
            QVERIFY2(kinds[k] > 0, toString(k));
    }

    void replayMatchesEveryJournaledStateHash()
    {
        const std::int64_t hashes = JournalReader(m_path).count(RecordKind::StateHash);
        QCOMPARE(hashes, std::int64_t(9));
        ReplaySession replay(m_path);
        replay.start();
        const std::int64_t last = replay.lastSeq();
        replay.runTo(last);
        SnapshotPtr s;
        for (int i = 0; i < 3000; ++i) { // snapshots come at 30 Hz: one taken after the last record
            s = replay.engine().latest();
            if (s && s->replay.seq == last)
                break;
            QTest::qWait(10);
        }
        QVERIFY(s);
        QCOMPARE(s->replay.seq, last);
        QCOMPARE(s->replay.hashChecks, std::uint64_t(hashes));
        QCOMPARE(s->replay.hashMismatches, std::uint64_t(0));
        QCOMPARE(s->replay.firstMismatchSeq, std::int64_t(0));
        QVERIFY(replay.error().empty());

        // The analyst's recorded book, rebuilt from the same rows, ends where the engine's does.
        JournalReader reader(m_path);
        RecordedBook book;
        std::int64_t levels = 0;
        reader.forEach(reader.minSeq(), reader.maxSeq(), [&](const JournalRecord& r) {
            if (book.apply(r))
                ++levels;
        });
        QCOMPARE(levels, reader.count(RecordKind::BookLevel));
        const BookView& b = s->books.front();
        QVERIFY(!b.bids.empty() && !b.asks.empty());
        auto bid = book.bids().begin();
        for (const PriceLevel& l : b.bids) {
            QVERIFY(bid != book.bids().end());
            QCOMPARE(bid->first, l.price);
            QCOMPARE(bid->second, l.qty);
            ++bid;
        }
        auto ask = book.asks().begin();
        for (const PriceLevel& l : b.asks) {
            QVERIFY(ask != book.asks().end());
            QCOMPARE(ask->first, l.price);
            QCOMPARE(ask->second, l.qty);
            ++ask;
        }
    }

    void timelineMarksEveryDenialAndRegimeSwitch()
    {
        JournalReader reader(m_path);
        const Timeline t = buildTimeline(reader, 10);
        std::int64_t denials = 0, regimes = 0;
        for (const auto& m : t.marks) {
            denials += m.kind == MarkKind::Denial;
            regimes += m.kind == MarkKind::Regime;
            if (m.kind == MarkKind::Regime)
                QVERIFY2(m.text.rfind("HMX: ", 0) == 0, m.text.c_str());
        }
        QCOMPARE(denials, reader.count(RecordKind::OrderDenied));
        QCOMPARE(regimes, reader.count(RecordKind::Alert)); // both alerts of this session are regime switches
    }
};

QTEST_GUILESS_MAIN(TestJournalFixture)
#include "tst_journal_fixture.moc"
