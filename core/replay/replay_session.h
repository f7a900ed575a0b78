#pragma once
// Replays a journal through a real Engine (config.replay): the engine rebuilds the
// session's state from the records and publishes snapshots exactly as a live session
// does, so every panel of the window works unchanged. A player thread reads the
// journal and paces it (1x..1000x, or as fast as possible); seeking restores the
// nearest checkpoint (a copy of the engine's state taken every N records) and plays
// forward from there. The journal is opened read-only and never modified, and is
// checked for tampering when opened (integrity()): a journal that fails still replays,
// so that the analyst can look, but every view of it says which check failed.
#include "engine/engine_commands.h"
#include "engine/engine_config.h"
#include "journal/journal_integrity.h"
#include "replay/timeline.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hm {

class Engine;
class JournalReader;
class OrderGateway;
struct EngineState;

struct ReplayOptions {
    std::int64_t checkpointEvery = 100000; // records between state checkpoints
    std::size_t chunk = 8192;               // records read and handed over at once
    int snapshotHz = 30;
    int timelineBuckets = 400;
};

class ReplaySession {
public:
    // Throws std::runtime_error naming the file and what is wrong with it.
    explicit ReplaySession(const std::string& path, ReplayOptions options = {});
    ~ReplaySession();
    ReplaySession(const ReplaySession&) = delete;
    ReplaySession& operator=(const ReplaySession&) = delete;

    EngineCommands& engine(); // what the window and tests may ask of the replayed engine
    const EngineConfig& config() const { return m_config; }
    const std::string& path() const { return m_path; }
    Timeline timeline() const;
    // The checks run when the journal was opened (journal_integrity.h); the replayed
    // state's comparison with the recorded hashes is in the snapshots' ReplayView.
    const JournalIntegrity& integrity() const { return m_integrity; }

    void start(); // the engine and the player; paused before the first record
    void stop();

    void play();
    void pause();
    bool playing() const { return m_playing.load(); }
    void setSpeed(double speed); // replay seconds per wall second; 0 = as fast as possible
    double speed() const { return m_speed.load(); }
    void step(std::int64_t records = 1);
    void seek(std::int64_t seq); // the state right after record `seq`
    void seekTime(Timestamp time);
    // Keep reading as a live session appends to the journal.
    void setFollow(bool follow) { m_follow = follow; m_wake.notify_all(); }

    std::int64_t position() const; // last record applied
    std::int64_t lastSeq() const { return m_lastSeq.load(); }
    std::size_t checkpoints() const;
    std::string error() const; // set when the journal turned out damaged part-way

    // Synchronous helpers (tests, benchmarks, headless): return once the engine has
    // applied everything up to there.
    void runTo(std::int64_t seq);
    void waitApplied(std::int64_t seq) const;
    // Plays the whole journal once at full speed to lay checkpoints along it, then
    // returns to where it was: afterwards every seek is a restore plus a short replay.
    void buildIndex();

private:
    void run();
    void readAhead(std::int64_t from);
    // A market message's records (its levels and trades) share a time and a symbol and
    // the engine takes them as one message. A batch cut for the player's own reasons (a
    // checkpoint due, the read-ahead used up) takes the rest of its last message, up to
    // `limit`: two halves would be two messages to the engine, and its features and
    // regime detector would sample a book the live engine never saw.
    void completeMessage(std::vector<JournalRecord>& batch, std::int64_t limit);
    const JournalRecord* recordAfter(std::int64_t seq); // the next one read ahead, or none
    void post(std::vector<JournalRecord> batch);
    // To `to` exactly (a seek or a step), or on to the end of the message there.
    enum class Landing { Exactly, AfterMessage };
    void fastForward(std::int64_t to, Landing landing);
    void doSeek(std::int64_t seq);
    void refreshEnd();
    std::int64_t nextCheckpointSeq() const;

    std::string m_path;
    ReplayOptions m_options;
    std::unique_ptr<JournalReader> m_reader;   // player thread (after construction)
    std::unique_ptr<OrderGateway> m_gateway;
    EngineConfig m_config;
    std::unique_ptr<Engine> m_engine;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<std::int64_t, std::shared_ptr<const EngineState>> m_checkpoints;
    std::int64_t m_lastCheckpointSeq = 0;
    std::int64_t m_seekTo = -1;
    std::int64_t m_stepBy = 0;
    std::string m_error;
    Timeline m_timeline;
    JournalIntegrity m_integrity;

    std::atomic<bool> m_running{false};
    std::atomic<bool> m_playing{false};
    std::atomic<bool> m_follow{false};
    std::atomic<double> m_speed{1.0};
    std::atomic<std::int64_t> m_lastSeq{0};
    std::thread m_thread;

    // Player thread only.
    std::int64_t m_posted = 0; // last seq handed to the engine
    std::vector<JournalRecord> m_ahead; // read, not yet posted
    std::size_t m_aheadAt = 0;
    Timestamp m_anchorReplay = 0; // pacing: this replay time...
    std::atomic<std::int64_t> m_anchorWall{0}; // ...was at this monotonic time (0: anchor again)
};

} // namespace hm
