#pragma once
// What the simulated venue is told at start, and what it counts. Plain C++14.
#include "fix/order_fields.h"
#include "model/types.h"

#include <cstdint>
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

// Empty when the port, depth and order limits are in range; otherwise what is not.
std::string checkVenueLimits(const VenueConfig& config);

} // namespace hm
