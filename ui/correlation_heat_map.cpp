#include "correlation_heat_map.h"

#include "market_panel.h"

#include <QPainter>

#include <algorithm>

namespace hm {

QColor correlationColour(double rho)
{
    const double x = std::clamp(rho, -1.0, 1.0);
    const QColor zero(38, 40, 46), hot(214, 64, 52), cold(58, 120, 214);
    const QColor& end = x >= 0 ? hot : cold;
    const double t = std::abs(x);
    return QColor(static_cast<int>(zero.red() + t * (end.red() - zero.red())),
                  static_cast<int>(zero.green() + t * (end.green() - zero.green())),
                  static_cast<int>(zero.blue() + t * (end.blue() - zero.blue())));
}

CorrelationHeatMap::CorrelationHeatMap(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("correlationHeatMap"));
    setToolTip(tr("Correlation of the instruments' returns: the EWMA covariance behind the portfolio's VaR and ES; "
                  "the frame is the market's regime"));
}

void CorrelationHeatMap::setMatrix(const std::vector<std::string>& symbols, const std::vector<double>& correlation,
                                   const std::string& regime)
{
    if (symbols == m_symbols && correlation == m_rho && regime == m_regime)
        return;
    m_symbols = symbols;
    m_rho = correlation;
    m_regime = regime;
    QWidget::update();
}

double CorrelationHeatMap::at(int i, int j) const
{
    const int n = size();
    return i >= 0 && j >= 0 && i < n && j < n && m_rho.size() == static_cast<std::size_t>(n * n)
               ? m_rho[static_cast<std::size_t>(i * n + j)]
               : 0.0;
}

void CorrelationHeatMap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const int n = size();
    const QColor frame = m_regime.empty() ? palette().mid().color() : regimeColour(m_regime);
    p.setPen(QPen(frame, 2));
    p.drawRect(rect().adjusted(1, 1, -1, -1));
    if (n == 0 || m_rho.size() != static_cast<std::size_t>(n * n)) {
        p.setPen(palette().text().color());
        p.drawText(rect(), Qt::AlignCenter, tr("no correlation yet"));
        return;
    }
    const int label = 38, top = 18;
    const double cell = std::max(4.0, std::min((width() - label - 6.0) / n, (height() - label - top - 4.0) / n));
    QFont f = font();
    f.setPointSizeF(cell > 30 ? 8 : 6.5);
    p.setFont(f);
    p.setPen(frame);
    p.drawText(QRect(4, 2, width() - 8, top - 2), Qt::AlignLeft | Qt::AlignVCenter,
               m_regime.empty() ? tr("correlation") : tr("correlation — %1").arg(QString::fromStdString(m_regime)));
    for (int i = 0; i < n; ++i) {
        const QString name = QString::fromStdString(m_symbols[static_cast<std::size_t>(i)]);
        p.setPen(palette().text().color());
        p.drawText(QRectF(2, top + i * cell, label - 4, cell), Qt::AlignRight | Qt::AlignVCenter, name);
        p.save();
        p.translate(label + (i + 0.5) * cell, top + n * cell + 3);
        p.rotate(-45);
        p.drawText(QRectF(-label, -8, label, 16), Qt::AlignRight | Qt::AlignVCenter, name);
        p.restore();
        for (int j = 0; j < n; ++j) {
            const double rho = at(i, j);
            const QRectF r(label + j * cell, top + i * cell, cell - 1, cell - 1);
            p.fillRect(r, correlationColour(rho));
            if (cell > 26 && i != j) {
                p.setPen(QColor(235, 235, 235));
                p.drawText(r, Qt::AlignCenter, QString::number(rho, 'f', 2));
            }
        }
    }
}

} // namespace hm
