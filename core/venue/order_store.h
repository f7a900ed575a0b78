#pragma once
// The venue's orders and books, without FIX: orders by (session, ClOrdID), one market
// per symbol, new/cancel/replace and the books' fills and kills, each answered with
// plain messages (venue_messages.h) appended to one outbox in the order they happened.
// Like QuickFIX's ordermatch OrderMatcher: the FIX application converts messages to
// these calls and the outbox back to messages. C++14, no QuickFIX.
//
// Durability: with a ledger open (openLedger, order_ledger.h) every change to a client
// order is written to it before the report about it is queued, so a venue that starts
// again on the same file still knows its orders, their ClOrdIDs and fills, answers
// status requests about them, refuses their ClOrdIDs as duplicates and never issues an
// OrderID or ExecID twice. Without one (tests) the orders live in memory only.
//
// Locking: one plain mutex, taken by every public method for the length of that method
// and by nothing else. Nothing is called out to while it is held (no QuickFIX, no
// listener, no other lock; the ledger's write(2) is its only system call), so any
// thread may call the store, QuickFIX callbacks included. The venue's whole lock design is described in fix_venue.cpp.
#include "fix/order_fields.h"
#include "venue/venue_market.h"
#include "venue/venue_messages.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hm {

class MultiAssetSimulator;


struct OrderStoreLimits {
    Quantity maxOrderQty = fixconv::kMaxOrderQuantity;
    Price maxPriceTicks = fixconv::kMaxPriceTicks;
    int depthLevels = 10; // of the published book
};

// Numbers arrive as the decimal text the client sent, and are read against the
// instrument of the order they apply to: an order is refused, never rounded.
struct ClientNewOrder {
    SessionKey session = 0;
    std::string clOrdId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    bool supported = true; // false: it names an order type or time in force the venue does not trade
    std::string qty;
    bool hasPrice = false;
    std::string price;
};

struct ClientCancel {
    SessionKey session = 0;
    std::string clOrdId;
    std::string origClOrdId;
    std::string symbol; // must be the order's
    Side side = Side::Buy; // must be the order's
    bool hasQty = false;   // optional on a cancel, but a quantity when sent
    std::string qty;
};

struct ClientReplace {
    SessionKey session = 0;
    std::string clOrdId;
    std::string origClOrdId;
    std::string qty; // the new order quantity, filled part included
    bool hasPrice = false;
    std::string price;
};

struct RegimeChange {
    std::string symbol;
    std::string regime;
};

class OrderLedger;
struct LedgerOrder;

class OrderStore {
public:
    explicit OrderStore(OrderStoreLimits limits);
    ~OrderStore();
    OrderStore(const OrderStore&) = delete;
    OrderStore& operator=(const OrderStore&) = delete;

    // Set-up, before clients arrive.
    void setIdPrefix(const std::string& prefix); // OrderID and ExecID start with it
    // The durable record of client orders, opened before any order arrives: the orders
    // it holds come back (in no book: those still working when the venue stopped are
    // cancelled now, "cancelled: the venue restarted"), ids continue above every id it
    // issued, and orders that ended before today are dropped from the file. Throws
    // std::runtime_error("venue order ledger 'FILE' line N: ...") when it does not read.
    void openLedger(const std::string& path);
    // A market for the instrument: a quiet, empty book; or the simulator's, warmed up to
    // virtual time openAt (its regime is reported).
    void addMarket(const Instrument& instrument, Price reference);
    std::vector<RegimeChange> addSimulatedMarket(const Instrument& instrument, Price reference,
                                                 std::unique_ptr<MarketSimulator> simulator, double openAt);
    // A correlated universe (sim/multi_asset_simulator.h): each of `members` becomes a
    // market on the universe's book for that name; advance() steps them together.
    std::vector<RegimeChange> addSimulatedUniverse(std::unique_ptr<MultiAssetSimulator> universe,
                                                   const std::vector<Instrument>& members, double openAt);
    void seedBook(const std::string& symbol); // a few background levels each side around the reference

    // Client orders. newOrder returns false, with nothing changed or queued, only for an
    // unsupported request whose symbol and ClOrdID passed (the caller refuses the message).
    bool newOrder(const ClientNewOrder& request);
    void cancel(const ClientCancel& request);
    void replace(const ClientReplace& request);

    // Status answers (ExecType OrderStatus, a new ExecID each). orderStatus names the
    // order by any ClOrdID it has had; the answer carries the current one, with the one
    // asked about as OrigClOrdID when they differ. An unknown order is answered
    // OrdStatus Rejected, OrderID "NONE". massStatus: reqType 7 every order of the
    // session the store holds, 1 those of one symbol, in the order they were taken, each
    // with TotNumReports and the last with LastRptRequested; none is one Rejected
    // report, "no orders". Another reqType is refused (VenueMessageKind::RequestRefused).
    void orderStatus(SessionKey session, const std::string& clOrdId, const std::string& symbol, Side side,
                     const std::string& reqId);
    void massStatus(SessionKey session, const std::string& reqId, int reqType, const std::string& symbol);
    static constexpr int kMassStatusForSymbol = 1;
    static constexpr int kMassStatusForAll = 7;

    // Market data requests and subscriptions, ordered with everything else.
    void requestMarketData(SessionKey session, const std::string& mdReqId, const std::vector<std::string>& symbols,
                           bool subscribe);
    void unsubscribe(SessionKey session, const std::string& mdReqId);
    void sessionEnded(SessionKey session);

    // The background: an order from no client (false: unknown symbol); the simulators
    // run up to virtual time t; the changed books published to their subscribers.
    bool flowOrder(const std::string& symbol, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty);
    std::vector<RegimeChange> advance(double virtualNow, bool publish);

    // Everything queued since the last call, in order (out is replaced).
    void takeMessages(std::vector<VenueMessage>& out);

    Price bestBid(const std::string& symbol) const; // 0: none, or unknown symbol
    Price bestAsk(const std::string& symbol) const;
    std::string regime(const std::string& symbol) const;
    std::uint64_t flowOrders() const;
    std::uint64_t trades() const;

private:
    struct Order {
        SessionKey session = kNoSession;
        std::string clOrdId;
        std::string orderId;
        std::string symbol;
        Side side = Side::Buy;
        OrderType type = OrderType::Limit;
        TimeInForce tif = TimeInForce::Day;
        Quantity orderQty = 0;
        Quantity cumQty = 0;
        std::int64_t notionalTicks = 0; // sum of fill price (ticks) x qty, for AvgPx
        Price price = 0;
        OrderBook::Handle handle = OrderBook::kNoHandle;
        bool live = true;
        std::string text; // why it ended, when a status answer should say (a restart)
    };
    using Key = std::pair<SessionKey, std::string>; // (session, ClOrdID)
    struct KeyHash {
        std::size_t operator()(const Key& k) const
        {
            return std::hash<std::string>()(k.second) ^ (std::hash<int>()(k.first) << 1);
        }
    };

    VenueMarket& emplaceMarket(const Instrument& instrument, Price reference, std::unique_ptr<MarketSimulator> sim,
                               MarketSimulator* shared = nullptr);
    VenueMarket* market(const std::string& symbol);
    const VenueMarket* market(const std::string& symbol) const;
    Order* find(SessionKey session, const std::string& clOrdId, std::uint64_t& ref);
    void rejectOrder(const ClientNewOrder& request, OrderRejectReason reason, const std::string& text);
    void rejectCancel(SessionKey session, const std::string& clOrdId, const std::string& origClOrdId,
                      const Order* order, OrderStatus status, bool forReplace, CancelRejectReason reason,
                      const std::string& text);
    VenueMessage reportOf(const Order& order, ExecType execType, OrderStatus status, Quantity leaves, Quantity lastQty,
                          Price lastPx, const std::string& origClOrdId, const std::string& text);
    // A report about a change to the order: recorded in the ledger, then queued.
    void report(const Order& order, ExecType execType, OrderStatus status, Quantity leaves, Quantity lastQty,
                Price lastPx, const std::string& origClOrdId, const std::string& text);
    void record(const Order& order, const std::string& execId, Quantity lastQty, Price lastPx, const std::string& text);
    VenueMessage statusReport(const Order& order, const std::string& askedClOrdId);
    VenueMessage noOrderStatus(SessionKey session, const std::string& clOrdId, const std::string& symbol, Side side,
                               const std::string& text);
    void restore(const std::vector<LedgerOrder>& orders);
    void applyEvents(VenueMarket& market, const std::vector<BookEvent>& events);
    void fillClient(std::uint64_t ref, Price px, Quantity qty, Quantity leaves);
    void addFlowOrder(VenueMarket& market, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty);
    void simulate(VenueMarket& market, double virtualNow, std::vector<RegimeChange>& changes);
    void publish(VenueMarket& market);
    std::string newExecId();
    std::string newOrderId();
    void reserveIds(); // before an id at the reserved limit is issued

    mutable std::mutex m_mutex; // guards every member below
    OrderStoreLimits m_limits;
    std::unique_ptr<MultiAssetSimulator> m_universe; // declared before the markets that borrow from it
    std::map<std::string, VenueMarket> m_markets;
    std::unordered_map<std::uint64_t, Order> m_orders; // by book ref
    std::unordered_map<Key, std::uint64_t, KeyHash> m_byClOrdId;
    std::vector<VenueMessage> m_outbox;
    std::string m_idPrefix;
    std::uint64_t m_nextRef = 1;
    std::uint64_t m_nextFlowRef = 1;
    std::uint64_t m_nextOrderId = 1;
    std::uint64_t m_nextExecId = 1;
    std::unique_ptr<OrderLedger> m_ledger; // null: orders are not recorded
    std::uint64_t m_orderIdLimit = 0;      // ids below these are reserved in the ledger
    std::uint64_t m_execIdLimit = 0;
    std::uint64_t m_flowOrders = 0;
    std::uint64_t m_trades = 0;
};

} // namespace hm
