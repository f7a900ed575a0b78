#pragma once
// QuickFIX plumbing shared by the gateway and the venue (C++14, private to core/fix):
// a message log and a message store that never write a Logon password in clear.
#include <quickfix/Log.h>
#include <quickfix/MessageStore.h>

#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace hm {

// Log lines go to a per-session file (messages, when enabled) and to spdlog (events).
// onEvent text is also handed to a callback so the owner can turn it into a session event.
class MaskedLogFactory : public FIX::LogFactory {
public:
    using EventHook = std::function<void(const std::string& sessionId, const std::string& text)>;
    MaskedLogFactory(std::string directory, bool logMessages, std::string loggerName, EventHook hook);
    FIX::Log* create() override;
    FIX::Log* create(const FIX::SessionID& id) override;
    void destroy(FIX::Log* log) override;

private:
    std::string m_directory;
    bool m_logMessages;
    std::string m_loggerName;
    EventHook m_hook;
};

// Memory-mapped file stores (mapped_store.h) so sequence numbers and resendable messages
// survive a restart, while the stored copy of an outgoing Logon has its password masked.
class MaskedFileStoreFactory : public FIX::MessageStoreFactory {
public:
    explicit MaskedFileStoreFactory(std::string directory);
    FIX::MessageStore* create(const FIX::SessionID& id) override;
    void destroy(FIX::MessageStore* store) override;

private:
    std::string m_directory;
};

} // namespace hm
