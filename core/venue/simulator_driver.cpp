#include "venue/simulator_driver.h"

#include "model/thread_name.h"
#include "sim/market_simulator.h"
#include "sim/multi_asset_simulator.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace hm {
namespace {
constexpr Price kDefaultReference = 1885;
} // namespace

SimulatorDriver::SimulatorDriver(OrderStore& store, std::function<void()> flush)
    : m_store(store), m_flush(std::move(flush))
{
}

SimulatorDriver::~SimulatorDriver() { stop(); }

void SimulatorDriver::openMarkets(const VenueConfig& c)
{
    m_simulated = c.flowOrdersPerSecond > 0;
    m_simSpeed = c.simSpeed;
    m_marketDataIntervalMs = c.marketDataIntervalMs;
    SimConfig simConfig;
    if (m_simulated) {
        simConfig = defaultSimConfig();
        if (!c.simConfigPath.empty()) {
            const std::string error = loadSimConfig(c.simConfigPath, simConfig);
            if (!error.empty())
                throw std::runtime_error("venue: " + error);
        }
        if (!c.regime.empty() && simConfig.regimeIndex(c.regime) < 0) {
            std::string names;
            for (const auto& r : simConfig.regimes)
                names += (names.empty() ? "" : ", ") + r.name;
            throw std::runtime_error("venue: unknown regime '" + c.regime + "' (known: " + names + ")");
        }
        m_simStart = c.simStartTimeOfDayS;
    }
    // The instruments of the configuration's universe trade on its correlated books; any
    // other instrument gets a simulator of its own.
    std::vector<Instrument> members;
    if (m_simulated && !simConfig.universe.members.empty()) {
        for (const Instrument& ins : c.instruments) {
            const int index = simConfig.universe.indexOf(ins.symbol);
            if (index < 0)
                continue;
            const Instrument& own = simConfig.universe.members[static_cast<std::size_t>(index)].instrument;
            if (own.tickSize != ins.tickSize || own.lotSize != ins.lotSize)
                throw std::runtime_error("venue: " + ins.symbol + " has tick " + std::to_string(ins.tickSize) + " lot "
                                         + std::to_string(ins.lotSize) + ", the simulator's universe says tick "
                                         + std::to_string(own.tickSize) + " lot " + std::to_string(own.lotSize));
            members.push_back(ins);
        }
        if (!members.empty()) {
            // Only the listed names are simulated; their factor structure is the same.
            SimConfig sc = simConfig;
            sc.universe.members.clear();
            for (const UniverseMember& m : simConfig.universe.members)
                for (const Instrument& ins : members)
                    if (ins.symbol == m.instrument.symbol)
                        sc.universe.members.push_back(m);
            if (!c.regime.empty())
                sc.schedule = {ScheduleEntry{0, c.regime}};
            std::unique_ptr<MultiAssetSimulator> universe(new MultiAssetSimulator(sc, c.seed, -1, m_simStart - 120));
            notify(m_store.addSimulatedUniverse(std::move(universe), members, m_simStart));
        }
    }
    for (std::size_t i = 0; i < c.instruments.size(); ++i) {
        const Instrument& ins = c.instruments[i];
        if (simConfig.universe.indexOf(ins.symbol) >= 0 && m_simulated)
            continue; // on the universe's books
        const Price reference = i < c.referencePrices.size() ? c.referencePrices[i] : kDefaultReference;
        if (!m_simulated) {
            m_store.addMarket(ins, reference);
            m_store.seedBook(ins.symbol);
            continue;
        }
        // The configured simulator, priced around this instrument's reference, warmed
        // up before the first client sees it.
        SimConfig sc = simConfig;
        sc.instrument = ins;
        sc.initialPrice = ins.toPrice(reference);
        if (sc.lot % std::max<Quantity>(1, ins.lotSize) != 0)
            sc.lot = 100 * std::max<Quantity>(1, ins.lotSize);
        if (!c.regime.empty())
            sc.schedule = {ScheduleEntry{0, c.regime}}; // held for the demonstration
        std::unique_ptr<MarketSimulator> sim(new MarketSimulator(sc, c.seed + i, -1, m_simStart - 120));
        notify(m_store.addSimulatedMarket(ins, reference, std::move(sim), m_simStart));
    }
}

void SimulatorDriver::start()
{
    if (m_running.exchange(true))
        return;
    m_thread = std::thread([this] {
        nameThisThread("hm-venue-sim");
        run();
    });
}

void SimulatorDriver::stop()
{
    if (!m_running.exchange(false))
        return;
    if (m_thread.joinable())
        m_thread.join();
}

void SimulatorDriver::setRegimeListener(RegimeListener listener)
{
    std::lock_guard<std::mutex> lock(m_listenerMutex);
    m_listener = std::move(listener);
}

void SimulatorDriver::notify(const std::vector<RegimeChange>& changes)
{
    if (changes.empty())
        return;
    RegimeListener listener;
    {
        std::lock_guard<std::mutex> lock(m_listenerMutex);
        listener = m_listener;
    }
    if (listener)
        for (const auto& c : changes)
            listener(c.symbol, c.regime);
}

void SimulatorDriver::run()
{
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    auto lastPublish = start;
    // The simulator steps every millisecond; a quiet market (no simulator) only has
    // market data to conflate, so it wakes at that cadence instead of 1,000 times a second.
    const auto interval = std::chrono::milliseconds(m_marketDataIntervalMs);
    const auto tick = std::chrono::milliseconds(m_simulated ? 1 : std::max(1, m_marketDataIntervalMs));
    while (m_running.load()) {
        std::this_thread::sleep_for(tick);
        const auto now = clock::now();
        const double elapsed = std::chrono::duration<double>(now - start).count();
        const bool publish = now - lastPublish >= interval;
        if (publish)
            lastPublish = now;
        const std::vector<RegimeChange> changes = m_store.advance(m_simStart + elapsed * m_simSpeed, publish);
        m_flush();
        notify(changes);
    }
}

} // namespace hm
