#include "chart_buffer.h"

#include <algorithm>

namespace hm {

ChartBuffer::ChartBuffer(qint64 windowMs, int buckets)
    : m_windowMs(std::max<qint64>(1, windowMs)), m_bucketMs(std::max<qint64>(1, windowMs / std::max(1, buckets))),
      m_maxBuckets(static_cast<int>(m_windowMs / m_bucketMs) + 2)
{
}

qint64 ChartBuffer::earliestMs() const { return m_buckets.empty() ? 0 : static_cast<qint64>(m_buckets.front().first.x()); }
qint64 ChartBuffer::latestMs() const { return m_buckets.empty() ? 0 : static_cast<qint64>(m_buckets.back().last.x()); }

void ChartBuffer::add(qint64 t, double value)
{
    if (!m_buckets.empty()) {
        const qint64 latest = latestMs();
        if (t < latest - m_windowMs)
            m_buckets.clear();
        else if (t < latest)
            t = latest;
    }
    const QPointF p(static_cast<qreal>(t), value);
    const qint64 index = t / m_bucketMs;
    if (!m_buckets.empty() && m_buckets.back().index == index) {
        Bucket& b = m_buckets.back();
        if (value < b.low.y())
            b.low = p;
        if (value > b.high.y())
            b.high = p;
        b.last = p;
        return;
    }
    m_buckets.push_back(Bucket{index, p, p, p, p});
    trim();
}

void ChartBuffer::trim()
{
    const qreal cutoff = static_cast<qreal>(latestMs() - m_windowMs);
    while (!m_buckets.empty() && m_buckets.front().last.x() < cutoff)
        m_buckets.pop_front();
    while (static_cast<int>(m_buckets.size()) > m_maxBuckets)
        m_buckets.pop_front();
}

int ChartBuffer::points() const
{
    int n = 0;
    for (const Bucket& b : m_buckets) {
        n += 1 + (b.last != b.first);
        n += (b.low != b.first && b.low != b.last);
        n += (b.high != b.first && b.high != b.last && b.high != b.low);
    }
    return n;
}

QList<QPointF> ChartBuffer::reduce(qint64 x0, qint64 x1, int columns) const
{
    QList<QPointF> out;
    columns = std::max(1, columns);
    const double span = static_cast<double>(std::max<qint64>(1, x1 - x0));
    struct Column {
        int index = -1;
        QPointF first, low, high, last;
    } c;
    auto emitPoint = [&out](const QPointF& p) {
        if (out.isEmpty() || out.back() != p)
            out.append(p);
    };
    auto flush = [&] {
        if (c.index < 0)
            return;
        emitPoint(c.first);
        const bool lowFirst = c.low.x() <= c.high.x();
        emitPoint(lowFirst ? c.low : c.high);
        emitPoint(lowFirst ? c.high : c.low);
        emitPoint(c.last);
    };
    for (const Bucket& b : m_buckets) {
        if (b.last.x() < static_cast<qreal>(x0) || b.first.x() > static_cast<qreal>(x1))
            continue;
        const int col = std::clamp(static_cast<int>((b.first.x() - static_cast<qreal>(x0)) * columns / span), 0, columns - 1);
        if (col != c.index) {
            flush();
            c = Column{col, b.first, b.low, b.high, b.last};
            continue;
        }
        if (b.low.y() < c.low.y())
            c.low = b.low;
        if (b.high.y() > c.high.y())
            c.high = b.high;
        c.last = b.last;
    }
    flush();
    return out;
}

} // namespace hm
