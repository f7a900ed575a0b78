#include "fix/sent_orders.h"

#include "fix/fix_convert.h"
#include "fix/order_fields.h"

#include <quickfix/Exceptions.h>

#include <cstdlib>
#include <map>

namespace hm {
namespace {

std::map<int, std::string> fieldsOf(const std::string& raw)
{
    std::map<int, std::string> fields;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        std::size_t end = raw.find('\x01', pos);
        if (end == std::string::npos)
            end = raw.size();
        const std::size_t eq = raw.find('=', pos);
        if (eq != std::string::npos && eq < end) {
            const int tag = std::atoi(raw.substr(pos, eq - pos).c_str());
            if (tag > 0)
                fields.emplace(tag, raw.substr(eq + 1, end - eq - 1)); // the first of a repeated tag
        }
        pos = end + 1;
    }
    return fields;
}

char charField(const std::map<int, std::string>& f, int tag, char fallback)
{
    auto it = f.find(tag);
    return it == f.end() || it->second.size() != 1 ? fallback : it->second[0];
}

} // namespace

std::vector<SentOrderMessage> readSentOrders(const std::vector<std::string>& messages,
                                             const std::vector<Instrument>& instrumentList,
                                             std::vector<std::string>& skipped)
{
    fixconv::InstrumentTable instruments;
    for (const Instrument& i : instrumentList)
        instruments.add(i);
    std::vector<SentOrderMessage> out;
    for (const std::string& raw : messages) {
        const std::map<int, std::string> f = fieldsOf(raw);
        auto type = f.find(35);
        if (type == f.end() || (type->second != "D" && type->second != "G" && type->second != "F"))
            continue;
        SentOrderMessage m;
        m.msgType = type->second[0];
        auto seq = f.find(34);
        m.seq = seq == f.end() ? 0 : std::atoi(seq->second.c_str());
        const std::string where = "stored message " + std::to_string(m.seq) + " (35=" + type->second + ")";
        auto field = [&f](int tag) {
            auto it = f.find(tag);
            return it == f.end() ? std::string() : it->second;
        };
        m.clOrdId = field(11);
        m.origClOrdId = field(41);
        m.symbol = field(55);
        if (m.clOrdId.empty() || m.symbol.empty() || (m.msgType != 'D' && m.origClOrdId.empty())) {
            skipped.push_back(where + ": ClOrdID(11), OrigClOrdID(41) or Symbol(55) is missing");
            continue;
        }
        try {
            m.side = fixconv::sideFromFix(charField(f, 54, '?'));
            if (m.msgType != 'F') {
                m.type = fixconv::ordTypeFromFix(charField(f, 40, '?'));
                m.tif = fixconv::tifFromFix(charField(f, 59, '0'));
            }
        } catch (const FIX::Exception&) {
            skipped.push_back(where + ": Side(54), OrdType(40) or TimeInForce(59) is not one we send");
            continue;
        }
        const Instrument ins = instruments.get(m.symbol);
        std::string why;
        if (f.count(38))
            why = fixconv::parseQuantity(field(38), "OrderQty(38)", 0, fixconv::kMaxOrderQuantity, 1, m.qty);
        if (why.empty() && f.count(44))
            why = fixconv::parsePrice(field(44), "Price(44)", ins, m.price);
        if (!why.empty()) {
            skipped.push_back(where + ": " + why);
            continue;
        }
        out.push_back(m);
    }
    return out;
}

} // namespace hm
