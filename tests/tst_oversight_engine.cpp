// The engine's oversight path with an in-process counterparty: the global kill with
// 500 working orders (while the calling thread is blocked), re-arm rights, limit
// changes by role, the audit hash chain against an edit made outside the program, and
// self-trade prevention between an agent's and the trader's orders.
#include "book/order_book.h"
#include "engine/engine_clock.h"
#include "engine/engine.h"
#include "engine/engine_core.h"
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

using namespace hm;

namespace {
// Acknowledges every order and cancel at once, as a fast venue would.
class InstantVenue : public OrderGateway {
public:
    void setListener(GatewayListener* l) override { m_listener = l; }
    void start() override {}
    void stop() override {}
    bool send(const OrderRequest& o, std::string&) override
    {
        ExecutionReport r;
        r.clOrdId = o.clOrdId;
        r.orderId = "V" + o.clOrdId;
        r.execId = "E" + std::to_string(++m_exec);
        r.execType = ExecType::New;
        r.ordStatus = OrderStatus::New;
        r.symbol = o.symbol;
        r.side = o.side;
        r.orderQty = o.qty;
        r.price = o.price;
        r.leavesQty = o.qty;
        m_listener->onExecutionReport(r);
        return true;
    }
    bool cancel(const CancelRequest& c, std::string&) override
    {
        ExecutionReport r;
        r.clOrdId = c.clOrdId;
        r.origClOrdId = c.origClOrdId;
        r.execId = "E" + std::to_string(++m_exec);
        r.execType = ExecType::Canceled;
        r.ordStatus = OrderStatus::Canceled;
        r.symbol = c.symbol;
        r.side = c.side;
        m_listener->onExecutionReport(r);
        return true;
    }
    bool replace(const ReplaceRequest&, std::string& e) override
    {
        e = "not supported";
        return false;
    }
    std::vector<SessionStatus> status() const override { return {}; }

private:
    GatewayListener* m_listener = nullptr;
    std::atomic<int> m_exec{0};
};

// Matches whatever it is sent against everything else it was sent, price-time, as a
// venue would: every order here is ours, so every fill is a wash trade.
class MatchingVenue : public OrderGateway {
public:
    void setListener(GatewayListener* l) override { m_listener = l; }
    void start() override {}
    void stop() override {}
    bool send(const OrderRequest& o, std::string&) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const std::uint64_t ref = ++m_ref;
        Live& l = m_orders[ref];
        l.request = o;
        l.leaves = o.qty;
        m_ids[o.clOrdId] = ref;
        report(ref, l, o.clOrdId, "", ExecType::New, OrderStatus::New, 0, 0);
        l.handle = m_book.add(BookOrder{ref, o.side, o.type, o.tif, o.price, o.qty}).handle;
        const std::vector<BookEvent> events = m_book.events();
        for (const BookEvent& e : events)
            if (e.kind == BookEventKind::Fill) {
                ++m_washFills;
                fill(e.ref, e.qty, e.price);
                fill(e.counterRef, e.qty, e.price);
            }
        return true;
    }
    bool cancel(const CancelRequest& c, std::string&) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto id = m_ids.find(c.origClOrdId);
        if (id != m_ids.end()) {
            Live& l = m_orders[id->second];
            if (l.leaves > 0 && m_book.cancel(l.handle)) {
                l.leaves = 0;
                report(id->second, l, c.clOrdId, c.origClOrdId, ExecType::Canceled, OrderStatus::Canceled, 0, 0);
                return true;
            }
        }
        CancelReject r;
        r.clOrdId = c.clOrdId;
        r.origClOrdId = c.origClOrdId;
        r.ordStatus = OrderStatus::Filled;
        r.text = "too late to cancel";
        m_listener->onCancelReject(r);
        return true;
    }
    bool replace(const ReplaceRequest&, std::string& e) override
    {
        e = "not supported";
        return false;
    }
    std::vector<SessionStatus> status() const override { return {}; }
    int washFills() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_washFills;
    }

private:
    struct Live {
        OrderRequest request;
        OrderBook::Handle handle = OrderBook::kNoHandle;
        Quantity leaves = 0, cum = 0;
    };
    void fill(std::uint64_t ref, Quantity qty, Price px)
    {
        Live& l = m_orders[ref];
        l.cum += qty;
        l.leaves -= qty;
        report(ref, l, l.request.clOrdId, "", ExecType::Trade, l.leaves == 0 ? OrderStatus::Filled : OrderStatus::PartiallyFilled,
               qty, px);
    }
    void report(std::uint64_t ref, const Live& l, const std::string& clOrdId, const std::string& orig, ExecType type,
                OrderStatus status, Quantity lastQty, Price lastPx)
    {
        ExecutionReport r;
        r.clOrdId = clOrdId;
        r.origClOrdId = orig;
        r.orderId = "V" + std::to_string(ref);
        r.execId = "E" + std::to_string(++m_exec);
        r.execType = type;
        r.ordStatus = status;
        r.symbol = l.request.symbol;
        r.side = l.request.side;
        r.orderQty = l.request.qty;
        r.price = l.request.price;
        r.lastQty = lastQty;
        r.lastPx = lastPx;
        r.leavesQty = l.leaves;
        r.cumQty = l.cum;
        m_listener->onExecutionReport(r);
    }

    mutable std::mutex m_mutex;
    GatewayListener* m_listener = nullptr;
    OrderBook m_book;
    std::map<std::uint64_t, Live> m_orders;
    std::map<std::string, std::uint64_t> m_ids;
    std::uint64_t m_ref = 0;
    int m_exec = 0;
    int m_washFills = 0;
};

EngineConfig config()
{
    EngineConfig c;
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    c.instruments = {i};
    c.limits.maxOrdersPerSecond = 1e6;
    c.limits.maxOrdersPerSecondPerAgent = 1e6;
    c.limits.maxMessagesPerSecond = 1e6;
    c.limits.maxOpenOrders = 10000;
    c.limits.maxPosition = 1e9;
    c.limits.maxGrossNotional = 1e12;
    c.limits.duplicateWindowMs = 0;
    return c;
}

template <typename F>
bool waitFor(F f, int ms = 5000)
{
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
        if (f())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

std::pair<bool, std::string> ask(const std::function<void(Reply)>& issue)
{
    auto p = std::make_shared<std::promise<std::pair<bool, std::string>>>();
    auto f = p->get_future();
    issue([p](bool ok, const std::string& m) { p->set_value({ok, m}); });
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
        return {false, "no answer"};
    return f.get();
}

MarketDataSnapshot marketSnapshot()
{
    MarketDataSnapshot s;
    s.symbol = "HMX";
    s.bids = {{9990, 1000}};
    s.asks = {{10010, 1000}};
    return s;
}

void feedMarket(Engine& e) { e.onMarketData(marketSnapshot()); }

// What a venue reports while the core handles an input, handed to the core after it, as
// the engine thread would take them off its queue (a venue that answers inside send()
// must not re-enter the core).
class Deferred : public GatewayListener {
public:
    void onExecutionReport(const ExecutionReport& r) override { m_inputs.emplace_back(r); }
    void onCancelReject(const CancelReject& r) override { m_inputs.emplace_back(r); }
    void onMarketData(const MarketDataSnapshot& s) override { m_inputs.emplace_back(s); }
    void onMarketData(const MarketDataUpdate& u) override { m_inputs.emplace_back(u); }
    void onSessionEvent(const SessionEvent& e) override { m_inputs.emplace_back(e); }
    void drainInto(EngineCore& core)
    {
        while (!m_inputs.empty()) {
            std::vector<EngineInput> batch;
            batch.swap(m_inputs);
            for (auto& input : batch)
                core.handle(std::move(input));
        }
    }

private:
    std::vector<EngineInput> m_inputs;
};

// A command handled by the core, and its answer, given once a snapshot shows its effect.
template <typename Command>
std::pair<bool, std::string> command(EngineCore& core, Command c)
{
    std::pair<bool, std::string> out{false, "no answer"};
    c.reply = [&out](bool ok, const std::string& m) { out = {ok, m}; };
    core.handle(std::move(c));
    core.publish();
    core.answerPending();
    return out;
}

const OrderRecord* find(const EngineSnapshot& s, const std::string& id)
{
    for (const auto& r : s.orders)
        if (r.clOrdId == id)
            return &r;
    return nullptr;
}

int working(const EngineSnapshot& s)
{
    int n = 0;
    for (const auto& o : s.orders)
        n += !isTerminal(o.status);
    return n;
}
} // namespace

class TestOversightEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killCancelsEverythingWhileCallerIsBlocked()
    {
        InstantVenue venue;
        Engine engine(config(), venue, nullptr);
        engine.start();
        feedMarket(engine);
        for (int i = 0; i < 500; ++i) {
            OrderRequest o;
            o.symbol = "HMX";
            o.qty = 100;
            o.price = 9900 - (i % 50);
            engine.submit(o, Origin::script());
        }
        QVERIFY(waitFor([&] { return working(*engine.latest()) == 500 && engine.latest()->counters.ordersSent == 500; }));
        // The caller (think: the GUI thread) blocks right after asking for the kill; the
        // kill must not depend on it.
        const Actor trader{"t", Role::Trader};
        engine.killAll(trader, "test");
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // blocked, handles no events
        QVERIFY(waitFor([&] { return working(*engine.latest()) == 0; }));
        const KillTiming k = engine.lastKill();
        QCOMPARE(k.cancels, std::size_t(500));
        QVERIFY(engine.latest()->risk.killed);
        // New orders are refused until a risk manager re-arms; the trader may not.
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9900;
        const std::string id = engine.submit(o, Origin::script());
        QVERIFY(waitFor([&] {
            const SnapshotPtr held = engine.latest(); // the range must not outlive the snapshot
            for (const auto& r : held->orders)
                if (r.clOrdId == id)
                    return r.status == OrderStatus::Rejected && r.text.find("halted") != std::string::npos;
            return false;
        }));
        QVERIFY(!ask([&](Reply r) { engine.rearmAll(trader, "please", r); }).first);
        QVERIFY(ask([&](Reply r) { engine.rearmAll(Actor{"rm", Role::RiskManager}, "drill over", r); }).first);
        o.clOrdId.clear();
        o.price = 9901;
        const std::string after = engine.submit(o, Origin::script());
        QVERIFY(waitFor([&] {
            const SnapshotPtr held = engine.latest(); // the range must not outlive the snapshot
            for (const auto& r : held->orders)
                if (r.clOrdId == after)
                    return r.status == OrderStatus::New;
            return false;
        }));
        engine.stop();
    }

    // A sink may capture what dies before the engine: once its subscription is reset (or
    // destroyed), no delivery is running and none starts, so freeing the captures is safe.
    void aSnapshotSinkNeverOutlivesItsSubscription()
    {
        InstantVenue venue;
        Engine engine(config(), venue, nullptr);
        auto seen = std::make_unique<std::vector<SnapshotPtr>>();
        std::atomic<bool> inside{false};
        std::atomic<int> calls{0};
        auto feed = engine.subscribeSnapshots([&inside, &calls, list = seen.get()](SnapshotPtr s) {
            inside = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // a slow consumer
            list->push_back(std::move(s));
            ++calls;
            inside = false;
        });
        engine.start();
        feedMarket(engine);
        QVERIFY(waitFor([&] { return inside.load(); }));
        feed.reset(); // while a delivery is in progress
        QVERIFY(!inside.load());
        QVERIFY(!feed.active());
        const int before = calls.load();
        seen.reset(); // what the sink captured is gone
        for (int i = 0; i < 20; ++i) {
            feedMarket(engine);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        QCOMPARE(calls.load(), before);
        // A second subscriber still receives; the first one's slot is gone.
        std::atomic<int> later{0};
        {
            auto second = engine.subscribeSnapshots([&later](SnapshotPtr) { ++later; });
            feedMarket(engine);
            QVERIFY(waitFor([&] { return later.load() > 0; }));
        }
        const int after = later.load();
        for (int i = 0; i < 10; ++i) {
            feedMarket(engine);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        QCOMPARE(later.load(), after);
        engine.stop();
    }

    void limitChangesNeedTheRiskManagerAndAReason()
    {
        ManualClock clock;
        InstantVenue venue;
        Deferred reports;
        venue.setListener(&reports);
        EngineCore core(config(), venue, nullptr, &clock);
        const Actor trader{"t", Role::Trader}, rm{"rm", Role::RiskManager};
        using Changes = std::vector<std::pair<std::string, std::string>>;
        QVERIFY(!command(core, ChangeLimits{Changes{{"max_order_qty", "50"}}, trader, "why not", {}}).first);
        QVERIFY(!command(core, ChangeLimits{Changes{{"max_order_qty", "50"}}, rm, "", {}}).first);
        const auto bad = command(core, ChangeLimits{Changes{{"max_order_qty", "50"}, {"max_position", "x"}}, rm, "tighten", {}});
        QVERIFY(!bad.first);
        QVERIFY(bad.second.find("max_position") != std::string::npos);
        QCOMPARE(core.publish()->risk.limits.maxOrderQty, config().limits.maxOrderQty); // nothing applied
        QVERIFY(command(core, ChangeLimits{Changes{{"max_order_qty", "50"}}, rm, "tighten", {}}).first);
        core.handle(marketSnapshot());
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9950;
        const std::string id = core.submit(o, Origin::script());
        reports.drainInto(core);
        const SnapshotPtr s = core.publish();
        QVERIFY(find(*s, id));
        QCOMPARE(find(*s, id)->status, OrderStatus::Rejected);
        QVERIFY(find(*s, id)->text.find("order_qty") != std::string::npos);
    }

    void aClientOrderIdInUseIsRefusedWithoutTouchingTheOrder()
    {
        ManualClock clock;
        InstantVenue venue;
        Deferred reports;
        venue.setListener(&reports);
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(marketSnapshot());
        OrderRequest o;
        o.symbol = "HMX";
        o.qty = 100;
        o.price = 9950;
        o.clOrdId = "MINE-1";
        QCOMPARE(core.submit(o, Origin::script()), std::string("MINE-1"));
        reports.drainInto(core);
        QCOMPARE(working(*core.publish()), 1);
        o.qty = 300;
        o.side = Side::Sell;
        core.submit(o, Origin::script()); // the same id again
        reports.drainInto(core);
        const auto s = core.publish();
        QCOMPARE(s->counters.ordersDenied, std::uint64_t(1));
        QCOMPARE(working(*s), 1);
        QCOMPARE(s->counters.ordersSent, std::uint64_t(1));
        for (const auto& r : s->orders)
            if (r.clOrdId == "MINE-1") {
                QCOMPARE(r.qty, Quantity(100));
                QCOMPARE(r.side, Side::Buy);
                QCOMPARE(r.status, OrderStatus::New);
            }
        QCOMPARE(s->books.front().ownBids.size(), std::size_t(1));
        QCOMPARE(s->books.front().ownBids.front().qty, Quantity(100));
    }

    void regimeNeedsApprovalAndThrottles()
    {
        ManualClock clock;
        InstantVenue venue;
        Deferred reports;
        venue.setListener(&reports);
        EngineCore core(config(), venue, nullptr, &clock);
        core.handle(marketSnapshot());
        std::vector<AgentSpec> specs;
        std::string error;
        QVERIFY2(parseAgentSpecs(R"({"agents": [{"id": "a", "type": "twap", "instrument": "HMX",
            "params": {"side": "buy", "quantity": 100000, "duration_s": 100, "slice_s": 0.1, "lot": 100},
            "oversight": {"approval": "in_regimes", "regimes": ["volatile"], "throttle_regimes": ["stressed"],
                          "stale_data_s": 0},
            "throttle": {"max_orders_per_second": 100}}]})",
                                 "test", specs, error),
                 error.c_str());
        const Actor trader{"t", Role::Trader};
        std::pair<bool, std::string> added{false, "no answer"};
        core.addAgent(specs.front(), trader, [&](bool ok, const std::string& m) { added = {ok, m}; });
        core.publish();
        core.answerPending();
        QVERIFY2(added.first, added.second.c_str());
        QVERIFY(command(core, ControlAgent{"a", AgentAction::Start, trader, "go", {}}).first);
        auto agent = [&] {
            const SnapshotPtr s = core.publish();
            return s->agents.empty() ? AgentView{} : s->agents.front();
        };
        auto runFor = [&](int ms) { // agent ticks every 50 ms of the clock, the venue answering between them
            for (int t = 0; t < ms; t += 50) {
                clock.advanceMs(50);
                core.tick();
                reports.drainInto(core);
            }
        };
        // No regime known: the agent trades on its own.
        runFor(500);
        QVERIFY(agent().ordersSent >= 1);
        QVERIFY(core.publish()->approvals.empty());
        // Volatile: every proposal waits for a person, and says why.
        core.handle(SetRegime{"HMX", "volatile", "test"});
        runFor(500);
        SnapshotPtr s = core.publish();
        QVERIFY(!s->approvals.empty());
        QVERIFY(s->approvals.front().why.find("volatile") != std::string::npos);
        QCOMPARE(s->books.front().regime, std::string("volatile"));
        QVERIFY(command(core, DecideApproval{0, "a", false, trader, {}}).first);
        // Stressed: throttled automatically (at once: the triggers look when the regime
        // changes); a person resumes; it fires again only after the regime has left and
        // come back (hysteresis).
        core.handle(SetRegime{"HMX", "stressed", "test"});
        QCOMPARE(agent().state, AgentState::Throttled);
        QVERIFY(agent().stateReason.find("regime is stressed") != std::string::npos);
        QVERIFY(command(core, ControlAgent{"a", AgentAction::Resume, trader, "seen it", {}}).first);
        runFor(200); // several agent ticks
        QCOMPARE(agent().state, AgentState::Running);
        core.handle(SetRegime{"HMX", "calm", "test"});
        runFor(200);
        core.handle(SetRegime{"HMX", "stressed", "test"});
        runFor(50);
        QCOMPARE(agent().state, AgentState::Throttled);
    }

    void selfTradePreventionKeepsOurOrdersApart()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/j.db";
        std::string refused, goes;
        {
            JournalOptions jo;
            jo.path = path;
            JournalWriter journal(jo);
            journal.start();
            MatchingVenue venue;
            Engine engine(config(), venue, &journal); // the default policy: cancel_new
            engine.start();
            feedMarket(engine);
            // A passive TWAP buyer joins the bid (99.90); paused once it rests, so its order stays.
            std::vector<AgentSpec> specs;
            std::string error;
            QVERIFY2(parseAgentSpecs(R"({"agents": [{"id": "buyer", "type": "twap", "instrument": "HMX",
                "params": {"side": "buy", "quantity": 10000, "duration_s": 10000, "slice_s": 0.1, "lot": 100},
                "oversight": {"approval": "autonomous", "stale_data_s": 0},
                "throttle": {"max_orders_per_second": 100}}]})",
                                     "test", specs, error),
                     error.c_str());
            const Actor trader{"t", Role::Trader}, rm{"rm", Role::RiskManager};
            QVERIFY(ask([&](Reply r) { engine.addAgent(specs.front(), trader, r); }).first);
            QVERIFY(ask([&](Reply r) { engine.controlAgent("buyer", AgentAction::Start, trader, "go", r); }).first);
            auto buyer = [&] {
                const SnapshotPtr held = engine.latest(); // the range must not outlive the snapshot
                for (const auto& a : held->agents)
                    if (a.id == "buyer")
                        return a;
                return AgentView{};
            };
            QVERIFY(waitFor([&] { return buyer().working == 1; }));
            QVERIFY(ask([&](Reply r) { engine.controlAgent("buyer", AgentAction::Pause, trader, "hold", r); }).first);
            auto order = [&](const std::string& id) -> std::optional<OrderRecord> {
                const SnapshotPtr held = engine.latest(); // the range must not outlive the snapshot
                for (const auto& o : held->orders)
                    if (o.clOrdId == id)
                        return o;
                return std::nullopt;
            };
            auto status = [&](const std::string& id) {
                const auto o = order(id);
                return o ? o->status : OrderStatus::PendingNew;
            };
            QVERIFY(waitFor([&] { return buyer().working == 1 && buyer().state == AgentState::Paused; }));
            QCOMPARE(engine.latest()->books.front().ownBids.front().price, Price(9990));

            // The trader's sell at the agent's bid would trade with it: cancel_new refuses it.
            OrderRequest sell;
            sell.symbol = "HMX";
            sell.side = Side::Sell;
            sell.qty = 100;
            sell.price = 9990;
            refused = engine.submit(sell);
            QVERIFY(waitFor([&] { return status(refused) == OrderStatus::Rejected; }));
            QVERIFY2(order(refused)->text.find("self_trade") != std::string::npos, order(refused)->text.c_str());
            QCOMPARE(engine.latest()->risk.selfTrades.at("operator").newDenied, std::uint64_t(1));
            QCOMPARE(buyer().working, 1);
            // A tick above the bid it does not reach it, and rests.
            sell.clOrdId.clear();
            sell.price = 9991;
            const std::string above = engine.submit(sell);
            QVERIFY(waitFor([&] { return status(above) == OrderStatus::New; }));

            // cancel_resting, set live: the agent's bid is cancelled and the trader's sell goes.
            QVERIFY(ask([&](Reply r) {
                        engine.changeLimits({{"self_trade_prevention", "cancel_resting"}}, rm, "the ticket goes first", r);
                    }).first);
            sell.clOrdId.clear();
            sell.price = 9990;
            goes = engine.submit(sell);
            QVERIFY(waitFor([&] { return status(goes) == OrderStatus::New && buyer().working == 0; }));
            QVERIFY(waitFor([&] { return buyer().selfTrades.restingCancelled == 1; }));
            auto s = engine.latest();
            QCOMPARE(buyer().selfTrades.newDenied, std::uint64_t(0));
            QCOMPARE(s->risk.selfTradesPrevented, std::uint64_t(2));
            QCOMPARE(s->risk.limits.selfTradePolicy, SelfTradePolicy::CancelResting);
            QCOMPARE(venue.washFills(), 0);
            QCOMPARE(s->counters.fills, std::uint64_t(0));

            // The venue does match our own orders when nothing stops them.
            QVERIFY(ask([&](Reply r) { engine.changeLimits({{"self_trade_prevention", "off"}}, rm, "drill", r); }).first);
            OrderRequest buy = sell;
            buy.clOrdId.clear();
            buy.side = Side::Buy;
            engine.submit(buy);
            QVERIFY(waitFor([&] { return venue.washFills() == 1 && status(goes) == OrderStatus::Filled; }));
            engine.stop();
            journal.stop();
        }
        JournalReader reader(path);
        bool deniedRecord = false;
        for (const auto& r : reader.records(RecordKind::OrderDenied))
            deniedRecord = deniedRecord
                || (r.ref == refused && r.aux == static_cast<int>(DenyReason::SelfTrade)
                    && r.text.find("would trade against our own BUY 100 @ 9990") != std::string::npos);
        QVERIFY(deniedRecord);
        int cancels = 0;
        for (const auto& r : reader.records(RecordKind::Audit)) {
            AuditEntry e;
            QVERIFY(parseAudit(r, e));
            if (e.action != "self-trade-cancel")
                continue;
            ++cancels;
            QCOMPARE(e.agent, std::string("buyer"));
            QCOMPARE(e.role, std::string("system"));
            QVERIFY2(e.detail.find(goes) != std::string::npos && e.detail.find(" cancelled") != std::string::npos,
                     e.detail.c_str());
            QVERIFY2(e.reason.find("cancel_resting") != std::string::npos, e.reason.c_str());
        }
        QCOMPARE(cancels, 1);
        QVERIFY(reader.verifyAudit().ok);
    }
    void instrumentLimitChangeIsAuditedAndUnknownInstrumentRefused()
    {
        InstantVenue venue;
        Engine engine(config(), venue, nullptr);
        engine.start();
        const Actor rm{"rm", Role::RiskManager};
        const std::string symbol = config().instruments.front().symbol;
        const auto bad = ask([&](Reply r) { engine.changeLimits({{"max_position@NOPE", "10"}}, rm, "x", r); });
        QVERIFY(!bad.first);
        QVERIFY2(bad.second.find("NOPE") != std::string::npos && bad.second.find("not an instrument") != std::string::npos,
                 bad.second.c_str());
        const auto ok = ask([&](Reply r) { engine.changeLimits({{"max_position@" + symbol, "10"}}, rm, "thin name", r); });
        QVERIFY2(ok.first, ok.second.c_str());
        QVERIFY2(ok.second.find("max_position@" + symbol + " default -> 10") != std::string::npos, ok.second.c_str());
        QTRY_VERIFY(engine.latest()->risk.limits.forInstrument(symbol).maxPosition == 10.0);
        engine.stop();
    }
    void auditChainDetectsOutsideEdit()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/j.db";
        {
            JournalOptions jo;
            jo.path = path;
            JournalWriter journal(jo);
            journal.start();
            InstantVenue venue;
            Engine engine(config(), venue, &journal);
            engine.start();
            const Actor rm{"rm", Role::RiskManager};
            QVERIFY(ask([&](Reply r) { engine.changeLimits({{"max_position", "15000"}}, rm, "desk request", r); }).first);
            QVERIFY(ask([&](Reply r) { engine.killAll(Actor{"t", Role::Trader}, "drill", r); }).first);
            QVERIFY(ask([&](Reply r) { engine.rearmAll(rm, "drill over", r); }).first);
            engine.stop();
            journal.stop();
        }
        {
            JournalReader reader(path);
            const AuditCheck c = reader.verifyAudit();
            QVERIFY2(c.ok, c.message.c_str());
            QCOMPARE(c.rows, std::int64_t(3));
            const auto audits = reader.records(RecordKind::Audit);
            AuditEntry e;
            QVERIFY(parseAudit(audits.front(), e));
            QCOMPARE(e.action, std::string("limit-change"));
            QCOMPARE(e.detail, std::string("max_position: 1e+09 -> 15000"));
            QCOMPARE(e.role, std::string("risk-manager"));
        }
        const QString sqlite = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
        QVERIFY2(!sqlite.isEmpty(), "sqlite3 command-line tool needed");
        auto run = [&](const QString& sql) {
            QProcess p;
            p.start(sqlite, {QString::fromStdString(path), sql});
            p.waitForFinished();
            return p.exitCode() == 0 && p.readAllStandardError().isEmpty();
        };
        QVERIFY(!run(QStringLiteral("UPDATE audit SET reason='nothing' WHERE action='kill-all'"))); // append-only
        QVERIFY(run(QStringLiteral("DROP TRIGGER audit_no_update; UPDATE audit SET reason='nothing' WHERE action='kill-all'")));
        JournalReader reader(path);
        const AuditCheck c = reader.verifyAudit();
        QVERIFY(!c.ok);
        QVERIFY2(c.message.find("edited") != std::string::npos, c.message.c_str());
        QVERIFY(c.firstBadSeq > 0);
    }
};

QTEST_GUILESS_MAIN(TestOversightEngine)
#include "tst_oversight_engine.moc"
