// The analyst's tools over a session in two instruments (tests/multi_instrument_journal.h):
// the execution report has a row per agent and instrument and a summary per instrument,
// the what-if marks each instrument at its own price and sees every instrument's
// reference in its portfolio limits, and the export carries every instrument's rows.
#include "multi_instrument_journal.h"
#include "replay/analysis.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

using namespace hm;

namespace {

const ShortfallRow* rowOf(const ExecutionReportData& r, const std::string& agent, const std::string& symbol)
{
    for (const auto& row : r.rows)
        if (row.agent == agent && row.symbol == symbol)
            return &row;
    return nullptr;
}

const InstrumentRow* instrumentOf(const ExecutionReportData& r, const std::string& symbol)
{
    for (const auto& row : r.instruments)
        if (row.symbol == symbol)
            return &row;
    return nullptr;
}

const WhatIfAgent* whatIfRow(const WhatIfResult& w, const std::string& agent, const std::string& symbol)
{
    for (const auto& a : w.agents)
        if (a.agent == agent && a.symbol == symbol)
            return &a;
    return nullptr;
}

const WhatIfInstrument* whatIfInstrument(const WhatIfResult& w, const std::string& symbol)
{
    for (const auto& i : w.instruments)
        if (i.symbol == symbol)
            return &i;
    return nullptr;
}

} // namespace

class TestReportInstruments : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_path;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("two.db")).toStdString();
        multi::writeTwoInstrumentJournal(m_path);
    }

    // The operator traded both instruments: one row each, with its own fills, position
    // and P&L at that instrument's mark (one mixed row added HMX and ABC quantities).
    void executionReportHasARowPerAgentAndInstrument()
    {
        const ExecutionReportData r = executionReport(JournalReader(m_path));
        QCOMPARE(r.rows.size(), std::size_t(3));
        const ShortfallRow* opHmx = rowOf(r, "operator", "HMX");
        const ShortfallRow* opAbc = rowOf(r, "operator", "ABC");
        const ShortfallRow* pairs = rowOf(r, "pairs", "ABC");
        QVERIFY(opHmx && opAbc && pairs);
        QCOMPARE(opHmx->filledQty, 100LL);
        QCOMPARE(opHmx->position, 100LL);
        QCOMPARE(opHmx->side, 1);
        QCOMPARE(opHmx->avgPx, 100.02);
        QVERIFY(qAbs(opHmx->pnl - 99.0) < 1e-6);    // -10,002 + 100 x 101.01
        QCOMPARE(opAbc->filledQty, 100LL);
        QCOMPARE(opAbc->position, -100LL);
        QCOMPARE(opAbc->side, -1);
        QVERIFY(qAbs(opAbc->avgPx - 50.0) < 1e-9);
        QVERIFY(qAbs(opAbc->pnl - 95.0) < 1e-6);    // 5,000 - 100 x 49.05
        QCOMPARE(pairs->orders, 2);
        QCOMPARE(pairs->position, 500LL);
        QVERIFY(qAbs(pairs->pnl - -525.0) < 1e-6);  // -25,050 + 500 x 49.05
    }

    void everyInstrumentHasItsSummary()
    {
        const ExecutionReportData r = executionReport(JournalReader(m_path));
        QCOMPARE(r.instruments.size(), std::size_t(2));
        const InstrumentRow* hmx = instrumentOf(r, "HMX");
        const InstrumentRow* abc = instrumentOf(r, "ABC");
        QVERIFY(hmx && abc);
        QCOMPARE(hmx->boughtQty, 100LL);
        QCOMPARE(hmx->soldQty, 0LL);
        QCOMPARE(hmx->marketVolume, 1000LL);
        QVERIFY(qAbs(hmx->participation - 0.1) < 1e-9);
        QVERIFY(qAbs(hmx->lastMid - 101.01) < 1e-9);
        QVERIFY(qAbs(hmx->pnl - 99.0) < 1e-6);
        QCOMPARE(abc->agents, 2);
        QCOMPARE(abc->orders, 3);
        QCOMPARE(abc->fills, 3);
        QCOMPARE(abc->boughtQty, 500LL);
        QCOMPARE(abc->soldQty, 100LL);
        QCOMPARE(abc->position, 400LL);
        QVERIFY(qAbs(abc->avgBuyPx - 50.10) < 1e-9);
        QVERIFY(qAbs(abc->lastMid - 49.05) < 1e-9);
        QVERIFY(qAbs(abc->pnl - -430.0) < 1e-6);
        QVERIFY(qAbs(abc->participation - 0.3) < 1e-9);

        std::ostringstream text, csv;
        printExecutionReport(r, text);
        QVERIFY(text.str().find("By instrument") != std::string::npos);
        writeInstrumentSummaryCsv(r, csv);
        QCOMPARE(QString::fromStdString(csv.str()).split('\n', Qt::SkipEmptyParts).size(), 3); // header + 2
        std::ostringstream rows;
        writeExecutionReportCsv(r, rows);
        QVERIFY(rows.str().find("operator,manual,ABC,sell,0,100") != std::string::npos);
        QVERIFY(rows.str().find("operator,manual,HMX,buy,0,100") != std::string::npos);
    }

    // Unchanged limits change nothing; each instrument's P&L is marked at its own mid.
    void whatIfMarksEachInstrumentAtItsOwnPrice()
    {
        const WhatIfResult w = whatIfLimits(JournalReader(m_path), {{"max_position", "20000"}});
        QCOMPARE(w.blocked, 0);
        QCOMPARE(w.passedBoth, 4);
        const WhatIfAgent* opHmx = whatIfRow(w, "operator", "HMX");
        const WhatIfAgent* opAbc = whatIfRow(w, "operator", "ABC");
        QVERIFY(opHmx && opAbc);
        QVERIFY(qAbs(opHmx->pnlActual - 99.0) < 1e-6);
        QVERIFY(qAbs(opAbc->pnlActual - 95.0) < 1e-6);
        QVERIFY(qAbs(w.pnlActual - (99.0 + 95.0 - 525.0)) < 1e-6);
        QCOMPARE(w.instruments.size(), std::size_t(2));
        QCOMPARE(whatIfInstrument(w, "ABC")->positionActual, 400LL);
        QCOMPARE(whatIfInstrument(w, "HMX")->positionActual, 100LL);
    }

    // The net notional spans instruments: P-4 in ABC is blocked only if HMX's position
    // counts at HMX's price when P-4 is checked (150: 15,000 + 5,005 + 15,015 > 32,000),
    // not at its price when HMX was last ordered (100.01: 30,021 would pass).
    void whatIfPortfolioLimitsSeeEveryInstrument()
    {
        const WhatIfResult w = whatIfLimits(JournalReader(m_path), {{"max_net_notional", "32000"}});
        QCOMPARE(w.blocked, 1);
        QCOMPARE(w.blockedOrders.front().clOrdId, std::string("P-4"));
        QVERIFY2(w.blockedOrders.front().reason.find("net") != std::string::npos, w.blockedOrders.front().reason.c_str());
        const WhatIfAgent* pairs = whatIfRow(w, "pairs", "ABC");
        QVERIFY(pairs);
        QCOMPARE(pairs->filledWhatIf, 200LL);
        QVERIFY(qAbs(pairs->pnlWhatIf - -210.0) < 1e-6); // -10,020 + 200 x 49.05
        const WhatIfInstrument* abc = whatIfInstrument(w, "ABC");
        QCOMPARE(abc->blocked, 1);
        QCOMPARE(abc->positionWhatIf, 100LL);
        QCOMPARE(whatIfInstrument(w, "HMX")->blocked, 0);
        std::ostringstream text;
        printWhatIf(w, text);
        QVERIFY(text.str().find("by instrument") != std::string::npos);
    }

    void exportCarriesEveryInstrument()
    {
        std::ostringstream out;
        const std::size_t n = exportCsv(JournalReader(m_path), 0, 0, out);
        const QStringList lines = QString::fromStdString(out.str()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(static_cast<std::size_t>(lines.size()), n + 1);
        QVERIFY(lines.front().startsWith(QStringLiteral("seq,time,kind,symbol,")));
        QVERIFY(lines.front().endsWith(QStringLiteral(",px")));
        int hmx = 0, abc = 0;
        QStringList pxs; // each instrument's ticks at its own tick size
        for (const QString& l : lines) {
            const QStringList f = l.split(',');
            if (f.value(2) != QStringLiteral("order_new"))
                continue;
            (f.value(3) == QStringLiteral("HMX") ? hmx : abc) += 1;
            pxs << f.value(3) + QLatin1Char(' ') + f.value(6) + QLatin1Char(' ') + f.last();
        }
        QCOMPARE(hmx, 1);
        QCOMPARE(abc, 3);
        QCOMPARE(pxs.first(), QStringLiteral("HMX 10002 100.020000"));
        QCOMPARE(pxs.at(1), QStringLiteral("ABC 1002 50.100000"));
        // A range that starts after the instruments' config rows still prices them.
        std::ostringstream late;
        exportCsv(JournalReader(m_path), multi::sec(24), 0, late);
        QVERIFY2(late.str().find("P-4,buy,1002,300,") != std::string::npos && late.str().find(",50.100000\n") != std::string::npos,
                 late.str().c_str());
    }
};

QTEST_GUILESS_MAIN(TestReportInstruments)
#include "tst_report_instruments.moc"
