#include "engine/engine.h"

#include "agents/agent.h"
#include "engine/snapshot_builder.h"
#include "model/thread_name.h"

#include <algorithm>
#include <chrono>

namespace hm {

Engine::Engine(EngineConfig config, OrderGateway& gateway, JournalWriter* journal, EngineClock* clock)
    : m_core(std::move(config), gateway, journal, clock), m_startConfig(m_core.config()), m_gateway(gateway), m_journal(journal)
{
    m_latest = std::make_shared<EngineSnapshot>();
}

Engine::~Engine() { stop(); }

SnapshotSubscription Engine::subscribeSnapshots(SnapshotSink sink)
{
    auto slot = std::make_shared<SnapshotSlot>();
    slot->sink = std::move(sink);
    std::lock_guard<std::mutex> lock(m_sinksMutex);
    m_sinks.erase(std::remove_if(m_sinks.begin(), m_sinks.end(), [](const auto& s) { return s.use_count() == 1; }),
                  m_sinks.end()); // slots whose subscription has gone
    m_sinks.push_back(slot);
    return SnapshotSubscription(std::move(slot));
}

void Engine::start()
{
    if (m_running.exchange(true))
        return;
    m_gateway.setListener(this);
    m_core.journalStart();
    m_thread = std::thread([this] {
        nameThisThread("hm-engine");
        run();
    });
}

void Engine::stop()
{
    if (!m_running.exchange(false))
        return;
    m_queueCv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_gateway.setListener(nullptr);
}

void Engine::post(EngineInput input)
{
    // The one place a replay differs for commands: they are refused here, on the caller's
    // thread, so nothing is ever sent.
    if (m_core.config().replay && EngineCore::refusedInReplay(input))
        return;
    {
        std::lock_guard<std::mutex> lock(m_queueMutex);
        m_queue.push_back(std::move(input));
    }
    m_queueCv.notify_one();
}

std::string Engine::submit(OrderRequest order, Origin origin)
{
    if (order.clOrdId.empty())
        order.clOrdId = m_core.nextId();
    std::string id = order.clOrdId;
    post(SubmitOrder{std::move(order), std::move(origin)});
    return id;
}

void Engine::cancel(const std::string& clOrdId, Origin origin) { post(CancelOrder{clOrdId, std::move(origin)}); }

void Engine::replace(const std::string& clOrdId, Quantity qty, Price price, Origin origin)
{
    post(ReplaceOrder{clOrdId, qty, price, std::move(origin)});
}

void Engine::cancelAll(Origin origin) { post(CancelAllOrders{std::move(origin), {}, std::nullopt, 0}); }

void Engine::cancelAtPrice(const std::string& symbol, Side side, Price price, Origin origin)
{
    post(CancelAllOrders{std::move(origin), symbol, side, price});
}

void Engine::addAgent(AgentSpec spec, Actor actor, Reply reply)
{
    // Loading a model takes milliseconds to seconds: do it here, on the caller's thread.
    std::string error;
    std::shared_ptr<Agent> agent(makeAgent(spec.type, spec.symbol, spec.params, error, spec.model).release());
    post(AddAgent{std::move(spec), actor, std::move(reply), std::move(agent), error});
}
void Engine::removeAgent(const std::string& id, Actor actor, Reply reply) { post(RemoveAgent{id, actor, std::move(reply)}); }
void Engine::controlAgent(const std::string& id, AgentAction action, Actor actor, const std::string& reason, Reply reply)
{
    post(ControlAgent{id, action, actor, reason, std::move(reply)});
}
void Engine::setThrottleLevel(const std::string& id, int level, Actor actor, Reply reply)
{
    post(SetThrottleLevel{id, level, actor, std::move(reply)});
}
void Engine::decide(std::uint64_t ticket, const std::string& agent, bool approve, Actor actor, Reply reply)
{
    post(DecideApproval{ticket, agent, approve, actor, std::move(reply)});
}
void Engine::killAll(Actor actor, const std::string& reason, Reply reply)
{
    post(KillAll{actor, reason, std::move(reply), m_core.clock().monoNs()});
}
void Engine::rearmAll(Actor actor, const std::string& reason, Reply reply) { post(RearmAll{actor, reason, std::move(reply)}); }
void Engine::setReferencePrice(const std::string& symbol, double price, Actor actor, const std::string& reason, Reply reply)
{
    post(SetReferencePrice{symbol, price, actor, reason, std::move(reply)});
}
void Engine::killInstruments(std::vector<std::string> symbols, double clusterThreshold, Actor actor,
                             const std::string& reason, Reply reply)
{
    post(KillInstruments{std::move(symbols), clusterThreshold, actor, reason, std::move(reply)});
}
void Engine::changeLimits(std::vector<std::pair<std::string, std::string>> changes, Actor actor, const std::string& reason,
                          Reply reply)
{
    post(ChangeLimits{std::move(changes), actor, reason, std::move(reply)});
}
void Engine::setRegime(const std::string& symbol, const std::string& regime, const std::string& source)
{
    post(SetRegime{symbol, regime, source});
}
void Engine::setRegimeModel(const GaussianHmm& model) { m_core.setRegimeModel(model); }

void Engine::setCheckpointSink(CheckpointSink sink) { m_core.setCheckpointSink(std::move(sink)); }
void Engine::replay(std::vector<JournalRecord> records, bool checkpointAfter)
{
    post(ReplayBatch{std::move(records), checkpointAfter});
}
void Engine::restore(std::shared_ptr<const EngineState> state, std::int64_t seq)
{
    post(ReplayRestore{std::move(state), seq});
}
void Engine::markJump() { post(ReplayJump{}); }

void Engine::onExecutionReport(const ExecutionReport& r) { post(r); }
void Engine::onCancelReject(const CancelReject& r) { post(r); }
void Engine::onMarketData(const MarketDataSnapshot& s) { post(s); }
void Engine::onMarketData(const MarketDataUpdate& u) { post(u); }
void Engine::onSessionEvent(const SessionEvent& e) { post(e); }
void Engine::onSecurityList(const SecurityListEvent& list) { post(list); }

SnapshotPtr Engine::latest() const
{
    std::lock_guard<std::mutex> lock(m_latestMutex);
    return m_latest;
}

// The thread's own timer (when to publish, tick the agents, journal the state hash)
// runs on the steady clock: it wakes a real thread. What the state sees comes from the
// core's clock.
void Engine::run()
{
    using clock = std::chrono::steady_clock;
    const EngineConfig& config = m_core.config();
    const auto period = std::chrono::microseconds(1000000 / std::max(1, config.snapshotHz));
    const bool hashes = m_journal && config.stateHashIntervalMs > 0;
    auto nextPublish = clock::now();
    auto nextTick = clock::now();
    auto nextStateHash = clock::now();
    std::vector<EngineInput> batch;
    std::vector<double> inputUs;
    auto micros = [](clock::time_point a, clock::time_point b) {
        return std::chrono::duration<double, std::micro>(b - a).count();
    };
    while (true) {
        {
            std::unique_lock<std::mutex> lock(m_queueMutex);
            const auto wakeUp = config.replay ? nextPublish : std::min(nextPublish, nextTick);
            m_queueCv.wait_until(lock, wakeUp, [&] { return !m_queue.empty() || !m_running.load(); });
            batch.swap(m_queue);
        }
        inputUs.clear();
        for (auto& input : batch) {
            const auto t0 = clock::now();
            m_core.handle(std::move(input));
            inputUs.push_back(micros(t0, clock::now()));
        }
        batch.clear();
        const auto now = clock::now();
        double tickUs = -1, publishUs = -1;
        if (hashes && now >= nextStateHash) {
            m_core.journalStateHash();
            nextStateHash = now + std::chrono::milliseconds(config.stateHashIntervalMs);
        }
        if (!config.replay && now >= nextTick) {
            m_core.tick();
            nextTick = now + std::chrono::milliseconds(config.agentTickMs);
            tickUs = micros(now, clock::now());
        }
        if (now >= nextPublish || m_core.hasPendingAnswers()) {
            // An answered command is published at once: whoever asked, and then reads
            // latest(), sees its effect (a kill, a limit, an agent's new state).
            const auto t0 = clock::now();
            publish(); // also refreshes session status, which changes without events
            publishUs = micros(t0, clock::now());
            nextPublish = now + period;
            m_core.answerPending();
        }
        {
            std::lock_guard<std::mutex> lock(m_timingMutex);
            for (double us : inputUs)
                m_inputTimes.add(us);
            if (tickUs >= 0)
                m_tickTimes.add(tickUs);
            if (publishUs >= 0)
                m_publishTimes.add(publishUs);
        }
        if (!m_running.load()) {
            std::lock_guard<std::mutex> lock(m_queueMutex);
            if (m_queue.empty())
                break;
        }
    }
    if (hashes)
        m_core.journalStateHash();
    publish();
    m_core.answerPending();
}

void Engine::TimingRing::add(double v)
{
    if (us.size() < kTimingWindow)
        us.push_back(v);
    else
        us[next++ % kTimingWindow] = v;
    ++total;
}

Engine::Timings Engine::timings() const
{
    std::lock_guard<std::mutex> lock(m_timingMutex);
    return Timings{percentiles(m_inputTimes.us, m_inputTimes.total), percentiles(m_tickTimes.us, m_tickTimes.total),
                   percentiles(m_publishTimes.us, m_publishTimes.total)};
}

void Engine::publish()
{
    SnapshotPtr s = m_core.publish();
    {
        std::lock_guard<std::mutex> lock(m_latestMutex);
        m_latest = s;
    }
    std::vector<std::shared_ptr<SnapshotSlot>> sinks;
    {
        std::lock_guard<std::mutex> lock(m_sinksMutex);
        sinks = m_sinks;
    }
    for (const auto& slot : sinks)
        slot->deliver(s);
}

} // namespace hm
