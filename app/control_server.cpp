#include "control_server.h"

#include "model/text.h"
#include "model/thread_name.h"

#include "agents/parent_order.h"
#include "engine/engine_commands.h"
#include "journal/journal_codec.h"
#include "journal/journal_writer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
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
using SteadyClock = std::chrono::steady_clock;

json reply(bool ok, const std::string& message, json data = nullptr)
{
    json r{{"ok", ok}, {"message", message}};
    if (!data.is_null())
        r["data"] = std::move(data);
    return r;
}

// A reply never fails on its text: anything not UTF-8 that got this far is shown as U+FFFD.
std::string toLine(const json& j)
{
    try {
        return j.dump(-1, ' ', false, json::error_handler_t::replace);
    } catch (const std::exception&) {
        return R"({"ok":false,"message":"the reply could not be encoded"})";
    }
}

std::string refusal(const std::string& message) { return toLine(reply(false, message)); }

std::string userName()
{
    const passwd* pw = ::getpwuid(::getuid());
    return pw ? pw->pw_name : "uid" + std::to_string(::getuid());
}

std::string seconds(double s) { return std::to_string(static_cast<long long>(std::ceil(s))) + " s"; }

// MSG_NOSIGNAL: a client that hung up must not raise SIGPIPE in the whole program.
bool sendAll(int fd, const std::string& data, int timeoutMs)
{
    std::size_t sent = 0;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeoutMs);
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
            if (left <= 0)
                return false; // a client that does not read its replies
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
            continue;
        }
        return false;
    }
    return true;
}

std::string shortText(const std::string& s) { return s.size() <= 40 ? s : s.substr(0, 40) + "..."; }

// What is wrong with a request before JSON parsing, if anything: bytes that are not
// UTF-8 (named by offset and field, since the parser's own message would echo them) or
// nesting deeper than `maxDepth`.
std::string precheck(const std::string& line, int maxDepth)
{
    const std::size_t bad = firstInvalidUtf8(line);
    const std::size_t end = bad == std::string::npos ? line.size() : bad;
    std::vector<char> containers;
    bool inString = false, escaped = false, stringIsKey = false;
    char lastSignificant = 0;
    std::string current, lastString, key;
    for (std::size_t i = 0; i < end; ++i) {
        const char ch = line[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"') {
                inString = false;
                lastString = current;
                lastSignificant = '"';
            } else if (current.size() < 64)
                current += ch;
            continue;
        }
        switch (ch) {
        case '"':
            inString = true;
            current.clear();
            stringIsKey = !containers.empty() && containers.back() == '{' && (lastSignificant == '{' || lastSignificant == ',');
            break;
        case '{':
        case '[':
            containers.push_back(ch);
            if (static_cast<int>(containers.size()) > maxDepth)
                return "the request is nested deeper than " + std::to_string(maxDepth) + " levels (at byte "
                    + std::to_string(i) + ")";
            break;
        case '}':
        case ']':
            if (!containers.empty())
                containers.pop_back();
            break;
        case ':':
            key = lastString;
            break;
        default:
            break;
        }
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' && ch != '"')
            lastSignificant = ch;
    }
    if (bad == std::string::npos)
        return {};
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(line[bad]));
    std::string where = "outside any string";
    if (inString)
        where = stringIsKey ? "in a field name" : key.empty() ? "in a string" : "in the value of \"" + shortText(key) + "\"";
    return "the request is not valid UTF-8: byte " + std::string(hex) + " at offset " + std::to_string(bad) + ", " + where
        + " (text must be UTF-8)";
}

enum class FieldType { String, Integer, StringOrNumber };
struct FieldRule {
    FieldType type;
    std::size_t maxLength; // strings
};
const std::map<std::string, FieldRule>& fieldRules()
{
    static const std::map<std::string, FieldRule> rules = {
        {"cmd", {FieldType::String, 32}},          {"agent", {FieldType::String, 128}},
        {"reason", {FieldType::String, 1000}},     {"passphrase", {FieldType::String, 1024}},
        {"name", {FieldType::String, 64}},         {"value", {FieldType::StringOrNumber, 40000}},
        {"ticket", {FieldType::Integer, 0}},       {"level", {FieldType::Integer, 0}},
        // work: a parent order for a new execution agent
        {"type", {FieldType::String, 64}},         {"instrument", {FieldType::String, 4096}},
        {"side", {FieldType::StringOrNumber, 8}},  {"quantity", {FieldType::Integer, 0}},
        {"duration_s", {FieldType::StringOrNumber, 32}}, {"interval_s", {FieldType::StringOrNumber, 32}},
        {"model", {FieldType::String, 4096}},
    };
    return rules;
}

std::string checkFields(const json& req)
{
    for (auto it = req.begin(); it != req.end(); ++it) {
        const auto rule = fieldRules().find(it.key());
        if (rule == fieldRules().end()) {
            std::string known;
            for (const auto& r : fieldRules())
                known += (known.empty() ? "" : ", ") + r.first;
            return "unknown field \"" + shortText(it.key()) + "\" (known: " + known + ")";
        }
        const json& v = it.value();
        const FieldRule& r = rule->second;
        const std::string name = "\"" + it.key() + "\"";
        switch (r.type) {
        case FieldType::String:
            if (!v.is_string())
                return name + " must be a string, not " + v.type_name();
            break;
        case FieldType::Integer:
            if (!v.is_number_integer())
                return name + " must be a whole number, not " + (v.is_number_float() ? "a fraction" : v.type_name());
            break;
        case FieldType::StringOrNumber:
            if (!v.is_string() && !v.is_number())
                return name + " must be a string or a number, not " + v.type_name();
            break;
        }
        if (v.is_string() && v.get_ref<const std::string&>().size() > r.maxLength)
            return name + " is longer than " + std::to_string(r.maxLength) + " bytes";
    }
    if (!req.contains("cmd"))
        return "expected an object with a \"cmd\" string";
    return {};
}

json figuresJson(const PortfolioFigures& f)
{
    return {{"var", f.var}, {"es", f.es}, {"gross", f.gross}, {"net", f.net}, {"largest_share", f.largestShare}};
}

// What the portfolio risk panel shows, for scripts.
json portfolioJson(const PortfolioView& p)
{
    json names = json::array();
    for (std::size_t i = 0; i < p.symbols.size(); ++i) {
        json row = {{"instrument", p.symbols[i]}};
        if (i < p.exposure.size())
            row["exposure"] = p.exposure[i];
        if (i < p.esContribution.size())
            row["es_contribution"] = p.esContribution[i];
        if (i < p.volBps.size())
            row["vol_bps"] = p.volBps[i];
        const auto halted = p.haltedInstruments.find(p.symbols[i]);
        if (halted != p.haltedInstruments.end())
            row["halted"] = halted->second;
        names.push_back(row);
    }
    json stress = json::array();
    for (const auto& s : p.stress)
        stress.push_back({{"scenario", s.name}, {"description", s.description}, {"pnl", s.result.pnl},
                          {"es", s.result.es}, {"es_now", s.esNow}});
    return {{"horizon_s", p.horizonS},     {"samples", p.samples},
            {"parametric", figuresJson(p.parametric)}, {"historical", figuresJson(p.historical)},
            {"instruments", names},        {"correlation", p.correlation},
            {"cluster_correlation", p.clusterThreshold}, {"clusters", p.clusters},
            {"stress", stress}};
}

const char* const kCommands[] = {"list",       "status",   "limits", "start",          "pause",    "resume",
                                 "throttle",   "reduce-only", "halt", "kill",          "kill-all", "rearm",
                                 "rearm-all",  "approve",  "reject", "throttle-level", "set-limit", "work",
                                 "kill-instrument", "kill-cluster", "portfolio", "set-reference"};
} // namespace

struct ControlServer::Connection {
    int fd = -1;
    std::string peer;
    std::thread thread;
    std::atomic<bool> done{false};
    std::atomic<bool> evict{false};
    std::atomic<bool> busy{false};
    std::atomic<SteadyClock::rep> lastActive{0};
};

ControlServer::ControlServer(EngineCommands& engine, std::string socketPath, std::string dataDirectory, JournalWriter* journal,
                             ControlServerOptions options)
    : m_engine(engine), m_path(std::move(socketPath)), m_dataDirectory(std::move(dataDirectory)), m_journal(journal),
      m_options(options), m_guard(m_dataDirectory)
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
    if (rc != 0 || ::listen(m_listen, 64) != 0) {
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
        for (auto it = m_connections.begin(); it != m_connections.end();) {
            if ((*it)->done) {
                (*it)->thread.join();
                it = m_connections.erase(it);
            } else {
                ++it;
            }
        }
        if (static_cast<int>(m_connections.size()) >= 2 * m_options.maxConnections) {
            // The ones told to make room are finishing; newcomers wait in the backlog
            // for a moment rather than being turned away (one of them may be a kill).
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0)
            admit(fd);
    }
    for (auto& c : m_connections)
        c->thread.join(); // each sees m_running false within its poll interval
    m_connections.clear();
}

void ControlServer::admit(int fd)
{
    ucred cred{};
    socklen_t len = sizeof cred;
    std::string peer = userName();
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        if (cred.uid != ::getuid()) { // the file mode already says so; belt and braces
            sendAll(fd, refusal("refused: the control socket serves its owner only") + "\n", 1000);
            ::close(fd);
            return;
        }
        peer += "@pid" + std::to_string(cred.pid);
    }
    const auto live = static_cast<int>(std::count_if(m_connections.begin(), m_connections.end(),
                                                     [](const auto& c) { return !c->done && !c->evict; }));
    if (live >= m_options.maxConnections) {
        // Room for the newcomer, which may be a kill: the least recently active one goes,
        // preferring one that is not in the middle of a request.
        Connection* victim = nullptr;
        for (auto& c : m_connections) {
            if (c->done || c->evict)
                continue;
            if (!victim || (victim->busy.load() && !c->busy.load())
                || (victim->busy.load() == c->busy.load() && c->lastActive.load() < victim->lastActive.load()))
                victim = c.get();
        }
        if (victim)
            victim->evict = true;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->peer = peer;
    c->lastActive = SteadyClock::now().time_since_epoch().count();
    Connection* raw = c.get();
    try {
        c->thread = std::thread([this, raw] {
            nameThisThread("hm-control-c");
            try {
                serve(*raw);
            } catch (const std::exception& e) { // serve() and handleLine() do not throw; belt and braces
                spdlog::error("control channel: connection of {} ended: {}", raw->peer, e.what());
            }
            ::close(raw->fd);
            raw->done = true;
        });
    } catch (const std::system_error& e) {
        spdlog::error("control channel: cannot serve a connection: {}", e.what());
        sendAll(fd, refusal("the control channel cannot take another connection now") + "\n", 1000);
        ::close(fd);
        return;
    }
    m_connections.push_back(std::move(c));
}

void ControlServer::serve(Connection& c)
{
    const auto idle = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(m_options.idleSeconds));
    auto lastRequest = SteadyClock::now();
    auto say = [&](const std::string& message) { sendAll(c.fd, refusal(message) + "\n", 1000); };
    auto answer = [&](std::string line) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            return true;
        c.busy = true;
        const std::string out = handleLine(line, c.peer) + "\n";
        c.busy = false;
        lastRequest = SteadyClock::now();
        c.lastActive = lastRequest.time_since_epoch().count();
        return sendAll(c.fd, out, 5000);
    };
    std::string buffer;
    char chunk[4096];
    while (true) {
        if (!m_running)
            return say("the workstation is shutting down");
        if (c.evict)
            return say("closed to make room for another client (at most " + std::to_string(m_options.maxConnections)
                       + " connections; this one was the least recently active)");
        if (SteadyClock::now() - lastRequest > idle)
            return say("closed: no complete request line for " + seconds(m_options.idleSeconds));
        pollfd p{c.fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR)
            return;
        if (ready <= 0)
            continue;
        const ssize_t n = ::read(c.fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return;
        }
        if (n == 0) { // the client is done sending; a last request may lack its newline
            if (!buffer.empty())
                answer(buffer);
            return;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t nl;
        while (!c.evict && m_running && (nl = buffer.find('\n')) != std::string::npos) {
            std::string line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            if (!answer(std::move(line)))
                return;
        }
        if (buffer.size() > m_options.maxLineBytes)
            return say("a request line longer than " + std::to_string(m_options.maxLineBytes)
                       + " bytes without a newline; closing");
    }
}

std::string ControlServer::handleLine(const std::string& line, const std::string& peer)
{
    try {
        return handle(line, peer);
    } catch (const std::exception& e) {
        spdlog::error("control channel: request from {} failed: {}", peer, e.what());
        return refusal(std::string("the request could not be handled: ") + e.what());
    } catch (...) {
        return refusal("the request could not be handled");
    }
}

void ControlServer::auditRefusal(const std::string& peer, const PassphraseGuard::Outcome& o)
{
    std::string detail;
    if (o.result == PassphraseGuard::Result::Wrong) {
        detail = "wrong passphrase, " + std::to_string(o.failuresInRow) + " in a row";
        if (o.retryInSeconds > 0)
            detail += "; attempts refused unchecked for " + seconds(o.retryInSeconds);
        if (o.refusedUnchecked > 0)
            detail += "; " + std::to_string(o.refusedUnchecked) + " attempt(s) refused unchecked before this one";
    } else {
        detail = "refused unchecked: backing off after " + std::to_string(o.failuresInRow)
            + " wrong passphrases in a row; the next is checked in " + seconds(o.retryInSeconds);
    }
    spdlog::warn("control channel: risk-manager passphrase refused for {}: {}", peer, detail);
    if (m_journal)
        m_journal->append(encode(
            AuditEntry{peer + " (ctl)", toString(Role::Trader), "risk-manager-sign-in", "", "", "", "refused", detail},
            wallNs()));
}

std::string ControlServer::handle(const std::string& line, const std::string& peer)
{
    if (line.size() > m_options.maxLineBytes)
        return refusal("a request line of " + std::to_string(line.size()) + " bytes is longer than the limit of "
                       + std::to_string(m_options.maxLineBytes));
    const std::string problem = precheck(line, m_options.maxDepth);
    if (!problem.empty())
        return refusal(problem);
    json req;
    try {
        req = json::parse(line);
    } catch (const json::exception& e) {
        return refusal(std::string("malformed JSON: ") + e.what());
    }
    if (!req.is_object())
        return refusal(std::string("expected an object with a \"cmd\" string, got ") + req.type_name());
    const std::string fieldProblem = checkFields(req);
    if (!fieldProblem.empty())
        return refusal(fieldProblem);
    const std::string cmd = req["cmd"];
    if (std::none_of(std::begin(kCommands), std::end(kCommands), [&](const char* k) { return cmd == k; })) {
        std::string known;
        for (const char* k : kCommands)
            known += (known.empty() ? "" : ", ") + std::string(k);
        return refusal("unknown command '" + shortText(cmd) + "' (known: " + known + ")");
    }
    auto str = [&](const char* k) { return req.contains(k) ? req[k].get<std::string>() : std::string(); };
    Actor actor{peer + " (ctl)", Role::Trader};
    const std::string pass = str("passphrase");
    // Reading needs no role, and the kill must never wait on (or be refused by) the
    // credential check: both act in the trader role whatever passphrase comes along.
    const bool needsNoRole = cmd == "list" || cmd == "status" || cmd == "limits" || cmd == "portfolio" || cmd == "kill-all"
                             || cmd == "kill-instrument" || cmd == "kill-cluster";
    if (!pass.empty() && !needsNoRole) {
        const PassphraseGuard::Outcome o = m_guard.check(pass);
        switch (o.result) {
        case PassphraseGuard::Result::Accepted:
            actor.role = Role::RiskManager;
            break;
        case PassphraseGuard::Result::Wrong:
            auditRefusal(peer, o);
            return refusal(o.message);
        case PassphraseGuard::Result::BackingOff:
            if (o.firstRefusalOfBackoff) // the rest are counted into the next wrong one's row
                auditRefusal(peer, o);
            return refusal(o.message);
        case PassphraseGuard::Result::NotSet:
        case PassphraseGuard::Result::Busy:
            return refusal(o.message);
        }
    }
    // Engine commands answer on the engine thread; wait for that answer.
    auto call = [&](auto issue) {
        auto promise = std::make_shared<std::promise<std::pair<bool, std::string>>>();
        auto future = promise->get_future();
        issue([promise](bool ok, const std::string& m) { promise->set_value({ok, m}); });
        if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
            return refusal("the engine did not answer within 5 s");
        const auto r = future.get();
        return toLine(reply(r.first, r.second));
    };
    const SnapshotPtr snap = m_engine.latest();
    if (cmd == "list") {
        json agents = json::array();
        for (const auto& a : snap->agents)
            agents.push_back({{"id", a.id}, {"type", a.type}, {"instrument", a.symbol}, {"state", toString(a.state)},
                              {"reason", a.stateReason}, {"retired", a.retired}, {"position", a.position}, {"working", a.working},
                              {"cancels_pending", a.cancelsPending}, {"awaiting_approval", a.awaitingApproval},
                              {"progress", a.progress.target > 0 ? json{{"done", a.progress.done}, {"target", a.progress.target}} : json()},
                              {"throttle_level", a.throttle.level}, {"last_decision", a.lastDecision}});
        return toLine(reply(true, std::to_string(agents.size()) + " agent(s)", agents));
    }
    if (cmd == "status") {
        int working = 0;
        for (const auto& o : snap->orders)
            working += !isTerminal(o.status);
        return toLine(reply(true, "ok",
                            {{"killed", snap->risk.killed}, {"halted", snap->risk.halted}, {"halt_reason", snap->risk.haltReason},
                             {"pnl", snap->risk.pnl}, {"denials", snap->risk.denials}, {"working_orders", working},
                             {"orders_sent", snap->counters.ordersSent}, {"approvals_waiting", snap->approvals.size()}}));
    }
    if (cmd == "limits") {
        json limits = json::object();
        for (const auto& f : limitFields()) {
            std::string v;
            limitValue(snap->risk.limits, f.name, v);
            limits[f.name] = {{"value", v}, {"unit", f.unit}, {"description", f.description}};
            if (f.max > 0)
                limits[f.name].update({{"min", f.min}, {"min_exclusive", f.minExclusive}, {"max", f.max}, {"whole", f.whole}});
        }
        for (const auto& u : snap->risk.usage)
            if (limits.contains(u.name))
                limits[u.name]["used"] = u.used;
        // Each instrument's own limits, under the names set-limit takes ("field@SYMBOL").
        for (const auto& l : instrumentLimitValues(snap->risk.limits)) {
            const std::string field = l.first.substr(0, l.first.find('@'));
            limits[l.first] = {{"value", l.second}, {"unit", limits[field]["unit"]},
                               {"description", "this instrument's own " + field + "; 'default' removes it"}};
        }
        return toLine(reply(true, "limits", limits));
    }
    if (cmd == "kill-all")
        return call([&](Reply r) { m_engine.killAll(actor, str("reason"), r); });
    if (cmd == "kill-instrument" || cmd == "kill-cluster") {
        // "instrument": one symbol or several, comma-separated; a cluster at the live
        // cluster_correlation setting.
        std::vector<std::string> symbols;
        for (std::string s : split(str("instrument"), ',', true)) {
            s.erase(0, s.find_first_not_of(" \t"));
            s.erase(s.find_last_not_of(" \t") + 1);
            if (!s.empty())
                symbols.push_back(s);
        }
        if (symbols.empty())
            return refusal(cmd + " needs \"instrument\" (a symbol, or symbols separated by commas)");
        const double threshold = cmd == "kill-cluster" ? -1.0 : 0.0;
        return call([&](Reply r) { m_engine.killInstruments(symbols, threshold, actor, str("reason"), r); });
    }
    if (cmd == "set-reference") {
        if (str("instrument").empty() || !req.contains("value"))
            return refusal("set-reference needs \"instrument\" and \"value\" (the price)");
        const json& v = req["value"];
        double price = 0;
        if (v.is_number()) {
            price = v.get<double>();
        } else {
            const std::string t = v.get<std::string>();
            char* end = nullptr;
            price = std::strtod(t.c_str(), &end);
            if (t.empty() || end != t.c_str() + t.size())
                return refusal("set-reference: \"value\" must be a price, got " + v.dump());
        }
        return call([&](Reply r) { m_engine.setReferencePrice(str("instrument"), price, actor, str("reason"), r); });
    }
    if (cmd == "portfolio") {
        json data = portfolioJson(snap->portfolio);
        // Where the P&L came from, per agent and instrument (P&L = alpha - shortfall - fees).
        json rows = json::array();
        for (const auto& a : snap->attribution)
            rows.push_back({{"agent", a.agent}, {"instrument", a.symbol}, {"parent", a.parent}, {"bought", a.bought},
                            {"sold", a.sold}, {"notional", a.notional}, {"alpha", a.alpha}, {"shortfall", a.shortfall},
                            {"shortfall_bps", a.shortfallBps()}, {"fees", a.fees}, {"pnl", a.pnl()}});
        data["attribution"] = rows;
        return toLine(reply(true, "portfolio", data));
    }
    if (cmd == "rearm-all")
        return call([&](Reply r) { m_engine.rearmAll(actor, str("reason"), r); });
    if (cmd == "set-limit") {
        if (!req.contains("name") || !req.contains("value"))
            return refusal("set-limit needs \"name\" and \"value\"");
        const json& v = req["value"];
        const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
        return call([&](Reply r) { m_engine.changeLimits({{str("name"), value}}, actor, str("reason"), r); });
    }
    if (cmd == "approve" || cmd == "reject") {
        std::uint64_t ticket = 0;
        if (req.contains("ticket")) {
            const json& t = req["ticket"];
            if (!t.is_number_unsigned() || t.get<std::uint64_t>() == 0)
                return refusal(cmd + ": \"ticket\" must be a ticket number (a whole number from 1), got " + t.dump());
            ticket = t.get<std::uint64_t>();
        }
        if (ticket == 0 && str("agent").empty())
            return refusal(cmd + " needs \"ticket\" (a number) or \"agent\" (all of its tickets)");
        return call([&](Reply r) { m_engine.decide(ticket, str("agent"), cmd == "approve", actor, r); });
    }
    if (cmd == "throttle-level") {
        if (str("agent").empty() || !req.contains("level"))
            return refusal("throttle-level needs \"agent\" and an integer \"level\" 0..100");
        const json& l = req["level"];
        // Range-checked in 64 bits before narrowing: get<int>() would wrap 4294967346 to 50.
        const bool inRange = l.is_number_unsigned() ? l.get<std::uint64_t>() <= 100
                                                    : l.get<std::int64_t>() >= 0 && l.get<std::int64_t>() <= 100;
        if (!inRange)
            return refusal("throttle-level: \"level\" must be a whole number from 0 to 100, got " + l.dump());
        const int level = static_cast<int>(l.get<std::int64_t>());
        return call([&](Reply r) { m_engine.setThrottleLevel(str("agent"), level, actor, r); });
    }
    if (cmd == "work") {
        // A parent order handed to a new execution agent, checked as the agents file is
        // (and as a learned agent's card demands), then started.
        for (const char* k : {"agent", "type", "instrument", "side", "quantity", "duration_s"})
            if (!req.contains(k))
                return refusal("work needs \"agent\" (a new agent id), \"type\", \"instrument\", \"side\", "
                               "\"quantity\" and \"duration_s\" (missing \"" + std::string(k) + "\")");
        // Seconds may come as text (helmsman-ctl passes its arguments on): read whole, or refused.
        auto seconds = [&](const char* k, json& out) {
            const json& v = req[k];
            if (v.is_number()) {
                out = v;
                return true;
            }
            const std::string t = v.get<std::string>();
            char* end = nullptr;
            const double d = std::strtod(t.c_str(), &end);
            if (t.empty() || end != t.c_str() + t.size())
                return false;
            out = d;
            return true;
        };
        ParentOrder parent;
        json duration, interval = 0;
        for (const char* k : {"duration_s", "interval_s"})
            if (req.contains(k) && !seconds(k, k[0] == 'd' ? duration : interval))
                return refusal(std::string("work: \"") + k + "\" must be a number of seconds, got " + req[k].dump());
        const json& side = req["side"];
        if (side == "buy" || side == 1)
            parent.side = Side::Buy;
        else if (side == "sell" || side == -1)
            parent.side = Side::Sell;
        else
            return refusal("work: \"side\" must be buy or sell, got " + side.dump());
        parent.agentId = str("agent");
        parent.agentType = str("type");
        parent.symbol = str("instrument");
        parent.quantity = req["quantity"].get<Quantity>();
        parent.durationS = duration.get<double>();
        parent.intervalS = interval.get<double>();
        parent.model = str("model");
        AgentSpec spec;
        std::string error;
        if (!agentForParentOrder(parent, m_engine.sessionRegimes(), spec, error))
            return refusal("work: " + error);
        EngineCommands& engine = m_engine;
        const std::string id = spec.id;
        return call([&](Reply r) {
            engine.addAgent(spec, actor, [&engine, id, actor, r](bool ok, const std::string& added) {
                if (!ok)
                    return r(false, added);
                engine.controlAgent(id, AgentAction::Start, actor, "working a parent order from helmsman-ctl",
                                    [r, added](bool started, const std::string& m) { r(started, added + "; " + m); });
            });
        });
    }
    AgentAction action;
    if (!parseAgentAction(cmd, action))
        return refusal("unknown command '" + shortText(cmd) + "'");
    if (str("agent").empty())
        return refusal(cmd + " needs \"agent\" (an id, or \"*\" for all)");
    return call([&](Reply r) { m_engine.controlAgent(str("agent"), action, actor, str("reason"), r); });
}

} // namespace hm
