#pragma once
// The engine thread: owns books, orders, positions; the only place they change.
// Commands (from the UI or a script) and gateway events arrive on one queue and are
// handled in order. Snapshots go out at most snapshotHz times a second.
#include "book/book_mirror.h"
#include "engine/snapshot.h"
#include "model/gateway_port.h"
#include "oms/order_manager.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace hm {

class JournalWriter;

struct EngineConfig {
    std::vector<Instrument> instruments;
    int snapshotHz = 30;
    int depthLevels = 10;
    std::size_t ordersInSnapshot = 500;        // the most recent orders, any state
    std::size_t olderWorkingInSnapshot = 2000; // plus working ones older than those
    std::string clOrdIdPrefix; // empty: derived from the start time
};

struct SubmitOrder { OrderRequest order; std::string origin; };
struct CancelOrder { std::string clOrdId; std::string origin; };
struct ReplaceOrder { std::string clOrdId; Quantity qty; Price price; std::string origin; };
// Cancels every working order that matches; empty symbol / no side / price 0 match all.
struct CancelAllOrders {
    std::string origin;
    std::string symbol;
    std::optional<Side> side;
    Price price = 0;
};

class Engine : public GatewayListener {
public:
    using SnapshotSink = std::function<void(SnapshotPtr)>;

    Engine(EngineConfig config, OrderGateway& gateway, JournalWriter* journal);
    ~Engine() override;

    void setSnapshotSink(SnapshotSink sink); // call before start()
    void start();
    void stop();

    // Commands: safe from any thread; they are queued for the engine thread.
    // submit() fills in a ClOrdID when the order has none and returns it.
    std::string submit(OrderRequest order, const std::string& origin = "operator");
    void cancel(const std::string& clOrdId, const std::string& origin = "operator");
    void replace(const std::string& clOrdId, Quantity qty, Price price, const std::string& origin = "operator");
    void cancelAll(const std::string& origin = "operator");
    void cancelAtPrice(const std::string& symbol, Side side, Price price, const std::string& origin = "operator");

    // GatewayListener: runs on gateway threads; only queues.
    void onExecutionReport(const ExecutionReport& report) override;
    void onCancelReject(const CancelReject& reject) override;
    void onMarketData(const MarketDataSnapshot& snapshot) override;
    void onMarketData(const MarketDataUpdate& update) override;
    void onSessionEvent(const SessionEvent& event) override;

    SnapshotPtr latest() const; // the last published snapshot (for headless use)
    const EngineConfig& config() const { return m_config; }

private:
    using Input = std::variant<SubmitOrder, CancelOrder, ReplaceOrder, CancelAllOrders, ExecutionReport, CancelReject,
                               MarketDataSnapshot, MarketDataUpdate, SessionEvent>;
    void post(Input input);
    void run();
    void handle(SubmitOrder& c);
    void handle(CancelOrder& c);
    void handle(ReplaceOrder& c);
    void handle(CancelAllOrders& c);
    void handle(ExecutionReport& e);
    void handle(CancelReject& e);
    void handle(MarketDataSnapshot& e);
    void handle(MarketDataUpdate& e);
    void handle(SessionEvent& e);
    void publish();
    void journalOperator(const std::string& action, const std::string& detail);
    std::string nextId();
    const Instrument* instrument(const std::string& symbol) const;

    EngineConfig m_config;
    OrderGateway& m_gateway;
    JournalWriter* m_journal;
    SnapshotSink m_sink;

    std::mutex m_queueMutex;
    std::condition_variable m_queueCv;
    std::vector<Input> m_queue;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
    std::atomic<std::uint64_t> m_idSeq{0};

    // Engine-thread state below.
    OrderManager m_oms;
    std::map<std::string, BookMirror> m_books;
    std::map<std::string, std::vector<Trade>> m_newTrades;
    std::vector<FillRecord> m_newFills;
    std::vector<SessionEvent> m_newSessionEvents;
    std::map<std::string, Timestamp> m_sentAt; // ClOrdID -> mono time sent, until first report
    std::vector<double> m_roundTripsUs;
    EngineCounters m_counters;
    std::uint64_t m_snapshotSeq = 0;
    bool m_dirty = true;

    mutable std::mutex m_latestMutex;
    SnapshotPtr m_latest;
};

} // namespace hm
