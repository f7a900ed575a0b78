#include "fix/fix_venue.h"
#include "model/thread_name.h"

#include "book/order_book.h"
#include "sim/market_simulator.h"
#include "fix/fix_convert.h"
#include "fix/order_fields.h"
#include "fix/session_support.h"

#include <quickfix/Application.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/MarketDataIncrementalRefresh.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/MarketDataRequestReject.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReject.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <sys/stat.h>
#include <unistd.h>

namespace hm {
namespace {

constexpr std::uint64_t kFlowRefBit = 1ull << 61; // test hook's background orders (below the simulator's own bits)
constexpr Price kDefaultReference = 1885;

struct VenueOrder {
    const FIX::SessionID* session = nullptr; // interned: one copy per session, not per order
    std::string clOrdId;
    std::string orderId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity orderQty = 0;
    Quantity cumQty = 0;
    double notional = 0.0; // sum of fill price * qty, for AvgPx
    Price price = 0;
    OrderBook::Handle handle = OrderBook::kNoHandle;
    bool live = true;
};

// One instrument's market: the simulator's book (default), or a quiet book that only
// the seeded levels and the clients' orders move.
struct Market {
    Instrument instrument;
    std::unique_ptr<MarketSimulator> sim;
    OrderBook quietBook;
    Depth published; // what subscribers last saw
    std::vector<Trade> pendingTrades;
    Price reference = kDefaultReference;
    std::string regime;

    const OrderBook& book() const { return sim ? sim->book() : quietBook; }
    OrderBook::Result add(const BookOrder& o)
    {
        return sim ? sim->submit(o.ref, o.side, o.type, o.tif, o.price, o.qty) : quietBook.add(o);
    }
    bool cancel(OrderBook::Handle h) { return sim ? sim->cancel(h) : quietBook.cancel(h); }
    OrderBook::Result replace(OrderBook::Handle h, Side side, Price price, Quantity leaves)
    {
        return sim ? sim->replace(h, side, price, leaves) : quietBook.replace(h, price, leaves);
    }
};

struct Subscription {
    FIX::SessionID session;
    std::string mdReqId;
    std::string symbol;
};

void makeDir(const std::string& path)
{
    if (!path.empty())
        ::mkdir(path.c_str(), 0755);
}

std::string bookRejectText(const std::vector<BookEvent>& events)
{
    for (const auto& e : events)
        if (e.kind == BookEventKind::Rejected)
            switch (e.reason) {
            case BookRejectReason::BadQuantity: return "bad quantity";
            case BookRejectReason::BadPrice: return "bad price";
            case BookRejectReason::UnknownOrder: return "unknown order";
            case BookRejectReason::None: break;
            }
    return "no reason given";
}

void diffSide(Side side, const std::vector<DepthLevel>& before, const std::vector<DepthLevel>& after,
              std::vector<LevelChange>& out)
{
    std::map<Price, Quantity> old;
    for (const auto& l : before)
        old[l.price] = l.qty;
    for (const auto& l : after) {
        auto it = old.find(l.price);
        if (it == old.end()) {
            out.push_back(LevelChange{side, LevelAction::New, l.price, l.qty});
        } else {
            if (it->second != l.qty)
                out.push_back(LevelChange{side, LevelAction::Change, l.price, l.qty});
            old.erase(it);
        }
    }
    for (const auto& kv : old)
        out.push_back(LevelChange{side, LevelAction::Delete, kv.first, 0});
}

} // namespace

struct FixVenue::Impl : public FIX::Application {
    VenueConfig config;
    mutable std::recursive_mutex mutex; // guards everything below; sends happen under it (order of ERs)
    std::map<std::string, Market> markets;
    std::unordered_map<std::uint64_t, VenueOrder> orders;
    std::deque<FIX::SessionID> sessionIds; // every session seen; never shrinks, so pointers stay valid
    using OrderKey = std::pair<const FIX::SessionID*, std::string>; // (session, ClOrdID)
    struct OrderKeyHash {
        std::size_t operator()(const OrderKey& k) const
        {
            return std::hash<std::string>()(k.second) ^ (std::hash<const void*>()(k.first) << 1);
        }
    };
    std::unordered_map<OrderKey, std::uint64_t, OrderKeyHash> byClOrdId;
    std::vector<Subscription> subscriptions;
    std::mutex logoutMutex;                 // guards loggedOut only; never held while sending
    std::vector<FIX::SessionID> loggedOut; // sessions whose subscriptions are to go
    std::uint64_t nextRef = 1;
    std::uint64_t nextFlowRef = 1;
    std::uint64_t nextOrderId = 1;
    std::uint64_t nextExecId = 1;
    std::string idPrefix;
    SimConfig simConfig;
    double simStart = 0; // virtual time of day when the venue opened
    std::function<void(const std::string&, const std::string&)> regimeListener;
    VenueStats stats;

    std::unique_ptr<FIX::SessionSettings> settings;
    std::unique_ptr<MaskedFileStoreFactory> storeFactory;
    std::unique_ptr<MaskedLogFactory> logFactory;
    std::unique_ptr<FIX::SocketAcceptor> acceptor;
    std::thread worker;
    std::atomic<bool> running{false};
    std::atomic<int> loggedOn{0};

    // --- FIX::Application -------------------------------------------------
    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID& id) override
    {
        ++loggedOn;
        spdlog::info("venue: {} logged on", id.toString());
    }
    // QuickFIX calls onLogout holding its session lock, and whoever holds `mutex` may be
    // sending (which takes that session lock): waiting for `mutex` here could deadlock
    // with the market data publisher. The subscriptions are dropped later, under `mutex`.
    void onLogout(const FIX::SessionID& id) override
    {
        --loggedOn;
        std::lock_guard<std::mutex> lock(logoutMutex);
        loggedOut.push_back(id);
    }
    void dropLoggedOutSubscriptions() // with `mutex` held
    {
        std::vector<FIX::SessionID> gone;
        {
            std::lock_guard<std::mutex> lock(logoutMutex);
            gone.swap(loggedOut);
        }
        if (gone.empty())
            return;
        std::vector<Subscription> kept;
        for (auto& s : subscriptions)
            if (std::find(gone.begin(), gone.end(), s.session) == gone.end())
                kept.push_back(s);
        subscriptions.swap(kept);
    }
    void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
    void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override
    {
        if (config.password.empty())
            return;
        FIX::MsgType type;
        m.getHeader().getField(type);
        if (type.getValue() != FIX::MsgType_Logon)
            return;
        FIX::Password pw;
        if (!m.getFieldIfSet(pw) || pw.getValue() != config.password)
            throw FIX::RejectLogon("invalid username or password");
    }
    void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override
    {
        static thread_local const bool named = (nameThisThread("hm-fix-venue"), true); // QuickFIX's socket thread
        (void)named;
        FIX::MsgType type;
        m.getHeader().getField(type);
        const std::string& t = type.getValue();
        std::lock_guard<std::recursive_mutex> lock(mutex);
        // QuickFIX rejects the message for the exceptions fromApp declares; anything
        // else would end the process (the exception specification), so it becomes one.
        try {
            if (t == FIX::MsgType_NewOrderSingle)
                onNewOrder(m, id);
            else if (t == FIX::MsgType_OrderCancelRequest)
                onCancel(m, id);
            else if (t == FIX::MsgType_OrderCancelReplaceRequest)
                onReplace(m, id);
            else if (t == FIX::MsgType_MarketDataRequest)
                onMarketDataRequest(m, id);
            else
                throw FIX::UnsupportedMessageType();
        } catch (const FIX::FieldNotFound&) {
            throw;
        } catch (const FIX::IncorrectDataFormat&) {
            throw;
        } catch (const FIX::IncorrectTagValue&) {
            throw;
        } catch (const FIX::UnsupportedMessageType&) {
            throw;
        } catch (const std::exception& e) {
            spdlog::error("venue: message {} from {} not handled: {}", t, id.toString(), e.what());
            throw FIX::IncorrectTagValue(0, e.what());
        }
    }

    // --- orders -------------------------------------------------------------
    std::string newExecId() { return idPrefix + "E" + std::to_string(nextExecId++); }

    const FIX::SessionID* key(const FIX::SessionID& id)
    {
        for (const auto& known : sessionIds)
            if (known == id)
                return &known;
        sessionIds.push_back(id);
        return &sessionIds.back();
    }

    void send(FIX::Message& m, const FIX::SessionID& id)
    {
        try {
            FIX::Session::sendToTarget(m, id);
        } catch (const std::exception& e) {
            spdlog::warn("venue: send to {} failed: {}", id.toString(), e.what());
        }
    }

    OrderStatus statusOf(const VenueOrder& o, bool cancelled) const
    {
        if (o.cumQty >= o.orderQty)
            return OrderStatus::Filled;
        if (cancelled)
            return OrderStatus::Canceled;
        return o.cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New;
    }

    void sendExec(const VenueOrder& o, ExecType execType, OrderStatus status, Quantity leaves, Quantity lastQty,
                  Price lastPx, const std::string& origClOrdId, const std::string& text)
    {
        const Instrument& ins = markets.at(o.symbol).instrument;
        FIX44::ExecutionReport er;
        er.set(FIX::OrderID(o.orderId));
        er.set(FIX::ExecID(newExecId()));
        er.set(FIX::ExecType(fixconv::execTypeToFix(execType)));
        er.set(FIX::OrdStatus(fixconv::ordStatusToFix(status)));
        er.set(FIX::Side(fixconv::sideToFix(o.side)));
        fixconv::setText(er, FIX::FIELD::LeavesQty, fixconv::quantityText(leaves));
        fixconv::setText(er, FIX::FIELD::CumQty, fixconv::quantityText(o.cumQty));
        fixconv::setText(er, FIX::FIELD::AvgPx,
                         o.cumQty > 0 ? fixconv::decimalText(o.notional / static_cast<double>(o.cumQty)) : "0");
        er.set(FIX::ClOrdID(o.clOrdId));
        if (!origClOrdId.empty())
            er.set(FIX::OrigClOrdID(origClOrdId));
        er.set(FIX::Symbol(o.symbol));
        fixconv::setText(er, FIX::FIELD::OrderQty, fixconv::quantityText(o.orderQty));
        er.set(FIX::OrdType(fixconv::ordTypeToFix(o.type)));
        er.set(FIX::TimeInForce(fixconv::tifToFix(o.tif)));
        if (o.type == OrderType::Limit)
            fixconv::setText(er, FIX::FIELD::Price, fixconv::priceText(ins, o.price));
        if (lastQty > 0) {
            fixconv::setText(er, FIX::FIELD::LastQty, fixconv::quantityText(lastQty));
            fixconv::setText(er, FIX::FIELD::LastPx, fixconv::priceText(ins, lastPx));
        }
        er.set(FIX::TransactTime(FIX::UtcTimeStamp(), 6));
        if (!text.empty())
            er.set(FIX::Text(text));
        ++stats.executionReports;
        send(er, *o.session);
    }

    void sendReject(const FIX::SessionID& id, const std::string& clOrdId, const std::string& symbol, Side side,
                    int reason, const std::string& text)
    {
        FIX44::ExecutionReport er(FIX::OrderID("NONE"), FIX::ExecID(newExecId()), FIX::ExecType(FIX::ExecType_REJECTED),
                                  FIX::OrdStatus(FIX::OrdStatus_REJECTED), FIX::Side(fixconv::sideToFix(side)),
                                  FIX::LeavesQty(0), FIX::CumQty(0), FIX::AvgPx(0));
        er.set(FIX::ClOrdID(clOrdId));
        er.set(FIX::Symbol(symbol));
        er.set(FIX::OrdRejReason(reason));
        er.set(FIX::Text(text));
        er.set(FIX::TransactTime(FIX::UtcTimeStamp(), 6));
        ++stats.executionReports;
        send(er, id);
    }

    void sendCancelReject(const FIX::SessionID& id, const std::string& clOrdId, const std::string& origClOrdId,
                          const std::string& orderId, OrderStatus status, bool forReplace, int reason,
                          const std::string& text)
    {
        FIX44::OrderCancelReject rej(FIX::OrderID(orderId.empty() ? "NONE" : orderId), FIX::ClOrdID(clOrdId),
                                     FIX::OrigClOrdID(origClOrdId), FIX::OrdStatus(fixconv::ordStatusToFix(status)),
                                     FIX::CxlRejResponseTo(forReplace ? FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST
                                                                      : FIX::CxlRejResponseTo_ORDER_CANCEL_REQUEST));
        rej.set(FIX::CxlRejReason(reason));
        rej.set(FIX::Text(text));
        ++stats.cancelRejects;
        send(rej, id);
    }

    // Turns the book's events into ExecutionReports for client orders and trades for market data.
    void applyBookEvents(Market& market) { applyEvents(market, market.book().events()); }
    void applyEvents(Market& market, const std::vector<BookEvent>& events)
    {
        for (const BookEvent& e : events) {
            switch (e.kind) {
            case BookEventKind::Fill: {
                market.pendingTrades.push_back(Trade{market.instrument.symbol, e.price, e.qty, wallNs()});
                ++stats.trades;
                fillClient(e.ref, e.price, e.qty, e.leaves);
                fillClient(e.counterRef, e.price, e.qty, e.counterLeaves);
                break;
            }
            case BookEventKind::Killed: {
                auto it = orders.find(e.ref);
                if (it == orders.end())
                    break;
                VenueOrder& o = it->second;
                o.live = false;
                o.handle = OrderBook::kNoHandle;
                const char* why = o.tif == TimeInForce::FillOrKill ? "fill-or-kill could not be filled in full"
                    : o.type == OrderType::Market ? "market order: no more liquidity on the other side"
                                                  : "immediate-or-cancel remainder cancelled";
                sendExec(o, ExecType::Canceled, statusOf(o, true), 0, 0, 0, "", why);
                break;
            }
            default: break;
            }
        }
    }

    void fillClient(std::uint64_t ref, Price px, Quantity qty, Quantity leaves)
    {
        if (ref & kFlowRefBit)
            return;
        auto it = orders.find(ref);
        if (it == orders.end())
            return;
        VenueOrder& o = it->second;
        const Instrument& ins = markets.at(o.symbol).instrument;
        o.cumQty += qty;
        o.notional += ins.toPrice(px) * static_cast<double>(qty);
        if (leaves == 0 && o.cumQty >= o.orderQty) {
            o.live = false;
            o.handle = OrderBook::kNoHandle;
        }
        sendExec(o, ExecType::Trade, statusOf(o, false), leaves, qty, px, "", "");
    }

    void onNewOrder(const FIX::Message& m, const FIX::SessionID& id)
    {
        ++stats.ordersReceived;
        FIX::ClOrdID clOrdId;
        FIX::Symbol symbol;
        FIX::Side fixSide;
        FIX::OrdType ordType;
        m.getField(clOrdId);
        m.getField(symbol);
        m.getField(fixSide);
        m.getField(ordType);
        const Side side = fixconv::sideFromFix(fixSide.getValue());
        auto mk = markets.find(symbol.getValue());
        if (mk == markets.end())
            return sendReject(id, clOrdId.getValue(), symbol.getValue(), side, FIX::OrdRejReason_UNKNOWN_SYMBOL,
                              "unknown symbol " + symbol.getValue());
        Market& market = mk->second;
        const auto k = std::make_pair(key(id), clOrdId.getValue());
        if (byClOrdId.count(k))
            return sendReject(id, clOrdId.getValue(), symbol.getValue(), side, FIX::OrdRejReason_DUPLICATE_ORDER,
                              "duplicate ClOrdID " + clOrdId.getValue());
        VenueOrder o;
        o.session = k.first;
        o.clOrdId = clOrdId.getValue();
        o.symbol = symbol.getValue();
        o.side = side;
        o.type = fixconv::ordTypeFromFix(ordType.getValue());
        FIX::TimeInForce tif;
        if (m.getFieldIfSet(tif))
            o.tif = fixconv::tifFromFix(tif.getValue());
        // Every number is read exactly from its text, so an order is refused, never rounded.
        const Quantity lot = market.instrument.lotSize > 0 ? market.instrument.lotSize : 1;
        std::string why = fixconv::parseQuantity(m.getField(FIX::FIELD::OrderQty), "OrderQty(38)", 1,
                                                 config.maxOrderQty, lot, o.orderQty);
        if (!why.empty())
            return sendReject(id, o.clOrdId, o.symbol, side, FIX::OrdRejReason_INCORRECT_QUANTITY, why);
        if (m.isSetField(FIX::FIELD::Price)) { // checked even where it is not used: a strict venue
            why = fixconv::parsePrice(m.getField(FIX::FIELD::Price), "Price(44)", market.instrument, o.price,
                                      config.maxPriceTicks);
            if (!why.empty())
                return sendReject(id, o.clOrdId, o.symbol, side, FIX::OrdRejReason_OTHER, why);
        } else if (o.type == OrderType::Limit) {
            return sendReject(id, o.clOrdId, o.symbol, side, FIX::OrdRejReason_OTHER,
                              "Price(44) is missing: a limit order needs a price");
        }
        if (o.type == OrderType::Market)
            o.price = 0;

        BookOrder bo;
        bo.ref = nextRef++;
        bo.side = side;
        bo.type = o.type;
        bo.tif = o.tif;
        bo.price = o.price;
        bo.qty = o.orderQty;
        // Acknowledge only what the book took: the book's own events (fills) are
        // reported after the acknowledgement, from applyBookEvents below.
        const OrderBook::Result r = market.add(bo);
        if (!r.ok)
            return sendReject(id, o.clOrdId, o.symbol, side, FIX::OrdRejReason_OTHER,
                              "order refused by the book: " + bookRejectText(market.book().events()));
        o.orderId = idPrefix + "O" + std::to_string(nextOrderId++);
        o.handle = r.handle;
        byClOrdId[k] = bo.ref;
        VenueOrder& stored = orders.emplace(bo.ref, std::move(o)).first->second;
        sendExec(stored, ExecType::New, OrderStatus::New, stored.orderQty, 0, 0, "", "");
        applyBookEvents(market);
    }

    VenueOrder* findOrder(const FIX::SessionID& id, const std::string& clOrdId, std::uint64_t* refOut = nullptr)
    {
        auto it = byClOrdId.find(std::make_pair(key(id), clOrdId));
        if (it == byClOrdId.end())
            return nullptr;
        auto o = orders.find(it->second);
        if (o == orders.end())
            return nullptr;
        if (refOut)
            *refOut = it->second;
        return &o->second;
    }

    void onCancel(const FIX::Message& m, const FIX::SessionID& id)
    {
        FIX::ClOrdID clOrdId;
        FIX::OrigClOrdID orig;
        m.getField(clOrdId);
        m.getField(orig);
        std::uint64_t ref = 0;
        VenueOrder* o = findOrder(id, orig.getValue(), &ref);
        if (!o)
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), "", OrderStatus::Rejected, false,
                                    FIX::CxlRejReason_UNKNOWN_ORDER, "unknown order " + orig.getValue());
        if (!o->live)
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, true), false,
                                    FIX::CxlRejReason_TOO_LATE_TO_CANCEL, "order is no longer working");
        if (m.isSetField(FIX::FIELD::OrderQty)) { // optional here, but when sent it must be a quantity
            Quantity ignored = 0;
            const std::string why = fixconv::parseQuantity(m.getField(FIX::FIELD::OrderQty), "OrderQty(38)", 0,
                                                           config.maxOrderQty, 1, ignored);
            if (!why.empty())
                return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, false),
                                        false, FIX::CxlRejReason_OTHER, why);
        }
        if (clOrdId.getValue() != orig.getValue() && byClOrdId.count(std::make_pair(key(id), clOrdId.getValue())))
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, false), false,
                                    FIX::CxlRejReason_DUPLICATE_CLORDID_RECEIVED,
                                    "duplicate ClOrdID " + clOrdId.getValue());
        Market& market = markets.at(o->symbol);
        market.cancel(o->handle);
        o->live = false;
        o->handle = OrderBook::kNoHandle;
        o->clOrdId = clOrdId.getValue();
        byClOrdId[std::make_pair(key(id), o->clOrdId)] = ref;
        sendExec(*o, ExecType::Canceled, statusOf(*o, true), 0, 0, 0, orig.getValue(), "");
    }

    void onReplace(const FIX::Message& m, const FIX::SessionID& id)
    {
        FIX::ClOrdID clOrdId;
        FIX::OrigClOrdID orig;
        m.getField(clOrdId);
        m.getField(orig);
        const std::string& qtyText = m.getField(FIX::FIELD::OrderQty);
        std::uint64_t ref = 0;
        VenueOrder* o = findOrder(id, orig.getValue(), &ref);
        if (!o)
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), "", OrderStatus::Rejected, true,
                                    FIX::CxlRejReason_UNKNOWN_ORDER, "unknown order " + orig.getValue());
        if (!o->live || o->handle == OrderBook::kNoHandle)
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, !o->live), true,
                                    FIX::CxlRejReason_TOO_LATE_TO_CANCEL, "order is no longer working");
        if (clOrdId.getValue() != orig.getValue() && byClOrdId.count(std::make_pair(key(id), clOrdId.getValue())))
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, false), true,
                                    FIX::CxlRejReason_DUPLICATE_CLORDID_RECEIVED,
                                    "duplicate ClOrdID " + clOrdId.getValue());
        Market& market = markets.at(o->symbol);
        const Quantity lot = market.instrument.lotSize > 0 ? market.instrument.lotSize : 1;
        Quantity newQty = 0;
        std::string why = fixconv::parseQuantity(qtyText, "OrderQty(38)", 1, config.maxOrderQty, lot, newQty);
        Price newPrice = o->price;
        if (why.empty() && m.isSetField(FIX::FIELD::Price))
            why = fixconv::parsePrice(m.getField(FIX::FIELD::Price), "Price(44)", market.instrument, newPrice,
                                      config.maxPriceTicks);
        if (!why.empty())
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, false), true,
                                    FIX::CxlRejReason_OTHER, why);
        const Quantity newLeaves = newQty - o->cumQty;
        if (newLeaves <= 0)
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, false), true,
                                    FIX::CxlRejReason_OTHER,
                                    "OrderQty(38) " + qtyText + " is not above the filled quantity "
                                        + std::to_string(o->cumQty));
        OrderBook::Result r = market.replace(o->handle, o->side, newPrice, newLeaves);
        if (!r.ok)
            return sendCancelReject(id, clOrdId.getValue(), orig.getValue(), o->orderId, statusOf(*o, false), true,
                                    FIX::CxlRejReason_OTHER, "replace refused by the book");
        o->clOrdId = clOrdId.getValue();
        o->orderQty = newQty;
        o->price = newPrice;
        o->handle = r.handle;
        if (r.handle == OrderBook::kNoHandle && r.leaves == 0 && r.filled < newLeaves)
            o->live = false;
        byClOrdId[std::make_pair(key(id), o->clOrdId)] = ref;
        sendExec(*o, ExecType::Replaced, o->cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New, newLeaves, 0,
                 0, orig.getValue(), "");
        applyBookEvents(market);
    }

    // --- market data ------------------------------------------------------------
    void sendSnapshot(const FIX::SessionID& id, const std::string& mdReqId, Market& market)
    {
        FIX44::MarketDataSnapshotFullRefresh w;
        if (!mdReqId.empty())
            w.set(FIX::MDReqID(mdReqId));
        w.set(FIX::Symbol(market.instrument.symbol));
        int entries = 0;
        auto addSide = [&](const std::vector<DepthLevel>& levels, char type) {
            int pos = 1;
            for (const auto& l : levels) {
                FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
                g.set(FIX::MDEntryType(type));
                fixconv::setText(g, FIX::FIELD::MDEntryPx, fixconv::priceText(market.instrument, l.price));
                fixconv::setText(g, FIX::FIELD::MDEntrySize, fixconv::quantityText(l.qty));
                g.set(FIX::MDEntryPositionNo(pos++));
                w.addGroup(g);
                ++entries;
            }
        };
        addSide(market.published.bids, FIX::MDEntryType_BID);
        addSide(market.published.asks, FIX::MDEntryType_OFFER);
        if (entries == 0)
            w.setField(FIX::NoMDEntries(0));
        ++stats.marketDataMessages;
        send(w, id);
    }

    void publish(Market& market)
    {
        Depth now;
        market.book().depth(static_cast<std::size_t>(config.depthLevels), now);
        std::vector<LevelChange> changes;
        diffSide(Side::Buy, market.published.bids, now.bids, changes);
        diffSide(Side::Sell, market.published.asks, now.asks, changes);
        market.published = now;
        if (changes.empty() && market.pendingTrades.empty())
            return;
        for (const auto& sub : subscriptions) {
            if (sub.symbol != market.instrument.symbol)
                continue;
            FIX44::MarketDataIncrementalRefresh x;
            x.set(FIX::MDReqID(sub.mdReqId));
            for (const auto& c : changes) {
                FIX44::MarketDataIncrementalRefresh::NoMDEntries g;
                g.set(FIX::MDUpdateAction(c.action == LevelAction::New      ? FIX::MDUpdateAction_NEW
                                              : c.action == LevelAction::Change ? FIX::MDUpdateAction_CHANGE
                                                                                : FIX::MDUpdateAction_DELETE));
                g.set(FIX::MDEntryType(c.side == Side::Buy ? FIX::MDEntryType_BID : FIX::MDEntryType_OFFER));
                g.set(FIX::Symbol(market.instrument.symbol));
                fixconv::setText(g, FIX::FIELD::MDEntryPx, fixconv::priceText(market.instrument, c.price));
                fixconv::setText(g, FIX::FIELD::MDEntrySize, fixconv::quantityText(c.qty));
                x.addGroup(g);
            }
            for (const auto& t : market.pendingTrades) {
                FIX44::MarketDataIncrementalRefresh::NoMDEntries g;
                g.set(FIX::MDUpdateAction(FIX::MDUpdateAction_NEW));
                g.set(FIX::MDEntryType(FIX::MDEntryType_TRADE));
                g.set(FIX::Symbol(market.instrument.symbol));
                fixconv::setText(g, FIX::FIELD::MDEntryPx, fixconv::priceText(market.instrument, t.price));
                fixconv::setText(g, FIX::FIELD::MDEntrySize, fixconv::quantityText(t.qty));
                x.addGroup(g);
            }
            ++stats.marketDataMessages;
            send(x, sub.session);
        }
        market.pendingTrades.clear();
    }

    void onMarketDataRequest(const FIX::Message& m, const FIX::SessionID& id)
    {
        dropLoggedOutSubscriptions(); // an earlier logout of this session goes before its new request
        FIX::MDReqID reqId;
        FIX::SubscriptionRequestType subType;
        m.getField(reqId);
        m.getField(subType);
        if (subType.getValue() == FIX::SubscriptionRequestType_DISABLE_PREVIOUS_SNAPSHOT_PLUS_UPDATE_REQUEST) {
            std::vector<Subscription> kept;
            for (auto& s : subscriptions)
                if (!(s.session == id && s.mdReqId == reqId.getValue()))
                    kept.push_back(s);
            subscriptions.swap(kept);
            return;
        }
        FIX::NoRelatedSym count;
        m.getField(count);
        for (int i = 1; i <= count.getValue(); ++i) {
            FIX44::MarketDataRequest::NoRelatedSym g;
            m.getGroup(static_cast<unsigned>(i), g);
            FIX::Symbol symbol;
            g.get(symbol);
            auto mk = markets.find(symbol.getValue());
            if (mk == markets.end()) {
                FIX44::MarketDataRequestReject y(reqId);
                y.set(FIX::MDReqRejReason(FIX::MDReqRejReason_UNKNOWN_SYMBOL));
                y.set(FIX::Text("unknown symbol " + symbol.getValue()));
                send(y, id);
                continue;
            }
            // Bring existing subscribers up to date first, so the snapshot and the
            // next incremental refresh start from the same picture.
            publish(mk->second);
            sendSnapshot(id, reqId.getValue(), mk->second);
            bool known = false; // a resent request (PossDup) must not subscribe twice
            for (const auto& s : subscriptions)
                known = known || (s.session == id && s.mdReqId == reqId.getValue() && s.symbol == symbol.getValue());
            if (subType.getValue() == FIX::SubscriptionRequestType_SNAPSHOT_PLUS_UPDATES && !known)
                subscriptions.push_back(Subscription{id, reqId.getValue(), symbol.getValue()});
        }
    }

    // --- background flow ----------------------------------------------------------
    // A background order placed by the test hook.
    void flowOrder(Market& market, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty)
    {
        BookOrder bo;
        bo.ref = kFlowRefBit | nextFlowRef++;
        bo.side = side;
        bo.type = type;
        bo.tif = tif;
        bo.price = price;
        bo.qty = qty;
        market.add(bo);
        ++stats.flowOrders;
        applyBookEvents(market);
    }

    // The simulator runs in step with the wall clock (virtual seconds = wall seconds x speed).
    void simulate(Market& market, double virtualNow)
    {
        market.sim->runUntil(virtualNow);
        market.sim->takeOwnFills(); // the venue reports client fills from the book's events
        if (market.sim->regimeName() != market.regime) {
            market.regime = market.sim->regimeName();
            if (regimeListener)
                regimeListener(market.instrument.symbol, market.regime);
        }
    }

    void run()
    {
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        auto lastPublish = start;
        // The simulator steps every millisecond; a quiet market (no simulator) only has
        // market data to conflate, so it wakes at that cadence instead of 1,000 times a second.
        bool simulated = false;
        {
            std::lock_guard<std::recursive_mutex> lock(mutex);
            for (const auto& kv : markets)
                simulated = simulated || kv.second.sim != nullptr;
        }
        const auto tick = std::chrono::milliseconds(simulated ? 1 : std::max(1, config.marketDataIntervalMs));
        while (running.load()) {
            std::this_thread::sleep_for(tick);
            const auto now = clock::now();
            std::lock_guard<std::recursive_mutex> lock(mutex);
            dropLoggedOutSubscriptions();
            const double elapsed = std::chrono::duration<double>(now - start).count();
            for (auto& kv : markets)
                if (kv.second.sim)
                    simulate(kv.second, simStart + elapsed * config.simSpeed);
            if (now - lastPublish >= std::chrono::milliseconds(config.marketDataIntervalMs)) {
                lastPublish = now;
                for (auto& kv : markets)
                    publish(kv.second);
            }
        }
    }

    // The quiet market's opening book: a few levels each side around the reference.
    void seedBook(Market& market)
    {
        const Quantity unit = 100 * (market.instrument.lotSize > 0 ? market.instrument.lotSize : 1);
        for (Price d = 1; d <= 10; ++d) {
            flowOrder(market, Side::Buy, OrderType::Limit, TimeInForce::Day, market.reference - d, unit * (1 + d % 4));
            flowOrder(market, Side::Sell, OrderType::Limit, TimeInForce::Day, market.reference + d, unit * (1 + d % 4));
        }
    }

    // The simulated market: the configured simulator, priced around this instrument's
    // reference, warmed up before the first client sees it.
    void startSimulator(Market& market, std::size_t index)
    {
        SimConfig sc = simConfig;
        sc.instrument = market.instrument;
        sc.initialPrice = market.instrument.toPrice(market.reference);
        if (sc.lot % std::max<Quantity>(1, market.instrument.lotSize) != 0)
            sc.lot = 100 * std::max<Quantity>(1, market.instrument.lotSize);
        if (!config.regime.empty())
            sc.schedule = {ScheduleEntry{0, config.regime}}; // held for the demonstration
        market.sim.reset(new MarketSimulator(sc, config.seed + index, -1, simStart - 120));
        market.sim->setBookListener([this, &market](const std::vector<BookEvent>& events) { applyEvents(market, events); });
        simulate(market, simStart);
        market.pendingTrades.clear();
    }
};

FixVenue::FixVenue(VenueConfig config) : m_impl(new Impl)
{
    m_impl->config = std::move(config);
    if (m_impl->config.instruments.empty())
        m_impl->config.instruments.push_back(defaultInstrument());
}

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
    if (c.flowOrdersPerSecond > 0) {
        d.simConfig = defaultSimConfig();
        if (!c.simConfigPath.empty()) {
            const std::string error = loadSimConfig(c.simConfigPath, d.simConfig);
            if (!error.empty())
                throw std::runtime_error("venue: " + error);
        }
        if (!c.regime.empty() && d.simConfig.regimeIndex(c.regime) < 0) {
            std::string names;
            for (const auto& r : d.simConfig.regimes)
                names += (names.empty() ? "" : ", ") + r.name;
            throw std::runtime_error("venue: unknown regime '" + c.regime + "' (known: " + names + ")");
        }
        d.simStart = c.simStartTimeOfDayS;
    }
    d.idPrefix = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()
                                % 100000000)
        + "-";
    for (std::size_t i = 0; i < c.instruments.size(); ++i) {
        Market& m = d.markets[c.instruments[i].symbol];
        m.instrument = c.instruments[i];
        m.reference = i < c.referencePrices.size() ? c.referencePrices[i] : kDefaultReference;
        if (c.flowOrdersPerSecond > 0)
            d.startSimulator(m, i);
        else
            d.seedBook(m);
        m.book().depth(static_cast<std::size_t>(c.depthLevels), m.published);
        m.pendingTrades.clear();
    }

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
        for (const auto& client : c.clientCompIds)
            d.settings->set(FIX::SessionID("FIX.4.4", c.compId, client), FIX::Dictionary());
        d.storeFactory.reset(new MaskedFileStoreFactory(c.storeDirectory));
        d.logFactory.reset(new MaskedLogFactory(c.storeDirectory, c.logMessages, "venue", nullptr));
        d.acceptor.reset(new FIX::SocketAcceptor(d, *d.storeFactory, *d.settings, *d.logFactory));
        d.acceptor->start();
    } catch (const std::exception& e) {
        d.acceptor.reset();
        throw std::runtime_error(std::string("venue: cannot start FIX acceptor on port ") + std::to_string(c.port)
                                 + ": " + e.what());
    }
    d.running = true;
    d.worker = std::thread([&d] {
        nameThisThread("hm-venue-sim");
        d.run();
    });
    spdlog::info("venue: FIX 4.4 acceptor listening on port {} ({} instrument(s), seed {})", c.port,
                 c.instruments.size(), c.seed);
}

void FixVenue::stop()
{
    Impl& d = *m_impl;
    if (!d.running.exchange(false))
        return;
    if (d.worker.joinable())
        d.worker.join();
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
    std::lock_guard<std::recursive_mutex> lock(m_impl->mutex);
    return m_impl->stats;
}

void FixVenue::submitFlowOrder(const std::string& symbol, Side side, OrderType type, Price price, Quantity qty)
{
    std::lock_guard<std::recursive_mutex> lock(m_impl->mutex);
    auto it = m_impl->markets.find(symbol);
    if (it == m_impl->markets.end())
        throw std::runtime_error("venue: unknown symbol " + symbol);
    m_impl->flowOrder(it->second, side, type, type == OrderType::Market ? TimeInForce::ImmediateOrCancel : TimeInForce::Day,
                      price, qty);
}

std::string FixVenue::regime(const std::string& symbol) const
{
    std::lock_guard<std::recursive_mutex> lock(m_impl->mutex);
    auto it = m_impl->markets.find(symbol);
    return it == m_impl->markets.end() ? std::string() : it->second.regime;
}

void FixVenue::setRegimeListener(std::function<void(const std::string&, const std::string&)> listener)
{
    std::lock_guard<std::recursive_mutex> lock(m_impl->mutex);
    m_impl->regimeListener = std::move(listener);
}

void FixVenue::dropSessions()
{
    for (const auto& client : m_impl->config.clientCompIds) {
        FIX::Session* s = FIX::Session::lookupSession(FIX::SessionID("FIX.4.4", m_impl->config.compId, client));
        if (s)
            s->disconnect();
    }
}

bool FixVenue::anyClientLoggedOn() const { return m_impl->loggedOn.load() > 0; }

Price FixVenue::bestBid(const std::string& symbol) const
{
    std::lock_guard<std::recursive_mutex> lock(m_impl->mutex);
    auto it = m_impl->markets.find(symbol);
    return it == m_impl->markets.end() ? 0 : it->second.book().bestBid();
}

Price FixVenue::bestAsk(const std::string& symbol) const
{
    std::lock_guard<std::recursive_mutex> lock(m_impl->mutex);
    auto it = m_impl->markets.find(symbol);
    return it == m_impl->markets.end() ? 0 : it->second.book().bestAsk();
}

} // namespace hm
