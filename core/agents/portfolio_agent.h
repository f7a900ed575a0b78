#pragma once
// The portfolio agent: the loop from signals to execution. Every rebalance it turns the
// signal of each instrument (smoothed over a half-life, so a noisy short-horizon model
// does not churn the book) into a target position within the risk budget
// (weights proportional to the signal past a threshold, at most max_weight each, gross
// at most the budget), and hands the difference between target and what it holds or
// has in hand to an execution agent as a parent order. The trader approves the parent
// (size, horizon, the execution agent, and why), not each child; the children then flow
// under that agent's throttle and the risk gate.
#include "agents/agent.h"

#include <map>
#include <string>

namespace hm {

struct PortfolioAgentParams {
    double budget = 500000;      // gross notional of the targets, currency
    double maxWeight = 0.4;      // one instrument's share of the budget at most
    double threshold = 0.1;      // |signal| below this: no position
    double rebalanceS = 60;
    double minTrade = 10000;     // a difference worth less (currency) is left alone
    double horizonS = 600;       // each parent order's
    double signalStaleS = 120;   // an older signal counts as none
    double signalHalfLifeS = 300; // of the smoothing of each instrument's signal
    Quantity lot = 100;          // targets in round lots (at least the instrument's)
    std::string executor = "twap";
};

// Parameter codes: executor 0 twap, 1 vwap, 2 pov, 3 almgren_chriss.
bool parsePortfolioParams(const AgentParams& params, PortfolioAgentParams& out, std::string& error);

class PortfolioAgent : public Agent {
public:
    explicit PortfolioAgent(PortfolioAgentParams params) : m_p(std::move(params)) {}
    const char* type() const override { return "portfolio"; }
    bool wantsPortfolio() const override { return true; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override;
    std::vector<std::pair<std::string, double>> monitor() const override;
    std::string description() const override;

    // The target quantity of each instrument for the smoothed signals (exposed for tests).
    std::map<std::string, Quantity> targets(const PortfolioContext& p, Timestamp now);

private:
    struct Smoothed {
        double value = 0;
        Timestamp seen = 0; // the reading last folded in
    };
    // Folds each new reading into its instrument's smoothed signal; the fresh ones.
    std::map<std::string, double> smoothSignals(const PortfolioContext& p, Timestamp now);
    std::map<std::string, Smoothed> m_smoothed;
    PortfolioAgentParams m_p;
    Timestamp m_last = 0;
    std::map<std::string, Quantity> m_targets;
    double m_targetGross = 0;
};

} // namespace hm
