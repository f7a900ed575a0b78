// The learning agents' plumbing: a TorchScript model made by the project's Python
// script runs in C++ with the same outputs; model files are checked against their
// cards (missing, corrupted, mismatched are refused with a clear message); a trained
// network saved and loaded acts the same; PPO and Double DQN both train and act.
#include "agents/agent_config.h"
#include "learning_agents.h"
#include "ml/signal_model.h"
#include "ml/torchscript_policy.h"
#include "ml/training.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <tuple>

using namespace hm;

namespace {
ExecutionTask tinyTask(std::uint64_t seed)
{
    ExecutionTask t;
    t.quantity = 3000;
    t.horizonS = 120;
    t.decisionIntervalS = 10;
    t.warmupS = 60;
    t.startTimeOfDayS = 3600;
    t.startRegime = static_cast<int>(seed % 4);
    return t;
}

TrainConfig tinyConfig(const std::string& algorithm)
{
    TrainConfig c;
    c.algorithm = algorithm;
    c.envs = 2;
    c.rolloutSteps = 12;
    c.minibatch = 8;
    c.network.hidden = 16;
    c.totalSteps = 2000;
    c.warmup = 50;
    c.batch = 16;
    c.threads = 1;
    return c;
}

// A copy of a shipped model (file and card, under their own names) in `dir`.
std::string copyShipped(const QTemporaryDir& dir, const char* name)
{
    const QString from = QStringLiteral(HM_SOURCE_DIR "/models/") + QString::fromLatin1(name), to = dir.filePath(QString::fromLatin1(name));
    QFile::remove(to);
    QFile::remove(to + QStringLiteral(".json"));
    if (!QFile::copy(from, to) || !QFile::copy(from + QStringLiteral(".json"), to + QStringLiteral(".json")))
        return {};
    return to.toStdString();
}

// Rewrites a model card through `edit`.
template <class Edit>
bool editCard(const std::string& model, Edit edit)
{
    QFile f(QString::fromStdString(model + ".json"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QJsonObject card = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    edit(card);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    f.write(QJsonDocument(card).toJson());
    return true;
}

// The card of a model in training, as helmsman-train writes it.
ModelCard cardOf(Trainer& t)
{
    ModelCard card;
    card.algorithm = t.config().algorithm;
    card.network = t.config().network;
    card.features.assign(executionFeatureNames().begin(), executionFeatureNames().begin() + card.network.inputs);
    card.normalizer = t.normalizer();
    card.actions = t.config().actions;
    card.environment = std::string(R"({"action_set": ")") + toString(card.actions) + "\"}";
    return card;
}

std::string loadError(const std::string& model)
{
    std::string error;
    LearnedPolicy p(model, error);
    return error;
}
} // namespace

class TestMl : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A learned execution policy takes only parents inside the task its card says it was
    // trained on; the reason names what differs.
    void aParentOutsideTheTrainingTaskIsRefused()
    {
        ModelCard card;
        card.environment = R"({"task": {"side": "sell", "horizon_s": 1800.0, "decision_interval_s": 10.0}})";
        QCOMPARE(trainingTaskRefusal(card, Side::Sell, 1800, 10), std::string());
        QCOMPARE(trainingTaskRefusal(card, Side::Buy, 1800, 10), std::string("the model was trained to sell, not to buy"));
        QCOMPARE(trainingTaskRefusal(card, Side::Sell, 600, 10),
                 std::string("the model was trained on horizons of 1800 s, not 600 s"));
        QCOMPARE(trainingTaskRefusal(card, Side::Sell, 1800, 2),
                 std::string("the model was trained to decide every 10 s, not every 2 s"));
        card.environment = R"({"task": {"sides": ["buy", "sell"], "horizon_s_range": [300, 7200], "decision_interval_s": 10}})";
        QCOMPARE(trainingTaskRefusal(card, Side::Buy, 3600, 10), std::string());
        QCOMPARE(trainingTaskRefusal(card, Side::Buy, 60, 10),
                 std::string("the model was trained on horizons of 300 s to 7200 s, not 60 s"));
        card.environment = R"({"task": {"sides": ["buy", "sell"], "size_fraction_range": [0.01, 0.25], "horizon_s_range": [300, 7200]}})";
        QCOMPARE(trainingTaskRefusal(card, Side::Sell, 600, 10, 0.25), std::string());
        QCOMPARE(trainingTaskRefusal(card, Side::Sell, 600, 10), std::string()); // the size is not known
        QCOMPARE(trainingTaskRefusal(card, Side::Sell, 600, 10, 0.5),
                 std::string("the model was trained on parents of 1% to 25% of the expected volume, not 50%"));
        card.environment = "not json"; // a card that states no task limits nothing
        QCOMPARE(trainingTaskRefusal(card, Side::Buy, 60, 1), std::string());
    }

    void torchScriptFromPythonRunsTheSame_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("script") << QString();
        QTest::newRow("trace") << QStringLiteral("--trace");
    }
    void torchScriptFromPythonRunsTheSame()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("policy.pt")), expected = dir.filePath(QStringLiteral("expected.json"));
        QStringList args{QStringLiteral(HM_SOURCE_DIR "/scripts/make_torchscript_model.py"), model, expected};
        if (!mode.isEmpty())
            args << mode;
        QProcess py;
        py.start(QStringLiteral("/usr/bin/python3"), args);
        QVERIFY(py.waitForFinished(120000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
        std::string error;
        TorchScriptPolicy policy(model.toStdString(), error);
        QVERIFY2(error.empty(), error.c_str());
        QFile f(expected);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
        std::vector<std::vector<float>> rows;
        for (const auto& r : j[QStringLiteral("inputs")].toArray()) {
            rows.emplace_back();
            for (const auto& v : r.toArray())
                rows.back().push_back(static_cast<float>(v.toDouble()));
        }
        const auto out = policy.scores(rows);
        const QJsonArray want = j[QStringLiteral("outputs")].toArray();
        QCOMPARE(static_cast<int>(out.size()), want.size());
        for (int i = 0; i < want.size(); ++i) {
            const QJsonArray w = want[i].toArray();
            QCOMPARE(static_cast<int>(out[static_cast<std::size_t>(i)].size()), 18);
            for (int k = 0; k < w.size(); ++k)
                QVERIFY(std::fabs(out[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)] - w[k].toDouble()) < 1e-5);
        }
        // And it trades: a whole episode with it as the execution strategy.
        const EpisodeResult r = runEpisode(defaultSimConfig(), tinyTask(1), 1, policy);
        QCOMPARE(r.remaining.back(), 0.0);
    }

    void badTorchScriptIsRefused()
    {
        QTemporaryDir dir;
        std::string error;
        TorchScriptPolicy missing(dir.filePath(QStringLiteral("none.pt")).toStdString(), error);
        QVERIFY2(error.find("missing or unreadable") != std::string::npos, error.c_str());
        const std::string junk = dir.filePath(QStringLiteral("junk.pt")).toStdString();
        std::ofstream(junk) << "this is not a model";
        TorchScriptPolicy bad(junk, error);
        QVERIFY2(error.find("not a loadable TorchScript model") != std::string::npos, error.c_str());
    }

    void trainedModelsRoundTripAndCardsGuardThem()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.pt")).toStdString();
        for (const char* algorithm : {"ppo", "ddqn"}) {
            Trainer t(defaultSimConfig(), tinyTask, tinyConfig(algorithm));
            for (int i = 0; i < 3; ++i)
                QVERIFY(std::isfinite(t.iterate().loss));
            QVERIFY(t.steps() > 0);
            const ModelCard card = cardOf(t);
            QCOMPARE(QString::fromStdString(saveModel(path, t.savedNetwork(), card)), QString());
            std::string error;
            LearnedPolicy loaded(path, error);
            QVERIFY2(error.empty(), error.c_str());
            LearnedPolicy original(t.policyNetwork(), t.normalizer(), algorithm, t.config().actions);
            const EpisodeResult a = runEpisode(defaultSimConfig(), tinyTask(5), 5, loaded);
            const EpisodeResult b = runEpisode(defaultSimConfig(), tinyTask(5), 5, original);
            QCOMPARE(a.shortfallBps, b.shortfallBps); // the same network, the same decisions
            // The decision path's plain C++ pass gives LibTorch's scores.
            std::vector<float> x(static_cast<std::size_t>(card.network.inputs));
            for (int i = 0; i < card.network.inputs; ++i)
                x[static_cast<std::size_t>(i)] = 0.37f * static_cast<float>(i) - 1.9f;
            const std::vector<double> byTorch = loaded.scoresByTorch(x), byHand = loaded.scoresByHand(x);
            QCOMPARE(byHand.size(), byTorch.size());
            for (std::size_t k = 0; k < byTorch.size(); ++k)
                QVERIFY(std::fabs(byHand[k] - byTorch[k]) < 1e-4);
        }
        // A corrupted file, a missing card and a card for other features are refused.
        {
            std::ofstream(path, std::ios::app) << "x";
            std::string error;
            LearnedPolicy p(path, error);
            QVERIFY2(error.find("does not match its card") != std::string::npos, error.c_str());
        }
        {
            std::string json;
            std::ifstream in(path + ".json");
            json.assign(std::istreambuf_iterator<char>(in), {});
            const std::size_t at = json.find("\"imbalance_1\"");
            QVERIFY(at != std::string::npos);
            json.replace(at, 13, "\"imbalance_9\"");
            std::ofstream(path + ".json") << json;
            std::string error;
            LearnedPolicy p(path, error);
            QVERIFY2(error.find("different features") != std::string::npos, error.c_str());
        }
        {
            QFile::remove(QString::fromStdString(path + ".json"));
            std::string error;
            LearnedPolicy p(path, error);
            QVERIFY2(error.find("is missing") != std::string::npos, error.c_str());
        }
    }

    // The card names the action set the network scores; the wrong one, or none for a
    // network that does not score the first models' 18 actions, is refused.
    void theCardNamesItsActionSet()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("set.pt")).toStdString();
        Trainer t(defaultSimConfig(), tinyTask, tinyConfig("ppo"));
        QCOMPARE(QString::fromStdString(saveModel(path, t.savedNetwork(), cardOf(t))), QString());
        QCOMPARE(QString::fromStdString(loadError(path)), QString());
        std::string error;
        LearnedPolicy loaded(path, error);
        QCOMPARE(loaded.card().actions, ActionSet::ScheduleMultiples);
        QCOMPARE(loaded.card().network.inputs, static_cast<int>(kExecutionFeatureCount));
        QCOMPARE(loaded.card().acting, std::string("sample")); // what saveModel records for PPO by default
        QVERIFY(editCard(path, [](QJsonObject& c) { c[QStringLiteral("acting")] = QStringLiteral("greedy"); }));
        {
            LearnedPolicy greedy(path, error);
            QVERIFY2(error.empty(), error.c_str());
            QCOMPARE(greedy.card().acting, std::string("greedy"));
        }
        QVERIFY(editCard(path, [](QJsonObject& c) { c[QStringLiteral("acting")] = QStringLiteral("maybe"); }));
        QVERIFY2(loadError(path).find("acting: expected \"sample\" or \"greedy\", got \"maybe\"") != std::string::npos,
                 loadError(path).c_str());
        QVERIFY(editCard(path, [](QJsonObject& c) { c[QStringLiteral("acting")] = QStringLiteral("sample"); }));
        auto setTo = [&](const QJsonValue& v) {
            return editCard(path, [&](QJsonObject& c) {
                QJsonObject e = c[QStringLiteral("environment")].toObject();
                if (v.isUndefined())
                    e.remove(QStringLiteral("action_set"));
                else
                    e[QStringLiteral("action_set")] = v;
                c[QStringLiteral("environment")] = e;
            });
        };
        QVERIFY(setTo(QStringLiteral("fractions")));
        QVERIFY2(loadError(path).find("environment.action_set: expected \"remaining_fractions\" or \"schedule_multiples\", got \"fractions\"")
                     != std::string::npos,
                 loadError(path).c_str());
        QVERIFY(setTo(QJsonValue(3)));
        QVERIFY(loadError(path).find("environment.action_set") != std::string::npos);
        QVERIFY(setTo(QJsonValue(QJsonValue::Undefined)));
        QVERIFY2(loadError(path).find("has 19 inputs and 14 outputs; this build needs 19 and 18") != std::string::npos,
                 loadError(path).c_str());
    }

    // The task on the card holds live agents to it: a garbled one is refused at load,
    // never read as "no limit".
    void aGarbledTrainingTaskIsRefused()
    {
        QTemporaryDir dir;
        const std::string ppo = copyShipped(dir, "ppo-execution.pt");
        QVERIFY(!ppo.empty());
        QCOMPARE(QString::fromStdString(loadError(ppo)), QString());
        auto withTask = [&](const char* key, const QJsonValue& v) {
            copyShipped(dir, "ppo-execution.pt");
            return editCard(ppo, [&](QJsonObject& c) {
                QJsonObject e = c[QStringLiteral("environment")].toObject();
                QJsonObject t = e[QStringLiteral("task")].toObject();
                t[QString::fromLatin1(key)] = v;
                e[QStringLiteral("task")] = t;
                c[QStringLiteral("environment")] = e;
            });
        };
        const std::vector<std::tuple<const char*, QJsonValue, const char*>> cases = {
            {"horizon_s_range", QJsonArray{7200, 300}, "environment.task.horizon_s_range: expected [low, high] with 0 < low <= high, got [7200,300]"},
            {"horizon_s_range", QStringLiteral("all"), "environment.task.horizon_s_range: expected [low, high]"},
            {"size_fraction_range", QJsonArray{0, 0.25}, "environment.task.size_fraction_range: expected [low, high]"},
            {"sides", QJsonArray{QStringLiteral("buy"), QStringLiteral("short")}, "environment.task.sides: expected a list of"},
            {"sides", QJsonArray{}, "environment.task.sides: expected a list of"},
            {"side", 1, "environment.task.side: expected \"buy\", \"sell\" or \"any\", got 1"},
            {"decision_interval_s", -10, "environment.task.decision_interval_s: expected a positive number of seconds, got -10"},
        };
        for (const auto& [key, value, expected] : cases) {
            QVERIFY(withTask(key, value));
            const std::string error = loadError(ppo);
            QVERIFY2(error.find(expected) != std::string::npos, (std::string(key) + ": " + error).c_str());
        }
    }

    void cardsAreCheckedAgainstTheirWeights()
    {
        QTemporaryDir dir;
        const std::string ppo = copyShipped(dir, "ppo-execution.pt");
        QVERIFY(!ppo.empty());
        QCOMPARE(QString::fromStdString(loadError(ppo)), QString()); // a faithful copy loads
        auto expect = [](const std::string& error, const char* part) {
            QVERIFY2(error.find(part) != std::string::npos, ("expected '" + std::string(part) + "' in: " + error).c_str());
        };

        // An algorithm this build does not know, and one that is not an execution policy.
        QVERIFY(editCard(ppo, [](QJsonObject& c) { c[QStringLiteral("algorithm")] = QStringLiteral("a2c"); }));
        expect(loadError(ppo), "algorithm 'a2c' is not one this build knows (ppo, ddqn, signal-mlp, signal-lstm)");
        const std::string signal = copyShipped(dir, "signal-mlp.pt");
        expect(loadError(signal), "is a signal-mlp model; an execution agent needs a ppo or ddqn model");

        // Double DQN weights under a PPO card whose hash was made to fit: the shipped file
        // is known by its hash, a new file by the algorithm it records.
        copyShipped(dir, "ppo-execution.pt");
        QFile::remove(QString::fromStdString(ppo));
        QVERIFY(QFile::copy(QStringLiteral(HM_SOURCE_DIR "/models/ddqn-execution.pt"), QString::fromStdString(ppo)));
        const QString ddqnHash = QString::fromStdString(sha256File(ppo));
        QVERIFY(editCard(ppo, [&](QJsonObject& c) { c[QStringLiteral("sha256")] = ddqnHash; }));
        expect(loadError(ppo), "holds a ddqn model but its card says ppo");
        {
            const std::string fresh = dir.filePath(QStringLiteral("fresh.pt")).toStdString();
            Trainer t(defaultSimConfig(), tinyTask, tinyConfig("ddqn"));
            const ModelCard card = cardOf(t);
            QCOMPARE(QString::fromStdString(saveModel(fresh, t.savedNetwork(), card)), QString());
            QCOMPARE(QString::fromStdString(loadError(fresh)), QString());
            QVERIFY(editCard(fresh, [](QJsonObject& c) { c[QStringLiteral("algorithm")] = QStringLiteral("ppo"); }));
            expect(loadError(fresh), "holds a ddqn model but its card says ppo");
            // Weights without the record that are not a shipped model cannot be vouched for.
            torch::serialize::OutputArchive archive;
            t.savedNetwork().save(archive);
            archive.save_to(fresh);
            const QString hash = QString::fromStdString(sha256File(fresh));
            QVERIFY(editCard(fresh, [&](QJsonObject& c) {
                c[QStringLiteral("algorithm")] = QStringLiteral("ddqn");
                c[QStringLiteral("sha256")] = hash;
            }));
            expect(loadError(fresh), "does not record which algorithm trained it");
        }

        // The card's network must be the file's: sizes, depth, and whole numbers in range.
        const std::string ppo2 = copyShipped(dir, "ppo-execution.pt");
        QVERIFY(editCard(ppo2, [](QJsonObject& c) {
            QJsonObject n = c[QStringLiteral("network")].toObject();
            n[QStringLiteral("hidden")] = 32;
            c[QStringLiteral("network")] = n;
        }));
        expect(loadError(ppo2), "holds an MLP of 19 inputs, 2 hidden layers of 64 and 14 outputs; its card describes an MLP of "
                                "19 inputs, 2 hidden layers of 32 and 14 outputs");
        copyShipped(dir, "ppo-execution.pt");
        QVERIFY(editCard(ppo2, [](QJsonObject& c) {
            QJsonObject n = c[QStringLiteral("network")].toObject();
            n[QStringLiteral("layers")] = 3;
            c[QStringLiteral("network")] = n;
        }));
        expect(loadError(ppo2), "3 hidden layers");
        for (const auto& bad : {std::make_pair("hidden", 1e9), std::make_pair("inputs", 13.5)}) {
            copyShipped(dir, "ppo-execution.pt");
            QVERIFY(editCard(ppo2, [&](QJsonObject& c) {
                QJsonObject n = c[QStringLiteral("network")].toObject();
                n[QString::fromLatin1(bad.first)] = bad.second;
                c[QStringLiteral("network")] = n;
            }));
            expect(loadError(ppo2), (std::string("network.") + bad.first + ": must be a whole number").c_str());
        }

        // model_file must name this very file, and it must exist.
        copyShipped(dir, "ppo-execution.pt");
        QVERIFY(editCard(ppo2, [](QJsonObject& c) { c[QStringLiteral("model_file")] = QStringLiteral("elsewhere.pt"); }));
        expect(loadError(ppo2), "model_file 'elsewhere.pt' does not exist");
        copyShipped(dir, "ddqn-execution.pt");
        QVERIFY(editCard(ppo2, [](QJsonObject& c) { c[QStringLiteral("model_file")] = QStringLiteral("ddqn-execution.pt"); }));
        expect(loadError(ppo2), "describes 'ddqn-execution.pt', not 'ppo-execution.pt'");
        QVERIFY(editCard(ppo2, [](QJsonObject& c) { c.remove(QStringLiteral("model_file")); }));
        expect(loadError(ppo2), "model_file is missing");
        // A card copied beside another file under a new name is another model's card.
        const QString renamed = dir.filePath(QStringLiteral("mine.pt"));
        QVERIFY(QFile::copy(QStringLiteral(HM_SOURCE_DIR "/models/ppo-execution.pt"), renamed));
        QVERIFY(QFile::copy(QStringLiteral(HM_SOURCE_DIR "/models/ppo-execution.pt.json"), renamed + QStringLiteral(".json")));
        expect(loadError(renamed.toStdString()), "describes 'ppo-execution.pt', not 'mine.pt'");
    }

    void everyShippedModelMatchesItsCard()
    {
        for (const char* name : {"ppo-execution.pt", "ddqn-execution.pt"})
            QCOMPARE(QString::fromStdString(loadError(HM_SOURCE_DIR "/models/" + std::string(name))), QString());
        ModelCard card;
        const std::string mlp = HM_SOURCE_DIR "/models/signal-mlp.pt", lstm = HM_SOURCE_DIR "/models/signal-lstm.pt";
        QCOMPARE(QString::fromStdString(loadCard(mlp, card)), QString());
        Mlp net(card.network);
        QCOMPARE(QString::fromStdString(loadModel(mlp, *net, card)), QString());
        QCOMPARE(QString::fromStdString(loadCard(lstm, card)), QString());
        LstmClassifier recurrent(card.network.inputs, card.network.hidden);
        QCOMPARE(QString::fromStdString(loadModel(lstm, *recurrent, card)), QString());
        // The LSTM's weights are not an MLP's, whatever a card says.
        Mlp wrong(card.network);
        const std::string error = loadModel(lstm, *wrong, card);
        QVERIFY2(error.find("holds an LSTM of 11 inputs and 32 hidden units; its card describes an MLP") != std::string::npos,
                 error.c_str());
    }

    void checkpointsResume()
    {
        QTemporaryDir dir;
        const std::string ckpt = dir.filePath(QStringLiteral("c.ckpt")).toStdString();
        Trainer a(defaultSimConfig(), tinyTask, tinyConfig("ppo"));
        a.iterate();
        QCOMPARE(QString::fromStdString(a.saveCheckpoint(ckpt)), QString());
        Trainer b(defaultSimConfig(), tinyTask, tinyConfig("ppo"));
        QCOMPARE(QString::fromStdString(b.loadCheckpoint(ckpt)), QString());
        QCOMPARE(b.steps(), a.steps());
        QCOMPARE(b.normalizer().mean, a.normalizer().mean);
        QVERIFY(b.loadCheckpoint(ckpt + ".missing").find("cannot resume") != std::string::npos);
    }

    void learningAgentsRunLiveAndBadModelsRefuseOnlyThemselves()
    {
        QTemporaryDir dir;
        registerLearningAgents(dir.path().toStdString());
        const std::string path = dir.filePath(QStringLiteral("live.pt")).toStdString();
        Trainer t(defaultSimConfig(), tinyTask, tinyConfig("ppo"));
        t.iterate();
        const ModelCard card = cardOf(t);
        QCOMPARE(QString::fromStdString(saveModel(path, t.savedNetwork(), card)), QString());

        // A configuration names the model; parsing does not load it.
        std::vector<AgentSpec> specs;
        std::string error;
        QVERIFY2(parseAgentSpecs(R"({"agents": [{"id": "rl", "type": "rl_execution", "instrument": "HMX",
            "model": "live.pt", "params": {"side": -1, "quantity": 2000, "duration_s": 60}}]})",
                                 "test", specs, error),
                 error.c_str());
        QVERIFY(!parseAgentSpecs(R"({"agents": [{"id": "rl", "type": "rl_execution", "instrument": "HMX"}]})", "test",
                                 specs, error));
        QVERIFY2(error.find("needs a model file") != std::string::npos, error.c_str());

        // Found by name in the model directory; it proposes orders with a rationale.
        std::unique_ptr<Agent> agent = makeAgent("rl_execution", "HMX", {{"quantity", 2000}, {"duration_s", 60}}, error, "live.pt");
        QVERIFY2(agent, error.c_str());
        MarketView m;
        m.symbol = "HMX";
        m.bids = {{1884, 1000}};
        m.asks = {{1886, 1000}};
        AgentContext ctx;
        ctx.market = &m;
        ctx.now = 1000000000000;
        int proposals = 0;
        for (int k = 0; k < 6; ++k, ctx.now += 10000000000) {
            AgentIntents out;
            agent->onTick(ctx, out);
            proposals += static_cast<int>(out.orders.size());
            for (const auto& p : out.orders)
                QVERIFY(!p.why.summary.empty());
        }
        QCOMPARE(agent->progress().target, Quantity(2000));
        qInfo("an untrained policy proposed %d child orders in six intervals", proposals);

        // The parent-order parameters are checked as for every execution agent.
        QVERIFY(!makeAgent("rl_execution", "HMX", {{"duration_s", 60}, {"interval_s", 100}}, error, "live.pt"));
        QVERIFY2(error.find("'interval_s' is longer than 'duration_s'") != std::string::npos, error.c_str());

        // Given the market's expected volume, the parent's size is held to the card's range.
        {
            const std::string shipped = HM_SOURCE_DIR "/models/ppo-execution.pt";
            QVERIFY2(makeAgent("rl_execution", "HMX", {{"quantity", 2000}, {"duration_s", 600}, {"expected_volume", 20000}}, error, shipped),
                     error.c_str());
            QVERIFY(!makeAgent("rl_execution", "HMX", {{"quantity", 10000}, {"duration_s", 600}, {"expected_volume", 20000}}, error, shipped));
            QVERIFY2(error.find("trained on parents of 1% to 25% of the expected volume, not 50%") != std::string::npos, error.c_str());
            QVERIFY(!makeAgent("rl_execution", "HMX", {{"expected_volume", -1}}, error, shipped));
            QVERIFY2(error.find("expected_volume") != std::string::npos, error.c_str());
            QVERIFY(!makeAgent("torchscript_execution", "HMX", {{"expected_volume", 20000}}, error, shipped));
            QVERIFY2(error.find("expected_volume") != std::string::npos, error.c_str());
        }

        // Missing and corrupted models: a clear error for that agent only.
        QVERIFY(!makeAgent("rl_execution", "HMX", {}, error, "nowhere.pt"));
        QVERIFY2(error.find("is missing") != std::string::npos, error.c_str());
        std::ofstream(path, std::ios::app) << "x";
        QVERIFY(!makeAgent("rl_execution", "HMX", {}, error, path));
        QVERIFY2(error.find("does not match its card") != std::string::npos, error.c_str());
        QVERIFY(!makeAgent("torchscript_execution", "HMX", {}, error, path));
        QVERIFY2(error.find("TorchScript") != std::string::npos, error.c_str());
        QVERIFY(makeAgent("vwap", "HMX", {}, error)); // everything else is unaffected
    }

    void ppoLearnsToBeatARandomPolicy_data()
    {
        QTest::addColumn<int>("actions");
        QTest::newRow("remaining fractions, market features") << static_cast<int>(ActionSet::RemainingFractions);
        QTest::newRow("schedule multiples, with the task") << static_cast<int>(ActionSet::ScheduleMultiples);
    }

    void ppoLearnsToBeatARandomPolicy()
    {
        // A small task (1 minute, six decisions) and a few seconds of training: the
        // learnt policy executes more cheaply than random actions of its set on unseen
        // seeds. With the fractions of the remaining quantity the training episodes'
        // shortfall falls too; random schedule-sized actions already keep to the
        // schedule, so there training starts close to where it ends.
        QFETCH(int, actions);
        const ActionSet set = static_cast<ActionSet>(actions);
        auto task = [](std::uint64_t seed) {
            ExecutionTask t = tinyTask(seed);
            t.horizonS = 60;
            t.quantity = 4000;
            return t;
        };
        TrainConfig c = tinyConfig("ppo");
        c.envs = 8;
        c.rolloutSteps = 24;
        c.minibatch = 64;
        c.learningRate = 1e-3;
        c.threads = 2;
        c.actions = set;
        c.taskFeatures = set == ActionSet::ScheduleMultiples;
        Trainer t(defaultSimConfig(), task, c);
        double first = 0, last = 0;
        const int iterations = 60;
        for (int i = 0; i < iterations; ++i) {
            const IterationStats st = t.iterate();
            if (i < 10)
                first += st.meanShortfall / 10;
            if (i >= iterations - 10)
                last += st.meanShortfall / 10;
        }
        class Random : public ExecutionPolicy {
        public:
            explicit Random(ActionSet set) : m_set(set) {}
            std::string name() const override { return "random"; }
            ExecAction decide(const ExecState& s) override
            {
                return actionFor(m_set, static_cast<int>(m_rng() % static_cast<unsigned>(actionCount(m_set))), s);
            }
            ActionSet m_set;
            std::mt19937_64 m_rng{3};
        } random(set);
        LearnedPolicy learned(t.policyNetwork(), t.normalizer(), "ppo", set);
        const double r = evaluatePolicy(defaultSimConfig(), task, random, 70000000, 200, 1);
        const double l = evaluatePolicy(defaultSimConfig(), task, learned, 70000000, 200, 1);
        qInfo("%s, %llu steps: training shortfall %.2f -> %.2f bps; held-out: learnt %.2f vs random %.2f bps", toString(set),
              static_cast<unsigned long long>(t.steps()), first, last, l, r);
        QVERIFY(l < r);
        if (set == ActionSet::RemainingFractions)
            QVERIFY(last < first);
    }

    void signalModelAndAgent()
    {
        QCOMPARE(rocAuc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
        QCOMPARE(rocAuc({0.5, 0.5}, {0, 1}), 0.5);
        // A day's worth of data, two epochs: the models train and score.
        const SignalData train = simulateSignalData(defaultSimConfig(), 3, 1, 5, 30);
        const SignalData test = simulateSignalData(defaultSimConfig(), 4, 1, 5, 30);
        SignalTraining t;
        t.epochs = 2;
        Mlp mlp{nullptr};
        LstmClassifier lstm{nullptr};
        Normalizer norm;
        SignalScore ms, ls;
        trainSignalModels(train, test, t, mlp, lstm, norm, ms, ls);
        QVERIFY(ms.samples > 1000);
        QVERIFY(ms.auc > 0.5 && ls.auc > 0.5); // better than a coin on an unseen day
        qInfo("one-day signal smoke run: MLP AUC %.3f, LSTM AUC %.3f, naive %.3f", ms.auc, ls.auc, ms.naiveAuc);

        // The shipped signal model drives a signal agent; an execution model cannot.
        QTemporaryDir dir;
        registerLearningAgents(dir.path().toStdString());
        std::string error;
        std::unique_ptr<Agent> agent = makeAgent("signal", "HMX", {{"threshold", 0.55}}, error, HM_SOURCE_DIR "/models/signal-mlp.pt");
        QVERIFY2(agent, error.c_str());
        QVERIFY(agent->description().find("signal MLP") != std::string::npos);
        MarketView m;
        m.symbol = "HMX";
        m.bids = {{1884, 3000}};
        m.asks = {{1886, 200}};
        AgentContext ctx;
        ctx.market = &m;
        ctx.now = 1000000000000;
        AgentIntents out;
        agent->onTick(ctx, out);
        QVERIFY(!out.orders.empty() || !out.note.empty());
        QVERIFY(!makeAgent("signal", "HMX", {}, error, HM_SOURCE_DIR "/models/ppo-execution.pt"));
        QVERIFY2(error.find("needs a signal-mlp model") != std::string::npos, error.c_str());
        QVERIFY(!makeAgent("signal", "HMX", {{"threshold", 0.3}}, error, HM_SOURCE_DIR "/models/signal-mlp.pt"));
    }
};

QTEST_GUILESS_MAIN(TestMl)
#include "tst_ml.moc"
