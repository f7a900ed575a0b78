#include "engine/security_list_adoption.h"

#include "journal/journal_codec.h"
#include "risk/risk_limits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hm {
namespace {

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// Ticks compare as the decimals they are written in, not as binary doubles.
constexpr std::size_t kMaxInstruments = 200;

bool sameTick(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)); }

} // namespace

std::size_t adoptSecurityList(const EngineContext& ctx, std::vector<Instrument>& instruments, MarketState& market,
                              OrderRouter& router, ActivityLog& log, const SecurityListEvent& list)
{
    const std::string source = " from the counterparty's security list";
    std::size_t changes = 0, leftOut = 0, badSymbols = 0;
    std::string firstBad;
    for (const Instrument& theirs : list.instruments) {
        if (theirs.symbol.empty() || !(theirs.tickSize > 0) || theirs.lotSize <= 0)
            continue; // the gateway leaves such entries out; a second guard costs nothing
        auto known = std::find_if(instruments.begin(), instruments.end(),
                                  [&](const Instrument& i) { return i.symbol == theirs.symbol; });
        if (known == instruments.end()) {
            const std::string bad = instrumentSymbolProblem(theirs.symbol);
            if (!bad.empty()) { // it could never have a limit of its own, nor be named to ctl
                if (badSymbols++ == 0)
                    firstBad = bad;
                continue;
            }
        }
        if (known == instruments.end() && instruments.size() >= kMaxInstruments) {
            ++leftOut; // a broker listing thousands would make every snapshot and risk check carry them
            continue;
        }
        if (known == instruments.end()) {
            instruments.push_back(theirs);
            market.addInstrument(theirs.symbol);
            router.addInstrument(theirs);
            log.feed(ctx, "alert", theirs.symbol,
                     theirs.symbol + " added" + source + " (tick " + number(theirs.tickSize) + ", lot "
                         + std::to_string(theirs.lotSize) + ", " + theirs.currency + ")",
                     true);
        } else {
            const bool tick = !sameTick(known->tickSize, theirs.tickSize);
            const bool lot = known->lotSize != theirs.lotSize;
            if (!tick && !lot)
                continue;
            std::string what = theirs.symbol;
            if (tick)
                what += " tick " + number(known->tickSize) + " -> " + number(theirs.tickSize);
            if (lot)
                what += std::string(tick ? "," : "") + " lot " + std::to_string(known->lotSize) + " -> "
                    + std::to_string(theirs.lotSize);
            *known = theirs;
            router.addInstrument(theirs);
            // A book held in the old ticks means nothing in the new ones: the next market
            // data builds it again.
            // The gate's reference likewise: orders wait for the next market data (or a
            // reference the trader sets) rather than be checked against old ticks.
            if (tick) {
                market.m_books[theirs.symbol] = BookMirror();
                router.m_gate.forgetReference(theirs.symbol);
            }
            log.feed(ctx, "alert", theirs.symbol, what + source, true);
        }
        ctx.record(encode(InstrumentConfigRecord{theirs}, ctx.now()));
        ++changes;
    }
    if (badSymbols > 0) // one alert, however many: a list of thousands must not flood the feed
        log.feed(ctx, "alert", "*",
                 std::to_string(badSymbols) + " security list entr" + (badSymbols == 1 ? "y" : "ies")
                     + " left out: " + firstBad + (badSymbols > 1 ? " (the first of them)" : ""),
                 true);
    if (leftOut > 0)
        log.feed(ctx, "alert", "*",
                 std::to_string(leftOut) + " instrument(s)" + source + " not added: a session trades at most "
                     + std::to_string(kMaxInstruments) + " (name the ones to trade with --instruments)",
                 true);
    return changes;
}

} // namespace hm
