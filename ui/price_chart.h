#pragma once
// Mid price and trades over time (Qt Charts), a rolling window of a few minutes.
#include "engine/snapshot.h"

#include <QChartView>

class QLineSeries;
class QScatterSeries;
class QDateTimeAxis;
class QValueAxis;

namespace hm {

class PriceChart : public QChartView {
    Q_OBJECT
public:
    explicit PriceChart(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot, const std::string& symbol);
    void reset(); // a replay jumped: the history starts over
    int midPoints() const;
    int tradePoints() const;
    int regimeSpans() const { return static_cast<int>(m_regimes.size()); }

protected:
    // The regime behind the price: a tinted band per spell of the (detected) regime.
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    struct Spell {
        qint64 startMs, endMs;
        std::string regime;
    };
    std::vector<Spell> m_regimes;
    QLineSeries* m_mid;
    QScatterSeries* m_trades;
    QDateTimeAxis* m_time;
    QValueAxis* m_price;
    qint64 m_lastMidMs = 0;
};

} // namespace hm
