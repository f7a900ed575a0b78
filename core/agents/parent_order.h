#pragma once
// A parent order handed to a new execution agent (from the order ticket, helmsman-ctl):
// the agent it becomes, checked exactly as an agents file's entry is.
#include "agents/agent_config.h"

#include <string>

namespace hm {

struct ParentOrder {
    std::string agentId;   // the new agent's id
    std::string agentType; // twap, vwap, pov, almgren_chriss, rl_execution...
    std::string symbol;
    Side side = Side::Buy;
    Quantity quantity = 0;
    double durationS = 0;
    double intervalS = 0; // 0: the type's default
    std::string model;    // learning agents: the model file
};

// False with the agents file's own message when the parent cannot become that agent.
bool agentForParentOrder(const ParentOrder& parent, const RegimeNames& regimes, AgentSpec& out, std::string& error);

} // namespace hm
