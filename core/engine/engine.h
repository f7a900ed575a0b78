#pragma once
// The engine thread: owns books, orders, positions; the only place they change.
// Commands (from the UI or a script) and gateway events arrive on one queue and are
// handled in order. Snapshots go out at most snapshotHz times a second.
#include "agents/agent_config.h"
#include "book/book_mirror.h"
#include "engine/engine_commands.h"
#include "features/features.h"
#include "journal/journal_record.h"
#include "regime/regime_detector.h"
#include "model/gateway_port.h"
#include "oms/order_manager.h"
#include "risk/risk_metrics.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

namespace hm {

class JournalWriter;

struct EngineConfig {
    std::vector<Instrument> instruments;
    int snapshotHz = 30;
    int depthLevels = 10;
    std::size_t ordersInSnapshot = 500;        // the most recent orders, any state
    std::size_t olderWorkingInSnapshot = 2000; // plus working ones older than those
    std::string clOrdIdPrefix; // empty: derived from the start time
    RiskLimits limits;
    int agentTickMs = 50; // agents, approval timeouts and automatic triggers run this often
    double regimeWarmupS = 60; // market data before the regime detector's first observation
    int stateHashIntervalMs = 1000; // how often a live session journals its state hash (0 = never)
    bool replay = false; // fed from a journal: no agents run, nothing is sent, time is the journal's
    // The regimes an agent file may name: the session's simulator and detector. Empty:
    // the built-in simulator's (defaultRegimeNames).
    RegimeNames regimes;
};

// The agent is built (its model loaded) by the caller, off the engine thread.
struct AddAgent { AgentSpec spec; Actor actor; Reply reply; std::shared_ptr<Agent> built; std::string buildError; };
struct RemoveAgent { std::string id; Actor actor; Reply reply; };
struct ControlAgent { std::string id; AgentAction action; Actor actor; std::string reason; Reply reply; }; // id "*" = all
struct SetThrottleLevel { std::string id; int level; Actor actor; Reply reply; };
struct DecideApproval { std::uint64_t ticket; std::string agent; bool approve; Actor actor; Reply reply; }; // ticket 0 = all of agent
struct KillAll { Actor actor; std::string reason; Reply reply; std::int64_t postedMono = 0; };
struct RearmAll { Actor actor; std::string reason; Reply reply; };
struct ChangeLimits { std::vector<std::pair<std::string, std::string>> changes; Actor actor; std::string reason; Reply reply; };
// The market's regime for an instrument, from a detector or a schedule ("" = unknown).
struct SetRegime { std::string symbol; std::string regime; std::string source; };

struct EngineState;
// Replay: journal records applied in order; optionally a checkpoint of the state afterwards.
struct ReplayBatch { std::vector<JournalRecord> records; bool checkpointAfter = false; };
struct ReplayRestore { std::shared_ptr<const EngineState> state; std::int64_t seq = 0; };
// A seek that skipped ahead without a restore: the window's histories start over all the same.
struct ReplayJump {};

struct KillTiming {
    std::int64_t commandMono = 0;   // the kill command reached the engine thread
    std::int64_t cancelsSentMono = 0;
    std::size_t cancels = 0;
};

struct SubmitOrder { OrderRequest order; Origin origin; };
struct CancelOrder { std::string clOrdId; Origin origin; };
struct ReplaceOrder { std::string clOrdId; Quantity qty; Price price; Origin origin; };
// Cancels every working order that matches; empty symbol / no side / price 0 match all.
struct CancelAllOrders {
    Origin origin;
    std::string symbol;
    std::optional<Side> side;
    Price price = 0;
};

// An agent as the engine holds it: its configuration, state and accounting.
// In a replay the agent itself is absent (its decisions come from the journal).
struct AgentSlot {
    AgentSpec spec;
    std::shared_ptr<Agent> agent; // built by the caller of addAgent()
    AgentState state = AgentState::Armed;
    std::string stateReason = "configured";
    ThrottleRuntime throttle;
    Quantity position = 0;
    double cash = 0; // currency, from fills
    double peakPnl = 0;
    std::uint64_t sent = 0, dropped = 0, denied = 0;
    std::string lastDecision;
    Rationale lastRationale;
    bool staleLatched = false, stressLatched = false, drawdownLatched = false, regimeLatched = false;
};

// Everything the engine thread owns and a replay rebuilds. A plain value: a replay
// keeps copies as checkpoints to seek back to, and the state hash reads it.
struct EngineState {
    OrderManager m_oms;
    std::map<std::string, BookMirror> m_books;
    std::map<std::string, std::vector<Trade>> m_newTrades;
    std::vector<FillRecord> m_newFills;
    std::vector<SessionEvent> m_newSessionEvents;
    std::map<std::string, Timestamp> m_sentAt; // ClOrdID -> mono time sent, until first report
    std::vector<double> m_roundTripsUs;
    EngineCounters m_counters;
    std::uint64_t m_snapshotSeq = 0;
    bool m_dirty = true;

    // Oversight and risk, engine thread only.
    RiskGate m_gate;
    std::map<std::string, RiskMetrics> m_metrics; // per instrument
    std::map<std::string, Quantity> m_volume;     // traded volume per instrument
    std::map<std::string, Price> m_lastTrade;
    std::map<std::string, Timestamp> m_lastMarketData; // wall ns
    std::map<std::string, std::string> m_regimes;      // symbol -> current regime
    std::map<std::string, FeatureTracker> m_features;  // symbol -> market features, for the window
    std::map<std::string, RegimeDetector> m_detectors;  // symbol -> online detector
    std::map<std::string, Timestamp> m_nextRegimeSample;
    std::map<std::string, std::string> m_trueRegimes;   // symbol -> the simulator's, when it says
    std::map<std::string, std::deque<std::pair<Timestamp, Price>>> m_midHistory; // symbol -> 2x mid, 4 a second, 3 minutes
    std::map<std::string, std::vector<RegimePoint>> m_regimePoints; // symbol -> regime changes, last half hour
    std::deque<std::pair<Timestamp, RiskView>> m_riskHistory; // 4 a second of market time, last minute
    std::map<std::string, AgentSlot> m_agentSlots;
    ApprovalQueue m_approvals;
    std::unordered_map<std::string, Quantity> m_gateLeaves; // ClOrdID -> quantity the gate counts as working
    std::vector<FeedItem> m_newFeed;
    std::vector<DecisionView> m_newDecisions;
    bool m_killed = false;
    bool m_gateWasHalted = false;
    Timestamp m_nextAgentTick = 0;

    // Replay only: what the journal does not repeat in each execution report.
    struct ReplayRequest { Quantity qty = 0; Price price = 0; std::string orig; };
    std::unordered_map<std::string, ReplayRequest> m_replayRequests; // replace request id -> what it asked
    std::unordered_map<std::string, double> m_replayNotional;        // order -> filled notional, for its average price
    std::vector<SessionStatus> m_replaySessions;
    Timestamp m_replayTime = 0;
    Timestamp m_nextReplayMark = 0; // the P&L the live engine marks each agent tick, on the records' time
    std::int64_t m_replaySeq = 0; // the last record applied
    ReplayView m_replayView;
};

class Engine : public EngineCommands, public GatewayListener, private EngineState {
public:
    using SnapshotSink = hm::SnapshotSink;

    Engine(EngineConfig config, OrderGateway& gateway, JournalWriter* journal);
    ~Engine() override;

    // Snapshots as they are published (engine thread); delivery stops when the returned
    // subscription is destroyed or reset. Any thread, any time.
    SnapshotSubscription subscribeSnapshots(SnapshotSink sink) override;
    void start();
    void stop();

    // Commands (EngineCommands): safe from any thread; they are queued for the engine thread.
    std::string submit(OrderRequest order, Origin origin = Origin::desk("operator")) override;
    void cancel(const std::string& clOrdId, Origin origin = Origin::desk("operator")) override;
    void replace(const std::string& clOrdId, Quantity qty, Price price, Origin origin = Origin::desk("operator")) override;
    void cancelAll(Origin origin = Origin::desk("operator")) override;
    void cancelAtPrice(const std::string& symbol, Side side, Price price, Origin origin = Origin::desk("operator")) override;
    void addAgent(AgentSpec spec, Actor actor, Reply reply = {}) override;
    void removeAgent(const std::string& id, Actor actor, Reply reply = {}) override;
    void controlAgent(const std::string& id, AgentAction action, Actor actor, const std::string& reason,
                      Reply reply = {}) override;
    void setThrottleLevel(const std::string& id, int level, Actor actor, Reply reply = {}) override;
    void decide(std::uint64_t ticket, const std::string& agent, bool approve, Actor actor, Reply reply = {}) override;
    void killAll(Actor actor, const std::string& reason, Reply reply = {}) override;
    void rearmAll(Actor actor, const std::string& reason, Reply reply = {}) override;
    void changeLimits(std::vector<std::pair<std::string, std::string>> changes, Actor actor, const std::string& reason,
                      Reply reply = {}) override;
    const RegimeNames& sessionRegimes() const override { return m_config.regimes; }
    const RiskLimits& startingLimits() const override { return m_config.limits; }
    void setRegime(const std::string& symbol, const std::string& regime, const std::string& source);
    // With a regime model, the engine detects the regime itself from the market; a regime
    // told by the simulator is then shown as the true one but does not drive oversight.
    void setRegimeModel(const GaussianHmm& model); // before start()
    KillTiming lastKill() const; // for the kill benchmark

    // Replay (config.replay): records are applied on the engine thread in order, through
    // the same handlers as live events. Checkpoints are copies of the whole state.
    using CheckpointSink = std::function<void(std::int64_t seq, std::shared_ptr<const EngineState>)>;
    void setCheckpointSink(CheckpointSink sink); // before start()
    void replay(std::vector<JournalRecord> records, bool checkpointAfter = false);
    void restore(std::shared_ptr<const EngineState> state, std::int64_t seq);
    void markJump(); // after a seek: the next snapshot starts a new epoch, with the histories
    std::int64_t replayedSeq() const { return m_appliedSeq.load(); } // any thread
    // A digest of orders, positions, books, agents, approvals, limits and the kill
    // switch. Engine thread only (or a stopped engine).
    std::uint64_t stateHash() const;

    // GatewayListener: runs on gateway threads; only queues.
    void onExecutionReport(const ExecutionReport& report) override;
    void onCancelReject(const CancelReject& reject) override;
    void onMarketData(const MarketDataSnapshot& snapshot) override;
    void onMarketData(const MarketDataUpdate& update) override;
    void onSessionEvent(const SessionEvent& event) override;

    SnapshotPtr latest() const override; // the last published snapshot
    // Round trips (us) measured so far, from the index-th on; any thread (benchmarks, diagnostics).
    std::vector<double> roundTripsSince(std::size_t index) const;
    const EngineConfig& config() const { return m_config; }

private:
    using Input = std::variant<SubmitOrder, CancelOrder, ReplaceOrder, CancelAllOrders, ExecutionReport, CancelReject,
                               MarketDataSnapshot, MarketDataUpdate, SessionEvent, AddAgent, RemoveAgent, ControlAgent,
                               SetThrottleLevel, DecideApproval, KillAll, RearmAll, ChangeLimits, SetRegime,
                               ReplayBatch, ReplayRestore, ReplayJump>;
    void post(Input input);
    void run();
    void handle(SubmitOrder& c);
    bool submitChecked(OrderRequest& o, const Origin& origin); // false: denied or not sent
    // Self-trade prevention: our working orders a new order (side, type, price) would reach.
    std::vector<OwnOrder> ownOrdersAgainst(const std::string& symbol, Side side, OrderType type, Price price) const;
    // Sends the cancels the gate asked for, before the order that called for them, and
    // audits each; false if one could not be sent (that order is still resting).
    bool cancelSelfTrades(const GateVerdict& v, const std::string& incomingId, const std::string& who,
                          const std::string& incomingText);
    void handle(CancelOrder& c);
    void handle(ReplaceOrder& c);
    void handle(CancelAllOrders& c);
    void handle(ExecutionReport& e);
    void handle(CancelReject& e);
    void handle(MarketDataSnapshot& e);
    void handle(MarketDataUpdate& e);
    void handle(SessionEvent& e);
    void handle(AddAgent& c);
    void handle(RemoveAgent& c);
    void handle(ControlAgent& c);
    void handle(SetThrottleLevel& c);
    void handle(DecideApproval& c);
    void handle(KillAll& c);
    void handle(RearmAll& c);
    void handle(ChangeLimits& c);
    void handle(SetRegime& c);
    void handle(ReplayBatch& c);
    void handle(ReplayRestore& c);
    void handle(ReplayJump& c);
    // Replay (engine_replay.cpp).
    void applyRecord(const JournalRecord& r);
    void applyAudit(const JournalRecord& r);
    void applyDecision(const JournalRecord& r);
    void flushReplayMarket();
    Timestamp engineNow() const { return m_config.replay ? m_replayTime : wallNs(); }
    void journalStateHash();
    // Oversight and risk plumbing (engine_agents.cpp).
    void tickAgents(Timestamp now);
    void runAgent(AgentSlot& slot, Timestamp now);
    void sendProposal(AgentSlot& slot, const OrderProposal& p, Timestamp now, const std::string& approvedBy);
    bool applyAction(AgentSlot& slot, AgentAction action, const Actor& actor, const std::string& reason, std::string& error);
    void cancelAgentOrders(const std::string& agent);
    std::size_t cancelWhere(const std::function<bool(const OrderRecord&)>& match); // working orders not already cancelling
    void checkTriggers(AgentSlot& slot, Timestamp now);
    void afterReport(const ReportResult& r, const ExecutionReport& e);
    void onMarketChanged(const std::string& symbol, const std::vector<Trade>& trades);
    void notePointOfRegime(const std::string& symbol, Timestamp now);
    MarketView marketView(const std::string& symbol) const;
    double agentPnl(const AgentSlot& slot) const;
    void audit(const Actor& actor, const std::string& action, const std::string& agent, const std::string& reason,
               const std::string& before, const std::string& after, const std::string& detail);
    void feed(const std::string& kind, const std::string& source, const std::string& text, bool journalAlert = false);
    void journalDecision(const std::string& agent, const OrderProposal& p, int outcome, const std::string& note);
    void publishOversight(EngineSnapshot& s);
    RiskView currentRiskView();
    double markToMarket(); // total P&L now; feeds the drawdown
    void publish();
    // Commands are answered after the batch they came in, once a snapshot shows their effect.
    void answer(const Reply& reply, bool ok, const std::string& message);
    void answerPending();
    void journalOperator(const std::string& action, const std::string& detail);
    std::string nextId();
    std::string orderText(Side side, Quantity qty, const std::string& symbol, OrderType type, Price price) const;
    const Instrument* instrument(const std::string& symbol) const;

    EngineConfig m_config;
    OrderGateway& m_gateway;
    JournalWriter* m_journal;
    std::mutex m_sinksMutex;
    std::vector<std::shared_ptr<SnapshotSlot>> m_sinks;

    std::mutex m_queueMutex;
    std::condition_variable m_queueCv;
    std::vector<Input> m_queue;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
    std::atomic<std::uint64_t> m_idSeq{0};

    std::unique_ptr<GaussianHmm> m_regimeModel;
    CheckpointSink m_checkpointSink;
    std::uint64_t m_epoch = 0; // bumped by restore(): the window starts its histories over
    std::uint64_t m_publishedEpoch = 0;
    std::atomic<std::int64_t> m_appliedSeq{0};
    Timestamp m_nextStateHash = 0; // wall ns
    // Market records arrive one level at a time; they are grouped back into the message they came in.
    std::optional<MarketDataUpdate> m_pendingUpdate;
    std::optional<MarketDataSnapshot> m_pendingSnapshot;
    Timestamp m_pendingTime = 0;
    mutable std::mutex m_killMutex;
    KillTiming m_lastKill;

    mutable std::mutex m_roundTripMutex; // the engine thread appends under it; readers copy
    mutable std::mutex m_latestMutex;
    SnapshotPtr m_latest;
    std::vector<std::function<void()>> m_pendingAnswers;
};

} // namespace hm
