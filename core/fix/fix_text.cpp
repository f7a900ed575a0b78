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

std::string storedWithPasswordMasked(const std::string& message)
{
    static const std::string kTag = "\x01" "554=";
    std::size_t at = message.find(kTag);
    if (at == std::string::npos)
        return message;
    std::string out = message;
    while (at != std::string::npos) {
        const std::size_t start = at + kTag.size();
        const std::size_t end = out.find('\x01', start);
        if (end == std::string::npos)
            return message; // not whole: leave it
        out.replace(start, end - start, "********");
        at = out.find(kTag, start + 8);
    }
    // 8=...|9=LEN|<body>10=CCC|: LEN counts from after 9=LEN| to the SOH before 10=.
    const std::size_t lengthTag = out.find("\x01" "9=");
    const std::size_t bodyStart = lengthTag == std::string::npos ? std::string::npos : out.find('\x01', lengthTag + 1);
    const std::size_t checksumTag = out.rfind("\x01" "10=");
    if (out.rfind("8=", 0) != 0 || bodyStart == std::string::npos || checksumTag == std::string::npos
        || checksumTag < bodyStart || out.back() != '\x01')
        return out;
    const std::size_t bodyLength = checksumTag + 1 - (bodyStart + 1);
    out.replace(lengthTag + 3, bodyStart - (lengthTag + 3), std::to_string(bodyLength));
    const std::size_t sumAt = out.rfind("\x01" "10=") + 1; // moved if the length's digits changed
    unsigned sum = 0;
    for (std::size_t i = 0; i < sumAt; ++i)
        sum += static_cast<unsigned char>(out[i]);
    char digits[4];
    std::snprintf(digits, sizeof digits, "%03u", sum % 256);
    out.replace(sumAt + 3, out.size() - 1 - (sumAt + 3), digits);
    return out;
}

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
