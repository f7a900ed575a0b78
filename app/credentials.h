#pragma once
// The risk-manager credential: a passphrase stored only as an Argon2id hash (libargon2,
// the reference implementation; salted, 64 MiB, 3 passes) in <data>/risk-manager.argon2,
// readable by its owner only. No passphrase file: nobody can act as risk manager.
#include <string>

namespace hm {

std::string riskPassphraseFile(const std::string& dataDirectory);
// Returns "" on success, otherwise what went wrong.
std::string setRiskPassphrase(const std::string& dataDirectory, const std::string& passphrase);
// True when the passphrase matches; otherwise `error` says why (no credential set, wrong).
bool verifyRiskPassphrase(const std::string& dataDirectory, const std::string& passphrase, std::string& error);

} // namespace hm
