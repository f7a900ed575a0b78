#include "ml/signal_agent.h"

#include <cmath>

namespace hm {

SignalAgent::SignalAgent(const std::string& model, std::string symbol, Quantity clip, Quantity maxPosition, double threshold,
                         double intervalS, bool trades, std::string& error)
    : m_symbol(std::move(symbol)), m_clip(clip), m_maxPosition(maxPosition), m_threshold(threshold), m_interval(intervalS),
      m_trades(trades), m_features(static_cast<double>(clip))
{
    ModelCard card;
    error = loadCard(model, card);
    if (error.empty() && card.algorithm != "signal-mlp")
        error = "model '" + model + "' is a " + card.algorithm + " model; a signal agent needs a signal-mlp model";
    if (!error.empty())
        return;
    NetworkShape shape = card.network;
    m_net = Mlp(shape);
    error = loadModel(model, *m_net, card);
    m_norm = card.normalizer;
    m_description = "signal MLP " + model.substr(model.find_last_of('/') + 1) + ", sha256 " + card.sha256.substr(0, 12);
}

std::vector<std::pair<std::string, double>> SignalAgent::monitor() const { return {{"p(mid up)", m_lastProbability}}; }

void SignalAgent::onTick(const AgentContext& ctx, AgentIntents& out)
{
    const MarketView& m = *ctx.market;
    if (!m.hasQuotes())
        return;
    const double t = static_cast<double>(ctx.now) / 1e9;
    const bool decides = ctx.now - m_last >= static_cast<Timestamp>(m_interval * 1e9);
    m_features.observe(t, m.bids, m.asks, m.tradedVolume, decides); // a decision reads a fresh sample
    if (!decides)
        return;
    m_last = ctx.now;
    std::vector<double> f;
    m_features.compute(ExecutionTaskState{}, f);
    const double p = signalProbability(m_net, m_norm, f);
    m_lastProbability = p;
    // Published for portfolio agents: the view from -1 (down) to 1 (up).
    out.signals.push_back(SignalReading{m_symbol, 2 * p - 1, ctx.now, {}});
    if (!m_trades) {
        out.note = "signal " + std::to_string(2 * p - 1).substr(0, 6) + " published (publishing only)";
        return;
    }
    if (ctx.awaitingApproval > 0 || !ctx.working.empty())
        return;
    Side side;
    if (p >= m_threshold && ctx.position + m_clip <= m_maxPosition)
        side = Side::Buy;
    else if (p <= 1 - m_threshold && ctx.position - m_clip >= -m_maxPosition)
        side = Side::Sell;
    else {
        out.note = "signal " + std::to_string(p).substr(0, 5) + " inside the band or at the position cap";
        return;
    }
    OrderProposal o;
    o.symbol = m_symbol;
    o.side = side;
    o.qty = m_clip;
    o.tif = TimeInForce::ImmediateOrCancel;
    o.price = side == Side::Buy ? m.bestAsk() : m.bestBid();
    o.why.summary = std::string("signal model: mid ") + (side == Side::Buy ? "up" : "down") + " more likely than not";
    o.why.factors = {{"p(mid up)", p},
                     {"threshold", m_threshold},
                     {"position", static_cast<double>(ctx.position)},
                     {"imbalance (5 levels)", f[kImbalance5]},
                     {"order-flow imbalance 30 s (lots)", f[kOrderFlowImbalance30s]},
                     {"microprice offset (ticks)", f[kMicropriceOffsetTicks]}};
    out.orders.push_back(o);
}

} // namespace hm
