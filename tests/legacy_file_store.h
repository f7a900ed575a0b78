#pragma once
// Writes a session's store with QuickFIX's own FileStore (C++14 helper for tests).
#include <string>
#include <utility>
#include <vector>

namespace hm {
namespace test {
void writeQuickfixFileStore(const std::string& directory, const std::string& beginString, const std::string& sender,
                            const std::string& target, int nextSender, int nextTarget,
                            const std::vector<std::pair<int, std::string>>& messages);
}
}
