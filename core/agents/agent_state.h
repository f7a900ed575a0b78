#pragma once
// The agent state machine and who may move it. One table decides every transition,
// for the window, the control channel and the automatic triggers alike.
#include <cstdint>
#include <string>

namespace hm {

enum class AgentState : std::uint8_t { Armed, Running, Paused, Throttled, ReduceOnly, Halted, Killed };
enum class AgentAction : std::uint8_t { Start, Pause, Resume, Throttle, ReduceOnly, Halt, Kill, Rearm };
enum class Role : std::uint8_t { Trader, RiskManager, System };

const char* toString(AgentState s);
const char* toString(AgentAction a);
const char* toString(Role r);
bool parseAgentAction(const std::string& text, AgentAction& out);
bool parseRole(const std::string& text, Role& out);

// May the agent send orders that add risk in this state?
inline bool tradesFreely(AgentState s) { return s == AgentState::Running || s == AgentState::Throttled; }
// Does the agent still get market data and timers (and may send reducing orders)?
inline bool isLive(AgentState s)
{
    return s == AgentState::Running || s == AgentState::Throttled || s == AgentState::ReduceOnly;
}

struct Transition {
    bool allowed = false;
    AgentState next = AgentState::Armed;
    std::string error; // why not, when not allowed
};

// The rules:
// - Start: Armed -> Running (trader, risk manager).
// - Pause: Running/Throttled/ReduceOnly -> Paused (anyone).
// - Resume: Paused/Throttled/ReduceOnly -> Running (trader, risk manager);
//   Halted -> Running needs the risk manager: a limit or detector stopped it.
// - Throttle: Running -> Throttled (anyone); ReduceOnly likewise from Running/Throttled/Paused.
// - Halt: any live or paused state -> Halted (risk manager, system).
// - Kill: anything but Killed -> Killed (anyone).
// - Rearm: Killed/Halted -> Armed, risk manager only.
Transition transition(AgentState from, AgentAction action, Role role);

} // namespace hm
