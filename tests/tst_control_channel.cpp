// The control channel: bad requests get a clear error and change nothing; commands
// reach the engine with the caller's role; the socket is owner-only; hostile input and
// idle clients neither end the program nor hold up anyone's kill.
#include "control_server.h"
#include "credentials.h"
#include "engine/engine.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QtTest>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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

// An engine with one armed agent "a1" on HMX.
struct Rig {
    NullGateway gw;
    std::unique_ptr<Engine> engine;
    explicit Rig(JournalWriter* journal = nullptr)
    {
        EngineConfig ec;
        Instrument i;
        i.symbol = "HMX";
        ec.instruments = {i};
        engine.reset(new Engine(ec, gw, journal));
        engine->start();
        AgentSpec spec;
        spec.id = "a1";
        spec.type = "twap";
        spec.symbol = "HMX";
        engine->addAgent(spec, Actor{});
    }
    ~Rig() { engine->stop(); }
};

// A client connection to the control socket.
class Client {
public:
    explicit Client(const std::string& path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~Client()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool connected() const { return m_fd >= 0; }
    bool send(const std::string& bytes) { return ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size()); }
    void shutdownWrite() { ::shutdown(m_fd, SHUT_WR); }
    // The next reply line, or "" when none came within the time (or the server closed).
    std::string readLine(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (m_buffer.find('\n') == std::string::npos) {
            const qint64 left = timeoutMs - t.elapsed();
            pollfd p{m_fd, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, int(left)) <= 0)
                return {};
            char chunk[4096];
            const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
            if (n <= 0)
                return {};
            m_buffer.append(chunk, std::size_t(n));
        }
        const std::size_t nl = m_buffer.find('\n');
        std::string line = m_buffer.substr(0, nl);
        m_buffer.erase(0, nl + 1);
        return line;
    }
    // Still open, with nothing from the server: neither closed nor answered.
    bool quietAndOpen()
    {
        pollfd p{m_fd, POLLIN, 0};
        return ::poll(&p, 1, 0) == 0;
    }

private:
    int m_fd = -1;
    std::string m_buffer;
};

nlohmann::json parsed(const std::string& reply)
{
    try {
        return nlohmann::json::parse(reply);
    } catch (const std::exception&) {
        return nullptr;
    }
}

// A refusal: valid UTF-8, a JSON object with ok false and a message containing `needle`.
bool refused(const std::string& reply, const std::string& needle)
{
    const nlohmann::json r = parsed(reply);
    return firstInvalidUtf8(reply) == std::string::npos && r.is_object() && r.value("ok", true) == false
        && r.contains("message") && r["message"].is_string() && r["message"].get<std::string>().find(needle) != std::string::npos;
}
bool accepted(const std::string& reply)
{
    const nlohmann::json r = parsed(reply);
    return r.is_object() && r.value("ok", false) == true;
}

std::string ctlOutput(const QString& script, int& exitCode)
{
    QProcess p;
    p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        exitCode = -1;
        return "timed out";
    }
    exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2; // -2: it crashed
    return (p.readAllStandardOutput() + p.readAllStandardError()).toStdString();
}
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

        // A parent order handed to a new execution agent: checked as the agents file is, then started.
        QVERIFY(isError("{\"cmd\":\"work\",\"agent\":\"w1\",\"type\":\"twap\",\"instrument\":\"HMX\"}",
                        "missing \\\"side\\\""));
        QVERIFY(isError("{\"cmd\":\"work\",\"agent\":\"w1\",\"type\":\"twap\",\"instrument\":\"HMX\",\"side\":\"buy\","
                        "\"quantity\":1000,\"duration_s\":\"soon\"}",
                        "must be a number of seconds"));
        QVERIFY(isError("{\"cmd\":\"work\",\"agent\":\"w1\",\"type\":\"teleport\",\"instrument\":\"HMX\",\"side\":\"buy\","
                        "\"quantity\":1000,\"duration_s\":60}",
                        "teleport"));
        const std::string work = server.handleLine("{\"cmd\":\"work\",\"agent\":\"w1\",\"type\":\"twap\",\"instrument\":\"HMX\","
                                                   "\"side\":\"buy\",\"quantity\":1000,\"duration_s\":\"60\"}",
                                                   "test");
        QVERIFY2(accepted(work), work.c_str());
        const std::string listed = server.handleLine("{\"cmd\":\"list\"}", "test");
        QVERIFY2(listed.find("\"id\":\"w1\"") != std::string::npos && listed.find("\"state\":\"running\"") != std::string::npos,
                 listed.c_str());
        QVERIFY(isError("{\"cmd\":\"work\",\"agent\":\"w1\",\"type\":\"twap\",\"instrument\":\"HMX\",\"side\":\"buy\","
                        "\"quantity\":1000,\"duration_s\":60}",
                        "w1")); // the id is taken
        server.stop();
        engine.stop();
    }

    // The portfolio's commands: the figures, a kill by instrument (several, spaces and an
    // unknown name among them) and by cluster, and the reference price of an instrument
    // without market data; malformed ones are refused with what is wrong.
    void portfolioCommands()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        NullGateway gw;
        EngineConfig ec;
        Instrument hmx, abc;
        hmx.symbol = "HMX";
        abc.symbol = "ABC";
        ec.instruments = {hmx, abc};
        Engine engine(ec, gw, nullptr);
        engine.start();
        ControlServer server(engine, data + "/c.sock", data);
        auto answer = [&](const std::string& line) { return server.handleLine(line, "test"); };
        auto refused = [&](const std::string& line, const char* needle) {
            const std::string r = answer(line);
            return r.find("\"ok\":false") != std::string::npos && r.find(needle) != std::string::npos;
        };
        QTRY_VERIFY(engine.latest()->portfolio.symbols.size() == 2); // the first snapshot is out
        const std::string portfolio = answer("{\"cmd\":\"portfolio\"}");
        QVERIFY2(accepted(portfolio) && portfolio.find("\"instrument\":\"ABC\"") != std::string::npos
                     && portfolio.find("\"stress\"") != std::string::npos && portfolio.find("\"correlation\"") != std::string::npos,
                 portfolio.c_str());
        QVERIFY(refused("{\"cmd\":\"kill-instrument\"}", "needs \\\"instrument\\\""));
        QVERIFY(refused("{\"cmd\":\"kill-instrument\",\"instrument\":\" , \"}", "needs \\\"instrument\\\""));
        QVERIFY(refused("{\"cmd\":\"kill-instrument\",\"instrument\":7}", "must be a string"));
        QVERIFY(refused("{\"cmd\":\"set-reference\",\"instrument\":\"ABC\",\"value\":[1]}", "string or a number"));
        QVERIFY(refused("{\"cmd\":\"set-reference\",\"instrument\":\"ABC\",\"value\":\"12x\"}", "must be a price"));
        QVERIFY(refused("{\"cmd\":\"set-reference\",\"instrument\":\"ABC\",\"value\":\"nan\"}", "above 0"));
        QVERIFY(refused("{\"cmd\":\"set-reference\",\"instrument\":\"ABC\",\"value\":\"1e400\"}", "above 0"));
        const std::string reference = answer("{\"cmd\":\"set-reference\",\"instrument\":\"ABC\",\"value\":\"42.1\"}");
        QVERIFY2(accepted(reference) && reference.find("42.1") != std::string::npos, reference.c_str());
        const std::string some = answer("{\"cmd\":\"kill-instrument\",\"instrument\":\" ABC , NOPE \",\"reason\":\"drill\"}");
        QVERIFY2(accepted(some) && some.find("unknown: 'NOPE'") != std::string::npos, some.c_str());
        const std::string cluster = answer("{\"cmd\":\"kill-cluster\",\"instrument\":\"HMX\"}");
        QVERIFY2(accepted(cluster) && cluster.find("correlated cluster above 0.7") != std::string::npos, cluster.c_str());
        const std::string halted = answer("{\"cmd\":\"portfolio\"}");
        QVERIFY2(halted.find("\"halted\"") != std::string::npos, halted.c_str());
        engine.stop();
    }

    // Bytes that are not UTF-8, shapes that are not requests, and wrong types for every
    // field: each gets a refusal that names the problem, and nothing changes.
    void hostileRequestsAreAnswered()
    {
        QTemporaryDir dir;
        Rig rig;
        ControlServer server(*rig.engine, dir.path().toStdString() + "/c.sock", dir.path().toStdString());
        QTRY_VERIFY(rig.engine->latest()->agents.size() == 1);
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"{\"cmd\":\"pause\",\"agent\":\"\xe9\"}", "in the value of \"agent\""},
            {"{\"cmd\":\"pause\",\"agent\":\"a1\",\"reason\":\"caf\xe9\"}", "in the value of \"reason\""},
            {"{\"cmd\":\"pause\",\"\xff\":1}", "in a field name"},
            {"{\"cmd\":\"pause\",\"agent\":\"\xc0\x80\"}", "not valid UTF-8"},     // overlong NUL
            {"{\"cmd\":\"pause\",\"agent\":\"\xed\xa0\x80\"}", "not valid UTF-8"}, // a UTF-16 surrogate
            {"{\"cmd\":\"pause\",\"agent\":\"\xe2\x82", "not valid UTF-8"},          // cut short
            {"\xfe\xff", "not valid UTF-8"},
            {"{\"cmd\":\"pause\",\"agent\":\"\\ud800\"}", "malformed JSON"},
            {std::string(60000, '['), "nested deeper than 16"},
            {"{\"cmd\":\"list\",\"value\":" + std::string(40, '[') + std::string(40, ']') + "}", "nested deeper"},
            {"{\"cmd\":\"list\"," + std::string(70000, ' ') + "}", "longer than the limit"},
            {"\"list\"", "expected an object"},
            {"42", "expected an object"},
            {"null", "expected an object"},
            {"[]", "expected an object"},
            {"{}", "expected an object with a \"cmd\""},
            {"{\"cmd\":5}", "\"cmd\" must be a string"},
            {"{\"cmd\":\"pause\",\"agent\":5}", "\"agent\" must be a string"},
            {"{\"cmd\":\"pause\",\"agent\":\"a1\",\"reason\":[]}", "\"reason\" must be a string"},
            {"{\"cmd\":\"rearm\",\"agent\":\"a1\",\"passphrase\":{}}", "\"passphrase\" must be a string"},
            {"{\"cmd\":\"set-limit\",\"name\":1,\"value\":\"5\"}", "\"name\" must be a string"},
            {"{\"cmd\":\"set-limit\",\"name\":\"max_position\",\"value\":[1]}", "\"value\" must be a string or a number"},
            {"{\"cmd\":\"approve\",\"ticket\":\"1\"}", "\"ticket\" must be a whole number"},
            {"{\"cmd\":\"approve\",\"ticket\":-1}", "ticket number"},
            {"{\"cmd\":\"approve\",\"ticket\":0}", "ticket number"},
            {"{\"cmd\":\"approve\",\"ticket\":1.5}", "\"ticket\" must be a whole number, not a fraction"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":\"50\"}", "\"level\" must be a whole number"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":50.5}", "\"level\" must be a whole number"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":4294967346}", "from 0 to 100, got 4294967346"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":-1}", "from 0 to 100"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":101}", "from 0 to 100"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":18446744073709551616}", "\"level\" must be a whole number"},
            {"{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":1e400}", "malformed JSON"},
            {"{\"cmd\":\"pause\",\"agent\":\"a1\",\"reasn\":\"typo\"}", "unknown field \"reasn\""},
            {"{\"cmd\":\"pause\",\"agent\":\"" + std::string(200, 'x') + "\"}", "\"agent\" is longer than 128"},
        };
        for (const auto& c : cases) {
            const std::string r = server.handleLine(c.first, "test");
            QVERIFY2(refused(r, c.second), (c.second + " <- " + r.substr(0, 300)).c_str());
        }
        const auto snap = rig.engine->latest();
        QCOMPARE(snap->agents.front().state, AgentState::Armed);
        QCOMPARE(snap->agents.front().throttle.level, 100);
        // A string the engine echoes back with a NUL in it is still one valid line.
        QVERIFY(refused(server.handleLine("{\"cmd\":\"pause\",\"agent\":\"a\\u0000b\"}", "test"), "no agent"));
    }

    // Out of range is refused with the field's name and its range, on the channel and in
    // the parser the limits editor shares; the range is also in the field's description.
    void levelsAndLimitsAreRangeChecked()
    {
        for (const auto& f : limitFields()) {
            const std::string name = f.name;
            if (name == "self_trade_prevention") { // a policy, not a number: its choices are its range
                QVERIFY2(std::string(f.description).find("cancel_resting") != std::string::npos, f.description);
                continue;
            }
            QVERIFY2(std::string(f.description).find(" to ") != std::string::npos, f.description);
            if (name == "restricted")
                continue;
            RiskLimits l;
            char max[32], over[32];
            std::snprintf(max, sizeof max, "%.15g", f.max);
            std::snprintf(over, sizeof over, "%.15g", f.max * 10);
            QVERIFY2(setLimit(l, name, max).empty(), f.name);
            const std::string tooBig = setLimit(l, name, over);
            QVERIFY2(tooBig.find(name) == 0 && tooBig.find("out of range") != std::string::npos, tooBig.c_str());
            for (const char* bad : {"1e308", "1e999", "inf", "nan", "0x10", "-1", ""})
                QVERIFY2(setLimit(l, name, bad).find(name) == 0, (name + " " + bad).c_str());
        }
        RiskLimits l;
        QVERIFY(setLimit(l, "max_position", "1e308").find("from 1 to 1e12") != std::string::npos);
        QVERIFY(setLimit(l, "collar_percent", "100").empty());
        QVERIFY(setLimit(l, "duplicate_window_ms", "0").empty());
        QVERIFY(setLimit(l, "restricted", std::string(40, 'A')).find("longer than 32") != std::string::npos);

        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        QVERIFY(setRiskPassphrase(data, "correct horse battery").empty());
        Rig rig;
        ControlServer server(*rig.engine, data + "/c.sock", data);
        QTRY_VERIFY(rig.engine->latest()->agents.size() == 1);
        const std::string rm = ",\"passphrase\":\"correct horse battery\",\"reason\":\"test\"}";
        for (const char* v : {"1e308", "\"1e308\"", "\"inf\"", "-5", "1.5"}) {
            const std::string r = server.handleLine(std::string("{\"cmd\":\"set-limit\",\"name\":\"max_position\",\"value\":") + v + rm, "t");
            QVERIFY2(refused(r, "max_position"), r.c_str());
        }
        QVERIFY(accepted(server.handleLine("{\"cmd\":\"set-limit\",\"name\":\"max_position\",\"value\":1e12" + rm, "t")));
        QCOMPARE(rig.engine->latest()->risk.limits.maxPosition, 1e12);
        QVERIFY(accepted(server.handleLine("{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":40}", "t")));
        QVERIFY(refused(server.handleLine("{\"cmd\":\"throttle-level\",\"agent\":\"a1\",\"level\":4294967346}", "t"), "0 to 100"));
        QTRY_COMPARE(rig.engine->latest()->agents.front().throttle.level, 40);
        // One instrument's own limit: set, listed under its name, and refused for a name
        // the session does not trade or a field that is desk-wide only.
        const std::string symbol = rig.engine->latest()->books.front().instrument.symbol;
        QVERIFY(accepted(server.handleLine("{\"cmd\":\"set-limit\",\"name\":\"max_position@" + symbol + "\",\"value\":250" + rm, "t")));
        QVERIFY(refused(server.handleLine("{\"cmd\":\"set-limit\",\"name\":\"max_position@NOPE\",\"value\":250" + rm, "t"), "NOPE"));
        QVERIFY(refused(server.handleLine("{\"cmd\":\"set-limit\",\"name\":\"max_open_orders@" + symbol + "\",\"value\":2" + rm, "t"),
                        "cannot be set per instrument"));
        const nlohmann::json limits = parsed(server.handleLine("{\"cmd\":\"limits\"}", "t"));
        QCOMPARE(limits["data"]["max_position"]["max"].get<double>(), 1e12);
        QTRY_COMPARE(parsed(server.handleLine("{\"cmd\":\"limits\"}", "t"))["data"]["max_position@" + symbol]["value"].get<std::string>(),
                     std::string("250"));
    }

    // After a few wrong passphrases every attempt is refused unchecked, for a time that
    // doubles with each wrong one; the right passphrase is refused too until then.
    void passphraseGuessesBackOff()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        QVERIFY(setRiskPassphrase(data, "correct horse battery").empty());
        auto now = std::chrono::steady_clock::now();
        PassphraseGuard guard(data, [&now] { return now; });
        using R = PassphraseGuard::Result;
        QCOMPARE(guard.check("wrong one").result, R::Wrong);
        QCOMPARE(guard.check("wrong two").result, R::Wrong);
        PassphraseGuard::Outcome third = guard.check("wrong three");
        QCOMPARE(third.result, R::Wrong);
        QCOMPARE(third.retryInSeconds, 1.0);
        PassphraseGuard::Outcome blocked = guard.check("correct horse battery");
        QCOMPARE(blocked.result, R::BackingOff);
        QVERIFY2(blocked.message.find("try again in 1 s") != std::string::npos, blocked.message.c_str());
        QVERIFY(blocked.firstRefusalOfBackoff);
        QVERIFY(!guard.check("anything").firstRefusalOfBackoff);
        now += std::chrono::milliseconds(1100);
        PassphraseGuard::Outcome fourth = guard.check("wrong four");
        QCOMPARE(fourth.retryInSeconds, 2.0);
        QCOMPARE(fourth.refusedUnchecked, 2);
        now += std::chrono::milliseconds(1500);
        QCOMPARE(guard.check("correct horse battery").result, R::BackingOff);
        now += std::chrono::milliseconds(600);
        QCOMPARE(guard.check("correct horse battery").result, R::Accepted);
        QCOMPARE(guard.check("wrong again").failuresInRow, 1); // a success starts the count again
        QCOMPARE(PassphraseGuard(dir.filePath(QStringLiteral("none")).toStdString()).check("x").result, R::NotSet);
    }

    // Through the channel: refusals say when to retry, each is audited in the journal's
    // hash-chained audit table, and a kill is never refused or delayed by the check.
    void passphraseRefusalsAreAuditedAndNeverBlockTheKill()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        QVERIFY(setRiskPassphrase(data, "correct horse battery").empty());
        JournalOptions jo;
        jo.path = data + "/j.db";
        JournalWriter journal(jo);
        journal.start();
        {
            Rig rig(&journal);
            ControlServer server(*rig.engine, data + "/c.sock", data, &journal);
            QTRY_VERIFY(rig.engine->latest()->agents.size() == 1);
            const std::string wrong = "{\"cmd\":\"rearm\",\"agent\":\"a1\",\"passphrase\":\"guess\"}";
            QVERIFY(refused(server.handleLine(wrong, "p1"), "1 in a row"));
            QVERIFY(refused(server.handleLine(wrong, "p2"), "2 in a row"));
            QVERIFY(refused(server.handleLine(wrong, "p3"), "next attempt is checked in 1 s"));
            for (const char* peer : {"p4", "p5", "p6"})
                QVERIFY(refused(server.handleLine(wrong, peer), "try again in"));
            const std::string kill = server.handleLine("{\"cmd\":\"kill-all\",\"reason\":\"drill\",\"passphrase\":\"guess\"}", "p7");
            QVERIFY2(accepted(kill), kill.c_str());
            QVERIFY(server.handleLine("{\"cmd\":\"status\"}", "p7").find("\"killed\":true") != std::string::npos);
        }
        journal.flush();
        journal.stop();
        JournalReader reader(jo.path);
        int refusals = 0;
        for (const auto& r : reader.records(RecordKind::Audit)) {
            AuditEntry e;
            QVERIFY(parseAudit(r, e));
            if (e.action == "risk-manager-sign-in") {
                ++refusals;
                QCOMPARE(e.stateAfter, std::string("refused"));
                QVERIFY2(e.who.find(" (ctl)") != std::string::npos, e.who.c_str());
            }
        }
        QCOMPARE(refusals, 4); // three wrong ones, and the first refused unchecked
        QVERIFY(reader.verifyAudit().ok);
    }

    // Idle clients, one with half a request, do not hold up a kill from another client.
    void idleClientsDoNotDelayTheKill()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        const std::string path = data + "/c.sock";
        Rig rig;
        ControlServer server(*rig.engine, path, data);
        server.start();
        QTRY_VERIFY(rig.engine->latest()->agents.size() == 1);
        std::vector<std::unique_ptr<Client>> idle;
        for (int i = 0; i < 8; ++i) {
            idle.emplace_back(new Client(path));
            QVERIFY(idle.back()->connected());
        }
        Client half(path);
        QVERIFY(half.send("{\"cmd\":\"sta"));
        QTest::qWait(300); // all of them accepted and waiting
        Client killer(path);
        QVERIFY(killer.send("{\"cmd\":\"kill-all\",\"reason\":\"drill\"}\n"));
        // Served one at a time, the kill would wait for the idle ones' 30 s to run out.
        const std::string reply = killer.readLine(15000);
        QVERIFY2(accepted(reply), reply.c_str());
        QVERIFY(rig.engine->latest()->risk.killed);
        for (auto& c : idle)
            QVERIFY(c->quietAndOpen()); // still held open: the kill did not wait for them
        QVERIFY(half.quietAndOpen());
        QVERIFY(half.send("tus\"}\n"));
        QVERIFY(half.readLine(5000).find("\"killed\":true") != std::string::npos);
        server.stop();
    }

    // Idle connections are closed with a reason; over the cap, the least recently active
    // one makes room; a request without a newline is answered when the client stops
    // sending; clients that hang up before their reply do not take the program down.
    void connectionsAreBoundedAndClosedWithAReason()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        const std::string path = data + "/c.sock";
        Rig rig;
        ControlServerOptions o;
        o.maxConnections = 3;
        o.idleSeconds = 1;
        ControlServer server(*rig.engine, path, data, nullptr, o);
        server.start();
        Client idle(path);
        QVERIFY(refused(idle.readLine(10000), "no complete request line for 1 s"));
        QCOMPARE(idle.readLine(2000), std::string()); // and closed

        o.idleSeconds = 30;
        server.stop();
        ControlServer roomy(*rig.engine, path, data, nullptr, o);
        roomy.start();
        Client first(path), second(path), third(path);
        QTest::qWait(200);
        QVERIFY(second.send("{\"cmd\":\"status\"}\n") && accepted(second.readLine(5000)));
        QVERIFY(third.send("{\"cmd\":\"status\"}\n") && accepted(third.readLine(5000)));
        Client fourth(path);
        QVERIFY(fourth.send("{\"cmd\":\"status\"}\n"));
        QVERIFY(accepted(fourth.readLine(5000)));
        QVERIFY(refused(first.readLine(5000), "make room for another client"));
        QVERIFY(second.quietAndOpen());

        Client unterminated(path);
        QVERIFY(unterminated.send("{\"cmd\":\"status\"}"));
        unterminated.shutdownWrite();
        QVERIFY(accepted(unterminated.readLine(5000)));
        Client longLine(path);
        QVERIFY(longLine.send(std::string(70000, ' ')));
        QVERIFY(refused(longLine.readLine(5000), "without a newline"));
        Client bad(path);
        QVERIFY(bad.send("{\"cmd\":\"pause\",\"agent\":\"\xe9\"}\n"));
        QVERIFY(refused(bad.readLine(5000), "not valid UTF-8"));
        for (int i = 0; i < 20; ++i) {
            Client rude(path);
            rude.send("{\"cmd\":\"status\"}\n{\"cmd\":\"list\"}\n");
        }
        Client after(path);
        QVERIFY(after.send("{\"cmd\":\"status\"}\n"));
        const std::string afterReply = after.readLine(5000);
        QVERIFY2(accepted(afterReply), afterReply.c_str());
        roomy.stop();
    }

    // helmsman-ctl refuses text that is not UTF-8 and out-of-range numbers itself, with a
    // message and exit status 2, instead of aborting.
    void ctlRefusesBadArguments()
    {
        const QString ctl = QStringLiteral(HM_CTL_BIN);
        int code = 0;
        std::string out = ctlOutput(QStringLiteral("'%1' --socket /nonexistent.sock pause twap-buy --reason \"$(printf 'caf\\351')\"").arg(ctl), code);
        QVERIFY2(code == 2 && out.find("--reason is not valid UTF-8") != std::string::npos, out.c_str());
        out = ctlOutput(QStringLiteral("'%1' --socket /nonexistent.sock pause \"$(printf '\\351')\"").arg(ctl), code);
        QVERIFY2(code == 2 && out.find("argument 2 is not valid UTF-8") != std::string::npos, out.c_str());
        out = ctlOutput(QStringLiteral("HELMSMAN_RISK_PASSPHRASE=\"$(printf 'pass\\377word')\" '%1' --socket /nonexistent.sock rearm a1").arg(ctl), code);
        QVERIFY2(code == 2 && out.find("passphrase is not valid UTF-8") != std::string::npos, out.c_str());
        out = ctlOutput(QStringLiteral("'%1' --socket /nonexistent.sock throttle-level a1 4294967346").arg(ctl), code);
        QVERIFY2(code == 2 && out.find("from 0 to 100") != std::string::npos, out.c_str());

        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        Rig rig;
        ControlServer server(*rig.engine, data + "/c.sock", data);
        server.start();
        out = ctlOutput(QStringLiteral("'%1' --socket '%2/c.sock' --raw \"$(printf '{\"cmd\":\"pause\",\"agent\":\"\\351\"}')\"")
                            .arg(ctl, dir.path()), code);
        QVERIFY2(code == 1 && out.find("not valid UTF-8") != std::string::npos, out.c_str());
        out = ctlOutput(QStringLiteral("'%1' --socket '%2/c.sock' status").arg(ctl, dir.path()), code);
        QVERIFY2(code == 0 && out.find("\"killed\": false") != std::string::npos, out.c_str());
        server.stop();
    }
};

QTEST_GUILESS_MAIN(TestControlChannel)
#include "tst_control_channel.moc"
