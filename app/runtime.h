#pragma once
// Composition of one trading session: journal, embedded venue (unless a session
// settings file points elsewhere), FIX gateway and engine, started and stopped in
// the right order. Shared by the window, the headless mode and the tests.
#include "data_directory.h"
#include "engine/engine.h"

#include <memory>
#include <string>
#include <vector>

namespace hm {

class FixGateway;
class FixVenue;
class JournalWriter;

struct RuntimeOptions {
    std::string dataDirectory;     // stores, logs, default journal location
    std::string resourceDirectory; // resources/ (FIX dictionary)
    std::string sessionSettings;   // empty: embedded venue on loopback
    std::string journalPath;       // empty: <data>/journal/session-<time>.db
    std::vector<Instrument> instruments;
    std::uint64_t seed = 1;
    double venueFlowPerSecond = 300; // 0: a quiet embedded market; otherwise the simulator
    std::string simConfig;           // simulator configuration; empty: the built-in default
    std::string venueRegime;         // hold this regime in the embedded venue (demonstrations)
    std::string regimeModel;         // regime detector model; empty: models/regime-hmm.json if present; "none": off
    double feeBps = 0.5;             // commission per fill, basis points of notional (attribution)
    double regimeWarmupS = 60;       // market data before the detector's first observation
    int venuePort = 0;
    bool journalEnabled = true;
    RiskLimits limits;
    std::string agentsFile;  // JSON agent configuration (docs/agents.md); empty: none
    bool startAgents = false; // start the configured agents at once (headless demos)
    std::string controlSocket; // Unix socket for helmsman-ctl; empty: none
    // A refused agent is logged; false keeps it off the console, for a caller that says
    // it on stderr itself (the headless summary), so that it is said once.
    bool refusedAgentsOnConsole = true;
};

class Runtime {
public:
    explicit Runtime(RuntimeOptions options); // validates; throws std::runtime_error with a clear message
    ~Runtime();

    void start(); // throws on failure
    void stop();
    bool waitForLogon(int timeoutMs) const;
    // Until the counterparty has answered for the last session's orders (reconciler.h);
    // false when timeoutMs passed first.
    bool waitForReconciliation(int timeoutMs);

    Engine& engine() { return *m_engine; }
    FixVenue* venue() { return m_venue.get(); }
    FixGateway& gateway() { return *m_gateway; }
    JournalWriter* journal() { return m_journal.get(); }
    const RuntimeOptions& options() const { return m_options; }
    std::string controlSocketPath() const;
    std::string journalPath() const;
    bool embedded() const { return m_options.sessionSettings.empty(); }
    // The instrument a window opens on: the first configured agent's, else the first.
    Instrument primaryInstrument() const;
    // The configured agents the engine refused at start ("id: reason"), once it has
    // answered for every one of them or `timeoutMs` has passed.
    std::vector<std::string> refusedAgents(int timeoutMs) const;

private:
    RuntimeOptions m_options;
    std::unique_ptr<JournalWriter> m_journal;
    std::unique_ptr<FixVenue> m_venue;
    std::unique_ptr<FixGateway> m_gateway;
    std::unique_ptr<Engine> m_engine;
    bool m_started = false;
    std::vector<AgentSpec> m_agentSpecs;
    std::unique_ptr<class ControlServer> m_control;
    std::shared_ptr<struct AgentAnswers> m_answers;
    std::string m_clOrdIdPrefix;
    std::string m_previousJournal; // the last session on this data directory, carried over from
    void carryOverLastSession();    // before the gateway starts: see session_recovery.h
};

std::string defaultResourceDirectory();
bool makeDirectories(const std::string& path);

} // namespace hm
