#include "exec/exec_actions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hm {

namespace {
constexpr double kMultiples[] = {0.5, 1, 2, 4};
constexpr int kMultipleCount = sizeof(kMultiples) / sizeof(kMultiples[0]);
constexpr int kFirstSized = 2; // 0: keep, 1: cancel and wait
} // namespace

const char* toString(ActionSet set)
{
    return set == ActionSet::ScheduleMultiples ? "schedule_multiples" : "remaining_fractions";
}

bool parseActionSet(const std::string& text, ActionSet& set)
{
    if (text == "remaining_fractions")
        set = ActionSet::RemainingFractions;
    else if (text == "schedule_multiples")
        set = ActionSet::ScheduleMultiples;
    else
        return false;
    return true;
}

int actionCount(ActionSet set)
{
    return set == ActionSet::ScheduleMultiples ? kFirstSized + kMultipleCount * 3 : ExecutionEnv::discreteActionCount();
}

ExecAction actionFor(ActionSet set, int index, const ExecState& s)
{
    if (set == ActionSet::RemainingFractions)
        return ExecutionEnv::discreteActionFor(index, s.remaining, s.lot);
    index = std::clamp(index, 0, actionCount(set) - 1);
    ExecAction a;
    if (index == 0) {
        a.keepWorking = true;
        return a;
    }
    if (index == 1)
        return a; // cancel the child, send nothing
    const int k = index - kFirstSized;
    const Quantity lot = std::max<Quantity>(1, s.lot);
    const int stepsLeft = std::max(1, s.stepsTotal - s.step);
    const double slice = static_cast<double>(s.remaining) / stepsLeft;
    a.qty = std::min(s.remaining, static_cast<Quantity>(std::llround(kMultiples[k / 3] * slice / static_cast<double>(lot))) * lot);
    if (a.qty == 0 && s.remaining > 0)
        a.qty = std::min(lot, s.remaining); // at least one lot when asked for some
    a.aggression = static_cast<Aggression>(k % 3);
    return a;
}

std::string describeAction(ActionSet set, int index)
{
    if (set == ActionSet::RemainingFractions)
        return ExecutionEnv::describeDiscreteAction(index);
    index = std::clamp(index, 0, actionCount(set) - 1);
    if (index == 0)
        return "keep the working child";
    if (index == 1)
        return "cancel and wait";
    const int k = index - kFirstSized;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%gx slice, %s", kMultiples[k / 3], toString(static_cast<Aggression>(k % 3)));
    return buf;
}

} // namespace hm
