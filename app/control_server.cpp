#include "control_server.h"
#include "model/thread_name.h"

#include "credentials.h"
#include "engine/engine.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <stdexcept>

#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace hm {
namespace {
using json = nlohmann::json;

json reply(bool ok, const std::string& message, json data = nullptr)
{
    json r{{"ok", ok}, {"message", message}};
    if (!data.is_null())
        r["data"] = std::move(data);
    return r;
}

std::string userName()
{
    const passwd* pw = ::getpwuid(::getuid());
    return pw ? pw->pw_name : "uid" + std::to_string(::getuid());
}
} // namespace

ControlServer::ControlServer(Engine& engine, std::string socketPath, std::string dataDirectory)
    : m_engine(engine), m_path(std::move(socketPath)), m_dataDirectory(std::move(dataDirectory))
{
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::start()
{
    sockaddr_un addr{};
    if (m_path.size() >= sizeof(addr.sun_path))
        throw std::runtime_error("control socket path '" + m_path + "' is too long");
    m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listen < 0)
        throw std::runtime_error("control socket: cannot create");
    addr.sun_family = AF_UNIX;
    std::copy(m_path.begin(), m_path.end(), addr.sun_path);
    ::unlink(m_path.c_str()); // a stale socket from a previous run
    const mode_t old = ::umask(0077); // owner-only from the start, no window for others
    const int rc = ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (rc != 0 || ::listen(m_listen, 8) != 0) {
        ::close(m_listen);
        m_listen = -1;
        throw std::runtime_error("control socket '" + m_path + "': cannot listen");
    }
    ::chmod(m_path.c_str(), 0600);
    m_running = true;
    m_thread = std::thread([this] {
        nameThisThread("hm-control");
        run();
    });
}

void ControlServer::stop()
{
    if (!m_running.exchange(false))
        return;
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_listen);
    ::unlink(m_path.c_str());
}

void ControlServer::run()
{
    while (m_running) {
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            serve(fd);
            ::close(fd);
        }
    }
}

void ControlServer::serve(int fd)
{
    ucred cred{};
    socklen_t len = sizeof cred;
    std::string peer = userName();
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        if (cred.uid != ::getuid()) // the file mode already says so; belt and braces
            return;
        peer += "@pid" + std::to_string(cred.pid);
    }
    std::string buffer;
    char chunk[4096];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (m_running && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0)
            return;
        buffer.append(chunk, static_cast<std::size_t>(n));
        if (buffer.size() > (1 << 20))
            return;
        std::size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
            const std::string line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            if (line.empty())
                continue;
            const std::string out = handleLine(line, peer) + "\n";
            if (::write(fd, out.data(), out.size()) < 0)
                return;
        }
    }
}

std::string ControlServer::handleLine(const std::string& line, const std::string& peer)
{
    json req;
    try {
        req = json::parse(line);
    } catch (const json::parse_error& e) {
        return reply(false, std::string("malformed JSON: ") + e.what()).dump();
    }
    if (!req.is_object() || !req.contains("cmd") || !req["cmd"].is_string())
        return reply(false, "expected an object with a \"cmd\" string").dump();
    const std::string cmd = req["cmd"];
    auto str = [&](const char* k) { return req.contains(k) && req[k].is_string() ? req[k].get<std::string>() : std::string(); };
    Actor actor{peer + " (ctl)", Role::Trader};
    const std::string pass = str("passphrase");
    if (!pass.empty()) {
        std::string error;
        if (!verifyRiskPassphrase(m_dataDirectory, pass, error))
            return reply(false, error).dump();
        actor.role = Role::RiskManager;
    }
    // Engine commands answer on the engine thread; wait for that answer.
    auto call = [&](auto issue) {
        auto promise = std::make_shared<std::promise<std::pair<bool, std::string>>>();
        auto future = promise->get_future();
        issue([promise](bool ok, const std::string& m) { promise->set_value({ok, m}); });
        if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
            return reply(false, "the engine did not answer within 5 s").dump();
        const auto r = future.get();
        return reply(r.first, r.second).dump();
    };
    const SnapshotPtr snap = m_engine.latest();
    if (cmd == "list") {
        json agents = json::array();
        for (const auto& a : snap->agents)
            agents.push_back({{"id", a.id}, {"type", a.type}, {"instrument", a.symbol}, {"state", toString(a.state)},
                              {"reason", a.stateReason}, {"position", a.position}, {"working", a.working},
                              {"cancels_pending", a.cancelsPending}, {"awaiting_approval", a.awaitingApproval},
                              {"progress", a.progress.target > 0 ? json{{"done", a.progress.done}, {"target", a.progress.target}} : json()},
                              {"throttle_level", a.throttle.level}, {"last_decision", a.lastDecision}});
        return reply(true, std::to_string(agents.size()) + " agent(s)", agents).dump();
    }
    if (cmd == "status") {
        int working = 0;
        for (const auto& o : snap->orders)
            working += !isTerminal(o.status);
        return reply(true, "ok",
                     {{"killed", snap->risk.killed}, {"halted", snap->risk.halted}, {"halt_reason", snap->risk.haltReason},
                      {"pnl", snap->risk.pnl}, {"denials", snap->risk.denials}, {"working_orders", working},
                      {"orders_sent", snap->counters.ordersSent}, {"approvals_waiting", snap->approvals.size()}})
            .dump();
    }
    if (cmd == "limits") {
        json limits = json::object();
        for (const auto& f : limitFields()) {
            std::string v;
            limitValue(snap->risk.limits, f.name, v);
            limits[f.name] = {{"value", v}, {"unit", f.unit}, {"description", f.description}};
        }
        for (const auto& u : snap->risk.usage)
            if (limits.contains(u.name))
                limits[u.name]["used"] = u.used;
        return reply(true, "limits", limits).dump();
    }
    if (cmd == "kill-all")
        return call([&](Reply r) { m_engine.killAll(actor, str("reason"), r); });
    if (cmd == "rearm-all")
        return call([&](Reply r) { m_engine.rearmAll(actor, str("reason"), r); });
    if (cmd == "set-limit") {
        if (!req.contains("name") || !req.contains("value"))
            return reply(false, "set-limit needs \"name\" and \"value\"").dump();
        const std::string value = req["value"].is_string() ? req["value"].get<std::string>() : req["value"].dump();
        return call([&](Reply r) { m_engine.changeLimits({{str("name"), value}}, actor, str("reason"), r); });
    }
    if (cmd == "approve" || cmd == "reject") {
        const std::uint64_t ticket = req.contains("ticket") && req["ticket"].is_number_unsigned() ? req["ticket"].get<std::uint64_t>() : 0;
        if (ticket == 0 && str("agent").empty())
            return reply(false, cmd + " needs \"ticket\" (a number) or \"agent\" (all of its tickets)").dump();
        return call([&](Reply r) { m_engine.decide(ticket, str("agent"), cmd == "approve", actor, r); });
    }
    if (cmd == "throttle-level") {
        if (!req.contains("level") || !req["level"].is_number_integer())
            return reply(false, "throttle-level needs \"agent\" and an integer \"level\" 0..100").dump();
        const int level = req["level"].get<int>();
        return call([&](Reply r) { m_engine.setThrottleLevel(str("agent"), level, actor, r); });
    }
    AgentAction action;
    if (parseAgentAction(cmd, action)) {
        if (str("agent").empty())
            return reply(false, cmd + " needs \"agent\" (an id, or \"*\" for all)").dump();
        return call([&](Reply r) { m_engine.controlAgent(str("agent"), action, actor, str("reason"), r); });
    }
    return reply(false, "unknown command '" + cmd
                            + "' (known: list, status, limits, start, pause, resume, throttle, reduce-only, halt, kill, "
                              "kill-all, rearm, rearm-all, approve, reject, throttle-level, set-limit)")
        .dump();
}

} // namespace hm
