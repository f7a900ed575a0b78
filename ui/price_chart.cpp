#include "price_chart.h"

#include "market_panel.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <limits>

namespace hm {
namespace {
constexpr qint64 kWindowMs = 3 * 60 * 1000;
constexpr qint64 kMidSpacingMs = 100; // at most 10 mid points a second
}

PriceChart::PriceChart(QWidget* parent) : QChartView(parent)
{
    auto* chart = new QChart;
    chart->setTheme(QChart::ChartThemeDark);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_mid = new QLineSeries;
    m_mid->setName(tr("Mid"));
    m_mid->setUseOpenGL(false);
    m_trades = new QScatterSeries;
    m_trades->setName(tr("Trades"));
    m_trades->setMarkerSize(5.0);
    m_trades->setColor(QColor(240, 200, 80));
    m_trades->setBorderColor(Qt::transparent);
    chart->addSeries(m_mid);
    chart->addSeries(m_trades);
    m_time = new QDateTimeAxis;
    m_time->setFormat(QStringLiteral("HH:mm:ss"));
    m_time->setTickCount(5);
    m_price = new QValueAxis;
    m_price->setLabelFormat(QStringLiteral("%.2f"));
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_price, Qt::AlignRight);
    for (auto* s : {static_cast<QXYSeries*>(m_mid), static_cast<QXYSeries*>(m_trades)}) {
        s->attachAxis(m_time);
        s->attachAxis(m_price);
    }
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(300, 200);
}

int PriceChart::midPoints() const { return m_mid->count(); }
int PriceChart::tradePoints() const { return m_trades->count(); }

void PriceChart::reset()
{
    m_mid->clear();
    m_trades->clear();
    m_regimes.clear();
    m_lastMidMs = 0;
}

void PriceChart::update(const EngineSnapshot& s, const std::string& symbol)
{
    const BookView* book = nullptr;
    for (const auto& b : s.books)
        if (b.instrument.symbol == symbol)
            book = &b;
    if (!book)
        return;
    const qint64 nowMs = s.time / 1000000;
    for (const auto& p : book->midHistory) { // after a replay's jump: what led there
        const qint64 t = p.first / 1000000;
        if (p.second > 0 && t - m_lastMidMs >= kMidSpacingMs && t <= nowMs) {
            m_mid->append(static_cast<qreal>(t), book->instrument.toPrice(p.second) / 2.0);
            m_lastMidMs = t;
        }
    }
    if (book->twiceMid > 0 && nowMs - m_lastMidMs >= kMidSpacingMs) {
        m_mid->append(static_cast<qreal>(nowMs), book->instrument.toPrice(book->twiceMid) / 2.0);
        m_lastMidMs = nowMs;
    }
    for (const auto& t : book->newTrades)
        m_trades->append(static_cast<qreal>(t.time / 1000000), book->instrument.toPrice(t.price));
    const qreal cutoff = static_cast<qreal>(nowMs - kWindowMs);
    auto trim = [cutoff](QXYSeries* series) {
        int drop = 0;
        while (drop < series->count() && series->at(drop).x() < cutoff)
            ++drop;
        if (drop > 0)
            series->removePoints(0, drop);
    };
    trim(m_mid);
    trim(m_trades);
    if (!book->regime.empty()) {
        if (m_regimes.empty() || m_regimes.back().regime != book->regime)
            m_regimes.push_back(Spell{nowMs, nowMs, book->regime});
        m_regimes.back().endMs = nowMs;
    }
    while (!m_regimes.empty() && m_regimes.front().endMs < nowMs - kWindowMs)
        m_regimes.erase(m_regimes.begin());
    if (!m_regimes.empty())
        viewport()->update(); // the bands move with the axis
    if (m_mid->count() == 0)
        return;
    qreal lo = std::numeric_limits<qreal>::max(), hi = std::numeric_limits<qreal>::lowest();
    for (auto* series : {static_cast<QXYSeries*>(m_mid), static_cast<QXYSeries*>(m_trades)})
        for (int i = 0; i < series->count(); ++i) {
            lo = std::min(lo, series->at(i).y());
            hi = std::max(hi, series->at(i).y());
        }
    const qreal pad = std::max<qreal>(book->instrument.tickSize * 2, (hi - lo) * 0.1);
    m_price->setRange(lo - pad, hi + pad);
    const qint64 startMs = static_cast<qint64>(m_mid->at(0).x());
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(startMs), QDateTime::fromMSecsSinceEpoch(std::max(nowMs, startMs + 1000)));
}

void PriceChart::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_regimes.empty() || m_mid->count() == 0)
        return;
    const QRectF plot = chart()->plotArea();
    painter->save();
    QFont f = painter->font();
    f.setPointSizeF(7.5);
    painter->setFont(f);
    for (const Spell& s : m_regimes) {
        const qreal x0 = std::max(plot.left(), chart()->mapToPosition(QPointF(static_cast<qreal>(s.startMs), 0), m_mid).x());
        const qreal x1 = std::min(plot.right(), chart()->mapToPosition(QPointF(static_cast<qreal>(s.endMs), 0), m_mid).x());
        if (x1 <= x0)
            continue;
        QColor c = regimeColour(s.regime);
        c.setAlpha(34);
        painter->fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), c);
        c.setAlpha(200);
        painter->fillRect(QRectF(x0, plot.top(), x1 - x0, 4), c);
        if (x1 - x0 > 50) {
            painter->setPen(c.lighter(150));
            painter->drawText(QRectF(x0 + 3, plot.top() + 5, x1 - x0 - 6, 14), Qt::AlignLeft | Qt::AlignVCenter,
                              QString::fromStdString(s.regime));
        }
    }
    painter->restore();
}

} // namespace hm
