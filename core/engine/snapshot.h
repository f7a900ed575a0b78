#pragma once
// What the UI sees of the engine: immutable values, built on the engine thread and
// handed over whole. Nothing here points back into engine state.
#include "model/events.h"
#include "agents/agent_config.h"
#include "agents/agent_state.h"
#include "oms/order_manager.h"
#include "risk/portfolio_stress.h"
#include "risk/risk_gate.h"
#include "engine/attribution.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hm {

// The regime (detected, and the simulator's true one when known) from time t on.
struct RegimePoint {
    Timestamp t = 0;
    std::string detected;
    std::string truth;
};

struct BookView {
    Instrument instrument;
    std::vector<PriceLevel> bids; // best first
    std::vector<PriceLevel> asks;
    std::vector<PriceLevel> ownBids; // our working limit orders aggregated by price, best first
    std::vector<PriceLevel> ownAsks;
    std::vector<Trade> newTrades; // since the previous snapshot
    Price twiceMid = 0;
    std::uint64_t updates = 0;
    std::string regime; // "" until a detector or schedule says
    std::string trueRegime; // the simulator's, when a detector runs and the simulator tells it
    std::vector<std::string> regimeNames;  // the detector's states
    std::vector<double> regimeProbabilities;
    std::vector<double> features; // core/features, in featureNames() order (no execution task)
    // Only in the first snapshot after a replay's jump: the mid (time, 2x ticks) over the
    // last minutes, so the chart can draw what led there.
    std::vector<std::pair<Timestamp, Price>> midHistory;
    std::vector<RegimePoint> regimeHistory; // likewise: the regime's changes over the last half hour
    // newTrades, midHistory and regimeHistory are incremental: EngineSnapshot::absorbOlder
    // merges them (see the note there).
};

struct PositionView {
    Position position;
    double unrealizedTicks = 0.0; // marked to mid
};

struct LatencyStats {
    std::uint64_t samples = 0;
    double p50us = 0.0;
    double p99us = 0.0;
};

struct EngineCounters {
    std::uint64_t ordersSent = 0;
    std::uint64_t ordersDenied = 0;
    std::uint64_t fills = 0;
    std::uint64_t rejects = 0;
    std::uint64_t executionReports = 0;
    std::uint64_t duplicateReports = 0;
    std::uint64_t unknownReports = 0;
    std::uint64_t cancelRejects = 0;
    std::uint64_t marketDataUpdates = 0;
    std::uint64_t sessionEvents = 0;
};

struct AgentView {
    std::string id, type, symbol;
    AgentState state = AgentState::Armed;
    std::string stateReason; // who or what put it in this state
    bool retired = false;    // an execution agent done with its parent order: no longer run
    OversightPolicy policy;
    ThrottleLimits throttle;
    AgentProgress progress;
    Quantity position = 0;
    double pnl = 0;
    double drawdown = 0;
    double ordersPerSecond = 0;
    double participation = 0;
    int working = 0;
    int cancelsPending = 0; // after a kill: cancels sent, not yet confirmed
    int awaitingApproval = 0;
    std::uint64_t ordersSent = 0;
    std::uint64_t dropped = 0;
    std::uint64_t denied = 0;
    SelfTradeCount selfTrades; // its orders stopped by self-trade prevention
    std::string lastDecision;
    Rationale lastRationale;
    std::vector<std::pair<std::string, double>> monitor; // the agent's own live figures
    std::string description; // e.g. its model
};

struct ApprovalView {
    std::uint64_t id = 0;
    std::string agent;
    OrderProposal proposal;
    std::string why;
    Timestamp created = 0;  // wall ns
    Timestamp deadline = 0; // wall ns
};

// Denials, alerts and interventions, newest last, for the feed.
struct FeedItem {
    Timestamp time = 0;
    std::string kind; // denial, alert, audit, drop
    std::string source;
    std::string text;
};

// One decision of an agent's: what it proposed, why, and what became of it.
struct DecisionView {
    Timestamp time = 0;
    std::string agent;
    std::string outcome; // sent, awaiting approval, dropped, denied
    std::string order;   // "SELL 300 HMX @ 18.84"
    Rationale why;
    std::string note;
};

struct RiskView {
    RiskLimits limits;
    std::vector<LimitUsage> usage;
    double realized = 0, unrealized = 0, pnl = 0, drawdown = 0;
    double grossExposure = 0, netExposure = 0;
    double ewmaVol = 0, garchVol = 0; // per one-second sample
    double varParametric = 0, varHistorical = 0; // 99%, one minute
    bool stress = false;
    std::string stressReason;
    bool killed = false;
    bool halted = false;
    std::string haltReason;
    std::uint64_t denials = 0;
    // Self-trade prevention (policy in limits): orders stopped, per agent and "operator".
    std::map<std::string, SelfTradeCount> selfTrades;
    std::uint64_t selfTradesPrevented = 0; // new orders denied plus resting orders cancelled
};

// The portfolio across instruments as the gate sees it (positions plus working orders at
// the marks), its risk by both methods, its correlated clusters and stress scenarios.
struct PortfolioView {
    std::vector<std::string> symbols;
    std::vector<double> exposure;       // currency, signed
    std::vector<double> esContribution; // each name's share of the parametric ES (they sum to it)
    std::vector<double> volBps;         // per sample interval
    std::vector<double> correlation;    // row-major, symbols.size() squared
    PortfolioFigures parametric, historical;
    double horizonS = 0, sampleIntervalS = 0;
    std::size_t samples = 0;            // return samples behind the covariance
    double clusterThreshold = 0;
    std::vector<std::vector<std::string>> clusters; // correlated above the threshold
    std::vector<StressOutcome> stress;
    std::map<std::string, std::string> haltedInstruments; // by an instrument or cluster kill
    Timestamp computedAt = 0; // engine time: a panel redraws only a view it has not shown
};

// Where a replay stands and whether the state it rebuilt matches the one recorded.
struct ReplayView {
    bool active = false;
    std::int64_t seq = 0;      // last journal record applied
    Timestamp time = 0;        // its time
    std::uint64_t hashChecks = 0;
    std::uint64_t hashMismatches = 0;
    std::int64_t firstMismatchSeq = 0;
};

struct EngineSnapshot {
    // Incremental fields carry what happened since the previous snapshot: every new* list
    // here and in BookView, and the histories sent once after a replay's jump (midHistory,
    // regimeHistory, riskHistory). The rest is state, whole in every snapshot. A consumer
    // that skips snapshots (the window's bridge) folds each skipped one into the next with
    // absorbOlder(). ANY NEW INCREMENTAL FIELD MUST BE MERGED THERE (snapshot.cpp, and
    // tested in tst_snapshot_merge), or what it carries is lost whenever the window falls behind.
    std::uint64_t sequence = 0;
    Timestamp time = 0;
    std::vector<BookView> books;
    std::vector<OrderRecord> orders; // newest last, bounded
    std::vector<FillRecord> newFills; // since the previous snapshot
    std::vector<PositionView> positions;
    std::vector<SessionStatus> sessions;
    std::vector<SessionEvent> newSessionEvents;
    EngineCounters counters;
    LatencyStats roundTrip; // NewOrderSingle sent -> first ExecutionReport read by the gateway
    std::vector<AgentView> agents;
    std::vector<ApprovalView> approvals;
    RiskView risk;
    PortfolioView portfolio;
    std::vector<AttributionView> attribution; // per agent and instrument, with fills
    // Only in the first snapshot after a replay's jump: the risk view four times a second
    // over the last minute of market time, so the gauges' sparklines show what led there.
    std::vector<std::pair<Timestamp, RiskView>> riskHistory;
    std::vector<FeedItem> newFeed; // since the previous snapshot
    std::vector<DecisionView> newDecisions; // since the previous snapshot
    ReplayView replay;
    std::uint64_t epoch = 0; // changes when a replay jumps: panels that accumulate history start over

    // What merging keeps of each incremental list: the newest this many. A window that
    // stalls for a minute gets the last of what it missed, not a snapshot that grows with the stall.
    static constexpr std::size_t kMergedTrades = 5000; // per book
    static constexpr std::size_t kMergedFills = 5000;
    static constexpr std::size_t kMergedFeed = 2000;
    static constexpr std::size_t kMergedDecisions = 1000;
    static constexpr std::size_t kMergedSessionEvents = 500;

    // Folds `older`, a snapshot published before this one that nobody will see, into this
    // one: its incremental lists go before this one's (then the newest up to the caps are
    // kept), and a once-after-a-jump history this one lacks is taken from it. Books pair
    // by position. Nothing is taken across a replay's jump (another epoch): the histories
    // start over there; the caps still apply. State fields stay this one's.
    void absorbOlder(const EngineSnapshot& older);
    // Whether some incremental list is longer than its cap (then trimToCaps() shortens it).
    bool exceedsCaps() const;
    void trimToCaps();
};

using SnapshotPtr = std::shared_ptr<const EngineSnapshot>;

} // namespace hm
