#pragma once
// Where the money came from, per agent and instrument: the signal's alpha (the move from
// the arrival price to the mark on what was filled), the execution's shortfall (fill
// prices against the arrival price) and fees. P&L = alpha - shortfall - fees, exactly.
//
// The arrival price is the gate's reference (mid) when the order passed the gate. An
// agent that works a parent order is measured from the parent's arrival instead: its
// first order's reference, as implementation shortfall is (Perold, 1988).
#include "model/types.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hm {

struct AttributionView {
    std::string agent;  // "operator" for the desk's own orders
    std::string symbol;
    bool parent = false; // measured from its parent order's arrival
    Quantity bought = 0, sold = 0;
    double notional = 0;  // currency, both sides
    double alpha = 0;     // currency: (mark - arrival) x signed quantity
    double shortfall = 0; // currency: (fill - arrival) x signed quantity; > 0 is a cost
    double fees = 0;      // currency
    double pnl() const { return alpha - shortfall - fees; }
    double shortfallBps() const { return notional > 0 ? 1e4 * shortfall / notional : 0.0; }
};

// Rows summed by a coarser key: by agent (a parent order's executors count under the
// agent that proposed it: "portfolio/twap-HMX-1" under "portfolio"), by instrument, or
// kept per agent and instrument. A total row comes last when `total`.
enum class AttributionGrouping { AgentAndInstrument, Agent, Instrument };
std::vector<AttributionView> groupAttribution(const std::vector<AttributionView>& rows, AttributionGrouping by,
                                              bool total);

class AttributionBook {
public:
    // Fees as basis points of each fill's notional (a broker's commission schedule).
    void setFeeBps(double bps) { m_feeBps = bps; }
    double feeBps() const { return m_feeBps; }

    // An order passed the gate with `reference` (ticks; 0 when none) as its arrival.
    void onOrder(const std::string& clOrdId, const std::string& agent, const std::string& symbol, Price reference);
    // A fill of that order. `tickSize` turns ticks into currency.
    void onFill(const std::string& clOrdId, const std::string& agent, const std::string& symbol, Side side, Quantity qty,
                Price price, double tickSize);
    void onOrderClosed(const std::string& clOrdId) { m_arrival.erase(clOrdId); }

    // The rows now, marked at `mark(symbol)` (ticks; 0 leaves alpha at the last fill's
    // price). `worksParent(agent)`: measure that agent from its parent's arrival.
    template <typename Mark, typename WorksParent>
    std::vector<AttributionView> view(Mark mark, WorksParent worksParent) const
    {
        std::vector<AttributionView> out;
        out.reserve(m_rows.size());
        for (const auto& kv : m_rows)
            out.push_back(rowView(kv.first, kv.second, static_cast<double>(mark(kv.first.second)),
                                  worksParent(kv.first.first)));
        return out;
    }
    std::size_t rows() const { return m_rows.size(); }

private:
    struct Row {
        Quantity bought = 0, sold = 0;
        double netQty = 0;     // signed: bought - sold
        double fillSum = 0;    // sum of side x price x qty, ticks
        double arrivalSum = 0; // sum of side x arrival x qty, ticks
        double firstArrival = 0; // the first order's reference: a parent's arrival
        double lastPrice = 0;
        double notional = 0, fees = 0, tickSize = 1;
    };
    static AttributionView rowView(const std::pair<std::string, std::string>& key, const Row& r, double mark,
                                   bool parent);

    double m_feeBps = 0;
    std::map<std::string, std::pair<std::string, Price>> m_arrival; // ClOrdID -> (agent, reference)
    std::map<std::pair<std::string, std::string>, Row> m_rows;     // (agent, symbol)
};

} // namespace hm
