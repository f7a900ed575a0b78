#pragma once
// What an agent sees and what it may say. An agent gets market data, its fills, its
// working orders, timers and the regime, and answers with intents: order proposals
// carrying a rationale, and cancels of its own orders. It holds no handle to the
// order manager or the gateway; the engine passes every intent through oversight and
// the risk gate.
#include "model/events.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hm {

struct MarketView {
    std::string symbol;
    Timestamp time = 0;
    std::vector<PriceLevel> bids; // best first
    std::vector<PriceLevel> asks;
    Quantity tradedVolume = 0; // cumulative since the session started
    Price lastTrade = 0;
    std::string regime; // the detected (or configured) regime name, "" when unknown
    bool hasQuotes() const { return !bids.empty() && !asks.empty(); }
    Price bestBid() const { return bids.empty() ? 0 : bids.front().price; }
    Price bestAsk() const { return asks.empty() ? 0 : asks.front().price; }
};

// The numbers behind a decision, shown to the person who approves or audits it.
struct Rationale {
    std::string summary;
    std::vector<std::pair<std::string, double>> factors;
};

struct OrderProposal {
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity qty = 0;
    Price price = 0;
    Rationale why;
    // A parent order (a portfolio agent's): an execution agent of this type works the
    // quantity over horizonS once it is approved. Empty for an order.
    std::string executor;
    double horizonS = 0;
    bool isParent() const { return !executor.empty(); }
};

// A parent order's executor and horizon as rationale factors, so that the journal (which
// keeps a decision's factors) carries them and a replay shows the parent as it was.
void describeParent(OrderProposal& p);
// Reads them back from the factors: false (nothing changed) for a plain order.
bool parentFromFactors(OrderProposal& p);

// A signal agent's current view of an instrument's next move, from -1 (down) to 1 (up),
// which portfolio agents read.
struct SignalReading {
    std::string symbol;
    double value = 0;
    Timestamp time = 0;
    std::string source; // the agent that published it
};

struct AgentIntents {
    std::vector<OrderProposal> orders; // orders, and parent orders (isParent())
    std::vector<std::string> cancels;  // ClOrdIDs of the agent's own working orders
    std::vector<SignalReading> signals;
    std::string note;                  // a decision to do nothing, with its reason
};

// What a portfolio agent sees beyond one book: every instrument, the latest signal of
// each, and what its execution agents hold and still have to do (signed quantities).
struct PortfolioContext {
    struct Name {
        MarketView market;
        double tickSize = 0.01;
        Quantity lot = 1;
        const SignalReading* signal = nullptr; // none yet
        Quantity held = 0;    // filled by its execution agents
        Quantity pending = 0; // their parent orders not yet done, and those awaiting approval
        int awaiting = 0;     // its parent orders awaiting approval
    };
    std::map<std::string, Name> names;
};

struct WorkingOrderView {
    std::string clOrdId;
    Side side = Side::Buy;
    Price price = 0;
    Quantity leaves = 0;
    Timestamp sent = 0;
};

struct AgentContext {
    Timestamp now = 0;
    const MarketView* market = nullptr;
    std::vector<WorkingOrderView> working;
    int awaitingApproval = 0; // proposals of this agent sitting in the approval queue
    Quantity position = 0;    // this agent's own net filled quantity
    const PortfolioContext* portfolio = nullptr; // only for an agent whose wantsPortfolio()
};

struct AgentProgress {
    Quantity target = 0; // parent order size; 0 for agents without one
    Quantity done = 0;
};

using AgentParams = std::map<std::string, double>;

// One parameter, or `fallback` when absent; out of [lo, hi] sets `error` (if not set yet)
// naming it. Every agent type reads its parameters through these two.
double agentParam(const AgentParams& params, const std::string& name, double fallback, double lo, double hi,
                  std::string& error);
// False (and `error`) when a parameter is not one of `known` for this agent type.
bool onlyKnownParams(const std::string& type, const AgentParams& params, const std::vector<std::string>& known,
                     std::string& error);

class Agent {
public:
    virtual ~Agent() = default;
    virtual const char* type() const = 0;
    // Called on every market data change and on the engine's timer tick.
    virtual void onTick(const AgentContext& ctx, AgentIntents& out) = 0;
    virtual void onFill(Side side, Quantity qty, Price price) { (void)side, (void)qty, (void)price; }
    virtual AgentProgress progress() const { return {}; }
    // Live figures an agent reports about its own work (an execution agent: shortfall so
    // far against a shadow TWAP on the same market).
    virtual std::vector<std::pair<std::string, double>> monitor() const { return {}; }
    virtual std::string description() const { return {}; } // e.g. the model it runs
    // A portfolio agent trades across instruments through execution agents: it is given
    // the PortfolioContext and its symbol is "*".
    virtual bool wantsPortfolio() const { return false; }
};

// Creates an agent of a known type, or returns nullptr and says why (bad type or
// parameter, naming it). `model` is the model file of learning agents.
std::unique_ptr<Agent> makeAgent(const std::string& type, const std::string& symbol, const AgentParams& params,
                                 std::string& error, const std::string& model = {});

// Agent types built outside core/agents (the learning agents of core/ml), registered
// by the composition root. Configuration files only check that such a type is known
// and names a model; the model is loaded when the agent is added, so a bad model file
// refuses that one agent and nothing else.
using AgentFactory = std::function<std::unique_ptr<Agent>(const std::string& symbol, const AgentParams& params,
                                                          const std::string& model, std::string& error)>;
void registerAgentType(const std::string& type, AgentFactory factory);
bool isRegisteredAgentType(const std::string& type);
std::vector<std::string> agentTypes();

} // namespace hm
