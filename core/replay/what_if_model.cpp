#include "replay/what_if_model.h"

#include "agents/agent.h"
#include "agents/agent_config.h"
#include "journal/journal_codec.h"
#include "replay/analysis.h"
#include "replay/recorded_market.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace hm {
namespace {

struct Resting {
    Side side;
    Price price;
    Quantity leaves;
    Timestamp sent;
};

struct Session {
    AgentSpec spec;
    double tick = 0.01;
    Timestamp start = 0, end = 0, sessionEnd = 0;
};

// The agent's configuration and working window, from the journal.
Session findAgent(const JournalReader& journal, const std::string& agent)
{
    Session s;
    bool found = false;
    for (const auto& r : journal.records(RecordKind::Config)) {
        ConfigRecord c;
        InstrumentConfigRecord i;
        if (!decode(r, c))
            continue;
        if (c.key == "agent") {
            AgentSpec spec;
            std::string error;
            if (parseAgentSpec(c.value, spec, error) && spec.id == agent) {
                s.spec = spec;
                found = true;
            }
        } else if (c.key == "instrument" && decode(r, i)) {
            s.tick = i.instrument.tickSize;
        }
    }
    if (!found)
        throw std::runtime_error("no agent '" + agent + "' in the journal");
    for (const auto& r : journal.records(RecordKind::Audit)) {
        AuditEntry e;
        if (!decode(r, e))
            continue;
        if (e.agent == agent && e.action == "start" && !s.start)
            s.start = r.time;
        if (((e.agent == agent && (e.action == "kill" || e.action == "halt")) || e.action == "kill-all") && !s.end && s.start)
            s.end = r.time;
    }
    s.sessionEnd = journal.timeOf(journal.maxSeq());
    if (!s.start)
        throw std::runtime_error("agent '" + agent + "' was never started in this session");
    if (!s.end)
        s.end = s.sessionEnd;
    return s;
}

SimulatedRun simulate(const JournalReader& journal, const Session& session, const std::string& model)
{
    std::string error;
    std::unique_ptr<Agent> agent = makeAgent(session.spec.type, session.spec.symbol, session.spec.params, error, model);
    if (!agent)
        throw std::runtime_error("agent '" + session.spec.id + "' with model '" + model + "': " + error);
    SimulatedRun run;
    run.model = model;
    RecordedBook book;
    const auto& bids = book.bids();
    const auto& asks = book.asks();
    std::map<std::string, Resting> resting;
    Quantity position = 0, volume = 0;
    Price lastTrade = 0;
    double notional = 0, decisionMid = std::numeric_limits<double>::quiet_NaN(), lastMid = 0;
    Timestamp nextTick = session.start;
    int ids = 0;
    const Timestamp tickNs = 50000000; // the engine's agent tick
    auto fill = [&](Side side, Quantity qty, Price px) {
        position += side == Side::Buy ? qty : -qty;
        notional += static_cast<double>(px) * session.tick * static_cast<double>(qty);
        run.filledQty += qty;
        ++run.fills;
        agent->onFill(side, qty, px);
    };
    auto mid = [&] { return static_cast<double>(book.twiceMid()) / 2.0; };
    auto tick = [&](Timestamp now) {
        MarketView m;
        m.symbol = session.spec.symbol;
        m.time = now;
        for (auto it = bids.begin(); it != bids.end() && m.bids.size() < 10; ++it)
            m.bids.push_back({it->first, it->second});
        for (auto it = asks.begin(); it != asks.end() && m.asks.size() < 10; ++it)
            m.asks.push_back({it->first, it->second});
        m.tradedVolume = volume;
        m.lastTrade = lastTrade;
        AgentContext ctx;
        ctx.now = now;
        ctx.market = &m;
        ctx.position = position;
        for (const auto& kv : resting)
            ctx.working.push_back(WorkingOrderView{kv.first, kv.second.side, kv.second.price, kv.second.leaves, kv.second.sent});
        AgentIntents intents;
        agent->onTick(ctx, intents);
        for (const auto& id : intents.cancels)
            resting.erase(id);
        for (const auto& p : intents.orders) {
            ++run.orders;
            Quantity left = p.qty;
            // Crossing part: against the recorded levels it reaches.
            if (p.side == Side::Buy) {
                for (const auto& l : asks) {
                    if (left == 0 || (p.type == OrderType::Limit && l.first > p.price))
                        break;
                    const Quantity q = std::min(left, l.second);
                    fill(Side::Buy, q, l.first);
                    left -= q;
                }
            } else {
                for (const auto& l : bids) {
                    if (left == 0 || (p.type == OrderType::Limit && l.first < p.price))
                        break;
                    const Quantity q = std::min(left, l.second);
                    fill(Side::Sell, q, l.first);
                    left -= q;
                }
            }
            if (left > 0 && p.type == OrderType::Limit && p.tif != TimeInForce::ImmediateOrCancel
                && p.tif != TimeInForce::FillOrKill)
                resting["SIM-" + std::to_string(++ids)] = Resting{p.side, p.price, left, now};
        }
    };
    journal.forEach(journal.minSeq(), journal.maxSeq(), [&](const JournalRecord& r) {
        while (r.time >= nextTick && nextTick < session.end) {
            if (nextTick >= session.start) {
                if (std::isnan(decisionMid) && mid() > 0)
                    decisionMid = mid();
                if (!std::isnan(decisionMid))
                    tick(nextTick);
            }
            nextTick += tickNs;
        }
        if (r.symbol != session.spec.symbol)
            return;
        if (r.kind == RecordKind::BookLevel) {
            book.apply(r);
            if (mid() > 0 && r.time <= session.end)
                lastMid = mid();
        } else if (TradeRecord t; r.kind == RecordKind::Trade && decode(r, t)) {
            volume += t.qty;
            lastTrade = t.price;
            if (r.time < session.start || r.time >= session.end)
                return;
            // Resting orders at or through the print fill, up to its size.
            Quantity printLeft = t.qty;
            for (auto it = resting.begin(); it != resting.end() && printLeft > 0;) {
                Resting& o = it->second;
                const bool reached = o.side == Side::Buy ? t.price <= o.price : t.price >= o.price;
                if (!reached) {
                    ++it;
                    continue;
                }
                const Quantity q = std::min(o.leaves, printLeft);
                fill(o.side, q, o.price);
                o.leaves -= q;
                printLeft -= q;
                it = o.leaves == 0 ? resting.erase(it) : std::next(it);
            }
        }
    });
    const int side = session.spec.params.count("side") && session.spec.params.at("side") > 0 ? 1 : -1;
    const double parent = session.spec.params.count("quantity") ? session.spec.params.at("quantity") : 0.0;
    const double pd = decisionMid * session.tick, pe = lastMid * session.tick;
    run.avgPx = run.filledQty ? notional / static_cast<double>(run.filledQty) : std::numeric_limits<double>::quiet_NaN();
    const double value = pd * parent;
    if (value > 0) {
        const double filledCost = run.filledQty ? side * (notional - pd * static_cast<double>(run.filledQty)) : 0.0;
        const double rest = std::max(0.0, parent - static_cast<double>(run.filledQty));
        run.shortfallBps = (filledCost + side * (pe - pd) * rest) / value * 1e4;
    } else {
        run.shortfallBps = std::numeric_limits<double>::quiet_NaN();
    }
    return run;
}


} // namespace

WhatIfModelResult whatIfModel(const JournalReader& journal, const std::string& agent, const std::string& modelPath)
{
    const Session s = findAgent(journal, agent);
    if (s.spec.model.empty())
        throw std::runtime_error("agent '" + agent + "' (" + s.spec.type + ") runs no model");
    WhatIfModelResult w;
    w.agent = agent;
    w.type = s.spec.type;
    w.symbol = s.spec.symbol;
    w.side = s.spec.params.count("side") && s.spec.params.at("side") > 0 ? 1 : -1;
    w.parentQty = s.spec.params.count("quantity") ? static_cast<long long>(s.spec.params.at("quantity")) : 0;
    w.start = s.start;
    w.end = s.end;
    for (const auto& row : executionReport(journal).rows)
        if (row.agent == agent) {
            w.actualShortfallBps = row.totalBps;
            w.actualFilledQty = row.filledQty;
        }
    w.recorded = simulate(journal, s, s.spec.model);
    w.alternative = simulate(journal, s, modelPath);
    return w;
}

void printWhatIfModel(const WhatIfModelResult& w, std::ostream& out)
{
    out << "What-if: agent " << w.agent << " (" << w.type << ", " << (w.side > 0 ? "buy " : "sell ") << w.parentQty << " "
        << w.symbol << ") over " << static_cast<double>(w.end - w.start) / 1e9 << " s of the recorded market\n\n"
        << "  " << std::left << std::setw(44) << "run" << std::right << std::setw(8) << "orders" << std::setw(10) << "filled"
        << std::setw(12) << "avg px" << std::setw(12) << "IS bps" << "\n";
    out << "  " << std::left << std::setw(44) << "as it happened" << std::right << std::setw(8) << "" << std::setw(10)
        << w.actualFilledQty << std::setw(12) << "" << std::setw(12) << fixedOrDash(w.actualShortfallBps) << "\n";
    for (const SimulatedRun* r : {&w.recorded, &w.alternative}) {
        std::string label = (r == &w.recorded ? "re-run, its model " : "re-run, ") + r->model;
        if (label.size() > 43)
            label = "..." + label.substr(label.size() - 40);
        out << "  " << std::left << std::setw(44) << label << std::right << std::setw(8) << r->orders << std::setw(10)
            << r->filledQty << std::setw(12) << fixedOrDash(r->avgPx) << std::setw(12) << fixedOrDash(r->shortfallBps) << "\n";
    }
    out << "\n  Re-runs fill against the recorded book without depleting it and fill resting orders on\n"
           "  recorded prints at or through their price; oversight is not re-run. Compare the two re-runs.\n";
}

} // namespace hm
