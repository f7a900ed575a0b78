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
    ExecutionParams e;
    // A helmsman-train policy reads the parent against the expected volume; a TorchScript
    // module sees the market features only.
    const bool learned = std::string(type) == "rl_execution";
    if (!readExecutionParams(type, params, learned ? std::vector<std::string>{"expected_volume"} : std::vector<std::string>{}, 1800, e,
                             error))
        return nullptr;
    const double expectedVolume = agentParam(params, "expected_volume", 0, 0, 1e12, error);
    if (!error.empty())
        return nullptr;
    const std::string path = resolve(model, directory);
    std::unique_ptr<ExecutionPolicy> policy;
    if (learned) {
        std::unique_ptr<LearnedPolicy> p(new LearnedPolicy(path, error));
        const std::string outside = error.empty() ? trainingTaskRefusal(p->card(), e.side, e.durationS, e.intervalS,
                                                                        expectedVolume > 0 ? static_cast<double>(e.quantity) / expectedVolume : -1)
                                                  : std::string();
        if (!outside.empty()) {
            error = "parent order outside the training task of '" + path + "': " + outside;
            return nullptr;
        }
        policy = std::move(p);
    } else {
        std::unique_ptr<TorchScriptPolicy> p(new TorchScriptPolicy(path, error));
        policy = std::move(p);
    }
    if (!error.empty())
        return nullptr;
    std::unique_ptr<ExecutionAgent> agent(new ExecutionAgent(type, std::move(policy), symbol, e.side, e.quantity, e.durationS, e.intervalS, e.lot));
    agent->setExpectedVolume(expectedVolume);
    return agent;
}
} // namespace

std::string defaultModelDirectory()
{
    // The source tree keeps models beside resources/; an installation keeps them inside.
    const std::string beside = defaultResourceDirectory() + "/../models";
    return ::access((beside + "/regime-hmm.json").c_str(), R_OK) == 0 ? beside : defaultResourceDirectory() + "/models";
}

void registerLearningAgents(const std::string& directory)
{
    registerAgentType("signal", [directory](const std::string& symbol, const AgentParams& params, const std::string& model,
                                            std::string& error) -> std::unique_ptr<Agent> {
        if (!onlyKnownParams("signal", params, {"clip", "max_position", "threshold", "interval_s", "trade"}, error))
            return nullptr;
        const double trade = agentParam(params, "trade", 1, 0, 1, error); // 0: publish the signal only
        const double clip = agentParam(params, "clip", 100, 1, 1e9, error);
        const double maxPosition = agentParam(params, "max_position", 1000, 1, 1e9, error);
        const double threshold = agentParam(params, "threshold", 0.6, 0.5001, 0.9999, error);
        const double interval = agentParam(params, "interval_s", 5, 0.1, 3600, error);
        if (!error.empty())
            return nullptr;
        std::unique_ptr<SignalAgent> a(new SignalAgent(resolve(model, directory), symbol, static_cast<Quantity>(clip),
                                                       static_cast<Quantity>(maxPosition), threshold, interval,
                                                       trade >= 0.5, error));
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
