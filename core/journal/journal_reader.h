#pragma once
// Read-only access to a journal. Opening never modifies the file, and creates no -wal
// or -shm beside one that had none (see the constructor). Whether the file is what its
// session wrote is checkIntegrity() in journal_integrity.h.
#include "journal/audit_chain.h"
#include "journal/journal_record.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace hm {

struct JournalIntegrity;

class JournalReader {
public:
    // Throws std::runtime_error naming the file and what is wrong with it.
    explicit JournalReader(const std::string& path);
    ~JournalReader();

    int schemaVersion() const { return m_version; }
    std::int64_t count() const;
    std::int64_t count(RecordKind kind) const;
    std::int64_t maxSeq() const;
    std::string integrityCheck() const; // "ok" when sound
    // Calls back for each record with seq in [fromSeq, toSeq], in order (the callback
    // may take the record over). Throws, naming the place, when the file turns out
    // damaged part-way. One thread at a time per reader.
    void forEach(std::int64_t fromSeq, std::int64_t toSeq, const std::function<void(JournalRecord&)>& f) const;
    // The same for records of the given kinds only (whole journal).
    void forEachOfKinds(const std::vector<RecordKind>& kinds, const std::function<void(const JournalRecord&)>& f) const;
    Timestamp timeOf(std::int64_t seq) const; // 0 when there is no such record
    std::int64_t minSeq() const;
    // The first record at or after a time (records are appended in time order).
    std::int64_t seqAtTime(Timestamp time) const;
    // Records per equal slice of [start, end].
    std::vector<std::int64_t> density(Timestamp start, Timestamp end, int buckets) const;
    std::vector<JournalRecord> records(RecordKind kind, std::size_t limit = 1000000) const;
    // Recomputes the audit hash chain and compares each row with its copy in the
    // event stream; names the first row that was edited, inserted or deleted.
    AuditCheck verifyAudit() const;

    const std::string& path() const { return m_path; }

private:
    friend JournalIntegrity checkIntegrity(const JournalReader& reader);
    sqlite3* handle() const;
    struct Db;
    std::unique_ptr<Db> m_db;
    std::string m_path;
    int m_version = 0;
};

} // namespace hm
