#pragma once
// One human or automatic intervention. Stored in the events stream (so replay sees it)
// and in the append-only, hash-chained `audit` table. Its row format is owned by
// journal_codec.h (encode/decode).
#include <string>

namespace hm {

struct AuditEntry {
    std::string who;    // user name, or "system"
    std::string role;   // trader, risk-manager, system
    std::string action; // approve, reject, throttle, pause, resume, kill, kill-all, rearm, limit-change, halt...
    std::string agent;  // "*" for all, "" when none
    std::string reason;
    std::string stateBefore;
    std::string stateAfter;
    std::string detail; // e.g. "max_position: 20000 -> 15000"
};

// One line for people: "who (role) action agent: before -> after [detail] — reason".
std::string describe(const AuditEntry& entry);

} // namespace hm
