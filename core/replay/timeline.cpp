#include "replay/timeline.h"

namespace hm {

const char* toString(MarkKind kind)
{
    switch (kind) {
    case MarkKind::Kill: return "kill";
    case MarkKind::Denial: return "denial";
    case MarkKind::Approval: return "approval";
    case MarkKind::LimitChange: return "limit change";
    case MarkKind::Regime: return "regime";
    case MarkKind::Alert: return "alert";
    case MarkKind::Intervention: return "intervention";
    }
    return "?";
}

Timeline buildTimeline(const JournalReader& reader, int buckets)
{
    Timeline t;
    t.firstSeq = reader.minSeq();
    t.lastSeq = reader.maxSeq();
    t.start = reader.timeOf(t.firstSeq);
    t.end = reader.timeOf(t.lastSeq);
    t.density = reader.density(t.start, t.end, buckets);
    reader.forEachOfKinds({RecordKind::OrderDenied, RecordKind::Audit, RecordKind::Alert}, [&](const JournalRecord& r) {
        TimelineMark m;
        m.seq = r.seq;
        m.time = r.time;
        if (r.kind == RecordKind::OrderDenied) {
            m.kind = MarkKind::Denial;
            m.text = r.ref + ": " + r.text;
        } else if (r.kind == RecordKind::Alert) {
            if (r.text.rfind("regime ", 0) == 0 || r.text.rfind("true regime ", 0) == 0)
                m.kind = MarkKind::Regime;
            else if (r.text.rfind("GLOBAL KILL", 0) == 0)
                return; // the kill-all audit row marks it
            m.text = r.symbol + ": " + r.text;
        } else {
            AuditEntry e;
            if (!parseAudit(r, e) || e.action == "add-agent")
                return;
            m.text = describe(e);
            if (e.action == "kill" || e.action == "kill-all")
                m.kind = MarkKind::Kill;
            else if (e.action == "approve" || e.action == "reject")
                m.kind = MarkKind::Approval;
            else if (e.action == "limit-change")
                m.kind = MarkKind::LimitChange;
            else
                m.kind = MarkKind::Intervention;
        }
        t.marks.push_back(std::move(m));
    });
    return t;
}

} // namespace hm
