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

std::vector<Instrument> FixVenue::parseInstruments(const std::string& list)
{
    std::vector<Instrument> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty())
            continue;
        std::vector<std::string> parts;
        std::stringstream is(item);
        std::string p;
        while (std::getline(is, p, ':'))
            parts.push_back(p);
        Instrument ins;
        ins.symbol = parts[0];
        if (ins.symbol.empty())
            throw std::runtime_error("instrument '" + item + "': empty symbol");
        try {
            if (parts.size() > 1)
                ins.tickSize = std::stod(parts[1]);
            if (parts.size() > 2)
                ins.lotSize = std::stoll(parts[2]);
        } catch (const std::exception&) {
            throw std::runtime_error("instrument '" + item + "': tick size and lot size must be numbers");
        }
        if (parts.size() > 3)
            ins.currency = parts[3];
        if (parts.size() > 4)
            throw std::runtime_error("instrument '" + item + "': expected SYMBOL[:TICK[:LOT[:CURRENCY]]]");
        if (!(ins.tickSize > 0) || ins.lotSize <= 0)
            throw std::runtime_error("instrument '" + item + "': tick size and lot size must be positive");
        out.push_back(ins);
    }
    if (out.empty())
        throw std::runtime_error("instrument list '" + list + "' names no instrument");
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
