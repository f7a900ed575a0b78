#pragma once
// What the order store has to say, in the order it happened: reports about orders,
// market data, and changes to who listens. Plain structs with domain types; the FIX
// application turns each into its message (venue_application.h). C++14, no QuickFIX.
#include "book/order_book.h"
#include "model/events.h"

#include <string>

namespace hm {

// A client session, by its index among the venue's configured clients.
using SessionKey = int;
constexpr SessionKey kNoSession = -1;

enum class OrderRejectReason : std::uint8_t { None, UnknownSymbol, DuplicateOrder, IncorrectQuantity, Other };
enum class CancelRejectReason : std::uint8_t {
    None,
    UnknownOrder,
    TooLateToCancel,
    DuplicateClOrdId,
    DoesNotMatch, // the request's Side or Symbol is not the order's
    Other,
};

// Why a request the venue understood is refused (a BusinessMessageReject).
enum class RefusalReason : std::uint8_t { Other, ConditionallyRequiredFieldMissing };

enum class VenueMessageKind : std::uint8_t {
    Execution,      // an ExecutionReport about an order the store holds
    OrderRejected,  // an ExecutionReport 39=8 for an order the store did not take
    CancelRejected, // an OrderCancelReject
    DepthUpdate,    // a symbol's changed levels and trades, for its subscribers
    Snapshot,       // a symbol's published book for one requester, who may subscribe with it
    UnknownSymbol,  // a market data request named a symbol the venue does not list
    Unsubscribe,    // the session's subscription mdReqId ends
    SessionEnded,   // the session logged out: its subscriptions end
    RequestRefused, // a mass status request the venue does not serve
};

struct VenueMessage {
    VenueMessageKind kind = VenueMessageKind::Execution;
    SessionKey session = kNoSession; // who it is for (DepthUpdate: the symbol's subscribers)

    // Execution, OrderRejected. avgPx is in price units; orderId is empty on a reject.
    // orderDetails false: a status answer about no order the store holds (no OrdType,
    // Price or OrderQty to tell).
    ExecutionReport execution;
    OrderType orderType = OrderType::Limit;
    bool orderDetails = true;
    OrderRejectReason rejectReason = OrderRejectReason::None;

    // CancelRejected. orderId is empty when the order is unknown.
    CancelReject cancelReject;
    CancelRejectReason cancelRejectReason = CancelRejectReason::None;

    // DepthUpdate.
    MarketDataUpdate update;

    // Snapshot, UnknownSymbol, Unsubscribe.
    std::string mdReqId;
    std::string symbol;
    Depth depth;
    bool subscribe = false;

    // RequestRefused: the request's id (MassStatusReqID), why, and what to say.
    std::string requestId;
    RefusalReason refusalReason = RefusalReason::Other;
    std::string text;
};

} // namespace hm
