#pragma once
// A minimal QuickFIX initiator against a minimal QuickFIX acceptor on loopback:
// the acceptor answers each NewOrderSingle with one ExecutionReport, nothing else.
// Plain C++14 interface; QuickFIX stays in the .cpp.
#include <string>
#include <vector>

struct BaselineResult {
    std::vector<double> roundTripsUs; // paced orders, one every paceUs
    double ordersPerSecond = 0;       // burst: send all, until every report is back
};

BaselineResult runQuickfixBaseline(const std::string& dictionary, const std::string& directory, int pacedOrders,
                                   int paceUs, int burstOrders);
