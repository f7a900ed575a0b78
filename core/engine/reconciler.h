#pragma once
// After a restart, before anything trades: what the last session left (positions, and
// the orders that were working or in flight when it ended, those only the FIX store
// knew included) is carried in, and the counterparty is asked what became of each
// order: one OrderMassStatusRequest (35=AF) where it supports one, otherwise an
// OrderStatusRequest (35=H) per order. Each answer is applied through the order router
// like any report and journaled; a fill the last session never journaled is booked
// from the answer's CumQty and AvgPx, marked "recovered". Until every order is answered
// (or 10 s after asking) the router refuses new orders; cancels always go. Orders still
// working at the counterparty are then cancelled: whoever placed them is gone.
#include "engine/engine_input.h"
#include "oms/order_manager.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hm {

class ActivityLog;
class OrderRouter;
struct EngineContext;
struct EngineCounters;

class Reconciler {
public:
    struct Io {
        const EngineContext& ctx;
        OrderRouter& router;
        ActivityLog& log;
        EngineCounters& counters;
        std::mutex& roundTripMutex;
    };
    static constexpr Timestamp kAnswerTimeoutNs = 10'000'000'000LL;

    // Live: journals and applies what was carried in, then waits for the logon to ask.
    void carryIn(Io io, CarryIn& carry);
    // Live and replay alike: one carried record becomes the engine's state.
    static void apply(OrderRouter& router, const CarryPositionRecord& position);
    static void apply(OrderRouter& router, const CarryOrderRecord& order, Timestamp now);

    void onLogon(Io io);
    // True when the report answers one of our status requests: it was handled here (and,
    // when it is about one of our orders, applied through the router; *result says how).
    bool onReport(Io io, ExecutionReport& report, ReportResult& result);
    void tick(Io io); // gives up waiting for answers after kAnswerTimeoutNs
    void whenDone(std::function<void()> then); // at once when nothing is being reconciled

    bool reconciling() const { return m_phase != Phase::Idle; }

private:
    enum class Phase : std::uint8_t { Idle, WaitingForLogon, Asked };
    void ask(Io io);
    void finish(Io io, bool timedOut);
    // What the counterparty said of one of our orders, applied as a report.
    ReportResult applyAnswer(Io io, ExecutionReport& report, const OrderRecord& order);

    Phase m_phase = Phase::Idle;
    std::string m_reqId;
    bool m_mass = false;
    Timestamp m_askedMono = 0;
    std::string m_from;
    std::vector<std::string> m_carried; // keys of the orders carried in working
    std::map<std::string, std::string> m_unanswered; // order key -> how it was carried ("journal", "fix-store")
    std::size_t m_asked = 0;
    std::size_t m_fromStore = 0;
    std::size_t m_recoveredFills = 0;
    Quantity m_recoveredQty = 0;
    std::size_t m_unknownThere = 0; // the counterparty has no such order: it never arrived
    std::size_t m_otherOrders = 0;  // in a mass status, orders of earlier sessions, already settled
    std::vector<std::string> m_details; // the first few findings, for the alert
    std::vector<std::function<void()>> m_then;
};

} // namespace hm
