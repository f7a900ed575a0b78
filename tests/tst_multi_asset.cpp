// The correlated multi-asset market: a universe configuration checked field by field,
// sessions reproducible from a seed, and the cross-sectional stylized facts with fixed
// seeds: the correlation of simulated returns recovers the configured factor structure,
// correlation is higher in stress than in calm, it grows with the sampling interval (the
// Epps effect), the index leads the lagging names, impact in one name moves its peers,
// and each name keeps the single-name fact of heavy-tailed returns.
#include "sim/multi_asset_simulator.h"
#include "sim_test_support.h"

#include <QtTest>

#include <cmath>

using namespace hm;
using hm::test::correlation;
using hm::test::excessKurtosis;

namespace {

SimConfig holding(const std::string& regime)
{
    SimConfig c = defaultSimConfig();
    c.schedule = {ScheduleEntry{0, regime}};
    c.intradayProfile.clear();
    return c;
}

using Mids = std::vector<std::vector<double> >; // per name, per sample

// Each name's mid (ticks) every `dt` seconds after a warm-up, `count` samples.
Mids sampleMids(const SimConfig& c, std::uint64_t seed, double dt, int count)
{
    MultiAssetSimulator sim(c, seed);
    sim.runUntil(300);
    Mids mids(sim.size());
    for (int k = 0; k < count; ++k) {
        sim.runUntil(300 + dt * k);
        for (std::size_t i = 0; i < sim.size(); ++i)
            mids[i].push_back(0.5 * static_cast<double>(sim.market(i).twiceMid()));
    }
    return mids;
}

// Log returns in bps over `every` samples, without overlap.
std::vector<double> returns(const std::vector<double>& mids, std::size_t every)
{
    std::vector<double> out;
    for (std::size_t k = every; k < mids.size(); k += every)
        out.push_back(mids[k] > 0 && mids[k - every] > 0 ? 1e4 * std::log(mids[k] / mids[k - every]) : 0.0);
    return out;
}

// One name's returns over `every` samples in each run, one after the other (no return
// spans two runs).
std::vector<double> returnsOf(const std::vector<Mids>& runs, std::size_t name, std::size_t every)
{
    std::vector<double> out;
    for (const Mids& run : runs) {
        const auto r = returns(run[name], every);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

double pairCorrelation(const std::vector<Mids>& runs, std::size_t i, std::size_t j, std::size_t every)
{
    return correlation(returnsOf(runs, i, every), returnsOf(runs, j, every));
}

// The mean correlation over every pair of names.
double meanPairCorrelation(const std::vector<Mids>& runs, std::size_t every)
{
    double sum = 0;
    int pairs = 0;
    const std::size_t n = runs.front().size();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            sum += pairCorrelation(runs, i, j, every);
            ++pairs;
        }
    return sum / pairs;
}

std::string withUniverseField(const std::string& field, const std::string& value)
{
    // A two-name universe with one field replaced (or added).
    std::map<std::string, std::string> f = {{"symbol", "\"AAA\""}, {"initial_price", "20"}, {"sector", "\"s1\""}};
    f[field] = value;
    std::string first;
    for (const auto& kv : f)
        if (!kv.second.empty())
            first += (first.empty() ? "" : ", ") + ("\"" + kv.first + "\": " + kv.second);
    return R"({"regimes": [{"name": "normal"}], "universe": {"sectors": ["s1"], "instruments": [{)" + first
           + R"(}, {"symbol": "BBB", "initial_price": 30}]}})";
}

} // namespace

class TestMultiAsset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultIsSixNamesInTwoSectors()
    {
        const SimConfig c = defaultSimConfig();
        QCOMPARE(c.universe.members.size(), std::size_t(6));
        QCOMPARE(c.universe.sectors.size(), std::size_t(2));
        QCOMPARE(c.universe.indexOf("HMI"), 0);
        QVERIFY(c.universe.indexOf("HMX") > 0); // the single-name default trades in it
        QCOMPARE(c.universe.members[0].lagS, 0.0);
        MultiAssetSimulator sim(c, 1);
        QCOMPARE(sim.size(), std::size_t(6));
        // What the factors imply: correlation rises with the regime's stress, names in
        // one sector are closer than names across sectors.
        const int calm = c.regimeIndex("calm"), stressed = c.regimeIndex("stressed");
        const auto rc = sim.impliedCorrelation(calm), rs = sim.impliedCorrelation(stressed);
        const int abc = c.universe.indexOf("ABC"), def = c.universe.indexOf("DEF"), jkl = c.universe.indexOf("JKL");
        QVERIFY(rs[abc * 6 + jkl] > rc[abc * 6 + jkl] + 0.3);
        QVERIFY(rc[abc * 6 + def] > rc[abc * 6 + jkl]);
        QCOMPARE(rc[abc * 6 + abc], 1.0);
    }

    void badUniversesNameTheField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown sector") << "sector" << "\"s9\"" << "universe.instruments[0].sector: 's9' is not in universe.sectors";
        QTest::newRow("twice") << "symbol" << "\"BBB\"" << "universe.instruments[1].symbol: 'BBB' is listed twice";
        QTest::newRow("no price") << "initial_price" << "" << "universe.instruments[0].initial_price: missing";
        QTest::newRow("price text") << "initial_price" << "\"20\"" << "universe.instruments[0].initial_price: must be a number";
        QTest::newRow("beta nan") << "market_beta" << "1e999" << "not valid JSON";
        QTest::newRow("beta range") << "market_beta" << "11" << "universe.instruments[0].market_beta: must be between -10 and 10";
        QTest::newRow("lag") << "lag_s" << "-1" << "universe.instruments[0].lag_s: must be between 0 and 600";
        QTest::newRow("unknown") << "colour" << "1" << "universe.instruments[0].colour: unknown field";
        QTest::newRow("tiny price") << "initial_price" << "0.05" << "universe.instruments[0].initial_price: must be at least 10 ticks";
    }

    void badUniversesNameTheField()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        SimConfig c;
        const std::string text = withUniverseField(field.toStdString(), value.toStdString());
        const QString error = QString::fromStdString(parseSimConfig(text, "u.json", c));
        QVERIFY2(error.startsWith(QStringLiteral("u.json: ")) && error.contains(expected), qPrintable(error));
        // Without the change it parses.
        QCOMPARE(QString::fromStdString(parseSimConfig(withUniverseField("symbol", "\"AAA\""), "u.json", c)), QString());
        QCOMPARE(c.universe.members.size(), std::size_t(2));
        // The universe's own fields.
        const std::string base = R"({"regimes": [{"name": "normal"}], "universe": )";
        QVERIFY(parseSimConfig(base + R"({"instruments": []}})", "u.json", c).find("universe.instruments: must be a non-empty array") != std::string::npos);
        QVERIFY(parseSimConfig(base + R"({"peer_reaction": 1, "instruments": [{"symbol": "A", "initial_price": 5}]}})", "u.json", c).find("universe.peer_reaction: must be between 0 and 0.95") != std::string::npos);
        QVERIFY(parseSimConfig(base + R"({"sectors": ["a", "a"], "instruments": [{"symbol": "A", "initial_price": 5}]}})", "u.json", c).find("universe.sectors[1]: 'a' is named twice") != std::string::npos);
    }

    void sameSeedSameSession()
    {
        const auto a = sampleMids(defaultSimConfig(), 7, 10, 60);
        const auto b = sampleMids(defaultSimConfig(), 7, 10, 60);
        const auto c = sampleMids(defaultSimConfig(), 8, 10, 60);
        QVERIFY(a == b);
        QVERIFY(a != c);
        for (const auto& name : a)
            QVERIFY(name.back() > 0);
    }

    void regimeIsMarketWide()
    {
        MultiAssetSimulator sim(defaultSimConfig(), 3);
        sim.forceRegime(defaultSimConfig().regimeIndex("stressed"));
        sim.runUntil(10);
        for (std::size_t i = 0; i < sim.size(); ++i)
            QCOMPARE(sim.market(i).regimeName(), std::string("stressed"));
        // The chain runs once, for everyone: over a day every name has the same regime
        // at every sample.
        MultiAssetSimulator chain(defaultSimConfig(), 4);
        int switches = 0;
        std::string last = chain.regimeName();
        for (int k = 1; k <= 2340; ++k) {
            chain.runUntil(10.0 * k);
            for (std::size_t i = 0; i < chain.size(); ++i)
                QCOMPARE(chain.market(i).regimeName(), chain.regimeName());
            switches += chain.regimeName() != last;
            last = chain.regimeName();
        }
        QVERIFY(switches > 0);
    }

    void correlationRecoversTheFactorStructure()
    {
        // Five-minute returns over four days held in the normal regime, against the
        // correlation of fundamentals the configuration implies. Tolerance: mean
        // absolute error 0.10 over the 15 pairs, none off by more than 0.25 (the
        // sampling error of one pair with 312 returns is about 0.03 to 0.05; the rest is
        // the tick and the makers' lag).
        const SimConfig c = holding("normal");
        std::vector<Mids> runs;
        for (std::uint64_t seed : {11, 12, 13, 14})
            runs.push_back(sampleMids(c, seed, 300, 79));
        MultiAssetSimulator sim(c, 1);
        const auto implied = sim.impliedCorrelation(c.regimeIndex("normal"));
        const std::size_t n = sim.size();
        double sumError = 0, maxError = 0;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = i + 1; j < n; ++j) {
                const double measured = pairCorrelation(runs, i, j, 1);
                const double error = std::fabs(measured - implied[i * n + j]);
                qInfo("%s-%s: implied %.2f measured %.2f", c.universe.members[i].instrument.symbol.c_str(),
                      c.universe.members[j].instrument.symbol.c_str(), implied[i * n + j], measured);
                sumError += error;
                maxError = std::max(maxError, error);
            }
        const double meanError = sumError / 15;
        qInfo("five-minute correlation against the factor structure: mean |error| %.3f, max %.3f", meanError, maxError);
        QVERIFY2(meanError <= 0.10, qPrintable(QString::number(meanError)));
        QVERIFY2(maxError <= 0.25, qPrintable(QString::number(maxError)));
    }

    void stressedIsMoreCorrelatedThanCalm()
    {
        double calm = 0, stressed = 0;
        for (std::uint64_t seed : {21, 22}) {
            calm += meanPairCorrelation({sampleMids(holding("calm"), seed, 300, 79)}, 1) / 2;
            stressed += meanPairCorrelation({sampleMids(holding("stressed"), seed, 300, 79)}, 1) / 2;
        }
        qInfo("mean pair correlation of 5-min returns: calm %.2f, stressed %.2f", calm, stressed);
        QVERIFY2(stressed > calm + 0.2, qPrintable(QStringLiteral("%1 %2").arg(calm).arg(stressed)));
    }

    void correlationGrowsWithTheSamplingInterval()
    {
        // The Epps effect: one path sampled every second, returns over 1 s to 5 min.
        std::vector<Mids> mids;
        for (std::uint64_t seed : {31, 32})
            mids.push_back(sampleMids(holding("normal"), seed, 1, 23400));
        const double c1 = meanPairCorrelation(mids, 1), c10 = meanPairCorrelation(mids, 10),
                     c60 = meanPairCorrelation(mids, 60), c300 = meanPairCorrelation(mids, 300);
        qInfo("mean pair correlation by interval: 1 s %.2f, 10 s %.2f, 1 min %.2f, 5 min %.2f", c1, c10, c60, c300);
        QVERIFY(c1 < c10);
        QVERIFY(c10 < c60);
        QVERIFY(c60 < c300 + 0.03); // past a minute it flattens (within sampling error)
        QVERIFY(c1 < 0.6 * c300);
    }

    void theIndexLeadsTheLaggingNames()
    {
        // Five-second returns: the index's return now against a lagging name's returns
        // 5 to 20 seconds later, summed over the lags, and the other way round.
        const Mids mids = sampleMids(holding("normal"), 41, 1, 23400);
        const SimConfig c = defaultSimConfig();
        const auto hmx = returns(mids[static_cast<std::size_t>(c.universe.indexOf("HMI"))], 5);
        auto lagged = [](const std::vector<double>& a, const std::vector<double>& b, std::size_t lag) {
            return correlation(std::vector<double>(a.begin(), a.end() - static_cast<std::ptrdiff_t>(lag)),
                               std::vector<double>(b.begin() + static_cast<std::ptrdiff_t>(lag), b.end()));
        };
        for (const char* name : {"DEF", "MNO"}) {
            const auto other = returns(mids[static_cast<std::size_t>(c.universe.indexOf(name))], 5);
            double leads = 0, follows = 0;
            for (std::size_t lag = 1; lag <= 4; ++lag) {
                leads += lagged(hmx, other, lag);
                follows += lagged(other, hmx, lag);
            }
            qInfo("HMI with %s 5-20 s later: %.3f; %s with HMI 5-20 s later: %.3f", name, leads, name, follows);
            QVERIFY2(leads > follows + 0.2, name);
        }
    }

    void impactInOneNameMovesItsPeers()
    {
        // Buying HMX (two lots every two seconds for two minutes) against the same
        // seed without it: the peers' makers move their belief too, by less than the index
        // moved (their informed traders pull them back to fundamentals nobody changed).
        // With peer reaction off, nothing links the names' books: the peers do not move.
        const std::size_t kBought = static_cast<std::size_t>(defaultSimConfig().universe.indexOf("HMX"));
        auto peerMove = [kBought](double reaction) {
            SimConfig c = holding("normal");
            c.universe.peerReaction = reaction;
            double total = 0, index = 0;
            int count = 0;
            for (std::uint64_t seed = 51; seed < 59; ++seed) {
                std::vector<double> end[2];
                std::vector<double> start;
                for (int trade = 0; trade < 2; ++trade) {
                    MultiAssetSimulator sim(c, seed);
                    sim.runUntil(300);
                    if (trade == 0)
                        for (std::size_t i = 0; i < sim.size(); ++i)
                            start.push_back(0.5 * static_cast<double>(sim.market(i).twiceMid()));
                    for (int k = 0; k < 60; ++k) {
                        if (trade)
                            sim.market(kBought).submit(static_cast<std::uint64_t>(k + 1), Side::Buy, OrderType::Market,
                                                 TimeInForce::ImmediateOrCancel, 0, 2 * c.lot);
                        sim.runUntil(sim.now() + 2.0);
                    }
                    for (std::size_t i = 0; i < sim.size(); ++i)
                        end[trade].push_back(0.5 * static_cast<double>(sim.market(i).twiceMid()));
                }
                index += 1e4 * (end[1][kBought] - end[0][kBought]) / start[kBought] / 8;
                for (std::size_t i = 0; i < start.size(); ++i) {
                    if (i == kBought)
                        continue;
                    total += 1e4 * (end[1][i] - end[0][i]) / start[i];
                    ++count;
                }
            }
            return std::make_pair(index, total / count);
        };
        const auto on = peerMove(0.3), off = peerMove(0.0);
        qInfo("after buying HMX: it moved %.2f bps, its peers %.2f bps with peer reaction, %.2f without", on.first,
              on.second, off.second);
        QVERIFY2(on.first > 5, qPrintable(QString::number(on.first)));
        QVERIFY2(on.second > 0.1 && on.second < on.first, qPrintable(QString::number(on.second)));
        QVERIFY2(std::fabs(off.second) < 1e-9, qPrintable(QString::number(off.second)));
    }

    void everyNameHasHeavyTailedReturns()
    {
        // One-minute returns of three days with the regime chain running.
        std::vector<Mids> runs;
        for (std::uint64_t seed : {61, 62, 63})
            runs.push_back(sampleMids(defaultSimConfig(), seed, 60, 390));
        for (std::size_t i = 0; i < runs.front().size(); ++i) {
            const double k = excessKurtosis(returnsOf(runs, i, 1));
            qInfo("%s one-minute excess kurtosis %.2f", defaultSimConfig().universe.members[i].instrument.symbol.c_str(), k);
            QVERIFY2(k > 1.0, qPrintable(QString::number(k)));
        }
    }
};

QTEST_GUILESS_MAIN(TestMultiAsset)
#include "tst_multi_asset.moc"
