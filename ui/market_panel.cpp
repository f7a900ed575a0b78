#include "market_panel.h"

#include "features/features.h"

#include <QHeaderView>
#include <QPainter>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hm {

QColor regimeColour(const std::string& r)
{
    if (r == "calm")
        return QColor(60, 130, 190);
    if (r == "normal")
        return QColor(70, 150, 90);
    if (r == "volatile")
        return QColor(210, 150, 40);
    if (r == "stressed")
        return QColor(200, 60, 60);
    return QColor(90, 90, 90);
}

RegimeTimeline::RegimeTimeline(QWidget* parent) : QWidget(parent) { setObjectName(QStringLiteral("regimeTimeline")); }

void RegimeTimeline::add(Timestamp t, const std::string& detected, const std::string& truth)
{
    if (!m_samples.empty() && t - m_samples.back().t < 1000000000)
        return; // one sample a second is plenty
    m_samples.push_back(Sample{t, detected, truth});
    while (!m_samples.empty() && m_samples.front().t < t - Timestamp(1800) * 1000000000)
        m_samples.erase(m_samples.begin());
    update();
}

void RegimeTimeline::setHistory(const std::vector<RegimePoint>& points, Timestamp now)
{
    m_samples.clear();
    if (points.empty())
        return update();
    const Timestamp second = 1000000000;
    std::size_t k = 0;
    for (Timestamp t = std::max(points.front().t, now - 1800 * second); t < now; t += second) {
        while (k + 1 < points.size() && points[k + 1].t <= t)
            ++k;
        m_samples.push_back(Sample{t, points[k].detected, points[k].truth});
    }
    update();
}

void RegimeTimeline::setProbabilities(std::vector<std::string> names, std::vector<double> p)
{
    m_names = std::move(names);
    m_p = std::move(p);
    update();
}

void RegimeTimeline::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QRect r = rect().adjusted(2, 2, -2, -2);
    p.fillRect(r, QColor(30, 33, 39));
    QFont f = font();
    f.setPointSizeF(8);
    p.setFont(f);
    // Probabilities: one bar per state.
    const int barsH = 24;
    for (std::size_t i = 0; i < m_names.size() && i < m_p.size(); ++i) {
        const int w = r.width() / static_cast<int>(m_names.size());
        const QRect cell(r.left() + static_cast<int>(i) * w, r.top(), w - 3, barsH);
        p.fillRect(QRect(cell.left(), cell.bottom() - 6, static_cast<int>(cell.width() * m_p[i]), 6), regimeColour(m_names[i]));
        p.setPen(QColor(210, 212, 216));
        p.drawText(cell.adjusted(2, 0, 0, -8), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("%1 %2%").arg(QString::fromStdString(m_names[i])).arg(std::lround(100 * m_p[i])));
    }
    // The last half hour: detected above, true below.
    const QRect strip(r.left() + 44, r.top() + barsH + 2, r.width() - 46, 14);
    p.setPen(QColor(160, 160, 160));
    p.drawText(QRect(r.left(), strip.top(), 42, 14), Qt::AlignLeft | Qt::AlignVCenter, tr("seen"));
    p.drawText(QRect(r.left(), strip.top() + 17, 42, 14), Qt::AlignLeft | Qt::AlignVCenter, tr("true"));
    if (m_samples.size() < 2)
        return;
    const Timestamp t1 = m_samples.back().t, t0 = t1 - Timestamp(1800) * 1000000000;
    auto x = [&](Timestamp t) { return strip.left() + static_cast<int>(strip.width() * double(t - t0) / double(t1 - t0)); };
    for (std::size_t i = 1; i < m_samples.size(); ++i) {
        const int a = x(m_samples[i - 1].t), b = std::max(a + 1, x(m_samples[i].t));
        p.fillRect(QRect(a, strip.top(), b - a, strip.height()), regimeColour(m_samples[i].detected));
        if (!m_samples[i].truth.empty())
            p.fillRect(QRect(a, strip.top() + 17, b - a, strip.height()), regimeColour(m_samples[i].truth));
    }
}

MarketPanel::MarketPanel(std::string symbol, QWidget* parent) : QWidget(parent), m_symbol(std::move(symbol))
{
    m_regime = new QLabel(tr("Regime: unknown"));
    m_regime->setObjectName(QStringLiteral("marketRegime"));
    m_regime->setStyleSheet(QStringLiteral("font-weight:bold; padding:3px;"));
    const auto& names = featureNames();
    const int rows = kTimeRemaining; // the task features mean nothing here
    m_table = new QTableWidget(rows, 2);
    m_table->setObjectName(QStringLiteral("marketFeatures"));
    m_table->setHorizontalHeaderLabels({tr("Feature"), tr("Value")});
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(19);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    for (int i = 0; i < rows; ++i) {
        m_table->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(names[static_cast<std::size_t>(i)])));
        auto* v = new QTableWidgetItem(QStringLiteral("—"));
        v->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(i, 1, v);
    }
    m_table->setColumnWidth(0, 190);
    m_table->setMinimumHeight(60); // shares the column: scrolls rather than pushes
    m_timeline = new RegimeTimeline;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_regime);
    layout->addWidget(m_timeline);
    layout->addWidget(m_table, 1);
}

void MarketPanel::update(const EngineSnapshot& s)
{
    for (const BookView& b : s.books) {
        if (b.instrument.symbol != m_symbol)
            continue;
        QString text = tr("Regime: %1").arg(b.regime.empty() ? tr("unknown") : QString::fromStdString(b.regime));
        if (!b.regimeNames.empty())
            text += tr(" (detected)");
        if (!b.trueRegime.empty())
            text += tr(" · simulator's true regime: %1").arg(QString::fromStdString(b.trueRegime));
        if (m_regime->text() != text) // a style sheet re-polishes the widget: only on a change
            m_regime->setText(text);
        const QString style = QStringLiteral("font-weight:bold; padding:3px; color:%1;").arg(regimeColour(b.regime).lighter(140).name());
        if (m_regime->styleSheet() != style)
            m_regime->setStyleSheet(style);
        if (!b.regimeNames.empty())
            m_timeline->setProbabilities(b.regimeNames, b.regimeProbabilities);
        if (!b.regimeHistory.empty())
            m_timeline->setHistory(b.regimeHistory, s.time);
        if (!b.regime.empty())
            m_timeline->add(s.time, b.regime, b.trueRegime);
        for (int i = 0; i < m_table->rowCount() && i < static_cast<int>(b.features.size()); ++i)
            m_table->item(i, 1)->setText(QString::number(b.features[static_cast<std::size_t>(i)], 'f', 3));
    }
}

void MarketPanel::setSymbol(const std::string& symbol)
{
    if (symbol == m_symbol)
        return;
    m_symbol = symbol;
    m_timeline->clear();
    m_regime->clear();
}

QString MarketPanel::valueText(const std::string& feature) const
{
    for (int i = 0; i < m_table->rowCount(); ++i)
        if (m_table->item(i, 0)->text() == QString::fromStdString(feature))
            return m_table->item(i, 1)->text();
    return {};
}

QString MarketPanel::regimeText() const { return m_regime->text(); }

} // namespace hm
