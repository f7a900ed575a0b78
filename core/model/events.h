#pragma once
// Events that flow from the venue side (gateway) toward the engine.
#include "model/order.h"

#include <string>
#include <vector>

namespace hm {

enum class ExecType : std::uint8_t {
    New,
    Trade, // partial or full fill; ordStatus tells which
    Canceled,
    Replaced,
    PendingCancel,
    PendingReplace,
    Rejected,
    Expired,
    Restated,
    OrderStatus,
};

inline const char* toString(ExecType t)
{
    switch (t) {
    case ExecType::New: return "New";
    case ExecType::Trade: return "Trade";
    case ExecType::Canceled: return "Canceled";
    case ExecType::Replaced: return "Replaced";
    case ExecType::PendingCancel: return "PendingCancel";
    case ExecType::PendingReplace: return "PendingReplace";
    case ExecType::Rejected: return "Rejected";
    case ExecType::Expired: return "Expired";
    case ExecType::Restated: return "Restated";
    case ExecType::OrderStatus: return "OrderStatus";
    }
    return "?";
}

struct ExecutionReport {
    std::string orderId; // venue's id
    std::string clOrdId;
    std::string origClOrdId; // set on cancel/replace reports
    std::string execId;
    ExecType execType = ExecType::New;
    OrderStatus ordStatus = OrderStatus::New;
    std::string symbol;
    Side side = Side::Buy;
    Quantity orderQty = 0;
    Price price = 0;
    Quantity lastQty = 0;
    Price lastPx = 0;
    Quantity leavesQty = 0;
    Quantity cumQty = 0;
    double avgPx = 0.0; // in price units, not ticks: averages are not integral
    std::string text;
    bool possDup = false;
    // Answers to a status request (execType OrderStatus): OrdStatusReqID(790) names the
    // request about one order; MassStatusReqID(584), TotNumReports(911) and
    // LastRptRequested(912) a mass status request's answers (all of them, or 0 orders).
    std::string ordStatusReqId;
    std::string massStatusReqId;
    int totNumReports = 0;
    bool lastRptRequested = false;
    Timestamp transactTime = 0;
    Timestamp receivedMono = 0; // when the gateway read it off the wire (latency)
};

enum class CancelRejectResponseTo : std::uint8_t { Cancel, Replace };

struct CancelReject {
    std::string orderId;
    std::string clOrdId;
    std::string origClOrdId;
    OrderStatus ordStatus = OrderStatus::New;
    CancelRejectResponseTo responseTo = CancelRejectResponseTo::Cancel;
    std::string text;
};

struct PriceLevel {
    Price price = 0;
    Quantity qty = 0;
};

enum class LevelAction : std::uint8_t { New, Change, Delete };

struct LevelChange {
    Side side = Side::Buy;
    LevelAction action = LevelAction::New;
    Price price = 0;
    Quantity qty = 0;
};

struct Trade {
    std::string symbol;
    Price price = 0;
    Quantity qty = 0;
    Timestamp time = 0;
};

// A full picture of the book: sent once on subscribe or after recovery.
struct MarketDataSnapshot {
    std::string symbol;
    std::vector<PriceLevel> bids; // best first
    std::vector<PriceLevel> asks; // best first
    Timestamp time = 0;
};

// Changes since the last snapshot or update, keyed by price.
struct MarketDataUpdate {
    std::string symbol;
    std::vector<LevelChange> changes;
    std::vector<Trade> trades;
    Timestamp time = 0;
};

enum class SessionEventKind : std::uint8_t {
    Created,
    LogonSent,
    Logon,
    Logout,
    Disconnect,
    SequenceReset,
    ResendRequest,
    Reject, // session-level reject received or sent
    BusinessReject,
    Error,
};

inline const char* toString(SessionEventKind k)
{
    switch (k) {
    case SessionEventKind::Created: return "Created";
    case SessionEventKind::LogonSent: return "LogonSent";
    case SessionEventKind::Logon: return "Logon";
    case SessionEventKind::Logout: return "Logout";
    case SessionEventKind::Disconnect: return "Disconnect";
    case SessionEventKind::SequenceReset: return "SequenceReset";
    case SessionEventKind::ResendRequest: return "ResendRequest";
    case SessionEventKind::Reject: return "Reject";
    case SessionEventKind::BusinessReject: return "BusinessReject";
    case SessionEventKind::Error: return "Error";
    }
    return "?";
}

struct SessionEvent {
    std::string sessionId;
    SessionEventKind kind = SessionEventKind::Created;
    std::string text;
    Timestamp time = 0;
    bool orderSession = true; // false: a session that only carries market data
};

// The instruments a counterparty lists in its SecurityList (35=y), converted at the
// gateway: entries it could not use were left out (and raised as session errors there).
struct SecurityListEvent {
    std::string sessionId;
    std::string reqId;
    std::vector<Instrument> instruments;
    Timestamp time = 0;
};

enum class SessionState : std::uint8_t { Disconnected, Connecting, LoggedOn };

inline const char* toString(SessionState s)
{
    switch (s) {
    case SessionState::Disconnected: return "Disconnected";
    case SessionState::Connecting: return "Connecting";
    case SessionState::LoggedOn: return "LoggedOn";
    }
    return "?";
}

struct SessionStatus {
    std::string sessionId;
    SessionState state = SessionState::Disconnected;
    int nextSenderSeq = 0;
    int nextTargetSeq = 0;
    Timestamp lastHeartbeat = 0; // wall time of the last message received
    Timestamp lastLogon = 0;
};

} // namespace hm
