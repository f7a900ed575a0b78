#pragma once
// The risk-manager credential: a passphrase stored only as an Argon2id hash (libargon2,
// the reference implementation; salted, 64 MiB, 3 passes) in <data>/risk-manager.argon2,
// readable by its owner only. No passphrase file: nobody can act as risk manager.
#include <chrono>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <string>

namespace hm {

std::string riskPassphraseFile(const std::string& dataDirectory);
// Returns "" on success, otherwise what went wrong.
std::string setRiskPassphrase(const std::string& dataDirectory, const std::string& passphrase);
// True when the passphrase matches; otherwise `error` says why (no credential set, wrong).
bool verifyRiskPassphrase(const std::string& dataDirectory, const std::string& passphrase, std::string& error);

// Slows guessing down: after a few wrong passphrases in a row, every further attempt is
// refused at once (without hashing) until a back-off has passed, and each wrong one
// doubles it. The count is global, not per caller: a caller can take a new process id
// (or connection) for every guess. One Argon2 check runs at a time, so concurrent
// callers cannot make it use 64 MiB each. Thread-safe; the clock is injectable.
class PassphraseGuard {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr int kFreeFailures = 2;          // wrong ones allowed before the back-off
    static constexpr double kFirstBackoffSeconds = 1;
    static constexpr double kMaxBackoffSeconds = 300;
    static constexpr double kForgetAfterSeconds = 900; // a quiet quarter hour starts the count again

    enum class Result { Accepted, Wrong, NotSet, BackingOff, Busy };
    struct Outcome {
        Result result = Result::Wrong;
        std::string message;       // for the caller; names the retry time when backing off
        int failuresInRow = 0;     // wrong passphrases in a row, this one included
        double retryInSeconds = 0; // when the next attempt will be checked
        int refusedUnchecked = 0;  // attempts refused while backing off since the last wrong one
        bool firstRefusalOfBackoff = false;
    };

    explicit PassphraseGuard(std::string dataDirectory, Clock clock = {});
    Outcome check(const std::string& passphrase);

private:
    Outcome backingOff(std::chrono::steady_clock::time_point now); // m_stateMutex held

    std::string m_dataDirectory;
    Clock m_clock;
    // One Argon2 check at a time (each takes 64 MiB). A flag under a condition variable
    // rather than a timed mutex: ThreadSanitizer cannot follow pthread_mutex_clocklock.
    std::mutex m_verifyMutex;
    std::condition_variable m_verifyFree;
    bool m_verifying = false;
    std::mutex m_stateMutex;
    int m_failures = 0;
    int m_refusedUnchecked = 0;
    bool m_refusalAudited = false;
    std::chrono::steady_clock::time_point m_lastFailure{};
    std::chrono::steady_clock::time_point m_blockedUntil{};
};

} // namespace hm
