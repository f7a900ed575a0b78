#include "replay/replay_session.h"

#include "engine/engine.h"
#include "engine/refusing_gateway.h"
#include "journal/journal_reader.h"
#include "model/thread_name.h"

#include "journal/journal_codec.h"

#include "regime/regime_detector.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace hm {
namespace {

// A later record of an instrument (the counterparty's security list changed its tick or
// lot) replaces the first: the session traded on it from its logon on.
void addOrReplace(std::vector<Instrument>& instruments, const Instrument& i)
{
    for (auto& known : instruments)
        if (known.symbol == i.symbol) {
            known = i;
            return;
        }
    instruments.push_back(i);
}

std::int64_t monoNow() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

} // namespace

ReplaySession::ReplaySession(const std::string& path, ReplayOptions options)
    : m_path(path), m_options(options), m_reader(new JournalReader(path)), m_gateway(new RefusingGateway("a replay sends nothing"))
{
    std::optional<GaussianHmm> regimeModel;
    for (const auto& r : m_reader->records(RecordKind::Config, 10000)) {
        ConfigRecord c;
        InstrumentConfigRecord i;
        std::string why;
        if (!decode(r, c))
            continue;
        if (c.key == "instrument") {
            if (decode(r, i, &why))
                addOrReplace(m_config.instruments, i.instrument);
            else // the session's other instruments may still replay
                spdlog::warn("replay of '{}': {}", path, why);
        }
        if (c.key == "fee-bps")
            m_config.feeBps = std::atof(c.value.c_str());
        if (c.key == "regime-warmup-s")
            m_config.regimeWarmupS = std::atof(c.value.c_str());
        if (c.key == "regime-model") {
            GaussianHmm hmm;
            const std::string error = parseHmm(c.value, "the journal's regime model (record " + std::to_string(r.seq) + ")", hmm);
            if (error.empty())
                regimeModel = hmm;
            else // the rest of the session still replays; only the probabilities are missing
                spdlog::warn("replay of '{}': {}; regime probabilities are not shown", path, error);
        }
    }
    if (m_config.instruments.empty())
        throw std::runtime_error("journal '" + path + "': no instrument recorded, nothing to replay");
    m_config.replay = true;
    m_config.stateHashIntervalMs = 0;
    m_config.snapshotHz = options.snapshotHz;
    m_config.clOrdIdPrefix = "REPLAY-";
    m_integrity = checkIntegrity(*m_reader);
    if (const IntegrityCheck* f = m_integrity.firstFailure())
        spdlog::warn("replay of '{}': the journal fails its integrity check: {}: {}", path, f->name, f->detail);
    m_lastSeq = m_reader->maxSeq();
    m_timeline = buildTimeline(*m_reader, options.timelineBuckets);
    m_engine.reset(new Engine(m_config, *m_gateway, nullptr));
    if (regimeModel) // the live detector again, on the recorded market: its probabilities come back
        m_engine->setRegimeModel(*regimeModel);
    m_engine->setCheckpointSink([this](std::int64_t seq, std::shared_ptr<const EngineState> state) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_checkpoints[seq] = std::move(state);
    });
}

EngineCommands& ReplaySession::engine() { return *m_engine; }

std::int64_t ReplaySession::position() const { return m_engine->replayedSeq(); }

ReplaySession::~ReplaySession() { stop(); }

Timeline ReplaySession::timeline() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_timeline;
}

std::size_t ReplaySession::checkpoints() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_checkpoints.size();
}

std::string ReplaySession::error() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

void ReplaySession::start()
{
    if (m_running.exchange(true))
        return;
    m_engine->start();
    m_engine->replay({}, true); // the state before the first record: checkpoint 0
    waitApplied(0);
    while (checkpoints() == 0)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    m_thread = std::thread([this] {
        nameThisThread("hm-replay");
        run();
    });
}

void ReplaySession::stop()
{
    if (!m_running.exchange(false))
        return;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_engine->stop();
}

void ReplaySession::play()
{
    m_anchorWall = 0; // re-anchor the pacing at the current position
    m_playing = true;
    m_wake.notify_all();
}

void ReplaySession::pause() { m_playing = false; }

void ReplaySession::setSpeed(double speed)
{
    m_speed = speed < 0 ? 0 : speed;
    m_anchorWall = 0;
}

void ReplaySession::step(std::int64_t records)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stepBy += records;
    }
    m_wake.notify_all();
}

void ReplaySession::seek(std::int64_t seq)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_seekTo = std::max<std::int64_t>(0, std::min<std::int64_t>(seq, m_lastSeq.load()));
    }
    m_wake.notify_all();
}

void ReplaySession::seekTime(Timestamp time)
{
    std::int64_t seq;
    {
        std::lock_guard<std::mutex> lock(m_mutex); // the reader belongs to the player; borrow it under the lock
        seq = m_reader->seqAtTime(time);
    }
    seek(seq > 0 ? seq - 1 : 0);
}

void ReplaySession::waitApplied(std::int64_t seq) const
{
    while (m_engine->replayedSeq() < seq)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
}

void ReplaySession::runTo(std::int64_t seq)
{
    seek(seq);
    // The player clears m_seekTo when it has posted everything; then the engine catches up.
    while (true) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_seekTo < 0)
                break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    waitApplied(std::min(seq, m_lastSeq.load()));
}

void ReplaySession::buildIndex()
{
    const std::int64_t here = position();
    runTo(m_lastSeq.load());
    runTo(here);
}

namespace {
// Records of one market message: the engine regroups them by time and symbol.
bool sameMessage(const JournalRecord& a, const JournalRecord& b)
{
    const auto market = [](RecordKind k) { return k == RecordKind::BookLevel || k == RecordKind::Trade; };
    return market(a.kind) && market(b.kind) && a.time == b.time && a.symbol == b.symbol;
}
} // namespace

void ReplaySession::post(std::vector<JournalRecord> batch)
{
    if (batch.empty())
        return;
    const std::int64_t last = batch.back().seq;
    // No checkpoint inside a message (a step or a seek can stop there): a restore would
    // take the rest of it as a message of its own.
    const JournalRecord* next = recordAfter(last);
    const bool whole = !next || !sameMessage(batch.back(), *next);
    bool checkpoint = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (whole && last >= m_lastCheckpointSeq + m_options.checkpointEvery && !m_checkpoints.count(last)) {
            checkpoint = true;
            m_lastCheckpointSeq = last;
        }
    }
    m_posted = last;
    m_engine->replay(std::move(batch), checkpoint);
    // Stay at most a few chunks ahead of the engine: a seek must not wait behind a backlog.
    const std::int64_t slack = static_cast<std::int64_t>(m_options.chunk) * 4;
    while (m_running && m_engine->replayedSeq() < m_posted - slack)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
}

std::int64_t ReplaySession::nextCheckpointSeq() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lastCheckpointSeq + m_options.checkpointEvery;
}

void ReplaySession::readAhead(std::int64_t from)
{
    m_ahead.clear();
    m_aheadAt = 0;
    const std::int64_t to = std::min<std::int64_t>(m_lastSeq.load(), from - 1 + static_cast<std::int64_t>(m_options.chunk));
    if (to < from)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_ahead.reserve(m_options.chunk);
    m_reader->forEach(from, to, [this](JournalRecord& r) { m_ahead.push_back(std::move(r)); });
}

const JournalRecord* ReplaySession::recordAfter(std::int64_t seq)
{
    if (m_aheadAt >= m_ahead.size())
        readAhead(seq + 1);
    return m_aheadAt < m_ahead.size() ? &m_ahead[m_aheadAt] : nullptr;
}

void ReplaySession::completeMessage(std::vector<JournalRecord>& batch, std::int64_t limit)
{
    // No gateway sends a message of 65,536 levels and trades: a damaged or forged journal
    // whose records all share one time and symbol still goes in bounded batches.
    const std::size_t most = batch.size() + 65536;
    while (!batch.empty() && batch.size() < most) {
        const JournalRecord* next = recordAfter(batch.back().seq);
        if (!next || next->seq > limit || !sameMessage(batch.back(), *next))
            return;
        batch.push_back(std::move(m_ahead[m_aheadAt++]));
    }
}

void ReplaySession::fastForward(std::int64_t to, Landing landing)
{
    while (m_running && m_posted < to) {
        if (m_aheadAt >= m_ahead.size())
            readAhead(m_posted + 1);
        if (m_ahead.empty())
            break;
        std::vector<JournalRecord> batch;
        batch.reserve(m_ahead.size() - m_aheadAt);
        const std::int64_t boundary = nextCheckpointSeq(); // a batch ends where a checkpoint is due
        while (m_aheadAt < m_ahead.size() && m_ahead[m_aheadAt].seq <= to
               && (batch.empty() || batch.back().seq < boundary))
            batch.push_back(std::move(m_ahead[m_aheadAt++]));
        if (batch.empty())
            break;
        completeMessage(batch, landing == Landing::Exactly ? to : m_lastSeq.load());
        post(std::move(batch));
    }
}

void ReplaySession::doSeek(std::int64_t seq)
{
    if (seq == m_posted && m_engine->replayedSeq() == m_posted)
        return; // already there
    std::shared_ptr<const EngineState> state;
    std::int64_t at = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_checkpoints.upper_bound(seq);
        --it; // checkpoint 0 always exists
        at = it->first;
        state = it->second;
        m_lastCheckpointSeq = std::max(m_lastCheckpointSeq, at);
    }
    // Forward within reach of the current position: no need to go back to a checkpoint.
    const std::int64_t applied = m_engine->replayedSeq();
    if (!(seq >= m_posted && at <= m_posted && applied == m_posted)) {
        m_engine->restore(state, at);
        m_posted = at;
        m_ahead.clear();
        m_aheadAt = 0;
    }
    fastForward(seq, Landing::Exactly);
    // The window starts its histories over from here (a restore alone would have it start
    // at the checkpoint, and skipping ahead without one is a jump all the same).
    m_engine->markJump();
    // Done when the engine stands exactly there. (Before it has taken the restore it still
    // reports the old position; equal to the target, that was the same state anyway.)
    while (m_running && m_engine->replayedSeq() != m_posted)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    m_anchorWall = 0;
}

void ReplaySession::refreshEnd()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::int64_t last = m_reader->maxSeq();
    if (last != m_lastSeq.load()) {
        m_lastSeq = last;
        m_timeline.lastSeq = last;
        m_timeline.end = m_reader->timeOf(last);
    }
}

void ReplaySession::run()
{
    std::int64_t nextRefresh = 0;
    while (m_running) {
        try {
            std::int64_t seekTo = -1, stepBy = 0;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                if (!m_playing && m_seekTo < 0 && m_stepBy == 0)
                    m_wake.wait_for(lock, std::chrono::milliseconds(100));
                seekTo = m_seekTo;
                stepBy = m_stepBy;
                m_stepBy = 0;
            }
            if (seekTo >= 0) {
                doSeek(seekTo);
                std::lock_guard<std::mutex> lock(m_mutex);
                if (m_seekTo == seekTo)
                    m_seekTo = -1;
                continue;
            }
            if (stepBy > 0)
                fastForward(std::min(m_lastSeq.load(), m_posted + stepBy), Landing::Exactly);
            if (m_follow && monoNow() >= nextRefresh) {
                refreshEnd();
                nextRefresh = monoNow() + 200000000;
            }
            if (!m_playing)
                continue;
            if (m_posted >= m_lastSeq.load()) {
                if (!m_follow)
                    m_playing = false; // the end: stop, like a player
                else
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                continue;
            }
            const double speed = m_speed.load();
            if (speed <= 0) {
                fastForward(std::min(m_lastSeq.load(), m_posted + static_cast<std::int64_t>(m_options.chunk)),
                            Landing::AfterMessage);
                continue;
            }
            if (m_aheadAt >= m_ahead.size())
                readAhead(m_posted + 1);
            if (m_ahead.empty())
                continue;
            // Pacing: replay time runs `speed` times faster than the wall clock from the anchor.
            if (m_anchorWall == 0) {
                m_anchorWall = monoNow();
                m_anchorReplay = m_ahead[m_aheadAt].time;
            }
            const Timestamp allowed = m_anchorReplay
                + static_cast<Timestamp>(static_cast<double>(monoNow() - m_anchorWall) * speed);
            std::vector<JournalRecord> batch;
            const std::int64_t boundary = nextCheckpointSeq();
            while (m_aheadAt < m_ahead.size() && m_ahead[m_aheadAt].time <= allowed
                   && (batch.empty() || batch.back().seq < boundary))
                batch.push_back(std::move(m_ahead[m_aheadAt++]));
            completeMessage(batch, m_lastSeq.load());
            if (!batch.empty())
                post(std::move(batch));
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = e.what();
            m_playing = false;
            m_seekTo = -1;
            m_lastSeq = m_posted; // what could be read is all there is
        }
    }
}

} // namespace hm
