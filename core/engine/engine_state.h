#pragma once
// Everything the engine thread owns and a replay rebuilds, as its components. A plain
// value: a replay keeps copies as checkpoints to seek back to, and the state hash reads it.
#include "engine/activity_log.h"
#include "engine/agent_supervisor.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "engine/reconciler.h"
#include "engine/replay_applier.h"
#include "engine/snapshot_builder.h"

#include <cstdint>

namespace hm {

struct EngineState {
    OrderRouter router;
    MarketState market;
    AgentSupervisor agents;
    ActivityLog log;
    SnapshotBuilder snapshots;
    ReplayApplier replay;
    Reconciler reconciler;
    EngineCounters counters;

    // A digest of orders, positions, books (to depthLevels), agents, approvals, limits
    // and the kill switch: what a replay must have rebuilt exactly.
    std::uint64_t hash(int depthLevels) const;
};

} // namespace hm
