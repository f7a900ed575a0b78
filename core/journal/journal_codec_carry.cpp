// What a session carries over from the last one: positions and the orders that were
// working or in flight when it ended (journal_codec.h, kinds 19 and 20).
#include "journal/journal_codec_support.h"

#include "model/text.h"

#include <cstdio>

namespace hm {
using namespace codec;
namespace {

std::string exact(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// "key=value|key=value|..." with the last key taking the rest of the text (it may hold '|').
bool fields(const std::string& text, const std::vector<std::string>& keys, std::vector<std::string>& out)
{
    out.clear();
    std::size_t pos = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::string key = keys[i] + "=";
        if (text.compare(pos, key.size(), key) != 0)
            return false;
        pos += key.size();
        const bool last = i + 1 == keys.size();
        const std::size_t end = last ? text.size() : text.find('|', pos);
        if (end == std::string::npos)
            return false;
        out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return true;
}

std::string join(const std::vector<std::string>& ids)
{
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ",") + id;
    return out;
}

} // namespace

JournalRecord encode(const CarryPositionRecord& p, Timestamp time)
{
    JournalRecord r = row(RecordKind::CarryPosition, time);
    r.symbol = p.symbol;
    r.qty = p.qty;
    r.text = "avg_cost=" + exact(p.avgCostTicks) + "|from=" + p.from;
    return r;
}

bool decode(const JournalRecord& r, CarryPositionRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::CarryPosition, error))
        return false;
    std::vector<std::string> f;
    if (!fields(r.text, {"avg_cost", "from"}, f))
        return fail(error, r, "text " + quoted(r.text) + " is not avg_cost=TICKS|from=SOURCE");
    out = CarryPositionRecord{};
    out.symbol = r.symbol;
    out.qty = r.qty;
    if (!parseNumber(f[0], out.avgCostTicks) || out.avgCostTicks < 0)
        return fail(error, r, "average cost " + quoted(f[0]) + " is not a non-negative number");
    out.from = f[1];
    if (out.symbol.empty())
        return fail(error, r, "no symbol");
    return true;
}

JournalRecord encode(const CarryOrderRecord& o, Timestamp time)
{
    JournalRecord r = row(RecordKind::CarryOrder, time);
    r.ref = o.clOrdId;
    r.symbol = o.symbol;
    r.side = o.side == Side::Buy ? 0 : 1;
    r.price = o.price;
    r.qty = o.qty;
    r.aux = o.cumQty;
    r.text = "current=" + o.currentClOrdId + "|order_id=" + o.orderId + "|status=" + toString(o.status) + "|type="
        + toString(o.type) + " " + toString(o.tif) + "|leaves=" + std::to_string(o.leavesQty) + "|avg_px="
        + exact(o.avgPx) + "|source=" + o.source + "|aliases=" + join(o.aliases) + "|owner=" + o.owner;
    return r;
}

bool decode(const JournalRecord& r, CarryOrderRecord& out, std::string* error)
{
    if (!expectKind(r, RecordKind::CarryOrder, error))
        return false;
    std::vector<std::string> f;
    if (!fields(r.text, {"current", "order_id", "status", "type", "leaves", "avg_px", "source", "aliases", "owner"}, f))
        return fail(error, r, "text " + quoted(r.text)
                                  + " is not current=ID|order_id=ID|status=S|type=T TIF|leaves=N|avg_px=PX|source=S|"
                                    "aliases=IDS|owner=A");
    out = CarryOrderRecord{};
    out.clOrdId = r.ref;
    out.symbol = r.symbol;
    out.price = r.price;
    out.qty = r.qty;
    out.cumQty = r.aux;
    if (!sideOf(r, out.side, error))
        return false;
    out.currentClOrdId = f[0];
    out.orderId = f[1];
    if (!parseEnum<OrderStatus, 10>(f[2], out.status))
        return fail(error, r, "order status " + quoted(f[2]) + " is unknown");
    const std::size_t space = f[3].find(' ');
    if (space == std::string::npos || !parseEnum<OrderType, 2>(f[3].substr(0, space), out.type)
        || !parseEnum<TimeInForce, 4>(f[3].substr(space + 1), out.tif))
        return fail(error, r, "order type " + quoted(f[3]) + " is not 'LIMIT|MARKET DAY|GTC|IOC|FOK'");
    std::int64_t leaves = 0;
    if (!parseInteger(f[4], leaves) || leaves < 0)
        return fail(error, r, "leaves " + quoted(f[4]) + " is not a non-negative whole number");
    out.leavesQty = leaves;
    if (!parseNumber(f[5], out.avgPx) || out.avgPx < 0)
        return fail(error, r, "average price " + quoted(f[5]) + " is not a non-negative number");
    out.source = f[6];
    if (!f[7].empty())
        out.aliases = split(f[7], ',');
    out.owner = f[8];
    if (out.clOrdId.empty() || out.symbol.empty() || out.qty <= 0 || out.cumQty < 0 || out.cumQty > out.qty)
        return fail(error, r, "ClOrdID, symbol or quantities (qty " + std::to_string(out.qty) + ", cum "
                                  + std::to_string(out.cumQty) + ") are missing or out of order");
    return true;
}

} // namespace hm
