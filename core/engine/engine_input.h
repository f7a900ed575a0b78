#pragma once
// Everything the engine handles, one input at a time: commands from people and scripts,
// the gateway's events, and a replay's journal records.
#include "agents/agent_config.h"
#include "engine/engine_commands.h"
#include "journal/journal_codec.h"
#include "journal/journal_record.h"
#include "model/events.h"
#include "model/order.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hm {

class Agent;
struct EngineState;

// The agent is built (its model loaded) by the caller, off the engine thread.
struct AddAgent { AgentSpec spec; Actor actor; Reply reply; std::shared_ptr<Agent> built; std::string buildError; };
struct RemoveAgent { std::string id; Actor actor; Reply reply; };
struct ControlAgent { std::string id; AgentAction action; Actor actor; std::string reason; Reply reply; }; // id "*" = all
struct SetThrottleLevel { std::string id; int level; Actor actor; Reply reply; };
struct DecideApproval { std::uint64_t ticket; std::string agent; bool approve; Actor actor; Reply reply; }; // ticket 0 = all of agent
struct KillAll { Actor actor; std::string reason; Reply reply; std::int64_t postedMono = 0; };
// An instrument kill: those instruments' agents killed, their working orders cancelled,
// new risk in them refused until re-armed. clusterThreshold > 0 widens each named
// instrument to its correlated cluster (the gate's portfolio correlation above it);
// below 0, at the live cluster_correlation setting.
struct KillInstruments {
    std::vector<std::string> symbols;
    double clusterThreshold = 0;
    Actor actor;
    std::string reason;
    Reply reply;
};
// A reference price the trader sets for an instrument with no market data (an order-only
// broker): the gate's collar, notional and exposure use it until market data comes.
struct SetReferencePrice {
    std::string symbol;
    double price = 0;
    Actor actor;
    std::string reason;
    Reply reply;
};
struct RearmAll { Actor actor; std::string reason; Reply reply; };
struct ChangeLimits { std::vector<std::pair<std::string, std::string>> changes; Actor actor; std::string reason; Reply reply; };
// The market's regime for an instrument, from a detector or a schedule ("" = unknown).
struct SetRegime { std::string symbol; std::string regime; std::string source; };

// What the last session on this data directory left, to be reconciled with the
// counterparty (reconciler.h); answered once it is applied and journaled.
struct CarryIn {
    std::vector<CarryPositionRecord> positions;
    std::vector<CarryOrderRecord> orders;
    std::string from; // the last session's journal
    Reply reply;
};
// Runs on the engine thread once reconciliation is over (at once if there is none).
struct WhenReconciled { std::function<void()> then; };

// Replay: journal records applied in order; optionally a checkpoint of the state afterwards.
struct ReplayBatch { std::vector<JournalRecord> records; bool checkpointAfter = false; };
struct ReplayRestore { std::shared_ptr<const EngineState> state; std::int64_t seq = 0; };
// A seek that skipped ahead without a restore: the window's histories start over all the same.
struct ReplayJump {};

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

using EngineInput = std::variant<SubmitOrder, CancelOrder, ReplaceOrder, CancelAllOrders, ExecutionReport, CancelReject,
                                 MarketDataSnapshot, MarketDataUpdate, SessionEvent, SecurityListEvent, AddAgent, RemoveAgent, ControlAgent,
                                 SetThrottleLevel, DecideApproval, KillAll, KillInstruments, SetReferencePrice, RearmAll, ChangeLimits, SetRegime,
                                 CarryIn, WhenReconciled, ReplayBatch, ReplayRestore, ReplayJump>;

struct KillTiming {
    std::int64_t commandMono = 0;   // the kill command reached the engine thread
    std::int64_t cancelsSentMono = 0;
    std::size_t cancels = 0;
};

} // namespace hm
