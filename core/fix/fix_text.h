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

// A whole FIX message with the Logon password (554) masked and BodyLength (9) and
// CheckSum (10) recomputed, so that it still parses: QuickFIX re-reads stored messages
// to answer a resend request, and refuses one whose length or checksum is off.
// Messages without a password, or that are not whole, come back unchanged.
std::string storedWithPasswordMasked(const std::string& message);

} // namespace fixconv
} // namespace hm
