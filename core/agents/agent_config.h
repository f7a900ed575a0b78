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

// Parses a whole file's text; `origin` names it in messages. On any problem returns
// false and `error` says which agent, which field and why.
bool parseAgentSpecs(const std::string& text, const std::string& origin, std::vector<AgentSpec>& out, std::string& error);
bool loadAgentSpecs(const std::string& path, std::vector<AgentSpec>& out, std::string& error);
// One agent as a JSON object in the file's format (the journal keeps it so replay can
// show the agent). parseAgentSpec reads it back without building the agent.
std::string agentSpecJson(const AgentSpec& spec);
bool parseAgentSpec(const std::string& json, AgentSpec& out, std::string& error);

} // namespace hm
