#pragma once
// What the counterparty's security list changes in the engine. An instrument the session
// did not know becomes tradable (books, risk, the watchlist); a known one whose tick or
// lot differs takes the counterparty's, since its prices and fills come in those; one
// that matches changes nothing. Each change is raised in the feed as an alert and
// journaled as the instrument's configuration, so a replay knows it. Engine thread only.
#include "engine/activity_log.h"
#include "engine/engine_context.h"
#include "engine/market_state.h"
#include "engine/order_router.h"
#include "model/events.h"

#include <vector>

namespace hm {

// instruments: the session's list (the engine's configuration), changed in place.
// Returns how many instruments were added or changed.
std::size_t adoptSecurityList(const EngineContext& ctx, std::vector<Instrument>& instruments, MarketState& market,
                              OrderRouter& router, ActivityLog& log, const SecurityListEvent& list);

} // namespace hm
