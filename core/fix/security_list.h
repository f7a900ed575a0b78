#pragma once
// SecurityListRequest (35=x) and SecurityList (35=y): the venue's answer and the
// gateway's reading of it. FIX 4.4's SecurityList carries no tick size, so it travels in
// MinPriceIncrement (969), the tag FIX 5.0 gives it (declared in resources/fix/FIX44.xml).
// Private to core/fix (C++14, QuickFIX).
#include "model/types.h"

#include <quickfix/Message.h>

#include <map>
#include <string>
#include <vector>

namespace hm {
namespace seclist {

constexpr int kMinPriceIncrement = 969;

// Every security the counterparty lists (SecurityListRequestType 4).
FIX::Message request(const std::string& reqId);

// The venue's answer, in one message: every instrument, or only the requested Symbol
// (SecurityRequestResult 2 when it is not listed); a request type it does not serve is
// answered 1. A request without SecurityReqID or SecurityListRequestType throws
// FIX::FieldNotFound, which QuickFIX turns into a session Reject.
FIX::Message answer(const FIX::Message& request, const std::map<std::string, Instrument>& instruments);

// The gateway's reading: the entries it can use, and why each other one was left out
// ("security list entry 2 (ABC): MinPriceIncrement(969) ..."). Never throws for a bad
// entry; the message's own required fields are the dictionary's to check.
struct Reading {
    std::string reqId;
    int result = 0; // SecurityRequestResult (560): 0 is a valid answer
    std::vector<Instrument> instruments;
    std::vector<std::string> skipped;
};
Reading read(const FIX::Message& list);

} // namespace seclist
} // namespace hm
