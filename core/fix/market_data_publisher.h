#pragma once
// Market data to the venue's clients: who subscribed to which symbol, the snapshot a
// request gets, and the conflated incremental refreshes after it. It follows the order
// store's outbox, so a subscription starts and ends exactly between two updates.
// Private to core/venue (C++14, QuickFIX); used only by the venue's sender, one batch at
// a time.
#include "venue/venue_messages.h"

#include <quickfix/Message.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace hm {

class MarketDataPublisher {
public:
    using Send = std::function<void(FIX::Message& message, SessionKey session)>;

    MarketDataPublisher(std::map<std::string, Instrument> instruments, Send send);

    // DepthUpdate, Snapshot, UnknownSymbol, Unsubscribe, SessionEnded.
    void handle(const VenueMessage& message);
    std::uint64_t messagesSent() const { return m_messagesSent.load(); }

private:
    struct Subscription {
        SessionKey session = kNoSession;
        std::string mdReqId;
        std::string symbol;
    };

    void sendUpdate(const MarketDataUpdate& update);
    void sendSnapshot(const VenueMessage& request);
    void sendUnknownSymbol(const VenueMessage& request);
    const Instrument& instrument(const std::string& symbol) const;

    std::map<std::string, Instrument> m_instruments;
    Send m_send;
    std::vector<Subscription> m_subscriptions;
    std::atomic<std::uint64_t> m_messagesSent{0};
};

} // namespace hm
