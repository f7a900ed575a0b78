#include "fix/fix_gateway.h"
#include "model/thread_name.h"

#include "fix/fix_convert.h"
#include "fix/session_support.h"

#include <quickfix/Application.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>
#include <quickfix/fix44/MarketDataIncrementalRefresh.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReject.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace hm {
namespace {

std::string trim(const std::string& s)
{
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> splitList(const std::string& list)
{
    std::vector<std::string> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!trim(item).empty())
            out.push_back(trim(item));
    return out;
}

} // namespace

struct FixGateway::Impl : public FIX::Application {
    GatewayConfig config;
    fixconv::InstrumentTable instruments;
    std::unique_ptr<FIX::SessionSettings> settings;
    std::unique_ptr<MaskedFileStoreFactory> storeFactory;
    std::unique_ptr<MaskedLogFactory> logFactory;
    Timestamp lastSend = 0; // engine thread only: set and read around send()
    std::unique_ptr<FIX::SocketInitiator> initiator;
    FIX::SessionID tradingSession;
    std::vector<std::string> subscribe;
    int marketDepth = 10;
    std::string username;
    std::string password;
    std::atomic<GatewayListener*> listener{nullptr};
    std::atomic<bool> loggedOn{false};
    std::atomic<bool> connecting{false};
    std::atomic<Timestamp> lastReceived{0};
    std::atomic<Timestamp> lastLogon{0};
    std::atomic<std::uint64_t> mdRequestSeq{0};
    mutable std::mutex logonMutex;
    mutable std::condition_variable logonCv;
    std::mutex subMutex;
    std::map<std::string, std::string> symbolByReqId;

    void emit(SessionEventKind kind, const std::string& text)
    {
        SessionEvent e;
        e.sessionId = tradingSession.toString();
        e.kind = kind;
        e.text = text;
        e.time = wallNs();
        if (GatewayListener* l = listener.load())
            l->onSessionEvent(e);
    }

    // --- FIX::Application -------------------------------------------------
    void onCreate(const FIX::SessionID& id) override { spdlog::info("fix: session {} created", id.toString()); }

    void onLogon(const FIX::SessionID& id) override
    {
        {
            std::lock_guard<std::mutex> lock(logonMutex);
            loggedOn = true;
            connecting = false;
        }
        lastLogon = wallNs();
        logonCv.notify_all();
        emit(SessionEventKind::Logon, "logged on to " + id.getTargetCompID().getValue());
        requestMarketData(id);
    }

    void onLogout(const FIX::SessionID& id) override
    {
        loggedOn = false;
        emit(SessionEventKind::Logout, "session " + id.toString() + " logged out");
    }

    void toAdmin(FIX::Message& m, const FIX::SessionID&) override
    {
        FIX::MsgType type;
        m.getHeader().getField(type);
        if (type.getValue() == FIX::MsgType_Logon) {
            if (!username.empty())
                m.setField(FIX::Username(username));
            if (!password.empty())
                m.setField(FIX::Password(password));
            connecting = true;
            emit(SessionEventKind::LogonSent, "logon sent");
        }
    }

    void toApp(FIX::Message& m, const FIX::SessionID&) throw(FIX::DoNotSend) override
    {
        // A resend would replay stale orders into a market that has moved on: gap-fill
        // instead. A market-data subscription is resent: without it the book stays empty.
        FIX::PossDupFlag possDup;
        if (m.getHeader().getFieldIfSet(possDup) && possDup.getValue()) {
            FIX::MsgType type;
            m.getHeader().getFieldIfSet(type);
            if (type.getValue() != FIX::MsgType_MarketDataRequest)
                throw FIX::DoNotSend();
        }
    }

    void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override
    {
        lastReceived = wallNs();
        FIX::MsgType type;
        m.getHeader().getField(type);
        const std::string& t = type.getValue();
        FIX::Text text;
        const std::string why = m.getFieldIfSet(text) ? text.getValue() : std::string();
        if (t == FIX::MsgType_Reject) {
            FIX::RefSeqNum ref;
            std::string what = "session reject";
            if (m.getFieldIfSet(ref))
                what += " of our message " + std::to_string(ref.getValue());
            emit(SessionEventKind::Reject, what + (why.empty() ? "" : ": " + why));
        } else if (t == FIX::MsgType_SequenceReset) {
            FIX::NewSeqNo next;
            m.getFieldIfSet(next);
            emit(SessionEventKind::SequenceReset, "sequence reset to " + std::to_string(next.getValue()));
        } else if (t == FIX::MsgType_ResendRequest) {
            emit(SessionEventKind::ResendRequest, "counterparty asked for a resend");
        } else if (t == FIX::MsgType_Logout && !why.empty()) {
            emit(SessionEventKind::Logout, "logout: " + why);
        }
    }

    void fromApp(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override
    {
        const Timestamp received = monoNs();
        static thread_local const bool named = (nameThisThread("hm-fix-gateway"), true); // QuickFIX's socket thread
        (void)named;
        lastReceived = wallNs();
        FIX::MsgType type;
        m.getHeader().getField(type);
        const std::string& t = type.getValue();
        GatewayListener* l = listener.load();
        if (t == FIX::MsgType_ExecutionReport) {
            ExecutionReport r = fixconv::executionReportFromFix(m, instruments);
            r.receivedMono = received;
            if (l)
                l->onExecutionReport(r);
        } else if (t == FIX::MsgType_OrderCancelReject) {
            onCancelReject(m, l);
        } else if (t == FIX::MsgType_MarketDataSnapshotFullRefresh) {
            onSnapshot(m, l);
        } else if (t == FIX::MsgType_MarketDataIncrementalRefresh) {
            onIncremental(m, l);
        } else if (t == FIX::MsgType_MarketDataRequestReject) {
            FIX::Text text;
            emit(SessionEventKind::Error,
                 "market data request rejected" + (m.getFieldIfSet(text) ? ": " + text.getValue() : std::string()));
        } else if (t == FIX::MsgType_BusinessMessageReject) {
            FIX::Text text;
            emit(SessionEventKind::BusinessReject,
                 "business reject" + (m.getFieldIfSet(text) ? ": " + text.getValue() : std::string()));
        } else {
            throw FIX::UnsupportedMessageType();
        }
    }

    void onCancelReject(const FIX::Message& m, GatewayListener* l)
    {
        CancelReject r;
        FIX::OrderID orderId;
        FIX::ClOrdID clOrdId;
        FIX::OrigClOrdID orig;
        FIX::OrdStatus status;
        FIX::CxlRejResponseTo to;
        m.getField(orderId);
        m.getField(clOrdId);
        m.getField(orig);
        m.getField(status);
        m.getField(to);
        r.orderId = orderId.getValue();
        r.clOrdId = clOrdId.getValue();
        r.origClOrdId = orig.getValue();
        r.ordStatus = fixconv::ordStatusFromFix(status.getValue());
        r.responseTo = to.getValue() == FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST
            ? CancelRejectResponseTo::Replace
            : CancelRejectResponseTo::Cancel;
        FIX::Text text;
        if (m.getFieldIfSet(text))
            r.text = text.getValue();
        if (l)
            l->onCancelReject(r);
    }

    void onSnapshot(const FIX::Message& m, GatewayListener* l)
    {
        FIX::Symbol symbol;
        m.getField(symbol);
        const Instrument& ins = instruments.get(symbol.getValue());
        MarketDataSnapshot s;
        s.symbol = symbol.getValue();
        s.time = wallNs();
        FIX::NoMDEntries count;
        if (m.getFieldIfSet(count)) {
            for (int i = 1; i <= count.getValue(); ++i) {
                FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
                m.getGroup(static_cast<unsigned>(i), g);
                FIX::MDEntryType type;
                FIX::MDEntryPx px;
                FIX::MDEntrySize size;
                g.get(type);
                if (!g.getIfSet(px) || !g.getIfSet(size))
                    continue;
                PriceLevel level{ins.toTicks(px.getValue()), static_cast<Quantity>(std::llround(size.getValue()))};
                if (type.getValue() == FIX::MDEntryType_BID)
                    s.bids.push_back(level);
                else if (type.getValue() == FIX::MDEntryType_OFFER)
                    s.asks.push_back(level);
            }
        }
        if (l)
            l->onMarketData(s);
    }

    void onIncremental(const FIX::Message& m, GatewayListener* l)
    {
        std::string defaultSymbol;
        FIX::MDReqID reqId;
        if (m.getFieldIfSet(reqId)) {
            std::lock_guard<std::mutex> lock(subMutex);
            auto it = symbolByReqId.find(reqId.getValue());
            if (it != symbolByReqId.end())
                defaultSymbol = it->second;
        }
        std::map<std::string, MarketDataUpdate> bySymbol;
        FIX::NoMDEntries count;
        m.getField(count);
        const Timestamp now = wallNs();
        for (int i = 1; i <= count.getValue(); ++i) {
            FIX44::MarketDataIncrementalRefresh::NoMDEntries g;
            m.getGroup(static_cast<unsigned>(i), g);
            FIX::MDUpdateAction action;
            FIX::MDEntryType type;
            FIX::Symbol symbol;
            FIX::MDEntryPx px;
            FIX::MDEntrySize size;
            g.get(action);
            if (!g.getIfSet(type) || !g.getIfSet(px))
                continue;
            const std::string sym = g.getIfSet(symbol) ? symbol.getValue() : defaultSymbol;
            if (sym.empty())
                continue;
            const Instrument& ins = instruments.get(sym);
            MarketDataUpdate& u = bySymbol[sym];
            u.symbol = sym;
            u.time = now;
            const Quantity qty = g.getIfSet(size) ? static_cast<Quantity>(std::llround(size.getValue())) : 0;
            if (type.getValue() == FIX::MDEntryType_TRADE) {
                u.trades.push_back(Trade{sym, ins.toTicks(px.getValue()), qty, now});
                continue;
            }
            if (type.getValue() != FIX::MDEntryType_BID && type.getValue() != FIX::MDEntryType_OFFER)
                continue;
            LevelChange c;
            c.side = type.getValue() == FIX::MDEntryType_BID ? Side::Buy : Side::Sell;
            c.action = action.getValue() == FIX::MDUpdateAction_NEW      ? LevelAction::New
                : action.getValue() == FIX::MDUpdateAction_CHANGE ? LevelAction::Change
                                                                  : LevelAction::Delete;
            c.price = ins.toTicks(px.getValue());
            c.qty = qty;
            u.changes.push_back(c);
        }
        if (l)
            for (const auto& kv : bySymbol)
                l->onMarketData(kv.second);
    }

    void requestMarketData(const FIX::SessionID& id)
    {
        for (const auto& symbol : subscribe) {
            const std::string reqId = "MD" + std::to_string(++mdRequestSeq) + "-" + symbol;
            {
                std::lock_guard<std::mutex> lock(subMutex);
                symbolByReqId[reqId] = symbol;
            }
            FIX44::MarketDataRequest v(FIX::MDReqID(reqId),
                                       FIX::SubscriptionRequestType(FIX::SubscriptionRequestType_SNAPSHOT_PLUS_UPDATES),
                                       FIX::MarketDepth(marketDepth));
            v.set(FIX::MDUpdateType(FIX::MDUpdateType_INCREMENTAL_REFRESH));
            for (char type : {FIX::MDEntryType_BID, FIX::MDEntryType_OFFER, FIX::MDEntryType_TRADE}) {
                FIX44::MarketDataRequest::NoMDEntryTypes g;
                g.set(FIX::MDEntryType(type));
                v.addGroup(g);
            }
            FIX44::MarketDataRequest::NoRelatedSym sym;
            sym.set(FIX::Symbol(symbol));
            v.addGroup(sym);
            try {
                FIX::Session::sendToTarget(v, id);
            } catch (const std::exception& e) {
                spdlog::warn("fix: market data request for {} failed: {}", symbol, e.what());
            }
        }
    }

    bool sendMessage(FIX::Message& m, std::string& error)
    {
        if (!loggedOn.load()) {
            error = "FIX session " + tradingSession.toString() + " is not logged on";
            return false;
        }
        lastSend = monoNs();
        try {
            if (!FIX::Session::sendToTarget(m, tradingSession)) {
                error = "FIX session refused to send";
                return false;
            }
        } catch (const std::exception& e) {
            error = std::string("FIX send failed: ") + e.what();
            return false;
        }
        return true;
    }

    void onLogEvent(const std::string& text)
    {
        if (text.find("Disconnecting") != std::string::npos) {
            if (loggedOn.exchange(false))
                emit(SessionEventKind::Disconnect, "disconnected");
            connecting = false;
        } else if (text.find("Connection failed") != std::string::npos) {
            connecting = false;
            emit(SessionEventKind::Error, text);
        } else if (text.find("Connecting to") != std::string::npos) {
            connecting = true;
        } else if (text.find("MsgSeqNum too") != std::string::npos || text.find("Invalid") != std::string::npos
                   || text.find("rejected") != std::string::npos) {
            emit(SessionEventKind::Error, text);
        }
    }
};

namespace {

void requireKey(const FIX::Dictionary& d, const std::string& key, const std::string& file, const std::string& session)
{
    if (!d.has(key))
        throw std::runtime_error("session settings '" + file + "': session " + session + " has no " + key);
}

} // namespace

FixGateway::FixGateway(GatewayConfig config) : m_impl(new Impl)
{
    Impl& d = *m_impl;
    d.config = std::move(config);
    for (const auto& i : d.config.instruments)
        d.instruments.add(i);
    const std::string& file = d.config.settingsFile;
    if (file.empty())
        throw std::runtime_error("no FIX session settings file given");
    if (::access(file.c_str(), R_OK) != 0)
        throw std::runtime_error("session settings '" + file + "': file not found or not readable");
    try {
        d.settings.reset(new FIX::SessionSettings(file));
    } catch (const std::exception& e) {
        throw std::runtime_error("session settings '" + file + "': " + e.what());
    }
    const std::set<FIX::SessionID> sessions = d.settings->getSessions();
    if (sessions.empty())
        throw std::runtime_error("session settings '" + file + "': no [SESSION] section");
    bool found = false;
    for (const auto& id : sessions) {
        const FIX::Dictionary& s = d.settings->get(id);
        const std::string name = id.toString();
        requireKey(s, FIX::CONNECTION_TYPE, file, name);
        if (s.getString(FIX::CONNECTION_TYPE) != "initiator")
            throw std::runtime_error("session settings '" + file + "': session " + name
                                     + " has ConnectionType=" + s.getString(FIX::CONNECTION_TYPE)
                                     + ", the gateway needs initiator");
        if (id.getBeginString().getValue() != "FIX.4.4")
            throw std::runtime_error("session settings '" + file + "': session " + name
                                     + " is not FIX.4.4 (BeginString=" + id.getBeginString().getValue() + ")");
        requireKey(s, FIX::SOCKET_CONNECT_HOST, file, name);
        requireKey(s, FIX::SOCKET_CONNECT_PORT, file, name);
        requireKey(s, FIX::FILE_STORE_PATH, file, name);
        try {
            s.getInt(FIX::SOCKET_CONNECT_PORT);
            s.getInt(FIX::HEARTBTINT);
        } catch (const std::exception& e) {
            throw std::runtime_error("session settings '" + file + "': session " + name + ": " + e.what());
        }
        if (s.has(FIX::USE_DATA_DICTIONARY) && s.getBool(FIX::USE_DATA_DICTIONARY)) {
            requireKey(s, FIX::DATA_DICTIONARY, file, name);
            const std::string dd = s.getString(FIX::DATA_DICTIONARY);
            if (::access(dd.c_str(), R_OK) != 0)
                throw std::runtime_error("session settings '" + file + "': DataDictionary '" + dd
                                         + "' not found or not readable");
        }
        if (!found) {
            found = true;
            d.tradingSession = id;
            if (s.has("Username"))
                d.username = s.getString("Username");
            if (s.has("Password"))
                d.password = s.getString("Password");
            if (s.has("HelmsmanSubscribe"))
                d.subscribe = splitList(s.getString("HelmsmanSubscribe"));
            if (s.has("HelmsmanMarketDepth")) {
                try {
                    d.marketDepth = s.getInt("HelmsmanMarketDepth");
                } catch (const std::exception&) {
                    throw std::runtime_error("session settings '" + file
                                             + "': HelmsmanMarketDepth must be a whole number");
                }
            }
        }
    }
    const FIX::Dictionary& first = d.settings->get(d.tradingSession);
    const std::string storeDir = first.getString(FIX::FILE_STORE_PATH);
    ::mkdir(storeDir.c_str(), 0755);
    const bool logMessages = first.has("HelmsmanLogMessages") && first.getBool("HelmsmanLogMessages");
    const std::string logDir = first.has(FIX::FILE_LOG_PATH) ? first.getString(FIX::FILE_LOG_PATH) : storeDir;
    Impl* impl = m_impl.get();
    d.storeFactory.reset(new MaskedFileStoreFactory(storeDir));
    d.logFactory.reset(new MaskedLogFactory(logDir, logMessages, "fix",
                                            [impl](const std::string&, const std::string& text) {
                                                impl->onLogEvent(text);
                                            }));
}

FixGateway::~FixGateway() { stop(); }

void FixGateway::setListener(GatewayListener* listener) { m_impl->listener = listener; }

void FixGateway::start()
{
    Impl& d = *m_impl;
    if (d.initiator)
        return;
    try {
        d.initiator.reset(new FIX::SocketInitiator(d, *d.storeFactory, *d.settings, *d.logFactory));
        d.initiator->start();
    } catch (const std::exception& e) {
        d.initiator.reset();
        throw std::runtime_error(std::string("FIX gateway cannot start: ") + e.what());
    }
    d.connecting = true;
}

void FixGateway::stop()
{
    Impl& d = *m_impl;
    if (!d.initiator)
        return;
    try {
        d.initiator->stop();
    } catch (const std::exception& e) {
        spdlog::warn("fix: stop: {}", e.what());
    }
    d.initiator.reset();
    d.loggedOn = false;
    d.connecting = false;
}

Timestamp FixGateway::lastSendMono() const { return m_impl->lastSend; }

bool FixGateway::send(const OrderRequest& o, std::string& error)
{
    const Instrument& ins = m_impl->instruments.get(o.symbol);
    FIX44::NewOrderSingle m(FIX::ClOrdID(o.clOrdId), FIX::Side(fixconv::sideToFix(o.side)),
                            FIX::TransactTime(FIX::UtcTimeStamp(), 6), FIX::OrdType(fixconv::ordTypeToFix(o.type)));
    m.set(FIX::Symbol(o.symbol));
    fixconv::setText(m, FIX::FIELD::OrderQty, fixconv::quantityText(o.qty));
    if (o.type == OrderType::Limit)
        fixconv::setText(m, FIX::FIELD::Price, fixconv::priceText(ins, o.price));
    m.set(FIX::TimeInForce(fixconv::tifToFix(o.tif)));
    return m_impl->sendMessage(m, error);
}

bool FixGateway::cancel(const CancelRequest& r, std::string& error)
{
    FIX44::OrderCancelRequest m(FIX::OrigClOrdID(r.origClOrdId), FIX::ClOrdID(r.clOrdId),
                                FIX::Side(fixconv::sideToFix(r.side)), FIX::TransactTime(FIX::UtcTimeStamp(), 6));
    m.set(FIX::Symbol(r.symbol));
    if (r.qty > 0)
        fixconv::setText(m, FIX::FIELD::OrderQty, fixconv::quantityText(r.qty));
    return m_impl->sendMessage(m, error);
}

bool FixGateway::replace(const ReplaceRequest& r, std::string& error)
{
    const Instrument& ins = m_impl->instruments.get(r.symbol);
    FIX44::OrderCancelReplaceRequest m(FIX::OrigClOrdID(r.origClOrdId), FIX::ClOrdID(r.clOrdId),
                                       FIX::Side(fixconv::sideToFix(r.side)), FIX::TransactTime(FIX::UtcTimeStamp(), 6),
                                       FIX::OrdType(fixconv::ordTypeToFix(r.type)));
    m.set(FIX::Symbol(r.symbol));
    fixconv::setText(m, FIX::FIELD::OrderQty, fixconv::quantityText(r.qty));
    if (r.type == OrderType::Limit)
        fixconv::setText(m, FIX::FIELD::Price, fixconv::priceText(ins, r.price));
    return m_impl->sendMessage(m, error);
}

std::vector<SessionStatus> FixGateway::status() const
{
    std::vector<SessionStatus> out;
    const Impl& d = *m_impl;
    SessionStatus s;
    s.sessionId = d.tradingSession.toString();
    s.state = d.loggedOn.load() ? SessionState::LoggedOn
        : (d.connecting.load() ? SessionState::Connecting : SessionState::Disconnected);
    if (FIX::Session* session = FIX::Session::lookupSession(d.tradingSession)) {
        s.nextSenderSeq = session->getExpectedSenderNum();
        s.nextTargetSeq = session->getExpectedTargetNum();
    }
    s.lastHeartbeat = d.lastReceived.load();
    s.lastLogon = d.lastLogon.load();
    out.push_back(s);
    return out;
}

bool FixGateway::waitForLogon(int timeoutMs) const
{
    std::unique_lock<std::mutex> lock(m_impl->logonMutex);
    return m_impl->logonCv.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                    [this] { return m_impl->loggedOn.load(); });
}

std::string FixGateway::sessionId() const { return m_impl->tradingSession.toString(); }

std::string writeEmbeddedSessionSettings(const std::string& directory, int port, const std::string& dictionary,
                                         const std::string& password, const std::vector<std::string>& symbols)
{
    ::mkdir(directory.c_str(), 0700);
    const std::string path = directory + "/embedded-session.cfg";
    std::ofstream out(path, std::ios::trunc);
    if (!out)
        throw std::runtime_error("cannot write session settings '" + path + "'");
    std::string subscribe;
    for (const auto& s : symbols)
        subscribe += (subscribe.empty() ? "" : ",") + s;
    out << "# Generated for the embedded venue; see resources/fix/session.cfg.template\n"
        << "[DEFAULT]\n"
        << "ConnectionType=initiator\n"
        << "ReconnectInterval=1\n"
        << "HeartBtInt=5\n"
        << "StartTime=00:00:00\nEndTime=00:00:00\n"
        << "FileStorePath=" << directory << "/store\n"
        << "FileLogPath=" << directory << "/log\n"
        << "UseDataDictionary=Y\n"
        << "DataDictionary=" << dictionary << "\n"
        << "AllowUnknownMsgFields=Y\nValidateUserDefinedFields=N\n"
        << "SocketNodelay=Y\n"
        << "HelmsmanLogMessages=N\n"
        << "\n[SESSION]\n"
        << "BeginString=FIX.4.4\n"
        << "SenderCompID=HELMSMAN\n"
        << "TargetCompID=HMVENUE\n"
        << "SocketConnectHost=127.0.0.1\n"
        << "SocketConnectPort=" << port << "\n"
        << "Username=helmsman\n"
        << "Password=" << password << "\n"
        << "HelmsmanSubscribe=" << subscribe << "\n"
        << "HelmsmanMarketDepth=10\n";
    out.close();
    ::chmod(path.c_str(), 0600); // holds a password
    return path;
}

} // namespace hm
