#pragma once
// The audit table's hash chain: each row's hash covers the previous row's hash and
// the row itself, so editing, inserting or deleting a row outside the program breaks
// the chain from that row on.
#include "model/types.h"

#include <string>

namespace hm {

constexpr const char* kAuditGenesis = "helmsman-audit-v1";

std::string auditHash(const std::string& previousHash, std::int64_t seq, Timestamp time, const std::string& agent,
                      const std::string& action, const std::string& text);

struct AuditCheck {
    bool ok = true;
    std::int64_t rows = 0;
    std::int64_t firstBadSeq = 0; // events.seq of the first row that does not verify
    std::string message;          // what is wrong, or "n rows verified"
};

} // namespace hm
