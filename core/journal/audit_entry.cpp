#include "journal/audit_entry.h"

namespace hm {

std::string describe(const AuditEntry& e)
{
    std::string text = e.who + " (" + e.role + ") " + e.action;
    if (!e.agent.empty())
        text += " " + e.agent;
    if (!e.stateBefore.empty() || !e.stateAfter.empty())
        text += ": " + e.stateBefore + " -> " + e.stateAfter;
    if (!e.detail.empty())
        text += " [" + e.detail + "]";
    if (!e.reason.empty())
        text += " — " + e.reason;
    return text;
}

} // namespace hm
