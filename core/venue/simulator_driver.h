#pragma once
// The venue's background: it opens each configured market (the market simulator, or a
// quiet seeded book) in the order store, and its thread (hm-venue-sim) steps the
// simulators with the wall clock and publishes the books at the market-data cadence.
// After each step it hands the store's outbox to `flush` (the FIX side sends it).
// Plain C++14, no QuickFIX.
#include "venue/order_store.h"
#include "venue/venue_config.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace hm {

class SimulatorDriver {
public:
    using RegimeListener = std::function<void(const std::string& symbol, const std::string& regime)>;

    SimulatorDriver(OrderStore& store, std::function<void()> flush);
    ~SimulatorDriver();
    SimulatorDriver(const SimulatorDriver&) = delete;
    SimulatorDriver& operator=(const SimulatorDriver&) = delete;

    // Opens every market of the configuration; throws std::runtime_error naming a
    // simulator configuration or a regime that is wrong.
    void openMarkets(const VenueConfig& config);
    void start();
    void stop(); // joins the thread

    // Told of every change of a simulator's true regime, on the thread that found it,
    // with no lock held.
    void setRegimeListener(RegimeListener listener);

private:
    void run();
    void notify(const std::vector<RegimeChange>& changes);

    OrderStore& m_store;
    std::function<void()> m_flush;
    bool m_simulated = false;
    double m_simStart = 0; // virtual time of day when the venue opened
    double m_simSpeed = 1.0;
    int m_marketDataIntervalMs = 20;
    std::mutex m_listenerMutex; // guards m_listener only; never held while calling it
    RegimeListener m_listener;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
};

} // namespace hm
