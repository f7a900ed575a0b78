#pragma once
// What the engine's components may use while they handle one input: the session's
// configuration, the gateway, the journal, the clock and the id source. Built by the
// engine core for each call and never kept, so the state (which the components are)
// stays a plain value a replay can copy.
#include "engine/engine_clock.h"
#include "engine/engine_commands.h"
#include "engine/engine_config.h"
#include "journal/journal_record.h"
#include "model/gateway_port.h"

#include <functional>
#include <string>
#include <vector>

namespace hm {

class JournalWriter;

struct EngineContext {
    const EngineConfig& config;
    OrderGateway& gateway;
    JournalWriter* journal; // may be null: nothing is journaled
    const EngineClock& clock;
    std::function<std::string()> nextId; // ClOrdIDs for orders, cancels and replaces

    // The engine's time: wall time live, the records' time in a replay.
    Timestamp now() const { return clock.wallNs(); }
    bool journaling() const { return journal != nullptr; }
    void record(JournalRecord r) const; // to the journal, if there is one
    const Instrument* instrument(const std::string& symbol) const;
    // "BUY 100 HMX @ 18.84", with the instrument's decimals.
    std::string orderText(Side side, Quantity qty, const std::string& symbol, OrderType type, Price price) const;
};

// Commands are answered after the batch they came in, once a snapshot shows their effect.
class PendingAnswers {
public:
    void answer(const Reply& reply, bool ok, const std::string& message)
    {
        if (reply)
            m_answers.push_back([reply, ok, message] { reply(ok, message); });
    }
    bool empty() const { return m_answers.empty(); }
    void deliver()
    {
        std::vector<std::function<void()>> answers;
        answers.swap(m_answers);
        for (auto& a : answers)
            a();
    }

private:
    std::vector<std::function<void()>> m_answers;
};

} // namespace hm
