#include "quickfix_baseline.h"

#include "fix/fix_venue.h" // findFreeLoopbackPort

#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/NullStore.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>
#include <quickfix/SocketInitiator.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/NewOrderSingle.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace {

using Clock = std::chrono::steady_clock;

struct Acceptor : FIX::Application {
    std::atomic<long> id{0};
    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID&) override {}
    void onLogout(const FIX::SessionID&) override {}
    void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
    void fromAdmin(const FIX::Message&, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                     FIX::IncorrectTagValue, FIX::RejectLogon) override {}
    void fromApp(const FIX::Message& m, const FIX::SessionID& s) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override
    {
        FIX::ClOrdID cl;
        FIX::Side side;
        FIX::OrderQty qty;
        m.getField(cl);
        m.getField(side);
        m.getField(qty);
        const long n = ++id;
        FIX44::ExecutionReport er(FIX::OrderID("B" + std::to_string(n)), FIX::ExecID("BE" + std::to_string(n)),
                                  FIX::ExecType(FIX::ExecType_NEW), FIX::OrdStatus(FIX::OrdStatus_NEW), side,
                                  FIX::LeavesQty(qty.getValue()), FIX::CumQty(0), FIX::AvgPx(0));
        er.set(cl);
        er.set(FIX::Symbol("HMX"));
        FIX::Session::sendToTarget(er, s);
    }
};

struct Initiator : FIX::Application {
    std::atomic<bool> loggedOn{false};
    std::atomic<long> received{0};
    std::mutex mutex;
    std::unordered_map<std::string, Clock::time_point> sent;
    std::vector<double> rtts;
    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID&) override { loggedOn = true; }
    void onLogout(const FIX::SessionID&) override { loggedOn = false; }
    void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
    void fromAdmin(const FIX::Message&, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                     FIX::IncorrectTagValue, FIX::RejectLogon) override {}
    void fromApp(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override
    {
        const auto now = Clock::now();
        FIX::ClOrdID cl;
        m.getField(cl);
        std::lock_guard<std::mutex> lock(mutex);
        auto it = sent.find(cl.getValue());
        if (it != sent.end()) {
            rtts.push_back(std::chrono::duration<double, std::micro>(now - it->second).count());
            sent.erase(it);
        }
        ++received;
    }
};

} // namespace

BaselineResult runQuickfixBaseline(const std::string& dictionary, const std::string& directory, int pacedOrders,
                                   int paceUs, int burstOrders)
{
    const int port = hm::findFreeLoopbackPort();
    FIX::Dictionary common;
    common.setString("StartTime", "00:00:00");
    common.setString("EndTime", "00:00:00");
    common.setString("UseDataDictionary", "Y");
    common.setString("DataDictionary", dictionary);
    common.setString("SocketNodelay", "Y");
    FIX::SessionSettings as, is;
    FIX::Dictionary ad = common;
    ad.setString("ConnectionType", "acceptor");
    ad.setInt("SocketAcceptPort", port);
    as.set(ad);
    as.set(FIX::SessionID("FIX.4.4", "BASEACC", "BASEINI"), FIX::Dictionary());
    FIX::Dictionary id = common;
    id.setString("ConnectionType", "initiator");
    id.setString("SocketConnectHost", "127.0.0.1");
    id.setInt("SocketConnectPort", port);
    id.setInt("HeartBtInt", 30);
    id.setInt("ReconnectInterval", 1);
    is.set(id);
    const FIX::SessionID sid("FIX.4.4", "BASEINI", "BASEACC");
    is.set(sid, FIX::Dictionary());
    // Both sides persist to disk, as the gateway and venue do.
    FIX::FileStoreFactory accStore(directory + "/acc"), iniStore(directory + "/ini");
    Acceptor acc;
    Initiator ini;
    FIX::SocketAcceptor acceptor(acc, accStore, as);
    FIX::SocketInitiator initiator(ini, iniStore, is);
    acceptor.start();
    initiator.start();
    while (!ini.loggedOn)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));

    auto sendOne = [&](int i, const char* prefix) {
        FIX44::NewOrderSingle o(FIX::ClOrdID(prefix + std::to_string(i)), FIX::Side(FIX::Side_BUY),
                                FIX::TransactTime(FIX::UtcTimeStamp(), 6), FIX::OrdType(FIX::OrdType_LIMIT));
        o.set(FIX::Symbol("HMX"));
        o.set(FIX::OrderQty(100));
        o.set(FIX::Price(1.0));
        o.set(FIX::TimeInForce(FIX::TimeInForce_DAY));
        {
            std::lock_guard<std::mutex> lock(ini.mutex);
            ini.sent[prefix + std::to_string(i)] = Clock::now();
        }
        FIX::Session::sendToTarget(o, sid);
    };
    BaselineResult result;
    auto next = Clock::now();
    for (int i = 0; i < pacedOrders; ++i) {
        std::this_thread::sleep_until(next);
        next += std::chrono::microseconds(paceUs);
        sendOne(i, "P");
    }
    while (ini.received < pacedOrders)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    {
        std::lock_guard<std::mutex> lock(ini.mutex);
        result.roundTripsUs = ini.rtts;
    }
    const long before = ini.received;
    const auto t0 = Clock::now();
    for (int i = 0; i < burstOrders; ++i)
        sendOne(i, "T");
    while (ini.received < before + burstOrders)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    result.ordersPerSecond = burstOrders / std::chrono::duration<double>(Clock::now() - t0).count();
    initiator.stop();
    acceptor.stop();
    return result;
}
