#pragma once
// Replay: journal records become the engine's state again, one function per record
// kind. Market data, execution reports, cancel rejects and session events go back
// through the engine's live handlers; what agents and people decided (orders, decisions,
// approvals, state changes, limit changes, kills) is applied as recorded, since agents
// do not run in a replay. Part of the state, so a checkpoint carries it.
#include "engine/engine_input.h"
#include "engine/snapshot.h"
#include "journal/journal_record.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace hm {

class ActivityLog;
class AgentSupervisor;
class MarketState;
class OrderRouter;
class ReplayClock;
struct EngineContext;

class ReplayApplier {
public:
    struct Io {
        const EngineContext& ctx;
        ReplayClock& clock; // follows the records' time
        OrderRouter& router;
        MarketState& market;
        AgentSupervisor& agents;
        ActivityLog& log;
        EngineCounters& counters;
        const std::function<void(EngineInput&)>& live;        // the engine's own handlers
        const std::function<std::uint64_t()>& stateHash;      // of the state as it is now
    };

    void apply(Io io, const JournalRecord& r);
    // Market records arrive one level at a time; the message they came in is handed on
    // once it is complete (the next record is of another message).
    void flushMarket(Io io);
    // After a batch: the window's replay position.
    void endBatch();
    void restoredAt(std::int64_t seq) { m_seq = seq; }

    Timestamp time() const { return m_time; }
    std::int64_t seq() const { return m_seq; }
    const std::vector<SessionStatus>& sessions() const { return m_sessions; }
    const ReplayView& view() const { return m_view; }

private:
    void at(Io io, const JournalRecord& r); // the record's time becomes the engine's
    void markPnl(Io io, Timestamp time);
    void applyMarket(Io io, const JournalRecord& r);
    void applyConfig(Io io, const JournalRecord& r);
    void applyOrder(Io io, const JournalRecord& r); // OrderNew and OrderDenied
    void applyCancel(Io io, const JournalRecord& r);
    void applyReplace(Io io, const JournalRecord& r);
    void applyExecReport(Io io, const JournalRecord& r);
    void applyCancelReject(Io io, const JournalRecord& r);
    void applyFixSession(Io io, const JournalRecord& r);
    void applyAudit(Io io, const JournalRecord& r);
    void applyDecision(Io io, const JournalRecord& r);
    void applyAlert(Io io, const JournalRecord& r);
    void applyStateHash(Io io, const JournalRecord& r);
    void applyOperator(Io io, const JournalRecord& r);
    void applyCarry(Io io, const JournalRecord& r); // what the session carried over from the last one

    // What the journal does not repeat in each execution report.
    struct Request { Quantity qty = 0; Price price = 0; std::string orig; };
    std::unordered_map<std::string, Request> m_requests; // replace request id -> what it asked
    std::unordered_map<std::string, double> m_notional;  // order -> filled notional, for its average price
    std::vector<SessionStatus> m_sessions;
    Timestamp m_time = 0;
    Timestamp m_nextMark = 0; // the P&L the live engine marks each agent tick, on the records' time
    std::int64_t m_seq = 0;   // the last record applied
    ReplayView m_view;
    // The market message being regrouped; empty at every checkpoint.
    std::optional<MarketDataUpdate> m_pendingUpdate;
    std::optional<MarketDataSnapshot> m_pendingSnapshot;
    Timestamp m_pendingTime = 0;
};

} // namespace hm
