#include "venue/order_store.h"

#include "fix/order_fields.h"
#include "sim/market_simulator.h"
#include "sim/multi_asset_simulator.h"
#include "venue/order_ledger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace hm {
namespace {

constexpr std::uint64_t kFlowRefBit = 1ull << 61; // background orders (below the simulator's own bits)
constexpr std::uint64_t kIdBlock = 1000;           // ids reserved in the ledger at a time
const char* const kRestartText = "cancelled: the venue restarted";

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

const char* sideName(Side s) { return s == Side::Buy ? "buy" : "sell"; }

Quantity lotOf(const Instrument& i) { return i.lotSize > 0 ? i.lotSize : 1; }

OrderStatus statusOf(Quantity cumQty, Quantity orderQty, bool cancelled)
{
    if (cumQty >= orderQty)
        return OrderStatus::Filled;
    if (cancelled)
        return OrderStatus::Canceled;
    return cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New;
}

} // namespace

constexpr int OrderStore::kMassStatusForSymbol;
constexpr int OrderStore::kMassStatusForAll;

OrderStore::OrderStore(OrderStoreLimits limits) : m_limits(limits) {}

OrderStore::~OrderStore() = default;

void OrderStore::setIdPrefix(const std::string& prefix)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_idPrefix = prefix;
}

void OrderStore::openLedger(const std::string& path)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_ledger) {
        if (m_ledger->path() == path)
            return;
        throw std::runtime_error("venue order ledger '" + path + "': the venue already records its orders in '"
                                 + m_ledger->path() + "'");
    }
    if (!m_orders.empty())
        throw std::runtime_error("venue order ledger '" + path + "': opened after orders arrived");
    const std::int64_t now = wallNs();
    std::unique_ptr<OrderLedger> ledger(new OrderLedger(path, now));
    const LedgerContents& contents = ledger->contents();
    m_nextOrderId = std::max(m_nextOrderId, contents.nextOrderId);
    m_nextExecId = std::max(m_nextExecId, contents.nextExecId);
    m_ledger = std::move(ledger);
    reserveIds();
    restore(m_ledger->contents().orders);
    m_ledger->forgetContents();
    if (!m_ledger->healthy()) { // it could not record what it restored: the store stays as it was
        const std::string why = m_ledger->error();
        m_ledger.reset();
        m_orders.clear();
        m_byClOrdId.clear();
        throw std::runtime_error("venue order ledger '" + path + "': " + why);
    }
}

// The orders come back in the order they were taken, in no book: one still working when
// the venue stopped is cancelled now, and the ledger says so.
void OrderStore::restore(const std::vector<LedgerOrder>& orders)
{
    std::size_t cancelled = 0;
    for (const LedgerOrder& lo : orders) {
        Order o;
        o.session = lo.session;
        o.clOrdId = lo.clOrdIds.back();
        o.orderId = lo.orderId;
        o.symbol = lo.symbol;
        o.side = lo.side;
        o.type = lo.type;
        o.tif = lo.tif;
        o.orderQty = lo.orderQty;
        o.cumQty = lo.cumQty;
        o.notionalTicks = lo.notionalTicks;
        o.price = lo.price;
        o.live = false;
        o.text = lo.text;
        const std::uint64_t ref = m_nextRef++;
        for (const std::string& id : lo.clOrdIds)
            m_byClOrdId[Key(lo.session, id)] = ref;
        Order& stored = m_orders.emplace(ref, std::move(o)).first->second;
        if (lo.live) {
            stored.text = kRestartText;
            record(stored, std::string(), 0, 0, kRestartText);
            ++cancelled;
        }
    }
    if (!orders.empty())
        spdlog::info("venue order ledger '{}': {} order(s) restored, {} of them cancelled because the venue restarted",
                     m_ledger->path(), orders.size(), cancelled);
}

// Ids are reserved in the ledger a block ahead of use, so none is issued twice even
// when the venue restarts with the same prefix.
void OrderStore::reserveIds()
{
    if (!m_ledger)
        return;
    m_orderIdLimit = m_nextOrderId + kIdBlock;
    m_execIdLimit = m_nextExecId + kIdBlock;
    m_ledger->reserve(wallNs(), m_orderIdLimit, m_execIdLimit);
}

std::string OrderStore::newExecId()
{
    if (m_ledger && m_nextExecId >= m_execIdLimit)
        reserveIds();
    return m_idPrefix + "E" + std::to_string(m_nextExecId++);
}

std::string OrderStore::newOrderId()
{
    if (m_ledger && m_nextOrderId >= m_orderIdLimit)
        reserveIds();
    return m_idPrefix + "O" + std::to_string(m_nextOrderId++);
}

VenueMarket& OrderStore::emplaceMarket(const Instrument& instrument, Price reference,
                                       std::unique_ptr<MarketSimulator> sim, MarketSimulator* shared)
{
    m_markets.erase(instrument.symbol);
    return m_markets
        .emplace(std::piecewise_construct, std::forward_as_tuple(instrument.symbol),
                 std::forward_as_tuple(instrument, reference, std::move(sim), shared))
        .first->second;
}

std::vector<RegimeChange> OrderStore::addSimulatedUniverse(std::unique_ptr<MultiAssetSimulator> universe,
                                                           const std::vector<Instrument>& members, double openAt)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<VenueMarket*> opened;
    for (const Instrument& ins : members) {
        const int index = universe->indexOf(ins.symbol);
        if (index < 0)
            continue;
        const UniverseMember& member = universe->config().universe.members[static_cast<std::size_t>(index)];
        VenueMarket& m = emplaceMarket(ins, ins.toTicks(member.initialPrice), nullptr,
                                       &universe->market(static_cast<std::size_t>(index)));
        m.simulator()->setBookListener([this, &m](const std::vector<BookEvent>& events) { applyEvents(m, events); });
        opened.push_back(&m);
    }
    m_universe = std::move(universe);
    m_universe->runUntil(openAt);
    std::vector<RegimeChange> changes;
    for (VenueMarket* m : opened) {
        simulate(*m, openAt, changes);
        m->markPublished(static_cast<std::size_t>(m_limits.depthLevels));
    }
    return changes;
}

void OrderStore::addMarket(const Instrument& instrument, Price reference)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    emplaceMarket(instrument, reference, nullptr).markPublished(static_cast<std::size_t>(m_limits.depthLevels));
}

std::vector<RegimeChange> OrderStore::addSimulatedMarket(const Instrument& instrument, Price reference,
                                                         std::unique_ptr<MarketSimulator> simulator, double openAt)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMarket& m = emplaceMarket(instrument, reference, std::move(simulator));
    // The background's commands report their own events; ours are read after each command.
    m.simulator()->setBookListener([this, &m](const std::vector<BookEvent>& events) { applyEvents(m, events); });
    std::vector<RegimeChange> changes;
    simulate(m, openAt, changes);
    m.markPublished(static_cast<std::size_t>(m_limits.depthLevels));
    return changes;
}

void OrderStore::seedBook(const std::string& symbol)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMarket* m = market(symbol);
    if (!m)
        return;
    const Quantity unit = 100 * lotOf(m->instrument());
    for (Price d = 1; d <= 10; ++d) {
        addFlowOrder(*m, Side::Buy, OrderType::Limit, TimeInForce::Day, m->reference() - d, unit * (1 + d % 4));
        addFlowOrder(*m, Side::Sell, OrderType::Limit, TimeInForce::Day, m->reference() + d, unit * (1 + d % 4));
    }
    m->markPublished(static_cast<std::size_t>(m_limits.depthLevels));
}

VenueMarket* OrderStore::market(const std::string& symbol)
{
    auto it = m_markets.find(symbol);
    return it == m_markets.end() ? nullptr : &it->second;
}

const VenueMarket* OrderStore::market(const std::string& symbol) const
{
    auto it = m_markets.find(symbol);
    return it == m_markets.end() ? nullptr : &it->second;
}

OrderStore::Order* OrderStore::find(SessionKey session, const std::string& clOrdId, std::uint64_t& ref)
{
    auto it = m_byClOrdId.find(Key(session, clOrdId));
    if (it == m_byClOrdId.end())
        return nullptr;
    auto o = m_orders.find(it->second);
    if (o == m_orders.end())
        return nullptr;
    ref = it->second;
    return &o->second;
}

bool OrderStore::newOrder(const ClientNewOrder& q)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMarket* m = market(q.symbol);
    if (!m) {
        rejectOrder(q, OrderRejectReason::UnknownSymbol, "unknown symbol " + q.symbol);
        return true;
    }
    const Key key(q.session, q.clOrdId);
    if (m_byClOrdId.count(key)) {
        rejectOrder(q, OrderRejectReason::DuplicateOrder, "duplicate ClOrdID " + q.clOrdId);
        return true;
    }
    if (!q.supported)
        return false;
    if (m_ledger && !m_ledger->healthy()) {
        rejectOrder(q, OrderRejectReason::Other, "the venue cannot record orders: " + m_ledger->error());
        return true;
    }
    Order o;
    o.session = q.session;
    o.clOrdId = q.clOrdId;
    o.symbol = q.symbol;
    o.side = q.side;
    o.type = q.type;
    o.tif = q.tif;
    std::string why = fixconv::parseQuantity(q.qty, "OrderQty(38)", 1, m_limits.maxOrderQty, lotOf(m->instrument()),
                                             o.orderQty);
    if (!why.empty()) {
        rejectOrder(q, OrderRejectReason::IncorrectQuantity, why);
        return true;
    }
    if (q.hasPrice) { // checked even where it is not used: a strict venue
        why = fixconv::parsePrice(q.price, "Price(44)", m->instrument(), o.price, m_limits.maxPriceTicks);
        if (!why.empty()) {
            rejectOrder(q, OrderRejectReason::Other, why);
            return true;
        }
    } else if (o.type == OrderType::Limit) {
        rejectOrder(q, OrderRejectReason::Other, "Price(44) is missing: a limit order needs a price");
        return true;
    }
    if (o.type == OrderType::Market)
        o.price = 0;

    BookOrder bo;
    bo.ref = m_nextRef++;
    bo.side = o.side;
    bo.type = o.type;
    bo.tif = o.tif;
    bo.price = o.price;
    bo.qty = o.orderQty;
    // Acknowledge only what the book took; the book's own events (fills) are reported
    // after the acknowledgement.
    const OrderBook::Result r = m->add(bo);
    if (!r.ok) {
        rejectOrder(q, OrderRejectReason::Other, "order refused by the book: " + bookRejectText(m->book().events()));
        return true;
    }
    o.orderId = newOrderId();
    o.handle = r.handle;
    m_byClOrdId[key] = bo.ref;
    const Order& stored = m_orders.emplace(bo.ref, std::move(o)).first->second;
    report(stored, ExecType::New, OrderStatus::New, stored.orderQty, 0, 0, "", "");
    applyEvents(*m, m->book().events());
    return true;
}

void OrderStore::cancel(const ClientCancel& q)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::uint64_t ref = 0;
    Order* o = find(q.session, q.origClOrdId, ref);
    if (!o)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, nullptr, OrderStatus::Rejected, false,
                            CancelRejectReason::UnknownOrder, "unknown order " + q.origClOrdId);
    // A cancel names the order by ClOrdID and repeats its Side and Symbol: a request that
    // does not is not about this order, and cancelling on it would hit the wrong one.
    if (q.symbol != o->symbol)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, statusOf(o->cumQty, o->orderQty, !o->live), false,
                            CancelRejectReason::DoesNotMatch,
                            "Symbol(55) " + fixconv::quotedFieldText(q.symbol) + " is not the symbol of order "
                                + q.origClOrdId + " (" + o->symbol + ")");
    if (q.side != o->side)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, statusOf(o->cumQty, o->orderQty, !o->live), false,
                            CancelRejectReason::DoesNotMatch,
                            std::string("Side(54) ") + sideName(q.side) + " is not the side of order " + q.origClOrdId
                                + " (" + sideName(o->side) + ")");
    if (!o->live)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, statusOf(o->cumQty, o->orderQty, true), false,
                            CancelRejectReason::TooLateToCancel, "order is no longer working");
    if (q.hasQty) {
        Quantity ignored = 0;
        const std::string why = fixconv::parseQuantity(q.qty, "OrderQty(38)", 0, m_limits.maxOrderQty, 1, ignored);
        if (!why.empty())
            return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, statusOf(o->cumQty, o->orderQty, false), false,
                                CancelRejectReason::Other, why);
    }
    if (q.clOrdId != q.origClOrdId && m_byClOrdId.count(Key(q.session, q.clOrdId)))
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, statusOf(o->cumQty, o->orderQty, false), false,
                            CancelRejectReason::DuplicateClOrdId, "duplicate ClOrdID " + q.clOrdId);
    market(o->symbol)->cancel(o->handle);
    o->live = false;
    o->handle = OrderBook::kNoHandle;
    o->clOrdId = q.clOrdId;
    m_byClOrdId[Key(q.session, o->clOrdId)] = ref;
    report(*o, ExecType::Canceled, statusOf(o->cumQty, o->orderQty, true), 0, 0, 0, q.origClOrdId, "");
}

void OrderStore::replace(const ClientReplace& q)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::uint64_t ref = 0;
    Order* o = find(q.session, q.origClOrdId, ref);
    if (!o)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, nullptr, OrderStatus::Rejected, true,
                            CancelRejectReason::UnknownOrder, "unknown order " + q.origClOrdId);
    if (!o->live || o->handle == OrderBook::kNoHandle)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, statusOf(o->cumQty, o->orderQty, !o->live), true,
                            CancelRejectReason::TooLateToCancel, "order is no longer working");
    const OrderStatus now = statusOf(o->cumQty, o->orderQty, false);
    if (q.clOrdId != q.origClOrdId && m_byClOrdId.count(Key(q.session, q.clOrdId)))
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, now, true, CancelRejectReason::DuplicateClOrdId,
                            "duplicate ClOrdID " + q.clOrdId);
    VenueMarket& m = *market(o->symbol);
    Quantity newQty = 0;
    std::string why =
        fixconv::parseQuantity(q.qty, "OrderQty(38)", 1, m_limits.maxOrderQty, lotOf(m.instrument()), newQty);
    Price newPrice = o->price;
    if (why.empty() && q.hasPrice)
        why = fixconv::parsePrice(q.price, "Price(44)", m.instrument(), newPrice, m_limits.maxPriceTicks);
    if (!why.empty())
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, now, true, CancelRejectReason::Other, why);
    const Quantity newLeaves = newQty - o->cumQty;
    if (newLeaves <= 0)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, now, true, CancelRejectReason::Other,
                            "OrderQty(38) " + q.qty + " is not above the filled quantity " + std::to_string(o->cumQty));
    const OrderBook::Result r = m.replace(o->handle, o->side, newPrice, newLeaves);
    if (!r.ok)
        return rejectCancel(q.session, q.clOrdId, q.origClOrdId, o, now, true, CancelRejectReason::Other,
                            "replace refused by the book");
    o->clOrdId = q.clOrdId;
    o->orderQty = newQty;
    o->price = newPrice;
    o->handle = r.handle;
    if (r.handle == OrderBook::kNoHandle && r.leaves == 0 && r.filled < newLeaves)
        o->live = false;
    m_byClOrdId[Key(q.session, o->clOrdId)] = ref;
    report(*o, ExecType::Replaced, o->cumQty > 0 ? OrderStatus::PartiallyFilled : OrderStatus::New, newLeaves, 0, 0,
           q.origClOrdId, "");
    applyEvents(m, m.book().events());
}

void OrderStore::rejectOrder(const ClientNewOrder& q, OrderRejectReason reason, const std::string& text)
{
    VenueMessage msg;
    msg.kind = VenueMessageKind::OrderRejected;
    msg.session = q.session;
    ExecutionReport& er = msg.execution;
    er.execId = newExecId();
    er.execType = ExecType::Rejected;
    er.ordStatus = OrderStatus::Rejected;
    er.clOrdId = q.clOrdId;
    er.symbol = q.symbol;
    er.side = q.side;
    er.text = text;
    msg.rejectReason = reason;
    m_outbox.push_back(std::move(msg));
}

void OrderStore::rejectCancel(SessionKey session, const std::string& clOrdId, const std::string& origClOrdId,
                              const Order* order, OrderStatus status, bool forReplace, CancelRejectReason reason,
                              const std::string& text)
{
    VenueMessage msg;
    msg.kind = VenueMessageKind::CancelRejected;
    msg.session = session;
    CancelReject& r = msg.cancelReject;
    r.orderId = order ? order->orderId : std::string();
    r.clOrdId = clOrdId;
    r.origClOrdId = origClOrdId;
    r.ordStatus = status;
    r.responseTo = forReplace ? CancelRejectResponseTo::Replace : CancelRejectResponseTo::Cancel;
    r.text = text;
    msg.cancelRejectReason = reason;
    m_outbox.push_back(std::move(msg));
}

void OrderStore::report(const Order& o, ExecType execType, OrderStatus status, Quantity leaves, Quantity lastQty,
                        Price lastPx, const std::string& origClOrdId, const std::string& text)
{
    VenueMessage msg = reportOf(o, execType, status, leaves, lastQty, lastPx, origClOrdId, text);
    record(o, msg.execution.execId, lastQty, lastPx, text); // on disk before it can reach the wire
    m_outbox.push_back(std::move(msg));
}

void OrderStore::record(const Order& o, const std::string& execId, Quantity lastQty, Price lastPx,
                        const std::string& text)
{
    if (!m_ledger)
        return;
    LedgerChange c;
    c.timeNs = wallNs();
    c.session = o.session;
    c.orderId = o.orderId;
    c.clOrdId = o.clOrdId;
    c.symbol = o.symbol;
    c.side = o.side;
    c.type = o.type;
    c.tif = o.tif;
    c.orderQty = o.orderQty;
    c.cumQty = o.cumQty;
    c.notionalTicks = o.notionalTicks;
    c.price = o.price;
    c.live = o.live;
    c.execId = execId;
    c.lastQty = lastQty;
    c.lastPx = lastPx;
    c.text = text;
    m_ledger->append(c);
}

VenueMessage OrderStore::reportOf(const Order& o, ExecType execType, OrderStatus status, Quantity leaves,
                                  Quantity lastQty, Price lastPx, const std::string& origClOrdId,
                                  const std::string& text)
{
    VenueMessage msg;
    msg.kind = VenueMessageKind::Execution;
    msg.session = o.session;
    msg.orderType = o.type;
    ExecutionReport& er = msg.execution;
    er.orderId = o.orderId;
    er.execId = newExecId();
    er.execType = execType;
    er.ordStatus = status;
    er.side = o.side;
    er.leavesQty = leaves;
    er.cumQty = o.cumQty;
    const VenueMarket* m = market(o.symbol); // none: a restored order of a symbol no longer listed
    er.avgPx = o.cumQty > 0 && m
        ? static_cast<double>(o.notionalTicks) * m->instrument().tickSize / static_cast<double>(o.cumQty)
        : 0.0;
    er.clOrdId = o.clOrdId;
    er.origClOrdId = origClOrdId;
    er.symbol = o.symbol;
    er.orderQty = o.orderQty;
    er.price = o.price;
    er.lastQty = lastQty;
    er.lastPx = lastPx;
    er.text = text;
    return msg;
}

VenueMessage OrderStore::statusReport(const Order& o, const std::string& askedClOrdId)
{
    VenueMessage msg = reportOf(o, ExecType::OrderStatus, statusOf(o.cumQty, o.orderQty, !o.live),
                                o.live ? o.orderQty - o.cumQty : 0, 0, 0,
                                askedClOrdId == o.clOrdId ? std::string() : askedClOrdId, o.text);
    return msg;
}

VenueMessage OrderStore::noOrderStatus(SessionKey session, const std::string& clOrdId, const std::string& symbol,
                                       Side side, const std::string& text)
{
    VenueMessage msg;
    msg.kind = VenueMessageKind::Execution;
    msg.session = session;
    msg.orderDetails = false;
    ExecutionReport& er = msg.execution;
    er.orderId = "NONE";
    er.execId = newExecId();
    er.execType = ExecType::OrderStatus;
    er.ordStatus = OrderStatus::Rejected;
    er.clOrdId = clOrdId;
    er.symbol = symbol;
    er.side = side;
    er.text = text;
    return msg;
}

void OrderStore::orderStatus(SessionKey session, const std::string& clOrdId, const std::string& symbol, Side side,
                             const std::string& reqId)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::uint64_t ref = 0;
    const Order* o = find(session, clOrdId, ref);
    VenueMessage msg = o ? statusReport(*o, clOrdId) : noOrderStatus(session, clOrdId, symbol, side, "unknown order " + clOrdId);
    msg.execution.ordStatusReqId = reqId;
    m_outbox.push_back(std::move(msg));
}

void OrderStore::massStatus(SessionKey session, const std::string& reqId, int reqType, const std::string& symbol)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMessage refusal;
    refusal.kind = VenueMessageKind::RequestRefused;
    refusal.session = session;
    refusal.requestId = reqId;
    if (reqType != kMassStatusForAll && reqType != kMassStatusForSymbol) {
        refusal.text = "MassStatusReqType(585) " + std::to_string(reqType)
            + " is not served: the venue answers 7 (all orders) and 1 (the orders of one Symbol(55))";
        m_outbox.push_back(std::move(refusal));
        return;
    }
    if (reqType == kMassStatusForSymbol && symbol.empty()) {
        refusal.refusalReason = RefusalReason::ConditionallyRequiredFieldMissing;
        refusal.text = "Symbol(55) is required with MassStatusReqType(585) 1 (the orders of one symbol)";
        m_outbox.push_back(std::move(refusal));
        return;
    }
    std::vector<std::uint64_t> refs; // book refs grow with each order taken: their order is the taking order
    for (const auto& kv : m_orders)
        if (kv.second.session == session && (reqType == kMassStatusForAll || kv.second.symbol == symbol))
            refs.push_back(kv.first);
    std::sort(refs.begin(), refs.end());
    if (refs.empty()) {
        VenueMessage msg = noOrderStatus(session, std::string(), "[N/A]", Side::Buy, "no orders");
        msg.execution.massStatusReqId = reqId;
        msg.execution.totNumReports = 0;
        msg.execution.lastRptRequested = true;
        m_outbox.push_back(std::move(msg));
        return;
    }
    for (std::size_t i = 0; i < refs.size(); ++i) {
        const Order& o = m_orders.at(refs[i]);
        VenueMessage msg = statusReport(o, o.clOrdId);
        msg.execution.massStatusReqId = reqId;
        msg.execution.totNumReports = static_cast<int>(refs.size());
        msg.execution.lastRptRequested = i + 1 == refs.size();
        m_outbox.push_back(std::move(msg));
    }
}

// The book's events: executions for client orders, trades for market data.
void OrderStore::applyEvents(VenueMarket& m, const std::vector<BookEvent>& events)
{
    for (const BookEvent& e : events) {
        switch (e.kind) {
        case BookEventKind::Fill:
            m.addTrade(e.price, e.qty);
            ++m_trades;
            fillClient(e.ref, e.price, e.qty, e.leaves);
            fillClient(e.counterRef, e.price, e.qty, e.counterLeaves);
            break;
        case BookEventKind::Killed: {
            auto it = m_orders.find(e.ref);
            if (it == m_orders.end())
                break;
            Order& o = it->second;
            o.live = false;
            o.handle = OrderBook::kNoHandle;
            const char* why = o.tif == TimeInForce::FillOrKill ? "fill-or-kill could not be filled in full"
                : o.type == OrderType::Market ? "market order: no more liquidity on the other side"
                                              : "immediate-or-cancel remainder cancelled";
            report(o, ExecType::Canceled, statusOf(o.cumQty, o.orderQty, true), 0, 0, 0, "", why);
            break;
        }
        default: break;
        }
    }
}

void OrderStore::fillClient(std::uint64_t ref, Price px, Quantity qty, Quantity leaves)
{
    if (ref & kFlowRefBit)
        return;
    auto it = m_orders.find(ref);
    if (it == m_orders.end())
        return;
    Order& o = it->second;
    o.cumQty += qty;
    o.notionalTicks += static_cast<std::int64_t>(px) * static_cast<std::int64_t>(qty);
    if (leaves == 0 && o.cumQty >= o.orderQty) {
        o.live = false;
        o.handle = OrderBook::kNoHandle;
    }
    report(o, ExecType::Trade, statusOf(o.cumQty, o.orderQty, false), leaves, qty, px, "", "");
}

void OrderStore::requestMarketData(SessionKey session, const std::string& mdReqId,
                                   const std::vector<std::string>& symbols, bool subscribe)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const std::string& symbol : symbols) {
        VenueMessage msg;
        msg.session = session;
        msg.mdReqId = mdReqId;
        msg.symbol = symbol;
        VenueMarket* m = market(symbol);
        if (!m) {
            msg.kind = VenueMessageKind::UnknownSymbol;
            m_outbox.push_back(std::move(msg));
            continue;
        }
        // Existing subscribers are brought up to date first, so the snapshot and the
        // next incremental refresh start from the same picture.
        publish(*m);
        msg.kind = VenueMessageKind::Snapshot;
        msg.depth = m->published();
        msg.subscribe = subscribe;
        m_outbox.push_back(std::move(msg));
    }
}

void OrderStore::unsubscribe(SessionKey session, const std::string& mdReqId)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMessage msg;
    msg.kind = VenueMessageKind::Unsubscribe;
    msg.session = session;
    msg.mdReqId = mdReqId;
    m_outbox.push_back(std::move(msg));
}

void OrderStore::sessionEnded(SessionKey session)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMessage msg;
    msg.kind = VenueMessageKind::SessionEnded;
    msg.session = session;
    m_outbox.push_back(std::move(msg));
}

void OrderStore::publish(VenueMarket& m)
{
    VenueMessage msg;
    if (!m.takeChanges(static_cast<std::size_t>(m_limits.depthLevels), msg.update.changes, msg.update.trades))
        return;
    msg.kind = VenueMessageKind::DepthUpdate;
    msg.update.symbol = m.instrument().symbol;
    m_outbox.push_back(std::move(msg));
}

void OrderStore::addFlowOrder(VenueMarket& m, Side side, OrderType type, TimeInForce tif, Price price, Quantity qty)
{
    BookOrder bo;
    bo.ref = kFlowRefBit | m_nextFlowRef++;
    bo.side = side;
    bo.type = type;
    bo.tif = tif;
    bo.price = price;
    bo.qty = qty;
    m.add(bo);
    ++m_flowOrders;
    applyEvents(m, m.book().events());
}

bool OrderStore::flowOrder(const std::string& symbol, Side side, OrderType type, TimeInForce tif, Price price,
                           Quantity qty)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    VenueMarket* m = market(symbol);
    if (!m)
        return false;
    addFlowOrder(*m, side, type, tif, price, qty);
    return true;
}

// The simulator runs in step with the wall clock (virtual seconds = wall seconds x speed).
void OrderStore::simulate(VenueMarket& m, double virtualNow, std::vector<RegimeChange>& changes)
{
    MarketSimulator& sim = *m.simulator();
    sim.runUntil(virtualNow);
    sim.takeOwnFills(); // client fills are reported from the book's events
    if (sim.regimeName() != m.regime) {
        m.regime = sim.regimeName();
        changes.push_back(RegimeChange{m.instrument().symbol, m.regime});
    }
}

std::vector<RegimeChange> OrderStore::advance(double virtualNow, bool publishNow)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<RegimeChange> changes;
    if (m_universe)
        m_universe->runUntil(virtualNow); // its names together, before each reports
    for (auto& kv : m_markets)
        if (kv.second.simulator())
            simulate(kv.second, virtualNow, changes);
    if (publishNow)
        for (auto& kv : m_markets)
            publish(kv.second);
    return changes;
}

void OrderStore::takeMessages(std::vector<VenueMessage>& out)
{
    out.clear();
    std::lock_guard<std::mutex> lock(m_mutex);
    out.swap(m_outbox);
}

Price OrderStore::bestBid(const std::string& symbol) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const VenueMarket* m = market(symbol);
    return m ? m->book().bestBid() : 0;
}

Price OrderStore::bestAsk(const std::string& symbol) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const VenueMarket* m = market(symbol);
    return m ? m->book().bestAsk() : 0;
}

std::string OrderStore::regime(const std::string& symbol) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const VenueMarket* m = market(symbol);
    return m ? m->regime : std::string();
}

std::uint64_t OrderStore::flowOrders() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_flowOrders;
}

std::uint64_t OrderStore::trades() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_trades;
}

} // namespace hm
