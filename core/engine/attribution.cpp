#include "engine/attribution.h"

namespace hm {

void AttributionBook::onOrder(const std::string& clOrdId, const std::string& agent, const std::string& symbol,
                              Price reference)
{
    m_arrival[clOrdId] = {agent, reference};
    Row& r = m_rows[{agent, symbol}];
    if (r.firstArrival == 0)
        r.firstArrival = static_cast<double>(reference);
}

void AttributionBook::onFill(const std::string& clOrdId, const std::string& agent, const std::string& symbol, Side side,
                             Quantity qty, Price price, double tickSize)
{
    if (qty <= 0)
        return;
    Row& r = m_rows[{agent, symbol}];
    const auto a = m_arrival.find(clOrdId);
    // An order from before this session (carried over) has no arrival: its own price
    // stands in, so it adds no shortfall rather than an invented one.
    double arrival = a != m_arrival.end() && a->second.second > 0 ? static_cast<double>(a->second.second)
                                                                  : static_cast<double>(price);
    if (r.firstArrival == 0)
        r.firstArrival = arrival;
    const double s = side == Side::Buy ? 1.0 : -1.0;
    const double q = static_cast<double>(qty);
    (side == Side::Buy ? r.bought : r.sold) += qty;
    r.netQty += s * q;
    r.fillSum += s * static_cast<double>(price) * q;
    r.arrivalSum += s * arrival * q;
    r.lastPrice = static_cast<double>(price);
    r.tickSize = tickSize;
    const double notional = static_cast<double>(price) * tickSize * q;
    r.notional += notional;
    r.fees += notional * m_feeBps / 1e4;
}

AttributionView AttributionBook::rowView(const std::pair<std::string, std::string>& key, const Row& r, double mark,
                                         bool parent)
{
    AttributionView v;
    v.agent = key.first.empty() ? "operator" : key.first;
    v.symbol = key.second;
    v.parent = parent;
    v.bought = r.bought;
    v.sold = r.sold;
    v.notional = r.notional;
    v.fees = r.fees;
    if (mark <= 0)
        mark = r.lastPrice;
    // A parent's fills all share its arrival; a round trip's legs cancel in netQty.
    const double arrivalSum = parent ? r.firstArrival * r.netQty : r.arrivalSum;
    v.alpha = (r.netQty * mark - arrivalSum) * r.tickSize;
    v.shortfall = (r.fillSum - arrivalSum) * r.tickSize;
    return v;
}

std::vector<AttributionView> groupAttribution(const std::vector<AttributionView>& rows, AttributionGrouping by,
                                              bool total)
{
    std::map<std::pair<std::string, std::string>, AttributionView> groups;
    AttributionView sum;
    sum.agent = "total";
    auto add = [](AttributionView& into, const AttributionView& r) {
        into.bought += r.bought;
        into.sold += r.sold;
        into.notional += r.notional;
        into.alpha += r.alpha;
        into.shortfall += r.shortfall;
        into.fees += r.fees;
    };
    for (const auto& r : rows) {
        const std::string agent = by == AttributionGrouping::Instrument ? std::string()
            : by == AttributionGrouping::Agent ? r.agent.substr(0, r.agent.find('/'))
                                               : r.agent;
        const std::string symbol = by == AttributionGrouping::Agent ? std::string() : r.symbol;
        AttributionView& g = groups[{agent, symbol}];
        g.agent = agent;
        g.symbol = symbol;
        g.parent = g.parent || r.parent;
        add(g, r);
        add(sum, r);
    }
    std::vector<AttributionView> out;
    out.reserve(groups.size() + 1);
    for (auto& kv : groups)
        out.push_back(std::move(kv.second));
    if (total && !rows.empty())
        out.push_back(sum);
    return out;
}

} // namespace hm
