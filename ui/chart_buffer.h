#pragma once
// A bounded history of one chart series: (time in ms, value) folded into fixed time
// buckets as it arrives (each bucket keeps its first, lowest, highest and last point),
// so what is held depends on the window and the bucket width, never on how fast the
// market trades. The window is trimmed on the buffer's own latest timestamp: a
// counterparty's clock or a replay's is not the local one.
#include <QList>
#include <QPointF>

#include <deque>

namespace hm {

class ChartBuffer {
public:
    ChartBuffer(qint64 windowMs, int buckets);
    // Times are expected to rise. A small step back is drawn at the latest time; a step
    // back by more than the window is a clock that jumped, and the history starts over.
    void add(qint64 tMs, double value);
    void clear() { m_buckets.clear(); }
    bool empty() const { return m_buckets.empty(); }
    qint64 earliestMs() const;
    qint64 latestMs() const;
    int points() const; // distinct points held
    int buckets() const { return static_cast<int>(m_buckets.size()); }
    int capacity() const { return m_maxBuckets; } // buckets, at most
    // What to draw of [x0, x1] on `columns` pixel columns: per column the first, the
    // lowest, the highest and the last point, in time order (at most 4 * columns).
    QList<QPointF> reduce(qint64 x0, qint64 x1, int columns) const;

private:
    struct Bucket {
        qint64 index;
        QPointF first, low, high, last;
    };
    void trim();

    qint64 m_windowMs;
    qint64 m_bucketMs;
    int m_maxBuckets;
    std::deque<Bucket> m_buckets; // oldest first
};

} // namespace hm
