#include "journal/audit_chain.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace hm {

std::string auditHash(const std::string& previousHash, std::int64_t seq, Timestamp time, const std::string& agent,
                      const std::string& action, const std::string& text)
{
    const std::string payload = previousHash + '\n' + std::to_string(seq) + '\n' + std::to_string(time) + '\n' + agent
        + '\n' + action + '\n' + text;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(payload.data(), payload.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

} // namespace hm
