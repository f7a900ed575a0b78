#include "venue/venue_config.h"

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

} // namespace hm
