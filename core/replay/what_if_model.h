#pragma once
// What-if of another model: an agent of the journal re-run on the journal's recorded
// market with a different model file, next to the same agent re-run with its own model
// under the same assumptions, and what it actually did.
//
// The simulated fills: an order that crosses the recorded book fills against the
// levels it reaches (the recorded book is not depleted: no impact); a resting order
// fills when a recorded trade prints at or through its price (no queue position: an
// optimistic bound). Oversight is not re-run: every proposal counts as sent. Both
// re-runs share these assumptions, so their difference is the models'.
#include "journal/journal_reader.h"

#include <ostream>
#include <string>

namespace hm {

struct SimulatedRun {
    std::string model;
    int orders = 0, fills = 0;
    long long filledQty = 0;
    double avgPx = 0;        // price units; NaN without fills
    double shortfallBps = 0; // against the decision mid, incl. the unfilled rest marked at the end
};

struct WhatIfModelResult {
    std::string agent, type, symbol;
    int side = -1;
    long long parentQty = 0;
    Timestamp start = 0, end = 0;
    double actualShortfallBps = 0;
    long long actualFilledQty = 0;
    SimulatedRun recorded, alternative;
};

// Throws std::runtime_error naming the agent or model when it cannot be run.
WhatIfModelResult whatIfModel(const JournalReader& journal, const std::string& agent, const std::string& modelPath);
void printWhatIfModel(const WhatIfModelResult& result, std::ostream& out);

} // namespace hm
