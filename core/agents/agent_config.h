#pragma once
// Agents as configured in a JSON file (format in docs/agents.md): type, instrument,
// parameters, oversight policy and throttle.
#include "agents/agent.h"
#include "agents/oversight.h"

#include <string>
#include <vector>

namespace hm {

struct AgentSpec {
    std::string id;
    std::string type;
    std::string symbol;
    AgentParams params;
    OversightPolicy policy;
    ThrottleLimits throttle;
    std::string model; // learning agents: the model file
};

// The regime names an agent file may use (oversight `regimes`, `throttle_regimes`) and
// where they come from, for messages.
struct RegimeNames {
    std::vector<std::string> names;
    std::string source;
};
// The built-in simulator's regimes (resources/sim/default.json), which the shipped
// regime detector names too.
RegimeNames defaultRegimeNames();

// The largest quantity a file may give (units): anything above is a typo.
constexpr double kMaxConfiguredQuantity = 1e9;

// Parses a whole file's text; `origin` names it in messages. On any problem returns
// false and `error` says which agent, which field and why.
bool parseAgentSpecs(const std::string& text, const std::string& origin, std::vector<AgentSpec>& out, std::string& error,
                     const RegimeNames& regimes = defaultRegimeNames());
bool loadAgentSpecs(const std::string& path, std::vector<AgentSpec>& out, std::string& error,
                    const RegimeNames& regimes = defaultRegimeNames());
// One agent as a JSON object in the file's format (the journal keeps it so replay can
// show the agent). parseAgentSpec reads it back without building the agent.
std::string agentSpecJson(const AgentSpec& spec);
bool parseAgentSpec(const std::string& json, AgentSpec& out, std::string& error);

} // namespace hm
