#include "credentials.h"

#include <argon2.h>

#include <algorithm>
#include <cmath>
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

namespace hm {

PassphraseGuard::PassphraseGuard(std::string dataDirectory, Clock clock)
    : m_dataDirectory(std::move(dataDirectory)),
      m_clock(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); }))
{
}

PassphraseGuard::Outcome PassphraseGuard::backingOff(std::chrono::steady_clock::time_point now)
{
    Outcome o;
    o.result = Result::BackingOff;
    o.failuresInRow = m_failures;
    o.retryInSeconds = std::chrono::duration<double>(m_blockedUntil - now).count();
    o.refusedUnchecked = ++m_refusedUnchecked;
    o.firstRefusalOfBackoff = !m_refusalAudited;
    m_refusalAudited = true;
    o.message = "too many wrong risk-manager passphrases (" + std::to_string(m_failures)
        + " in a row): not checked; try again in " + std::to_string(static_cast<long>(std::ceil(o.retryInSeconds))) + " s";
    return o;
}

PassphraseGuard::Outcome PassphraseGuard::check(const std::string& passphrase)
{
    using namespace std::chrono;
    {
        std::lock_guard<std::mutex> lock(m_stateMutex);
        const auto now = m_clock();
        if (now < m_blockedUntil) // refused before waiting for anyone else's check
            return backingOff(now);
    }
    {
        std::unique_lock<std::mutex> lock(m_verifyMutex);
        if (!m_verifyFree.wait_for(lock, seconds(3), [this] { return !m_verifying; })) {
            Outcome o;
            o.result = Result::Busy;
            o.message = "other risk-manager passphrase checks are under way; try again in a moment";
            return o;
        }
        m_verifying = true;
    }
    struct Done {
        PassphraseGuard& g;
        ~Done()
        {
            {
                std::lock_guard<std::mutex> lock(g.m_verifyMutex);
                g.m_verifying = false;
            }
            g.m_verifyFree.notify_one();
        }
    } done{*this};
    {
        std::lock_guard<std::mutex> lock(m_stateMutex);
        const auto now = m_clock();
        if (now < m_blockedUntil) // someone else's wrong guess started a back-off meanwhile
            return backingOff(now);
    }
    std::string error;
    const bool ok = verifyRiskPassphrase(m_dataDirectory, passphrase, error);
    std::lock_guard<std::mutex> lock(m_stateMutex);
    const auto now = m_clock();
    Outcome o;
    if (ok) {
        m_failures = 0;
        m_refusedUnchecked = 0;
        o.result = Result::Accepted;
        return o;
    }
    o.message = error;
    if (error.rfind("wrong", 0) != 0) { // no credential set: nothing to guess
        o.result = Result::NotSet;
        return o;
    }
    if (m_failures > 0 && now - m_lastFailure > duration<double>(kForgetAfterSeconds))
        m_failures = 0;
    ++m_failures;
    m_lastFailure = now;
    o.result = Result::Wrong;
    o.failuresInRow = m_failures;
    o.refusedUnchecked = m_refusedUnchecked;
    m_refusedUnchecked = 0;
    m_refusalAudited = false;
    if (m_failures > kFreeFailures) {
        const double backoff = std::min(kMaxBackoffSeconds, kFirstBackoffSeconds * std::pow(2.0, m_failures - kFreeFailures - 1));
        m_blockedUntil = now + duration_cast<steady_clock::duration>(duration<double>(backoff));
        o.retryInSeconds = backoff;
        o.message += " (" + std::to_string(m_failures) + " in a row; the next attempt is checked in "
            + std::to_string(static_cast<long>(std::ceil(backoff))) + " s)";
    } else {
        o.message += " (" + std::to_string(m_failures) + " in a row)";
    }
    return o;
}

} // namespace hm
