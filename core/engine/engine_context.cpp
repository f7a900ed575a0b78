#include "engine/engine_context.h"

#include "journal/journal_writer.h"

#include <cmath>
#include <cstdio>

namespace hm {
namespace {
int decimals(double tickSize) // 0.01 -> 2, 0.5 -> 1, 1 -> 0
{
    int d = 0;
    for (double scaled = tickSize; d < 8 && std::fabs(scaled - std::round(scaled)) > 1e-9; scaled *= 10)
        ++d;
    return d;
}
} // namespace

void EngineContext::record(JournalRecord r) const
{
    if (journal)
        journal->append(std::move(r));
}

const Instrument* EngineContext::instrument(const std::string& symbol) const
{
    for (const auto& i : config.instruments)
        if (i.symbol == symbol)
            return &i;
    return nullptr;
}

std::string EngineContext::orderText(Side side, Quantity qty, const std::string& symbol, OrderType type, Price price) const
{
    std::string text = std::string(toString(side)) + " " + std::to_string(qty) + " " + symbol;
    if (type == OrderType::Market)
        return text + " at market";
    const Instrument* ins = instrument(symbol);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", ins ? decimals(ins->tickSize) : 0, ins ? ins->toPrice(price) : static_cast<double>(price));
    return text + " @ " + buf;
}

} // namespace hm
