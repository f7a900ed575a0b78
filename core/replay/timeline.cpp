#include "replay/timeline.h"

#include "journal/journal_codec.h"

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
            OrderDeniedRecord d;
            if (!decode(r, d))
                return;
            m.kind = MarkKind::Denial;
            m.text = d.clOrdId + (d.owner.empty() ? "" : " of " + d.owner) + ": " + d.reason;
        } else if (r.kind == RecordKind::Alert) {
            AlertRecord a;
            RegimeAlertRecord regime;
            if (!decode(r, a))
                return;
            if (decode(r, regime))
                m.kind = MarkKind::Regime;
            else if (a.text.rfind("GLOBAL KILL", 0) == 0)
                return; // the kill-all audit row marks it
            m.text = a.source + ": " + a.text;
        } else {
            AuditEntry e;
            if (!decode(r, e) || e.action == "add-agent")
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
