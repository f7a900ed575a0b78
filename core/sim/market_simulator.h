#pragma once
// The agent-based market simulator on the project's own matching engine, in virtual
// time. Background populations (noise traders, market makers, informed and momentum
// traders, flash-crash sellers) meet in one OrderBook; our orders go into the same
// book. Impact is not a formula: our fills consume liquidity (temporary), and every
// taker's flow, ours included, moves the makers' consensus value (permanent, until
// informed traders pull it back toward the fundamental) and their transient pressure.
// A seed and a configuration reproduce a session exactly. C++14-clean header.
#include "book/order_book.h"
#include "sim/sim_config.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace hm {

enum class SimEventKind : std::uint8_t { Limit, Market, Cancel, Trade, RegimeSwitch };
enum class SimActor : std::uint8_t { Noise, MarketMaker, Informed, Momentum, Crash, Own, Replay };

// One thing that happened, with the true regime at that moment.
struct SimEvent {
    double time = 0; // virtual seconds since the start
    SimEventKind kind = SimEventKind::Limit;
    SimActor actor = SimActor::Noise;
    Side side = Side::Buy;
    Price price = 0;
    Quantity qty = 0;
    std::uint64_t orderRef = 0;
    int regime = 0;
};

// A fill of one of our orders (taker or maker).
struct SimFill {
    std::uint64_t ref = 0;
    Side side = Side::Buy;
    Price price = 0;
    Quantity qty = 0;
    double time = 0;
    bool maker = false;
};

struct SimCounters {
    std::uint64_t bookEvents = 0; // commands to the book: adds, cancels, replaces
    std::uint64_t decisions = 0;  // background participants' decisions
    std::uint64_t trades = 0;
    Quantity volume = 0;          // units traded, everyone
    std::uint64_t regimeSwitches = 0;
    std::uint64_t crashes = 0;
};

class MarketSimulator {
public:
    // startRegime < 0: the configuration's initial regime. startTime: virtual seconds
    // into the trading day, so that the intraday profile applies.
    MarketSimulator(const SimConfig& config, std::uint64_t seed, int startRegime = -1, double startTime = 0);
    ~MarketSimulator();
    MarketSimulator(const MarketSimulator&) = delete;
    MarketSimulator& operator=(const MarketSimulator&) = delete;

    // Runs the background populations up to virtual time t (seconds).
    void runUntil(double t);
    double now() const;

    const OrderBook& book() const;
    const SimConfig& config() const;
    Price twiceMid() const; // 0 when a side is empty
    int regime() const;
    const std::string& regimeName() const;
    // Switches now (demos, tests, per-regime episodes); the chain goes on from here.
    void forceRegime(int index);
    bool inCrash() const;
    double fundamentalTicks() const;
    double consensusTicks() const;
    const SimCounters& counters() const;
    // A universe's driver (multi_asset_simulator.h) moves the fundamental from its factor
    // model, and the makers' belief when a correlated peer moves. Only with a
    // configuration whose externallyDriven is set; otherwise the fundamental diffuses.
    void setFundamentalTicks(double ticks);
    void shiftBelief(double ticks);

    // Our orders. ref must be below 2^62 (the simulator's own refs use the top bits).
    // A limit order rests with what is left; IOC or market orders do not rest.
    OrderBook::Result submit(std::uint64_t ref, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty);
    bool cancel(OrderBook::Handle handle);
    OrderBook::Result replace(OrderBook::Handle handle, Side side, Price price, Quantity leaves);
    // Fills of our orders since the last call, in order.
    std::vector<SimFill> takeOwnFills();

    void setEventSink(std::function<void(const SimEvent&)> sink); // every event; empty to stop
    // The book's events after each background participant's command (a venue turns
    // them into market data and fills of its clients' resting orders). Our own
    // commands' events are read from book().events() by the caller, as with a bare book.
    void setBookListener(std::function<void(const std::vector<BookEvent>&)> listener);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace hm
