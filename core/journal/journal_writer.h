#pragma once
// Writes journal records to SQLite (WAL) from its own thread, in batched
// transactions. append() never touches disk: it queues and returns. When the queue
// is over capacity, sheddable records (market data, log lines) are dropped and
// counted, and a Dropped record says how many; orders, executions, session and
// operator records are always kept.
#include "journal/journal_record.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hm {

struct JournalOptions {
    std::string path;
    std::size_t capacity = 1 << 20;  // queued records before shedding market data
    std::size_t maxBatch = 16384;    // records per transaction at most
    int flushIntervalMs = 20;        // a batch commits at least this often
};

struct JournalStats {
    std::uint64_t appended = 0;
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;
    std::uint64_t batches = 0;
    std::int64_t lastCommittedSeq = 0;
    std::size_t queued = 0;
};

class JournalWriter {
public:
    // Opens or creates the journal; throws std::runtime_error naming the path and the
    // problem (unwritable, not a journal, newer schema). An existing file is never
    // altered unless it is a journal of this schema.
    explicit JournalWriter(JournalOptions options);
    ~JournalWriter();
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    void start();
    void stop(); // drains the queue, then seals the journal (see journal_integrity.h)
    bool append(JournalRecord record);
    void flush(); // waits until everything appended so far is committed (tests, shutdown)

    JournalStats stats() const;
    const std::string& path() const { return m_options.path; }

private:
    void run();
    void writeBatch(std::vector<JournalRecord>& batch);
    void writeAudit(const JournalRecord& record); // writer thread, inside the batch transaction
    void seal(); // after the last batch: meta('seal') proves the row count and the last record
    bool m_sealed = false;
    std::string m_auditHash; // hash of the last audit row (writer thread)

    struct Db;
    JournalOptions m_options;
    std::unique_ptr<Db> m_db;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_committed;
    std::vector<JournalRecord> m_queue;
    std::int64_t m_nextSeq = 1;
    std::uint64_t m_pendingDrops = 0;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
    JournalStats m_stats;
};

} // namespace hm
