#include "agents/agent_state.h"

namespace hm {

const char* toString(AgentState s)
{
    switch (s) {
    case AgentState::Armed: return "armed";
    case AgentState::Running: return "running";
    case AgentState::Paused: return "paused";
    case AgentState::Throttled: return "throttled";
    case AgentState::ReduceOnly: return "reduce-only";
    case AgentState::Halted: return "halted";
    case AgentState::Killed: return "killed";
    }
    return "?";
}

const char* toString(AgentAction a)
{
    switch (a) {
    case AgentAction::Start: return "start";
    case AgentAction::Pause: return "pause";
    case AgentAction::Resume: return "resume";
    case AgentAction::Throttle: return "throttle";
    case AgentAction::ReduceOnly: return "reduce-only";
    case AgentAction::Halt: return "halt";
    case AgentAction::Kill: return "kill";
    case AgentAction::Rearm: return "rearm";
    }
    return "?";
}

const char* toString(Role r)
{
    switch (r) {
    case Role::Trader: return "trader";
    case Role::RiskManager: return "risk-manager";
    case Role::System: return "system";
    }
    return "?";
}

bool parseAgentAction(const std::string& t, AgentAction& out)
{
    for (AgentAction a : {AgentAction::Start, AgentAction::Pause, AgentAction::Resume, AgentAction::Throttle,
                          AgentAction::ReduceOnly, AgentAction::Halt, AgentAction::Kill, AgentAction::Rearm})
        if (t == toString(a)) {
            out = a;
            return true;
        }
    return false;
}

bool parseRole(const std::string& t, Role& out)
{
    for (Role r : {Role::Trader, Role::RiskManager, Role::System})
        if (t == toString(r)) {
            out = r;
            return true;
        }
    return false;
}

Transition transition(AgentState from, AgentAction action, Role role)
{
    auto no = [&](const std::string& why) {
        return Transition{false, from, std::string(toString(action)) + " not allowed: " + why};
    };
    auto to = [](AgentState s) { return Transition{true, s, {}}; };
    const bool human = role != Role::System;
    const bool rm = role == Role::RiskManager;
    switch (action) {
    case AgentAction::Start:
        if (!human)
            return no("only a person starts an agent");
        return from == AgentState::Armed ? to(AgentState::Running)
                                         : no(std::string("agent is ") + toString(from) + ", not armed");
    case AgentAction::Pause:
        return from == AgentState::Running || from == AgentState::Throttled || from == AgentState::ReduceOnly
            ? to(AgentState::Paused)
            : no(std::string("agent is ") + toString(from));
    case AgentAction::Resume:
        if (!human)
            return no("resuming needs an explicit human action");
        if (from == AgentState::Halted)
            return rm ? to(AgentState::Running) : no("a halted agent is resumed by the risk manager");
        return from == AgentState::Paused || from == AgentState::Throttled || from == AgentState::ReduceOnly
            ? to(AgentState::Running)
            : no(std::string("agent is ") + toString(from));
    case AgentAction::Throttle:
        return from == AgentState::Running ? to(AgentState::Throttled) : no(std::string("agent is ") + toString(from));
    case AgentAction::ReduceOnly:
        return from == AgentState::Running || from == AgentState::Throttled || from == AgentState::Paused
            ? to(AgentState::ReduceOnly)
            : no(std::string("agent is ") + toString(from));
    case AgentAction::Halt:
        if (role == Role::Trader)
            return no("halting is for the risk manager or a limit; the trader can pause or kill");
        return isLive(from) || from == AgentState::Paused ? to(AgentState::Halted)
                                                           : no(std::string("agent is ") + toString(from));
    case AgentAction::Kill:
        return from != AgentState::Killed ? to(AgentState::Killed) : no("agent is already killed");
    case AgentAction::Rearm:
        if (!rm)
            return no("only the risk manager re-arms an agent");
        return from == AgentState::Killed || from == AgentState::Halted ? to(AgentState::Armed)
                                                                         : no(std::string("agent is ") + toString(from));
    }
    return no("unknown action");
}

} // namespace hm
