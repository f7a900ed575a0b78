#include "engine/activity_log.h"

#include "engine/engine_commands.h"
#include "model/text.h"

#include <algorithm>

namespace hm {

const char* ActivityLog::outcomeText(int outcome)
{
    static const char* outcomes[] = {"denied", "sent", "awaiting approval", "dropped"};
    return outcomes[std::clamp(outcome, 0, 3)];
}

void ActivityLog::feed(const EngineContext& ctx, const std::string& kind, const std::string& source,
                       const std::string& text, bool journalAlert)
{
    m_newFeed.push_back(FeedItem{ctx.now(), kind, source, text});
    if (m_newFeed.size() > 2000)
        m_newFeed.erase(m_newFeed.begin(), m_newFeed.begin() + 1000);
    if (journalAlert && ctx.journaling()) {
        JournalRecord r;
        r.time = ctx.now();
        r.kind = RecordKind::Alert;
        r.ref = kind;
        r.symbol = source;
        r.text = text;
        ctx.record(std::move(r));
    }
}

void ActivityLog::audit(const EngineContext& ctx, const Actor& actor, const std::string& action, const std::string& agent,
                        const std::string& reason, const std::string& before, const std::string& after,
                        const std::string& detail)
{
    AuditEntry e{actor.who, toString(actor.role), action, agent, reason, before, after, detail};
    if (ctx.journaling())
        ctx.record(auditRecord(e, ctx.now()));
    feed(ctx, "audit", agent, describe(e));
}

void ActivityLog::decision(const EngineContext& ctx, const std::string& agent, const OrderProposal& p, int outcome,
                           const std::string& note)
{
    addDecision(DecisionView{ctx.now(), agent, outcomeText(outcome), ctx.orderText(p.side, p.qty, p.symbol, p.type, p.price),
                             p.why, note});
    if (!ctx.journaling())
        return;
    JournalRecord r;
    r.time = ctx.now();
    r.kind = RecordKind::AgentDecision;
    r.ref = agent;
    r.symbol = p.symbol;
    r.side = sideCode(p.side);
    r.price = p.price;
    r.qty = p.qty;
    r.aux = outcome;
    r.text = p.why.summary;
    for (const auto& f : p.why.factors)
        r.text += "|" + f.first + "=" + shortNumber(f.second);
    if (!note.empty())
        r.text += "|note=" + note;
    ctx.record(std::move(r));
}

void ActivityLog::addDecision(DecisionView d)
{
    m_newDecisions.push_back(std::move(d));
    if (m_newDecisions.size() > 1000) // nobody is looking: keep the newest
        m_newDecisions.erase(m_newDecisions.begin(), m_newDecisions.begin() + 500);
}

void ActivityLog::operatorAction(const EngineContext& ctx, const std::string& action, const std::string& detail)
{
    if (!ctx.journaling())
        return;
    JournalRecord r;
    r.time = ctx.now();
    r.kind = RecordKind::Operator;
    r.ref = action;
    r.text = detail;
    ctx.record(std::move(r));
}

std::vector<FeedItem> ActivityLog::takeFeed()
{
    std::vector<FeedItem> out;
    out.swap(m_newFeed);
    return out;
}

std::vector<DecisionView> ActivityLog::takeDecisions()
{
    std::vector<DecisionView> out;
    out.swap(m_newDecisions);
    return out;
}

} // namespace hm
