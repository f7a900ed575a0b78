#pragma once
// The portfolio's risk across instruments, as the gate weighs it before each order:
// expected shortfall and VaR (parametric and historical) against their limits, net and
// concentration, the live correlation heat map, each instrument's exposure and share of
// the ES, the stress scenarios, and the kill buttons for an instrument and for each
// correlated cluster.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QWidget>

#include <string>
#include <vector>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QTableWidget;

namespace hm {

class CorrelationHeatMap;
class RiskGauge;

class PortfolioPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit PortfolioPanel(QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override;
    CorrelationHeatMap* heatMap() const { return m_heatMap; }
    int clusterButtons() const;
    void setKillsEnabled(bool enabled); // a replay shows them, disabled

Q_SIGNALS:
    void killInstrumentRequested(const std::string& symbol);
    void killClusterRequested(const std::vector<std::string>& symbols);

private:
    void showInstruments(const PortfolioView& p);
    void showStress(const PortfolioView& p);
    void showClusters(const PortfolioView& p);

    RiskGauge* m_es = nullptr;
    RiskGauge* m_net = nullptr;
    RiskGauge* m_concentration = nullptr;
    QLabel* m_figures = nullptr;
    CorrelationHeatMap* m_heatMap = nullptr;
    QTableWidget* m_instruments = nullptr;
    QTableWidget* m_stress = nullptr;
    QHBoxLayout* m_clusterRow = nullptr;
    QPushButton* m_killInstrument = nullptr;
    std::vector<QPushButton*> m_clusterButtons;
    std::vector<std::vector<std::string>> m_clusters;
    qint64 m_lastSampleMs = 0;
    Timestamp m_shown = -1; // the view's computedAt last drawn
    bool m_killsEnabled = true;
    int m_updatesSinceFit = 0;
};

} // namespace hm
