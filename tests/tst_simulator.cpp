// The market simulator: reproducible from a seed, configuration errors that name the
// field, the true regime on every event, and the stylized facts of real markets with
// fixed seeds: heavy-tailed one-minute returns, volatility clustering, a concave impact
// of meta-order size, and a wider spread and thinner book when stressed than when calm.
#include "sim/lobster.h"
#include "sim/market_simulator.h"
#include "sim_test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

using namespace hm;
using hm::test::autocorrelation;
using hm::test::excessKurtosis;

namespace {

// `node` with the value at `path` ("regimes[1].transitions.calm") replaced by `value`.
QJsonValue replaced(const QJsonValue& node, QStringList path, const QJsonValue& value)
{
    if (path.isEmpty())
        return value;
    QString head = path.takeFirst();
    int index = -1;
    if (head.endsWith(QLatin1Char(']'))) {
        const int open = head.indexOf(QLatin1Char('['));
        index = head.mid(open + 1, head.size() - open - 2).toInt();
        head = head.left(open);
    }
    QJsonObject object = node.toObject();
    if (index < 0) {
        object[head] = replaced(object.value(head), path, value);
    } else {
        QJsonArray array = object.value(head).toArray();
        array[index] = replaced(array.at(index), path, value);
        object[head] = array;
    }
    return object;
}

SimConfig holding(const std::string& regime)
{
    SimConfig c = defaultSimConfig();
    c.schedule = {ScheduleEntry{0, regime}};
    c.intradayProfile.clear();
    return c;
}

std::vector<double> oneMinuteReturns(const SimConfig& c, std::uint64_t seed, int minutes)
{
    MarketSimulator sim(c, seed);
    sim.runUntil(300);
    std::vector<double> r;
    double last = sim.twiceMid();
    for (int m = 1; m <= minutes; ++m) {
        sim.runUntil(300 + 60.0 * m);
        const double mid = sim.twiceMid();
        if (mid > 0 && last > 0)
            r.push_back(1e4 * std::log(mid / last));
        if (mid > 0)
            last = mid;
    }
    return r;
}

// Sells `lots` at one lot every two seconds with market orders and returns how far the
// mid fell from arrival to the last child, in ticks, minus the same seed's fall without
// our orders (the market's own drift), so that few seeds measure it precisely.
double impactOfMetaOrder(const SimConfig& c, std::uint64_t seed, int lots)
{
    auto fall = [&](bool trade) {
        MarketSimulator sim(c, seed);
        sim.runUntil(300);
        const double arrival = sim.twiceMid() / 2.0;
        for (int i = 0; i < lots; ++i) {
            if (trade)
                sim.submit(static_cast<std::uint64_t>(i + 1), Side::Sell, OrderType::Market, TimeInForce::ImmediateOrCancel,
                           0, c.lot);
            sim.runUntil(sim.now() + 2.0);
        }
        return arrival - sim.twiceMid() / 2.0;
    };
    return fall(true) - fall(false);
}

} // namespace

class TestSimulator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameSessionOtherSeedOther()
    {
        auto fingerprint = [](std::uint64_t seed) {
            MarketSimulator sim(defaultSimConfig(), seed);
            std::uint64_t h = 1469598103934665603ull;
            sim.setEventSink([&h](const SimEvent& e) {
                for (std::uint64_t v : {static_cast<std::uint64_t>(e.kind), static_cast<std::uint64_t>(e.price),
                                        static_cast<std::uint64_t>(e.qty), static_cast<std::uint64_t>(e.time * 1e6)})
                    h = (h ^ v) * 1099511628211ull;
            });
            sim.runUntil(1800);
            sim.submit(7, Side::Sell, OrderType::Market, TimeInForce::ImmediateOrCancel, 0, 5000);
            sim.runUntil(2400);
            return std::make_pair(h, sim.counters().bookEvents);
        };
        const auto a = fingerprint(42), b = fingerprint(42), c = fingerprint(43);
        QCOMPARE(a, b);
        QVERIFY(a.first != c.first);
        QVERIFY(a.second > 100000); // it did simulate
    }

    void defaultFileIsTheBuiltInDefault()
    {
        SimConfig fromFile;
        QCOMPARE(QString::fromStdString(loadSimConfig(std::string(HM_TEST_RESOURCES) + "/sim/default.json", fromFile)), QString());
        const SimConfig builtIn = defaultSimConfig();
        QCOMPARE(fromFile.regimes.size(), builtIn.regimes.size());
        QVERIFY(fromFile.regimes.size() >= 4);
        for (std::size_t i = 0; i < builtIn.regimes.size(); ++i) { // the build embeds the file as it is now
            const RegimeParams &a = fromFile.regimes[i], &b = builtIn.regimes[i];
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.limitRate, b.limitRate);
            QCOMPARE(a.cancelRate, b.cancelRate);
            QCOMPARE(a.mmDepthLots, b.mmDepthLots);
            QCOMPARE(a.crashSellRate, b.crashSellRate);
            QCOMPARE(a.fundamentalVolBps, b.fundamentalVolBps);
        }
        QCOMPARE(fromFile.beliefTicksPerLot, builtIn.beliefTicksPerLot);
        for (const char* name : {"calm", "normal", "volatile", "stressed"})
            QVERIFY2(builtIn.regimeIndex(name) >= 0, name);
        QCOMPARE(loadSimConfig("/nonexistent/sim.json", fromFile).find("cannot open") != std::string::npos, true);
    }

    void badConfigurationsNameTheFieldAndReason_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("expected");
        QTest::newRow("negative rate") << "\"limit_rate\": 40" << "regimes[1].limit_rate: must be between 0";
        QTest::newRow("unknown field") << "\"limit_rate\": 40, \"limt\": 1" << "regimes[1].limt: unknown field";
        QTest::newRow("string for number") << "\"limit_rate\": \"fast\"" << "regimes[1].limit_rate: must be a number";
        QTest::newRow("unknown target") << "\"calm\": 0.45" << "regimes[1].transitions.qualm: no regime of that name";
        QTest::newRow("not json") << "{" << "not valid JSON";
    }
    void badConfigurationsNameTheFieldAndReason()
    {
        QFETCH(QString, change);
        QFETCH(QString, expected);
        std::ifstream in(std::string(HM_TEST_RESOURCES) + "/sim/default.json");
        std::stringstream buf;
        buf << in.rdbuf();
        std::string text = buf.str();
        // Each row edits the "normal" regime (regimes[1]) or breaks the file.
        const std::size_t normal = text.find("\"name\": \"normal\"");
        QVERIFY(normal != std::string::npos);
        if (change == QStringLiteral("{")) {
            text = text.substr(0, text.size() / 2);
        } else if (change.startsWith(QStringLiteral("\"limit_rate\": 40,"))) {
            text.replace(text.find("\"limit_rate\": 40", normal), 16, change.toStdString());
        } else if (change == QStringLiteral("\"limit_rate\": 40")) {
            text.replace(text.find("\"limit_rate\": 40", normal), 16, "\"limit_rate\": -3");
        } else if (change.contains(QStringLiteral("fast"))) {
            text.replace(text.find("\"limit_rate\": 40", normal), 16, change.toStdString());
        } else {
            text.replace(text.find("\"calm\": 0.45", normal), 12, "\"qualm\": 0.45");
        }
        SimConfig c;
        const QString error = QString::fromStdString(parseSimConfig(text, "test.json", c));
        QVERIFY2(error.startsWith(QStringLiteral("test.json: ")), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void emptyWrongAndOutOfRangeValuesAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty profile") << "intraday_profile" << "[]" << "intraday_profile: must hold 1 to 10000 multipliers";
        QTest::newRow("zero in profile") << "intraday_profile" << "[1, 0]" << "intraday_profile[1]: must be a number above 0";
        QTest::newRow("huge in profile") << "intraday_profile" << "[1, 1e300]" << "intraday_profile[1]: must be a number above 0 and at most 100";
        QTest::newRow("text in profile") << "intraday_profile" << "[1, \"busy\"]" << "intraday_profile[1]: must be a number";
        QTest::newRow("profile not a list") << "intraday_profile" << "\"flat\"" << "intraday_profile: must be an array";
        QTest::newRow("fractional lot") << "lot" << "1.5" << "lot: must be a whole number, got 1.5";
        QTest::newRow("zero lot") << "lot" << "0" << "lot: must be between 1";
        QTest::newRow("huge lot") << "lot" << "1e300" << "lot: must be between 1 and 1e+09";
        QTest::newRow("fractional lot size") << "instrument.lot_size" << "2.5" << "instrument.lot_size: must be a whole number";
        QTest::newRow("boolean tick") << "instrument.tick_size" << "true" << "instrument.tick_size: must be a number";
        QTest::newRow("negative day") << "day_seconds" << "-5" << "day_seconds: must be between 60";
        QTest::newRow("empty schedule") << "schedule" << "[]" << "schedule: must be a non-empty array";
        QTest::newRow("no regimes") << "regimes" << "[]" << "regimes: at least one regime";
        QTest::newRow("regime not an object") << "regimes[1]" << "7" << "regimes[1]: must be an object";
        QTest::newRow("probability above 1") << "regimes[1].transitions.calm" << "5" << "regimes[1].transitions.calm: must be a probability from 0 to 1";
        QTest::newRow("fractional levels") << "regimes[1].mm_levels" << "2.5" << "regimes[1].mm_levels: must be a whole number";
        QTest::newRow("huge rate") << "regimes[1].limit_rate" << "1e300" << "regimes[1].limit_rate: must be between 0 and 1e+06";
    }
    void emptyWrongAndOutOfRangeValuesAreRefused()
    {
        QFETCH(QString, path);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QFile f(QStringLiteral(HM_TEST_RESOURCES "/sim/default.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject original = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!original.isEmpty());
        const QJsonValue v = QJsonDocument::fromJson("[" + value.toUtf8() + "]").array().at(0);
        QVERIFY2(!v.isUndefined(), qPrintable(value));
        const QJsonObject edited = replaced(original, path.split(QLatin1Char('.')), v).toObject();
        SimConfig c;
        QCOMPARE(QString::fromStdString(parseSimConfig(QJsonDocument(original).toJson().toStdString(), "test.json", c)), QString());
        const QString error = QString::fromStdString(parseSimConfig(QJsonDocument(edited).toJson().toStdString(), "test.json", c));
        QVERIFY2(error.startsWith(QStringLiteral("test.json: ")) && error.contains(expected), qPrintable(error));
    }

    void everyEventCarriesTheTrueRegime()
    {
        SimConfig c = defaultSimConfig();
        c.schedule = {ScheduleEntry{0, "calm"}, ScheduleEntry{100, "stressed"}, ScheduleEntry{200, "normal"}};
        MarketSimulator sim(c, 5);
        std::map<int, int> seen;
        bool consistent = true;
        sim.setEventSink([&](const SimEvent& e) {
            ++seen[e.regime];
            const int expected = e.time < 100 ? 0 : e.time < 200 ? 3 : 1;
            if (e.kind != SimEventKind::RegimeSwitch && e.regime != expected)
                consistent = false;
        });
        sim.runUntil(300);
        QVERIFY(consistent);
        QCOMPARE(static_cast<int>(seen.size()), 3);
        QCOMPARE(sim.regimeName(), std::string("normal"));
        sim.forceRegime(2);
        QCOMPARE(sim.regimeName(), std::string("volatile"));
    }

    void heavyTailedOneMinuteReturns()
    {
        // Five simulated days with the regime chain running.
        std::vector<double> r;
        for (std::uint64_t seed : {1, 2, 3, 4, 5}) {
            const auto day = oneMinuteReturns(defaultSimConfig(), seed, 390);
            r.insert(r.end(), day.begin(), day.end());
        }
        const double k = excessKurtosis(r);
        qInfo("one-minute returns: n=%zu, excess kurtosis %.2f", r.size(), k);
        QVERIFY2(k > 1.0, qPrintable(QString::number(k)));
    }

    void volatilityClusters()
    {
        // Autocorrelation of |1-min return|, averaged over five two-day runs.
        std::vector<double> acf(31, 0.0);
        const int runs = 5;
        for (int seed = 0; seed < runs; ++seed) {
            std::vector<double> absReturns;
            for (double x : oneMinuteReturns(defaultSimConfig(), 70 + static_cast<std::uint64_t>(seed), 390 * 2))
                absReturns.push_back(std::fabs(x));
            for (std::size_t lag = 1; lag <= 30; ++lag)
                acf[lag] += autocorrelation(absReturns, lag) / runs;
        }
        int positive = 0;
        double sum = 0;
        for (std::size_t lag = 1; lag <= 30; ++lag) {
            positive += acf[lag] > 0;
            sum += acf[lag];
        }
        qInfo("autocorrelation of |1-min return|: lag1 %.3f lag5 %.3f lag10 %.3f lag20 %.3f lag30 %.3f; positive at %d of "
              "30 lags, mean %.3f",
              acf[1], acf[5], acf[10], acf[20], acf[30], positive, sum / 30);
        for (std::size_t lag = 1; lag <= 20; ++lag)
            QVERIFY2(acf[lag] > 0, qPrintable(QStringLiteral("lag %1: %2").arg(lag).arg(acf[lag])));
        QVERIFY(sum / 30 > 0.05);
    }

    void impactIsConcaveInMetaOrderSize()
    {
        const SimConfig c = holding("normal");
        const std::vector<int> sizes{10, 40, 160};
        std::vector<double> impact;
        for (int lots : sizes) {
            double total = 0;
            const int seeds = 150;
            for (int s = 0; s < seeds; ++s)
                total += impactOfMetaOrder(c, 1000 + static_cast<std::uint64_t>(s), lots);
            impact.push_back(total / seeds);
        }
        qInfo("mean impact in ticks: 10 lots %.2f, 40 lots %.2f, 160 lots %.2f", impact[0], impact[1], impact[2]);
        QVERIFY(impact[0] > 0);
        QVERIFY(impact[1] > impact[0]);
        QVERIFY(impact[2] > impact[1]);
        // Sixteen times the size moves the price far less than sixteen times as much.
        const double slope = std::log(impact[2] / impact[0]) / std::log(16.0);
        qInfo("log-log slope of impact against size: %.2f (1 = linear)", slope);
        QVERIFY2(slope < 0.8, qPrintable(QString::number(slope)));
    }

    void lobsterFileReplaysTheSameBook()
    {
        // A session recorded in LOBSTER format replays into exactly the same book.
        MarketSimulator sim(holding("normal"), 21);
        std::stringstream file;
        recordLobster(sim, 600, file);
        std::vector<LobsterMessage> messages;
        QCOMPARE(QString::fromStdString(parseLobster(file, "recorded", 0.01, messages)), QString());
        QVERIFY(messages.size() > 10000);
        LobsterReplay replay(messages, sim.config().instrument);
        replay.runUntil(replay.endTime());
        Depth a, b;
        sim.book().depth(10, a);
        replay.book().depth(10, b);
        QCOMPARE(b.bids.size(), a.bids.size());
        for (std::size_t i = 0; i < a.bids.size(); ++i) {
            QCOMPARE(b.bids[i].price, a.bids[i].price);
            QCOMPARE(b.bids[i].qty, a.bids[i].qty);
        }
        for (std::size_t i = 0; i < a.asks.size(); ++i) {
            QCOMPARE(b.asks[i].price, a.asks[i].price);
            QCOMPARE(b.asks[i].qty, a.asks[i].qty);
        }
        QCOMPARE(replay.counters().skipped, std::uint64_t(0));

        // Our orders interact with the replayed book: a resting sell at the touch is
        // filled by recorded executions, and a crossing buy takes recorded liquidity.
        LobsterReplay ours(messages, sim.config().instrument);
        ours.runUntil(messages.front().time + 60);
        const OrderBook::Result resting =
            ours.submit(1, Side::Sell, OrderType::Limit, TimeInForce::Day, ours.book().bestAsk(), 100);
        QVERIFY(resting.handle != OrderBook::kNoHandle);
        const OrderBook::Result taken =
            ours.submit(2, Side::Buy, OrderType::Limit, TimeInForce::ImmediateOrCancel, ours.book().bestAsk() + 2, 3000);
        QVERIFY(taken.filled > 0);
        ours.runUntil(ours.endTime());
        Quantity makerFilled = 0, takerFilled = 0;
        for (const SimFill& f : ours.takeOwnFills())
            (f.maker ? makerFilled : takerFilled) += f.qty;
        qInfo("replay with our orders: taker fill %lld, maker fill %lld, recorded events about consumed orders %llu",
              static_cast<long long>(takerFilled), static_cast<long long>(makerFilled),
              static_cast<unsigned long long>(ours.counters().skipped));
        QCOMPARE(takerFilled, taken.filled);
        QVERIFY(makerFilled > 0);
        QVERIFY(ours.counters().skipped > 0);
    }

    void badLobsterLinesNameLineAndField_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("type") << "34200.1,1,1,100,188500,1\n34200.2,9,2,100,188500,1" << "x.csv:line 2: field 'type' must be 1..7";
        QTest::newRow("number") << "34200.1,1,1,lots,188500,1" << "x.csv:line 1: field 'size' is not a number";
        QTest::newRow("fields") << "34200.1,1,1,100" << "x.csv:line 1: expected 6 comma-separated fields";
        QTest::newRow("direction") << "34200.1,1,1,100,188500,0" << "x.csv:line 1: field 'direction' must be 1 (buy) or -1";
        QTest::newRow("time") << "34200.5,1,1,100,188500,1\n34200.1,1,2,100,188500,1" << "x.csv:line 2: time goes backwards";
    }
    void badLobsterLinesNameLineAndField()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        std::stringstream in(text.toStdString());
        std::vector<LobsterMessage> out{LobsterMessage{}};
        const QString error = QString::fromStdString(parseLobster(in, "x.csv", 0.01, out));
        QVERIFY2(error.startsWith(expected), qPrintable(error));
        QCOMPARE(out.size(), std::size_t(1)); // untouched on error
        QVERIFY(loadLobster("/nonexistent.csv", 0.01, out).find("cannot open") != std::string::npos);
    }

    void stressedIsWiderAndThinnerThanCalm()
    {
        auto measure = [](const std::string& regime) {
            MarketSimulator sim(holding(regime), 9);
            sim.runUntil(300);
            double spread = 0, depth = 0;
            Depth d;
            for (int s = 1; s <= 1800; ++s) {
                sim.runUntil(300 + s);
                if (!sim.book().hasBid() || !sim.book().hasAsk())
                    continue;
                spread += static_cast<double>(sim.book().bestAsk() - sim.book().bestBid());
                sim.book().depth(5, d);
                for (const auto& l : d.bids)
                    depth += static_cast<double>(l.qty);
            }
            return std::make_pair(spread / 1800, depth / 1800);
        };
        const auto calm = measure("calm"), stressed = measure("stressed");
        qInfo("calm: spread %.2f ticks, 5-level bid depth %.0f; stressed: spread %.2f ticks, depth %.0f", calm.first,
              calm.second, stressed.first, stressed.second);
        QVERIFY(stressed.first > 1.5 * calm.first);
        QVERIFY(stressed.second < 0.5 * calm.second);
    }
};

QTEST_APPLESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
