#pragma once
// What the window's feed and decision log show next, and the journal records that go
// with them: denials, alerts, the audit trail, agents' decisions and operator actions.
#include "agents/agent.h"
#include "engine/engine_context.h"
#include "engine/snapshot.h"
#include "journal/journal_codec.h"

#include <string>
#include <vector>

namespace hm {

struct Actor;

class ActivityLog {
public:
    void feed(const EngineContext& ctx, const std::string& kind, const std::string& source, const std::string& text,
              bool journalAlert = false);
    void audit(const EngineContext& ctx, const Actor& actor, const std::string& action, const std::string& agent,
               const std::string& reason, const std::string& before, const std::string& after, const std::string& detail);
    void decision(const EngineContext& ctx, const std::string& agent, const OrderProposal& p, DecisionOutcome outcome,
                  const std::string& note);
    void operatorAction(const EngineContext& ctx, const std::string& action, const std::string& detail);
    void replaceDenied(const EngineContext& ctx, const ReplaceDeniedRecord& denied);
    // A decision as a journal recorded it (replay): shown, not journaled again.
    void addDecision(DecisionView d);

    std::vector<FeedItem> takeFeed();
    std::vector<DecisionView> takeDecisions();

private:
    std::vector<FeedItem> m_newFeed;
    std::vector<DecisionView> m_newDecisions;
};

} // namespace hm
