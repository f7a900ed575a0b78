#pragma once
// Mid price and trades over time (Qt Charts), a rolling window of a few minutes.
// Its work per snapshot is bounded whatever the session's length or the market's rate:
// points are folded into bounded buffers here (not in the series), and each frame (at
// most kFrameMs apart) sets each series once with the points its pixels can show.
#include "chart_buffer.h"
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QChartView>
#include <QElapsedTimer>
#include <QTimer>

#include <deque>

class QLineSeries;
class QScatterSeries;
class QDateTimeAxis;
class QValueAxis;

namespace hm {

class PriceChart : public QChartView, public SnapshotPanel {
    Q_OBJECT
public:
    static constexpr qint64 kWindowMs = 3 * 60 * 1000;
    // At most ten frames a second: a pixel of a three-minute window is 200 ms wide.
    static constexpr int kFrameMs = 100;
    explicit PriceChart(std::string symbol = {}, QWidget* parent = nullptr); // the book it draws
    void update(const EngineSnapshot& snapshot) override { update(snapshot, m_symbol); }
    void update(const EngineSnapshot& snapshot, const std::string& symbol);
    void reset() override; // a replay jumped: the history starts over
    // Draws another book from now on, starting from its mids so far (engine ms, price).
    void setSymbol(const std::string& symbol, const std::vector<std::pair<qint64, double>>& mids = {});
    const std::string& symbol() const { return m_symbol; }
    int midPoints() const;   // drawn now
    int tradePoints() const; // drawn now
    int heldPoints() const;  // in the buffers behind the series
    int regimeSpans() const { return static_cast<int>(m_regimes.size()); }

protected:
    // The regime behind the price: a tinted band per spell of the (detected) regime.
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    void render();
    int plotColumns() const;

    struct Spell {
        qint64 startMs, endMs;
        std::string regime;
    };
    std::string m_symbol;
    std::deque<Spell> m_regimes;
    ChartBuffer m_midBuffer;
    ChartBuffer m_tradeBuffer;
    QLineSeries* m_mid;
    QScatterSeries* m_trades;
    QDateTimeAxis* m_time;
    QValueAxis* m_price;
    QElapsedTimer m_sinceFrame;
    QTimer m_frameTimer; // a frame due while snapshots come faster than frames
    double m_tickSize = 0.01;
    qint64 m_lastMidMs = 0;
    qint64 m_lastFrameMs = 0;
};

} // namespace hm
