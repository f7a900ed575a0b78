#include "fix/fix_gateway.h"
#include "model/thread_name.h"

#include "fix/fix_convert.h"
#include "fix/order_fields.h"
#include "fix/security_list.h"
#include "fix/session_store.h"
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
#include <quickfix/fix44/OrderMassStatusRequest.h>
#include <quickfix/fix44/OrderStatusRequest.h>

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
    // One counterparty session: orders, market data, or both (HelmsmanRole). The map is
    // fixed at construction; QuickFIX's threads change only the atomics.
    struct Peer {
        FIX::SessionID id;
        bool orders = true, marketData = true;
        std::vector<std::string> subscribe;
        int marketDepth = 10;
        std::string username, password;
        std::atomic<bool> loggedOn{false}, connecting{false};
        std::atomic<Timestamp> lastReceived{0}, lastLogon{0};
    };
    std::map<FIX::SessionID, std::unique_ptr<Peer>> peers;
    FIX::SessionID tradingSession; // the one that carries orders
    bool massStatus = false;
    std::string storeDirectory;
    std::atomic<GatewayListener*> listener{nullptr};
    std::atomic<bool> loggedOn{false};
    std::atomic<bool> connecting{false};
    std::atomic<Timestamp> lastReceived{0};
    std::atomic<Timestamp> lastLogon{0};
    std::atomic<std::uint64_t> mdRequestSeq{0};
    std::atomic<std::uint64_t> securityListSeq{0};
    std::atomic<Timestamp> lastMdWarning{0};
    std::atomic<std::uint64_t> mdDropsSuppressed{0};
    mutable std::mutex logonMutex;
    mutable std::condition_variable logonCv;
    std::mutex subMutex;
    std::map<std::string, std::string> symbolByReqId;

    Peer* peer(const FIX::SessionID& id) const
    {
        auto it = peers.find(id);
        return it == peers.end() ? nullptr : it->second.get();
    }
    Peer* peerNamed(const std::string& name) const
    {
        for (const auto& kv : peers)
            if (kv.first.toString() == name)
                return kv.second.get();
        return nullptr;
    }

    // The session a QuickFIX thread is handling a message of (fromApp), so that what it
    // raises is told of that session; the trading session otherwise.
    static const FIX::SessionID*& handling()
    {
        static thread_local const FIX::SessionID* id = nullptr;
        return id;
    }

    void emit(SessionEventKind kind, const std::string& text) { emitFor(handling() ? *handling() : tradingSession, kind, text); }
    void emitFor(const FIX::SessionID& id, SessionEventKind kind, const std::string& text)
    {
        SessionEvent e;
        e.sessionId = id.toString();
        e.orderSession = id == tradingSession;
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
        Peer* p = peer(id);
        if (!p)
            return;
        p->loggedOn = true;
        p->connecting = false;
        p->lastLogon = wallNs();
        if (id == tradingSession) {
            {
                std::lock_guard<std::mutex> lock(logonMutex);
                loggedOn = true;
                connecting = false;
            }
            lastLogon = wallNs();
            logonCv.notify_all();
        }
        const char* role = p->orders && p->marketData ? "" : (p->orders ? " (orders)" : " (market data)");
        emitFor(id, SessionEventKind::Logon, "logged on to " + id.getTargetCompID().getValue() + role);
        // Before the market data: on a session that carries both, the list (and so the
        // tick sizes prices are read in) arrives ahead of the first book.
        if (id == tradingSession)
            requestSecurityList(id);
        if (p->marketData)
            requestMarketData(*p);
    }

    void onLogout(const FIX::SessionID& id) override
    {
        if (Peer* p = peer(id))
            p->loggedOn = false;
        if (id == tradingSession)
            loggedOn = false;
        emitFor(id, SessionEventKind::Logout, "session " + id.toString() + " logged out");
    }

    void toAdmin(FIX::Message& m, const FIX::SessionID& id) override
    {
        FIX::MsgType type;
        m.getHeader().getField(type);
        Peer* p = peer(id);
        if (type.getValue() == FIX::MsgType_Logon && p) {
            if (!p->username.empty())
                m.setField(FIX::Username(p->username));
            if (!p->password.empty())
                m.setField(FIX::Password(p->password));
            p->connecting = true;
            if (id == tradingSession)
                connecting = true;
            emitFor(id, SessionEventKind::LogonSent, "logon sent");
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

    void fromAdmin(const FIX::Message& m, const FIX::SessionID& id) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override
    {
        struct Handling {
            explicit Handling(const FIX::SessionID& id) { handling() = &id; }
            ~Handling() { handling() = nullptr; }
        } handlingThis(id);
        noteReceived(id);
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

    void noteReceived(const FIX::SessionID& id)
    {
        const Timestamp now = wallNs();
        if (Peer* p = peer(id))
            p->lastReceived = now;
        if (id == tradingSession)
            lastReceived = now;
    }

    void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override
    {
        const Timestamp received = monoNs();
        static thread_local const bool named = (nameThisThread("hm-fix-gateway"), true); // QuickFIX's socket thread
        (void)named;
        struct Handling {
            explicit Handling(const FIX::SessionID& id) { handling() = &id; }
            ~Handling() { handling() = nullptr; }
        } handlingThis(id);
        noteReceived(id);
        FIX::MsgType type;
        m.getHeader().getField(type);
        const std::string& t = type.getValue();
        GatewayListener* l = listener.load();
        // What we cannot use is refused to the counterparty (QuickFIX turns these
        // exceptions into a session Reject naming the field) and raised to the engine
        // as an alert; nothing of it is applied. Anything else thrown would end the
        // process (fromApp's exception specification), so it is converted here.
        try {
            crack(m, t, l, received);
        } catch (const FIX::FieldNotFound& e) {
            refused(m, t, e.what());
            throw;
        } catch (const FIX::IncorrectDataFormat& e) {
            refused(m, t, e.what());
            throw;
        } catch (const FIX::IncorrectTagValue& e) {
            refused(m, t, e.what());
            throw;
        } catch (const FIX::UnsupportedMessageType&) {
            throw;
        } catch (const std::exception& e) {
            refused(m, t, e.what());
            throw FIX::IncorrectTagValue(0, e.what());
        }
    }

    void refused(const FIX::Message& m, const std::string& type, const std::string& why)
    {
        std::string what = type == FIX::MsgType_ExecutionReport ? "execution report" : "message " + type;
        const FIX::FieldMap& body = m;
        if (body.isSetField(FIX::FIELD::ExecID))
            what += " ExecID " + body.getField(FIX::FIELD::ExecID);
        if (body.isSetField(FIX::FIELD::ClOrdID))
            what += " ClOrdID " + body.getField(FIX::FIELD::ClOrdID);
        spdlog::warn("fix: {} refused, not applied: {}", what, why);
        emit(SessionEventKind::Error, what + " refused, not applied: " + why);
    }

    void crack(const FIX::Message& m, const std::string& t, GatewayListener* l, Timestamp received)
    {
        // Our orders live on the order session: a report about them from a session that
        // carries only market data is refused, never applied.
        const Peer* from = handling() ? peer(*handling()) : nullptr;
        if (from && !from->orders && (t == FIX::MsgType_ExecutionReport || t == FIX::MsgType_OrderCancelReject))
            throw std::runtime_error("an order message on " + from->id.toString()
                                     + ", a session that carries market data only");
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
        } else if (t == FIX::MsgType_SecurityList) {
            onSecurityList(m, l);
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
        MarketDataSnapshot s;
        s.symbol = symbol.getValue();
        s.time = wallNs();
        Dropped dropped;
        FIX::NoMDEntries count;
        if (m.getFieldIfSet(count)) {
            for (int i = 1; i <= count.getValue(); ++i) {
                FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
                m.getGroup(static_cast<unsigned>(i), g);
                FIX::MDEntryType type;
                g.get(type);
                if (!g.isSetField(FIX::FIELD::MDEntryPx) || !g.isSetField(FIX::FIELD::MDEntrySize))
                    continue;
                PriceLevel level;
                if (!entryNumbers(g, true, level.price, level.qty, dropped, s.symbol))
                    continue;
                if (type.getValue() == FIX::MDEntryType_BID)
                    s.bids.push_back(level);
                else if (type.getValue() == FIX::MDEntryType_OFFER)
                    s.asks.push_back(level);
            }
        }
        warnDropped(dropped, s.symbol);
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
        Dropped dropped;
        FIX::NoMDEntries count;
        m.getField(count);
        const Timestamp now = wallNs();
        for (int i = 1; i <= count.getValue(); ++i) {
            FIX44::MarketDataIncrementalRefresh::NoMDEntries g;
            m.getGroup(static_cast<unsigned>(i), g);
            FIX::MDUpdateAction action;
            FIX::MDEntryType type;
            FIX::Symbol symbol;
            g.get(action);
            if (!g.getIfSet(type) || !g.isSetField(FIX::FIELD::MDEntryPx))
                continue;
            const std::string sym = g.getIfSet(symbol) ? symbol.getValue() : defaultSymbol;
            if (sym.empty())
                continue;
            Price price = 0;
            Quantity qty = 0;
            if (!entryNumbers(g, g.isSetField(FIX::FIELD::MDEntrySize), price, qty, dropped, sym))
                continue;
            MarketDataUpdate& u = bySymbol[sym];
            u.symbol = sym;
            u.time = now;
            if (type.getValue() == FIX::MDEntryType_TRADE) {
                u.trades.push_back(Trade{sym, price, qty, now});
                continue;
            }
            if (type.getValue() != FIX::MDEntryType_BID && type.getValue() != FIX::MDEntryType_OFFER)
                continue;
            LevelChange c;
            c.side = type.getValue() == FIX::MDEntryType_BID ? Side::Buy : Side::Sell;
            c.action = action.getValue() == FIX::MDUpdateAction_NEW      ? LevelAction::New
                : action.getValue() == FIX::MDUpdateAction_CHANGE ? LevelAction::Change
                                                                  : LevelAction::Delete;
            c.price = price;
            c.qty = qty;
            u.changes.push_back(c);
        }
        warnDropped(dropped, defaultSymbol);
        if (l)
            for (const auto& kv : bySymbol)
                l->onMarketData(kv.second);
    }

    // Market data entries with an absurd price or size are dropped, each message's
    // drops logged, and the engine told at most once a second (a broken feed can be fast).
    struct Dropped {
        int count = 0;
        std::string first;
    };
    bool entryNumbers(const FIX::FieldMap& g, bool hasSize, Price& price, Quantity& qty, Dropped& dropped,
                      const std::string& symbol)
    {
        const Instrument ins = instruments.get(symbol);
        std::string why = fixconv::parsePrice(g.getField(FIX::FIELD::MDEntryPx), "MDEntryPx(270)", ins, price);
        qty = 0;
        if (why.empty() && hasSize)
            why = fixconv::parseQuantity(g.getField(FIX::FIELD::MDEntrySize), "MDEntrySize(271)", 0,
                                         fixconv::kMaxMarketDataQuantity, 1, qty);
        if (why.empty())
            return true;
        if (dropped.count++ == 0)
            dropped.first = why;
        return false;
    }
    void warnDropped(const Dropped& dropped, const std::string& symbol)
    {
        if (dropped.count == 0)
            return;
        spdlog::warn("fix: market data for {}: {} entr{} dropped: {}", symbol, dropped.count,
                     dropped.count == 1 ? "y" : "ies", dropped.first);
        const Timestamp now = monoNs();
        std::uint64_t suppressed = mdDropsSuppressed.fetch_add(static_cast<std::uint64_t>(dropped.count));
        Timestamp last = lastMdWarning.load();
        if (now - last < 1000000000LL || !lastMdWarning.compare_exchange_strong(last, now))
            return;
        suppressed = mdDropsSuppressed.exchange(0);
        emit(SessionEventKind::Error, "market data for " + symbol + ": " + std::to_string(suppressed)
                 + " entr" + (suppressed == 1 ? "y" : "ies") + " with an absurd price or size dropped, e.g. "
                 + dropped.first);
    }

    void requestSecurityList(const FIX::SessionID& id)
    {
        const std::string reqId = "SL" + std::to_string(++securityListSeq);
        try {
            FIX::Message m = seclist::request(reqId);
            FIX::Session::sendToTarget(m, id);
        } catch (const std::exception& e) { // the command-line list stays in force
            spdlog::warn("fix: security list request {} not sent: {}", reqId, e.what());
        }
    }

    // The counterparty's instruments: each usable entry updates the tick table (under its
    // lock: the engine thread converts order prices with it) and goes to the engine. A
    // refusal or an empty answer changes nothing.
    void onSecurityList(const FIX::Message& m, GatewayListener* l)
    {
        const seclist::Reading r = seclist::read(m);
        for (const auto& why : r.skipped) {
            spdlog::warn("fix: {}", why);
            emit(SessionEventKind::Error, why);
        }
        if (r.result != FIX::SecurityRequestResult_VALID_REQUEST) {
            const std::string what = "security list request " + r.reqId + " answered with SecurityRequestResult(560)="
                + std::to_string(r.result) + "; the configured instruments stay in force";
            spdlog::warn("fix: {}", what);
            emit(SessionEventKind::Error, what);
            return;
        }
        if (r.instruments.empty())
            return;
        for (const auto& i : r.instruments) {
            if (instruments.has(i.symbol)) {
                const Instrument known = instruments.get(i.symbol);
                if (known.tickSize == i.tickSize && known.lotSize == i.lotSize)
                    spdlog::debug("fix: security list: {} as configured (tick {}, lot {})", i.symbol, i.tickSize, i.lotSize);
            }
            instruments.add(i);
        }
        spdlog::info("fix: security list {}: {} instrument(s)", r.reqId, r.instruments.size());
        SecurityListEvent e;
        e.sessionId = handling() ? handling()->toString() : tradingSession.toString();
        e.reqId = r.reqId;
        e.instruments = r.instruments;
        e.time = wallNs();
        if (l)
            l->onSecurityList(e);
    }

    void requestMarketData(const Peer& p)
    {
        const FIX::SessionID& id = p.id;
        for (const auto& symbol : p.subscribe) {
            const std::string reqId = "MD" + std::to_string(++mdRequestSeq) + "-" + symbol;
            {
                std::lock_guard<std::mutex> lock(subMutex);
                symbolByReqId[reqId] = symbol;
            }
            FIX44::MarketDataRequest v(FIX::MDReqID(reqId),
                                       FIX::SubscriptionRequestType(FIX::SubscriptionRequestType_SNAPSHOT_PLUS_UPDATES),
                                       FIX::MarketDepth(p.marketDepth));
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

    void onLogEvent(const std::string& session, const std::string& text)
    {
        Peer* p = peerNamed(session);
        if (!p)
            p = peer(tradingSession);
        const FIX::SessionID id = p->id;
        const bool trading = id == tradingSession;
        if (text.find("Disconnecting") != std::string::npos) {
            const bool was = p->loggedOn.exchange(false);
            if (trading)
                loggedOn = false;
            if (was)
                emitFor(id, SessionEventKind::Disconnect, "disconnected");
            p->connecting = false;
            if (trading)
                connecting = false;
        } else if (text.find("Connection failed") != std::string::npos) {
            p->connecting = false;
            if (trading)
                connecting = false;
            emitFor(id, SessionEventKind::Error, text);
        } else if (text.find("Connecting to") != std::string::npos) {
            p->connecting = true;
            if (trading)
                connecting = true;
        } else if (text.find(" Rejected") != std::string::npos) {
            // QuickFIX refused a counterparty message (its dictionary checks, or our refusal).
            emitFor(id, SessionEventKind::Reject, "refused counterparty " + text);
        } else if (text.find("MsgSeqNum too") != std::string::npos || text.find("Invalid") != std::string::npos
                   || text.find("rejected") != std::string::npos) {
            emitFor(id, SessionEventKind::Error, text);
        }
    }
};

namespace {

void requireKey(const FIX::Dictionary& d, const std::string& key, const std::string& file, const std::string& session)
{
    if (!d.has(key))
        throw std::runtime_error("session settings '" + file + "': session " + session + " has no " + key);
}

// A whole-number setting within [lo, hi]. QuickFIX would read 99999 as a port and
// truncate it to 16 bits (34463) and -1 to 65535: refused here instead, by name.
int intSetting(const FIX::Dictionary& d, const std::string& key, long long lo, long long hi, const std::string& file,
               const std::string& session)
{
    const std::string text = trim(d.getString(key));
    const std::string where = "session settings '" + file + "': session " + session + ": " + key + "=" + text;
    const std::string allowed = " (allowed " + std::to_string(lo) + ".." + std::to_string(hi) + ")";
    std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    if (i == text.size() || text.find_first_not_of("0123456789", i) != std::string::npos)
        throw std::runtime_error(where + " is not a whole number" + allowed);
    if (text.size() - i > 12)
        throw std::runtime_error(where + " is out of range" + allowed);
    const long long v = std::stoll(text);
    if (v < lo || v > hi)
        throw std::runtime_error(where + " is out of range" + allowed);
    return static_cast<int>(v);
}

constexpr int kMaxMarketDepth = 1000; // levels per side; 0 asks for the full book

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
        requireKey(s, FIX::HEARTBTINT, file, name);
        intSetting(s, FIX::SOCKET_CONNECT_PORT, 1, 65535, file, name);
        for (int n = 1; s.has(FIX::SOCKET_CONNECT_PORT + std::to_string(n)); ++n) // QuickFIX's failover addresses
            intSetting(s, FIX::SOCKET_CONNECT_PORT + std::to_string(n), 1, 65535, file, name);
        intSetting(s, FIX::HEARTBTINT, 1, 3600, file, name);
        if (s.has(FIX::RECONNECT_INTERVAL))
            intSetting(s, FIX::RECONNECT_INTERVAL, 1, 3600, file, name);
        if (s.has(FIX::USE_DATA_DICTIONARY) && s.getBool(FIX::USE_DATA_DICTIONARY)) {
            requireKey(s, FIX::DATA_DICTIONARY, file, name);
            const std::string dd = s.getString(FIX::DATA_DICTIONARY);
            if (::access(dd.c_str(), R_OK) != 0)
                throw std::runtime_error("session settings '" + file + "': DataDictionary '" + dd
                                         + "' not found or not readable");
        }
        std::unique_ptr<Impl::Peer> p(new Impl::Peer);
        p->id = id;
        const std::string role = s.has("HelmsmanRole") ? s.getString("HelmsmanRole") : std::string("both");
        if (role != "orders" && role != "marketdata" && role != "both")
            throw std::runtime_error("session settings '" + file + "': session " + name + ": HelmsmanRole=" + role
                                     + " is not one of orders, marketdata, both");
        p->orders = role != "marketdata";
        p->marketData = role != "orders";
        if (s.has("Username"))
            p->username = s.getString("Username");
        if (s.has("Password"))
            p->password = s.getString("Password");
        if (s.has("HelmsmanSubscribe") && p->marketData)
            p->subscribe = splitList(s.getString("HelmsmanSubscribe"));
        if (s.has("HelmsmanMarketDepth"))
            p->marketDepth = intSetting(s, "HelmsmanMarketDepth", 0, kMaxMarketDepth, file, name);
        if (p->orders) {
            if (found)
                throw std::runtime_error("session settings '" + file + "': sessions " + d.tradingSession.toString() + " and "
                                         + name + " both carry orders; give the others HelmsmanRole=marketdata");
            found = true;
            d.tradingSession = id;
            if (s.has("HelmsmanMassStatus"))
                d.massStatus = s.getBool("HelmsmanMassStatus");
        }
        d.peers[id] = std::move(p);
    }
    if (!found)
        throw std::runtime_error("session settings '" + file + "': no session carries orders "
                                 "(HelmsmanRole=orders or both on one of them)");
    const FIX::Dictionary& first = d.settings->get(d.tradingSession);
    const std::string storeDir = first.getString(FIX::FILE_STORE_PATH);
    ::mkdir(storeDir.c_str(), 0755);
    d.storeDirectory = storeDir;
    const bool logMessages = first.has("HelmsmanLogMessages") && first.getBool("HelmsmanLogMessages");
    const std::string logDir = first.has(FIX::FILE_LOG_PATH) ? first.getString(FIX::FILE_LOG_PATH) : storeDir;
    Impl* impl = m_impl.get();
    d.storeFactory.reset(new MaskedFileStoreFactory(storeDir));
    d.logFactory.reset(new MaskedLogFactory(logDir, logMessages, "fix",
                                            [impl](const std::string& session, const std::string& text) {
                                                impl->onLogEvent(session, text);
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
    for (auto& kv : d.peers)
        kv.second->connecting = true;
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
    for (auto& kv : d.peers)
        kv.second->loggedOn = kv.second->connecting = false;
}

Timestamp FixGateway::lastSendMono() const { return m_impl->lastSend; }

bool FixGateway::send(const OrderRequest& o, std::string& error)
{
    const Instrument ins = m_impl->instruments.get(o.symbol);
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
    const Instrument ins = m_impl->instruments.get(r.symbol);
    FIX44::OrderCancelReplaceRequest m(FIX::OrigClOrdID(r.origClOrdId), FIX::ClOrdID(r.clOrdId),
                                       FIX::Side(fixconv::sideToFix(r.side)), FIX::TransactTime(FIX::UtcTimeStamp(), 6),
                                       FIX::OrdType(fixconv::ordTypeToFix(r.type)));
    m.set(FIX::Symbol(r.symbol));
    fixconv::setText(m, FIX::FIELD::OrderQty, fixconv::quantityText(r.qty));
    if (r.type == OrderType::Limit)
        fixconv::setText(m, FIX::FIELD::Price, fixconv::priceText(ins, r.price));
    return m_impl->sendMessage(m, error);
}

bool FixGateway::requestOrderStatus(const OrderStatusQuery& q, std::string& error)
{
    FIX44::OrderStatusRequest m(FIX::ClOrdID(q.clOrdId), FIX::Side(fixconv::sideToFix(q.side)));
    m.set(FIX::Symbol(q.symbol));
    if (!q.reqId.empty())
        m.set(FIX::OrdStatusReqID(q.reqId));
    return m_impl->sendMessage(m, error);
}

bool FixGateway::supportsMassStatus() const { return m_impl->massStatus; }

bool FixGateway::requestMassStatus(const std::string& reqId, std::string& error)
{
    FIX44::OrderMassStatusRequest m(FIX::MassStatusReqID(reqId),
                                    FIX::MassStatusReqType(FIX::MassStatusReqType_STATUS_FOR_ALL_ORDERS));
    return m_impl->sendMessage(m, error);
}

std::vector<SentOrderMessage> FixGateway::storedOrderMessages(std::vector<std::string>& skipped) const
{
    const Impl& d = *m_impl;
    const FIX::SessionID& id = d.tradingSession;
    const std::string file = SessionStore::fileName(d.storeDirectory, id.getBeginString().getValue(),
                                                    id.getSenderCompID().getValue(), id.getTargetCompID().getValue());
    if (::access(file.c_str(), F_OK) != 0)
        return {}; // a first session: nothing was sent
    SessionStore store(file);
    if (store.messageCount() == 0)
        return {};
    return readSentOrders(store.messages(store.firstStored(), store.lastStored()), d.config.instruments, skipped);
}

std::vector<SessionStatus> FixGateway::status() const
{
    std::vector<SessionStatus> out;
    const Impl& d = *m_impl;
    // The order session first, then the market-data sessions.
    std::vector<const Impl::Peer*> peers{d.peer(d.tradingSession)};
    for (const auto& kv : d.peers)
        if (kv.first != d.tradingSession)
            peers.push_back(kv.second.get());
    for (const Impl::Peer* p : peers) {
        SessionStatus s;
        s.sessionId = p->id.toString();
        s.state = p->loggedOn.load() ? SessionState::LoggedOn
            : (p->connecting.load() ? SessionState::Connecting : SessionState::Disconnected);
        if (FIX::Session* session = FIX::Session::lookupSession(p->id)) {
            s.nextSenderSeq = session->getExpectedSenderNum();
            s.nextTargetSeq = session->getExpectedTargetNum();
        }
        s.lastHeartbeat = p->lastReceived.load();
        s.lastLogon = p->lastLogon.load();
        out.push_back(s);
    }
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
        << "HelmsmanMassStatus=Y\n"
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
