// The evaluation grid: Benjamini-Hochberg against a hand-worked example, the classic
// baseline set, a tiny grid's pairing and baseline choice, the statistics of a grid of
// known episodes, and helmsman-backtest --grid-config writing its files.
#include "exec/grid.h"

#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <set>

using namespace hm;

namespace {
// Calibrated once for the whole suite: tests copy it before adding strategies.
const Backtest& quickBacktest()
{
    static const Backtest calibrated = [] {
        BacktestOptions o;
        o.calibrationDays = 1; // enough for a test's volume profile and impact
        o.calibrationSamples = 40;
        o.threads = 2;
        Backtest b(defaultSimConfig(), o);
        b.calibrate();
        return b;
    }();
    return calibrated;
}

std::vector<GridStrategy> builtIns(Backtest& b, const std::vector<std::string>& keys)
{
    std::vector<GridStrategy> out;
    for (const std::string& key : keys) {
        std::string error;
        if (!b.addBuiltIn(key, error))
            qFatal("%s", error.c_str());
        out.push_back({key, b.strategies().back(), b.factories().back(), false});
    }
    return out;
}

GridOptions twoCells()
{
    GridOptions o;
    o.sides = {Side::Sell};
    o.sizes = {0.05};
    o.horizonsS = {300};
    o.regimes = {0, 1};
    o.episodes = 8;
    return o;
}
} // namespace

class TestBacktestGrid : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void benjaminiHochbergHandWorked()
    {
        // Sorted: 0.005, 0.01, 0.03, 0.04 -> x m/rank: 0.02, 0.02, 0.04, 0.04 (already monotone).
        const std::vector<double> q = benjaminiHochberg({0.01, 0.04, 0.03, 0.005});
        QCOMPARE(q.size(), std::size_t(4));
        QVERIFY(std::fabs(q[0] - 0.02) < 1e-12);
        QVERIFY(std::fabs(q[1] - 0.04) < 1e-12);
        QVERIFY(std::fabs(q[2] - 0.04) < 1e-12);
        QVERIFY(std::fabs(q[3] - 0.02) < 1e-12);
        // Step-up: 0.04 x 4/3 would be 0.053, but a larger p's 0.045 x 4/4 caps it.
        const std::vector<double> s = benjaminiHochberg({0.001, 0.04, 0.045, 0.03});
        QVERIFY(std::fabs(s[1] - 0.045) < 1e-12);
        QVERIFY(std::fabs(s[2] - 0.045) < 1e-12);
        QVERIFY(std::fabs(s[3] - 0.045) < 1e-12);
        QVERIFY(std::fabs(s[0] - 0.004) < 1e-12);
    }

    void benjaminiHochbergIsMonotoneCappedAndSkipsNan()
    {
        const std::vector<double> p{0.9, 0.2, 0.5, 0.95, 0.01, 0.3, 0.99};
        const std::vector<double> q = benjaminiHochberg(p);
        for (std::size_t i = 0; i < p.size(); ++i) {
            QVERIFY(q[i] <= 1.0);
            QVERIFY(q[i] >= p[i]);
            for (std::size_t j = 0; j < p.size(); ++j)
                if (p[i] < p[j])
                    QVERIFY(q[i] <= q[j]); // the order of the p-values is kept
        }
        for (double v : benjaminiHochberg({0.9, 0.95, 0.99}))
            QVERIFY(std::fabs(v - 0.99) < 1e-12);
        QVERIFY(std::fabs(benjaminiHochberg({0.6, 0.7})[0] - 0.7) < 1e-12);
        QCOMPARE(benjaminiHochberg({0.5, 0.6, 0.7, 0.2})[0] <= 1.0, true);
        QCOMPARE(benjaminiHochberg({0.02, 0.03})[0] > 0.02, true);
        const std::vector<double> withNan = benjaminiHochberg({0.01, std::nan(""), 0.04});
        QVERIFY(std::isnan(withNan[1]));
        QVERIFY(std::fabs(withNan[0] - 0.02) < 1e-12); // a family of two, not three
        QVERIFY(std::fabs(withNan[2] - 0.04) < 1e-12);
        QVERIFY(benjaminiHochberg({}).empty());
    }

    void classicBaselineSet()
    {
        for (const char* k : {"twap", "vwap", "pov", "ac"})
            QVERIFY(isClassicBaseline(k));
        for (const char* k : {"twap-cross", "vwap-cross", "pov-cross", "ac-cross", "submit-and-leave", "model:models/ppo.pt", "TWAP"})
            QVERIFY(!isClassicBaseline(k));
    }

    void gridTasksSetSideHorizonAndRegime()
    {
        Backtest b = quickBacktest();
        const GridCell cell{Side::Buy, 0.05, 600, 3};
        const ExecutionTask t = gridTask(b, cell, 900000007);
        QCOMPARE(t.side, Side::Buy);
        QCOMPARE(t.horizonS, 600.0);
        QCOMPARE(t.startRegime, 3);
        QVERIFY(t.quantity > 0);
        // Size is the share of the expected volume over this horizon, as taskFor does it.
        QVERIFY(std::fabs(static_cast<double>(t.quantity) - 0.05 * t.expectedVolume) <= b.config().lot);
        QCOMPARE(gridCells(twoCells(), 4).size(), std::size_t(2));
        QCOMPARE(gridCells(GridOptions{}, 4).size(), std::size_t(2 * 4 * 3 * 4));
    }

    void tinyGridPairsSeedsAndPicksTheBestClassic()
    {
        Backtest b = quickBacktest();
        std::vector<GridStrategy> s = builtIns(b, {"twap", "vwap", "ac", "submit-and-leave"});
        const GridResult r = runGrid(b, s, twoCells());
        QCOMPARE(r.cells.size(), std::size_t(2));
        QCOMPARE(r.episodes.size(), std::size_t(2 * 8 * 4));
        QCOMPARE(r.rows.size(), std::size_t(2 * 4));
        std::map<std::pair<int, int>, std::vector<std::uint64_t>> seeds;
        std::set<std::uint64_t> all;
        for (const GridEpisode& e : r.episodes) {
            seeds[{e.cell, e.strategy}].push_back(e.seed);
            QVERIFY(e.seed >= 900000000);
            all.insert(e.seed);
        }
        for (int c = 0; c < 2; ++c)
            for (int k = 1; k < 4; ++k)
                QVERIFY(seeds[std::make_pair(c, k)] == seeds[std::make_pair(c, 0)]); // paired: the same seeds for every strategy
        QCOMPARE(all.size(), std::size_t(16)); // cells do not share seeds
        for (int c = 0; c < 2; ++c) {
            int best = -1;
            double bestMean = 1e300;
            for (const GridRow& row : r.rows)
                if (row.cell == c && row.classic && row.meanShortfall < bestMean) {
                    bestMean = row.meanShortfall;
                    best = row.strategy;
                }
            QCOMPARE(r.bestClassic[static_cast<std::size_t>(c)], best);
            QVERIFY(r.strategies[static_cast<std::size_t>(best)].key != "submit-and-leave");
            for (const GridRow& row : r.rows)
                if (row.cell == c) {
                    QCOMPARE(row.bestClassic, row.strategy == best);
                    QCOMPARE(row.baselineMean, bestMean);
                    QCOMPARE(std::isnan(row.p), row.bestClassic);
                }
        }
        QCOMPARE(r.aggregate.size(), std::size_t(4));
    }

    void aStrategyIdenticalToTheBaselineShowsNoDifference()
    {
        Backtest b = quickBacktest();
        std::vector<GridStrategy> s = builtIns(b, {"twap"});
        s.push_back({"twap-clone", "TWAP clone", s.front().factory, false}); // not classic: compared with TWAP
        const GridResult r = runGrid(b, s, twoCells());
        for (const GridRow& row : r.rows)
            if (row.strategy == 1) {
                QCOMPARE(r.bestClassic[static_cast<std::size_t>(row.cell)], 0);
                QCOMPARE(row.p, 1.0);
                QCOMPARE(row.pAdjusted, 1.0);
                QCOMPARE(row.improvementPct, 0.0);
                QCOMPARE(row.beatShare, 0.0);
                QVERIFY(!row.significantlyBetter && !row.significantlyWorse);
            }
        QCOMPARE(r.aggregate[1].improvementPct, 0.0);
        QCOMPARE(r.aggregate[1].p, 1.0);
    }

    void knownEpisodesGiveKnownStatistics()
    {
        // Two cells of 40 episodes: B is 2 bps dearer than A in cell 0 and 2 bps cheaper in cell 1.
        GridResult r;
        r.options.episodes = 40;
        r.cells = {GridCell{Side::Sell, 0.1, 300, 0}, GridCell{Side::Sell, 0.1, 300, 1}};
        r.regimeNames = {"calm", "normal"};
        r.strategies = {{"twap", "A", {}, false}, {"model:b", "B", {}, true}, {"vwap", "C", {}, false}};
        for (int c = 0; c < 2; ++c)
            for (int e = 0; e < 40; ++e) {
                const double a = 10 + std::sin(e * 1.7) * 5;
                const double jitter = 0.5 * std::cos(e * 2.3);
                r.episodes.push_back({c, 0, static_cast<std::uint64_t>(e), a, c == 0 ? 1.0 : 3.0, 1});
                r.episodes.push_back({c, 1, static_cast<std::uint64_t>(e), a + (c == 0 ? 2 : -2) + jitter, 0, 1});
                r.episodes.push_back({c, 2, static_cast<std::uint64_t>(e), a + 1, 0, 1});
            }
        computeGridStatistics(r);
        QCOMPARE(r.bestClassic, std::vector<int>({0, 0}));
        const GridRow& worse = r.rows[1];
        const GridRow& better = r.rows[3 + 1];
        QVERIFY(worse.significantlyWorse && !worse.significantlyBetter);
        QVERIFY(better.significantlyBetter && !better.significantlyWorse);
        QVERIFY(std::fabs(worse.improvementPct + 20) < 1.0);  // ~2 bps of ~10
        QVERIFY(std::fabs(better.improvementPct - 20) < 1.0);
        QCOMPARE(better.beatShare, 1.0);
        QVERIFY(worse.pAdjusted >= worse.p);
        QCOMPARE(r.aggregate[1].cellsBetter, 1);
        QCOMPARE(r.aggregate[1].cellsWorse, 1);
        QCOMPARE(r.aggregate[0].cellsBest, 2);
        QVERIFY(r.rows[2].significantlyWorse); // C is always 1 bps dearer
        // The desk's table: impact averaged over the episodes, timing risk over the cells,
        // adaptability the share of cells not significantly worse.
        QCOMPARE(r.aggregate[0].meanImpact, 2.0);
        QCOMPARE(r.aggregate[0].meanTimingRisk, r.rows[0].timingRisk); // A is the same in both cells
        QCOMPARE(r.aggregate[0].adaptability, 1.0);
        QCOMPARE(r.aggregate[1].adaptability, 0.5);
        QCOMPARE(r.aggregate[2].adaptability, 0.0);
        QVERIFY(r.aggregate[2].wilcoxonZ > 0); // dearer in the ranks too
    }

    void commandLineGridWritesItsFiles()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("grid.json"));
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"sides": ["sell"], "sizes": [0.05], "horizons_min": [5], "regimes": ["calm", "normal"],
                        "episodes": 4, "strategies": ["twap", "vwap", "submit-and-leave"], "out": "ignored", "quiet": true})");
        }
        const QString out = dir.filePath(QStringLiteral("out"));
        QProcess p;
        p.start(QStringLiteral(HM_BACKTEST_BIN), {QStringLiteral("--grid-config"), config, QStringLiteral("--out"), out});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QString text = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY(text.contains(QStringLiteral("Aggregate over the grid")));
        QFile csv(out + QStringLiteral("/grid.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 2 * 3); // header, then 2 cells x 3 strategies
        QVERIFY(lines[0].startsWith(QStringLiteral("side,size_fraction,horizon_min,regime,strategy")));
        QVERIFY(lines[1].startsWith(QStringLiteral("sell,0.05,5,calm,TWAP")));
        QFile md(out + QStringLiteral("/grid.md"));
        QVERIFY(md.open(QIODevice::ReadOnly));
        QVERIFY(md.readAll().contains("## Worst cells"));
        QVERIFY(QFile::exists(out + QStringLiteral("/grid-episodes.csv")));
        for (const char* png : {"/grid-heatmap.png", "/grid-costs.png"}) {
            const QImage image(out + QString::fromLatin1(png));
            QVERIFY2(!image.isNull(), png);
        }

        QProcess bad;
        bad.start(QStringLiteral(HM_BACKTEST_BIN), {QStringLiteral("--grid"), QStringLiteral("--grid-regimes"), QStringLiteral("windy")});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("unknown regime 'windy'"));
        for (const char* size : {"nan", "0.1,inf"}) { // not numbers: refused before any episode runs
            QProcess notNumber;
            notNumber.start(QStringLiteral(HM_BACKTEST_BIN), {QStringLiteral("--grid"), QStringLiteral("--grid-sizes"), QString::fromLatin1(size)});
            QVERIFY(notNumber.waitForFinished(60000));
            QCOMPARE(notNumber.exitCode(), 2);
            const QByteArray err = notNumber.readAllStandardError();
            QVERIFY2(err.contains("sizes"), err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestBacktestGrid)
#include "tst_backtest_grid.moc"
