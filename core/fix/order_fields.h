#pragma once
// Exact reading of FIX price and quantity fields, from their text, before they become
// numbers. A FIX float is digits with an optional point and sign, nothing else: no
// exponent, no '+', no spaces, no hex, no "nan". The text is read as a decimal
// (integer digits and a scale) and converted to integer ticks or units only when it is
// exactly representable: an off-tick price, a fractional quantity or a value beyond
// the bounds is refused with a reason that names the field, never rounded or wrapped.
// Plain C++14: no QuickFIX headers, so the rules can be tested on their own.
#include "model/types.h"

#include <cstdint>
#include <string>

namespace hm {
namespace fixconv {

// Bounds that keep price x quantity (1e18) inside an int64 with room to spare.
constexpr Quantity kMaxOrderQuantity = 1000000000;        // units in one order or report
constexpr Price kMaxPriceTicks = 1000000000;              // ticks of a price
constexpr Quantity kMaxMarketDataQuantity = 1000000000000; // a published level aggregates many orders

struct Decimal {
    bool negative = false;
    std::uint64_t mantissa = 0; // value = mantissa / 10^scale, trailing fraction zeros removed
    int scale = 0;
};

// Each returns an empty string when the text is acceptable (and sets `out`), otherwise
// why not, starting with the field's name as given (e.g. "Price(44)").
std::string parseDecimal(const std::string& text, const std::string& field, Decimal& out);
// A price strictly above zero, a whole number of ticks, at most maxTicks ticks.
std::string parsePrice(const std::string& text, const std::string& field, const Instrument& instrument, Price& out,
                       Price maxTicks = kMaxPriceTicks);
// A whole quantity in [minQty, maxQty]; when lot > 1, a multiple of it.
std::string parseQuantity(const std::string& text, const std::string& field, Quantity minQty, Quantity maxQty,
                          Quantity lot, Quantity& out);
// A non-negative average price, any precision, at most maxTicks ticks of the instrument.
std::string parseAveragePrice(const std::string& text, const std::string& field, const Instrument& instrument,
                              double& out, Price maxTicks = kMaxPriceTicks);

// The field's text as it may appear in a message to a person: printable, short.
std::string quotedFieldText(const std::string& text);

} // namespace fixconv
} // namespace hm
