#include "journal/journal_integrity.h"

#include "journal/audit_chain.h"
#include "journal/journal_codec.h"
#include "journal/journal_reader.h"
#include "journal/sqlite_util.h"

#include <openssl/evp.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace hm {
namespace {

std::string sha256Hex(const std::string& payload)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(payload.data(), payload.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string column(sqlite3_stmt* st, int col)
{
    const unsigned char* t = sqlite3_column_text(st, col);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
}

bool hasTable(sqlite3* db, const char* name, const std::string& ctx)
{
    sql::Statement s(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", ctx);
    sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
    return sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_int64(s.get(), 0) > 0;
}

bool hasTrigger(sqlite3* db, const char* name, const std::string& ctx)
{
    sql::Statement s(db, "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name=?", ctx);
    sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
    return sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_int64(s.get(), 0) > 0;
}

// meta(key), or nothing when the table or the row is missing.
bool metaValue(sqlite3* db, const char* key, std::string& out, const std::string& ctx)
{
    if (!hasTable(db, "meta", ctx))
        return false;
    sql::Statement s(db, "SELECT value FROM meta WHERE key=?", ctx);
    sqlite3_bind_text(s.get(), 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s.get()) != SQLITE_ROW)
        return false;
    out = column(s.get(), 0);
    return true;
}

IntegrityCheck pass(const char* name, std::string detail) { return {name, CheckStatus::Pass, std::move(detail), 0}; }
IntegrityCheck fail(const char* name, std::string detail, std::int64_t seq = 0)
{
    return {name, CheckStatus::Fail, std::move(detail), seq};
}

IntegrityCheck checkFormat(sqlite3* db, int schema, const std::string& ctx)
{
    if (!hasTable(db, "meta", ctx))
        return fail("format", "the meta table is missing (it names the file a Helmsman journal)");
    std::string format;
    if (!metaValue(db, "format", format, ctx))
        return fail("format", "meta has no 'format' row");
    if (format != "helmsman-journal")
        return fail("format", "meta format is '" + format + "', not 'helmsman-journal'");
    return pass("format", "helmsman-journal, schema " + std::to_string(schema));
}

IntegrityCheck checkSequence(sqlite3* db, const std::string& ctx)
{
    sql::Statement s(db, "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM events", ctx);
    sqlite3_step(s.get());
    const std::int64_t n = sqlite3_column_int64(s.get(), 0), lo = sqlite3_column_int64(s.get(), 1),
                       hi = sqlite3_column_int64(s.get(), 2);
    if (n == 0)
        return pass("record sequence", "no records");
    if (lo != 1)
        return fail("record sequence", "records 1.." + std::to_string(lo - 1) + " are missing (the first is " + std::to_string(lo) + ")", 1);
    if (n != hi - lo + 1) {
        sql::Statement gap(db, "SELECT e.seq + 1 FROM events e WHERE e.seq < ?1 AND NOT EXISTS "
                               "(SELECT 1 FROM events f WHERE f.seq = e.seq + 1) ORDER BY e.seq LIMIT 1", ctx);
        sqlite3_bind_int64(gap.get(), 1, hi);
        const std::int64_t first = sqlite3_step(gap.get()) == SQLITE_ROW ? sqlite3_column_int64(gap.get(), 0) : 0;
        return fail("record sequence", "record " + std::to_string(first) + " is missing (" + std::to_string(hi - lo + 1 - n)
                        + " of records 1.." + std::to_string(hi) + " in all)", first);
    }
    return pass("record sequence", "records 1.." + std::to_string(hi) + " without a gap");
}

// The chain (each row's hash covers the previous hash and the row) and the copies (each
// audit row equals the audit event of the same seq), in one pass over the audit table.
void checkAudit(sqlite3* db, int schema, const std::string& ctx, std::vector<IntegrityCheck>& out)
{
    if (!hasTable(db, "audit", ctx)) {
        if (schema < 2) {
            out.push_back(pass("audit chain", "schema 1 journal: no audit table"));
            out.push_back(pass("audit copies", "schema 1 journal: no audit table"));
        } else {
            out.push_back(fail("audit chain", "the audit table is missing (dropped)"));
            out.push_back(fail("audit copies", "the audit table is missing (dropped)"));
        }
        out.push_back({"audit triggers", CheckStatus::NotRun, "no audit table", 0});
        return;
    }
    IntegrityCheck chain = pass("audit chain", "");
    IntegrityCheck copies = pass("audit copies", "");
    sql::Statement rows(db, "SELECT a.seq, a.ts_ns, a.agent, a.action, a.prev_hash, a.hash, e.text, e.ts_ns, e.symbol, "
                            "e.ref, a.who, a.role, a.reason, a.state_before, a.state_after, a.detail, e.kind "
                            "FROM audit a LEFT JOIN events e ON e.seq = a.seq ORDER BY a.seq", ctx);
    std::string previous = kAuditGenesis;
    std::int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW) {
        sqlite3_stmt* st = rows.get();
        const std::int64_t seq = sqlite3_column_int64(st, 0);
        const Timestamp ts = sqlite3_column_int64(st, 1);
        const std::string where = "audit row " + std::to_string(seq) + ": ";
        const bool hasCopy = sqlite3_column_type(st, 16) != SQLITE_NULL;
        ++n;
        if (chain.status == CheckStatus::Pass) {
            if (column(st, 4) != previous)
                chain = fail("audit chain", where + "does not chain to the row before it (a row before it was removed or changed)", seq);
            else if (hasCopy && auditHash(previous, seq, ts, column(st, 2), column(st, 3), column(st, 6)) != column(st, 5))
                chain = fail("audit chain", where + "hash does not match its contents (edited)", seq);
        }
        previous = column(st, 5);
        if (copies.status != CheckStatus::Pass)
            continue;
        if (!hasCopy) {
            copies = fail("audit copies", where + "has no copy in events (inserted, or its event deleted)", seq);
            continue;
        }
        if (sqlite3_column_int(st, 16) != static_cast<int>(RecordKind::Audit)) {
            copies = fail("audit copies", where + "record " + std::to_string(seq) + " in events is not an audit event", seq);
            continue;
        }
        JournalRecord r;
        r.seq = seq;
        r.kind = RecordKind::Audit;
        r.time = sqlite3_column_int64(st, 7);
        r.symbol = column(st, 8);
        r.ref = column(st, 9);
        r.text = column(st, 6);
        AuditEntry e;
        if (!decode(r, e)) {
            copies = fail("audit copies", where + "its copy in events is not an audit entry", seq);
            continue;
        }
        const std::pair<const char*, bool> fields[] = {
            {"time", r.time == ts},         {"agent", e.agent == column(st, 2)},
            {"action", e.action == column(st, 3)}, {"who", e.who == column(st, 10)},
            {"role", e.role == column(st, 11)},    {"reason", e.reason == column(st, 12)},
            {"state before", e.stateBefore == column(st, 13)}, {"state after", e.stateAfter == column(st, 14)},
            {"detail", e.detail == column(st, 15)}};
        for (const auto& [field, same] : fields)
            if (!same) {
                copies = fail("audit copies", where + field + " differs from its copy in events (edited)", seq);
                break;
            }
    }
    if (rc != SQLITE_DONE)
        throw std::runtime_error(ctx + ": damaged audit table (" + sqlite3_errmsg(db) + ")");
    IntegrityCheck guard = pass("audit triggers", "the audit table is append-only");
    for (const char* trigger : {"audit_no_update", "audit_no_delete"})
        if (!hasTrigger(db, trigger, ctx)) {
            guard = fail("audit triggers", std::string("the append-only trigger ") + trigger
                                               + " was dropped (the audit table was opened to edits)");
            break;
        }
    if (chain.status == CheckStatus::Pass)
        chain.detail = std::to_string(n) + " rows chain from the genesis hash";
    if (copies.status == CheckStatus::Pass) {
        sql::Statement orphan(db, "SELECT coalesce(min(seq), 0) FROM events WHERE kind = ? AND seq NOT IN (SELECT seq FROM audit)", ctx);
        sqlite3_bind_int(orphan.get(), 1, static_cast<int>(RecordKind::Audit));
        sqlite3_step(orphan.get());
        const std::int64_t seq = sqlite3_column_int64(orphan.get(), 0);
        if (seq > 0)
            copies = fail("audit copies", "record " + std::to_string(seq) + " is an audit event with no audit row (the row was deleted)", seq);
        else
            copies.detail = std::to_string(n) + " rows equal their copies in events";
    }
    out.push_back(chain);
    out.push_back(copies);
    out.push_back(guard);
}

struct SealState {
    enum class Kind { Absent, Open, Sealed, Unreadable } kind = Kind::Absent;
    std::string text;
    JournalSeal seal;
};

SealState readSeal(sqlite3* db, const std::string& ctx)
{
    SealState s;
    if (!metaValue(db, kSealKey, s.text, ctx))
        return s;
    if (s.text == kSealOpen)
        s.kind = SealState::Kind::Open;
    else
        s.kind = parseSeal(s.text, s.seal) ? SealState::Kind::Sealed : SealState::Kind::Unreadable;
    return s;
}

IntegrityCheck checkStateHashes(const JournalReader& reader, const SealState& seal)
{
    const std::int64_t n = reader.count(RecordKind::StateHash);
    if (seal.kind == SealState::Kind::Sealed && n != seal.seal.stateHashes)
        return fail("state hashes", std::to_string(seal.seal.stateHashes) + " recorded when the journal was sealed, "
                                        + std::to_string(n) + " now (rows were " + (n < seal.seal.stateHashes ? "deleted)" : "added)"));
    if (n == 0) {
        // A live session records one about every second and one as it stops.
        const Timestamp span = reader.timeOf(reader.maxSeq()) - reader.timeOf(reader.minSeq());
        if (span > 2'000'000'000LL) {
            char seconds[32];
            std::snprintf(seconds, sizeof(seconds), "%.1f", static_cast<double>(span) / 1e9);
            return fail("state hashes", std::string("none in a session of ") + seconds
                                            + " s (a live session records one every second and one at its end: they were deleted)");
        }
        return pass("state hashes", "none (a session under 2 s)");
    }
    return pass("state hashes", std::to_string(n) + " recorded (compared with the state when the journal is replayed)");
}

IntegrityCheck checkSessionEnd(const SealState& seal)
{
    switch (seal.kind) {
    case SealState::Kind::Absent:
        return {"session end", CheckStatus::Warn, "no seal (older build or not closed cleanly)", 0};
    case SealState::Kind::Open:
        return {"session end", CheckStatus::Warn,
                "not closed cleanly: the session ended without a clean shutdown (a crash or a kill) or is still "
                "running, so its last records may be missing and its end cannot be proven",
                0};
    case SealState::Kind::Unreadable:
        return fail("session end", "the seal in meta is not one this build writes ('" + seal.text.substr(0, 80) + "')");
    case SealState::Kind::Sealed:
        break;
    }
    return pass("session end", "closed cleanly after record " + std::to_string(seal.seal.lastSeq));
}

IntegrityCheck checkTail(const JournalReader& reader, const SealState& seal)
{
    if (seal.kind != SealState::Kind::Sealed)
        return {"tail seal", CheckStatus::NotRun, "no seal to check the end against", 0};
    const JournalSeal& s = seal.seal;
    const std::int64_t rows = reader.count(), last = reader.maxSeq();
    if (rows != s.rows || last != s.lastSeq) {
        std::string why = last < s.lastSeq ? "rows were cut off the end"
            : last > s.lastSeq             ? "rows were added after the seal"
            : rows < s.rows                ? "rows were deleted"
                                           : "rows were inserted";
        return fail("tail seal", "sealed with " + std::to_string(s.rows) + " rows ending at record " + std::to_string(s.lastSeq)
                                     + "; now " + std::to_string(rows) + " rows ending at record " + std::to_string(last) + " ("
                                     + why + ")",
                    std::min(last, s.lastSeq));
    }
    std::string digest;
    reader.forEach(s.lastSeq, s.lastSeq, [&](JournalRecord& r) { digest = recordDigest(r); });
    if (digest != s.lastDigest)
        return fail("tail seal", "record " + std::to_string(s.lastSeq) + ", the last one sealed, was changed", s.lastSeq);
    return pass("tail seal", std::to_string(s.rows) + " rows, the last (record " + std::to_string(s.lastSeq) + ") as sealed");
}

const char* statusWord(CheckStatus s)
{
    switch (s) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Warn: return "WARN";
    case CheckStatus::Fail: return "FAIL";
    case CheckStatus::NotRun: return "-";
    }
    return "?";
}

} // namespace

bool JournalIntegrity::failed() const { return firstFailure() != nullptr; }

bool JournalIntegrity::warned() const
{
    if (failed())
        return false;
    for (const auto& c : checks)
        if (c.status == CheckStatus::Warn)
            return true;
    return false;
}

const IntegrityCheck* JournalIntegrity::firstFailure() const
{
    for (const auto& c : checks)
        if (c.status == CheckStatus::Fail)
            return &c;
    return nullptr;
}

const IntegrityCheck* JournalIntegrity::find(const std::string& name) const
{
    for (const auto& c : checks)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::string JournalIntegrity::summary() const
{
    std::string failures, warnings;
    for (const auto& c : checks) {
        std::string& to = c.status == CheckStatus::Fail ? failures : warnings;
        if (c.status == CheckStatus::Fail || c.status == CheckStatus::Warn)
            to += (to.empty() ? "" : "; ") + c.name + ": " + c.detail;
    }
    if (!failures.empty())
        return "FAILED: " + failures + (warnings.empty() ? "" : "; warning: " + warnings);
    return warnings.empty() ? std::string("intact") : "intact; warning: " + warnings;
}

std::string JournalIntegrity::report() const
{
    std::ostringstream out;
    for (const auto& c : checks) {
        out << "  " << statusWord(c.status) << std::string(6 - std::string(statusWord(c.status)).size(), ' ') << c.name
            << std::string(c.name.size() < 17 ? 17 - c.name.size() : 1, ' ') << c.detail << "\n";
    }
    return out.str();
}

void JournalIntegrity::addReplayResult(std::uint64_t checked, std::uint64_t differ, std::int64_t firstDifferSeq)
{
    IntegrityCheck c{"state replayed", CheckStatus::Pass, "", 0};
    if (differ > 0) {
        c.status = CheckStatus::Fail;
        c.seq = firstDifferSeq;
        c.detail = std::to_string(differ) + " of " + std::to_string(checked)
            + " recorded state hashes differ from the replayed state (first at record " + std::to_string(firstDifferSeq) + ")";
    } else {
        c.detail = std::to_string(checked) + " of " + std::to_string(checked) + " recorded state hashes match the replayed state";
    }
    for (auto& existing : checks)
        if (existing.name == c.name) {
            existing = c;
            return;
        }
    checks.push_back(c);
}

JournalIntegrity checkIntegrity(const JournalReader& reader)
{
    const std::string ctx = "journal '" + reader.path() + "'";
    sqlite3* db = reader.handle();
    JournalIntegrity out;
    const SealState seal = readSeal(db, ctx);
    out.checks.push_back(checkFormat(db, reader.schemaVersion(), ctx));
    out.checks.push_back(checkSequence(db, ctx));
    out.checks.push_back(checkTail(reader, seal));
    out.checks.push_back(checkSessionEnd(seal));
    checkAudit(db, reader.schemaVersion(), ctx, out.checks);
    out.checks.push_back(checkStateHashes(reader, seal));
    return out;
}

std::string formatSeal(const JournalSeal& s)
{
    return "v1 rows=" + std::to_string(s.rows) + " last=" + std::to_string(s.lastSeq) + " state_hashes="
        + std::to_string(s.stateHashes) + " digest=" + s.lastDigest;
}

bool parseSeal(const std::string& text, JournalSeal& out)
{
    std::istringstream in(text);
    std::string version, rows, last, hashes, digest;
    if (!(in >> version >> rows >> last >> hashes >> digest) || version != "v1")
        return false;
    auto number = [](const std::string& field, const char* key, std::int64_t& v) {
        const std::string prefix = std::string(key) + "=";
        if (field.compare(0, prefix.size(), prefix) != 0)
            return false;
        try {
            std::size_t used = 0;
            v = std::stoll(field.substr(prefix.size()), &used);
            return used == field.size() - prefix.size();
        } catch (const std::exception&) {
            return false;
        }
    };
    JournalSeal s;
    if (!number(rows, "rows", s.rows) || !number(last, "last", s.lastSeq) || !number(hashes, "state_hashes", s.stateHashes)
        || digest.compare(0, 7, "digest=") != 0 || digest.size() != 7 + 64)
        return false;
    s.lastDigest = digest.substr(7);
    out = s;
    return true;
}

std::string recordDigest(const JournalRecord& r)
{
    return sha256Hex(std::to_string(r.seq) + '\n' + std::to_string(r.time) + '\n' + std::to_string(static_cast<int>(r.kind))
                     + '\n' + r.symbol + '\n' + r.ref + '\n' + std::to_string(r.side) + '\n' + std::to_string(r.price) + '\n'
                     + std::to_string(r.qty) + '\n' + std::to_string(r.aux) + '\n' + r.text);
}

} // namespace hm
