#include "engine/activity_log.h"

#include "engine/engine_commands.h"

namespace hm {

void ActivityLog::feed(const EngineContext& ctx, const std::string& kind, const std::string& source,
                       const std::string& text, bool journalAlert)
{
    m_newFeed.push_back(FeedItem{ctx.now(), kind, source, text});
    if (m_newFeed.size() > 2000)
        m_newFeed.erase(m_newFeed.begin(), m_newFeed.begin() + 1000);
    if (journalAlert && ctx.journaling())
        ctx.record(encode(AlertRecord{kind, source, text}, ctx.now()));
}

void ActivityLog::audit(const EngineContext& ctx, const Actor& actor, const std::string& action, const std::string& agent,
                        const std::string& reason, const std::string& before, const std::string& after,
                        const std::string& detail)
{
    AuditEntry e{actor.who, toString(actor.role), action, agent, reason, before, after, detail};
    if (ctx.journaling())
        ctx.record(encode(e, ctx.now()));
    feed(ctx, "audit", agent, describe(e));
}

void ActivityLog::decision(const EngineContext& ctx, const std::string& agent, const OrderProposal& p,
                           DecisionOutcome outcome, const std::string& note)
{
    addDecision(DecisionView{ctx.now(), agent, toString(outcome), ctx.orderText(p.side, p.qty, p.symbol, p.type, p.price),
                             p.why, note});
    if (ctx.journaling())
        ctx.record(encode(DecisionRecord{agent, p.symbol, p.side, p.price, p.qty, outcome, p.why.summary, p.why.factors, note},
                          ctx.now()));
}

void ActivityLog::addDecision(DecisionView d)
{
    m_newDecisions.push_back(std::move(d));
    if (m_newDecisions.size() > 1000) // nobody is looking: keep the newest
        m_newDecisions.erase(m_newDecisions.begin(), m_newDecisions.begin() + 500);
}

void ActivityLog::operatorAction(const EngineContext& ctx, const std::string& action, const std::string& detail)
{
    if (ctx.journaling())
        ctx.record(encode(OperatorRecord{action, detail}, ctx.now()));
}

void ActivityLog::replaceDenied(const EngineContext& ctx, const ReplaceDeniedRecord& denied)
{
    if (ctx.journaling())
        ctx.record(encode(denied, ctx.now()));
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
