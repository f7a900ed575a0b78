#include "journal/journal_writer.h"
#include "model/thread_name.h"

#include "journal/audit_chain.h"
#include "journal/journal_codec.h"

#include "journal/sqlite_util.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace hm {

struct JournalWriter::Db {
    sqlite3* handle = nullptr;
    sqlite3_stmt* insert = nullptr;
    sqlite3_stmt* insertAudit = nullptr;
    ~Db()
    {
        sqlite3_finalize(insert);
        sqlite3_finalize(insertAudit);
        if (handle)
            sqlite3_close(handle);
    }
};

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_kinds(kind INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  seq    INTEGER PRIMARY KEY,
  ts_ns  INTEGER NOT NULL,
  kind   INTEGER NOT NULL,
  symbol TEXT,
  ref    TEXT,
  side   INTEGER,
  price  INTEGER,
  qty    INTEGER,
  aux    INTEGER,
  text   TEXT);
)sql";

// Schema 2: every human or automatic intervention, append-only and hash-chained.
const char* kAuditSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit(
  seq       INTEGER PRIMARY KEY,
  ts_ns     INTEGER NOT NULL,
  agent     TEXT,
  action    TEXT NOT NULL,
  who       TEXT,
  role      TEXT,
  reason    TEXT,
  state_before TEXT,
  state_after  TEXT,
  detail    TEXT,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
)sql";

bool looksLikeSqlite(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char head[16] = {};
    in.read(head, sizeof(head));
    return in.gcount() == 16 && std::string(head, 15) == "SQLite format 3";
}

std::string dirOf(const std::string& path)
{
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

} // namespace

JournalWriter::JournalWriter(JournalOptions options) : m_options(std::move(options)), m_db(new Db)
{
    const std::string& path = m_options.path;
    const std::string ctx = "journal '" + path + "'";
    if (path.empty())
        throw std::runtime_error("no journal path given");
    const bool exists = ::access(path.c_str(), F_OK) == 0;
    if (exists) {
        if (::access(path.c_str(), R_OK | W_OK) != 0)
            throw std::runtime_error(ctx + ": file exists but is not readable and writable");
        if (!looksLikeSqlite(path))
            throw std::runtime_error(ctx + ": file exists and is not a Helmsman journal (not an SQLite database); "
                                           "it was left untouched");
    } else {
        const std::string dir = dirOf(path);
        if (::access(dir.c_str(), F_OK) != 0)
            throw std::runtime_error(ctx + ": directory '" + dir + "' does not exist");
        if (::access(dir.c_str(), W_OK) != 0)
            throw std::runtime_error(ctx + ": directory '" + dir + "' is not writable");
    }
    if (sqlite3_open_v2(path.c_str(), &m_db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr)
        != SQLITE_OK)
        throw std::runtime_error(ctx + ": cannot open: " + sqlite3_errmsg(m_db->handle));
    sqlite3* db = m_db->handle;
    sqlite3_busy_timeout(db, 2000);
    if (exists) {
        // Check before writing anything: a foreign or newer file must stay as it was.
        const std::int64_t version = sql::scalar(db, "PRAGMA user_version", ctx);
        const std::int64_t hasEvents = sql::scalar(
            db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='events'", ctx);
        if (version > kJournalSchemaVersion)
            throw std::runtime_error(ctx + ": written by a newer Helmsman (schema " + std::to_string(version)
                                     + ", this build reads up to " + std::to_string(kJournalSchemaVersion)
                                     + "); it was left untouched");
        if (version == 0 || !hasEvents)
            throw std::runtime_error(ctx + ": SQLite database that is not a Helmsman journal; it was left untouched");
    }
    sql::exec(db, "PRAGMA journal_mode=WAL", ctx);
    // NORMAL in WAL mode: every commit survives a crash of this process; only an OS
    // crash or power loss can lose the last commits.
    sql::exec(db, "PRAGMA synchronous=NORMAL", ctx);
    // The journal only appends: the pages it touches are the tails of its tables and
    // indexes, which 4 MB holds. A larger cache only grows the process for hours (a 32 MB
    // cache was most of the window's growth in a 10-minute session at 20x).
    sql::exec(db, "PRAGMA cache_size=-4096", ctx);
    {
        sql::exec(db, "BEGIN", ctx);
        sql::exec(db, kSchema, ctx);
        sql::exec(db, kAuditSchema, ctx);
        sql::Statement kinds(db, "INSERT OR REPLACE INTO event_kinds(kind, name) VALUES(?, ?)", ctx);
        for (int k = 1; k <= kLastRecordKind; ++k) {
            sqlite3_bind_int(kinds.get(), 1, k);
            sqlite3_bind_text(kinds.get(), 2, toString(static_cast<RecordKind>(k)), -1, SQLITE_STATIC);
            sqlite3_step(kinds.get());
            sqlite3_reset(kinds.get());
        }
        sql::exec(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('format', 'helmsman-journal')", ctx);
        sql::exec(db, ("PRAGMA user_version=" + std::to_string(kJournalSchemaVersion)).c_str(), ctx);
        sql::exec(db, "COMMIT", ctx);
    }
    m_nextSeq = sql::scalar(db, "SELECT coalesce(max(seq), 0) FROM events", ctx) + 1;
    {
        sql::Statement last(db, "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1", ctx);
        m_auditHash = sqlite3_step(last.get()) == SQLITE_ROW
            ? std::string(reinterpret_cast<const char*>(sqlite3_column_text(last.get(), 0)))
            : std::string(kAuditGenesis);
    }
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO audit(seq, ts_ns, agent, action, who, role, reason, state_before, state_after, "
                           "detail, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &m_db->insertAudit, nullptr)
        != SQLITE_OK)
        throw std::runtime_error(ctx + ": " + sqlite3_errmsg(db));
    m_stats.lastCommittedSeq = m_nextSeq - 1;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO events(seq, ts_ns, kind, symbol, ref, side, price, qty, aux, text) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?)",
                           -1, &m_db->insert, nullptr)
        != SQLITE_OK)
        throw std::runtime_error(ctx + ": " + sqlite3_errmsg(db));
    m_queue.reserve(m_options.maxBatch);
}

JournalWriter::~JournalWriter() { stop(); }

void JournalWriter::start()
{
    if (m_running.exchange(true))
        return;
    m_thread = std::thread([this] {
        nameThisThread("hm-journal");
        run();
    });
}

void JournalWriter::stop()
{
    if (!m_running.exchange(false))
        return;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool JournalWriter::append(JournalRecord record)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_queue.size() >= m_options.capacity && isSheddable(record.kind)) {
        ++m_pendingDrops;
        ++m_stats.dropped;
        return false;
    }
    record.seq = m_nextSeq++;
    m_queue.push_back(std::move(record));
    ++m_stats.appended;
    const bool wake = m_queue.size() >= m_options.maxBatch;
    lock.unlock();
    if (wake)
        m_wake.notify_one();
    return true;
}

void JournalWriter::flush()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    const std::int64_t target = m_nextSeq - 1;
    m_wake.notify_one();
    m_committed.wait_for(lock, std::chrono::seconds(30), [&] { return m_stats.lastCommittedSeq >= target; });
}

JournalStats JournalWriter::stats() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    JournalStats s = m_stats;
    s.queued = m_queue.size();
    return s;
}

void JournalWriter::run()
{
    std::vector<JournalRecord> batch;
    batch.reserve(m_options.maxBatch);
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(m_options.flushIntervalMs),
                            [&] { return !m_running.load() || m_queue.size() >= m_options.maxBatch; });
            if (m_pendingDrops > 0) {
                JournalRecord d = encode(DroppedRecord{static_cast<std::int64_t>(m_pendingDrops)}, wallNs());
                d.seq = m_nextSeq++;
                m_queue.push_back(std::move(d));
                m_pendingDrops = 0;
            }
            batch.swap(m_queue);
            m_queue.reserve(m_options.maxBatch);
            if (batch.empty() && !m_running.load())
                break;
        }
        if (!batch.empty())
            writeBatch(batch);
        batch.clear();
    }
}

void JournalWriter::writeAudit(const JournalRecord& r)
{
    AuditEntry e;
    decode(r, e); // the chain keeps whatever the row holds, even a damaged one
    const std::string hash = auditHash(m_auditHash, r.seq, r.time, r.symbol, r.ref, r.text);
    sqlite3_stmt* st = m_db->insertAudit;
    sqlite3_bind_int64(st, 1, r.seq);
    sqlite3_bind_int64(st, 2, r.time);
    const std::string* texts[] = {&e.agent, &e.action, &e.who, &e.role, &e.reason, &e.stateBefore, &e.stateAfter,
                                  &e.detail, &m_auditHash, &hash};
    int column = 3;
    for (const std::string* t : texts)
        sqlite3_bind_text(st, column++, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        std::fprintf(stderr, "journal: audit insert of seq %lld failed: %s\n", static_cast<long long>(r.seq),
                     sqlite3_errmsg(m_db->handle));
    sqlite3_reset(st);
    m_auditHash = hash;
}

void JournalWriter::writeBatch(std::vector<JournalRecord>& batch)
{
    sqlite3* db = m_db->handle;
    sqlite3_stmt* st = m_db->insert;
    std::size_t i = 0;
    while (i < batch.size()) {
        const std::size_t batchStart = i;
        const std::size_t end = std::min(batch.size(), i + m_options.maxBatch);
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (; i < end; ++i) {
            const JournalRecord& r = batch[i];
            sqlite3_bind_int64(st, 1, r.seq);
            sqlite3_bind_int64(st, 2, r.time);
            sqlite3_bind_int(st, 3, static_cast<int>(r.kind));
            if (r.symbol.empty())
                sqlite3_bind_null(st, 4);
            else
                sqlite3_bind_text(st, 4, r.symbol.data(), static_cast<int>(r.symbol.size()), SQLITE_STATIC);
            if (r.ref.empty())
                sqlite3_bind_null(st, 5);
            else
                sqlite3_bind_text(st, 5, r.ref.data(), static_cast<int>(r.ref.size()), SQLITE_STATIC);
            if (r.side < 0)
                sqlite3_bind_null(st, 6);
            else
                sqlite3_bind_int(st, 6, r.side);
            sqlite3_bind_int64(st, 7, r.price);
            sqlite3_bind_int64(st, 8, r.qty);
            sqlite3_bind_int64(st, 9, r.aux);
            if (r.text.empty())
                sqlite3_bind_null(st, 10);
            else
                sqlite3_bind_text(st, 10, r.text.data(), static_cast<int>(r.text.size()), SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                std::fprintf(stderr, "journal: insert of seq %lld failed: %s\n", static_cast<long long>(r.seq),
                             sqlite3_errmsg(db));
            sqlite3_reset(st);
            if (r.kind == RecordKind::Audit)
                writeAudit(r);
        }
        const bool ok = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
        if (!ok) {
            std::fprintf(stderr, "journal: commit failed: %s\n", sqlite3_errmsg(db));
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        }
        std::lock_guard<std::mutex> lock(m_mutex);
        if (ok) {
            m_stats.lastCommittedSeq = batch[end - 1].seq;
            m_stats.written += end - batchStart;
            ++m_stats.batches;
        }
        m_committed.notify_all();
    }
}

} // namespace hm
