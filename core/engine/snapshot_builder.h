#pragma once
// Assembles what the window sees: books with our own levels, the recent orders and the
// older working ones, fills, positions, agents and approval tickets, the risk view, the
// feed and decisions, sessions and counters. Keeps what arrived since the last snapshot.
#include "engine/snapshot.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hm {

class ActivityLog;
class AgentSupervisor;
class MarketState;
class OrderRouter;
class ReplayApplier;
class RiskGate;
struct EngineContext;

// p50 and p99 of samples (microseconds), `total` of them in all.
LatencyStats percentiles(std::vector<double> samples, std::uint64_t total);

class SnapshotBuilder {
public:
    // The parts of the state a snapshot shows.
    struct Parts {
        OrderRouter& router;
        MarketState& market;
        AgentSupervisor& agents;
        ActivityLog& log;
        const ReplayApplier& replay;
        const EngineCounters& counters;
    };

    void addFill(const FillRecord& f) { m_newFills.push_back(f); }
    void addSessionEvent(const SessionEvent& e) { m_newSessionEvents.push_back(e); }
    // The next snapshot; what it shows as new is taken from the state. `jumped`: a replay
    // moved, and the snapshot carries the whole histories for the window to start over from.
    std::shared_ptr<EngineSnapshot> build(const EngineContext& ctx, Parts parts, std::uint64_t epoch, bool jumped);
    // The risk gauges now: P&L, exposure, volatility and VaR, the limits and their usage.
    static RiskView riskView(const EngineContext& ctx, OrderRouter& router, MarketState& market, const AgentSupervisor& agents);
    static PortfolioView portfolioView(RiskGate& gate);

private:
    void addAgents(const EngineContext& ctx, Parts parts, EngineSnapshot& s) const;

    struct CachedFeatures {
        Timestamp at = 0;
        std::vector<double> values;
    };
    std::uint64_t m_snapshotSeq = 0;
    std::map<std::string, CachedFeatures> m_features;
    std::shared_ptr<PortfolioView> m_portfolio;
    Timestamp m_portfolioAt = 0;
    std::vector<FillRecord> m_newFills;
    std::vector<SessionEvent> m_newSessionEvents;
};

} // namespace hm
