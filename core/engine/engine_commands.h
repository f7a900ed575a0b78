#pragma once
// What the window and the control channel may ask of the engine, and what they see
// of it: commands go in (queued for the engine thread), snapshots come out. This and
// the snapshot types are all a front end includes; the engine's state stays behind it.
#include "agents/agent_config.h"
#include "agents/agent_state.h"
#include "engine/snapshot.h"
#include "engine/snapshot_subscription.h"
#include "model/order.h"
#include "risk/risk_limits.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace hm {

// Who asked: every intervention is audited with it. The role is established by the
// composition root (the window's sign-in, the control channel's credential check).
struct Actor {
    std::string who = "operator";
    Role role = Role::Trader;
};

// Called on the engine thread with the outcome of a control command.
using Reply = std::function<void(bool ok, const std::string& message)>;

// Where an order command came from. A desk's commands are journaled as operator actions
// under the desk's place; a script's and the engine's own are not (their orders are
// journaled all the same), and an agent's are recorded through its decisions.
struct Origin {
    enum class Kind : std::uint8_t { Desk, Script, Engine, Agent };
    Kind kind = Kind::Desk;
    std::string name = "operator"; // the desk's place ("ticket", "ladder"...) or the agent's id

    static Origin desk(std::string place) { return {Kind::Desk, std::move(place)}; }
    static Origin script() { return {Kind::Script, "script"}; }
    static Origin engine() { return {Kind::Engine, "engine"}; }
    static Origin agent(std::string id) { return {Kind::Agent, std::move(id)}; }

    bool journalsAsOperator() const { return kind == Kind::Desk; }
    // As the journal and the feed spell it: the place, "script", "engine" or "agent:ID".
    std::string text() const { return kind == Kind::Agent ? "agent:" + name : name; }
};

class EngineCommands {
public:
    virtual ~EngineCommands() = default;

    // Orders. submit() fills in a ClOrdID when the order has none and returns it.
    virtual std::string submit(OrderRequest order, Origin origin) = 0;
    virtual void cancel(const std::string& clOrdId, Origin origin) = 0;
    virtual void replace(const std::string& clOrdId, Quantity qty, Price price, Origin origin) = 0;
    virtual void cancelAll(Origin origin) = 0;
    virtual void cancelAtPrice(const std::string& symbol, Side side, Price price, Origin origin) = 0;

    // Oversight; each is audited and answered through the reply (which may be empty).
    // The agent is built (its model loaded) by the caller, off the engine thread.
    virtual void addAgent(AgentSpec spec, Actor actor, Reply reply) = 0;
    virtual void removeAgent(const std::string& id, Actor actor, Reply reply) = 0;
    // id "*" = all agents.
    virtual void controlAgent(const std::string& id, AgentAction action, Actor actor, const std::string& reason,
                              Reply reply) = 0;
    virtual void setThrottleLevel(const std::string& id, int level, Actor actor, Reply reply) = 0;
    // ticket 0 = every ticket of the agent.
    virtual void decide(std::uint64_t ticket, const std::string& agent, bool approve, Actor actor, Reply reply) = 0;
    virtual void killAll(Actor actor, const std::string& reason, Reply reply) = 0;
    virtual void rearmAll(Actor actor, const std::string& reason, Reply reply) = 0;
    // Kills the agents on these instruments, cancels their working orders and halts them
    // (only risk-reducing orders pass) until rearmAll. clusterThreshold > 0: each named
    // instrument with every instrument correlated with it above the threshold; below 0:
    // above the live cluster_correlation setting.
    // The reference price of an instrument without market data (an order-only broker);
    // market data, when it comes, takes over.
    virtual void setReferencePrice(const std::string& symbol, double price, Actor actor, const std::string& reason,
                                   Reply reply) = 0;
    virtual void killInstruments(std::vector<std::string> symbols, double clusterThreshold, Actor actor,
                                 const std::string& reason, Reply reply) = 0;
    virtual void changeLimits(std::vector<std::pair<std::string, std::string>> changes, Actor actor,
                              const std::string& reason, Reply reply) = 0;

    // What comes out: every published snapshot (on the engine thread) until the
    // subscription goes, and the last one published (any thread).
    virtual SnapshotSubscription subscribeSnapshots(SnapshotSink sink) = 0;
    virtual SnapshotPtr latest() const = 0;

    // Facts fixed when the session was set up.
    virtual const RegimeNames& sessionRegimes() const = 0; // the regimes an agent file may name
    virtual const RiskLimits& startingLimits() const = 0;  // before the first snapshot shows the live ones
};

} // namespace hm
