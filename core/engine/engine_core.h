#pragma once
// The engine without its thread: handles one input at a time, synchronously, on the
// caller's thread, against an injected clock. Engine wraps it with the queue and the
// thread; tests call it directly and see each input's effect as soon as handle() returns.
#include "engine/engine_clock.h"
#include "engine/engine_config.h"
#include "engine/engine_context.h"
#include "engine/engine_input.h"
#include "engine/engine_state.h"
#include "model/gateway_port.h"
#include "regime/regime_detector.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hm {

class JournalWriter;

class EngineCore {
public:
    using CheckpointSink = std::function<void(std::int64_t seq, std::shared_ptr<const EngineState>)>;

    // clock: null = the system's clocks. A replay runs on its records' time, whatever is passed.
    EngineCore(EngineConfig config, OrderGateway& gateway, JournalWriter* journal, EngineClock* clock = nullptr);
    EngineCore(const EngineCore&) = delete;
    EngineCore& operator=(const EngineCore&) = delete;

    // With a regime model, the engine detects the regime itself from the market; a regime
    // told by the simulator is then shown as the true one but does not drive oversight.
    void setRegimeModel(const GaussianHmm& model);
    void setCheckpointSink(CheckpointSink sink);
    // The starting limits (and the regime model), so a replay begins where the session did.
    void journalStart();

    // One input, handled completely. In a replay only replay inputs are taken; any other
    // is refused (answered, when it asks for an answer) and dropped.
    void handle(EngineInput input);
    // A replay is read-only: true (and the command answered) for an input it refuses.
    static bool refusedInReplay(EngineInput& input);
    // Builds the agent here (its model loaded on the caller's thread), then adds it.
    void addAgent(AgentSpec spec, Actor actor, Reply reply = {});
    // Fills in a ClOrdID when the order has none; returns it.
    std::string submit(OrderRequest order, Origin origin = Origin::desk("operator"));
    // Agents, approval timeouts and automatic triggers: every agentTickMs in a live session.
    void tick();
    void journalStateHash();
    // The next snapshot; commands handled since the last one are then answered by answerPending().
    SnapshotPtr publish();
    bool hasPendingAnswers() const { return !m_answers.empty(); }
    void answerPending() { m_answers.deliver(); }

    std::string nextId(); // any thread
    const EngineClock& clock() const { return m_clock; }
    const EngineConfig& config() const { return m_config; }
    const EngineState& state() const { return m_state; }
    // A digest of orders, positions, books, agents, approvals, limits and the kill switch.
    std::uint64_t stateHash() const { return m_state.hash(m_config.depthLevels); }
    KillTiming lastKill() const;                                 // any thread
    std::vector<double> roundTripsSince(std::size_t index) const; // any thread
    std::int64_t replayedSeq() const { return m_appliedSeq.load(); } // any thread

private:
    void dispatch(SubmitOrder& c);
    void dispatch(CancelOrder& c);
    void dispatch(ReplaceOrder& c);
    void dispatch(CancelAllOrders& c);
    void dispatch(ExecutionReport& e);
    void dispatch(CancelReject& e);
    void dispatch(MarketDataSnapshot& e);
    void dispatch(MarketDataUpdate& e);
    void dispatch(SessionEvent& e);
    void dispatch(SecurityListEvent& e);
    void dispatch(AddAgent& c);
    void dispatch(RemoveAgent& c);
    void dispatch(ControlAgent& c);
    void dispatch(SetThrottleLevel& c);
    void dispatch(DecideApproval& c);
    void dispatch(KillAll& c);
    void dispatch(KillInstruments& c);
    void dispatch(SetReferencePrice& c);
    void dispatch(RearmAll& c);
    void dispatch(ChangeLimits& c);
    void dispatch(SetRegime& c);
    void dispatch(CarryIn& c);
    void dispatch(WhenReconciled& c);
    void dispatch(ReplayBatch& c);
    void dispatch(ReplayRestore& c);
    void dispatch(ReplayJump& c);
    // After a book changed: the gate's reference, the risk history, features and regime.
    void onMarketChanged(const std::string& symbol, const std::vector<Trade>& trades, Timestamp now);
    AgentSupervisor::Io supervisorIo();
    ReplayApplier::Io replayIo();
    Reconciler::Io reconcilerIo();

    EngineConfig m_config;
    OrderGateway& m_gateway;
    JournalWriter* m_journal;
    LiveClock m_liveClock;
    ReplayClock m_replayClock;
    EngineClock& m_clock;
    std::atomic<std::uint64_t> m_idSeq{0};
    EngineContext m_ctx;
    EngineState m_state;
    PendingAnswers m_answers;

    std::unique_ptr<GaussianHmm> m_regimeModel;
    CheckpointSink m_checkpointSink;
    std::function<void(EngineInput&)> m_live;    // the replay's way back into dispatch()
    std::function<std::uint64_t()> m_hashNow;
    std::uint64_t m_epoch = 0; // bumped by restore(): the window starts its histories over
    std::uint64_t m_publishedEpoch = 0;
    std::atomic<std::int64_t> m_appliedSeq{0};
    mutable std::mutex m_killMutex;
    KillTiming m_lastKill;
    mutable std::mutex m_roundTripMutex; // this thread appends under it; readers copy
};

} // namespace hm
