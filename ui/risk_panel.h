#pragma once
// The risk panel: trading status (trading, halted, killed, stress), a gauge for every
// gate limit's utilisation and gauges for P&L, drawdown, exposure, volatility
// forecasts and value at risk, each with its recent history, and the orders stopped
// by self-trade prevention.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QWidget>

#include <map>

class QLabel;
class QPushButton;

namespace hm {

class RiskGauge;

// The self-trade policy and, per agent, the orders it stopped (the gauge's tooltip).
QString selfTradeText(const RiskView& risk);

class RiskPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit RiskPanel(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override; // a replay jumped: the sparklines start over (from the snapshot's history)

    RiskGauge* gauge(const QString& name) const; // limit name (max_position) or metric (pnl, var_hist, ...)
    QString statusText() const;
    QPushButton& limitsButton() { return *m_limitsButton; }

Q_SIGNALS:
    void editLimitsRequested();

private:
    RiskGauge* addGauge(const QString& key, const QString& title, const QString& unit, int row, int column);
    void show(const RiskView& r); // the gauges' values
    void sampleAt(Timestamp t);   // a sparkline point every 250 ms of market time

    Timestamp m_lastSample = 0;
    QLabel* m_status;
    QLabel* m_regime;
    QPushButton* m_limitsButton;
    std::map<QString, RiskGauge*> m_gauges;
};

} // namespace hm
