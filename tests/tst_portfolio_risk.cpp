// Portfolio risk: the EWMA covariance recovers a known correlation, parametric and
// historical VaR/ES match their closed forms on known returns, the marginal check
// agrees with a full recomputation, the stress scenarios and clusters, and the gate's
// pre-trade checks (net notional, concentration, marginal ES) with risk-reducing orders
// always passing.
#include "risk/portfolio_risk.h"
#include "risk/risk_gate.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace hm;

namespace {

constexpr Timestamp kSecond = 1000000000;

// Returns of two names with correlation rho and 10 bps volatility, seeded.
void feedCorrelated(PortfolioRisk& risk, double rho, int samples, unsigned seed)
{
    std::mt19937_64 gen(seed);
    std::normal_distribution<double> z;
    std::vector<double> prices = {100, 50};
    risk.addSample(prices);
    for (int k = 0; k < samples; ++k) {
        const double a = z(gen), b = rho * a + std::sqrt(1 - rho * rho) * z(gen);
        prices[0] *= std::exp(1e-3 * a);
        prices[1] *= std::exp(1e-3 * b);
        risk.addSample(prices);
    }
}

Instrument ins(const std::string& symbol)
{
    Instrument i;
    i.symbol = symbol;
    i.tickSize = 0.01;
    return i;
}

OrderRequest order(const std::string& symbol, Side side, Quantity qty, Price price, const std::string& id)
{
    OrderRequest o;
    o.clOrdId = id;
    o.symbol = symbol;
    o.side = side;
    o.type = OrderType::Limit;
    o.qty = qty;
    o.price = price;
    return o;
}

// A gate over two names at 100.00 whose returns (10 s apart) are perfectly correlated
// with 20 bps moves, so the ES of a position is known.
RiskGate correlatedGate(RiskLimits limits)
{
    limits.duplicateWindowMs = 0;
    RiskGate gate(limits);
    gate.addInstrument(ins("AAA"));
    gate.addInstrument(ins("BBB"));
    Timestamp t = 0;
    for (int k = 0; k <= 400; ++k) { // the last sample at 100.00
        const Price p = k % 2 ? 10020 : 10000;
        gate.setReference("AAA", p);
        gate.setReference("BBB", p);
        gate.notePrices(t);
        t += 10 * kSecond;
    }
    gate.setReference("AAA", 10000);
    gate.setReference("BBB", 10000);
    return gate;
}

} // namespace

class TestPortfolioRisk : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ewmaRecoversACorrelation()
    {
        PortfolioRiskConfig c;
        c.shrinkage = 0;
        PortfolioRisk risk(c);
        risk.addInstrument("A");
        risk.addInstrument("B");
        QCOMPARE(risk.addInstrument("A"), std::size_t(0));
        // Before any sample, the prior: 10 bps and 0.6.
        QVERIFY(std::fabs(risk.volatilityBps()[0] - 10) < 1e-9);
        QVERIFY(std::fabs(risk.correlation()[1] - 0.6) < 1e-9);
        feedCorrelated(risk, -0.5, 2000, 1);
        const auto rho = risk.correlation();
        qInfo("EWMA correlation %.3f (true -0.5), volatility %.2f bps (true 10)", rho[1], risk.volatilityBps()[0]);
        // lambda 0.94 averages about 33 samples: a wide estimate, but of the right thing.
        QVERIFY2(std::fabs(rho[1] + 0.5) < 0.3, qPrintable(QString::number(rho[1])));
        QVERIFY(std::fabs(risk.volatilityBps()[0] - 10) < 4);
        QCOMPARE(risk.samples(), std::size_t(2000));
    }

    void aNameWithoutPricesKeepsItsRisk()
    {
        // B never has a price (an order-only broker): the samples of A must not decay B's
        // variance toward nothing, or exposure in B would stop counting toward ES.
        PortfolioRisk risk;
        risk.addInstrument("A");
        risk.addInstrument("B");
        const double before = risk.volatilityBps()[1];
        double a = 100;
        for (int k = 0; k < 500; ++k) {
            a *= k % 2 ? 1.001 : 0.999;
            risk.addSample({a, 0.0});
        }
        QCOMPARE(risk.volatilityBps()[1], before);
        QVERIFY(std::fabs(risk.correlation()[1] - 0.6) < 0.25); // the prior's, shrunk a little
        const double esB = risk.figures({0, 1e6}, RiskMethod::Parametric).es;
        QVERIFY2(esB > 1000, qPrintable(QString::number(esB)));
    }

    void parametricMatchesTheClosedForm()
    {
        PortfolioRiskConfig c;
        c.sampleIntervalS = 10;
        c.horizonS = 90; // nine intervals: sigma x 3
        PortfolioRisk risk(c);
        risk.addInstrument("A");
        std::vector<double> p = {100};
        risk.addSample(p);
        for (int k = 0; k < 600; ++k) { // returns of +-20 bps: the EWMA variance is (20 bps)^2
            p[0] *= k % 2 ? std::exp(2e-3) : std::exp(-2e-3);
            risk.addSample(p);
        }
        QVERIFY(std::fabs(risk.volatilityBps()[0] - 20) < 1e-6);
        const PortfolioFigures f = risk.figures({1e6}, RiskMethod::Parametric);
        const double sigma = 1e6 * 2e-3 * 3;
        QVERIFY2(std::fabs(f.var - 2.326348 * sigma) < 1, qPrintable(QString::number(f.var)));
        QVERIFY2(std::fabs(f.es - 2.665214 * sigma) < 1, qPrintable(QString::number(f.es)));
        // A short has the same risk.
        QVERIFY(std::fabs(risk.figures({-1e6}, RiskMethod::Parametric).es - f.es) < 1e-6);
        QCOMPARE(risk.figures({0}, RiskMethod::Parametric).es, 0.0);
    }

    void historicalTakesTheWorstTail()
    {
        PortfolioRiskConfig c;
        c.sampleIntervalS = 10;
        c.horizonS = 10;
        c.historyLength = 200;
        PortfolioRisk risk(c);
        risk.addInstrument("A");
        std::vector<double> p = {100};
        risk.addSample(p);
        for (int k = 0; k < 199; ++k) {
            p[0] *= std::exp(k % 2 ? 1e-4 : -1e-4);
            risk.addSample(p);
        }
        p[0] *= std::exp(-0.05); // one crash, and one -3% day: the worst 1% of 200 is these two
        risk.addSample(p);
        p[0] *= std::exp(-0.03);
        risk.addSample(p);
        const PortfolioFigures f = risk.figures({1e6}, RiskMethod::Historical);
        QVERIFY2(std::fabs(f.es - 1e6 * 0.04) < 1, qPrintable(QString::number(f.es)));
        QVERIFY2(std::fabs(f.var - 1e6 * 0.03) < 1, qPrintable(QString::number(f.var)));
        // The ring keeps 200: the oldest sample went.
        QCOMPARE(risk.samples(), std::size_t(201));
        // A short profits from the crash: its tail is the small moves.
        QVERIFY(risk.figures({-1e6}, RiskMethod::Historical).es < 200);
    }

    void marginalAgreesWithFullRecomputation()
    {
        PortfolioRisk risk;
        for (const char* s : {"A", "B", "C", "D"})
            risk.addInstrument(s);
        std::mt19937_64 gen(5);
        std::normal_distribution<double> z;
        std::vector<double> p = {10, 20, 30, 40};
        for (int k = 0; k < 300; ++k) {
            const double m = z(gen);
            for (double& x : p)
                x *= std::exp(1e-3 * (m + z(gen)));
            risk.addSample(p);
        }
        const std::vector<double> w = {1e5, -2e5, 5e4, 0};
        risk.prepare(w);
        for (RiskMethod method : {RiskMethod::Parametric, RiskMethod::Historical}) {
            QVERIFY(std::fabs(risk.preparedEs(method) - risk.figures(w, method).es) < 1e-6);
            for (std::size_t i = 0; i < 4; ++i)
                for (double d : {-3e5, -1e4, 0.0, 2.5e4, 4e5}) {
                    std::vector<double> after = w;
                    after[i] += d;
                    QVERIFY2(std::fabs(risk.esWith(i, d, method) - risk.figures(after, method).es) < 1e-6,
                             qPrintable(QStringLiteral("%1 %2 %3").arg(toString(method)).arg(i).arg(d)));
                }
        }
        // shift() keeps the prepared state equal to a fresh prepare.
        risk.shift(2, 7e4);
        std::vector<double> moved = w;
        moved[2] += 7e4;
        QVERIFY(std::fabs(risk.preparedEs(RiskMethod::Parametric) - risk.figures(moved, RiskMethod::Parametric).es) < 1e-6);
        QVERIFY(std::fabs(risk.preparedEs(RiskMethod::Historical) - risk.figures(moved, RiskMethod::Historical).es) < 1e-6);
        // Euler contributions add up to the parametric ES.
        double sum = 0;
        for (double x : risk.esContributions())
            sum += x;
        QVERIFY(std::fabs(sum - risk.preparedEs(RiskMethod::Parametric)) < 1e-6);
    }

    void hedgesDiversifyAndStressRaisesEs()
    {
        PortfolioRisk risk;
        risk.addInstrument("A");
        risk.addInstrument("B");
        feedCorrelated(risk, 0.8, 1000, 2);
        const double longLong = risk.figures({1e6, 1e6}, RiskMethod::Parametric).es;
        const double hedged = risk.figures({1e6, -1e6}, RiskMethod::Parametric).es;
        QVERIFY2(hedged < 0.6 * longLong, qPrintable(QStringLiteral("%1 %2").arg(hedged).arg(longLong)));
        // Correlation to 0.9 hurts the long-long book more than it is hurt now only if
        // its correlation was lower; it always hurts the hedge less.
        const StressResult toOne = risk.correlationTo({1e6, 1e6}, 0.99);
        QVERIFY(toOne.es >= longLong * 0.99);
        const StressResult hedge = risk.correlationTo({1e6, -1e6}, 0.99);
        QVERIFY(hedge.es < hedged);
        // The market falls 5%: each name by its beta to A.
        const StressResult fall = risk.marketMove({1e6, 1e6}, 0, -0.05);
        QVERIFY(std::fabs(fall.byInstrument[0] + 5e4) < 1e-6);
        const double beta = risk.covariance()[1] / risk.covariance()[0];
        QVERIFY(std::fabs(fall.byInstrument[1] + 5e4 * beta) < 1e-6);
        QVERIFY(std::fabs(fall.pnl - fall.byInstrument[0] - fall.byInstrument[1]) < 1e-6);
        const StressResult gap = risk.gap({1e6, -2e6}, {1}, -0.1);
        QVERIFY(std::fabs(gap.pnl - 2e5) < 1e-6);
    }

    void clustersLinkCorrelatedNames()
    {
        PortfolioRiskConfig c;
        c.shrinkage = 0;
        PortfolioRisk risk(c);
        for (const char* s : {"A", "B", "C", "D", "E"})
            risk.addInstrument(s);
        std::mt19937_64 gen(9);
        std::normal_distribution<double> z;
        std::vector<double> p = {10, 10, 10, 10, 10};
        for (int k = 0; k < 400; ++k) {
            const double f1 = z(gen), f2 = z(gen);
            p[0] *= std::exp(1e-3 * (f1 + 0.2 * z(gen)));
            p[1] *= std::exp(1e-3 * (f1 + 0.2 * z(gen)));
            p[2] *= std::exp(1e-3 * (f2 + 0.2 * z(gen)));
            p[3] *= std::exp(1e-3 * (f2 + 0.2 * z(gen)));
            p[4] *= std::exp(1e-3 * z(gen));
            risk.addSample(p);
        }
        const auto groups = risk.clusters(0.7);
        QCOMPARE(groups.size(), std::size_t(2));
        QCOMPARE(groups[0], (std::vector<std::size_t>{0, 1}));
        QCOMPARE(groups[1], (std::vector<std::size_t>{2, 3}));
        QVERIFY(risk.clusters(0.999).empty());
    }

    void shrinkageKeepsManyNamesFromFewSamplesPositive()
    {
        // Thirty names, five samples: the raw EWMA is far from full rank after so few;
        // the prior and the shrinkage keep every portfolio's variance above zero.
        PortfolioRisk risk;
        for (int i = 0; i < 30; ++i)
            risk.addInstrument("N" + std::to_string(i));
        std::mt19937_64 gen(3);
        std::normal_distribution<double> z;
        std::vector<double> p(30, 20.0);
        for (int k = 0; k < 5; ++k) {
            for (double& x : p)
                x *= std::exp(1e-3 * z(gen));
            risk.addSample(p);
        }
        for (int trial = 0; trial < 200; ++trial) {
            std::vector<double> w(30);
            for (double& x : w)
                x = 1e5 * z(gen);
            QVERIFY(risk.figures(w, RiskMethod::Parametric).es > 0);
        }
    }

    void gateDeniesWhatWouldPassTheEsLimit()
    {
        // Two perfectly correlated names, 20 bps per 10 s, horizon 10 s: ES of a
        // position worth X is 2.665 x 20 bps x X = 0.00533 X.
        RiskLimits limits;
        limits.esHorizonS = 10;
        limits.maxPortfolioEs = 1000; // reached at 187,600 of one-sided exposure
        limits.maxPosition = 1e9;
        limits.maxOrderNotional = 1e9;
        limits.maxGrossNotional = 1e9;
        limits.maxNetNotional = 1e9;
        RiskGate gate = correlatedGate(limits);
        QVERIFY(std::fabs(gate.portfolio().correlation()[1] - 1.0) < 0.05);
        // 1,000 AAA at 100 = 100,000: passes. Then 1,000 BBB, correlated: 200,000 of risk, denied.
        QVERIFY(gate.checkNew(order("AAA", Side::Buy, 1000, 10000, "1"), "a", kSecond * 5000).passed());
        const GateVerdict v = gate.checkNew(order("BBB", Side::Buy, 1000, 10000, "2"), "a", kSecond * 5001);
        QCOMPARE(v.reason, DenyReason::PortfolioEs);
        QVERIFY2(QString::fromStdString(v.text).startsWith(QStringLiteral("portfolio ES (99%, 10 s) would reach")),
                 v.text.c_str());
        QVERIFY2(v.text.find("limit 1000") != std::string::npos, v.text.c_str());
        // A sell of BBB hedges the working AAA: ES falls, so it passes, however large
        // against the limit it would be alone.
        QVERIFY(gate.checkNew(order("BBB", Side::Sell, 1000, 10000, "3"), "a", kSecond * 5002).passed());
        // Now flat in risk terms, more AAA fits again, up to the limit.
        QVERIFY(gate.checkNew(order("AAA", Side::Buy, 800, 10000, "4"), "a", kSecond * 5003).passed());
        QCOMPARE(gate.checkNew(order("AAA", Side::Buy, 1200, 10000, "5"), "a", kSecond * 5004).reason,
                 DenyReason::PortfolioEs);
        // Fills move working into the position: the risk is the same, still denied.
        gate.onFill("AAA", Side::Buy, 1800);
        QCOMPARE(gate.checkNew(order("AAA", Side::Buy, 1200, 10000, "6"), "a", kSecond * 5005).reason,
                 DenyReason::PortfolioEs);
        // Cancelling the BBB sell brings the risk back: a buy of AAA is refused, a sell passes.
        gate.onWorkingReduced("BBB", Side::Sell, 1000);
        QCOMPARE(gate.checkNew(order("AAA", Side::Buy, 100, 10000, "7"), "a", kSecond * 5006).reason,
                 DenyReason::PortfolioEs);
        QVERIFY(gate.checkNew(order("AAA", Side::Sell, 500, 10000, "8"), "a", kSecond * 5007).passed());
        const PortfolioFigures f = gate.portfolioFigures(RiskMethod::Parametric);
        QVERIFY(f.es > 0 && f.es <= 1000 * 1.5);
    }

    void gateChecksNetAndConcentration()
    {
        RiskLimits limits;
        limits.maxPosition = 1e9;
        limits.maxOrderNotional = 1e9;
        limits.maxGrossNotional = 1e9;
        limits.maxPortfolioEs = 1e12;
        limits.maxNetNotional = 150000;
        limits.maxConcentrationPercent = 60;
        limits.concentrationMinGross = 50000;
        RiskGate gate = correlatedGate(limits);
        // 40,000 of AAA: below the concentration floor, passes at 100%.
        QVERIFY(gate.checkNew(order("AAA", Side::Buy, 400, 10000, "1"), "a", kSecond * 5000).passed());
        // 20,000 more AAA: gross 60,000 > floor, AAA 100% > 60%: refused.
        GateVerdict v = gate.checkNew(order("AAA", Side::Buy, 200, 10000, "2"), "a", kSecond * 5001);
        QCOMPARE(v.reason, DenyReason::Concentration);
        QVERIFY2(v.text.find("AAA would be 100% of gross exposure") != std::string::npos, v.text.c_str());
        // BBB diversifies: passes; then AAA fits to 60%.
        QVERIFY(gate.checkNew(order("BBB", Side::Buy, 400, 10000, "3"), "a", kSecond * 5002).passed());
        QVERIFY(gate.checkNew(order("AAA", Side::Buy, 200, 10000, "4"), "a", kSecond * 5003).passed());
        // Net: 100,000 long now; 60,000 more long passes 150,000: refused; a short passes.
        v = gate.checkNew(order("BBB", Side::Buy, 600, 10000, "5"), "a", kSecond * 5004);
        QCOMPARE(v.reason, DenyReason::NetNotional);
        QVERIFY2(v.text.find("net notional would reach 160000") != std::string::npos, v.text.c_str());
        QVERIFY(gate.checkNew(order("BBB", Side::Sell, 300, 10000, "6"), "a", kSecond * 5005).passed());
        // Position-reducing orders pass whatever the limits.
        gate.onFill("AAA", Side::Buy, 600);
        RiskLimits tight = gate.limits();
        tight.maxNetNotional = 1;
        tight.maxPortfolioEs = 1;
        gate.setLimits(tight);
        QVERIFY(gate.checkNew(order("AAA", Side::Sell, 100, 10000, "7"), "a", kSecond * 5006).passed());
    }
};

QTEST_GUILESS_MAIN(TestPortfolioRisk)
#include "tst_portfolio_risk.moc"
