#include "engine/engine_core.h"

#include "agents/agent.h"
#include "journal/journal_codec.h"
#include "journal/journal_writer.h"
#include "engine/security_list_adoption.h"

namespace hm {
namespace {

// A replay is read-only: a command is answered (when it asks for an answer) and dropped.
template <typename Command>
auto refuse(Command& c, int) -> decltype(c.reply, void())
{
    if (c.reply)
        c.reply(false, "a replay is read-only");
}
template <typename Command>
void refuse(Command&, long)
{
}

} // namespace

EngineCore::EngineCore(EngineConfig config, OrderGateway& gateway, JournalWriter* journal, EngineClock* clock)
    : m_config(std::move(config)), m_gateway(gateway), m_journal(journal),
      m_clock(m_config.replay ? static_cast<EngineClock&>(m_replayClock) : clock ? *clock : static_cast<EngineClock&>(m_liveClock)),
      m_ctx{m_config, m_gateway, m_journal, m_clock, [this] { return nextId(); }}
{
    if (m_config.clOrdIdPrefix.empty())
        m_config.clOrdIdPrefix = "HM" + std::to_string((m_clock.wallNs() / 1000000000) % 10000000) + "-";
    for (const auto& i : m_config.instruments) {
        m_state.market.addInstrument(i.symbol);
        m_state.router.addInstrument(i);
    }
    m_state.router.m_gate.setLimits(m_config.limits);
    m_state.router.m_attribution.setFeeBps(m_config.feeBps);
    // A replay sees every report once, in the journal's order: no duplicates to recognise.
    m_state.router.m_oms.setRememberExecIds(!m_config.replay);
    m_live = [this](EngineInput& in) { std::visit([this](auto& v) { dispatch(v); }, in); };
    m_hashNow = [this] { return stateHash(); };
}

void EngineCore::setRegimeModel(const GaussianHmm& model) { m_regimeModel.reset(new GaussianHmm(model)); }
void EngineCore::setCheckpointSink(CheckpointSink sink) { m_checkpointSink = std::move(sink); }

std::string EngineCore::nextId() { return m_config.clOrdIdPrefix + std::to_string(++m_idSeq); }

void EngineCore::journalStart()
{
    if (!m_journal)
        return;
    InitialLimitsRecord limits;
    for (const auto& f : limitFields()) {
        std::string v;
        limitValue(m_state.router.m_gate.limits(), f.name, v);
        limits.limits.emplace_back(f.name, v);
    }
    for (const auto& l : instrumentLimitValues(m_state.router.m_gate.limits()))
        limits.limits.push_back(l);
    const Timestamp t = m_clock.wallNs();
    m_journal->append(encode(limits, t));
    m_journal->append(encode(ConfigRecord{"fee-bps", std::to_string(m_config.feeBps), ""}, t)); // a replay's attribution
    if (m_regimeModel) { // a replay runs the same detector on the recorded market
        m_journal->append(encode(ConfigRecord{"regime-model", hmmJson(*m_regimeModel), ""}, t));
        m_journal->append(encode(ConfigRecord{"regime-warmup-s", std::to_string(m_config.regimeWarmupS), ""}, t));
    }
}

bool EngineCore::refusedInReplay(EngineInput& input)
{
    if (std::holds_alternative<ReplayBatch>(input) || std::holds_alternative<ReplayRestore>(input)
        || std::holds_alternative<ReplayJump>(input))
        return false;
    std::visit([](auto& command) { refuse(command, 0); }, input);
    return true;
}

void EngineCore::handle(EngineInput input)
{
    if (m_config.replay && refusedInReplay(input))
        return;
    std::visit([this](auto& v) { dispatch(v); }, input);
}

void EngineCore::addAgent(AgentSpec spec, Actor actor, Reply reply)
{
    std::string error;
    std::shared_ptr<Agent> agent(makeAgent(spec.type, spec.symbol, spec.params, error, spec.model).release());
    handle(AddAgent{std::move(spec), std::move(actor), std::move(reply), std::move(agent), error});
}

std::string EngineCore::submit(OrderRequest order, Origin origin)
{
    if (order.clOrdId.empty())
        order.clOrdId = nextId();
    std::string id = order.clOrdId;
    handle(SubmitOrder{std::move(order), std::move(origin)});
    return id;
}

void EngineCore::tick()
{
    m_state.reconciler.tick(reconcilerIo());
    m_state.agents.tick(supervisorIo(), m_ctx.now());
}

void EngineCore::journalStateHash()
{
    if (!m_journal)
        return;
    const auto orders = static_cast<std::int64_t>(m_state.router.m_oms.orderSequence().size());
    m_journal->append(encode(StateHashRecord{stateHash(), orders}, m_clock.wallNs()));
}

SnapshotPtr EngineCore::publish()
{
    const bool jumped = m_epoch != m_publishedEpoch;
    m_publishedEpoch = m_epoch;
    EngineState& s = m_state;
    return s.snapshots.build(m_ctx, SnapshotBuilder::Parts{s.router, s.market, s.agents, s.log, s.replay, s.counters},
                             m_epoch, jumped);
}

KillTiming EngineCore::lastKill() const
{
    std::lock_guard<std::mutex> lock(m_killMutex);
    return m_lastKill;
}

std::vector<double> EngineCore::roundTripsSince(std::size_t index) const
{
    std::lock_guard<std::mutex> lock(m_roundTripMutex);
    const std::vector<double>& trips = m_state.router.m_roundTripsUs;
    if (index >= trips.size())
        return {};
    return std::vector<double>(trips.begin() + static_cast<std::ptrdiff_t>(index), trips.end());
}

AgentSupervisor::Io EngineCore::supervisorIo()
{
    return AgentSupervisor::Io{m_ctx, m_state.router, m_state.market, m_state.log, m_state.counters, m_answers};
}

ReplayApplier::Io EngineCore::replayIo()
{
    return ReplayApplier::Io{m_ctx, m_replayClock, m_state.router, m_state.market, m_state.agents, m_state.log,
                             m_state.counters, m_live, m_hashNow};
}

Reconciler::Io EngineCore::reconcilerIo()
{
    return Reconciler::Io{m_ctx, m_state.router, m_state.log, m_state.counters, m_roundTripMutex};
}

// ---- orders ----
void EngineCore::dispatch(SubmitOrder& c) { m_state.router.submit(m_ctx, m_state.log, m_state.counters, c.order, c.origin); }
void EngineCore::dispatch(CancelOrder& c) { m_state.router.cancel(m_ctx, m_state.log, c.clOrdId, c.origin); }
void EngineCore::dispatch(ReplaceOrder& c)
{
    m_state.router.replace(m_ctx, m_state.log, m_state.counters, c.clOrdId, c.qty, c.price, c.origin);
}

void EngineCore::dispatch(CancelAllOrders& c)
{
    m_state.log.operatorAction(m_ctx, c.symbol.empty() ? "cancel-all" : "cancel-at-price",
                               c.symbol.empty() ? c.origin.text()
                                                : c.origin.text() + " " + c.symbol + " "
                                       + (c.side ? toString(*c.side) : "any") + " " + std::to_string(c.price));
    m_state.router.cancelWhere(m_ctx, m_state.log, [&](const OrderRecord& o) {
        return (c.symbol.empty() || o.symbol == c.symbol) && (!c.side || o.side == *c.side)
            && (c.price == 0 || o.price == c.price);
    });
}

void EngineCore::dispatch(ExecutionReport& e)
{
    ReportResult answer;
    if (m_state.reconciler.onReport(reconcilerIo(), e, answer)) {
        if (answer.filled) // the agent that placed it is gone: only the desk hears of it
            m_state.snapshots.addFill(answer.fill);
        return;
    }
    const ReportResult r = m_state.router.onExecutionReport(m_ctx, m_state.counters, e, m_roundTripMutex);
    if (r.outcome == ReportOutcome::Duplicate)
        return;
    if (r.filled)
        m_state.snapshots.addFill(r.fill);
    m_state.agents.onFill(m_ctx, r);
}

void EngineCore::dispatch(CancelReject& e) { m_state.router.onCancelReject(m_ctx, m_state.log, m_state.counters, e); }

// ---- market ----
void EngineCore::dispatch(MarketDataSnapshot& e)
{
    ++m_state.counters.marketDataUpdates;
    const Timestamp now = m_ctx.now();
    m_state.market.apply(e);
    onMarketChanged(e.symbol, {}, now);
    MarketState::record(m_ctx, e, now);
}

void EngineCore::dispatch(MarketDataUpdate& e)
{
    ++m_state.counters.marketDataUpdates;
    const Timestamp now = m_ctx.now();
    m_state.market.apply(e);
    onMarketChanged(e.symbol, e.trades, now);
    MarketState::record(m_ctx, e, now);
}

void EngineCore::onMarketChanged(const std::string& symbol, const std::vector<Trade>& trades, Timestamp now)
{
    EngineState& s = m_state;
    const Price twiceMid = s.market.noteMarket(symbol, trades, now);
    if (twiceMid <= 0)
        return;
    s.router.m_gate.setReference(symbol, twiceMid / 2);
    s.router.m_gate.notePrices(now);
    if (s.market.riskSampleDue(now))
        s.market.addRiskSample(now, SnapshotBuilder::riskView(m_ctx, s.router, s.market, s.agents));
    const Instrument* ins = m_ctx.instrument(symbol);
    const auto detected =
        s.market.observe(symbol, now, ins ? ins->lotSize : 1, m_regimeModel.get(), m_config.regimeWarmupS);
    // A replay shows the detector's probabilities; the regime itself follows the journal.
    if (detected && !m_config.replay) {
        SetRegime change{symbol, *detected, "detector"};
        dispatch(change);
    }
    s.market.notePointOfRegime(symbol, now);
}

void EngineCore::dispatch(SetRegime& c)
{
    if (m_state.market.setRegime(m_ctx, m_state.log, c, m_regimeModel != nullptr))
        m_state.agents.onRegimeChanged(supervisorIo(), c.symbol, m_ctx.now());
}

void EngineCore::dispatch(SessionEvent& e)
{
    ++m_state.counters.sessionEvents;
    m_state.snapshots.addSessionEvent(e);
    if (m_journal)
        m_journal->append(encode(FixSessionRecord{e.sessionId, e.kind, e.text}, e.time ? e.time : m_ctx.now()));
    if (e.kind == SessionEventKind::Logon && e.orderSession && !m_config.replay)
        m_state.reconciler.onLogon(reconcilerIo());
}

// The counterparty's instruments: the session's list grows or changes here, on the
// engine thread; the snapshots list what it then holds.
void EngineCore::dispatch(SecurityListEvent& e)
{
    adoptSecurityList(m_ctx, m_config.instruments, m_state.market, m_state.router, m_state.log, e);
}

void EngineCore::dispatch(CarryIn& c)
{
    m_state.reconciler.carryIn(reconcilerIo(), c);
    m_answers.answer(c.reply, true, "carried in");
}

void EngineCore::dispatch(WhenReconciled& c) { m_state.reconciler.whenDone(std::move(c.then)); }

// ---- oversight ----
void EngineCore::dispatch(AddAgent& c) { m_state.agents.add(supervisorIo(), c); }
void EngineCore::dispatch(RemoveAgent& c) { m_state.agents.remove(supervisorIo(), c); }
void EngineCore::dispatch(ControlAgent& c) { m_state.agents.control(supervisorIo(), c); }
void EngineCore::dispatch(SetThrottleLevel& c) { m_state.agents.setThrottleLevel(supervisorIo(), c); }
void EngineCore::dispatch(DecideApproval& c) { m_state.agents.decide(supervisorIo(), c); }
void EngineCore::dispatch(SetReferencePrice& c) { m_state.router.setReferencePrice(m_ctx, m_state.log, m_answers, c); }
void EngineCore::dispatch(KillInstruments& c) { m_state.agents.killInstruments(supervisorIo(), c); }
void EngineCore::dispatch(RearmAll& c) { m_state.agents.rearmAll(supervisorIo(), c); }
void EngineCore::dispatch(ChangeLimits& c) { m_state.router.changeLimits(m_ctx, m_state.log, m_answers, c); }

void EngineCore::dispatch(KillAll& c)
{
    const KillTiming timing = m_state.agents.killAll(supervisorIo(), c);
    std::lock_guard<std::mutex> lock(m_killMutex);
    m_lastKill = timing;
}

// ---- replay ----
void EngineCore::dispatch(ReplayBatch& c)
{
    ReplayApplier& replay = m_state.replay;
    for (const auto& r : c.records)
        replay.apply(replayIo(), r);
    replay.flushMarket(replayIo());
    replay.endBatch();
    if (c.checkpointAfter && m_checkpointSink)
        m_checkpointSink(replay.seq(), std::make_shared<const EngineState>(m_state));
    m_appliedSeq = replay.seq();
}

void EngineCore::dispatch(ReplayRestore& c)
{
    m_state.replay.flushMarket(replayIo());
    if (c.state) {
        std::lock_guard<std::mutex> lock(m_roundTripMutex); // roundTripsSince() may be reading
        m_state = *c.state;
    }
    m_state.replay.restoredAt(c.seq);
    m_replayClock.set(m_state.replay.time());
    m_appliedSeq = c.seq;
    ++m_epoch;
}

void EngineCore::dispatch(ReplayJump&) { ++m_epoch; }

} // namespace hm
