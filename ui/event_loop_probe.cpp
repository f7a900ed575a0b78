#include "event_loop_probe.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hm {

EventLoopProbe::EventLoopProbe(int intervalMs, QObject* parent) : QObject(parent), m_intervalMs(std::max(1, intervalMs))
{
    // Single-shot and re-armed on each firing: each sample is the lateness of one
    // arming, not a catch-up of missed repetitions.
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &EventLoopProbe::fire);
    m_clock.start();
    m_dueMs = m_intervalMs;
    m_secondStartMs = 0;
    m_timer.start(m_intervalMs);
}

void EventLoopProbe::fire()
{
    const qint64 now = m_clock.elapsed();
    record(static_cast<double>(std::max<qint64>(0, now - m_dueMs)));
    m_dueMs = now + m_intervalMs;
    m_timer.start(m_intervalMs);
}

void EventLoopProbe::record(double ms)
{
    const int bucket = ms < kFine ? static_cast<int>(ms) : kFine + std::min(kCoarse, static_cast<int>((ms - kFine) / 100));
    ++m_histogram[static_cast<std::size_t>(bucket)];
    ++m_samples;
    m_max = std::max(m_max, ms);
    m_secondMax = std::max(m_secondMax, ms);
    const qint64 now = m_clock.elapsed();
    if (ms > kWarnMs) {
        ++m_late;
        ++m_lateSinceWarn;
        // At most one line a second: a stalled window must not also flood its own log.
        if (now - m_lastWarnMs >= 1000) {
            spdlog::warn("the window's event loop ran {:.0f} ms late ({} late sample(s) since the last warning)", ms,
                         m_lateSinceWarn);
            m_lastWarnMs = now;
            m_lateSinceWarn = 0;
        }
    }
    if (now - m_secondStartMs >= 1000) {
        m_recentMax = m_secondMax;
        m_secondMax = 0;
        m_secondStartMs = now;
        Q_EMIT summary(m_recentMax);
    }
}

double EventLoopProbe::percentile(double q) const
{
    if (m_samples == 0)
        return 0;
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(m_samples - 1));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < m_histogram.size(); ++b) {
        seen += m_histogram[b];
        if (seen > rank) {
            const double ms = b < kFine ? static_cast<double>(b) : kFine + static_cast<double>(b - kFine) * 100.0;
            return std::min(ms, m_max);
        }
    }
    return m_max;
}

LatenessStats EventLoopProbe::stats() const
{
    LatenessStats s;
    s.samples = m_samples;
    s.late = m_late;
    s.p50Ms = percentile(0.50);
    s.p99Ms = percentile(0.99);
    s.maxMs = m_max;
    return s;
}

void EventLoopProbe::resetStats()
{
    m_histogram.fill(0);
    m_samples = m_late = 0;
    m_max = 0;
}

} // namespace hm
