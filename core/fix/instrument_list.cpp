#include "fix/instrument_list.h"
#include "fix/order_fields.h"

#include <sstream>
#include <stdexcept>

namespace hm {

Instrument defaultInstrument()
{
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    i.lotSize = 1;
    i.currency = "USD";
    return i;
}

namespace {

// Symbols and currencies travel in FIX fields: printable ASCII, no spaces, no delimiters.
bool printableName(const std::string& text)
{
    for (char c : text)
        if (c <= 0x20 || c >= 0x7f || c == ',' || c == ':')
            return false;
    return !text.empty();
}

// The tick as the gateway and venue read prices against it (order_fields): an exact
// decimal, at most 9 decimals and 9 significant digits, so that the largest price in
// units of its last decimal stays inside 64 bits.
std::string parseTickSize(const std::string& text, double& out)
{
    fixconv::Decimal d;
    std::string why = fixconv::parseDecimal(text, "tick size", d);
    if (!why.empty())
        return why;
    if (d.negative || d.mantissa == 0)
        return "tick size " + fixconv::quotedFieldText(text) + " must be above zero";
    if (d.scale > 9)
        return "tick size " + fixconv::quotedFieldText(text) + " has more than 9 decimals";
    if (d.mantissa >= 1000000000ull)
        return "tick size " + fixconv::quotedFieldText(text) + " has more than 9 significant digits";
    double scale = 1;
    for (int i = 0; i < d.scale; ++i)
        scale *= 10;
    out = static_cast<double>(d.mantissa) / scale;
    return std::string();
}

} // namespace

std::vector<Instrument> parseInstrumentList(const std::string& list)
{
    std::vector<Instrument> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty())
            continue;
        const std::string where = "instrument " + fixconv::quotedFieldText(item) + ": ";
        std::vector<std::string> parts;
        std::stringstream is(item);
        std::string p;
        while (std::getline(is, p, ':'))
            parts.push_back(p);
        if (!item.empty() && item.back() == ':')
            parts.push_back(std::string()); // "SYM:" names an empty tick size
        if (parts.size() > 4)
            throw std::runtime_error(where + "expected SYMBOL[:TICK[:LOT[:CURRENCY]]]");
        Instrument ins;
        ins.symbol = parts[0];
        if (ins.symbol.empty())
            throw std::runtime_error(where + "empty symbol");
        if (!printableName(ins.symbol))
            throw std::runtime_error(where + "symbol " + fixconv::quotedFieldText(ins.symbol)
                                     + " must be printable ASCII without spaces");
        for (const auto& other : out)
            if (other.symbol == ins.symbol)
                throw std::runtime_error(where + "symbol '" + ins.symbol + "' is listed twice");
        if (parts.size() > 1) {
            const std::string why = parseTickSize(parts[1], ins.tickSize);
            if (!why.empty())
                throw std::runtime_error(where + why);
        }
        if (parts.size() > 2) {
            const std::string why = fixconv::parseQuantity(parts[2], "lot size", 1, fixconv::kMaxOrderQuantity, 1,
                                                           ins.lotSize);
            if (!why.empty())
                throw std::runtime_error(where + why);
        }
        if (parts.size() > 3) {
            ins.currency = parts[3];
            if (!printableName(ins.currency))
                throw std::runtime_error(where + "currency " + fixconv::quotedFieldText(ins.currency)
                                         + " must be printable ASCII without spaces");
        }
        out.push_back(ins);
    }
    if (out.empty())
        throw std::runtime_error("instrument list " + fixconv::quotedFieldText(list) + " names no instrument");
    return out;
}

} // namespace hm
