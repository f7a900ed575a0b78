#include "fix/security_list.h"

#include "fix/fix_convert.h"
#include "fix/fix_text.h"
#include "fix/order_fields.h"

#include <quickfix/FixFields.h>
#include <quickfix/FixValues.h>
#include <quickfix/fix44/SecurityList.h>
#include <quickfix/fix44/SecurityListRequest.h>

#include <cmath>

namespace hm {
namespace seclist {
namespace {

constexpr int kMaxTickDecimals = 8; // what price text can show (fix_text.h)

void addEntry(FIX44::SecurityList& list, const Instrument& i)
{
    FIX44::SecurityList::NoRelatedSym g;
    g.set(FIX::Symbol(i.symbol));
    g.set(FIX::Currency(i.currency));
    fixconv::setText(g, FIX::FIELD::RoundLot, fixconv::quantityText(i.lotSize));
    fixconv::setText(g, FIX::FIELD::MinTradeVol, fixconv::quantityText(i.lotSize));
    fixconv::setText(g, kMinPriceIncrement, fixconv::decimalText(i.tickSize, kMaxTickDecimals));
    list.addGroup(g);
}

// A tick size: a plain positive decimal with at most kMaxTickDecimals places.
std::string parseTick(const std::string& text, double& out)
{
    const std::string field = "MinPriceIncrement(969)";
    fixconv::Decimal d;
    std::string why = fixconv::parseDecimal(text, field, d);
    if (!why.empty())
        return why;
    if (d.negative || d.mantissa == 0)
        return field + " " + fixconv::quotedFieldText(text) + " is not above zero";
    if (d.scale > kMaxTickDecimals)
        return field + " " + fixconv::quotedFieldText(text) + " has more than " + std::to_string(kMaxTickDecimals)
            + " decimals";
    out = static_cast<double>(d.mantissa) / std::pow(10.0, d.scale);
    if (!std::isfinite(out) || out <= 0)
        return field + " " + fixconv::quotedFieldText(text) + " is not a finite positive number";
    return {};
}

// One entry, or why it cannot be used.
std::string readEntry(const FIX::FieldMap& g, Instrument& out)
{
    if (!g.isSetField(FIX::FIELD::Symbol) || g.getField(FIX::FIELD::Symbol).empty())
        return "no Symbol(55)";
    out.symbol = g.getField(FIX::FIELD::Symbol);
    if (!g.isSetField(kMinPriceIncrement))
        return "no MinPriceIncrement(969), the tick size";
    std::string why = parseTick(g.getField(kMinPriceIncrement), out.tickSize);
    if (!why.empty())
        return why;
    // The lot: RoundLot, else MinTradeVol, else one unit.
    const int lotTag = g.isSetField(FIX::FIELD::RoundLot) ? FIX::FIELD::RoundLot
        : g.isSetField(FIX::FIELD::MinTradeVol)           ? FIX::FIELD::MinTradeVol
                                                          : 0;
    if (lotTag != 0) {
        why = fixconv::parseQuantity(g.getField(lotTag), lotTag == FIX::FIELD::RoundLot ? "RoundLot(561)" : "MinTradeVol(562)",
                                     1, fixconv::kMaxOrderQuantity, 1, out.lotSize);
        if (!why.empty())
            return why;
    }
    if (g.isSetField(FIX::FIELD::Currency) && !g.getField(FIX::FIELD::Currency).empty())
        out.currency = g.getField(FIX::FIELD::Currency);
    return {};
}

} // namespace

FIX::Message request(const std::string& reqId)
{
    return FIX44::SecurityListRequest(FIX::SecurityReqID(reqId),
                                      FIX::SecurityListRequestType(FIX::SecurityListRequestType_ALL_SECURITIES));
}

FIX::Message answer(const FIX::Message& request, const std::map<std::string, Instrument>& instruments)
{
    FIX::SecurityReqID reqId;
    FIX::SecurityListRequestType type;
    request.getField(reqId); // throws FieldNotFound: a session Reject naming the tag
    request.getField(type);
    FIX::Symbol symbol;
    const bool one = request.getFieldIfSet(symbol);
    FIX44::SecurityList list;
    list.set(reqId);
    list.set(FIX::SecurityResponseID("SL-" + reqId.getValue()));
    const int t = type.getValue();
    if (t != FIX::SecurityListRequestType_ALL_SECURITIES && t != FIX::SecurityListRequestType_SYMBOL) {
        list.set(FIX::SecurityRequestResult(FIX::SecurityRequestResult_INVALID_OR_UNSUPPORTED_REQUEST));
        return list;
    }
    if (t == FIX::SecurityListRequestType_SYMBOL && !one) { // a symbol request that names none
        list.set(FIX::SecurityRequestResult(FIX::SecurityRequestResult_INVALID_OR_UNSUPPORTED_REQUEST));
        return list;
    }
    int count = 0;
    for (const auto& kv : instruments)
        if (!one || kv.first == symbol.getValue()) {
            addEntry(list, kv.second);
            ++count;
        }
    list.set(FIX::SecurityRequestResult(count > 0 ? FIX::SecurityRequestResult_VALID_REQUEST
                                                  : FIX::SecurityRequestResult_NO_INSTRUMENTS_FOUND_THAT_MATCH_SELECTION_CRITERIA));
    list.set(FIX::TotNoRelatedSym(count));
    list.set(FIX::LastFragment(true));
    return list;
}

Reading read(const FIX::Message& list)
{
    Reading r;
    if (list.isSetField(FIX::FIELD::SecurityReqID))
        r.reqId = list.getField(FIX::FIELD::SecurityReqID);
    FIX::SecurityRequestResult result;
    if (list.getFieldIfSet(result))
        r.result = result.getValue();
    if (r.result != FIX::SecurityRequestResult_VALID_REQUEST || !list.isSetField(FIX::FIELD::NoRelatedSym))
        return r;
    FIX::NoRelatedSym count;
    list.getField(count);
    for (int n = 1; n <= count.getValue(); ++n) {
        FIX44::SecurityList::NoRelatedSym g;
        Instrument i;
        std::string why;
        try {
            list.getGroup(static_cast<unsigned>(n), g);
            why = readEntry(g, i);
        } catch (const std::exception& e) { // a group QuickFIX could not read: this entry only
            why = e.what();
        }
        if (why.empty())
            r.instruments.push_back(i);
        else
            r.skipped.push_back("security list entry " + std::to_string(n) + (i.symbol.empty() ? "" : " (" + i.symbol + ")")
                                + ": " + why + "; skipped");
    }
    return r;
}

} // namespace seclist
} // namespace hm
