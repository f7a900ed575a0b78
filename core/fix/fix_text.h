#pragma once
// Field text for quantities and prices, formatted exactly from integers (lots, ticks).
// QuickFIX's double fields print 15 significant digits with a bignum fallback, which
// costs microseconds per field on the order path; these cost tens of nanoseconds and
// never show binary floating-point noise. Plain C++: no QuickFIX headers.
#include "model/types.h"

#include <string>

namespace hm {
namespace fixconv {

std::string quantityText(Quantity q);
std::string priceText(const Instrument& instrument, Price ticks); // as many decimals as the tick needs
std::string decimalText(double value, int maxDecimals = 8);      // rounded; trailing zeros trimmed

} // namespace fixconv
} // namespace hm
