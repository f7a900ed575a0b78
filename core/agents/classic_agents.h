#pragma once
// Classic agents: a TWAP execution agent that works a parent order on a schedule,
// patient while on schedule and crossing when behind; and a book-imbalance momentum
// agent that trades small clips within its own position cap.
#include "agents/agent.h"

namespace hm {

class TwapAgent : public Agent {
public:
    TwapAgent(std::string symbol, Side side, Quantity parent, double durationS, double sliceS, Quantity lot);
    const char* type() const override { return "twap"; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override;
    void onFill(Side side, Quantity qty, Price price) override;
    AgentProgress progress() const override { return {m_parent, m_done}; }

private:
    std::string m_symbol;
    Side m_side;
    Quantity m_parent;
    Timestamp m_duration;
    Timestamp m_slice;
    Quantity m_lot;
    Timestamp m_start = 0;
    Timestamp m_lastSlice = 0;
    Quantity m_done = 0;
};

class MomentumAgent : public Agent {
public:
    MomentumAgent(std::string symbol, Quantity clip, Quantity maxPosition, double threshold, double intervalS);
    const char* type() const override { return "momentum"; }
    void onTick(const AgentContext& ctx, AgentIntents& out) override;

private:
    std::string m_symbol;
    Quantity m_clip;
    Quantity m_maxPosition;
    double m_threshold;
    Timestamp m_interval;
    Timestamp m_last = 0;
};

} // namespace hm
