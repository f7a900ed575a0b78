#pragma once
// What the UI sees of the engine: immutable values, built on the engine thread and
// handed over whole. Nothing here points back into engine state.
#include "model/events.h"
#include "oms/order_manager.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hm {

struct BookView {
    Instrument instrument;
    std::vector<PriceLevel> bids; // best first
    std::vector<PriceLevel> asks;
    std::vector<PriceLevel> ownBids; // our working limit orders aggregated by price, best first
    std::vector<PriceLevel> ownAsks;
    std::vector<Trade> newTrades; // since the previous snapshot
    Price twiceMid = 0;
    std::uint64_t updates = 0;
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

struct EngineSnapshot {
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
};

using SnapshotPtr = std::shared_ptr<const EngineSnapshot>;

} // namespace hm
