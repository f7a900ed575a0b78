#pragma once
// The discrete actions a learned execution policy chooses from. Two sets:
// - remaining_fractions (the first models): {0,2,5,10,20,50}% of what remains x
//   {passive, inside, cross}; every step cancels the working child.
// - schedule_multiples: keep the working child where it is (its place in the queue),
//   or cancel and wait, or work {0.5,1,2,4} x the even slice (what remains over the
//   steps left) x {passive, inside, cross}. Sized against the schedule, the same action
//   means the same thing on a 5-minute and a 2-hour order.
#include "exec/execution_env.h"

#include <string>

namespace hm {

enum class ActionSet : std::uint8_t { RemainingFractions, ScheduleMultiples };

const char* toString(ActionSet set); // "remaining_fractions", "schedule_multiples"
bool parseActionSet(const std::string& text, ActionSet& set);
int actionCount(ActionSet set);
ExecAction actionFor(ActionSet set, int index, const ExecState& s);
std::string describeAction(ActionSet set, int index);

} // namespace hm
