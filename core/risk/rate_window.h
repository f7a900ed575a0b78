#pragma once
// Counts events in a sliding window of time. A ring of timestamps: O(1) amortised,
// no allocation after the first fill, exact at the boundary.
#include "model/types.h"

#include <cstddef>
#include <vector>

namespace hm {

class RateWindow {
public:
    explicit RateWindow(Timestamp windowNs = 1000000000) : m_window(windowNs) {}

    // Events within (now - window, now].
    std::size_t count(Timestamp now)
    {
        expire(now);
        return m_size;
    }
    void add(Timestamp now)
    {
        expire(now);
        if (m_size == m_ring.size())
            grow();
        m_ring[(m_head + m_size) % m_ring.size()] = now;
        ++m_size;
    }

private:
    void expire(Timestamp now)
    {
        while (m_size > 0 && m_ring[m_head] <= now - m_window) {
            m_head = (m_head + 1) % m_ring.size();
            --m_size;
        }
    }
    void grow()
    {
        std::vector<Timestamp> bigger(m_ring.empty() ? 64 : m_ring.size() * 2);
        for (std::size_t i = 0; i < m_size; ++i)
            bigger[i] = m_ring[(m_head + i) % m_ring.size()];
        m_ring.swap(bigger);
        m_head = 0;
    }

    Timestamp m_window;
    std::vector<Timestamp> m_ring;
    std::size_t m_head = 0;
    std::size_t m_size = 0;
};

} // namespace hm
