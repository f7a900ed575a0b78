#pragma once
// Shared by the FIX tests: a listener that records what the gateway delivers, and a
// venue plus gateway pair on loopback in a temporary directory.
#include "fix/fix_gateway.h"
#include "fix/fix_venue.h"
#include "oms/order_manager.h"

#include <QTemporaryDir>

#include <memory>
#include <mutex>
#include <vector>

namespace hm::test {

class RecordingListener : public GatewayListener {
public:
    void onExecutionReport(const ExecutionReport& r) override
    {
        std::lock_guard<std::mutex> l(m);
        reports.push_back(r);
        oms.onExecutionReport(r, wallNs());
    }
    void onCancelReject(const CancelReject& r) override
    {
        std::lock_guard<std::mutex> l(m);
        cancelRejects.push_back(r);
        oms.onCancelReject(r, wallNs());
    }
    void onMarketData(const MarketDataSnapshot& s) override
    {
        std::lock_guard<std::mutex> l(m);
        snapshots.push_back(s);
    }
    void onMarketData(const MarketDataUpdate& u) override
    {
        std::lock_guard<std::mutex> l(m);
        updates.push_back(u);
    }
    void onSessionEvent(const SessionEvent& e) override
    {
        std::lock_guard<std::mutex> l(m);
        sessionEvents.push_back(e);
    }
    void onSecurityList(const SecurityListEvent& e) override
    {
        std::lock_guard<std::mutex> l(m);
        securityLists.push_back(e);
    }
    std::vector<ExecutionReport> reportsFor(const std::string& id)
    {
        std::lock_guard<std::mutex> l(m);
        std::vector<ExecutionReport> out;
        for (const auto& r : reports)
            if (r.clOrdId == id || r.origClOrdId == id)
                out.push_back(r);
        return out;
    }
    OrderStatus status(const std::string& id)
    {
        std::lock_guard<std::mutex> l(m);
        const OrderRecord* o = oms.find(id);
        return o ? o->status : OrderStatus::PendingNew;
    }
    template <typename F>
    auto with(F f)
    {
        std::lock_guard<std::mutex> l(m);
        return f(*this);
    }

    std::mutex m;
    std::vector<ExecutionReport> reports;
    std::vector<CancelReject> cancelRejects;
    std::vector<MarketDataSnapshot> snapshots;
    std::vector<MarketDataUpdate> updates;
    std::vector<SessionEvent> sessionEvents;
    std::vector<SecurityListEvent> securityLists;
    OrderManager oms; // the real state machine, fed from the gateway's threads under the lock
};

struct Loopback {
    QTemporaryDir dir;
    std::string password = "s3cret-Pa55word";
    std::unique_ptr<FixVenue> venue;
    std::string settings;
    RecordingListener listener;
    std::unique_ptr<FixGateway> gateway;

    // venueInstruments: what the venue serves (empty: its default, HMX); the gateway is
    // always configured with HMX alone. startNow false: the gateway is built, not started.
    explicit Loopback(double flow = 0.0, std::vector<Instrument> venueInstruments = {}, bool startNow = true)
    {
        VenueConfig vc;
        vc.dataDictionary = std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml";
        vc.storeDirectory = dir.filePath("venue").toStdString();
        vc.password = password;
        vc.flowOrdersPerSecond = flow;
        vc.marketDataIntervalMs = 10;
        vc.clientCompIds = {"HELMSMAN", "RAWCLIENT"};
        vc.instruments = std::move(venueInstruments);
        venue = std::make_unique<FixVenue>(vc);
        venue->start();
        settings = writeEmbeddedSessionSettings(dir.filePath("fix").toStdString(), venue->port(), vc.dataDictionary,
                                                password, {"HMX"});
        if (startNow)
            startGateway();
        else
            makeGateway();
    }
    void makeGateway()
    {
        GatewayConfig gc;
        gc.settingsFile = settings;
        gc.instruments = {FixVenue::defaultInstrument()};
        gateway = std::make_unique<FixGateway>(gc);
    }
    void startGateway()
    {
        makeGateway();
        gateway->setListener(&listener);
        gateway->start();
    }
    ~Loopback()
    {
        gateway.reset();
        venue.reset();
    }
};

inline OrderRequest limitOrder(const std::string& id, Side side, Price px, Quantity qty)
{
    OrderRequest o;
    o.clOrdId = id;
    o.symbol = "HMX";
    o.side = side;
    o.price = px;
    o.qty = qty;
    return o;
}

} // namespace hm::test
