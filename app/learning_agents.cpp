#include "learning_agents.h"

#include "agents/execution_agent.h"
#include "ml/signal_agent.h"
#include "ml/torchscript_policy.h"
#include "ml/training.h"
#include "runtime.h"

#include <algorithm>
#include <unistd.h>

namespace hm {

namespace {
std::string resolve(const std::string& model, const std::string& directory)
{
    if (model.empty() || model[0] == '/' || ::access(model.c_str(), R_OK) == 0 || directory.empty())
        return model;
    const std::string inDirectory = directory + "/" + model.substr(model.find_last_of('/') + 1);
    return ::access(inDirectory.c_str(), R_OK) == 0 ? inDirectory : model;
}

std::unique_ptr<Agent> make(const char* type, const std::string& symbol, const AgentParams& params, const std::string& model,
                            const std::string& directory, std::string& error)
{
    for (const auto& kv : params)
        if (kv.first != "side" && kv.first != "quantity" && kv.first != "duration_s" && kv.first != "interval_s"
            && kv.first != "lot") {
            error = "unknown parameter '" + kv.first + "' for a " + std::string(type) + " agent";
            return nullptr;
        }
    auto get = [&](const char* name, double fallback, double lo, double hi) {
        auto it = params.find(name);
        const double v = it == params.end() ? fallback : it->second;
        if (error.empty() && !(v >= lo && v <= hi))
            error = "parameter '" + std::string(name) + "' = " + std::to_string(v) + " is outside " + std::to_string(lo)
                + ".." + std::to_string(hi);
        return v;
    };
    const double side = get("side", -1, -1, 1), qty = get("quantity", 5000, 1, 1e9);
    const double duration = get("duration_s", 1800, 10, 86400), interval = get("interval_s", 10, 1, 3600);
    const double lot = get("lot", 100, 1, 1e9);
    if (!error.empty())
        return nullptr;
    const std::string path = resolve(model, directory);
    std::unique_ptr<ExecutionPolicy> policy;
    if (std::string(type) == "rl_execution") {
        std::unique_ptr<LearnedPolicy> p(new LearnedPolicy(path, error));
        policy = std::move(p);
    } else {
        std::unique_ptr<TorchScriptPolicy> p(new TorchScriptPolicy(path, error));
        policy = std::move(p);
    }
    if (!error.empty())
        return nullptr;
    return std::unique_ptr<Agent>(new ExecutionAgent(type, std::move(policy), symbol, side > 0 ? Side::Buy : Side::Sell,
                                                     static_cast<Quantity>(qty), duration, interval, static_cast<Quantity>(lot)));
}
} // namespace

std::string defaultModelDirectory()
{
    const std::string beside = defaultResourceDirectory() + "/../models";
    return ::access(beside.c_str(), R_OK) == 0 ? beside : defaultResourceDirectory() + "/models";
}

void registerLearningAgents(const std::string& directory)
{
    registerAgentType("signal", [directory](const std::string& symbol, const AgentParams& params, const std::string& model,
                                            std::string& error) -> std::unique_ptr<Agent> {
        for (const auto& kv : params)
            if (kv.first != "clip" && kv.first != "max_position" && kv.first != "threshold" && kv.first != "interval_s") {
                error = "unknown parameter '" + kv.first + "' for a signal agent";
                return nullptr;
            }
        auto get = [&](const char* name, double fallback) {
            auto it = params.find(name);
            return it == params.end() ? fallback : it->second;
        };
        const double threshold = get("threshold", 0.6);
        if (threshold <= 0.5 || threshold >= 1) {
            error = "parameter 'threshold' must be between 0.5 and 1";
            return nullptr;
        }
        std::unique_ptr<SignalAgent> a(new SignalAgent(resolve(model, directory), symbol, static_cast<Quantity>(get("clip", 100)),
                                                       static_cast<Quantity>(get("max_position", 1000)), threshold,
                                                       get("interval_s", 5), error));
        if (!error.empty())
            return nullptr;
        return a;
    });
    for (const char* type : {"rl_execution", "torchscript_execution"})
        registerAgentType(type, [type, directory](const std::string& symbol, const AgentParams& params, const std::string& model,
                                                  std::string& error) {
            return make(type, symbol, params, model, directory, error);
        });
}

} // namespace hm
