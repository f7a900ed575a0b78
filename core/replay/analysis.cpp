#include "replay/analysis.h"

#include "agents/agent_config.h"
#include "journal/journal_codec.h"
#include "replay/recorded_market.h"
#include "risk/risk_gate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <ctime>
#include <limits>
#include <set>
#include <stdexcept>

namespace hm {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Fill {
    Timestamp time;
    long long qty;
    Price price;
    double midBefore; // ticks x2, the market's mid when the fill was reported
    std::string root;
};

struct OrderInfo {
    std::string owner, symbol;
    Side side = Side::Buy;
    Timestamp time = 0;
    long long cum = 0;
    bool terminal = false;
};

// Everything the report and the what-if need, from one pass over the journal.
struct Scan {
    std::map<std::string, Instrument> instruments;
    std::map<std::string, AgentSpec> specs;
    std::map<std::string, Timestamp> started, ended; // agent -> first start, kill/halt
    std::map<std::string, std::string> endedBy;
    std::map<std::string, std::vector<std::pair<Timestamp, Price>>> mids; // symbol -> (time, 2x mid) changes
    std::map<std::string, std::vector<Trade>> trades;
    std::vector<JournalRecord> orderFlow; // order_new, order_denied, exec_report, audit, config limits (what-if)
    std::map<std::string, OrderInfo> orders;      // root ClOrdID
    std::map<std::string, std::string> alias;     // any ClOrdID -> root
    std::vector<Fill> fills;
    Timestamp start = 0, end = 0;

    std::string root(const std::string& id) const
    {
        auto a = alias.find(id);
        return a == alias.end() ? id : a->second;
    }
    double midAt(const std::string& symbol, Timestamp t) const // price units; NaN before the first quote
    {
        auto it = mids.find(symbol);
        if (it == mids.end() || it->second.empty())
            return kNaN;
        if (it->second.front().first > t) // before the first quote: the first one there is
            return static_cast<double>(it->second.front().second) / 2.0 * tick(symbol);
        auto p = std::upper_bound(it->second.begin(), it->second.end(), std::make_pair(t, std::numeric_limits<Price>::max()));
        --p;
        return static_cast<double>(p->second) / 2.0 * tick(symbol);
    }
    double tick(const std::string& symbol) const
    {
        auto i = instruments.find(symbol);
        return i == instruments.end() ? 1.0 : i->second.tickSize;
    }
};

Scan scan(const JournalReader& journal)
{
    Scan s;
    std::map<std::string, RecordedBook> books;
    journal.forEach(journal.minSeq(), journal.maxSeq(), [&](const JournalRecord& r) {
        if (s.start == 0)
            s.start = r.time;
        s.end = std::max(s.end, r.time);
        switch (r.kind) {
        case RecordKind::Config: {
            ConfigRecord c;
            InstrumentConfigRecord i;
            if (!decode(r, c))
                break;
            if (c.key == "instrument") {
                if (decode(r, i))
                    s.instruments[i.instrument.symbol] = i.instrument;
            } else if (c.key == "agent") {
                AgentSpec spec;
                std::string error;
                if (parseAgentSpec(c.value, spec, error))
                    s.specs[spec.id] = spec;
            } else if (c.key == "limits-initial") {
                s.orderFlow.push_back(r);
            }
            break;
        }
        case RecordKind::BookLevel: {
            RecordedBook& b = books[r.symbol];
            b.apply(r);
            if (b.twoSided()) {
                auto& m = s.mids[r.symbol];
                if (m.empty() || m.back().second != b.twiceMid())
                    m.emplace_back(r.time, b.twiceMid());
            }
            break;
        }
        case RecordKind::Trade: {
            TradeRecord t;
            if (decode(r, t))
                s.trades[t.symbol].push_back(Trade{t.symbol, t.price, t.qty, r.time});
            break;
        }
        case RecordKind::OrderNew: {
            OrderNewRecord n;
            if (!decode(r, n))
                break;
            OrderInfo o;
            o.symbol = n.symbol;
            o.side = n.side;
            o.time = r.time;
            o.owner = n.owner.empty() ? "operator" : n.owner;
            s.orders.emplace(n.clOrdId, o);
            s.orderFlow.push_back(r);
            break;
        }
        case RecordKind::OrderDenied:
            s.orderFlow.push_back(r);
            break;
        case RecordKind::OrderCancel: {
            OrderCancelRecord c;
            if (decode(r, c))
                s.alias[c.clOrdId] = s.root(c.origClOrdId);
            break;
        }
        case RecordKind::OrderReplace: {
            OrderReplaceRecord c;
            if (decode(r, c))
                s.alias[c.clOrdId] = s.root(c.origClOrdId);
            break;
        }
        case RecordKind::ExecReport: {
            ExecReportRecord e;
            if (!decode(r, e))
                break;
            const std::string root = s.root(e.clOrdId);
            auto o = s.orders.find(root);
            if (o == s.orders.end())
                break;
            s.orderFlow.push_back(r);
            if (e.cumQty > o->second.cum) {
                const double mid = s.midAt(o->second.symbol, r.time);
                s.fills.push_back(Fill{r.time, e.cumQty - o->second.cum, e.lastPx, mid, root});
                o->second.cum = e.cumQty;
            }
            break;
        }
        case RecordKind::Audit: {
            AuditEntry e;
            if (!decode(r, e))
                break;
            s.orderFlow.push_back(r);
            if (e.action == "start" && !s.started.count(e.agent))
                s.started[e.agent] = r.time;
            if ((e.action == "kill" || e.action == "halt") && !s.ended.count(e.agent)) {
                s.ended[e.agent] = r.time;
                s.endedBy[e.agent] = e.action == "kill" ? "killed" : "halted";
            }
            if (e.action == "kill-all")
                for (const auto& kv : s.specs)
                    if (!s.ended.count(kv.first)) {
                        s.ended[kv.first] = r.time;
                        s.endedBy[kv.first] = "killed (all)";
                    }
            break;
        }
        default:
            break;
        }
    });
    return s;
}

// Time-weighted mid over [a, b], price units.
double twap(const Scan& s, const std::string& symbol, Timestamp a, Timestamp b)
{
    auto it = s.mids.find(symbol);
    if (it == s.mids.end() || b <= a)
        return s.midAt(symbol, a);
    double sum = 0, span = 0;
    const auto& m = it->second;
    for (std::size_t i = 0; i < m.size(); ++i) {
        const Timestamp from = std::max(a, m[i].first);
        const Timestamp to = std::min(b, i + 1 < m.size() ? m[i + 1].first : b);
        if (to <= from)
            continue;
        sum += static_cast<double>(m[i].second) / 2.0 * static_cast<double>(to - from);
        span += static_cast<double>(to - from);
    }
    return span > 0 ? sum / span * s.tick(symbol) : s.midAt(symbol, a);
}

double vwap(const Scan& s, const std::string& symbol, Timestamp a, Timestamp b)
{
    auto it = s.trades.find(symbol);
    double pv = 0, v = 0;
    if (it != s.trades.end())
        for (const Trade& t : it->second)
            if (t.time >= a && t.time <= b) {
                pv += static_cast<double>(t.price) * static_cast<double>(t.qty);
                v += static_cast<double>(t.qty);
            }
    return v > 0 ? pv / v * s.tick(symbol) : kNaN;
}

// Cash of a set of fills plus the position they leave at the instrument's last mid
// (currency); a position without a mark counts nothing.
double markedPnl(double cash, long long position, double lastMid)
{
    return cash + static_cast<double>(position) * (std::isnan(lastMid) ? 0 : lastMid);
}

// The shortfall of one agent's fills in one instrument (a subset for the what-if).
ShortfallRow shortfall(const Scan& s, const std::string& agent, const std::string& symbol,
                       const std::vector<const Fill*>& fills)
{
    ShortfallRow row;
    row.agent = agent;
    row.symbol = symbol;
    auto spec = s.specs.find(agent);
    if (spec != s.specs.end()) {
        row.type = spec->second.type;
        // Execution agents work one parent order: "quantity" on "side" (sell unless it says
        // buy), in their own instrument only.
        auto side = spec->second.params.find("side");
        auto qty = spec->second.params.find("quantity");
        if (qty != spec->second.params.end() && spec->second.symbol == symbol) {
            row.side = side != spec->second.params.end() && side->second > 0 ? 1 : -1;
            row.parentQty = static_cast<long long>(qty->second);
        }
    } else {
        row.type = agent == "operator" ? "manual" : "?";
    }
    Timestamp firstOrder = 0;
    for (const auto& kv : s.orders)
        if (kv.second.owner == agent && kv.second.symbol == symbol) {
            ++row.orders;
            if (firstOrder == 0 || kv.second.time < firstOrder)
                firstOrder = kv.second.time;
        }
    double notional = 0, impact = 0, cash = 0;
    long long net = 0;
    Timestamp lastFill = 0;
    for (const Fill* f : fills) {
        const OrderInfo& o = s.orders.at(f->root);
        const int fs = o.side == Side::Buy ? 1 : -1;
        const double px = static_cast<double>(f->price) * s.tick(o.symbol);
        row.filledQty += f->qty;
        ++row.fills;
        net += fs * f->qty;
        notional += px * static_cast<double>(f->qty);
        cash -= fs * px * static_cast<double>(f->qty);
        if (!std::isnan(f->midBefore))
            impact += fs * (px - f->midBefore) * static_cast<double>(f->qty);
        lastFill = std::max(lastFill, f->time);
    }
    row.avgPx = row.filledQty > 0 ? notional / static_cast<double>(row.filledQty) : kNaN;
    row.position = net;
    row.pnl = markedPnl(cash, net, s.midAt(symbol, s.end));
    if (row.side == 0) { // no parent order: a trading agent or the operator; only the spread paid is meaningful
        row.parentQty = 0; // none
        row.side = net >= 0 ? 1 : -1;
        const double ref = row.avgPx;
        row.impactBps = row.filledQty > 0 && ref > 0 ? impact / (ref * static_cast<double>(row.filledQty)) * 1e4 : kNaN;
        row.delayBps = row.timingBps = row.opportunityBps = row.totalBps = kNaN;
        row.twapPx = row.vwapPx = row.vsTwapBps = row.vsVwapBps = kNaN;
        row.decisionPx = row.arrivalPx = row.endPx = kNaN;
        row.endedBy = "-";
        row.arrivalTime = firstOrder;
        return row;
    }
    auto st = s.started.find(agent);
    row.decisionTime = st != s.started.end() ? st->second : firstOrder;
    row.arrivalTime = firstOrder ? firstOrder : row.decisionTime;
    auto en = s.ended.find(agent);
    if (row.filledQty >= row.parentQty && lastFill) {
        row.endTime = lastFill;
        row.endedBy = "filled";
    } else if (en != s.ended.end()) {
        row.endTime = en->second;
        row.endedBy = s.endedBy.at(agent);
    } else {
        row.endTime = s.end;
        row.endedBy = "session end";
    }
    row.decisionPx = s.midAt(row.symbol, row.decisionTime);
    row.arrivalPx = s.midAt(row.symbol, row.arrivalTime);
    row.endPx = s.midAt(row.symbol, row.endTime);
    const double sd = row.side, pd = row.decisionPx, q = static_cast<double>(row.filledQty);
    const double value = pd * static_cast<double>(row.parentQty);
    if (!(value > 0)) {
        row.delayBps = row.impactBps = row.timingBps = row.opportunityBps = row.totalBps = kNaN;
        return row;
    }
    double timingSum = 0;
    for (const Fill* f : fills)
        if (!std::isnan(f->midBefore))
            timingSum += sd * (f->midBefore - row.arrivalPx) * static_cast<double>(f->qty);
    row.delayBps = sd * (row.arrivalPx - pd) * q / value * 1e4;
    row.impactBps = impact / value * 1e4; // signed per fill already
    row.timingBps = timingSum / value * 1e4;
    row.opportunityBps = sd * (row.endPx - pd) * static_cast<double>(std::max(0LL, row.parentQty - row.filledQty)) / value * 1e4;
    row.totalBps = row.delayBps + row.impactBps + row.timingBps + row.opportunityBps;
    row.twapPx = twap(s, row.symbol, row.arrivalTime, row.endTime);
    row.vwapPx = vwap(s, row.symbol, row.arrivalTime, row.endTime);
    row.vsTwapBps = row.filledQty ? sd * (row.avgPx - row.twapPx) / row.twapPx * 1e4 : kNaN;
    row.vsVwapBps = row.filledQty ? sd * (row.avgPx - row.vwapPx) / row.vwapPx * 1e4 : kNaN;
    return row;
}

std::vector<std::string> agentsOf(const Scan& s)
{
    std::vector<std::string> agents;
    for (const auto& kv : s.specs)
        agents.push_back(kv.first);
    for (const auto& kv : s.orders)
        if (std::find(agents.begin(), agents.end(), kv.second.owner) == agents.end())
            agents.push_back(kv.second.owner);
    return agents;
}

// The instruments an agent sent orders in, by symbol; an agent that trades several (the
// operator, an agent on "*") gets a row for each, since prices and shortfall of
// different instruments do not add up.
std::vector<std::string> symbolsOf(const Scan& s, const std::string& agent)
{
    std::set<std::string> symbols;
    for (const auto& kv : s.orders)
        if (kv.second.owner == agent)
            symbols.insert(kv.second.symbol);
    return {symbols.begin(), symbols.end()};
}

// Every instrument the session configured or traded, by symbol.
std::vector<std::string> instrumentsOf(const Scan& s)
{
    std::set<std::string> symbols;
    for (const auto& kv : s.instruments)
        symbols.insert(kv.first);
    for (const auto& kv : s.orders)
        symbols.insert(kv.second.symbol);
    for (const auto& kv : s.mids)
        symbols.insert(kv.first);
    return {symbols.begin(), symbols.end()};
}

std::vector<const Fill*> fillsOf(const Scan& s, const std::string& agent, const std::string& symbol)
{
    std::vector<const Fill*> fills;
    for (const Fill& f : s.fills) {
        const OrderInfo& o = s.orders.at(f.root);
        if (o.owner == agent && o.symbol == symbol)
            fills.push_back(&f);
    }
    return fills;
}

InstrumentRow instrumentRow(const Scan& s, const std::string& symbol, const std::vector<ShortfallRow>& rows)
{
    InstrumentRow row;
    row.symbol = symbol;
    std::set<std::string> owners;
    for (const auto& kv : s.orders)
        if (kv.second.symbol == symbol) {
            ++row.orders;
            owners.insert(kv.second.owner);
        }
    row.agents = static_cast<int>(owners.size());
    double bought = 0, sold = 0;
    for (const Fill& f : s.fills) {
        const OrderInfo& o = s.orders.at(f.root);
        if (o.symbol != symbol)
            continue;
        ++row.fills;
        const double value = static_cast<double>(f.price) * s.tick(symbol) * static_cast<double>(f.qty);
        (o.side == Side::Buy ? row.boughtQty : row.soldQty) += f.qty;
        (o.side == Side::Buy ? bought : sold) += value;
    }
    row.position = row.boughtQty - row.soldQty;
    row.avgBuyPx = row.boughtQty ? bought / static_cast<double>(row.boughtQty) : kNaN;
    row.avgSellPx = row.soldQty ? sold / static_cast<double>(row.soldQty) : kNaN;
    row.lastMid = s.midAt(symbol, s.end);
    row.pnl = markedPnl(sold - bought, row.position, row.lastMid);
    auto trades = s.trades.find(symbol);
    if (trades != s.trades.end())
        for (const Trade& t : trades->second)
            row.marketVolume += t.qty;
    row.participation = row.marketVolume
        ? static_cast<double>(row.boughtQty + row.soldQty) / static_cast<double>(row.marketVolume) : kNaN;
    double cost = 0, value = 0; // the parents' shortfall in currency, over their value
    for (const ShortfallRow& r : rows)
        if (r.symbol == symbol && r.parentQty > 0 && !std::isnan(r.totalBps)) {
            const double v = r.decisionPx * static_cast<double>(r.parentQty);
            cost += r.totalBps * v;
            value += v;
        }
    row.shortfallBps = value > 0 ? cost / value : kNaN;
    return row;
}


std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n\x1f") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += "\"\"";
        else
            out += c == '\x1f' ? '|' : c;
    }
    return out + "\"";
}

std::string isoTime(Timestamp ns)
{
    const std::time_t t = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[48];
    std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>((ns % 1000000000) / 1000));
    return b;
}

} // namespace

std::string fixedOrDash(double v, int decimals)
{
    if (std::isnan(v))
        return "-";
    if (std::fabs(v) < 0.5 * std::pow(10.0, -decimals))
        v = 0; // no "-0.00"
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

ExecutionReportData executionReport(const JournalReader& journal)
{
    const Scan s = scan(journal);
    ExecutionReportData out;
    out.start = s.start;
    out.end = s.end;
    for (const auto& agent : agentsOf(s))
        for (const auto& symbol : symbolsOf(s, agent))
            out.rows.push_back(shortfall(s, agent, symbol, fillsOf(s, agent, symbol)));
    for (const auto& symbol : instrumentsOf(s))
        out.instruments.push_back(instrumentRow(s, symbol, out.rows));
    return out;
}

void printExecutionReport(const ExecutionReportData& r, std::ostream& out)
{
    out << "Execution report: implementation shortfall in bps of the parent order's value at the decision price\n"
        << "(positive = cost; delay + impact + timing + opportunity = total; TWAP and VWAP of the same market\n"
        << "over the order's working window; '-' where an agent works no parent order). One row per agent and\n"
        << "instrument; position and P&L (currency, at the instrument's last mid) are the row's own fills.\n\n";
    out << std::left << std::setw(24) << "agent" << std::setw(15) << "type" << std::setw(7) << "instr" << std::setw(5)
        << "side" << std::right << std::setw(8) << "parent" << std::setw(8) << "filled" << std::setw(8) << "delay"
        << std::setw(8) << "impact" << std::setw(8) << "timing" << std::setw(8) << "opport." << std::setw(8) << "total"
        << std::setw(10) << "vs TWAP" << std::setw(10) << "vs VWAP" << std::setw(9) << "position" << std::setw(11)
        << "P&L" << "  ended by\n";
    for (const auto& row : r.rows)
        out << std::left << std::setw(24) << row.agent << std::setw(15) << row.type << std::setw(7) << row.symbol
            << std::setw(5) << (row.side > 0 ? "buy" : "sell") << std::right << std::setw(8)
            << (row.parentQty ? std::to_string(row.parentQty) : std::string("-")) << std::setw(8) << row.filledQty
            << std::setw(8) << fixedOrDash(row.delayBps) << std::setw(8) << fixedOrDash(row.impactBps) << std::setw(8)
            << fixedOrDash(row.timingBps) << std::setw(8) << fixedOrDash(row.opportunityBps) << std::setw(8)
            << fixedOrDash(row.totalBps) << std::setw(10) << fixedOrDash(row.vsTwapBps) << std::setw(10)
            << fixedOrDash(row.vsVwapBps) << std::setw(9) << row.position << std::setw(11) << fixedOrDash(row.pnl) << "  "
            << row.endedBy << "\n";
    out << "\nBy instrument: every agent and the operator together; P&L at the last mid; shortfall of the parent\n"
        << "orders worked in it, weighted by their value; share = our filled quantity over the market's volume\n\n";
    out << std::left << std::setw(7) << "instr" << std::right << std::setw(7) << "agents" << std::setw(7) << "orders"
        << std::setw(7) << "fills" << std::setw(9) << "bought" << std::setw(9) << "sold" << std::setw(9) << "position"
        << std::setw(10) << "avg buy" << std::setw(10) << "avg sell" << std::setw(10) << "last mid" << std::setw(11)
        << "P&L" << std::setw(10) << "market" << std::setw(8) << "share%" << std::setw(10) << "IS bps" << "\n";
    for (const auto& i : r.instruments)
        out << std::left << std::setw(7) << i.symbol << std::right << std::setw(7) << i.agents << std::setw(7) << i.orders
            << std::setw(7) << i.fills << std::setw(9) << i.boughtQty << std::setw(9) << i.soldQty << std::setw(9)
            << i.position << std::setw(10) << fixedOrDash(i.avgBuyPx, 4) << std::setw(10) << fixedOrDash(i.avgSellPx, 4)
            << std::setw(10) << fixedOrDash(i.lastMid, 4) << std::setw(11) << fixedOrDash(i.pnl) << std::setw(10)
            << i.marketVolume << std::setw(8) << fixedOrDash(i.participation * 100, 1) << std::setw(10)
            << fixedOrDash(i.shortfallBps) << "\n";
}

void writeExecutionReportCsv(const ExecutionReportData& r, std::ostream& out)
{
    out << "agent,type,symbol,side,parent_qty,filled_qty,orders,fills,decision_time,arrival_time,end_time,decision_px,"
           "arrival_px,end_px,avg_px,delay_bps,impact_bps,timing_bps,opportunity_bps,total_bps,twap_px,vwap_px,"
           "vs_twap_bps,vs_vwap_bps,ended_by,position,pnl\n";
    for (const auto& row : r.rows)
        out << csvField(row.agent) << "," << row.type << "," << row.symbol << "," << (row.side > 0 ? "buy" : "sell") << ","
            << row.parentQty << "," << row.filledQty << "," << row.orders << "," << row.fills << ","
            << (row.decisionTime ? isoTime(row.decisionTime) : "") << "," << (row.arrivalTime ? isoTime(row.arrivalTime) : "")
            << "," << (row.endTime ? isoTime(row.endTime) : "") << "," << fixedOrDash(row.decisionPx, 4) << ","
            << fixedOrDash(row.arrivalPx, 4) << "," << fixedOrDash(row.endPx, 4) << "," << fixedOrDash(row.avgPx, 4) << "," << fixedOrDash(row.delayBps)
            << "," << fixedOrDash(row.impactBps) << "," << fixedOrDash(row.timingBps) << "," << fixedOrDash(row.opportunityBps) << ","
            << fixedOrDash(row.totalBps) << "," << fixedOrDash(row.twapPx, 4) << "," << fixedOrDash(row.vwapPx, 4) << "," << fixedOrDash(row.vsTwapBps)
            << "," << fixedOrDash(row.vsVwapBps) << "," << row.endedBy << "," << row.position << "," << fixedOrDash(row.pnl) << "\n";
}

void writeInstrumentSummaryCsv(const ExecutionReportData& r, std::ostream& out)
{
    out << "symbol,agents,orders,fills,bought_qty,sold_qty,position,avg_buy_px,avg_sell_px,last_mid,pnl,market_volume,"
           "participation,shortfall_bps\n";
    for (const auto& i : r.instruments)
        out << csvField(i.symbol) << "," << i.agents << "," << i.orders << "," << i.fills << "," << i.boughtQty << ","
            << i.soldQty << "," << i.position << "," << fixedOrDash(i.avgBuyPx, 4) << "," << fixedOrDash(i.avgSellPx, 4)
            << "," << fixedOrDash(i.lastMid, 4) << "," << fixedOrDash(i.pnl) << "," << i.marketVolume << ","
            << fixedOrDash(i.participation, 4) << "," << fixedOrDash(i.shortfallBps) << "\n";
}

namespace {

// Every instrument's mid changes in time order: the what-if feeds them to its gate as the
// live engine fed its gate from market data, so the portfolio limits (gross and net
// notional, concentration, ES) see every instrument's reference, not only the ordered one's.
class MarketFeed {
public:
    explicit MarketFeed(const Scan& s)
    {
        for (const auto& kv : s.mids)
            for (const auto& m : kv.second)
                m_changes.push_back(Change{m.first, &kv.first, m.second});
        std::stable_sort(m_changes.begin(), m_changes.end(),
                         [](const Change& a, const Change& b) { return a.time < b.time; });
    }
    void advanceTo(RiskGate& gate, Timestamp t)
    {
        for (; m_next < m_changes.size() && m_changes[m_next].time <= t; ++m_next) {
            const Change& c = m_changes[m_next];
            gate.setReference(*c.symbol, c.twiceMid / 2); // as the live engine does
            gate.notePrices(c.time);
        }
    }

private:
    struct Change {
        Timestamp time;
        const std::string* symbol;
        Price twiceMid;
    };
    std::vector<Change> m_changes;
    std::size_t m_next = 0;
};

// The symbols of a "kill-instruments" audit row: its detail starts "HMX,ABC; scope; outcome".
std::vector<std::string> killedSymbols(const std::string& detail)
{
    std::vector<std::string> out;
    std::string list = detail.substr(0, detail.find(';'));
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(',', start), list.size());
        std::string name = list.substr(start, end - start);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!name.empty())
            out.push_back(name);
        start = end + 1;
    }
    return out;
}

} // namespace

WhatIfResult whatIfLimits(const JournalReader& journal, const std::vector<std::pair<std::string, std::string>>& overrides)
{
    WhatIfResult w;
    w.overrides = overrides;
    {
        RiskLimits probe;
        for (const auto& o : overrides) {
            const std::string error = setLimit(probe, o.first, o.second);
            if (!error.empty())
                throw std::runtime_error(error);
        }
    }
    const Scan s = scan(journal);
    RiskGate gate;
    for (const auto& kv : s.instruments)
        gate.addInstrument(kv.second);
    RiskLimits limits;
    auto applyOverrides = [&](RiskLimits l) {
        for (const auto& o : overrides)
            setLimit(l, o.first, o.second);
        gate.setLimits(l);
        w.limits = l;
    };
    applyOverrides(limits);
    MarketFeed market(s);
    std::map<std::string, bool> passed; // root -> passed the what-if gate
    std::map<std::string, long long> leaves;
    for (const JournalRecord& r : s.orderFlow) {
        if (r.kind == RecordKind::Config) { // limits-initial
            InitialLimitsRecord initial;
            if (decode(r, initial))
                for (const auto& l : initial.limits)
                    setLimit(limits, l.first, l.second);
            applyOverrides(limits);
            continue;
        }
        if (r.kind == RecordKind::Audit) {
            AuditEntry e;
            decode(r, e); // scan() kept only the rows that decode
            if (e.action == "limit-change") {
                LimitChange change;
                if (parseLimitChange(e.detail, change))
                    setLimit(limits, change.name, change.after);
                applyOverrides(limits);
            } else if (e.action == "kill-all") {
                gate.halt("kill switch");
            } else if (e.action == "kill-instruments") {
                for (const auto& symbol : killedSymbols(e.detail))
                    gate.haltInstrument(symbol, "instrument kill");
            } else if (e.action == "rearm-all") {
                gate.resume();
            }
            continue;
        }
        if (r.kind == RecordKind::ExecReport) {
            ExecReportRecord e;
            decode(r, e); // scan() kept only the rows that decode
            const std::string root = s.root(e.clOrdId);
            auto p = passed.find(root);
            if (p == passed.end() || !p->second)
                continue;
            const OrderInfo& o = s.orders.at(root);
            long long& left = leaves[root];
            const long long filledBefore = leaves.count(root + "#cum") ? leaves[root + "#cum"] : 0;
            if (e.cumQty > filledBefore) {
                gate.onFill(o.symbol, o.side, e.cumQty - filledBefore);
                left -= e.cumQty - filledBefore;
                leaves[root + "#cum"] = e.cumQty;
            }
            const bool terminal = e.ordStatus == OrderStatus::Filled || e.ordStatus == OrderStatus::Canceled
                || e.ordStatus == OrderStatus::Rejected || e.ordStatus == OrderStatus::Expired;
            if (terminal) {
                if (left > 0)
                    gate.onWorkingReduced(o.symbol, o.side, left);
                gate.onOrderClosed();
                passed[root] = false; // closed: later reports change nothing
            }
            continue;
        }
        // A new order, or one the session denied: what would the gate say now?
        OrderRequest o;
        std::string owner;
        if (r.kind == RecordKind::OrderDenied) {
            OrderDeniedRecord d;
            if (!decode(r, d))
                continue;
            o.clOrdId = d.clOrdId;
            o.symbol = d.symbol;
            o.side = d.side.value_or(Side::Buy);
            o.price = d.price;
            o.qty = d.qty;
            owner = d.owner;
        } else {
            OrderNewRecord n;
            decode(r, n); // scan() kept only the rows that decode
            o.clOrdId = n.clOrdId;
            o.symbol = n.symbol;
            o.side = n.side;
            o.price = n.price;
            o.qty = n.qty;
            owner = n.owner;
        }
        if (owner.empty())
            owner = "operator";
        o.type = o.price > 0 ? OrderType::Limit : OrderType::Market; // as the gate saw it live
        market.advanceTo(gate, r.time);
        if (gate.reference(o.symbol) == 0) { // ordered before its first quote: the first one there is
            const double mid = s.midAt(o.symbol, r.time);
            if (!std::isnan(mid))
                gate.setReference(o.symbol, static_cast<Price>(std::llround(mid / s.tick(o.symbol))));
        }
        ++w.ordersChecked;
        const GateVerdict v = gate.checkNew(o, owner, r.time);
        if (r.kind == RecordKind::OrderDenied) {
            ++w.deniedActually;
            if (v.passed()) {
                ++w.wouldPass; // its fills are unknown: counted, not simulated
                gate.onWorkingReduced(o.symbol, o.side, o.qty);
                gate.onOrderClosed();
            }
            continue;
        }
        if (v.passed()) {
            ++w.passedBoth;
            passed[o.clOrdId] = true;
            leaves[o.clOrdId] = o.qty;
        } else {
            ++w.blocked;
            passed[o.clOrdId] = false;
            char buf[96];
            if (o.price > 0)
                std::snprintf(buf, sizeof buf, "%s %lld %s @ %.4f", toString(o.side), static_cast<long long>(o.qty),
                              o.symbol.c_str(), static_cast<double>(o.price) * s.tick(o.symbol));
            else
                std::snprintf(buf, sizeof buf, "%s %lld %s at market", toString(o.side), static_cast<long long>(o.qty),
                              o.symbol.c_str());
            w.blockedOrders.push_back(BlockedOrder{r.seq, r.time, o.clOrdId, owner, buf,
                                                   std::string(toString(v.reason)) + ": " + v.text,
                                                   s.orders.count(o.clOrdId) ? s.orders.at(o.clOrdId).cum : 0});
        }
    }
    std::set<std::string> blockedRoots;
    for (const auto& b : w.blockedOrders)
        blockedRoots.insert(b.clOrdId);
    std::map<std::string, WhatIfInstrument> bySymbol;
    for (const auto& symbol : instrumentsOf(s))
        bySymbol[symbol].symbol = symbol;
    for (const auto& b : w.blockedOrders)
        if (s.orders.count(b.clOrdId))
            ++bySymbol[s.orders.at(b.clOrdId).symbol].blocked;
    for (const auto& agent : agentsOf(s)) {
        std::vector<std::string> symbols = symbolsOf(s, agent);
        auto spec = s.specs.find(agent);
        if (symbols.empty() && spec != s.specs.end())
            symbols.push_back(spec->second.symbol); // an agent of the session that never traded: shown with nothing
        for (const auto& symbol : symbols) {
            WhatIfAgent a;
            a.agent = agent;
            a.symbol = symbol;
            const std::vector<const Fill*> all = fillsOf(s, agent, symbol);
            std::vector<const Fill*> kept;
            double cashA = 0, cashW = 0;
            long long posA = 0, posW = 0;
            for (const Fill* f : all) {
                const OrderInfo& o = s.orders.at(f->root);
                const int sd = o.side == Side::Buy ? 1 : -1;
                const double value = static_cast<double>(f->price) * s.tick(symbol) * static_cast<double>(f->qty);
                cashA -= sd * value;
                posA += sd * f->qty;
                a.filledActual += f->qty;
                if (!blockedRoots.count(f->root)) {
                    kept.push_back(f);
                    cashW -= sd * value;
                    posW += sd * f->qty;
                    a.filledWhatIf += f->qty;
                }
            }
            const double last = s.midAt(symbol, s.end); // each instrument at its own mark
            a.pnlActual = markedPnl(cashA, posA, last);
            a.pnlWhatIf = markedPnl(cashW, posW, last);
            a.shortfallActualBps = shortfall(s, agent, symbol, all).totalBps;
            a.shortfallWhatIfBps = shortfall(s, agent, symbol, kept).totalBps;
            w.pnlActual += a.pnlActual;
            w.pnlWhatIf += a.pnlWhatIf;
            auto i = bySymbol.find(symbol);
            if (i != bySymbol.end()) {
                i->second.pnlActual += a.pnlActual;
                i->second.pnlWhatIf += a.pnlWhatIf;
                i->second.positionActual += posA;
                i->second.positionWhatIf += posW;
                i->second.filledActual += a.filledActual;
                i->second.filledWhatIf += a.filledWhatIf;
            }
            w.agents.push_back(a);
        }
    }
    for (auto& kv : bySymbol)
        w.instruments.push_back(kv.second);
    return w;
}

void printWhatIf(const WhatIfResult& w, std::ostream& out)
{
    out << "What-if:";
    for (const auto& o : w.overrides)
        out << " " << o.first << "=" << o.second;
    out << "\n  orders re-checked " << w.ordersChecked << ": " << w.passedBoth << " pass as before, " << w.blocked
        << " would have been blocked; of " << w.deniedActually << " the session denied, " << w.wouldPass
        << " would pass (their fills are unknown)\n";
    const std::size_t shown = std::min<std::size_t>(w.blockedOrders.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& b = w.blockedOrders[i];
        out << "  blocked #" << b.seq << " " << b.clOrdId << " " << b.agent << " " << b.order << " (filled " << b.filledQty
            << "): " << b.reason << "\n";
    }
    if (w.blockedOrders.size() > shown)
        out << "  ... " << (w.blockedOrders.size() - shown) << " more\n";
    out << "\n  " << std::left << std::setw(24) << "agent" << std::setw(7) << "instr" << std::right << std::setw(12)
        << "P&L actual" << std::setw(12) << "P&L what-if" << std::setw(10) << "filled" << std::setw(10) << "what-if"
        << std::setw(11) << "IS actual" << std::setw(11) << "IS what-if" << "\n";
    for (const auto& a : w.agents)
        out << "  " << std::left << std::setw(24) << a.agent << std::setw(7) << a.symbol << std::right << std::setw(12)
            << fixedOrDash(a.pnlActual) << std::setw(12) << fixedOrDash(a.pnlWhatIf) << std::setw(10) << a.filledActual
            << std::setw(10) << a.filledWhatIf << std::setw(11) << fixedOrDash(a.shortfallActualBps) << std::setw(11)
            << fixedOrDash(a.shortfallWhatIfBps) << "\n";
    out << "\n  " << std::left << std::setw(24) << "by instrument" << std::setw(7) << "instr" << std::right << std::setw(12)
        << "P&L actual" << std::setw(12) << "P&L what-if" << std::setw(10) << "position" << std::setw(10) << "what-if"
        << std::setw(11) << "blocked" << "\n";
    for (const auto& i : w.instruments)
        out << "  " << std::left << std::setw(24) << "" << std::setw(7) << i.symbol << std::right << std::setw(12)
            << fixedOrDash(i.pnlActual) << std::setw(12) << fixedOrDash(i.pnlWhatIf) << std::setw(10) << i.positionActual
            << std::setw(10) << i.positionWhatIf << std::setw(11) << i.blocked << "\n";
    out << "  " << std::left << std::setw(31) << "all" << std::right << std::setw(12) << fixedOrDash(w.pnlActual) << std::setw(12)
        << fixedOrDash(w.pnlWhatIf) << "\n"
        << "  (fills of blocked orders are removed; the market is the recorded one, so the impact those orders had is not undone)\n";
}

namespace {

// An instrument's tick from its config row: the export's px column needs every
// instrument's, and instruments differ (HMX 0.01, another 0.05).
void noteInstrument(const JournalRecord& r, std::map<std::string, double>& ticks)
{
    InstrumentConfigRecord i;
    if (r.kind == RecordKind::Config && r.ref == "instrument" && decode(r, i))
        ticks[i.instrument.symbol] = i.instrument.tickSize;
}

} // namespace

std::size_t exportCsv(const JournalReader& journal, Timestamp from, Timestamp to, std::ostream& out)
{
    out << "seq,time,kind,symbol,ref,side,price,qty,aux,text,px\n";
    std::size_t n = 0;
    const std::int64_t first = from > 0 ? journal.seqAtTime(from) : journal.minSeq();
    std::map<std::string, double> ticks;
    if (first > journal.minSeq()) // the instruments configured before the range
        journal.forEach(journal.minSeq(), first - 1, [&](const JournalRecord& r) { noteInstrument(r, ticks); });
    journal.forEach(first, journal.maxSeq(), [&](const JournalRecord& r) {
        noteInstrument(r, ticks);
        if (to > 0 && r.time > to)
            return;
        auto tick = ticks.find(r.symbol);
        const bool priced = r.price != 0 && tick != ticks.end() && r.kind != RecordKind::Config;
        out << r.seq << "," << isoTime(r.time) << "," << toString(r.kind) << "," << csvField(r.symbol) << ","
            << csvField(r.ref) << "," << (r.side == 0 ? "buy" : r.side == 1 ? "sell" : "") << "," << r.price << ","
            << r.qty << "," << r.aux << "," << csvField(r.text) << ","
            << (priced ? fixedOrDash(static_cast<double>(r.price) * tick->second, 6) : std::string()) << "\n";
        ++n;
    });
    return n;
}

} // namespace hm
