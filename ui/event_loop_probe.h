#pragma once
// How late the UI thread's event loop runs: a timer armed every interval notes how
// much later than asked it fired. A window that answers fires within milliseconds;
// a window with a backlog (work per snapshot growing with the session) fires late.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <array>
#include <cstdint>

namespace hm {

struct LatenessStats {
    std::uint64_t samples = 0;
    std::uint64_t late = 0; // samples over the warning threshold
    double p50Ms = 0, p99Ms = 0, maxMs = 0;
};

class EventLoopProbe : public QObject {
    Q_OBJECT
public:
    static constexpr int kWarnMs = 100;
    explicit EventLoopProbe(int intervalMs = 100, QObject* parent = nullptr);
    LatenessStats stats() const; // since the start or the last resetStats()
    void resetStats();
    double recentMaxMs() const { return m_recentMax; } // the worst of the last second

Q_SIGNALS:
    // At most once a second: the worst lateness of that second, for the status bar.
    void summary(double worstMs);

private:
    void fire();
    void record(double ms);
    double percentile(double q) const;

    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_dueMs = 0;
    // A histogram (1 ms buckets to 1 s, then 100 ms ones to a minute): fixed memory for
    // any session length, and percentiles to the millisecond where they matter.
    static constexpr int kFine = 1000, kCoarse = 600;
    std::array<std::uint32_t, kFine + kCoarse + 1> m_histogram{};
    std::uint64_t m_samples = 0, m_late = 0;
    double m_max = 0;
    double m_recentMax = 0, m_secondMax = 0;
    qint64 m_secondStartMs = 0, m_lastWarnMs = -1000000;
    std::uint64_t m_lateSinceWarn = 0;
};

} // namespace hm
