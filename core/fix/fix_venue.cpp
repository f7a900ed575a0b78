#include "fix/fix_venue.h"

#include "fix/session_support.h"
#include "venue/order_store.h"
#include "venue/simulator_driver.h"
#include "fix/venue_application.h"

#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

namespace hm {
namespace {

const char* const kOrderLedgerFile = "orders.ledger";

void makeDir(const std::string& path)
{
    if (!path.empty())
        ::mkdir(path.c_str(), 0755);
}

OrderStoreLimits limitsOf(const VenueConfig& c)
{
    OrderStoreLimits l;
    l.maxOrderQty = c.maxOrderQty;
    l.maxPriceTicks = c.maxPriceTicks;
    l.depthLevels = c.depthLevels;
    return l;
}

std::vector<FIX::SessionID> sessionsOf(const VenueConfig& c)
{
    std::vector<FIX::SessionID> out;
    for (const auto& client : c.clientCompIds)
        out.push_back(FIX::SessionID("FIX.4.4", c.compId, client));
    return out;
}

std::map<std::string, Instrument> instrumentsOf(const VenueConfig& c)
{
    std::map<std::string, Instrument> out;
    for (const auto& i : c.instruments)
        out[i.symbol] = i;
    return out;
}

VenueConfig withDefaults(VenueConfig c)
{
    if (c.instruments.empty())
        c.instruments.push_back(defaultInstrument());
    return c;
}

} // namespace

// Locks, all of them. The order store's mutex guards every order, book, simulator and
// the outbox; it is held only inside the store's own methods, which call nothing else,
// so any thread may take it, QuickFIX's onLogout (which holds its session lock)
// included. The application's send mutex is the turn to send: whoever sends holds it,
// takes the store's whole outbox and sends it, so the wire keeps the order in which the
// store changed (QuickFIX's thread holds it around its change to the store too, so what
// a client's message causes leaves from that thread). It is the only lock held while
// calling QuickFIX, and no callback that holds a session lock takes it. Order: send
// mutex, then store mutex, never the reverse. The driver's listener mutex is a leaf,
// never held while calling the listener.
struct FixVenue::Impl {
    explicit Impl(VenueConfig c)
        : config(withDefaults(std::move(c))),
          store(limitsOf(config)),
          application(store, sessionsOf(config), instrumentsOf(config), config.password),
          driver(store, [this] { application.flush(); })
    {
    }

    VenueConfig config;
    OrderStore store;
    VenueApplication application;
    SimulatorDriver driver;
    std::unique_ptr<FIX::SessionSettings> settings;
    std::unique_ptr<MaskedFileStoreFactory> storeFactory;
    std::unique_ptr<MaskedLogFactory> logFactory;
    std::unique_ptr<FIX::SocketAcceptor> acceptor; // destroyed first: it calls the application
    std::atomic<bool> running{false};
};

FixVenue::FixVenue(VenueConfig config) : m_impl(new Impl(std::move(config))) {}

FixVenue::~FixVenue() { stop(); }

void FixVenue::start()
{
    Impl& d = *m_impl;
    if (d.running.load())
        return;
    VenueConfig& c = d.config;
    if (c.dataDictionary.empty() || ::access(c.dataDictionary.c_str(), R_OK) != 0)
        throw std::runtime_error("venue: FIX data dictionary not readable: '" + c.dataDictionary + "'");
    if (c.storeDirectory.empty())
        throw std::runtime_error("venue: no store directory given");
    const std::string invalid = checkVenueLimits(c);
    if (!invalid.empty())
        throw std::runtime_error("venue: " + invalid);
    if (c.port == 0)
        c.port = findFreeLoopbackPort();
    makeDir(c.storeDirectory);
    // The client orders of earlier runs on this directory come back before any client
    // can ask about them; a ledger that does not read stops the start, naming the line.
    d.store.openLedger(c.storeDirectory + "/" + kOrderLedgerFile);
    d.store.setIdPrefix(std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count()
                                       % 100000000)
                        + "-");
    d.driver.openMarkets(c); // throws naming a bad simulator configuration or regime

    FIX::Dictionary defaults;
    defaults.setString(FIX::CONNECTION_TYPE, "acceptor");
    defaults.setInt(FIX::SOCKET_ACCEPT_PORT, c.port);
    defaults.setString(FIX::START_TIME, "00:00:00");
    defaults.setString(FIX::END_TIME, "00:00:00");
    defaults.setString(FIX::USE_DATA_DICTIONARY, "Y");
    defaults.setString(FIX::DATA_DICTIONARY, c.dataDictionary);
    defaults.setString(FIX::FILE_STORE_PATH, c.storeDirectory);
    defaults.setString(FIX::SOCKET_NODELAY, "Y");
    // A venue is strict: every tag must be known to the dictionary and belong to its
    // message, groups must be whole (leniency is the gateway's, towards brokers).
    defaults.setString(FIX::ALLOW_UNKNOWN_MSG_FIELDS, "N");
    defaults.setString(FIX::VALIDATE_USER_DEFINED_FIELDS, "Y");
    defaults.setString(FIX::VALIDATE_FIELDS_OUT_OF_ORDER, "Y");
    defaults.setString(FIX::VALIDATE_FIELDS_HAVE_VALUES, "Y");
    d.settings.reset(new FIX::SessionSettings());
    try {
        d.settings->set(defaults);
        for (const auto& id : d.application.sessions())
            d.settings->set(id, FIX::Dictionary());
        d.storeFactory.reset(new MaskedFileStoreFactory(c.storeDirectory));
        d.logFactory.reset(new MaskedLogFactory(c.storeDirectory, c.logMessages, "venue", nullptr));
        d.acceptor.reset(new FIX::SocketAcceptor(d.application, *d.storeFactory, *d.settings, *d.logFactory));
        d.acceptor->start();
    } catch (const std::exception& e) {
        d.acceptor.reset();
        throw std::runtime_error(std::string("venue: cannot start FIX acceptor on port ") + std::to_string(c.port)
                                 + ": " + e.what());
    }
    d.running = true;
    d.driver.start();
    spdlog::info("venue: FIX 4.4 acceptor listening on port {} ({} instrument(s), seed {})", c.port,
                 c.instruments.size(), c.seed);
}

void FixVenue::stop()
{
    Impl& d = *m_impl;
    if (!d.running.exchange(false))
        return;
    d.driver.stop();
    try {
        d.acceptor->stop();
    } catch (const std::exception& e) {
        spdlog::warn("venue: stop: {}", e.what());
    }
    d.acceptor.reset();
}

int FixVenue::port() const { return m_impl->config.port; }

VenueStats FixVenue::stats() const
{
    const Impl& d = *m_impl;
    VenueStats s;
    s.ordersReceived = d.application.ordersReceived();
    s.executionReports = d.application.executionReports();
    s.cancelRejects = d.application.cancelRejects();
    s.marketDataMessages = d.application.marketDataMessages();
    s.flowOrders = d.store.flowOrders();
    s.trades = d.store.trades();
    return s;
}

void FixVenue::submitFlowOrder(const std::string& symbol, Side side, OrderType type, Price price, Quantity qty)
{
    const TimeInForce tif = type == OrderType::Market ? TimeInForce::ImmediateOrCancel : TimeInForce::Day;
    if (!m_impl->store.flowOrder(symbol, side, type, tif, price, qty))
        throw std::runtime_error("venue: unknown symbol " + symbol);
    m_impl->application.flush(); // fills of client orders go out now, as for a client's own order
}

std::string FixVenue::regime(const std::string& symbol) const { return m_impl->store.regime(symbol); }

void FixVenue::setRegimeListener(std::function<void(const std::string&, const std::string&)> listener)
{
    m_impl->driver.setRegimeListener(std::move(listener));
}

void FixVenue::dropSessions()
{
    for (const auto& id : m_impl->application.sessions()) {
        FIX::Session* s = FIX::Session::lookupSession(id);
        if (s)
            s->disconnect();
    }
}

bool FixVenue::anyClientLoggedOn() const { return m_impl->application.anyClientLoggedOn(); }

Price FixVenue::bestBid(const std::string& symbol) const { return m_impl->store.bestBid(symbol); }

Price FixVenue::bestAsk(const std::string& symbol) const { return m_impl->store.bestAsk(symbol); }

Instrument FixVenue::defaultInstrument() { return hm::defaultInstrument(); }

std::vector<Instrument> FixVenue::parseInstruments(const std::string& list) { return parseInstrumentList(list); }

} // namespace hm
