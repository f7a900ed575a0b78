#include "legacy_file_store.h"

#include <quickfix/FileStore.h>

namespace hm {
namespace test {

void writeQuickfixFileStore(const std::string& directory, const std::string& beginString, const std::string& sender,
                            const std::string& target, int nextSender, int nextTarget,
                            const std::vector<std::pair<int, std::string>>& messages)
{
    FIX::FileStore store(directory, FIX::SessionID(beginString, sender, target));
    for (const auto& m : messages)
        store.set(m.first, m.second);
    store.setNextSenderMsgSeqNum(nextSender);
    store.setNextTargetMsgSeqNum(nextTarget);
}

} // namespace test
} // namespace hm
