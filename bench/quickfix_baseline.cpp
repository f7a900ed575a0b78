#include "quickfix_baseline.h"

#include "fix/loopback_port.h"
#include "fix/session_support.h" // the mapped store

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

struct QuickfixPair::Impl {
    FIX::SessionID sid;
    FIX::SessionSettings acceptorSettings, initiatorSettings;
    std::unique_ptr<FIX::MessageStoreFactory> accStore, iniStore;
    Acceptor acc;
    Initiator ini;
    std::unique_ptr<FIX::SocketAcceptor> acceptor;
    std::unique_ptr<FIX::SocketInitiator> initiator;
    long sent = 0;

    void sendOne()
    {
        const std::string id = "Q" + std::to_string(++sent);
        FIX44::NewOrderSingle o(FIX::ClOrdID(id), FIX::Side(FIX::Side_BUY), FIX::TransactTime(FIX::UtcTimeStamp(), 6),
                                FIX::OrdType(FIX::OrdType_LIMIT));
        o.set(FIX::Symbol("HMX"));
        o.set(FIX::OrderQty(100));
        o.set(FIX::Price(1.0));
        o.set(FIX::TimeInForce(FIX::TimeInForce_DAY));
        {
            std::lock_guard<std::mutex> lock(ini.mutex);
            ini.sent[id] = Clock::now();
        }
        FIX::Session::sendToTarget(o, sid);
    }

    void waitFor(long received)
    {
        while (ini.received < received)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
};

QuickfixPair::QuickfixPair(const std::string& dictionary, const std::string& directory, Store store)
    : m_impl(new Impl)
{
    Impl& d = *m_impl;
    // Session ids are global in QuickFIX: each pair has its own.
    const std::string tag = store == Store::QuickfixFileStore ? "F" : "M";
    const int port = hm::findFreeLoopbackPort();
    FIX::Dictionary common;
    common.setString("StartTime", "00:00:00");
    common.setString("EndTime", "00:00:00");
    common.setString("UseDataDictionary", "Y");
    common.setString("DataDictionary", dictionary);
    common.setString("SocketNodelay", "Y");
    FIX::Dictionary ad = common;
    ad.setString("ConnectionType", "acceptor");
    ad.setInt("SocketAcceptPort", port);
    d.acceptorSettings.set(ad);
    d.acceptorSettings.set(FIX::SessionID("FIX.4.4", "BASEACC" + tag, "BASEINI" + tag), FIX::Dictionary());
    FIX::Dictionary id = common;
    id.setString("ConnectionType", "initiator");
    id.setString("SocketConnectHost", "127.0.0.1");
    id.setInt("SocketConnectPort", port);
    id.setInt("HeartBtInt", 30);
    id.setInt("ReconnectInterval", 1);
    d.initiatorSettings.set(id);
    d.sid = FIX::SessionID("FIX.4.4", "BASEINI" + tag, "BASEACC" + tag);
    d.initiatorSettings.set(d.sid, FIX::Dictionary());
    // Both sides persist to disk, as the gateway and venue do.
    if (store == Store::QuickfixFileStore) {
        d.accStore.reset(new FIX::FileStoreFactory(directory + "/acc"));
        d.iniStore.reset(new FIX::FileStoreFactory(directory + "/ini"));
    } else {
        d.accStore.reset(new hm::MaskedFileStoreFactory(directory + "/acc"));
        d.iniStore.reset(new hm::MaskedFileStoreFactory(directory + "/ini"));
    }
    d.acceptor.reset(new FIX::SocketAcceptor(d.acc, *d.accStore, d.acceptorSettings));
    d.initiator.reset(new FIX::SocketInitiator(d.ini, *d.iniStore, d.initiatorSettings));
}

QuickfixPair::~QuickfixPair() { stop(); }

void QuickfixPair::start()
{
    m_impl->acceptor->start();
    m_impl->initiator->start();
    while (!m_impl->ini.loggedOn)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void QuickfixPair::paced(int n, int paceUs, std::vector<double>& roundTripsUs)
{
    Impl& d = *m_impl;
    const long target = d.ini.received + n;
    auto next = Clock::now();
    for (int i = 0; i < n; ++i) {
        std::this_thread::sleep_until(next);
        next += std::chrono::microseconds(paceUs);
        d.sendOne();
    }
    d.waitFor(target);
    std::lock_guard<std::mutex> lock(d.ini.mutex);
    roundTripsUs.insert(roundTripsUs.end(), d.ini.rtts.begin(), d.ini.rtts.end());
    d.ini.rtts.clear();
}

double QuickfixPair::burst(int n)
{
    Impl& d = *m_impl;
    const long target = d.ini.received + n;
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i)
        d.sendOne();
    d.waitFor(target);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::lock_guard<std::mutex> lock(d.ini.mutex);
    d.ini.rtts.clear();
    return seconds;
}

void QuickfixPair::stop()
{
    if (m_impl->initiator)
        m_impl->initiator->stop();
    if (m_impl->acceptor)
        m_impl->acceptor->stop();
    m_impl->initiator.reset();
    m_impl->acceptor.reset();
}
