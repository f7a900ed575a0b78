// The regime detector on a synthetic sequence with known switches: observations drawn
// from three well-separated regimes in spells of known length; the fitted detector,
// run forward online, names the regime and notices each switch within a few samples.
// Also: the model file round trip and a clear error for a bad one.
#include "regime/regime_detector.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <random>

using namespace hm;

namespace {
void synthetic(std::uint64_t seed, std::vector<std::vector<RegimeObservation>>& seqs, std::vector<std::vector<int>>& labels)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, 0.5);
    const double means[3][kRegimeObservations] = {{1, 1.5, 1, 2, 5}, {2.5, 2.8, 1, 3, 4}, {4, 4, 5, 3.5, 2.5}};
    std::vector<RegimeObservation> seq;
    std::vector<int> lab;
    int regime = 0;
    for (int spell = 0; spell < 40; ++spell) {
        const int length = 30 + static_cast<int>(rng() % 60);
        for (int t = 0; t < length; ++t) {
            RegimeObservation x(kRegimeObservations);
            for (int d = 0; d < kRegimeObservations; ++d)
                x[static_cast<std::size_t>(d)] = means[regime][d] + noise(rng);
            seq.push_back(x);
            lab.push_back(regime);
        }
        regime = (regime + 1 + static_cast<int>(rng() % 2)) % 3;
    }
    seqs.push_back(seq);
    labels.push_back(lab);
}
} // namespace

class TestRegime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void detectsKnownSwitchesOnASyntheticSequence()
    {
        std::vector<std::vector<RegimeObservation>> train, test;
        std::vector<std::vector<int>> trainLabels, testLabels;
        synthetic(1, train, trainLabels);
        synthetic(2, test, testLabels);
        const std::vector<std::string> names{"quiet", "busy", "wild"};
        for (int iterations : {0, 5}) { // supervised only, and with Baum-Welch after
            std::vector<double> ll;
            const GaussianHmm hmm = fitHmm(train, trainLabels, names, iterations, 10, &ll);
            if (iterations > 0)
                QVERIFY(ll.back() >= ll.front() - 1e-6); // EM never lowers the likelihood
            const DetectionScore s = scoreDetection(hmm, test, testLabels, names);
            qInfo("%d Baum-Welch iterations: balanced accuracy %.3f, %d/%d switches, mean delay %.1f s", iterations,
                  s.balancedAccuracy, s.detectedSwitches, s.switches, s.meanDelayS);
            QVERIFY(s.balancedAccuracy > 0.95);
            QCOMPARE(s.detectedSwitches, s.switches);
            QVERIFY(s.meanDelayS <= 30); // within three samples
        }
    }

    void modelFileRoundTripAndErrors()
    {
        std::vector<std::vector<RegimeObservation>> seqs;
        std::vector<std::vector<int>> labels;
        synthetic(3, seqs, labels);
        const GaussianHmm hmm = fitHmm(seqs, labels, {"a", "b", "c"}, 0, 10);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("hmm.json")).toStdString();
        QCOMPARE(QString::fromStdString(saveHmm(path, hmm, "{}")), QString());
        GaussianHmm back;
        QCOMPARE(QString::fromStdString(loadHmm(path, back)), QString());
        QCOMPARE(back.names, hmm.names);
        RegimeDetector a(hmm), b(back);
        for (const auto& x : seqs[0]) {
            a.update(x);
            b.update(x);
        }
        QVERIFY(std::fabs(a.probabilities()[0] - b.probabilities()[0]) < 1e-9);
        QVERIFY(loadHmm(path + ".missing", back).find("missing") != std::string::npos);
        std::ofstream(path) << "{\"format\": \"something else\"}";
        QVERIFY(loadHmm(path, back).find("not a regime model") != std::string::npos);
        std::ofstream(path) << "not json";
        QVERIFY(loadHmm(path, back).find("not valid") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestRegime)
#include "tst_regime.moc"
