#include "journal/journal_reader.h"

#include "journal/journal_codec.h"
#include "journal/sqlite_util.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace hm {

struct JournalReader::Db {
    sqlite3* handle = nullptr;
    ~Db()
    {
        if (handle)
            sqlite3_close(handle);
    }
};

JournalReader::JournalReader(const std::string& path) : m_db(new Db), m_path(path)
{
    const std::string ctx = "journal '" + path + "'";
    if (::access(path.c_str(), R_OK) != 0)
        throw std::runtime_error(ctx + ": file not found or not readable");
    {
        std::ifstream in(path, std::ios::binary);
        char head[16] = {};
        in.read(head, sizeof(head));
        if (in.gcount() < 16 || std::string(head, 15) != "SQLite format 3")
            throw std::runtime_error(ctx + ": not a Helmsman journal (not an SQLite database)");
    }
    if (sqlite3_open_v2(path.c_str(), &m_db->handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        throw std::runtime_error(ctx + ": cannot open: " + sqlite3_errmsg(m_db->handle));
    sqlite3_busy_timeout(m_db->handle, 2000);
    try {
        m_version = static_cast<int>(sql::scalar(m_db->handle, "PRAGMA user_version", ctx));
        const std::int64_t hasEvents = sql::scalar(
            m_db->handle, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='events'", ctx);
        if (m_version > kJournalSchemaVersion)
            throw std::runtime_error(ctx + ": written by a newer Helmsman (schema " + std::to_string(m_version)
                                     + ", this build reads up to " + std::to_string(kJournalSchemaVersion) + ")");
        if (m_version == 0 || !hasEvents)
            throw std::runtime_error(ctx + ": SQLite database that is not a Helmsman journal");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        if (what.find("not a database") != std::string::npos || what.find("malformed") != std::string::npos)
            throw std::runtime_error(ctx + ": damaged or truncated (" + what + ")");
        throw;
    }
}

JournalReader::~JournalReader() = default;

std::int64_t JournalReader::count() const
{
    return sql::scalar(m_db->handle, "SELECT count(*) FROM events", "journal '" + m_path + "'");
}

std::int64_t JournalReader::count(RecordKind kind) const
{
    sql::Statement s(m_db->handle, "SELECT count(*) FROM events WHERE kind = ?", "journal '" + m_path + "'");
    sqlite3_bind_int(s.get(), 1, static_cast<int>(kind));
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

std::int64_t JournalReader::maxSeq() const
{
    return sql::scalar(m_db->handle, "SELECT coalesce(max(seq), 0) FROM events", "journal '" + m_path + "'");
}

std::string JournalReader::integrityCheck() const
{
    sql::Statement s(m_db->handle, "PRAGMA integrity_check", "journal '" + m_path + "'");
    std::string out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(s.get(), 0);
        out += (out.empty() ? "" : "; ") + std::string(t ? reinterpret_cast<const char*>(t) : "");
    }
    return out;
}

namespace {
JournalRecord readRow(sqlite3_stmt* st)
{
    auto text = [st](int col) {
        const unsigned char* t = sqlite3_column_text(st, col);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    JournalRecord r;
    r.seq = sqlite3_column_int64(st, 0);
    r.time = sqlite3_column_int64(st, 1);
    r.kind = static_cast<RecordKind>(sqlite3_column_int(st, 2));
    r.symbol = text(3);
    r.ref = text(4);
    r.side = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
    r.price = sqlite3_column_int64(st, 6);
    r.qty = sqlite3_column_int64(st, 7);
    r.aux = sqlite3_column_int64(st, 8);
    r.text = text(9);
    return r;
}
} // namespace

void JournalReader::forEach(std::int64_t fromSeq, std::int64_t toSeq,
                            const std::function<void(JournalRecord&)>& f) const
{
    sql::Statement s(m_db->handle,
                     "SELECT seq, ts_ns, kind, symbol, ref, side, price, qty, aux, text FROM events "
                     "WHERE seq BETWEEN ? AND ? ORDER BY seq",
                     "journal '" + m_path + "'");
    sqlite3_bind_int64(s.get(), 1, fromSeq);
    sqlite3_bind_int64(s.get(), 2, toSeq);
    int rc;
    std::int64_t last = fromSeq - 1;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        JournalRecord r = readRow(s.get());
        last = r.seq;
        f(r);
    }
    if (rc != SQLITE_DONE)
        throw std::runtime_error("journal '" + m_path + "': damaged after record " + std::to_string(last) + " ("
                                 + sqlite3_errmsg(m_db->handle) + ")");
}

void JournalReader::forEachOfKinds(const std::vector<RecordKind>& kinds,
                                   const std::function<void(const JournalRecord&)>& f) const
{
    std::string list;
    for (RecordKind k : kinds)
        list += (list.empty() ? "" : ",") + std::to_string(static_cast<int>(k));
    const std::string sqlText = "SELECT seq, ts_ns, kind, symbol, ref, side, price, qty, aux, text FROM events "
                                "WHERE kind IN (" + list + ") ORDER BY seq";
    sql::Statement s(m_db->handle, sqlText.c_str(), "journal '" + m_path + "'");
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        f(readRow(s.get()));
    if (rc != SQLITE_DONE)
        throw std::runtime_error("journal '" + m_path + "': damaged (" + sqlite3_errmsg(m_db->handle) + ")");
}

Timestamp JournalReader::timeOf(std::int64_t seq) const
{
    sql::Statement s(m_db->handle, "SELECT ts_ns FROM events WHERE seq >= ? ORDER BY seq LIMIT 1", "journal '" + m_path + "'");
    sqlite3_bind_int64(s.get(), 1, seq);
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

std::int64_t JournalReader::minSeq() const
{
    return sql::scalar(m_db->handle, "SELECT coalesce(min(seq), 0) FROM events", "journal '" + m_path + "'");
}

std::int64_t JournalReader::seqAtTime(Timestamp time) const
{
    std::int64_t lo = minSeq(), hi = maxSeq(); // binary search on the primary key: no index on time needed
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (timeOf(mid) < time)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::vector<std::int64_t> JournalReader::density(Timestamp start, Timestamp end, int buckets) const
{
    std::vector<std::int64_t> out(static_cast<std::size_t>(std::max(1, buckets)), 0);
    if (end <= start)
        return out;
    sql::Statement s(m_db->handle,
                     "SELECT min(?3 - 1, max(0, (ts_ns - ?1) * ?3 / (?2 - ?1 + 1))) AS b, count(*) FROM events GROUP BY b",
                     "journal '" + m_path + "'");
    sqlite3_bind_int64(s.get(), 1, start);
    sqlite3_bind_int64(s.get(), 2, end);
    sqlite3_bind_int64(s.get(), 3, static_cast<std::int64_t>(out.size()));
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        const std::int64_t b = sqlite3_column_int64(s.get(), 0);
        if (b >= 0 && b < static_cast<std::int64_t>(out.size()))
            out[static_cast<std::size_t>(b)] += sqlite3_column_int64(s.get(), 1);
    }
    return out;
}

std::vector<JournalRecord> JournalReader::records(RecordKind kind, std::size_t limit) const
{
    sql::Statement s(m_db->handle,
                     "SELECT seq, ts_ns, kind, symbol, ref, side, price, qty, aux, text FROM events "
                     "WHERE kind = ? ORDER BY seq LIMIT ?",
                     "journal '" + m_path + "'");
    sqlite3_bind_int(s.get(), 1, static_cast<int>(kind));
    sqlite3_bind_int64(s.get(), 2, static_cast<std::int64_t>(limit));
    std::vector<JournalRecord> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        out.push_back(readRow(s.get()));
    if (rc != SQLITE_DONE)
        throw std::runtime_error("journal '" + m_path + "': damaged (" + sqlite3_errmsg(m_db->handle) + ")");
    return out;
}

AuditCheck JournalReader::verifyAudit() const
{
    AuditCheck c;
    const std::string ctx = "journal '" + m_path + "'";
    sqlite3* db = m_db->handle;
    if (sql::scalar(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='audit'", ctx) == 0) {
        c.message = m_version < 2 ? "schema " + std::to_string(m_version) + " journal: no audit table" : "audit table missing";
        c.ok = m_version < 2;
        return c;
    }
    auto fail = [&](std::int64_t seq, const std::string& what) {
        c.ok = false;
        c.firstBadSeq = seq;
        c.message = "audit row " + std::to_string(seq) + ": " + what;
        return c;
    };
    sql::Statement rows(db, "SELECT a.seq, a.ts_ns, a.agent, a.action, a.prev_hash, a.hash, e.text, e.ts_ns, e.symbol, e.ref, "
                            "a.who, a.role, a.reason, a.state_before, a.state_after, a.detail "
                            "FROM audit a LEFT JOIN events e ON e.seq = a.seq ORDER BY a.seq", ctx);
    auto text = [&](int col) {
        const unsigned char* t = sqlite3_column_text(rows.get(), col);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    std::string previous = kAuditGenesis;
    while (sqlite3_step(rows.get()) == SQLITE_ROW) {
        const std::int64_t seq = sqlite3_column_int64(rows.get(), 0);
        const Timestamp ts = sqlite3_column_int64(rows.get(), 1);
        ++c.rows;
        if (sqlite3_column_type(rows.get(), 6) == SQLITE_NULL && sqlite3_column_type(rows.get(), 7) == SQLITE_NULL)
            return fail(seq, "has no matching event (inserted outside the program)");
        if (text(4) != previous)
            return fail(seq, "previous-hash link broken (a row before it was removed or changed)");
        JournalRecord r;
        r.kind = RecordKind::Audit;
        r.time = sqlite3_column_int64(rows.get(), 7);
        r.symbol = text(8);
        r.ref = text(9);
        r.text = text(6);
        AuditEntry e;
        if (!decode(r, e))
            return fail(seq, "event text is not an audit entry");
        if (r.time != ts || e.agent != text(2) || e.action != text(3) || e.who != text(10) || e.role != text(11)
            || e.reason != text(12) || e.stateBefore != text(13) || e.stateAfter != text(14) || e.detail != text(15))
            return fail(seq, "differs from its copy in the event stream (edited)");
        if (auditHash(previous, seq, ts, text(2), text(3), r.text) != text(5))
            return fail(seq, "hash does not match its contents (edited)");
        previous = text(5);
    }
    const std::int64_t events = count(RecordKind::Audit);
    if (events != c.rows) {
        c.ok = false;
        c.message = std::to_string(events) + " audit events but " + std::to_string(c.rows)
            + " audit rows (rows were deleted)";
        return c;
    }
    c.message = std::to_string(c.rows) + " audit rows verified";
    return c;
}

} // namespace hm
