#include "fix/order_fields.h"
#include "fix/fix_text.h"

#include <algorithm>
#include <cmath>

namespace hm {
namespace fixconv {

namespace {

const std::uint64_t kPow10[] = {1ull,
                                10ull,
                                100ull,
                                1000ull,
                                10000ull,
                                100000ull,
                                1000000ull,
                                10000000ull,
                                100000000ull,
                                1000000000ull,
                                10000000000ull,
                                100000000000ull,
                                1000000000000ull,
                                10000000000000ull,
                                100000000000000ull,
                                1000000000000000ull,
                                10000000000000000ull,
                                100000000000000000ull,
                                1000000000000000000ull};

// The tick as an exact decimal: units of 10^-decimals (0.01 -> 1 x 10^-2, 0.25 -> 25 x 10^-2).
void tickAsDecimal(double tick, int& decimals, std::uint64_t& units)
{
    double scaled = tick;
    decimals = 9;
    for (int d = 0; d < 9; ++d, scaled *= 10)
        if (std::fabs(scaled - std::round(scaled)) < 1e-9 * std::max(1.0, scaled)) {
            decimals = d;
            break;
        }
    units = static_cast<std::uint64_t>(std::max(1ll, std::llround(tick * std::pow(10.0, decimals))));
}

std::string tickText(const Instrument& instrument) { return priceText(instrument, 1); }

} // namespace

std::string quotedFieldText(const std::string& text)
{
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < 40; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
    }
    if (text.size() > 40)
        out += "...";
    return out + "'";
}

std::string parseDecimal(const std::string& text, const std::string& field, Decimal& out)
{
    std::size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative)
        ++i;
    std::string whole, fraction;
    bool point = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.' && !point)
            point = true;
        else if (c >= '0' && c <= '9')
            (point ? fraction : whole) += c;
        else
            return field + " " + quotedFieldText(text)
                + " is not a decimal number (digits, one optional point and sign)";
    }
    if (whole.empty() && fraction.empty())
        return field + " " + quotedFieldText(text) + " is not a decimal number";
    fraction.erase(fraction.find_last_not_of('0') + 1); // npos + 1 == 0: all zeros go
    std::string significant = whole + fraction;
    significant.erase(0, std::min(significant.find_first_not_of('0'), significant.size()));
    if (significant.size() > 18)
        return field + " " + quotedFieldText(text) + " has more than 18 significant digits: out of range";
    Decimal d;
    d.negative = negative;
    for (char c : significant)
        d.mantissa = d.mantissa * 10 + static_cast<std::uint64_t>(c - '0');
    d.scale = static_cast<int>(fraction.size());
    out = d;
    return std::string();
}

std::string parsePrice(const std::string& text, const std::string& field, const Instrument& instrument, Price& out,
                       Price maxTicks)
{
    Decimal d;
    std::string why = parseDecimal(text, field, d);
    if (!why.empty())
        return why;
    if (d.negative || d.mantissa == 0)
        return field + " " + quotedFieldText(text) + " must be above zero";
    int decimals = 0;
    std::uint64_t units = 1;
    tickAsDecimal(instrument.tickSize, decimals, units);
    const std::string maxText = priceText(instrument, maxTicks);
    if (d.scale > decimals)
        return field + " " + quotedFieldText(text) + " is not a multiple of the tick size " + tickText(instrument);
    // value in units of 10^-decimals, compared with the bound before it can overflow
    const std::uint64_t shift = kPow10[decimals - d.scale];
    const std::uint64_t bound = static_cast<std::uint64_t>(maxTicks) * units;
    if (d.mantissa > bound / shift)
        return field + " " + quotedFieldText(text) + " is above the maximum price " + maxText;
    const std::uint64_t scaled = d.mantissa * shift;
    if (scaled % units != 0)
        return field + " " + quotedFieldText(text) + " is not a multiple of the tick size " + tickText(instrument);
    out = static_cast<Price>(scaled / units);
    return std::string();
}

std::string parseQuantity(const std::string& text, const std::string& field, Quantity minQty, Quantity maxQty,
                          Quantity lot, Quantity& out)
{
    Decimal d;
    std::string why = parseDecimal(text, field, d);
    if (!why.empty())
        return why;
    if (d.scale > 0)
        return field + " " + quotedFieldText(text) + " is not a whole number";
    if (d.negative && d.mantissa != 0)
        return field + " " + quotedFieldText(text) + " is negative";
    if (d.mantissa > static_cast<std::uint64_t>(maxQty))
        return field + " " + quotedFieldText(text) + " is above the maximum " + std::to_string(maxQty);
    const Quantity q = static_cast<Quantity>(d.mantissa);
    if (q < minQty)
        return field + " " + quotedFieldText(text)
            + (minQty == 1 ? " must be above zero" : " is below the minimum " + std::to_string(minQty));
    if (lot > 1 && q % lot != 0)
        return field + " " + quotedFieldText(text) + " is not a multiple of the lot size " + std::to_string(lot);
    out = q;
    return std::string();
}

std::string parseAveragePrice(const std::string& text, const std::string& field, const Instrument& instrument,
                              double& out, Price maxTicks)
{
    // An average is not on the tick and some engines print it with every digit of a
    // double: past 9 decimals the digits are dropped (a relative error below 1e-9 of a tick).
    std::string kept = text;
    const std::size_t point = kept.find('.');
    if (point != std::string::npos && kept.size() - point - 1 > 9
        && kept.find_first_not_of("0123456789", point + 1) == std::string::npos)
        kept.erase(point + 10);
    Decimal d;
    std::string why = parseDecimal(kept, field, d);
    if (!why.empty())
        return why;
    if (d.negative && d.mantissa != 0)
        return field + " " + quotedFieldText(text) + " is negative";
    const double value = static_cast<double>(d.mantissa) / std::pow(10.0, d.scale);
    if (value > instrument.toPrice(maxTicks))
        return field + " " + quotedFieldText(text) + " is above the maximum price " + priceText(instrument, maxTicks);
    out = value;
    return std::string();
}

} // namespace fixconv
} // namespace hm
