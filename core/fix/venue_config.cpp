#include "fix/fix_venue.h"

#include <sstream>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hm {

namespace {
constexpr int kMaxDepthLevels = 1000;
} // namespace

std::string checkVenueLimits(const VenueConfig& c)
{
    if (c.port < 0 || c.port > 65535)
        return "port " + std::to_string(c.port) + " is out of range (allowed 1..65535, 0 picks a free one)";
    if (c.depthLevels < 1 || c.depthLevels > kMaxDepthLevels)
        return "market data depth " + std::to_string(c.depthLevels) + " is out of range (allowed 1.."
            + std::to_string(kMaxDepthLevels) + ")";
    if (c.maxOrderQty < 1 || c.maxOrderQty > fixconv::kMaxOrderQuantity)
        return "largest order quantity " + std::to_string(c.maxOrderQty) + " is out of range (allowed 1.."
            + std::to_string(fixconv::kMaxOrderQuantity) + ")";
    if (c.maxPriceTicks < 1 || c.maxPriceTicks > fixconv::kMaxPriceTicks)
        return "largest price " + std::to_string(c.maxPriceTicks) + " ticks is out of range (allowed 1.."
            + std::to_string(fixconv::kMaxPriceTicks) + ")";
    return std::string();
}

Instrument FixVenue::defaultInstrument()
{
    Instrument i;
    i.symbol = "HMX";
    i.tickSize = 0.01;
    i.lotSize = 1;
    i.currency = "USD";
    return i;
}

namespace {

// Symbols and currencies travel in FIX fields: printable ASCII, no spaces, no delimiters.
bool printableName(const std::string& text)
{
    for (char c : text)
        if (c <= 0x20 || c >= 0x7f || c == ',' || c == ':')
            return false;
    return !text.empty();
}

// The tick as the gateway and venue read prices against it (order_fields): an exact
// decimal, at most 9 decimals and 9 significant digits, so that the largest price in
// units of its last decimal stays inside 64 bits.
std::string parseTickSize(const std::string& text, double& out)
{
    fixconv::Decimal d;
    std::string why = fixconv::parseDecimal(text, "tick size", d);
    if (!why.empty())
        return why;
    if (d.negative || d.mantissa == 0)
        return "tick size " + fixconv::quotedFieldText(text) + " must be above zero";
    if (d.scale > 9)
        return "tick size " + fixconv::quotedFieldText(text) + " has more than 9 decimals";
    if (d.mantissa >= 1000000000ull)
        return "tick size " + fixconv::quotedFieldText(text) + " has more than 9 significant digits";
    double scale = 1;
    for (int i = 0; i < d.scale; ++i)
        scale *= 10;
    out = static_cast<double>(d.mantissa) / scale;
    return std::string();
}

} // namespace

std::vector<Instrument> FixVenue::parseInstruments(const std::string& list)
{
    std::vector<Instrument> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty())
            continue;
        const std::string where = "instrument " + fixconv::quotedFieldText(item) + ": ";
        std::vector<std::string> parts;
        std::stringstream is(item);
        std::string p;
        while (std::getline(is, p, ':'))
            parts.push_back(p);
        if (!item.empty() && item.back() == ':')
            parts.push_back(std::string()); // "SYM:" names an empty tick size
        if (parts.size() > 4)
            throw std::runtime_error(where + "expected SYMBOL[:TICK[:LOT[:CURRENCY]]]");
        Instrument ins;
        ins.symbol = parts[0];
        if (ins.symbol.empty())
            throw std::runtime_error(where + "empty symbol");
        if (!printableName(ins.symbol))
            throw std::runtime_error(where + "symbol " + fixconv::quotedFieldText(ins.symbol)
                                     + " must be printable ASCII without spaces");
        for (const auto& other : out)
            if (other.symbol == ins.symbol)
                throw std::runtime_error(where + "symbol '" + ins.symbol + "' is listed twice");
        if (parts.size() > 1) {
            const std::string why = parseTickSize(parts[1], ins.tickSize);
            if (!why.empty())
                throw std::runtime_error(where + why);
        }
        if (parts.size() > 2) {
            const std::string why = fixconv::parseQuantity(parts[2], "lot size", 1, fixconv::kMaxOrderQuantity, 1,
                                                           ins.lotSize);
            if (!why.empty())
                throw std::runtime_error(where + why);
        }
        if (parts.size() > 3) {
            ins.currency = parts[3];
            if (!printableName(ins.currency))
                throw std::runtime_error(where + "currency " + fixconv::quotedFieldText(ins.currency)
                                         + " must be printable ASCII without spaces");
        }
        out.push_back(ins);
    }
    if (out.empty())
        throw std::runtime_error("instrument list " + fixconv::quotedFieldText(list) + " names no instrument");
    return out;
}

int findFreeLoopbackPort()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw std::runtime_error("cannot create a socket to find a free port");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a loopback port");
    }
    int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

} // namespace hm
