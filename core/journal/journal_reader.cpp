#include "journal/journal_reader.h"

#include "journal/sqlite_util.h"

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
    if (sqlite3_open_v2(path.c_str(), &m_db->handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
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
                            const std::function<void(const JournalRecord&)>& f) const
{
    sql::Statement s(m_db->handle,
                     "SELECT seq, ts_ns, kind, symbol, ref, side, price, qty, aux, text FROM events "
                     "WHERE seq BETWEEN ? AND ? ORDER BY seq",
                     "journal '" + m_path + "'");
    sqlite3_bind_int64(s.get(), 1, fromSeq);
    sqlite3_bind_int64(s.get(), 2, toSeq);
    while (sqlite3_step(s.get()) == SQLITE_ROW)
        f(readRow(s.get()));
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
    while (sqlite3_step(s.get()) == SQLITE_ROW)
        out.push_back(readRow(s.get()));
    return out;
}

} // namespace hm
