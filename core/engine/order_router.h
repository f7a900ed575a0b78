#pragma once
// Every order, cancel and replace on its way to the gateway: the checks, the risk gate
// and what the gate counts as working (m_gateLeaves), self-trade cancels, the order
// manager, the times orders were sent and the round trips measured on their reports.
#include "engine/attribution.h"
#include "engine/engine_commands.h"
#include "engine/snapshot.h"
#include "oms/order_manager.h"
#include "risk/risk_gate.h"

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hm {

class ActivityLog;
class PendingAnswers;
struct ChangeLimits;
struct SetReferencePrice;
struct EngineContext;

class OrderRouter {
public:
    void addInstrument(const Instrument& instrument) { m_gate.addInstrument(instrument); }

    // False: refused (a reason is journaled and in the feed) or not sent.
    bool submit(const EngineContext& ctx, ActivityLog& log, EngineCounters& counters, OrderRequest& o,
                const Origin& origin);
    void cancel(const EngineContext& ctx, ActivityLog& log, const std::string& clOrdId, const Origin& origin);
    void replace(const EngineContext& ctx, ActivityLog& log, EngineCounters& counters, const std::string& clOrdId,
                 Quantity qty, Price price, const Origin& origin);
    // Cancels the working orders that match and are not already cancelling; returns how many.
    // One already cancelling is remembered: if the counterparty refuses that cancel and the
    // order works on, onCancelReject cancels it again (a kill leaves nothing working behind).
    std::size_t cancelWhere(const EngineContext& ctx, ActivityLog& log, const std::function<bool(const OrderRecord&)>& match);
    // The order manager takes the report in; the gate and round trips follow. The round
    // trip is appended under roundTripMutex, which readers on other threads take.
    ReportResult onExecutionReport(const EngineContext& ctx, EngineCounters& counters, const ExecutionReport& e,
                                   std::mutex& roundTripMutex);
    void onCancelReject(const EngineContext& ctx, ActivityLog& log, EngineCounters& counters, const CancelReject& e);
    void changeLimits(const EngineContext& ctx, ActivityLog& log, PendingAnswers& answers, const ChangeLimits& c);

    // Replay: what the live gate recorded, applied without sending anything.
    void replayAdmitted(const OrderRequest& o, Timestamp time);
    // A trader's reference price (an instrument without market data): checked, applied
    // to the gate, audited.
    void setReferencePrice(const EngineContext& ctx, ActivityLog& log, PendingAnswers& answers, const SetReferencePrice& c);
    void replayRefused(const OrderRequest& o, DenyReason reason, const std::string& why, Timestamp time);
    void replayCancel(const std::string& clOrdId, const std::string& requestId, Timestamp time);
    void replayReplace(const std::string& clOrdId, const std::string& requestId, Quantity qty, Timestamp time);

    OrderManager m_oms;
    RiskGate m_gate;
    AttributionBook m_attribution; // alpha, shortfall and fees per agent and instrument
    std::unordered_map<std::string, Quantity> m_gateLeaves; // ClOrdID -> quantity the gate counts as working
    std::map<std::string, Timestamp> m_sentAt; // ClOrdID -> mono time sent, until first report
    std::vector<double> m_roundTripsUs;
    std::set<std::string> m_cancelAgain; // ClOrdIDs cancelWhere found cancelling: cancelled again if that is refused
    bool m_reconciling = false; // after a restart: new orders wait for the counterparty's answers (reconciler.h)

private:
    // Self-trade prevention: our working orders a new order (side, type, price) would reach.
    std::vector<OwnOrder> ownOrdersAgainst(const std::string& symbol, Side side, OrderType type, Price price) const;
    // Sends the cancels the gate asked for, before the order that called for them, and
    // audits each; false if one could not be sent (that order is still resting).
    bool cancelSelfTrades(const EngineContext& ctx, ActivityLog& log, const GateVerdict& v, const std::string& incomingId,
                          const std::string& who, const std::string& incomingText);
    // The gate's count of an order that passed it, as its report moved it on.
    void releaseGate(const ReportResult& r);
    void journalReport(const EngineContext& ctx, const ExecutionReport& e);
};

} // namespace hm
