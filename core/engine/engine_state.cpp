#include "engine/engine_state.h"

#include <cmath>
#include <string>

namespace hm {
namespace {

// FNV-1a, 64 bits: enough to tell two states apart, stable across builds.
struct Digest {
    std::uint64_t h = 1469598103934665603ull;
    void bytes(const void* p, std::size_t n)
    {
        const auto* c = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= c[i];
            h *= 1099511628211ull;
        }
    }
    void add(const std::string& s) { bytes(s.data(), s.size()); bytes("", 1); }
    void add(std::int64_t v) { bytes(&v, sizeof v); }
    void add(double v) { add(static_cast<std::int64_t>(std::llround(v * 1e6))); }
};

} // namespace

std::uint64_t EngineState::hash(int depthLevels) const
{
    Digest d;
    const OrderManager& oms = router.m_oms;
    for (const OrderRecord* order : oms.orderSequence()) {
        const OrderRecord& o = *order;
        d.add(o.clOrdId);
        d.add(o.currentClOrdId);
        d.add(o.owner);
        d.add(static_cast<std::int64_t>(o.status));
        d.add(o.qty);
        d.add(o.price);
        d.add(o.cumQty);
        d.add(o.leavesQty);
    }
    for (const auto& kv : oms.positions()) {
        d.add(kv.first);
        d.add(kv.second.qty);
        d.add(kv.second.boughtQty);
        d.add(kv.second.soldQty);
        d.add(kv.second.realizedTicks);
    }
    const auto depth = static_cast<std::size_t>(depthLevels);
    for (const auto& kv : market.m_books) {
        d.add(kv.first);
        for (const auto& l : kv.second.bids(depth)) {
            d.add(l.price);
            d.add(l.qty);
        }
        for (const auto& l : kv.second.asks(depth)) {
            d.add(l.price);
            d.add(l.qty);
        }
    }
    for (const auto& kv : agents.m_slots) {
        d.add(kv.first);
        d.add(static_cast<std::int64_t>(kv.second.state));
        d.add(kv.second.position);
        d.add(static_cast<std::int64_t>(kv.second.spec.throttle.level));
    }
    for (const auto& t : agents.m_approvals.tickets()) {
        d.add(static_cast<std::int64_t>(t.id));
        d.add(t.agent);
    }
    const RiskLimits& limits = router.m_gate.limits();
    static const RiskLimits defaults;
    for (const auto& f : limitFields()) {
        std::string v;
        limitValue(limits, f.name, v);
        // The portfolio limits came later: at their defaults they are left out, so the
        // journals recorded before them still match the hashes they recorded.
        std::string atDefault;
        if (isPortfolioLimit(f.name) && limitValue(defaults, f.name, atDefault) && atDefault == v)
            continue;
        // Off is left out, so a journal from before self-trade prevention (replayed with
        // it off) still matches the hashes it recorded.
        if (std::string(f.name) == "self_trade_prevention" && limits.selfTradePolicy == SelfTradePolicy::Off)
            continue;
        d.add(v);
    }
    for (const auto& l : instrumentLimitValues(limits)) { // none in the sessions before them
        d.add(l.first);
        d.add(l.second);
    }
    d.add(static_cast<std::int64_t>(agents.m_killed));
    // Only when some are halted, so the sessions before instrument kills keep their hashes.
    for (const auto& kv : router.m_gate.haltedInstruments())
        d.add(kv.first);
    return d.h;
}

} // namespace hm
