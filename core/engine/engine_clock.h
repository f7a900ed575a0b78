#pragma once
// Where the engine reads the time. Live, the system's clocks; in a replay, the time of
// the record being applied; in a test, whatever the test sets. Wall time is what the
// journal and the window show; monotonic time is what rates and latencies are counted on.
#include "model/types.h"

namespace hm {

class EngineClock {
public:
    virtual ~EngineClock() = default;
    virtual Timestamp wallNs() const = 0;
    virtual Timestamp monoNs() const = 0;
};

class LiveClock : public EngineClock {
public:
    Timestamp wallNs() const override { return hm::wallNs(); }
    Timestamp monoNs() const override { return hm::monoNs(); }
};

// A replay has one time, the records': wall and monotonic time are both that.
class ReplayClock : public EngineClock {
public:
    void set(Timestamp t) { m_time = t; }
    Timestamp wallNs() const override { return m_time; }
    Timestamp monoNs() const override { return m_time; }

private:
    Timestamp m_time = 0;
};

// A clock a test moves by hand. Both times start apart, as real clocks do, and advance together.
class ManualClock : public EngineClock {
public:
    explicit ManualClock(Timestamp wall = 1700000000000000000LL, Timestamp mono = 1000000000LL)
        : m_wall(wall), m_mono(mono)
    {
    }
    void advance(Timestamp ns)
    {
        m_wall += ns;
        m_mono += ns;
    }
    void advanceMs(Timestamp ms) { advance(ms * 1000000); }
    Timestamp wallNs() const override { return m_wall; }
    Timestamp monoNs() const override { return m_mono; }

private:
    Timestamp m_wall, m_mono;
};

} // namespace hm
