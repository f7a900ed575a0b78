#include "runtime.h"
#include "order_id_prefix.h"
#include "session_recovery.h"
#include "learning_agents.h"
#include "logging.h"

#include "control_server.h"

#include "fix/fix_gateway.h"
#include "journal/journal_codec.h"
#include "fix/fix_venue.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"
#include "sim/sim_config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <future>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <random>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#ifndef HM_SOURCE_RESOURCE_DIR
#define HM_SOURCE_RESOURCE_DIR ""
#endif
#ifndef HM_INSTALLED_RESOURCE_DIR
#define HM_INSTALLED_RESOURCE_DIR "/usr/share/helmsman"
#endif

namespace hm {

// The engine's answers to the configured agents, which arrive on its thread.
struct AgentAnswers {
    std::mutex mutex;
    std::condition_variable answered;
    std::size_t pending = 0;
    std::vector<std::string> refused;
};

bool makeDirectories(const std::string& path)
{
    if (path.empty())
        return false;
    std::string partial;
    for (std::size_t i = 0; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            partial = path.substr(0, i);
            if (!partial.empty() && ::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
                return false;
        }
    }
    return ::access(path.c_str(), W_OK) == 0;
}

std::string defaultResourceDirectory()
{
    if (const char* env = std::getenv("HELMSMAN_RESOURCES"); env && *env)
        return env;
    // An installed or unpacked copy finds its own resources beside its executable.
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        std::string dir(exe, static_cast<std::size_t>(n));
        dir = dir.substr(0, dir.rfind('/'));
        const std::string installed = dir + "/../share/helmsman";
        if (dir.size() >= 4 && dir.compare(dir.size() - 4, 4, "/bin") == 0
            && ::access((installed + "/fix/FIX44.xml").c_str(), R_OK) == 0)
            return installed;
    }
    const std::string source = HM_SOURCE_RESOURCE_DIR;
    if (!source.empty() && ::access((source + "/fix/FIX44.xml").c_str(), R_OK) == 0)
        return source;
    return HM_INSTALLED_RESOURCE_DIR;
}

namespace {

std::string timestampName()
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
    return buf;
}

std::string randomPassword(std::uint64_t salt)
{
    std::random_device rd;
    std::mt19937_64 g(rd() ^ salt);
    static const char kChars[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string out;
    for (int i = 0; i < 20; ++i)
        out += kChars[g() % (sizeof(kChars) - 1)];
    return out;
}

} // namespace

namespace {

// A journal holds one session. A second one appended to it replays on top of the first's
// state (every state hash after the join differs) and its seal would cover both: refuse,
// rather than write somewhere else, because whoever named the file will read that file.
void refuseJournalWithSession(const std::string& path)
{
    if (::access(path.c_str(), F_OK) != 0)
        return;
    std::int64_t sessions = 0, last = 0;
    try {
        JournalReader existing(path);
        sessions = existing.count(RecordKind::SessionStart);
        last = existing.maxSeq();
    } catch (const std::exception&) {
        return; // not a journal, or damaged: the writer refuses it with its own message
    }
    if (sessions > 0)
        throw std::runtime_error("journal '" + path + "' already holds a session (records 1.." + std::to_string(last)
                                 + "); a journal is one session and was left untouched. Name a new file with --journal, "
                                   "or leave --journal out for a new one in the data directory; read this one with "
                                   "helmsman-report or helmsman --replay");
}

} // namespace

Runtime::Runtime(RuntimeOptions options) : m_options(std::move(options))
{
    if (m_options.instruments.empty())
        m_options.instruments.push_back(defaultInstrument());
    if (m_options.dataDirectory.empty())
        m_options.dataDirectory = defaultDataDirectory();
    if (m_options.resourceDirectory.empty())
        m_options.resourceDirectory = defaultResourceDirectory();
    if (!makeDirectories(m_options.dataDirectory))
        throw std::runtime_error("data directory '" + m_options.dataDirectory + "' cannot be created or written");
    const std::string dictionary = m_options.resourceDirectory + "/fix/FIX44.xml";
    if (::access(dictionary.c_str(), R_OK) != 0)
        throw std::runtime_error("FIX data dictionary '" + dictionary
                                 + "' not found (set HELMSMAN_RESOURCES to the resources folder)");
    if (m_options.journalEnabled) {
        if (m_options.journalPath.empty()) {
            const std::string dir = m_options.dataDirectory + "/journal";
            makeDirectories(dir);
            m_options.journalPath = dir + "/session-" + timestampName() + "-" + std::to_string(::getpid()) + ".db";
        }
        refuseJournalWithSession(m_options.journalPath);
        JournalOptions jo;
        jo.path = m_options.journalPath;
        m_journal.reset(new JournalWriter(jo));
    }
    std::string settings = m_options.sessionSettings;
    if (settings.empty()) {
        VenueConfig vc;
        vc.port = m_options.venuePort;
        vc.seed = m_options.seed;
        vc.instruments = m_options.instruments;
        vc.dataDictionary = dictionary;
        vc.storeDirectory = m_options.dataDirectory + "/venue";
        vc.flowOrdersPerSecond = m_options.venueFlowPerSecond;
        vc.simConfigPath = m_options.simConfig;
        vc.regime = m_options.venueRegime;
        vc.password = randomPassword(m_options.seed);
        if (vc.port == 0)
            vc.port = findFreeLoopbackPort();
        std::vector<std::string> symbols;
        for (const auto& i : m_options.instruments)
            symbols.push_back(i.symbol);
        settings = writeEmbeddedSessionSettings(m_options.dataDirectory + "/fix", vc.port, dictionary, vc.password,
                                                symbols);
        m_venue.reset(new FixVenue(vc));
    }
    GatewayConfig gc;
    gc.settingsFile = settings;
    gc.instruments = m_options.instruments;
    m_gateway.reset(new FixGateway(gc));
    registerLearningAgents(defaultModelDirectory());
    // The regime detector, when its model is there; without it the engine takes the
    // simulator's word for the regime (embedded venue) or knows none.
    const std::string regimeModel = m_options.regimeModel.empty() ? defaultModelDirectory() + "/regime-hmm.json"
                                                                  : m_options.regimeModel;
    // The regimes the engine can be told: the embedded simulator's and the detector's.
    RegimeNames regimes;
    GaussianHmm hmm;
    bool detector = false;
    if (m_options.regimeModel != "none") {
        const std::string error = loadHmm(regimeModel, hmm);
        if (error.empty()) {
            detector = true;
            regimes.names = hmm.names;
            regimes.source = "the regime detector '" + regimeModel + "'";
        } else if (!m_options.regimeModel.empty()) {
            throw std::runtime_error(error); // asked for by name: say so
        } else {
            spdlog::warn("regime detector off: {}", error);
        }
    }
    SimConfig sim = defaultSimConfig();
    // A simulator file that does not load is the venue's to report.
    if (embedded() && (m_options.simConfig.empty() || loadSimConfig(m_options.simConfig, sim).empty())) {
        for (const auto& r : sim.regimes)
            if (std::find(regimes.names.begin(), regimes.names.end(), r.name) == regimes.names.end())
                regimes.names.push_back(r.name);
        const std::string simulator = m_options.simConfig.empty() ? std::string("the built-in simulator configuration")
                                                                   : "the simulator configuration '" + m_options.simConfig + "'";
        regimes.source = regimes.source.empty() ? simulator : simulator + " and " + regimes.source;
    }
    if (regimes.names.empty())
        regimes = defaultRegimeNames();
    EngineConfig ec;
    ec.instruments = m_options.instruments;
    ec.limits = m_options.limits;
    ec.regimeWarmupS = m_options.regimeWarmupS;
    ec.feeBps = m_options.feeBps;
    ec.regimes = regimes; // the window checks the agent files it adds against them too
    {
        OrderIdPrefix ids;
        std::string error;
        if (!reserveOrderIdPrefix(m_options.dataDirectory, wallNs() / 1000000000, ids, error))
            throw std::runtime_error("order ids: " + error);
        ec.clOrdIdPrefix = ids.prefix;
        m_clOrdIdPrefix = ids.prefix;
    }
    m_engine.reset(new Engine(ec, *m_gateway, m_journal.get()));
    if (detector)
        m_engine->setRegimeModel(hmm);
    if (!m_options.agentsFile.empty()) {
        std::string error;
        if (!loadAgentSpecs(m_options.agentsFile, m_agentSpecs, error, regimes))
            throw std::runtime_error("agents: " + error);
        for (const auto& a : m_agentSpecs) {
            bool known = a.symbol == "*"; // a portfolio agent: every instrument
            for (const auto& i : m_options.instruments)
                known = known || i.symbol == a.symbol;
            if (!known)
                throw std::runtime_error("agents: " + m_options.agentsFile + ": agent " + a.id + " trades '" + a.symbol
                                         + "', which is not a configured instrument");
        }
    }
}

Runtime::~Runtime() { stop(); }

Instrument Runtime::primaryInstrument() const
{
    for (const auto& a : m_agentSpecs)
        for (const auto& i : m_options.instruments)
            if (i.symbol == a.symbol)
                return i;
    return m_options.instruments.front();
}

void Runtime::start()
{
    if (m_started)
        return;
    if (m_journal) {
        m_journal->start();
        const Timestamp now = wallNs();
        m_journal->append(encode(SessionStartRecord{m_gateway->sessionId(), std::string("helmsman ") + HM_VERSION}, now));
        auto config = [&](const std::string& k, const std::string& v) { m_journal->append(encode(ConfigRecord{k, v, ""}, now)); };
        config("venue", embedded() ? "embedded" : m_options.sessionSettings);
        config("seed", std::to_string(m_options.seed));
        config("resources", m_options.resourceDirectory);
        config("clordid-prefix", m_clOrdIdPrefix);
        m_previousJournal = lastSessionJournal(m_options.dataDirectory);
        if (m_previousJournal == m_options.journalPath)
            m_previousJournal.clear();
        if (!m_previousJournal.empty())
            config("previous-journal", m_previousJournal);
        for (const auto& i : m_options.instruments)
            m_journal->append(encode(InstrumentConfigRecord{i}, now));
    }
    m_engine->start();
    if (m_venue) {
        // The embedded simulator knows the true regime; until a detector runs, the
        // engine (oversight, the window) is told that one.
        Engine* engine = m_engine.get();
        m_venue->setRegimeListener([engine](const std::string& symbol, const std::string& regime) {
            engine->setRegime(symbol, regime, "simulator");
        });
        m_venue->start();
        for (const auto& i : m_options.instruments)
            m_engine->setRegime(i.symbol, m_venue->regime(i.symbol), "simulator");
    }
    carryOverLastSession();
    m_gateway->start();
    const Actor configActor{"config", Role::Trader};
    m_answers = std::make_shared<AgentAnswers>();
    m_answers->pending = m_agentSpecs.size();
    for (const auto& a : m_agentSpecs) {
        // A refused agent (typically its model) is an alert in the window's feed; it is
        // also logged (on stderr too unless the caller says it there itself) and kept
        // for the headless mode's exit code.
        std::shared_ptr<AgentAnswers> answers = m_answers;
        const std::string id = a.id;
        const bool onConsole = m_options.refusedAgentsOnConsole;
        m_engine->addAgent(a, configActor, [answers, id, onConsole](bool ok, const std::string& message) {
            if (!ok && onConsole)
                spdlog::error("agent {} not armed: {}", id, message);
            else if (!ok)
                logErrorOffConsole("agent " + id + " not armed: " + message);
            std::lock_guard<std::mutex> lock(answers->mutex);
            if (!ok)
                answers->refused.push_back(id + ": " + message);
            --answers->pending;
            answers->answered.notify_all();
        });
    }
    if (m_options.startAgents) {
        // Once the counterparty has said what became of the last session's orders.
        Engine* engine = m_engine.get();
        std::vector<std::string> ids;
        for (const auto& a : m_agentSpecs)
            ids.push_back(a.id);
        m_engine->whenReconciled([engine, ids, configActor] {
            for (const auto& id : ids)
                engine->controlAgent(id, AgentAction::Start, configActor, "started from the command line");
        });
    }
    if (!m_options.controlSocket.empty()) {
        m_control.reset(new ControlServer(*m_engine, m_options.controlSocket, m_options.dataDirectory, m_journal.get()));
        m_control->start();
    }
    m_started = true;
}

void Runtime::stop()
{
    if (!m_started)
        return;
    m_started = false;
    if (m_control)
        m_control->stop();
    m_gateway->stop();
    m_engine->stop();
    if (m_venue)
        m_venue->stop();
    if (m_journal)
        m_journal->stop();
}

void Runtime::carryOverLastSession()
{
    if (!m_journal)
        return; // nothing is journaled, so nothing can be carried on from
    CarryIn carry;
    if (!m_previousJournal.empty()) {
        try {
            PreviousSession previous = readPreviousSession(m_previousJournal);
            std::vector<std::string> skipped;
            const std::size_t unjournaled = addUnjournaledOrders(previous, m_gateway->storedOrderMessages(skipped));
            for (const auto& s : skipped)
                spdlog::warn("reconcile: FIX store: {}", s);
            carry = std::move(previous.carry);
            spdlog::info("reconcile: carried over from {}: {} position(s), {} order(s) working or in flight ({} only "
                         "in the FIX store)",
                         m_previousJournal, carry.positions.size(), carry.orders.size(), unjournaled);
        } catch (const std::exception& e) {
            // Its positions are unknown: the session starts flat and says so loudly.
            spdlog::error("reconcile: the last session's journal cannot be carried over ({}); starting flat", e.what());
            m_journal->append(encode(AlertRecord{"reconcile", "engine",
                                                 std::string("the last session's journal cannot be carried over: ")
                                                     + e.what() + "; starting flat"},
                                     wallNs()));
        }
    }
    // The next session carries on from this one only once this carry-in is on disk.
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> applied = done->get_future();
    carry.reply = [done](bool, const std::string&) { done->set_value(); };
    m_engine->carryIn(std::move(carry));
    if (applied.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        throw std::runtime_error("the engine did not take the last session's positions and orders within 10 s");
    m_journal->flush();
    std::string error;
    if (!recordLastSession(m_options.dataDirectory, m_options.journalPath, error))
        spdlog::error("reconcile: {}; the next session will not carry on from this one", error);
}

bool Runtime::waitForLogon(int timeoutMs) const { return m_gateway->waitForLogon(timeoutMs); }

bool Runtime::waitForReconciliation(int timeoutMs)
{
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> reconciled = done->get_future();
    m_engine->whenReconciled([done] { done->set_value(); });
    return reconciled.wait_for(std::chrono::milliseconds(timeoutMs)) == std::future_status::ready;
}

std::string Runtime::controlSocketPath() const { return m_control ? m_options.controlSocket : std::string(); }

std::vector<std::string> Runtime::refusedAgents(int timeoutMs) const
{
    if (!m_answers)
        return {};
    std::unique_lock<std::mutex> lock(m_answers->mutex);
    m_answers->answered.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return m_answers->pending == 0; });
    return m_answers->refused;
}

std::string Runtime::journalPath() const { return m_journal ? m_journal->path() : std::string(); }

} // namespace hm
