#include "engine/engine.h"
#include "model/thread_name.h"

#include "journal/journal_writer.h"

#include <algorithm>
#include <chrono>

namespace hm {
namespace {

constexpr std::size_t kLatencyWindow = 4096;

LatencyStats percentiles(std::vector<double> samples, std::uint64_t total)
{
    LatencyStats s;
    s.samples = total;
    if (samples.empty())
        return s;
    auto at = [&](double q) {
        std::size_t k = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1));
        std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k), samples.end());
        return samples[k];
    };
    s.p50us = at(0.50);
    s.p99us = at(0.99);
    return s;
}

int sideCode(Side s) { return s == Side::Buy ? 0 : 1; }

// A replay is read-only: a command is answered (when it asks for an answer) and dropped.
template <typename Command>
auto refuseInReplay(Command& c, int) -> decltype(c.reply, void())
{
    if (c.reply)
        c.reply(false, "a replay is read-only");
}
template <typename Command>
void refuseInReplay(Command&, long)
{
}

} // namespace

Engine::Engine(EngineConfig config, OrderGateway& gateway, JournalWriter* journal)
    : m_config(std::move(config)), m_gateway(gateway), m_journal(journal)
{
    if (m_config.clOrdIdPrefix.empty())
        m_config.clOrdIdPrefix = "HM" + std::to_string((wallNs() / 1000000000) % 10000000) + "-";
    for (const auto& i : m_config.instruments) {
        m_books[i.symbol];
        m_gate.addInstrument(i);
        m_metrics[i.symbol];
    }
    m_gate.setLimits(m_config.limits);
    m_oms.setRememberExecIds(!m_config.replay);
    m_latest = std::make_shared<EngineSnapshot>();
}

Engine::~Engine() { stop(); }

SnapshotSubscription Engine::subscribeSnapshots(SnapshotSink sink)
{
    auto slot = std::make_shared<SnapshotSlot>();
    slot->sink = std::move(sink);
    std::lock_guard<std::mutex> lock(m_sinksMutex);
    m_sinks.erase(std::remove_if(m_sinks.begin(), m_sinks.end(), [](const auto& s) { return s.use_count() == 1; }),
                  m_sinks.end()); // slots whose subscription has gone
    m_sinks.push_back(slot);
    return SnapshotSubscription(std::move(slot));
}

void Engine::start()
{
    if (m_running.exchange(true))
        return;
    m_gateway.setListener(this);
    if (m_journal) { // the starting limits, so a replay (and a what-if) begins where the session did
        JournalRecord r;
        r.time = wallNs();
        r.kind = RecordKind::Config;
        r.ref = "limits-initial";
        for (const auto& f : limitFields()) {
            std::string v;
            limitValue(m_gate.limits(), f.name, v);
            r.text += (r.text.empty() ? "" : ";") + std::string(f.name) + "=" + v;
        }
        const Timestamp t = r.time;
        m_journal->append(std::move(r));
        if (m_regimeModel) { // a replay runs the same detector on the recorded market
            for (const auto& kv : {std::make_pair("regime-model", hmmJson(*m_regimeModel)),
                                   std::make_pair("regime-warmup-s", std::to_string(m_config.regimeWarmupS))}) {
                JournalRecord c;
                c.time = t;
                c.kind = RecordKind::Config;
                c.ref = kv.first;
                c.text = kv.second;
                m_journal->append(std::move(c));
            }
        }
    }
    m_thread = std::thread([this] {
        nameThisThread("hm-engine");
        run();
    });
}

void Engine::stop()
{
    if (!m_running.exchange(false))
        return;
    m_queueCv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_gateway.setListener(nullptr);
}

std::string Engine::nextId() { return m_config.clOrdIdPrefix + std::to_string(++m_idSeq); }

const Instrument* Engine::instrument(const std::string& symbol) const
{
    for (const auto& i : m_config.instruments)
        if (i.symbol == symbol)
            return &i;
    return nullptr;
}

void Engine::post(Input input)
{
    if (m_config.replay && !std::holds_alternative<ReplayBatch>(input) && !std::holds_alternative<ReplayRestore>(input)
        && !std::holds_alternative<ReplayJump>(input)) {
        std::visit([](auto& command) { refuseInReplay(command, 0); }, input);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_queueMutex);
        m_queue.push_back(std::move(input));
    }
    m_queueCv.notify_one();
}

std::string Engine::submit(OrderRequest order, Origin origin)
{
    if (order.clOrdId.empty())
        order.clOrdId = nextId();
    std::string id = order.clOrdId;
    post(SubmitOrder{std::move(order), std::move(origin)});
    return id;
}

void Engine::cancel(const std::string& clOrdId, Origin origin) { post(CancelOrder{clOrdId, std::move(origin)}); }

void Engine::replace(const std::string& clOrdId, Quantity qty, Price price, Origin origin)
{
    post(ReplaceOrder{clOrdId, qty, price, std::move(origin)});
}

void Engine::cancelAll(Origin origin) { post(CancelAllOrders{std::move(origin), {}, std::nullopt, 0}); }

void Engine::cancelAtPrice(const std::string& symbol, Side side, Price price, Origin origin)
{
    post(CancelAllOrders{std::move(origin), symbol, side, price});
}

void Engine::onExecutionReport(const ExecutionReport& r) { post(r); }
void Engine::onCancelReject(const CancelReject& r) { post(r); }
void Engine::onMarketData(const MarketDataSnapshot& s) { post(s); }
void Engine::onMarketData(const MarketDataUpdate& u) { post(u); }
void Engine::onSessionEvent(const SessionEvent& e) { post(e); }

std::vector<double> Engine::roundTripsSince(std::size_t index) const
{
    std::lock_guard<std::mutex> lock(m_roundTripMutex);
    if (index >= m_roundTripsUs.size())
        return {};
    return std::vector<double>(m_roundTripsUs.begin() + static_cast<std::ptrdiff_t>(index), m_roundTripsUs.end());
}

SnapshotPtr Engine::latest() const
{
    std::lock_guard<std::mutex> lock(m_latestMutex);
    return m_latest;
}

void Engine::run()
{
    using clock = std::chrono::steady_clock;
    const auto period = std::chrono::microseconds(1000000 / std::max(1, m_config.snapshotHz));
    auto nextPublish = clock::now();
    std::vector<Input> batch;
    while (true) {
        {
            std::unique_lock<std::mutex> lock(m_queueMutex);
            const auto nextTick = m_config.replay ? nextPublish : clock::time_point(std::chrono::nanoseconds(m_nextAgentTick));
            m_queueCv.wait_until(lock, std::min(nextPublish, nextTick),
                                 [&] { return !m_queue.empty() || !m_running.load(); });
            batch.swap(m_queue);
        }
        for (auto& input : batch)
            std::visit([this](auto& v) { handle(v); }, input);
        if (!batch.empty())
            m_dirty = true;
        batch.clear();
        const auto now = clock::now();
        if (m_journal && m_config.stateHashIntervalMs > 0 && wallNs() >= m_nextStateHash) {
            journalStateHash();
            m_nextStateHash = wallNs() + static_cast<Timestamp>(m_config.stateHashIntervalMs) * 1000000;
        }
        if (!m_config.replay && now.time_since_epoch().count() >= m_nextAgentTick) {
            tickAgents(engineNow());
            m_nextAgentTick = (now + std::chrono::milliseconds(m_config.agentTickMs)).time_since_epoch().count();
            m_dirty = true;
        }
        if (now >= nextPublish || !m_pendingAnswers.empty()) {
            // An answered command is published at once: whoever asked, and then reads
            // latest(), sees its effect (a kill, a limit, an agent's new state).
            publish(); // also refreshes session status, which changes without events
            nextPublish = now + period;
            answerPending();
        }
        if (!m_running.load()) {
            std::lock_guard<std::mutex> lock(m_queueMutex);
            if (m_queue.empty())
                break;
        }
    }
    if (m_journal && m_config.stateHashIntervalMs > 0)
        journalStateHash();
    publish();
    answerPending();
}

void Engine::answerPending()
{
    std::vector<std::function<void()>> answers;
    answers.swap(m_pendingAnswers);
    for (auto& a : answers)
        a();
}

void Engine::journalOperator(const std::string& action, const std::string& detail)
{
    if (!m_journal)
        return;
    JournalRecord r;
    r.time = engineNow();
    r.kind = RecordKind::Operator;
    r.ref = action;
    r.text = detail;
    m_journal->append(std::move(r));
}

void Engine::handle(SubmitOrder& c) { submitChecked(c.order, c.origin); }

bool Engine::submitChecked(OrderRequest& o, const Origin& origin)
{
    const Timestamp now = engineNow();
    if (m_oms.find(o.clOrdId)) {
        // A caller's own id that is taken: refused before it reaches the order manager,
        // the gate or the venue, so nothing about the existing order changes.
        const std::string why = "client order id '" + o.clOrdId + "' is already in use";
        ++m_counters.ordersDenied;
        feed("denial", o.owner.empty() ? "operator" : o.owner, orderText(o.side, o.qty, o.symbol, o.type, o.price) + ": " + why);
        journalOperator("submit-refused", origin.text() + ": " + why);
        return false;
    }
    std::string reason;
    const Instrument* ins = instrument(o.symbol);
    if (!ins)
        reason = "unknown instrument '" + o.symbol + "'";
    else if (o.qty <= 0 || o.qty % std::max<Quantity>(1, ins->lotSize) != 0)
        reason = "quantity " + std::to_string(o.qty) + " is not a positive multiple of the lot size "
            + std::to_string(ins->lotSize);
    else if (o.type == OrderType::Limit && o.price <= 0)
        reason = "limit price must be positive";
    DenyReason code = DenyReason::None;
    if (reason.empty()) {
        // The risk gate sees every order, the operator's too.
        const std::string who = o.owner.empty() ? "operator" : o.owner;
        const GateVerdict v = m_gate.checkNew(o, who, monoNs(), ownOrdersAgainst(o.symbol, o.side, o.type, o.price));
        // Resting orders the gate wants gone are cancelled first: on the one FIX session
        // the venue handles the cancels before the new order, so the two cannot meet.
        const bool cancelled = v.cancelResting.empty()
            || cancelSelfTrades(v, o.clOrdId, who, orderText(o.side, o.qty, o.symbol, o.type, o.price));
        if (v.passed() && !cancelled) {
            // One stays working (its cancel could not be sent): the new order must not go.
            m_gate.onWorkingReduced(o.symbol, o.side, o.qty);
            m_gate.onOrderClosed();
            m_gate.denyRecorded(DenyReason::SelfTrade);
            m_gate.selfTradeRecorded(who, true);
            code = DenyReason::SelfTrade;
            reason = std::string("risk gate ") + toString(code) + ": " + v.text
                + "; our resting order could not be cancelled";
            feed("denial", who, orderText(o.side, o.qty, o.symbol, o.type, o.price) + ": " + reason);
        } else if (!v.passed()) {
            code = v.reason;
            reason = std::string("risk gate ") + toString(v.reason) + ": " + v.text;
            feed("denial", o.owner.empty() ? "operator" : o.owner,
                 orderText(o.side, o.qty, o.symbol, o.type, o.price) + ": " + reason);
        } else {
            m_gateLeaves[o.clOrdId] = o.qty;
        }
    }
    if (origin.journalsAsOperator())
        journalOperator("submit", origin.text() + ": " + toString(o.side) + " " + std::to_string(o.qty) + " " + o.symbol);
    m_oms.onSend(o, now);
    if (m_journal) {
        JournalRecord r;
        r.time = now;
        r.kind = reason.empty() ? RecordKind::OrderNew : RecordKind::OrderDenied;
        r.symbol = o.symbol;
        r.ref = o.clOrdId;
        r.side = sideCode(o.side);
        r.price = o.price;
        r.qty = o.qty;
        r.aux = static_cast<int>(code);
        r.text = reason.empty() ? std::string(toString(o.type)) + " " + toString(o.tif) : reason;
        if (!o.owner.empty()) // replay attributes the order to its agent
            r.text += reason.empty() ? " owner=" + o.owner : " [owner=" + o.owner + "]";
        m_journal->append(std::move(r));
    }
    if (!reason.empty()) {
        m_oms.onSendFailed(o.clOrdId, "denied: " + reason, now);
        ++m_counters.ordersDenied;
        return false;
    }
    std::string error;
    const Timestamp handedOver = monoNs();
    if (!m_gateway.send(o, error)) {
        m_gate.onWorkingReduced(o.symbol, o.side, o.qty);
        m_gate.onOrderClosed();
        m_gateLeaves.erase(o.clOrdId);
        m_oms.onSendFailed(o.clOrdId, error, now);
        ++m_counters.ordersDenied;
        if (m_journal) {
            JournalRecord r;
            r.time = now;
            r.kind = RecordKind::OrderDenied;
            r.symbol = o.symbol;
            r.ref = o.clOrdId;
            r.text = error;
            m_journal->append(std::move(r));
        }
        return false;
    }
    // Reports are handled on this thread, after this: the time can be noted now.
    const Timestamp onWire = m_gateway.lastSendMono();
    m_sentAt[o.clOrdId] = onWire >= handedOver ? onWire : handedOver;
    ++m_counters.ordersSent;
    return true;
}

std::vector<OwnOrder> Engine::ownOrdersAgainst(const std::string& symbol, Side side, OrderType type, Price price) const
{
    std::vector<OwnOrder> out;
    for (const OrderRecord* o : m_oms.workingAgainst(symbol, side, type, price))
        out.push_back(OwnOrder{o->clOrdId, o->owner, o->symbol, o->side, o->price, o->leavesQty});
    return out;
}

bool Engine::cancelSelfTrades(const GateVerdict& v, const std::string& incomingId, const std::string& who,
                              const std::string& incomingText)
{
    const Actor gate{"risk-gate", Role::System};
    const std::string policy = std::string("self-trade prevention, policy ") + toString(m_gate.limits().selfTradePolicy);
    bool allSent = true;
    for (const OwnOrder& r : v.cancelResting) {
        CancelOrder c{r.clOrdId, Origin::engine()};
        handle(c);
        const OrderRecord* rec = m_oms.find(r.clOrdId);
        const bool sent = rec && rec->status == OrderStatus::PendingCancel;
        allSent = allSent && sent;
        // Agent "" is the operator's order, as elsewhere in the audit trail.
        audit(gate, "self-trade-cancel", r.owner, policy, "", "",
              r.clOrdId + " " + orderText(r.side, r.leaves, r.symbol, OrderType::Limit, r.price)
                  + (sent ? " cancelled" : " NOT cancelled (the cancel could not be sent)") + ": " + incomingId + " of "
                  + who + ", " + incomingText + ", would have traded against it");
    }
    return allSent;
}

void Engine::handle(CancelOrder& c)
{
    const Timestamp now = engineNow();
    const OrderRecord* existing = m_oms.find(c.clOrdId);
    if (!existing || isTerminal(existing->status)) {
        journalOperator("cancel-ignored", c.clOrdId + ": not a working order");
        return;
    }
    const std::string requestId = nextId();
    CancelRequest req;
    req.clOrdId = requestId;
    req.origClOrdId = existing->currentClOrdId;
    req.symbol = existing->symbol;
    req.side = existing->side;
    req.qty = existing->qty;
    if (c.origin.journalsAsOperator())
        journalOperator("cancel", c.origin.text() + ": " + c.clOrdId);
    m_gate.noteCancel(monoNs()); // cancels always pass; they count toward the message rate
    m_oms.onCancelRequested(c.clOrdId, requestId, now);
    if (m_journal) {
        JournalRecord r;
        r.time = now;
        r.kind = RecordKind::OrderCancel;
        r.symbol = req.symbol;
        r.ref = requestId;
        r.side = sideCode(req.side);
        r.text = req.origClOrdId;
        m_journal->append(std::move(r));
    }
    std::string error;
    if (!m_gateway.cancel(req, error)) {
        CancelReject rej;
        rej.clOrdId = requestId;
        rej.origClOrdId = req.origClOrdId;
        rej.ordStatus = existing->status;
        rej.text = "cancel not sent: " + error;
        m_oms.onCancelReject(rej, now);
    }
}

void Engine::handle(ReplaceOrder& c)
{
    const Timestamp now = engineNow();
    const OrderRecord* existing = m_oms.find(c.clOrdId);
    if (!existing || isTerminal(existing->status)) {
        journalOperator("replace-ignored", c.clOrdId + ": not a working order");
        return;
    }
    OrderRequest current;
    current.symbol = existing->symbol;
    current.side = existing->side;
    current.type = existing->type;
    current.qty = existing->qty;
    current.price = existing->price;
    const std::string who = existing->owner.empty() ? "operator" : existing->owner;
    GateVerdict v = m_gate.checkReplace(current, existing->leavesQty, c.qty, c.price, who, monoNs(),
                                        ownOrdersAgainst(current.symbol, current.side, current.type, c.price));
    if (!v.cancelResting.empty()
        && !cancelSelfTrades(v, c.clOrdId, who, "replace to " + orderText(current.side, c.qty, current.symbol, current.type, c.price))
        && v.passed()) {
        const Quantity added = std::max<Quantity>(0, c.qty - existing->cumQty) - existing->leavesQty;
        if (added > 0)
            m_gate.onWorkingReduced(current.symbol, current.side, added);
        m_gate.denyRecorded(DenyReason::SelfTrade);
        m_gate.selfTradeRecorded(who, true);
        v.reason = DenyReason::SelfTrade;
        v.text += "; our resting order could not be cancelled";
    }
    if (!v.passed()) {
        ++m_counters.ordersDenied;
        feed("denial", existing->owner.empty() ? "operator" : existing->owner,
             "replace " + c.clOrdId + ": risk gate " + toString(v.reason) + ": " + v.text);
        journalOperator("replace-denied", c.clOrdId + ": " + toString(v.reason) + ": " + v.text);
        return;
    }
    {
        auto g = m_gateLeaves.find(existing->clOrdId);
        const Quantity newLeaves = std::max<Quantity>(0, c.qty - existing->cumQty);
        if (g != m_gateLeaves.end() && newLeaves > g->second)
            g->second = newLeaves;
    }
    const std::string requestId = nextId();
    ReplaceRequest req;
    req.clOrdId = requestId;
    req.origClOrdId = existing->currentClOrdId;
    req.symbol = existing->symbol;
    req.side = existing->side;
    req.type = existing->type;
    req.qty = c.qty;
    req.price = c.price;
    if (c.origin.journalsAsOperator())
        journalOperator("replace", c.origin.text() + ": " + c.clOrdId);
    m_oms.onReplaceRequested(c.clOrdId, requestId, now);
    if (m_journal) {
        JournalRecord r;
        r.time = now;
        r.kind = RecordKind::OrderReplace;
        r.symbol = req.symbol;
        r.ref = requestId;
        r.side = sideCode(req.side);
        r.price = req.price;
        r.qty = req.qty;
        r.text = req.origClOrdId;
        m_journal->append(std::move(r));
    }
    std::string error;
    if (!m_gateway.replace(req, error)) {
        CancelReject rej;
        rej.clOrdId = requestId;
        rej.origClOrdId = req.origClOrdId;
        rej.ordStatus = existing->status;
        rej.responseTo = CancelRejectResponseTo::Replace;
        rej.text = "replace not sent: " + error;
        m_oms.onCancelReject(rej, now);
    }
}

void Engine::handle(CancelAllOrders& c)
{
    journalOperator(c.symbol.empty() ? "cancel-all" : "cancel-at-price",
                    c.symbol.empty() ? c.origin.text()
                                     : c.origin.text() + " " + c.symbol + " " + (c.side ? toString(*c.side) : "any") + " "
                            + std::to_string(c.price));
    cancelWhere([&](const OrderRecord& o) {
        return (c.symbol.empty() || o.symbol == c.symbol) && (!c.side || o.side == *c.side)
            && (c.price == 0 || o.price == c.price);
    });
}

void Engine::handle(ExecutionReport& e)
{
    const Timestamp now = engineNow();
    ++m_counters.executionReports;
    ReportResult r = m_oms.onExecutionReport(e, now);
    if (r.outcome == ReportOutcome::Duplicate) {
        ++m_counters.duplicateReports;
        return; // journaled once, when first seen
    }
    if (r.outcome == ReportOutcome::UnknownOrder)
        ++m_counters.unknownReports;
    if (r.firstResponse && r.order) {
        auto it = m_sentAt.find(r.order->clOrdId);
        if (it != m_sentAt.end()) {
            if (e.receivedMono > it->second) {
                std::lock_guard<std::mutex> lock(m_roundTripMutex);
                m_roundTripsUs.push_back(static_cast<double>(e.receivedMono - it->second) / 1000.0);
            }
            m_sentAt.erase(it);
        }
    }
    if (r.filled) {
        ++m_counters.fills;
        m_newFills.push_back(r.fill);
    }
    afterReport(r, e);
    if (e.execType == ExecType::Rejected)
        ++m_counters.rejects;
    if (m_journal) {
        JournalRecord j;
        j.time = now;
        j.kind = RecordKind::ExecReport;
        j.symbol = e.symbol;
        j.ref = e.clOrdId;
        j.side = sideCode(e.side);
        j.price = e.lastPx;
        j.qty = e.lastQty;
        j.aux = e.cumQty;
        j.text = e.execId + "|" + toString(e.execType) + "|" + toString(e.ordStatus) + "|" + e.orderId + "|"
            + std::to_string(e.leavesQty) + (e.possDup ? "|possdup" : "") + (e.text.empty() ? "" : "|" + e.text);
        m_journal->append(std::move(j));
    }
}

void Engine::handle(CancelReject& e)
{
    ++m_counters.cancelRejects;
    m_oms.onCancelReject(e, engineNow());
    if (m_journal) {
        JournalRecord j;
        j.time = engineNow();
        j.kind = RecordKind::CancelReject;
        j.ref = e.clOrdId;
        j.text = e.origClOrdId + "|" + e.text;
        m_journal->append(std::move(j));
    }
}

void Engine::handle(MarketDataSnapshot& e)
{
    ++m_counters.marketDataUpdates;
    m_books[e.symbol].apply(e);
    onMarketChanged(e.symbol, {});
    if (!m_journal)
        return;
    const Timestamp now = engineNow();
    auto level = [&](Side side, const PriceLevel& l) {
        JournalRecord j;
        j.time = now;
        j.kind = RecordKind::BookLevel;
        j.symbol = e.symbol;
        j.side = sideCode(side);
        j.price = l.price;
        j.qty = l.qty;
        j.text = "snapshot";
        m_journal->append(std::move(j));
    };
    for (const auto& l : e.bids)
        level(Side::Buy, l);
    for (const auto& l : e.asks)
        level(Side::Sell, l);
}

void Engine::handle(MarketDataUpdate& e)
{
    ++m_counters.marketDataUpdates;
    m_books[e.symbol].apply(e);
    auto& trades = m_newTrades[e.symbol];
    trades.insert(trades.end(), e.trades.begin(), e.trades.end());
    onMarketChanged(e.symbol, e.trades);
    if (!m_journal)
        return;
    const Timestamp now = engineNow();
    for (const auto& c : e.changes) {
        JournalRecord j;
        j.time = now;
        j.kind = RecordKind::BookLevel;
        j.symbol = e.symbol;
        j.side = sideCode(c.side);
        j.price = c.price;
        j.qty = c.action == LevelAction::Delete ? 0 : c.qty;
        m_journal->append(std::move(j));
    }
    for (const auto& t : e.trades) {
        JournalRecord j;
        j.time = now;
        j.kind = RecordKind::Trade;
        j.symbol = e.symbol;
        j.price = t.price;
        j.qty = t.qty;
        m_journal->append(std::move(j));
    }
}

void Engine::handle(SessionEvent& e)
{
    ++m_counters.sessionEvents;
    m_newSessionEvents.push_back(e);
    if (m_journal) {
        JournalRecord j;
        j.time = e.time ? e.time : engineNow();
        j.kind = RecordKind::FixSession;
        j.ref = e.sessionId;
        j.text = std::string(toString(e.kind)) + (e.text.empty() ? "" : ": " + e.text);
        m_journal->append(std::move(j));
    }
}

void Engine::publish()
{
    auto s = std::make_shared<EngineSnapshot>();
    s->sequence = ++m_snapshotSeq;
    s->time = engineNow();
    const bool jumped = m_epoch != m_publishedEpoch;
    m_publishedEpoch = m_epoch;
    for (const auto& ins : m_config.instruments) {
        BookView v;
        if (jumped) {
            const auto& h = m_midHistory[ins.symbol];
            v.midHistory.assign(h.begin(), h.end());
            v.regimeHistory = m_regimePoints[ins.symbol];
        }
        v.instrument = ins;
        const BookMirror& b = m_books[ins.symbol];
        v.bids = b.bids(static_cast<std::size_t>(m_config.depthLevels));
        v.asks = b.asks(static_cast<std::size_t>(m_config.depthLevels));
        v.twiceMid = b.twiceMid();
        v.updates = b.updates();
        v.regime = m_regimes[ins.symbol];
        v.trueRegime = m_trueRegimes[ins.symbol];
        auto det = m_detectors.find(ins.symbol);
        if (det != m_detectors.end()) {
            v.regimeNames = det->second.model().names;
            v.regimeProbabilities = det->second.probabilities();
        }
        auto f = m_features.find(ins.symbol);
        if (f != m_features.end())
            f->second.compute(ExecutionTaskState{}, v.features);
        v.newTrades.swap(m_newTrades[ins.symbol]);
        auto mine = m_oms.workingLevels().find(ins.symbol);
        if (mine != m_oms.workingLevels().end()) {
            for (auto it = mine->second.bids.rbegin(); it != mine->second.bids.rend(); ++it)
                v.ownBids.push_back({it->first, it->second});
            for (const auto& l : mine->second.asks)
                v.ownAsks.push_back({l.first, l.second});
        }
        s->books.push_back(std::move(v));
    }
    const auto& seq = m_oms.orderSequence();
    const std::size_t first = seq.size() > m_config.ordersInSnapshot ? seq.size() - m_config.ordersInSnapshot : 0;
    s->orders.reserve(seq.size() - first);
    for (std::size_t i = first; i < seq.size(); ++i)
        s->orders.push_back(*seq[i]);
    // Working orders older than the window still matter (blotter, cancel): the newest
    // of them, up to a bound, so a huge resting book cannot slow every snapshot.
    const auto& working = m_oms.working();
    std::vector<const OrderRecord*> older;
    for (auto it = std::make_reverse_iterator(working.lower_bound(first));
         it != working.rend() && older.size() < m_config.olderWorkingInSnapshot; ++it)
        older.push_back(it->second);
    for (auto it = older.rbegin(); it != older.rend(); ++it)
        s->orders.push_back(**it);
    s->newFills.swap(m_newFills);
    publishOversight(*s);
    for (const auto& kv : m_oms.positions()) {
        PositionView p;
        p.position = kv.second;
        const Price twiceMid = m_books[kv.first].twiceMid();
        if (twiceMid > 0 && kv.second.qty != 0)
            p.unrealizedTicks = (static_cast<double>(twiceMid) / 2.0 - kv.second.avgCostTicks)
                * static_cast<double>(kv.second.qty);
        s->positions.push_back(p);
    }
    s->sessions = m_config.replay ? m_replaySessions : m_gateway.status();
    if (jumped)
        s->riskHistory.assign(m_riskHistory.begin(), m_riskHistory.end());
    s->replay = m_replayView;
    s->replay.active = m_config.replay;
    s->epoch = m_epoch;
    s->newSessionEvents.swap(m_newSessionEvents);
    s->counters = m_counters;
    s->counters.duplicateReports = m_oms.duplicateReports();
    s->counters.fills = m_oms.fillCount();
    const std::size_t n = m_roundTripsUs.size();
    std::vector<double> window(m_roundTripsUs.begin() + static_cast<std::ptrdiff_t>(n > kLatencyWindow ? n - kLatencyWindow : 0),
                               m_roundTripsUs.end());
    s->roundTrip = percentiles(std::move(window), n);
    m_dirty = false;
    {
        std::lock_guard<std::mutex> lock(m_latestMutex);
        m_latest = s;
    }
    std::vector<std::shared_ptr<SnapshotSlot>> sinks;
    {
        std::lock_guard<std::mutex> lock(m_sinksMutex);
        sinks = m_sinks;
    }
    for (const auto& slot : sinks)
        slot->deliver(s);
}

} // namespace hm
