// The control channel: bad requests get a clear error and change nothing; commands
// reach the engine with the caller's role; the socket is owner-only.
#include "control_server.h"
#include "credentials.h"
#include "engine/engine.h"

#include <QtTest>

#include <sys/stat.h>

using namespace hm;

namespace {
class NullGateway : public OrderGateway {
public:
    void setListener(GatewayListener*) override {}
    void start() override {}
    void stop() override {}
    bool send(const OrderRequest&, std::string& e) override { e = "offline"; return false; }
    bool cancel(const CancelRequest&, std::string& e) override { e = "offline"; return false; }
    bool replace(const ReplaceRequest&, std::string& e) override { e = "offline"; return false; }
    std::vector<SessionStatus> status() const override { return {}; }
};
} // namespace

class TestControlChannel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requests()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        NullGateway gw;
        EngineConfig ec;
        Instrument i;
        i.symbol = "HMX";
        ec.instruments = {i};
        Engine engine(ec, gw, nullptr);
        engine.start();
        AgentSpec spec;
        spec.id = "a1";
        spec.type = "twap";
        spec.symbol = "HMX";
        engine.addAgent(spec, Actor{});
        ControlServer server(engine, data + "/c.sock", data);
        server.start();
        struct stat st{};
        QCOMPARE(::stat((data + "/c.sock").c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));

        auto isError = [&](const std::string& line, const char* needle) {
            const std::string r = server.handleLine(line, "test");
            return r.find("\"ok\":false") != std::string::npos && r.find(needle) != std::string::npos;
        };
        QVERIFY(isError("{\"cmd\": ", "malformed JSON"));
        QVERIFY(isError("[1,2]", "expected an object"));
        QVERIFY(isError("{\"cmd\":\"explode\"}", "unknown command 'explode'"));
        QVERIFY(isError("{\"cmd\":\"pause\"}", "needs \\\"agent\\\""));
        QVERIFY(isError("{\"cmd\":\"pause\",\"agent\":\"nobody\"}", "no agent 'nobody'"));
        QVERIFY(isError("{\"cmd\":\"set-limit\",\"name\":\"max_position\",\"value\":\"5\",\"reason\":\"r\"}", "risk manager"));
        QVERIFY(isError("{\"cmd\":\"set-limit\",\"passphrase\":\"guess-guess\",\"name\":\"max_position\",\"value\":\"5\"}",
                        "no risk-manager passphrase"));
        QVERIFY(setRiskPassphrase(data, "short").find("8 characters") != std::string::npos);
        QVERIFY(setRiskPassphrase(data, "correct horse battery").empty());
        QVERIFY(isError("{\"cmd\":\"rearm-all\",\"passphrase\":\"wrong wrong\"}", "wrong risk-manager passphrase"));
        // Nothing changed by any of that.
        QTRY_VERIFY(engine.latest()->agents.size() == 1);
        QCOMPARE(engine.latest()->agents.front().state, AgentState::Armed);
        QCOMPARE(engine.latest()->risk.limits.maxPosition, RiskLimits().maxPosition);

        QVERIFY(server.handleLine("{\"cmd\":\"start\",\"agent\":\"a1\"}", "test").find("\"ok\":true") != std::string::npos);
        QVERIFY(server.handleLine("{\"cmd\":\"kill\",\"agent\":\"a1\",\"reason\":\"test\"}", "test").find("\"ok\":true") != std::string::npos);
        // An answered command is already in the snapshot: no waiting, no stale read.
        QVERIFY(server.handleLine("{\"cmd\":\"list\"}", "test").find("\"state\":\"killed\"") != std::string::npos);
        QVERIFY(isError("{\"cmd\":\"rearm\",\"agent\":\"a1\"}", "only the risk manager"));
        const std::string rm = "\"passphrase\":\"correct horse battery\"";
        QVERIFY(server.handleLine("{\"cmd\":\"rearm\",\"agent\":\"a1\"," + rm + "}", "test").find("\"ok\":true") != std::string::npos);
        QVERIFY(server.handleLine("{\"cmd\":\"set-limit\",\"name\":\"max_position\",\"value\":5000,\"reason\":\"r\"," + rm + "}", "test")
                    .find("\"ok\":true") != std::string::npos);
        QCOMPARE(engine.latest()->risk.limits.maxPosition, 5000.0);
        QVERIFY(server.handleLine("{\"cmd\":\"kill-all\",\"reason\":\"drill\"}", "test").find("\"ok\":true") != std::string::npos);
        const std::string status = server.handleLine("{\"cmd\":\"status\"}", "test");
        QVERIFY2(status.find("\"killed\":true") != std::string::npos, status.c_str());
        QVERIFY(server.handleLine("{\"cmd\":\"rearm-all\",\"reason\":\"drill over\"," + rm + "}", "test").find("\"ok\":true") != std::string::npos);
        QVERIFY(server.handleLine("{\"cmd\":\"status\"}", "test").find("\"killed\":false") != std::string::npos);
        const std::string list = server.handleLine("{\"cmd\":\"list\"}", "test");
        QVERIFY2(list.find("\"state\":\"armed\"") != std::string::npos, list.c_str());
        server.stop();
        engine.stop();
    }
};

QTEST_GUILESS_MAIN(TestControlChannel)
#include "tst_control_channel.moc"
