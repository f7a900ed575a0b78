// Features, the execution environment, the execution algorithms, the statistics of
// the backtest, and helmsman-backtest as a user runs it (good and bad options).
#include "exec/backtest.h"
#include "exec/exec_actions.h"
#include "exec/exec_observation.h"
#include "features/features.h"
#include "features/live_features.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
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

// A state on schedule at step 10 of 30 of a 3000-unit sell: 100 units a slice.
ExecState onSchedule()
{
    ExecState s;
    s.side = Side::Sell;
    s.parent = 3000;
    s.lot = 100;
    s.step = 10;
    s.stepsTotal = 30;
    s.executed = 1000;
    s.remaining = 2000;
    s.horizonS = 300;
    s.intervalS = 10;
    s.arrivalMid = 1000.5;
    s.bestBid = 1000;
    s.bestAsk = 1001;
    s.lastStepVolume = 2000;
    s.marketVolumeSinceStart = 20000;
    s.seed = 42;
    return s;
}

// Records what the wrapped policy saw and did, step by step.
class Recording : public ExecutionPolicy {
public:
    explicit Recording(std::unique_ptr<ExecutionPolicy> p) : m_p(std::move(p)) {}
    std::string name() const override { return m_p->name(); }
    void begin(const ExecState& s) override { m_p->begin(s); }
    ExecAction decide(const ExecState& s) override
    {
        states.push_back(s);
        actions.push_back(m_p->decide(s));
        return actions.back();
    }
    std::vector<ExecState> states;
    std::vector<ExecAction> actions;

private:
    std::unique_ptr<ExecutionPolicy> m_p;
};

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

    // Live, a book that changes twenty times a second gives the windows the samples a
    // model was trained on: one a second, exactly a tracker fed at whole seconds; the
    // instantaneous features follow every update.
    void liveFeaturesSampleOnceASecond()
    {
        LiveFeatures live(100);
        FeatureTracker perSecond(100);
        std::vector<double> a, b;
        for (int i = 0; i <= 200; ++i) { // ten seconds at 20 Hz
            const double t = 1000 + i * 0.05;
            const Price bid = 100 + (i * 7 % 5), ask = bid + 1 + (i % 3 == 0);
            const std::vector<PriceLevel> bids{{bid, 100 + 10 * (i % 4)}}, asks{{ask, 200 - 10 * (i % 6)}};
            const bool sampled = live.observe(t, bids, asks, 50 * i);
            QCOMPARE(sampled, i % 20 == 0);
            if (sampled) {
                perSecond.onQuotes(t, bids, asks);
                perSecond.onVolume(t, 50 * i);
            } else {
                perSecond.onBook(bids, asks);
            }
            live.compute(ExecutionTaskState{}, a);
            perSecond.compute(ExecutionTaskState{}, b);
            QCOMPARE(a, b);
            QCOMPARE(a[kImbalance1], (bids[0].qty - asks[0].qty) / double(bids[0].qty + asks[0].qty)); // this update's
        }
        QVERIFY(a[kRealizedVol30sBps] > 0);
        // A model about to read the windows takes a sample at once.
        QVERIFY(live.observe(1010.01, {{101, 100}}, {{102, 100}}, 20000, true));
        QVERIFY(!live.observe(1010.02, {{101, 100}}, {{102, 100}}, 20000));
    }

    // A learned policy sees a buy as the mirror of a sell: the directional features change
    // sign, the others do not; then the task, the same for a buy and a sell but its side.
    void theTaskFeaturesAndTheMirrorForBuys()
    {
        ExecState sell = onSchedule();
        sell.features.assign(kFeatureCount, 0.0);
        for (int k = 0; k < kFeatureCount; ++k)
            sell.features[static_cast<std::size_t>(k)] = 0.1 * (k + 1);
        sell.expectedVolume = 30000; // the parent is 10% of it
        sell.elapsedS = 100;
        sell.startTimeOfDayS = 11700;
        ExecState buy = sell;
        buy.side = Side::Buy;
        std::vector<double> a, b;
        policyInput(sell, kExecutionFeatureCount, a);
        policyInput(buy, kExecutionFeatureCount, b);
        QCOMPARE(static_cast<int>(a.size()), static_cast<int>(executionFeatureNames().size()));
        QCOMPARE(executionFeatureNames()[kTaskSide], std::string("task_side"));
        const std::vector<int> mirrored{kImbalance1, kImbalance3, kImbalance5, kMicropriceOffsetTicks, kOrderFlowImbalance30s,
                                        kOrderFlowImbalance120s};
        for (int k = 0; k < kFeatureCount; ++k) {
            const bool flips = std::find(mirrored.begin(), mirrored.end(), k) != mirrored.end();
            QCOMPARE(a[static_cast<std::size_t>(k)], sell.features[static_cast<std::size_t>(k)]);
            QCOMPARE(b[static_cast<std::size_t>(k)], (flips ? -1 : 1) * sell.features[static_cast<std::size_t>(k)]);
        }
        QCOMPARE(a[kTaskSide], 1.0);
        QCOMPARE(b[kTaskSide], -1.0);
        for (int k = kTaskSizeLog; k < kExecutionFeatureCount; ++k)
            QCOMPARE(a[static_cast<std::size_t>(k)], b[static_cast<std::size_t>(k)]);
        QCOMPARE(a[kTaskSizeLog], std::log(0.1));
        QCOMPARE(a[kTaskHorizonLog], std::log(300.0 / 1800));
        QCOMPARE(a[kTaskTimeLeftLog], std::log1p(200.0 / 60));
        QCOMPARE(a[kTaskRequiredParticipation], 2000.0 / (30000.0 * 200 / 300)); // 2000 left, 20000 expected
        QCOMPARE(a[kTaskTimeOfDay], 11800.0 / 23400);
        // Without the task's expected volume, the last minute's rate stands in.
        sell.expectedVolume = 0;
        sell.features[kVolume60sLots] = 60; // 6000 units a minute: 30000 over five minutes
        policyInput(sell, kExecutionFeatureCount, a);
        QCOMPARE(a[kTaskSizeLog], std::log(0.1));
        // Nothing known of the volume: the parent reads as a tenth of it.
        sell.features[kVolume60sLots] = 0;
        policyInput(sell, kExecutionFeatureCount, a);
        QCOMPARE(a[kTaskSizeLog], std::log(0.1));
        QCOMPARE(a[kTaskRequiredParticipation], 2000.0 / (30000.0 * 200 / 300));
        // The first models read the market features alone.
        policyInput(buy, kFeatureCount, b);
        QCOMPARE(static_cast<int>(b.size()), static_cast<int>(kFeatureCount));
        QCOMPARE(b[kImbalance1], -sell.features[kImbalance1]);
    }

    // The schedule-sized actions: the even slice is what remains over the steps left.
    void scheduleMultiplesAreSizedAgainstTheSchedule()
    {
        const ActionSet set = ActionSet::ScheduleMultiples;
        QCOMPARE(actionCount(set), 14);
        QCOMPARE(actionCount(ActionSet::RemainingFractions), 18);
        const ExecState s = onSchedule(); // 2000 left over 20 steps: a slice of 100
        QVERIFY(actionFor(set, 0, s).keepWorking);
        QCOMPARE(actionFor(set, 1, s).qty, Quantity(0));
        QVERIFY(!actionFor(set, 1, s).keepWorking);
        QCOMPARE(actionFor(set, 2, s).qty, Quantity(100)); // half a slice rounds to a lot
        QCOMPARE(actionFor(set, 2, s).aggression, Aggression::Passive);
        QCOMPARE(actionFor(set, 5, s).qty, Quantity(100));
        QCOMPARE(actionFor(set, 6, s).aggression, Aggression::Inside);
        QCOMPARE(actionFor(set, 8, s).qty, Quantity(200));
        QCOMPARE(actionFor(set, 11, s).qty, Quantity(400));
        QCOMPARE(actionFor(set, 13, s).aggression, Aggression::Cross);
        QCOMPARE(describeAction(set, 10), std::string("2x slice, cross"));
        ExecState last = s;
        last.step = 29; // the last step: the slice is all that remains
        QCOMPARE(actionFor(set, 5, last).qty, Quantity(2000));
        QCOMPARE(actionFor(set, 13, last).qty, Quantity(2000));
        QCOMPARE(actionFor(set, 99, s).aggression, Aggression::Cross); // out of range: clamped
        ActionSet parsed = ActionSet::RemainingFractions;
        QVERIFY(parseActionSet(toString(set), parsed));
        QCOMPARE(parsed, set);
        QVERIFY(!parseActionSet("fractions", parsed));
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
        QVERIFY(!b.addBuiltIn("twap-sideways", error));
        QVERIFY(b.addBuiltIn("ac-cross", error) && b.strategies().back() == "Almgren-Chriss-cross");
        QVERIFY(b.addBuiltIn("vwap-default", error) && b.strategies().back() == "VWAP-default");
        const auto results = b.run(0.1, o.episodes, 123);
        QCOMPARE(static_cast<int>(results.size()), 32);
        for (int e = 0; e < 8; ++e) {
            QCOMPARE(results[4 * e].seed, results[4 * e + 1].seed);
            QCOMPARE(results[4 * e].parent, results[4 * e + 3].parent);
            QCOMPARE(results[4 * e].regime, static_cast<int>((123 + e) % 4)); // the seed picks the starting regime
        }
        const auto rows = b.summarize(results);
        QCOMPARE(rows.front().regime, std::string("all"));
        QCOMPARE(rows.front().n, 8);
    }

    void placementRestsOnScheduleAndCatchesUpBeyondTheBands()
    {
        PlacementParams p; // bands 0.5 and 1 slice, limit 2 sigma, max participation 0.5
        p.sigmaTicksPerSqrtS = 0.5; // sigma_T = 0.5 sqrt(300) = 8.66 ticks: limit 1000.5 - 17.3
        ExecState s = onSchedule();
        const double now = 1000, next = 1100;
        PlacementTrace t;
        ExecAction a = placeChild(s, now, next, p, &t);
        QCOMPARE(a.aggression, Aggression::Passive); // on schedule: rest at our touch
        QCOMPARE(a.qty, Quantity(100));
        QVERIFY(!a.keepWorking);
        // The same child still resting at the touch keeps its place in the queue.
        s.childLeaves = 100;
        s.childPrice = s.bestAsk;
        QVERIFY(placeChild(s, now, next, p).keepWorking);
        s.childPrice = s.bestAsk + 1; // left behind by the market: replaced
        QVERIFY(!placeChild(s, now, next, p).keepWorking);
        s.childLeaves = 0;
        s.childPrice = 0;
        // Behind by 0.5 slices: still passive (the band is exclusive); by 0.8: one tick inside.
        s.executed = 950;
        s.remaining = 2050;
        QCOMPARE(placeChild(s, now, next, p).aggression, Aggression::Passive);
        s.executed = 920;
        s.remaining = 2080;
        a = placeChild(s, now, next, p, &t);
        QCOMPARE(a.aggression, Aggression::Inside);
        QVERIFY(std::fabs(t.lagSlices - 0.8) < 1e-9);
        // Behind by 1.5 slices: cross, limited to arrival - k sigma.
        s.executed = 850;
        s.remaining = 2150;
        a = placeChild(s, now, next, p, &t);
        QCOMPARE(a.aggression, Aggression::Cross);
        QCOMPARE(a.qty, Quantity(300)); // back to the end of this interval's target (250 -> 3 lots)
        QCOMPARE(a.limitPrice, Price(std::ceil(1000.5 - 2 * 0.5 * std::sqrt(300.0))));
        // The far touch is beyond the limit: no cross before the last slices.
        s.bestBid = 980;
        s.bestAsk = 981;
        a = placeChild(s, now, next, p, &t);
        QCOMPARE(a.aggression, Aggression::Inside);
        QVERIFY(t.limitHeld);
        // The last slice takes what is left at any price.
        s.step = 29;
        a = placeChild(s, 2900, 3000, p, &t);
        QCOMPARE(a.aggression, Aggression::Cross);
        QCOMPARE(a.qty, s.remaining);
        QCOMPARE(a.limitPrice, Price(0));
        // Max participation: half of the last interval's volume at most.
        s = onSchedule();
        s.lastStepVolume = 400;
        a = placeChild(s, now, 1600, p, &t); // wants 600
        QCOMPARE(a.qty, Quantity(200));
        QVERIFY(t.capped);
        // Min participation: below 10% of the others' volume, catch up by crossing.
        s = onSchedule();
        p.minParticipation = 0.1;
        s.marketVolumeSinceStart = 30000; // 10% of the others' 29000 is 2900 > 1000 done
        p.maxParticipation = 0;
        a = placeChild(s, now, next, p, &t);
        QVERIFY(t.belowMinimum);
        QCOMPARE(a.aggression, Aggression::Cross);
        QCOMPARE(a.qty, Quantity(1900));
        // The naive reference crosses on schedule too.
        PlacementParams naive;
        naive.cross = true;
        a = placeChild(onSchedule(), now, next, naive);
        QCOMPARE(a.aggression, Aggression::Cross);
        QCOMPARE(a.qty, Quantity(100));
    }

    void placementJitterIsDeterministicPerSeed()
    {
        PlacementParams p;
        p.jitter = 0.5;
        p.maxParticipation = 0;
        auto sizes = [&](std::uint64_t seed) {
            std::vector<Quantity> q;
            ExecState s = onSchedule();
            s.parent = 300000; // 10000 a slice: lot rounding keeps the draws apart
            s.remaining = 290000;
            s.executed = 10000;
            s.seed = seed;
            for (int k = 1; k < 20; ++k) {
                s.step = k;
                q.push_back(placeChild(s, 10000, 20000, p).qty);
            }
            return q;
        };
        QCOMPARE(sizes(7), sizes(7));
        QVERIFY(sizes(7) != sizes(8));
        for (Quantity q : sizes(7))
            QVERIFY(q >= 5000 && q <= 15000);
    }

    void passiveTwapInEpisodesFinishesWithinItsBounds()
    {
        PlacementParams p;
        p.sigmaTicksPerSqrtS = 0.5;
        p.limitSigmas = 0.5; // tight, so the limit is tested
        p.maxParticipation = 0.3;
        int crosses = 0, passive = 0, kept = 0;
        for (std::uint64_t seed : {11, 12, 13, 14}) {
            ExecutionTask task = smallTask();
            task.startRegime = static_cast<int>(seed % 4);
            Recording r(std::unique_ptr<ExecutionPolicy>(new TwapPolicy(p)));
            const EpisodeResult e = runEpisode(defaultSimConfig(), task, seed, r);
            QCOMPARE(e.remaining.back(), 0.0); // finished by the horizon
            const int N = r.states.front().stepsTotal;
            for (std::size_t i = 0; i < r.actions.size(); ++i) {
                const ExecState& s = r.states[i];
                const ExecAction& a = r.actions[i];
                kept += a.keepWorking;
                if (a.keepWorking)
                    continue;
                if (s.step + 1 >= N) {
                    QCOMPARE(a.aggression, Aggression::Cross); // the last slice finishes
                    continue;
                }
                if (a.aggression == Aggression::Cross) {
                    ++crosses;
                    const Price limit = crossingLimit(s, p);
                    QVERIFY(limit > 0 && a.limitPrice == limit);
                    QVERIFY2(s.bestBid >= limit, "a cross before the last slice beyond arrival - k sigma");
                } else {
                    passive += a.aggression == Aggression::Passive;
                }
                if (s.lastStepVolume > 0)
                    QVERIFY(a.qty <= std::max<Quantity>(100, static_cast<Quantity>(std::llround(0.3 * s.lastStepVolume / 100.0)) * 100));
            }
        }
        QVERIFY(passive > 0);
        QVERIFY(kept > 0);
        qInfo("4 episodes: %d passive children, %d kept working, %d crosses before the last slice", passive, kept, crosses);
    }

    void passiveTwapBeatsTheCrossingTwapOnHeldOutSeeds()
    {
        BacktestOptions o;
        o.horizonS = 600;
        o.calibrationDays = 2;
        o.calibrationSamples = 60;
        Backtest b(defaultSimConfig(), o);
        b.calibrate();
        std::string error;
        QVERIFY(b.addBuiltIn("twap", error));
        QVERIFY(b.addBuiltIn("twap-cross", error));
        QCOMPARE(b.strategies(), (std::vector<std::string>{"TWAP", "TWAP-cross"}));
        const auto results = b.run(0.10, 40, 900000000);
        double passive = 0, cross = 0;
        for (const EpisodeResult& r : results)
            (r.strategy == "TWAP" ? passive : cross) += r.shortfallBps / 40;
        qInfo("40 held-out episodes, 600 s, 10%% of volume: TWAP %.2f bps, TWAP-cross %.2f bps", passive, cross);
        QVERIFY(passive < cross);
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
        // Tuning never touches the held-out seeds.
        QCOMPARE(fails({QStringLiteral("--tune"), QStringLiteral("--seed"), QStringLiteral("99999990"), QStringLiteral("--episodes"),
                        QStringLiteral("10")},
                       QStringLiteral("reach the held-out range")),
                 QString());
        QCOMPARE(fails({QStringLiteral("--tune"), QStringLiteral("--families"), QStringLiteral("twap,magic")},
                       QStringLiteral("unknown family 'magic'")),
                 QString());
        QCOMPARE(fails({QStringLiteral("--sim-config"), QStringLiteral("/nonexistent.json")}, QStringLiteral("cannot open")),
                 QString());
    }
};

QTEST_GUILESS_MAIN(TestExecution)
#include "tst_execution.moc"
