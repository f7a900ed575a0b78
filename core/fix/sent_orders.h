#pragma once
// What our FIX store says we sent: the orders, replaces and cancels among the stored
// outgoing messages, read from their raw text. After a crash this is the only record of
// an order that reached the wire before its journal row was committed. Plain C++14, no
// QuickFIX headers: the C++17 code reads it through fix_gateway.h.
#include "model/order.h"

#include <string>
#include <vector>

namespace hm {

struct SentOrderMessage {
    char msgType = 'D'; // D new order, G replace, F cancel
    int seq = 0;        // MsgSeqNum(34)
    std::string clOrdId;
    std::string origClOrdId; // G and F
    std::string symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity qty = 0;
    Price price = 0;
};

// The order messages among `messages` (raw FIX, SOH-delimited), in their order. A
// message that cannot be read is skipped and said in `skipped` (one line each).
std::vector<SentOrderMessage> readSentOrders(const std::vector<std::string>& messages,
                                             const std::vector<Instrument>& instruments,
                                             std::vector<std::string>& skipped);

} // namespace hm
