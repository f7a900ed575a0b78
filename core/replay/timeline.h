#pragma once
// What a replay's timeline shows: how busy each stretch of the session was, and the
// events an analyst jumps to (kills, denials, approvals, limit changes, regime switches).
#include "journal/journal_reader.h"

#include <string>
#include <vector>

namespace hm {

enum class MarkKind { Kill, Denial, Approval, LimitChange, Regime, Alert, Intervention };
const char* toString(MarkKind kind);

struct TimelineMark {
    std::int64_t seq = 0;
    Timestamp time = 0;
    MarkKind kind = MarkKind::Alert;
    std::string text;
};

struct Timeline {
    std::int64_t firstSeq = 0, lastSeq = 0;
    Timestamp start = 0, end = 0;
    std::vector<std::int64_t> density; // records per equal slice of [start, end]
    std::vector<TimelineMark> marks;
};

Timeline buildTimeline(const JournalReader& reader, int buckets = 400);

} // namespace hm
