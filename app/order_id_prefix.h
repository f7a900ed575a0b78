#pragma once
// Client order ids that never repeat: each session takes the next number from a file in
// the data directory, under an exclusive lock, and its ClOrdIDs are "HM<number>-<n>".
// The number is at least the wall clock's seconds, so a lost or deleted file still does
// not give an old number back (unless the clock also went back); the stored count keeps
// two starts within one second, or two instances on one directory, apart.
#include <cstdint>
#include <string>

namespace hm {

struct OrderIdPrefix {
    std::string prefix;       // "HM" + the number in base 36 + "-"
    std::uint64_t number = 0; // the one this session took
};

// Reserves the next number in `<dataDirectory>/state/order-ids`. False, with `error`
// saying what and where, when the file cannot be locked, read or written.
bool reserveOrderIdPrefix(const std::string& dataDirectory, std::int64_t wallSeconds, OrderIdPrefix& out,
                          std::string& error);

std::string base36(std::uint64_t v);

} // namespace hm
