#pragma once
// The instruments a session trades, as a person lists them on a command line. Used by
// the gateway and the venue alike, so it lives with the gateway (the venue depends on
// it, never the other way). Plain C++14: no QuickFIX headers.
#include "model/types.h"

#include <string>
#include <vector>

namespace hm {

Instrument defaultInstrument(); // HMX, tick 0.01, lot 1, USD
// "SYM[:tick[:lot[:ccy]]],..."; throws std::runtime_error naming the item that is wrong.
std::vector<Instrument> parseInstrumentList(const std::string& list);

} // namespace hm
