// Features, the execution environment, the execution algorithms, the statistics of
// the backtest, and helmsman-backtest as a user runs it (good and bad options).
#include "exec/backtest.h"
#include "features/features.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace hm;

namespace {
ExecutionTask smallTask()
{
    ExecutionTask t;
    t.side = Side::Sell;
    t.quantity = 5000;
    t.horizonS = 300;
    t.decisionIntervalS = 10;
    t.startRegime = 1;
    t.startTimeOfDayS = 3600;
    t.warmupS = 120;
    return t;
}

class DoNothing : public ExecutionPolicy {
public:
    std::string name() const override { return "nothing"; }
    ExecAction decide(const ExecState&) override { return {}; }
};
} // namespace

class TestExecution : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void featuresFromAKnownBook()
    {
        FeatureTracker f(100);
        f.onQuotes(0, {{100, 300}, {99, 100}, {98, 100}}, {{101, 100}, {102, 100}, {103, 100}});
        f.onVolume(0, 0);
        // The bid grows at the same price: demand added, positive order-flow imbalance.
        f.onQuotes(1, {{100, 500}, {99, 100}, {98, 100}}, {{101, 100}, {102, 100}, {103, 100}});
        f.onVolume(1, 1000);
        std::vector<double> x;
        f.compute(ExecutionTaskState{0.5, 0.25}, x);
        QCOMPARE(static_cast<int>(x.size()), static_cast<int>(featureNames().size()));
        QCOMPARE(x[kImbalance1], (500.0 - 100.0) / 600.0);
        QCOMPARE(x[kImbalance3], (700.0 - 300.0) / 1000.0);
        QCOMPARE(x[kSpreadTicks], 1.0);
        QCOMPARE(x[kMicropriceOffsetTicks], (101.0 * 500 + 100.0 * 100) / 600 - 100.5);
        QCOMPARE(x[kOrderFlowImbalance30s], 2.0); // 200 units = 2 lots of demand
        QCOMPARE(x[kVolume60sLots], 10.0);
        QCOMPARE(x[kTimeRemaining], 0.5);
        QCOMPARE(x[kInventoryRemaining], 0.25);
    }

    void environmentIsReproducibleAndAccountsExactly()
    {
        ExecutionEnv a(defaultSimConfig(), smallTask()), b(defaultSimConfig(), smallTask());
        QCOMPARE(a.reset(17), b.reset(17));
        QCOMPARE(ExecutionEnv::observationSize(), static_cast<int>(featureNames().size()));
        QCOMPARE(ExecutionEnv::discreteActionCount(), 18);
        double rewards = 0;
        StepResult r;
        int steps = 0;
        do {
            const int action = steps % ExecutionEnv::discreteActionCount();
            r = a.step(a.discreteAction(action));
            const StepResult same = b.step(b.discreteAction(action));
            QCOMPARE(r.reward, same.reward);
            rewards += r.reward;
            ++steps;
        } while (!r.done);
        QVERIFY(steps <= a.stepsTotal());
        QCOMPARE(r.info.remaining, Quantity(0));
        QCOMPARE(r.info.executed, Quantity(5000));
        // Without a risk penalty the rewards add up to minus the shortfall.
        QVERIFY(std::fabs(rewards + r.info.shortfallBps) < 1e-9);
    }

    void horizonForcesTheRestWithAPenalty()
    {
        ExecutionTask t = smallTask();
        t.endPenaltyBps = 25;
        DoNothing idle;
        const EpisodeResult r = runEpisode(defaultSimConfig(), t, 3, idle);
        QCOMPARE(r.forced, t.quantity);
        QCOMPARE(r.fillRate, 0.0);
        QVERIFY2(r.shortfallBps >= 25, qPrintable(QString::number(r.shortfallBps)));
        QCOMPARE(r.remaining.back(), 0.0);
    }

    void crossingEverythingAtOnceFinishesInOneStep()
    {
        ExecutionEnv env(defaultSimConfig(), smallTask());
        env.reset(5);
        ExecAction all;
        all.qty = 5000;
        all.aggression = Aggression::Cross;
        const StepResult r = env.step(all);
        QVERIFY(r.done);
        QCOMPARE(r.info.forcedAtEnd, Quantity(0));
        QVERIFY(r.info.shortfallBps > 0); // selling into the bid costs at least the half spread
    }

    void algorithmsFollowTheirSchedules()
    {
        ExecutionTask t = smallTask();
        TwapPolicy twap;
        const EpisodeResult r = runEpisode(defaultSimConfig(), t, 9, twap);
        QCOMPARE(static_cast<int>(r.remaining.size()), 31);
        // After a third of the horizon, a third is done (to the lot).
        QVERIFY(std::fabs(r.remaining[10] - 2.0 / 3.0) < 0.021);
        QCOMPARE(r.fillRate, 1.0);
        AlmgrenChrissParams p;
        p.impact.sigmaTicksPerSqrtS = 0.3;
        p.impact.etaTicksPerLot = 0.1;
        p.riskAversion = 1e-3; // kappa = sqrt(1e-3 * 0.09 / 1) per s: kappa*T = 2.8 over 300 s
        double kappaT = 0;
        const std::vector<double> x = AlmgrenChrissPolicy::trajectory(p, 50, 30, 10, &kappaT);
        QCOMPARE(x.front(), 1.0);
        QVERIFY(std::fabs(x.back()) < 1e-12);
        for (std::size_t k = 1; k < x.size(); ++k)
            QVERIFY(x[k] < x[k - 1]);
        QVERIFY(std::fabs(kappaT - 2.846) < 0.01);
        QVERIFY(x[15] < 0.5); // risk aversion front-loads
        p.riskAversion = 0;
        QVERIFY(std::fabs(AlmgrenChrissPolicy::trajectory(p, 50, 30, 10)[15] - 0.5) < 1e-9); // TWAP's straight line
    }

    void statistics()
    {
        std::vector<double> a, b;
        for (int i = 1; i <= 20; ++i) {
            a.push_back(i);
            b.push_back(0);
        }
        const WilcoxonResult w = wilcoxonSignedRank(a, b);
        QCOMPARE(w.n, 20);
        QCOMPARE(w.w, 210.0);
        QVERIFY(std::fabs(w.pTwoSided - 9.6e-5) < 0.5e-5);
        std::vector<double> c{1, -1, 2, -2, 3, -3};
        QVERIFY(wilcoxonSignedRank(c, std::vector<double>(6, 0.0)).pTwoSided > 0.9);
        const Interval s = shareInterval(5, 10);
        QVERIFY(std::fabs(s.low - 0.2366) < 1e-3 && std::fabs(s.high - 0.7634) < 1e-3);
        const Interval m = meanInterval({1, 2, 3, 4, 5});
        QCOMPARE(m.value, 3.0);
        QVERIFY(m.low < 3 && m.high > 3);
        QCOMPARE(quantile({5, 1, 3}, 0.5), 3.0);
    }

    void backtestPairsStrategiesOnTheSameSeeds()
    {
        BacktestOptions o;
        o.episodes = 8;
        o.horizonS = 300;
        o.calibrationDays = 1;
        o.calibrationSamples = 20;
        Backtest b(defaultSimConfig(), o);
        b.calibrate();
        QVERIFY(b.profile().dailyVolume > 0);
        QVERIFY(b.impact().sigmaTicksPerSqrtS > 0);
        std::string error;
        QVERIFY(b.addBuiltIn("twap", error));
        QVERIFY(b.addBuiltIn("submit-and-leave", error));
        QVERIFY(!b.addBuiltIn("magic", error));
        QVERIFY(error.find("unknown strategy 'magic'") != std::string::npos);
        const auto results = b.run(0.1, o.episodes, 123);
        QCOMPARE(static_cast<int>(results.size()), 16);
        for (int e = 0; e < 8; ++e) {
            QCOMPARE(results[2 * e].seed, results[2 * e + 1].seed);
            QCOMPARE(results[2 * e].parent, results[2 * e + 1].parent);
            QCOMPARE(results[2 * e].regime, static_cast<int>((123 + e) % 4)); // the seed picks the starting regime
        }
        const auto rows = b.summarize(results);
        QCOMPARE(rows.front().regime, std::string("all"));
        QCOMPARE(rows.front().n, 8);
    }

    void backtestCommandLine()
    {
        QTemporaryDir dir;
        QProcess p;
        p.start(QStringLiteral(HM_BACKTEST_BIN), {QStringLiteral("--episodes"), QStringLiteral("4"), QStringLiteral("--horizon"),
                                                  QStringLiteral("300"), QStringLiteral("--sizes"), QStringLiteral("none"),
                                                  QStringLiteral("--out"), dir.path(), QStringLiteral("--quiet")});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("== regime: all")) && out.contains(QStringLiteral("Almgren-Chriss")), qPrintable(out));
        for (const char* f : {"episodes.csv", "summary.csv", "report.json", "costs.png", "trajectory.png"})
            QVERIFY2(QFileInfo(dir.filePath(QString::fromLatin1(f))).size() > 100, f);

        auto fails = [](const QStringList& args, const QString& message) {
            QProcess q;
            q.start(QStringLiteral(HM_BACKTEST_BIN), args);
            q.waitForFinished(30000);
            const QString err = QString::fromUtf8(q.readAllStandardError());
            return q.exitCode() == 2 && err.contains(message) ? QString() : QStringLiteral("exit %1: %2").arg(q.exitCode()).arg(err);
        };
        QCOMPARE(fails({QStringLiteral("--size"), QStringLiteral("abc")}, QStringLiteral("--size needs a number")), QString());
        QCOMPARE(fails({QStringLiteral("--strategies"), QStringLiteral("twap,magic")}, QStringLiteral("unknown strategy 'magic'")),
                 QString());
        QCOMPARE(fails({QStringLiteral("--bogus")}, QStringLiteral("unknown option '--bogus'")), QString());
        QCOMPARE(fails({QStringLiteral("--sim-config"), QStringLiteral("/nonexistent.json")}, QStringLiteral("cannot open")),
                 QString());
    }
};

QTEST_GUILESS_MAIN(TestExecution)
#include "tst_execution.moc"
