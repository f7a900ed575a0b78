#pragma once
// What the portfolio-agent suites share: a signal that never changes and a two-name
// engine (HMX and ABC) with the portfolio limits out of the way.
#include "agents/agent.h"
#include "engine_test_support.h"

#include <string>
#include <utility>

namespace {

// Publishes a fixed view of one instrument every tick, and never trades.
class FixedSignal : public Agent {
public:
    FixedSignal(std::string symbol, double value) : m_symbol(std::move(symbol)), m_value(value) {}
    const char* type() const override { return "fixed-signal"; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override
    {
        out.signals.push_back(SignalReading{m_symbol, m_value, ctx.now, {}});
    }

private:
    std::string m_symbol;
    double m_value;
};

[[maybe_unused]] EngineConfig twoNames()
{
    EngineConfig c = config();
    Instrument abc = c.instruments.front();
    abc.symbol = "ABC";
    c.instruments.push_back(abc);
    c.limits.maxPortfolioEs = c.limits.maxNetNotional = 1e12;
    return c;
}

} // namespace
