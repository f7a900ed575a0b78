#include "risk_panel.h"

#include "risk_gauge.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace hm {

namespace {
struct GaugeSpec {
    const char* key;
    const char* title;
    const char* unit;
};
// Limit gauges, in the order the gate reports them.
const GaugeSpec kLimitGauges[] = {
    {"max_position", "Position (incl. working)", ""},
    {"max_gross_notional", "Gross notional", ""},
    {"max_open_orders", "Open orders", ""},
    {"max_orders_per_second_per_agent", "Orders/s, busiest agent", ""},
    {"max_orders_per_second", "Orders/s, all", ""},
    {"max_messages_per_second", "Messages/s", ""},
    {"daily_loss_limit", "Daily loss", ""},
};
const GaugeSpec kMetricGauges[] = {
    {"pnl", "P&L (marked to mid)", ""},
    {"realized", "Realized", ""},
    {"unrealized", "Unrealized", ""},
    {"drawdown", "Drawdown", ""},
    {"net_exposure", "Net exposure", ""},
    {"ewma_vol", "EWMA vol (1 s)", " bp"},
    {"garch_vol", "GARCH(1,1) vol (1 s)", " bp"},
    {"var_parametric", "VaR 99% 1 min, parametric", ""},
    {"var_historical", "VaR 99% 1 min, historical", ""},
    {"denials", "Gate denials", ""},
    {"self_trades", "Self-trades prevented", ""},
};
} // namespace

RiskPanel::RiskPanel(QWidget* parent) : QWidget(parent)
{
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("riskStatus"));
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setMinimumHeight(24);
    m_limitsButton = new QPushButton(tr("Limits…"));
    m_limitsButton->setObjectName(QStringLiteral("editLimits"));
    m_limitsButton->setToolTip(tr("Show the gate's limits; a risk manager can change them"));
    connect(m_limitsButton, &QPushButton::clicked, this, &RiskPanel::editLimitsRequested);
    m_regime = new QLabel;
    m_regime->setObjectName(QStringLiteral("regimeLabel"));
    m_regime->setToolTip(tr("The market's regime per instrument, from the detector or the simulator's schedule"));
    auto* top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_regime);
    top->addWidget(m_limitsButton);

    auto* grid = new QGridLayout;
    grid->setSpacing(3);
    int i = 0;
    for (const GaugeSpec& g : kLimitGauges) {
        addGauge(QString::fromLatin1(g.key), tr(g.title), QString::fromLatin1(g.unit), i / 2, i % 2);
        ++i;
    }
    i = (i + 1) / 2 * 2; // metrics start on a fresh row
    for (const GaugeSpec& g : kMetricGauges) {
        addGauge(QString::fromLatin1(g.key), tr(g.title), QString::fromLatin1(g.unit), i / 2, i % 2);
        ++i;
    }
    for (auto& kv : m_gauges)
        grid->addWidget(kv.second, kv.second->property("row").toInt(), kv.second->property("column").toInt());
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addLayout(grid);
    layout->addStretch();
}

void RiskPanel::reset()
{
    for (auto& kv : m_gauges)
        kv.second->clearHistory();
    m_lastSample = 0;
}

void RiskPanel::sampleAt(Timestamp t)
{
    // Market time, not the wall clock: a replay's sparklines cover the same span at any
    // speed, and stand still while it is paused.
    if (m_lastSample != 0 && t - m_lastSample < 250000000)
        return;
    for (auto& kv : m_gauges)
        kv.second->sample();
    m_lastSample = t;
}

RiskGauge* RiskPanel::addGauge(const QString& key, const QString& title, const QString& unit, int row, int column)
{
    auto* g = new RiskGauge(title, unit);
    g->setObjectName(QStringLiteral("gauge_") + key);
    g->setProperty("row", row);
    g->setProperty("column", column);
    m_gauges[key] = g;
    return g;
}

RiskGauge* RiskPanel::gauge(const QString& name) const
{
    const auto it = m_gauges.find(name);
    return it == m_gauges.end() ? nullptr : it->second;
}

QString RiskPanel::statusText() const { return m_status->text(); }

void RiskPanel::show(const RiskView& r)
{
    for (const LimitUsage& u : r.usage)
        if (RiskGauge* g = gauge(QString::fromStdString(u.name)))
            g->setValue(u.used, u.limit);
    auto set = [this](const char* key, double v) { gauge(QString::fromLatin1(key))->setValue(v, 0); };
    set("pnl", r.pnl);
    set("realized", r.realized);
    set("unrealized", r.unrealized);
    set("drawdown", r.drawdown);
    set("net_exposure", r.netExposure);
    set("ewma_vol", r.ewmaVol * 1e4);
    set("garch_vol", r.garchVol * 1e4);
    set("var_parametric", r.varParametric);
    set("var_historical", r.varHistorical);
    set("denials", static_cast<double>(r.denials));
    set("self_trades", static_cast<double>(r.selfTradesPrevented));
}

QString selfTradeText(const RiskView& r)
{
    QStringList lines;
    lines << RiskPanel::tr("Self-trade prevention: %1").arg(QString::fromLatin1(toString(r.limits.selfTradePolicy)));
    for (const auto& kv : r.selfTrades)
        lines << RiskPanel::tr("%1: %2 new refused, %3 resting cancelled")
                     .arg(QString::fromStdString(kv.first))
                     .arg(kv.second.newDenied)
                     .arg(kv.second.restingCancelled);
    if (r.selfTrades.empty())
        lines << RiskPanel::tr("none prevented yet");
    return lines.join(QLatin1Char('\n'));
}

void RiskPanel::update(const EngineSnapshot& s)
{
    for (const auto& past : s.riskHistory) { // after a replay's jump: the minute that led there
        show(past.second);
        sampleAt(past.first);
    }
    show(s.risk);
    sampleAt(s.time);
    const RiskView& r = s.risk;
    RiskGauge* stp = gauge(QStringLiteral("self_trades"));
    const QString stpText = selfTradeText(r);
    if (stp->toolTip() != stpText)
        stp->setToolTip(stpText);

    QStringList regimes;
    for (const auto& b : s.books)
        regimes << QStringLiteral("%1 %2").arg(QString::fromStdString(b.instrument.symbol),
                                               b.regime.empty() ? tr("regime unknown") : QString::fromStdString(b.regime));
    m_regime->setText(regimes.join(QStringLiteral(" · ")));
    QString text, style;
    if (r.killed) {
        text = tr("KILLED — new orders refused until a risk manager re-arms");
        style = QStringLiteral("background:#8c1c24; color:white; font-weight:bold;");
    } else if (r.halted) {
        text = tr("HALTED — %1").arg(QString::fromStdString(r.haltReason));
        style = QStringLiteral("background:#a4481c; color:white; font-weight:bold;");
    } else if (r.stress) {
        text = tr("MARKET STRESS — %1").arg(QString::fromStdString(r.stressReason));
        style = QStringLiteral("background:#9a7a16; color:black; font-weight:bold;");
    } else {
        text = tr("TRADING — gate open");
        style = QStringLiteral("background:#1f5f36; color:white; font-weight:bold;");
    }
    if (m_status->text() != text) {
        m_status->setText(text);
        m_status->setStyleSheet(style);
    }
}

} // namespace hm
