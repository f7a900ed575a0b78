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
    int midPoints() const;
    int tradePoints() const;

private:
    QLineSeries* m_mid;
    QScatterSeries* m_trades;
    QDateTimeAxis* m_time;
    QValueAxis* m_price;
    qint64 m_lastMidMs = 0;
};

} // namespace hm
