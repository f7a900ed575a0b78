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
    case RecordKind::CarryPosition: return "carry_position";
    case RecordKind::CarryOrder: return "carry_order";
    }
    return "unknown";
}

} // namespace hm
