#pragma once
// The embedded simulated venue: the project's matching engine behind a QuickFIX
// acceptor on 127.0.0.1, with a background order flow that keeps the book alive.
// Plain C++14 interface; QuickFIX stays inside fix_venue.cpp.
#include "model/types.h"

#include <cstdint>
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
    double flowOrdersPerSecond = 300; // per instrument; 0 turns the background flow off
    int marketDataIntervalMs = 20;    // incremental refreshes are conflated to this cadence
    int depthLevels = 10;
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

} // namespace hm
