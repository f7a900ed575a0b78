#include "risk_gauge.h"

#include <QPainter>
#include <QPolygonF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace hm {

QString compactNumber(double v)
{
    const double a = std::fabs(v);
    if (a >= 1e9)
        return QString::number(v / 1e9, 'f', 2) + QLatin1Char('B');
    if (a >= 1e6)
        return QString::number(v / 1e6, 'f', 2) + QLatin1Char('M');
    if (a >= 1e4)
        return QString::number(v / 1e3, 'f', 1) + QLatin1Char('k');
    if (a >= 100 || a == 0)
        return QString::number(v, 'f', 0);
    return QString::number(v, 'g', 3);
}

RiskGauge::RiskGauge(QString title, QString unit, QWidget* parent)
    : QWidget(parent), m_title(std::move(title)), m_unit(std::move(unit))
{
    setToolTip(m_title);
}

void RiskGauge::setValue(double value, double limit)
{
    if (value == m_value && limit == m_limit)
        return;
    m_value = value;
    m_limit = limit;
    QWidget::update();
}

void RiskGauge::sample()
{
    m_history.push_back(m_limit > 0 ? m_value / m_limit : m_value);
    if (m_history.size() > kHistory)
        m_history.pop_front();
    QWidget::update();
}

void RiskGauge::clearHistory()
{
    m_history.clear();
    QWidget::update();
}

RiskGauge::Level RiskGauge::level() const
{
    if (m_limit <= 0)
        return Level::Normal;
    const double r = m_value / m_limit;
    return r >= 1.0 ? Level::Breach : r >= kWarnAt ? Level::Warning : Level::Normal;
}

void RiskGauge::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect r = rect().adjusted(1, 1, -1, -1);
    const Level lv = level();
    const QColor colour = lv == Level::Breach ? QColor(200, 50, 50) : lv == Level::Warning ? QColor(220, 160, 40)
                                                                                           : QColor(60, 160, 90);
    p.fillRect(r, QColor(30, 33, 39));
    if (lv != Level::Normal) {
        p.setPen(QPen(colour, 2));
        p.drawRect(r.adjusted(1, 1, -1, -1));
    }
    // Title and value on top.
    QFont f = font();
    f.setPointSizeF(8.5);
    p.setFont(f);
    const QRect top(r.left() + 5, r.top() + 2, r.width() - 10, 16);
    QString valueText = compactNumber(m_value) + m_unit;
    if (m_limit > 0)
        valueText += QStringLiteral(" / %1 (%2%)").arg(compactNumber(m_limit)).arg(std::lround(100.0 * m_value / m_limit));
    p.setPen(lv == Level::Normal ? QColor(225, 228, 232) : colour.lighter(130));
    p.drawText(top, Qt::AlignRight | Qt::AlignVCenter, valueText);
    // The value always shows whole; the title gives way (elided, full text in the tooltip).
    const int titleWidth = top.width() - p.fontMetrics().horizontalAdvance(valueText) - 8;
    p.setPen(QColor(180, 184, 190));
    p.drawText(top, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(m_title, Qt::ElideRight, titleWidth));
    // Bar (with limit) and sparkline share the lower part.
    const QRect low(r.left() + 5, r.top() + 21, r.width() - 10, r.height() - 25);
    if (m_limit > 0) {
        const QRect bar(low.left(), low.top(), low.width(), 6);
        p.fillRect(bar, QColor(50, 55, 63));
        const double ratio = std::clamp(m_value / m_limit, 0.0, 1.0);
        p.fillRect(QRect(bar.left(), bar.top(), static_cast<int>(bar.width() * ratio), bar.height()), colour);
        const int warnX = bar.left() + static_cast<int>(bar.width() * kWarnAt);
        p.setPen(QColor(220, 160, 40, 160));
        p.drawLine(warnX, bar.top() - 1, warnX, bar.bottom() + 1);
    }
    const QRect spark(low.left(), low.top() + (m_limit > 0 ? 8 : 0), low.width(), low.height() - (m_limit > 0 ? 8 : 0));
    if (m_history.size() < 2 || spark.height() < 3)
        return;
    double lo = *std::min_element(m_history.begin(), m_history.end());
    double hi = *std::max_element(m_history.begin(), m_history.end());
    if (m_limit > 0) { // ratios: keep 0..1 in view so the line's height means something
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 1.0);
    }
    if (hi - lo < 1e-12)
        hi = lo + 1;
    // A polyline with a cosmetic one-pixel pen: the raster engine's fast line drawer
    // takes it, where a wider pen strokes the line into a polygon and fills that (four
    // times the cost, for twenty gauges several times a second; bench_paint).
    QPolygonF line;
    line.reserve(static_cast<int>(m_history.size()));
    const double dx = static_cast<double>(spark.width()) / static_cast<double>(kHistory - 1);
    const double x0 = spark.right() - dx * static_cast<double>(m_history.size() - 1);
    for (std::size_t i = 0; i < m_history.size(); ++i)
        line << QPointF(x0 + dx * static_cast<double>(i),
                        spark.bottom() - (m_history[i] - lo) / (hi - lo) * spark.height());
    QPen pen(colour.lighter(120), 1.0);
    pen.setCosmetic(true);
    p.setPen(pen);
    p.drawPolyline(line);
}

} // namespace hm
