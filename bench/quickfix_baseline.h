#pragma once
// A minimal QuickFIX initiator against a minimal QuickFIX acceptor on loopback:
// the acceptor answers each NewOrderSingle with one ExecutionReport, nothing else.
// Both persist their sessions, with QuickFIX's own FileStore or, to show what the store
// alone is worth, with Helmsman's mapped store. Plain C++14 interface; QuickFIX stays in the .cpp.
#include <memory>
#include <string>
#include <vector>

class QuickfixPair {
public:
    enum class Store { QuickfixFileStore, HelmsmanMappedStore };
    QuickfixPair(const std::string& dictionary, const std::string& directory, Store store);
    ~QuickfixPair();
    void start(); // returns once logged on
    // Sends n orders, one every paceUs; appends each round trip (NewOrderSingle -> report).
    void paced(int n, int paceUs, std::vector<double>& roundTripsUs);
    // Sends n orders at once and returns the seconds until every report is back.
    double burst(int n);
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};
