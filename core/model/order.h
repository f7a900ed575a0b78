#pragma once
#include "model/types.h"

#include <string>

namespace hm {

// An order as the trader or an agent asks for it, before any venue has seen it.
struct OrderRequest {
    std::string clOrdId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity qty = 0;
    Price price = 0; // ticks; ignored for market orders
    std::string owner; // the agent that proposed it; empty for the operator
};

struct CancelRequest {
    std::string clOrdId;     // id of this cancel request
    std::string origClOrdId; // the order being cancelled
    std::string symbol;
    Side side = Side::Buy;
    Quantity qty = 0;
};

// An OrderStatusRequest (35=H): what the counterparty knows of one of our orders,
// named by any ClOrdID it has had. reqId comes back as OrdStatusReqID(790).
struct OrderStatusQuery {
    std::string clOrdId;
    std::string symbol;
    Side side = Side::Buy;
    std::string reqId;
};

struct ReplaceRequest {
    std::string clOrdId;
    std::string origClOrdId;
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    Quantity qty = 0; // new total order quantity
    Price price = 0;
};

enum class OrderStatus : std::uint8_t {
    PendingNew,
    New,
    PartiallyFilled,
    Filled,
    PendingCancel,
    PendingReplace,
    Canceled,
    Rejected,
    Replaced,
    Expired,
};

inline const char* toString(OrderStatus s)
{
    switch (s) {
    case OrderStatus::PendingNew: return "PendingNew";
    case OrderStatus::New: return "New";
    case OrderStatus::PartiallyFilled: return "PartiallyFilled";
    case OrderStatus::Filled: return "Filled";
    case OrderStatus::PendingCancel: return "PendingCancel";
    case OrderStatus::PendingReplace: return "PendingReplace";
    case OrderStatus::Canceled: return "Canceled";
    case OrderStatus::Rejected: return "Rejected";
    case OrderStatus::Replaced: return "Replaced";
    case OrderStatus::Expired: return "Expired";
    }
    return "?";
}

inline bool isTerminal(OrderStatus s)
{
    return s == OrderStatus::Filled || s == OrderStatus::Canceled || s == OrderStatus::Rejected
        || s == OrderStatus::Replaced || s == OrderStatus::Expired;
}

} // namespace hm
