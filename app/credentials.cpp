#include "credentials.h"

#include <argon2.h>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include <sys/stat.h>

namespace hm {
namespace {
constexpr uint32_t kPasses = 3;
constexpr uint32_t kMemoryKiB = 1 << 16; // 64 MiB: deliberately slow to guess
constexpr uint32_t kLanes = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
} // namespace

std::string riskPassphraseFile(const std::string& dataDirectory) { return dataDirectory + "/risk-manager.argon2"; }

std::string setRiskPassphrase(const std::string& dataDirectory, const std::string& passphrase)
{
    if (passphrase.size() < 8)
        return "the passphrase must have at least 8 characters";
    std::random_device rd;
    std::vector<unsigned char> salt(kSaltBytes);
    for (auto& b : salt)
        b = static_cast<unsigned char>(rd());
    const std::size_t encodedLength = argon2_encodedlen(kPasses, kMemoryKiB, kLanes, kSaltBytes, kHashBytes, Argon2_id);
    std::string encoded(encodedLength, '\0');
    const int rc = argon2id_hash_encoded(kPasses, kMemoryKiB, kLanes, passphrase.data(), passphrase.size(), salt.data(),
                                         salt.size(), kHashBytes, &encoded[0], encoded.size());
    if (rc != ARGON2_OK)
        return std::string("argon2: ") + argon2_error_message(rc);
    encoded.resize(encoded.find('\0'));
    const std::string path = riskPassphraseFile(dataDirectory);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out)
            return "cannot write " + tmp;
        ::chmod(tmp.c_str(), 0600);
        out << encoded << "\n";
        if (!out)
            return "cannot write " + tmp;
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        return "cannot replace " + path;
    return {};
}

bool verifyRiskPassphrase(const std::string& dataDirectory, const std::string& passphrase, std::string& error)
{
    const std::string path = riskPassphraseFile(dataDirectory);
    std::ifstream in(path);
    std::string encoded;
    if (!in || !std::getline(in, encoded) || encoded.rfind("$argon2id$", 0) != 0) {
        error = "no risk-manager passphrase is set (helmsman --set-risk-passphrase, reading it from standard input)";
        return false;
    }
    if (argon2id_verify(encoded.c_str(), passphrase.data(), passphrase.size()) != ARGON2_OK) {
        error = "wrong risk-manager passphrase";
        return false;
    }
    return true;
}

} // namespace hm
