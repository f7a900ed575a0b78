#pragma once
// The embedded simulated venue: the project's matching engine behind a QuickFIX
// acceptor on 127.0.0.1, its market driven by the market simulator (core/sim) in step
// with the wall clock, or quiet (only a seeded book) for tests and benchmarks.
// Its parts (core/venue): the FIX application (venue_application.h), the FIX-free order
// store (order_store.h), the market-data publisher (market_data_publisher.h) and the
// simulator driver (simulator_driver.h). Plain C++14 interface; QuickFIX stays inside.
#include "fix/instrument_list.h"
#include "fix/loopback_port.h"
#include "venue/venue_config.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hm {

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

    // The same as defaultInstrument() and parseInstrumentList() (fix/instrument_list.h).
    static Instrument defaultInstrument();
    static std::vector<Instrument> parseInstruments(const std::string& list); // "SYM[:tick[:lot[:ccy]]],..."

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace hm
