#pragma once
// Whether a journal is what its session wrote. Every reader (the report, the replay in
// the window and headless) runs the same checks and says which failed and where; a
// failed check means the file was changed after the session wrote it, a warning means
// the session did not end cleanly (a crash or a kill), which is not tampering.
//
// None of this is a signature: whoever can rewrite the file can recompute every hash.
// What it catches is an edit, insertion or deletion made without doing so (the sqlite3
// shell, a script, a copy cut short).
#include "journal/journal_record.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hm {

class JournalReader;

enum class CheckStatus { Pass, Warn, Fail, NotRun };

struct IntegrityCheck {
    std::string name;   // "audit chain", "tail seal"...
    CheckStatus status = CheckStatus::Pass;
    std::string detail; // what was found and where, e.g. "audit row 14: hash does not match its contents"
    std::int64_t seq = 0; // the record it concerns, 0 when none
};

struct JournalIntegrity {
    std::vector<IntegrityCheck> checks;

    bool failed() const;  // some check failed: the journal was altered
    bool warned() const;  // some warning (e.g. not closed cleanly), nothing failed
    const IntegrityCheck* firstFailure() const;
    const IntegrityCheck* find(const std::string& name) const;
    // One line: "intact", "intact; warning: session end: not closed cleanly..." or
    // "FAILED: audit chain: audit row 14: ...".
    std::string summary() const;
    // One line per check: "  pass  audit chain   12 rows chain from the genesis hash".
    std::string report() const;
    // What a replay found comparing the recorded state hashes with the rebuilt state.
    void addReplayResult(std::uint64_t checked, std::uint64_t differ, std::int64_t firstDifferSeq);
};

// The checks, in order: format, record sequence, tail seal, session end, audit chain,
// audit copies, audit triggers, state hashes. Reads the whole audit table, not the whole journal.
JournalIntegrity checkIntegrity(const JournalReader& reader);

// The seal a writer leaves in meta('seal') at a clean end, and reads back. While a
// session runs the value is "open"; a journal from before seals has no such row.
constexpr const char* kSealKey = "seal";
constexpr const char* kSealOpen = "open";
struct JournalSeal {
    std::int64_t rows = 0;        // events rows when sealed
    std::int64_t lastSeq = 0;     // the last record's seq
    std::int64_t stateHashes = 0; // state_hash rows among them
    std::string lastDigest;       // SHA-256 of the last record's columns
};
std::string formatSeal(const JournalSeal& seal); // "v1 rows=840 last=840 state_hashes=9 digest=…"
bool parseSeal(const std::string& text, JournalSeal& out);
std::string recordDigest(const JournalRecord& record); // over seq, time, kind and every column

} // namespace hm
