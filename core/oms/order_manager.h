#pragma once
// Order state machines, fills, positions and P&L, driven by ExecutionReports.
// Robust to what real counterparties do: repeated reports (dropped by ExecID),
// reports out of order (quantities only move forward, terminal states stay
// terminal), unsolicited cancels, and fills at a better price than asked.
#include "model/events.h"

#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hm {

struct OrderRecord {
    std::string clOrdId; // the id the order was first sent with: its key
    std::string owner;   // agent id; empty for the operator
    std::string currentClOrdId; // changes with each accepted replace
    std::string orderId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity qty = 0;
    Price price = 0;
    Quantity cumQty = 0;
    Quantity leavesQty = 0;
    double avgPx = 0.0;
    OrderStatus status = OrderStatus::PendingNew;
    std::string text;
    std::string pendingRequestId; // cancel or replace in flight
    Timestamp created = 0;
    Timestamp updated = 0;
    bool unsolicitedCancel = false;
    std::uint64_t sequence = 0; // send order, from 0
};

struct FillRecord {
    std::string execId;
    std::string clOrdId;
    std::string symbol;
    Side side = Side::Buy;
    Quantity qty = 0;
    Price price = 0;
    Timestamp time = 0;
};

struct Position {
    std::string symbol;
    Quantity qty = 0;          // signed: long > 0
    double avgCostTicks = 0.0; // of the open position
    double realizedTicks = 0.0; // P&L in ticks x quantity
    Quantity boughtQty = 0;
    Quantity soldQty = 0;
};

enum class ReportOutcome : std::uint8_t { Applied, Duplicate, UnknownOrder, Stale };

// Leaves of working limit orders by price, one symbol's two sides.
struct WorkingLevels {
    std::map<Price, Quantity> bids;
    std::map<Price, Quantity> asks;
};

// An owner's (agent's) working orders and how many of them wait for a cancel.
struct OwnerWork {
    int working = 0;
    int cancelsPending = 0;
};

struct ReportResult {
    ReportOutcome outcome = ReportOutcome::Applied;
    const OrderRecord* order = nullptr;
    bool filled = false; // a fill was booked
    FillRecord fill;
    bool firstResponse = false; // first report seen for this order (latency)
};

class OrderManager {
public:
    OrderManager() = default;
    // Copies re-point the working set at their own orders (replay checkpoints copy it).
    OrderManager(const OrderManager& other) { *this = other; }
    OrderManager& operator=(const OrderManager& other);
    OrderManager(OrderManager&&) = default;
    OrderManager& operator=(OrderManager&&) = default;

    // A replayed journal holds each report once: no ExecIDs to remember (lighter checkpoints).
    void setRememberExecIds(bool remember) { m_rememberExecIds = remember; }

    const OrderRecord& onSend(const OrderRequest& request, Timestamp now);
    void onSendFailed(const std::string& clOrdId, const std::string& reason, Timestamp now);
    // Marks a cancel or replace as in flight; returns nullptr if the order is not working.
    OrderRecord* onCancelRequested(const std::string& clOrdId, const std::string& requestId, Timestamp now);
    OrderRecord* onReplaceRequested(const std::string& clOrdId, const std::string& requestId, Timestamp now);

    // What a session carries over from the last one (reconciled with the counterparty
    // afterwards): an order that was working or in flight, working again here under all
    // the ClOrdIDs it has had; and a position, at its average cost.
    // `aliases`: further ClOrdIDs the counterparty may know it by (replaces only the FIX store saw).
    const OrderRecord& adopt(const OrderRecord& carried, Timestamp now, const std::vector<std::string>& aliases = {});
    void seedPosition(const std::string& symbol, Quantity qty, double avgCostTicks);

    ReportResult onExecutionReport(const ExecutionReport& report, Timestamp now);
    const OrderRecord* onCancelReject(const CancelReject& reject, Timestamp now);

    const OrderRecord* find(const std::string& anyClOrdId) const;
    // Every order in send order (elements of an unordered_map keep their addresses).
    const std::vector<const OrderRecord*>& orderSequence() const { return m_sequence; }
    const OrderRecord& order(const std::string& key) const { return m_orders.at(key); }
    // Orders not yet terminal, oldest first; kept as a set so that a book of tens of
    // thousands of resting orders costs nothing per snapshot or per kill.
    std::vector<const OrderRecord*> workingOrders() const;
    const std::map<std::uint64_t, OrderRecord*>& working() const { return m_working; }
    // Kept up to date with every change, so snapshots need not walk the working orders.
    const std::map<std::string, WorkingLevels>& workingLevels() const { return m_levels; }
    const std::map<std::string, OwnerWork>& workByOwner() const { return m_byOwner; }
    // Our working limit orders on the other side of symbol's book that a new order
    // (side, type, limit price) would reach, oldest first; not those already being
    // cancelled (the cancel reaches the venue before anything sent after it). The
    // working levels answer "none" without looking at single orders.
    std::vector<const OrderRecord*> workingAgainst(const std::string& symbol, Side side, OrderType type, Price price) const;
    const std::deque<FillRecord>& recentFills() const { return m_fills; }
    const std::map<std::string, Position>& positions() const { return m_positions; }

    std::uint64_t duplicateReports() const { return m_duplicates; }
    std::uint64_t unknownReports() const { return m_unknown; }
    std::uint64_t fillCount() const { return m_fillCount; }
    std::uint64_t rejectCount() const { return m_rejects; }

private:
    class Change;
    OrderRecord* lookup(const std::string& anyClOrdId);
    void count(const OrderRecord& o, int sign); // adds (+1) or removes (-1) o's share of the aggregates
    void trackWorking(OrderRecord& o);
    void bookFill(OrderRecord& o, Quantity qty, Price px, const std::string& execId, Timestamp now, ReportResult& r);

    std::unordered_map<std::string, OrderRecord> m_orders; // by original ClOrdID
    std::unordered_map<std::string, std::string> m_alias;  // any ClOrdID -> original
    std::unordered_set<std::string> m_execIds;
    std::unordered_set<std::string> m_responded;
    std::vector<const OrderRecord*> m_sequence; // in send order
    std::map<std::uint64_t, OrderRecord*> m_working; // by sequence; node pointers are stable
    std::deque<FillRecord> m_fills;
    std::map<std::string, Position> m_positions;
    std::map<std::string, WorkingLevels> m_levels;
    std::map<std::string, OwnerWork> m_byOwner;
    std::uint64_t m_duplicates = 0;
    std::uint64_t m_unknown = 0;
    std::uint64_t m_fillCount = 0;
    std::uint64_t m_rejects = 0;
    bool m_rememberExecIds = true;
};

} // namespace hm
