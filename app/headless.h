#pragma once
#include <cstdint>
#include <ostream>

namespace hm {

class Runtime;

struct HeadlessOptions {
    double durationSeconds = 10.0;
    std::uint64_t seed = 1;
    double ordersPerSecond = 50.0;
};

// Runs a scripted mix of orders through the engine for the duration, then prints
// a summary. Returns the process exit code.
int runHeadless(Runtime& runtime, const HeadlessOptions& options, std::ostream& out, std::ostream& err);

} // namespace hm
