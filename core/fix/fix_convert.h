#pragma once
// Conversions between FIX 4.4 fields and domain types, at the QuickFIX boundary.
// Private to core/fix (C++14, includes QuickFIX).
#include "fix/fix_text.h"
#include "model/events.h"

#include <quickfix/Message.h>
#include <quickfix/fix44/ExecutionReport.h>

#include <map>
#include <mutex>
#include <string>

namespace hm {
namespace fixconv {

char sideToFix(Side s);
Side sideFromFix(char c); // throws FIX::IncorrectTagValue for sides we do not trade
char ordTypeToFix(OrderType t);
OrderType ordTypeFromFix(char c);
char tifToFix(TimeInForce t);
TimeInForce tifFromFix(char c);
char ordStatusToFix(OrderStatus s);
OrderStatus ordStatusFromFix(char c);
char execTypeToFix(ExecType t);
ExecType execTypeFromFix(char c);

// Finds tick sizes by symbol; unknown symbols use a default. A counterparty's security
// list changes it on a QuickFIX thread while the engine thread converts its orders' prices,
// so every access takes the lock and get() answers a copy.
class InstrumentTable {
public:
    void add(const Instrument& instrument);
    Instrument get(const std::string& symbol) const;
    bool has(const std::string& symbol) const;
    std::vector<std::string> symbols() const;

private:
    mutable std::mutex m_mutex;
    std::map<std::string, Instrument> m_bySymbol;
    Instrument m_fallback;
};

// Sets a field from preformatted text (fix_text.h), skipping QuickFIX's double formatting.
inline void setText(FIX::FieldMap& m, int tag, const std::string& text) { m.setField(tag, text); }

ExecutionReport executionReportFromFix(const FIX::Message& message, const InstrumentTable& instruments);
std::string maskPassword(const std::string& raw); // replaces the value of tag 554

} // namespace fixconv
} // namespace hm
