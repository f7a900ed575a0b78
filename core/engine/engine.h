#pragma once
// The engine thread: the only place the trading state changes. Commands (from the UI
// or a script) and gateway events arrive on one queue and are handed, in order, to the
// engine core on this thread. Snapshots go out at most snapshotHz times a second.
#include "engine/engine_commands.h"
#include "engine/engine_config.h"
#include "engine/engine_core.h"
#include "engine/engine_input.h"
#include "engine/engine_state.h"
#include "model/gateway_port.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hm {

class JournalWriter;

class Engine : public EngineCommands, public GatewayListener {
public:
    using SnapshotSink = hm::SnapshotSink;
    using CheckpointSink = EngineCore::CheckpointSink;

    // clock: null = the system's clocks (a replay runs on its records' time).
    Engine(EngineConfig config, OrderGateway& gateway, JournalWriter* journal, EngineClock* clock = nullptr);
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
    void setReferencePrice(const std::string& symbol, double price, Actor actor, const std::string& reason,
                           Reply reply = {}) override;
    void killInstruments(std::vector<std::string> symbols, double clusterThreshold, Actor actor,
                         const std::string& reason, Reply reply = {}) override;
    void changeLimits(std::vector<std::pair<std::string, std::string>> changes, Actor actor, const std::string& reason,
                      Reply reply = {}) override;
    const RegimeNames& sessionRegimes() const override { return m_core.config().regimes; }
    const RiskLimits& startingLimits() const override { return m_core.config().limits; }
    void setRegime(const std::string& symbol, const std::string& regime, const std::string& source);
    // After a restart (reconciler.h): what the last session left, before the gateway
    // starts; `then` runs on the engine thread once the counterparty has answered.
    void carryIn(CarryIn carry) { post(std::move(carry)); }
    void whenReconciled(std::function<void()> then) { post(WhenReconciled{std::move(then)}); }
    // With a regime model, the engine detects the regime itself from the market; a regime
    // told by the simulator is then shown as the true one but does not drive oversight.
    void setRegimeModel(const GaussianHmm& model); // before start()
    KillTiming lastKill() const { return m_core.lastKill(); } // for the kill benchmark

    // Replay (config.replay): records are applied on the engine thread in order, through
    // the same handlers as live events. Checkpoints are copies of the whole state.
    void setCheckpointSink(CheckpointSink sink); // before start()
    void replay(std::vector<JournalRecord> records, bool checkpointAfter = false);
    void restore(std::shared_ptr<const EngineState> state, std::int64_t seq);
    void markJump(); // after a seek: the next snapshot starts a new epoch, with the histories
    std::int64_t replayedSeq() const { return m_core.replayedSeq(); } // any thread
    // A digest of orders, positions, books, agents, approvals, limits and the kill
    // switch. Engine thread only (or a stopped engine).
    std::uint64_t stateHash() const { return m_core.stateHash(); }

    // GatewayListener: runs on gateway threads; only queues.
    void onExecutionReport(const ExecutionReport& report) override;
    void onCancelReject(const CancelReject& reject) override;
    void onMarketData(const MarketDataSnapshot& snapshot) override;
    void onMarketData(const MarketDataUpdate& update) override;
    void onSessionEvent(const SessionEvent& event) override;
    void onSecurityList(const SecurityListEvent& list) override;

    SnapshotPtr latest() const override; // the last published snapshot
    // Round trips (us) measured so far, from the index-th on; any thread (benchmarks, diagnostics).
    std::vector<double> roundTripsSince(std::size_t index) const { return m_core.roundTripsSince(index); }
    // The configuration the engine started with, for any thread. Instruments the
    // counterparty's security list adds or changes later are in the snapshots' books.
    const EngineConfig& config() const { return m_startConfig; }

    // How long the engine thread takes: each input (a market-data message, a report, a
    // command), each agent tick and each snapshot, over the last kTimingWindow of each.
    struct Timings {
        LatencyStats input, tick, publish;
    };
    static constexpr std::size_t kTimingWindow = 65536;
    Timings timings() const; // any thread

private:
    void post(EngineInput input);
    void run();
    void publish();
    struct TimingRing {
        std::vector<double> us;
        std::size_t next = 0;
        std::uint64_t total = 0;
        void add(double v);
    };

    EngineCore m_core;
    const EngineConfig m_startConfig; // a copy: the core's own changes on the engine thread
    OrderGateway& m_gateway;
    JournalWriter* m_journal;
    std::mutex m_sinksMutex;
    std::vector<std::shared_ptr<SnapshotSlot>> m_sinks;

    std::mutex m_queueMutex;
    std::condition_variable m_queueCv;
    std::vector<EngineInput> m_queue;
    std::atomic<bool> m_running{false};
    std::thread m_thread;

    mutable std::mutex m_latestMutex;
    SnapshotPtr m_latest;
    mutable std::mutex m_timingMutex; // the engine thread adds once per loop; readers copy
    TimingRing m_inputTimes, m_tickTimes, m_publishTimes;
};

} // namespace hm
