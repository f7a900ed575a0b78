#include "fix/fix_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hm {
namespace fixconv {

namespace {
// Decimal places that represent every multiple of the tick exactly (0.01 -> 2, 0.25 -> 2).
int tickDecimals(double tick)
{
    double scaled = tick;
    for (int d = 0; d < 9; ++d, scaled *= 10)
        if (std::fabs(scaled - std::round(scaled)) < 1e-9 * std::max(1.0, scaled))
            return d;
    return 9;
}

std::string scaledText(long long scaled, int decimals)
{
    static const long long kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};
    const bool negative = scaled < 0;
    unsigned long long v = negative ? 0ull - static_cast<unsigned long long>(scaled) : static_cast<unsigned long long>(scaled);
    const unsigned long long unit = static_cast<unsigned long long>(kPow10[decimals]);
    unsigned long long frac = v % unit;
    std::string out = negative ? "-" : "";
    out += std::to_string(v / unit);
    if (frac == 0)
        return out;
    int digits = decimals;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    std::string f = std::to_string(frac);
    out += '.';
    out.append(static_cast<std::size_t>(digits) - f.size(), '0');
    out += f;
    return out;
}
} // namespace

std::string quantityText(Quantity q) { return std::to_string(q); }

std::string priceText(const Instrument& instrument, Price ticks)
{
    const int d = tickDecimals(instrument.tickSize);
    const double tickUnits = instrument.tickSize * std::pow(10.0, d); // the tick in units of 10^-d
    return scaledText(static_cast<long long>(ticks) * std::llround(tickUnits), d);
}

std::string decimalText(double value, int maxDecimals)
{
    maxDecimals = std::max(0, std::min(9, maxDecimals));
    if (!(std::fabs(value) * std::pow(10.0, maxDecimals) < 9e18)) { // too large to scale: plain text
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", maxDecimals, value);
        return buf;
    }
    return scaledText(std::llround(value * std::pow(10.0, maxDecimals)), maxDecimals);
}

} // namespace fixconv
} // namespace hm
