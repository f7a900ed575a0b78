#pragma once
// What a learned execution policy sees, the same in training and live: the market
// features (core/features) turned to the order's side, then the task. Turned to the
// side, one network serves buys and sells: for a buy the book imbalances, the
// microprice offset and the order-flow imbalances change sign, so that a positive value
// always means the price is expected to move our way. The task features say which
// parent order this is, so one policy can be trained on many: side, size against the
// expected volume, horizon, time left, the participation still needed, time of day.
#include "exec/execution_env.h"

#include <string>
#include <vector>

namespace hm {

enum TaskFeature {
    kTaskSide = kFeatureCount,    // +1 sell, -1 buy
    kTaskSizeLog,                 // ln(parent / expected volume over the horizon)
    kTaskHorizonLog,              // ln(horizon / 30 min)
    kTaskTimeLeftLog,             // ln(1 + minutes left)
    kTaskRequiredParticipation,   // remaining / expected volume in the time left, capped at 10
    kTaskTimeOfDay,               // 0 at the open .. 1 at the close
    kExecutionFeatureCount
};

// featureNames() followed by the task features' names.
const std::vector<std::string>& executionFeatureNames();

// The network's input for `s`: the first `inputs` execution features (kFeatureCount for
// the models trained before the task features, kExecutionFeatureCount after).
void policyInput(const ExecState& s, int inputs, std::vector<double>& out);

// The expected market volume over the whole horizon: the task's when it knows it, else
// the last minute's rate carried over the horizon; 0 when neither is known (the policy
// input then reads the parent as a tenth of the volume).
double expectedHorizonVolume(const ExecState& s);

} // namespace hm
