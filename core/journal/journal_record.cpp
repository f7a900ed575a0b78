#include "journal/journal_record.h"

namespace hm {

const char* toString(RecordKind kind)
{
    switch (kind) {
    case RecordKind::SessionStart: return "session_start";
    case RecordKind::Config: return "config";
    case RecordKind::OrderNew: return "order_new";
    case RecordKind::OrderCancel: return "order_cancel";
    case RecordKind::OrderReplace: return "order_replace";
    case RecordKind::ExecReport: return "exec_report";
    case RecordKind::CancelReject: return "cancel_reject";
    case RecordKind::BookLevel: return "book_level";
    case RecordKind::Trade: return "trade";
    case RecordKind::FixSession: return "fix_session";
    case RecordKind::Operator: return "operator";
    case RecordKind::Log: return "log";
    case RecordKind::Dropped: return "dropped";
    case RecordKind::OrderDenied: return "order_denied";
    case RecordKind::Audit: return "audit";
    case RecordKind::Alert: return "alert";
    case RecordKind::AgentDecision: return "agent_decision";
    case RecordKind::StateHash: return "state_hash";
    }
    return "unknown";
}

namespace {
constexpr char kSep = '\x1f'; // ASCII unit separator: never typed in a reason
}

JournalRecord auditRecord(const AuditEntry& e, Timestamp time)
{
    JournalRecord r;
    r.time = time;
    r.kind = RecordKind::Audit;
    r.symbol = e.agent;
    r.ref = e.action;
    for (const std::string* f : {&e.who, &e.role, &e.reason, &e.stateBefore, &e.stateAfter, &e.detail}) {
        std::string clean = *f;
        for (char& c : clean)
            if (c == kSep)
                c = ' ';
        r.text += clean;
        r.text += kSep;
    }
    return r;
}

bool parseAudit(const JournalRecord& r, AuditEntry& e)
{
    if (r.kind != RecordKind::Audit)
        return false;
    std::string* fields[] = {&e.who, &e.role, &e.reason, &e.stateBefore, &e.stateAfter, &e.detail};
    std::size_t start = 0;
    for (std::string* f : fields) {
        const std::size_t end = r.text.find(kSep, start);
        if (end == std::string::npos)
            return false;
        *f = r.text.substr(start, end - start);
        start = end + 1;
    }
    e.agent = r.symbol;
    e.action = r.ref;
    return true;
}

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
