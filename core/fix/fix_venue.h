#pragma once
// The embedded simulated venue: the project's matching engine behind a QuickFIX
// acceptor on 127.0.0.1, its market driven by the market simulator (core/sim) in step
// with the wall clock, or quiet (only a seeded book) for tests and benchmarks.
// Plain C++14 interface; QuickFIX stays inside fix_venue.cpp.
#include "fix/order_fields.h"
#include "model/types.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hm {

struct VenueConfig {
    int port = 0;                 // 0: pick a free loopback port
    std::uint64_t seed = 1;
    std::vector<Instrument> instruments;
    std::vector<Price> referencePrices; // per instrument, ticks; defaults to 1885
    std::string dataDictionary;   // path to the FIX 4.4 dictionary XML
    std::string storeDirectory;   // acceptor message store and logs
    std::string compId = "HMVENUE";
    std::vector<std::string> clientCompIds{"HELMSMAN"};
    std::string password;         // when set, Logon must carry it in tag 554
    double flowOrdersPerSecond = 300; // 0: a quiet market; otherwise the simulator drives it
    std::string simConfigPath;        // empty: the built-in default (resources/sim/default.json)
    std::string regime;               // hold this regime (demonstrations); empty: the Markov chain
    double simStartTimeOfDayS = 3600; // where in the simulated trading day the venue opens
    double simSpeed = 1.0;            // virtual seconds per wall second
    int marketDataIntervalMs = 20;    // incremental refreshes are conflated to this cadence
    int depthLevels = 10;
    // Orders above these are refused by name (the products stay far inside an int64).
    Quantity maxOrderQty = fixconv::kMaxOrderQuantity;
    Price maxPriceTicks = fixconv::kMaxPriceTicks;
    bool logMessages = false;
};

struct VenueStats {
    std::uint64_t ordersReceived = 0;
    std::uint64_t executionReports = 0;
    std::uint64_t cancelRejects = 0;
    std::uint64_t flowOrders = 0;
    std::uint64_t trades = 0;
    std::uint64_t marketDataMessages = 0;
};

class FixVenue {
public:
    explicit FixVenue(VenueConfig config);
    ~FixVenue();
    FixVenue(const FixVenue&) = delete;
    FixVenue& operator=(const FixVenue&) = delete;

    void start(); // throws std::runtime_error naming what is wrong
    void stop();
    int port() const;
    VenueStats stats() const;

    // Test and demo hooks: a background participant's order, and a dropped connection.
    void submitFlowOrder(const std::string& symbol, Side side, OrderType type, Price price, Quantity qty);
    void dropSessions();
    // The simulator's true regime per instrument ("" for a quiet market), and a listener
    // told of every change (on the venue's thread).
    std::string regime(const std::string& symbol) const;
    void setRegimeListener(std::function<void(const std::string& symbol, const std::string& regime)> listener);
    bool anyClientLoggedOn() const;
    Price bestBid(const std::string& symbol) const;
    Price bestAsk(const std::string& symbol) const;

    static Instrument defaultInstrument();
    static std::vector<Instrument> parseInstruments(const std::string& list); // "SYM[:tick[:lot[:ccy]]],..."

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

int findFreeLoopbackPort(); // throws std::runtime_error when none can be bound
// Empty when the port, depth and order limits are in range; otherwise what is not.
std::string checkVenueLimits(const VenueConfig& config);

} // namespace hm
