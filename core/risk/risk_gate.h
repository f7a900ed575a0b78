#pragma once
// The pre-trade risk gate: every order, from any agent or the operator, is checked
// here before the order manager sees it. It knows nothing of agents' logic or models.
// A denial is a verdict with a reason, never an exception. Exposure counts working
// orders from the moment they pass, so a burst cannot slip past the position limit
// while acknowledgements are in flight.
#include "model/order.h"
#include "risk/portfolio_risk.h"
#include "risk/rate_window.h"
#include "risk/risk_limits.h"

#include <array>
#include <map>
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
    SelfTrade, // would trade against one of our own working orders
    Reconciling, // after a restart, until the counterparty has said what became of our orders
    NetNotional,
    Concentration,
    PortfolioEs, // the portfolio's expected shortfall would pass its limit
    InstrumentHalted, // an instrument or cluster kill stopped new risk in it
    Count
};
const char* toString(DenyReason r);

// One of our own working orders, as the order manager knows it: what self-trade
// prevention looks at.
struct OwnOrder {
    std::string clOrdId;
    std::string owner; // agent id; "" for the operator
    std::string symbol;
    Side side = Side::Buy;
    Price price = 0; // limit price
    Quantity leaves = 0;
};

// Orders stopped by self-trade prevention, per agent ("operator" for the ticket's).
struct SelfTradeCount {
    std::uint64_t newDenied = 0;        // its new orders (or replaces) refused
    std::uint64_t restingCancelled = 0; // its working orders cancelled for another's new one
    std::uint64_t total() const { return newDenied + restingCancelled; }
};

struct GateVerdict {
    DenyReason reason = DenyReason::None;
    std::string text;
    // Self-trade prevention: our own working orders to cancel, before the new order is
    // sent when it passed, or as well as refusing it (cancel_both).
    std::vector<OwnOrder> cancelResting;
    bool passed() const { return reason == DenyReason::None; }
};

// Whether a new order (side, type, limit price) would reach a resting order on the
// other side of the book at restingPrice: a buy whose limit is at or above it, a sell
// at or below it, a market order always.
bool reaches(Side side, OrderType type, Price price, Price restingPrice);

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
    void setLimits(const RiskLimits& limits); // applies from the next order
    void addInstrument(const Instrument& instrument);
    void setReference(const std::string& symbol, Price reference); // from market data
    // A reference the trader gives an instrument without market data (an order-only
    // broker); false, with nothing changed, for an instrument that has market data.
    bool setTraderReference(const std::string& symbol, Price reference);
    Price reference(const std::string& symbol) const; // 0 when none yet
    // The instrument's reference is no longer good (its tick changed): none until the next
    // market data or trader reference.
    void forgetReference(const std::string& symbol);
    bool hasInstrument(const std::string& symbol) const { return m_exposure.count(symbol) != 0; }
    // Total P&L (realized + unrealized, currency). Crossing the daily loss limit halts.
    void setPnl(double pnl);
    void recordPnl(double pnl) { m_pnl = pnl; } // replay: shown, never halts (the journal says when it did)

    // Halted: only orders that reduce the position pass (the kill switch, the loss limit).
    void halt(const std::string& why);
    void resume();
    bool halted() const { return m_halted; }
    const std::string& haltReason() const { return m_haltReason; }
    // Halted instruments (an instrument or cluster kill): there too only orders that
    // reduce the position pass. resume() lifts them with the global halt.
    void haltInstrument(const std::string& symbol, const std::string& why);
    const std::map<std::string, std::string>& haltedInstruments() const { return m_haltedInstruments; }

    // A new order. On a pass the order's exposure and rates are recorded at once.
    // `own`: our working orders that self-trade prevention weighs against it (the caller
    // may pass more than those it reaches; the gate picks them by instrument, side and price).
    GateVerdict checkNew(const OrderRequest& order, const std::string& agent, Timestamp now,
                         const std::vector<OwnOrder>& own = {});
    // A replace to a new total quantity and price; checked like a new order for what it
    // adds, and for self-trade at its new price.
    GateVerdict checkReplace(const OrderRequest& current, Quantity leaves, Quantity newQty, Price newPrice,
                             const std::string& agent, Timestamp now, const std::vector<OwnOrder>& own = {});
    // Cancels always pass; they count toward the message rate.
    void noteCancel(Timestamp now);
    // Replay: record what the live gate recorded for a journaled order, without checking
    // it again (the journal says whether it passed), so the gauges show the session's usage.
    void admitRecorded(const OrderRequest& order, const std::string& agent, Timestamp now);
    // An order the last session left working, carried over: open and working, but not
    // counted against any rate (it was not sent now).
    void carriedOver(const std::string& symbol, Side side, Quantity working);
    void denyRecorded(DenyReason reason) { ++m_denials[static_cast<std::size_t>(reason)]; }
    void replaceRecorded(const OrderRequest& current, Quantity leaves, Quantity newQty, Timestamp now);
    // Replay: a self-trade prevention the journal recorded (a denial, or a resting cancel).
    void selfTradeRecorded(const std::string& agent, bool newOrder);

    // Order lifecycle, to keep working exposure and positions true.
    void onFill(const std::string& symbol, Side side, Quantity qty);
    void onWorkingReduced(const std::string& symbol, Side side, Quantity qty); // cancelled, rejected, expired
    void onOrderClosed(); // an order passed by the gate is no longer working

    // Portfolio risk. The engine calls notePrices on market data; every sample interval
    // the references become a return sample of the EWMA covariance behind the ES check.
    void notePrices(Timestamp now);
    const PortfolioRisk& portfolio() const { return m_portfolio; }
    // Positions plus working orders (buys minus sells) at the marks, per portfolio index.
    std::vector<double> portfolioExposure();
    PortfolioFigures portfolioFigures(RiskMethod method);
    std::vector<double> esContributions();

    bool reducesPosition(const OrderRequest& order) const;
    Quantity position(const std::string& symbol) const;
    Quantity working(const std::string& symbol, Side side) const;
    std::size_t openOrders() const { return m_openOrders; }
    std::vector<LimitUsage> utilisation(Timestamp now);
    const std::array<std::uint64_t, static_cast<std::size_t>(DenyReason::Count)>& denials() const { return m_denials; }
    std::uint64_t totalDenials() const;
    const std::map<std::string, SelfTradeCount>& selfTrades() const { return m_selfTrades; }

private:
    struct Exposure {
        Instrument instrument;
        Price reference = 0;
        Quantity position = 0;
        Quantity workingBuy = 0;
        Quantity workingSell = 0;
        std::size_t riskIndex = 0; // in m_portfolio
        bool marketData = false;   // the reference comes from market data (not the trader)
        InstrumentLimits limits;   // resolved from m_limits whenever they change
    };
    struct AgentRates {
        RateWindow orders;
    };
    GateVerdict deny(DenyReason r, std::string text);
    GateVerdict checkExposure(const Exposure& e, Side side, Quantity addQty, Price price, double addNotional) const;
    double grossNotional() const;
    // Net, concentration and ES of the portfolio if `addQty` more worked on `side`; an
    // order is never refused for a measure it does not make worse.
    GateVerdict checkPortfolio(const Exposure& e, Side side, Quantity addQty);
    void syncPortfolio(); // prepares the exposure from scratch when a sample or a new name made it stale
    void noteExposure(const Exposure& e); // after a change to e's position or working orders: O(n)
    double markOf(const Exposure& e) const;
    double notional(const Exposure& e, Price price, Quantity qty) const;
    // Applies the self-trade policy to an order that passed every other check; the
    // verdict is a denial (cancel_new, cancel_both) or a pass, with resting orders to cancel.
    GateVerdict selfTrade(const OrderRequest& o, const std::string& agent, const std::vector<OwnOrder>& own);

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
    std::map<std::string, std::string> m_haltedInstruments; // symbol -> why
    std::array<std::uint64_t, static_cast<std::size_t>(DenyReason::Count)> m_denials{};
    std::map<std::string, SelfTradeCount> m_selfTrades;
    PortfolioRisk m_portfolio;
    std::vector<double> m_marks; // price per unit at the last sample, per portfolio index
    Timestamp m_nextSample = 0;
    bool m_portfolioStale = true; // a new instrument or sample: prepare from scratch
};

} // namespace hm
