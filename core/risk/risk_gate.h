#pragma once
// The pre-trade risk gate: every order, from any agent or the operator, is checked
// here before the order manager sees it. It knows nothing of agents' logic or models.
// A denial is a verdict with a reason, never an exception. Exposure counts working
// orders from the moment they pass, so a burst cannot slip past the position limit
// while acknowledgements are in flight.
#include "model/order.h"
#include "risk/rate_window.h"
#include "risk/risk_limits.h"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace hm {

enum class DenyReason : std::uint8_t {
    None,
    Halted,
    Restricted,
    UnknownInstrument,
    OrderQty,
    OrderNotional,
    NoReference,
    PriceCollar,
    Position,
    GrossNotional,
    OpenOrders,
    AgentOrderRate,
    OrderRate,
    MessageRate,
    DailyLoss,
    Duplicate,
    Count
};
const char* toString(DenyReason r);

struct GateVerdict {
    DenyReason reason = DenyReason::None;
    std::string text;
    bool passed() const { return reason == DenyReason::None; }
};

struct LimitUsage {
    std::string name;
    double used = 0;
    double limit = 0;
    double ratio() const { return limit > 0 ? used / limit : 0.0; }
};

class RiskGate {
public:
    explicit RiskGate(RiskLimits limits = {});

    const RiskLimits& limits() const { return m_limits; }
    void setLimits(const RiskLimits& limits) { m_limits = limits; } // applies from the next order
    void addInstrument(const Instrument& instrument);
    void setReference(const std::string& symbol, Price reference);
    // Total P&L (realized + unrealized, currency). Crossing the daily loss limit halts.
    void setPnl(double pnl);
    void recordPnl(double pnl) { m_pnl = pnl; } // replay: shown, never halts (the journal says when it did)

    // Halted: only orders that reduce the position pass (the kill switch, the loss limit).
    void halt(const std::string& why);
    void resume();
    bool halted() const { return m_halted; }
    const std::string& haltReason() const { return m_haltReason; }

    // A new order. On a pass the order's exposure and rates are recorded at once.
    GateVerdict checkNew(const OrderRequest& order, const std::string& agent, Timestamp now);
    // A replace to a new total quantity and price; checked like a new order for what it adds.
    GateVerdict checkReplace(const OrderRequest& current, Quantity leaves, Quantity newQty, Price newPrice,
                             const std::string& agent, Timestamp now);
    // Cancels always pass; they count toward the message rate.
    void noteCancel(Timestamp now);
    // Replay: record what the live gate recorded for a journaled order, without checking
    // it again (the journal says whether it passed), so the gauges show the session's usage.
    void admitRecorded(const OrderRequest& order, const std::string& agent, Timestamp now);
    void denyRecorded(DenyReason reason) { ++m_denials[static_cast<std::size_t>(reason)]; }
    void replaceRecorded(const OrderRequest& current, Quantity leaves, Quantity newQty, Timestamp now);

    // Order lifecycle, to keep working exposure and positions true.
    void onFill(const std::string& symbol, Side side, Quantity qty);
    void onWorkingReduced(const std::string& symbol, Side side, Quantity qty); // cancelled, rejected, expired
    void onOrderClosed(); // an order passed by the gate is no longer working

    bool reducesPosition(const OrderRequest& order) const;
    Quantity position(const std::string& symbol) const;
    Quantity working(const std::string& symbol, Side side) const;
    std::size_t openOrders() const { return m_openOrders; }
    std::vector<LimitUsage> utilisation(Timestamp now);
    const std::array<std::uint64_t, static_cast<std::size_t>(DenyReason::Count)>& denials() const { return m_denials; }
    std::uint64_t totalDenials() const;

private:
    struct Exposure {
        Instrument instrument;
        Price reference = 0;
        Quantity position = 0;
        Quantity workingBuy = 0;
        Quantity workingSell = 0;
    };
    struct AgentRates {
        RateWindow orders;
    };
    GateVerdict deny(DenyReason r, std::string text);
    GateVerdict checkExposure(const Exposure& e, Side side, Quantity addQty, Price price, double addNotional) const;
    double grossNotional() const;
    double notional(const Exposure& e, Price price, Quantity qty) const;

    RiskLimits m_limits;
    std::unordered_map<std::string, Exposure> m_exposure;
    std::unordered_map<std::string, AgentRates> m_agents;
    std::unordered_map<std::uint64_t, Timestamp> m_recent; // duplicate detection
    Timestamp m_recentPurged = 0;
    RateWindow m_orders;
    RateWindow m_messages;
    std::size_t m_openOrders = 0;
    double m_pnl = 0;
    bool m_halted = false;
    std::string m_haltReason;
    std::array<std::uint64_t, static_cast<std::size_t>(DenyReason::Count)> m_denials{};
};

} // namespace hm
