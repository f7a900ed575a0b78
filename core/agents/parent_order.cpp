#include "agents/parent_order.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace hm {

bool agentForParentOrder(const ParentOrder& p, const RegimeNames& regimes, AgentSpec& out, std::string& error)
{
    using json = nlohmann::json;
    json params = {{"side", p.side == Side::Buy ? "buy" : "sell"}, {"quantity", p.quantity}, {"duration_s", p.durationS}};
    if (p.intervalS > 0)
        params["interval_s"] = p.intervalS;
    json agent = {{"id", p.agentId}, {"type", p.agentType}, {"instrument", p.symbol}, {"params", params}};
    if (!p.model.empty())
        agent["model"] = p.model;
    std::vector<AgentSpec> specs;
    if (!parseAgentSpecs(json{{"agents", json::array({agent})}}.dump(), "parent order", specs, error, regimes))
        return false;
    out = specs.front();
    return true;
}

} // namespace hm
