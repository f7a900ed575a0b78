#pragma once
// A signal agent: trades small clips on the supervised model's probability that the
// mid will be higher after its horizon, within its own position cap, through oversight
// and the risk gate like every agent. Its rationale carries the probability and the
// features that moved it. Each evaluation also publishes its view (2p - 1) for the
// portfolio agents; with trades off it only publishes.
#include "agents/agent.h"
#include "features/live_features.h"
#include "ml/signal_model.h"

namespace hm {

class SignalAgent : public Agent {
public:
    // On failure `error` says why (the model), and the agent must not be used.
    SignalAgent(const std::string& model, std::string symbol, Quantity clip, Quantity maxPosition, double threshold,
                double intervalS, bool trades, std::string& error);
    const char* type() const override { return "signal"; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override;
    std::string description() const override { return m_description; }
    std::vector<std::pair<std::string, double>> monitor() const override;

private:
    Mlp m_net{nullptr};
    Normalizer m_norm;
    std::string m_description, m_symbol;
    Quantity m_clip, m_maxPosition;
    double m_threshold, m_interval;
    bool m_trades = true;
    LiveFeatures m_features;
    Timestamp m_last = 0;
    double m_lastProbability = 0.5;
};

} // namespace hm
