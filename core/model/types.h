#pragma once
// Domain value types shared by every layer. Kept C++14-clean because the QuickFIX
// adapter (compiled as C++14) converts to and from these at its boundary.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

namespace hm {

using Price = std::int64_t;     // integer ticks of the instrument's tick size
using Quantity = std::int64_t;  // units of the instrument (multiples of its lot size)
using Timestamp = std::int64_t; // nanoseconds

enum class Side : std::uint8_t { Buy, Sell };
enum class OrderType : std::uint8_t { Limit, Market };
enum class TimeInForce : std::uint8_t { Day, GoodTillCancel, ImmediateOrCancel, FillOrKill };

inline Side opposite(Side s) { return s == Side::Buy ? Side::Sell : Side::Buy; }
inline const char* toString(Side s) { return s == Side::Buy ? "BUY" : "SELL"; }
inline const char* toString(OrderType t) { return t == OrderType::Limit ? "LIMIT" : "MARKET"; }
inline const char* toString(TimeInForce t)
{
    switch (t) {
    case TimeInForce::Day: return "DAY";
    case TimeInForce::GoodTillCancel: return "GTC";
    case TimeInForce::ImmediateOrCancel: return "IOC";
    case TimeInForce::FillOrKill: return "FOK";
    }
    return "?";
}

// Wall-clock time for records a person reads; monotonic time for latencies.
inline Timestamp wallNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
inline Timestamp monoNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Instrument {
    std::string symbol;
    double tickSize = 0.01;
    Quantity lotSize = 1;
    std::string currency = "USD";

    Price toTicks(double px) const { return static_cast<Price>(std::llround(px / tickSize)); }
    double toPrice(Price ticks) const { return static_cast<double>(ticks) * tickSize; }
};

} // namespace hm
