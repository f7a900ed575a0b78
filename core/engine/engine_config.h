#pragma once
// How an engine is set up: the session's instruments, limits and rhythms.
#include "agents/agent_config.h"
#include "model/types.h"
#include "risk/risk_limits.h"

#include <cstddef>
#include <string>
#include <vector>

namespace hm {

struct EngineConfig {
    std::vector<Instrument> instruments;
    int snapshotHz = 30;
    int depthLevels = 10;
    std::size_t ordersInSnapshot = 500;        // the most recent orders, any state
    std::size_t olderWorkingInSnapshot = 2000; // plus working ones older than those
    std::string clOrdIdPrefix; // empty: derived from the start time
    RiskLimits limits;
    int agentTickMs = 50; // agents, approval timeouts and automatic triggers run this often
    double feeBps = 0.5; // a broker's commission per fill, basis points of notional (attribution)
    double regimeWarmupS = 60; // market data before the regime detector's first observation
    int stateHashIntervalMs = 1000; // how often a live session journals its state hash (0 = never)
    bool replay = false; // fed from a journal: no agents run, nothing is sent, time is the journal's
    // The regimes an agent file may name: the session's simulator and detector. Empty:
    // the built-in simulator's (defaultRegimeNames).
    RegimeNames regimes;
};

} // namespace hm
