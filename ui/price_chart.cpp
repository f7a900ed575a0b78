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
constexpr qint64 kMidSpacingMs = 100; // at most 10 mid points a second
// Finer than any plot is wide: the buffers hold at most 4 points per bucket.
constexpr int kBuckets = 2400;
constexpr std::size_t kMaxSpells = 256; // a regime that flickers must not grow the list
constexpr int kTradeMarkerColumns = 3; // pixels per column for trade markers (5 px wide)
} // namespace

PriceChart::PriceChart(std::string symbol, QWidget* parent)
    : QChartView(parent), m_symbol(std::move(symbol)), m_midBuffer(kWindowMs, kBuckets), m_tradeBuffer(kWindowMs, kBuckets)
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
    m_frameTimer.setSingleShot(true);
    connect(&m_frameTimer, &QTimer::timeout, this, [this] { render(); });
    setMinimumSize(300, 200);
}

int PriceChart::midPoints() const { return m_mid->count(); }
int PriceChart::tradePoints() const { return m_trades->count(); }
int PriceChart::heldPoints() const { return m_midBuffer.points() + m_tradeBuffer.points(); }

void PriceChart::reset()
{
    m_midBuffer.clear();
    m_tradeBuffer.clear();
    m_mid->clear();
    m_trades->clear();
    m_regimes.clear();
    m_frameTimer.stop();
    m_lastMidMs = 0;
    m_lastFrameMs = 0;
}

void PriceChart::setSymbol(const std::string& symbol, const std::vector<std::pair<qint64, double>>& mids)
{
    if (symbol == m_symbol)
        return;
    reset();
    m_symbol = symbol;
    for (const auto& p : mids) {
        m_midBuffer.add(p.first, p.second);
        m_lastMidMs = p.first;
    }
    render();
}

void PriceChart::update(const EngineSnapshot& s, const std::string& symbol)
{
    const BookView* book = nullptr;
    for (const auto& b : s.books)
        if (b.instrument.symbol == symbol)
            book = &b;
    if (!book)
        return;
    // The chart's clock is the snapshot's: the engine's (the wall clock live, the
    // journal's in a replay). A trade stamped by a counterparty whose clock runs ahead
    // or behind is drawn when it arrived, between the previous frame and this one.
    const qint64 nowMs = s.time / 1000000;
    if (nowMs < m_lastMidMs - kWindowMs) // our own clock jumped back: start over with it
        m_lastMidMs = 0;
    for (const auto& p : book->midHistory) { // after a replay's jump: what led there
        const qint64 t = p.first / 1000000;
        if (p.second > 0 && t - m_lastMidMs >= kMidSpacingMs && t <= nowMs) {
            m_midBuffer.add(t, book->instrument.toPrice(p.second) / 2.0);
            m_lastMidMs = t;
        }
    }
    if (book->twiceMid > 0 && nowMs - m_lastMidMs >= kMidSpacingMs) {
        m_midBuffer.add(nowMs, book->instrument.toPrice(book->twiceMid) / 2.0);
        m_lastMidMs = nowMs;
    }
    const qint64 from = m_lastFrameMs > 0 ? std::min(m_lastFrameMs, nowMs) : std::numeric_limits<qint64>::min();
    for (const auto& t : book->newTrades)
        m_tradeBuffer.add(std::clamp<qint64>(t.time / 1000000, from, nowMs), book->instrument.toPrice(t.price));
    m_lastFrameMs = nowMs;
    if (!book->regime.empty()) {
        if (!m_regimes.empty() && (nowMs < m_regimes.back().endMs - kWindowMs))
            m_regimes.clear(); // the clock jumped back
        if (m_regimes.empty() || m_regimes.back().regime != book->regime)
            m_regimes.push_back(Spell{nowMs, nowMs, book->regime});
        m_regimes.back().endMs = std::max(m_regimes.back().endMs, nowMs);
    }
    while (!m_regimes.empty()
           && (m_regimes.size() > kMaxSpells || m_regimes.front().endMs < m_regimes.back().endMs - kWindowMs))
        m_regimes.pop_front();
    m_tickSize = book->instrument.tickSize;
    const qint64 since = m_sinceFrame.isValid() ? m_sinceFrame.elapsed() : kFrameMs;
    if (since >= kFrameMs)
        render();
    else if (!m_frameTimer.isActive())
        m_frameTimer.start(static_cast<int>(kFrameMs - since));
}

int PriceChart::plotColumns() const
{
    const qreal w = chart()->plotArea().width();
    // Before the first layout the plot area is empty: the widget's width is near enough.
    return std::max(50, static_cast<int>(w > 10 ? w : width()));
}

void PriceChart::render()
{
    m_sinceFrame.start();
    m_frameTimer.stop();
    if (m_midBuffer.empty()) {
        if (m_mid->count() > 0 || m_trades->count() > 0) {
            m_mid->clear();
            m_trades->clear();
        }
        return;
    }
    // The window ends at the data's latest time, on its own time base.
    const qint64 endMs = std::max(m_midBuffer.latestMs(), m_tradeBuffer.empty() ? 0 : m_tradeBuffer.latestMs());
    const qint64 startMs = std::max(endMs - kWindowMs, m_midBuffer.earliestMs());
    const qint64 axisEndMs = std::max(endMs, startMs + 1000);
    const int columns = plotColumns();
    const QList<QPointF> mid = m_midBuffer.reduce(startMs, axisEndMs, columns);
    const QList<QPointF> trades = m_tradeBuffer.reduce(startMs, axisEndMs, std::max(1, columns / kTradeMarkerColumns));
    m_mid->replace(mid);
    m_trades->replace(trades);
    qreal lo = std::numeric_limits<qreal>::max(), hi = std::numeric_limits<qreal>::lowest();
    for (const QList<QPointF>* points : {&mid, &trades})
        for (const QPointF& p : *points) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
    if (lo > hi)
        return;
    const qreal pad = std::max<qreal>(m_tickSize * 2, (hi - lo) * 0.1);
    m_price->setRange(lo - pad, hi + pad);
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(startMs), QDateTime::fromMSecsSinceEpoch(axisEndMs));
    if (!m_regimes.empty())
        viewport()->update(); // the bands move with the axis
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
