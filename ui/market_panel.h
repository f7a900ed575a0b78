#pragma once
// The market's state as the agents see it: the regime and the features of
// core/features (imbalance, spread, microprice, realized volatility, volume, order
// flow), computed by the engine with the same code the agents and the backtest use.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QColor>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace hm {

QColor regimeColour(const std::string& regime);

// The detected regime's probabilities now and a timeline of the last half hour:
// detected regime on the upper strip, the simulator's true one (when known) below.
class RegimeTimeline : public QWidget {
    Q_OBJECT
public:
    explicit RegimeTimeline(QWidget* parent = nullptr);
    void add(Timestamp t, const std::string& detected, const std::string& truth);
    void setProbabilities(std::vector<std::string> names, std::vector<double> p);
    // After a replay's jump: the half hour before `now`, from the regime's change points.
    void setHistory(const std::vector<RegimePoint>& points, Timestamp now);
    std::size_t samples() const { return m_samples.size(); }
    void clear()
    {
        m_samples.clear();
        update();
    }
    QSize sizeHint() const override { return {300, 64}; }
    QSize minimumSizeHint() const override { return {200, 64}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    struct Sample {
        Timestamp t;
        std::string detected, truth;
    };
    std::vector<Sample> m_samples;
    std::vector<std::string> m_names;
    std::vector<double> m_p;
};

class MarketPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit MarketPanel(std::string symbol, QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    QString valueText(const std::string& feature) const;
    QString regimeText() const;

    RegimeTimeline& timeline() { return *m_timeline; }
    void reset() override { m_timeline->clear(); }
    void setSymbol(const std::string& symbol); // another instrument's regime and features
    const std::string& symbol() const { return m_symbol; }

private:
    std::string m_symbol;
    QLabel* m_regime;
    RegimeTimeline* m_timeline;
    QTableWidget* m_table;
};

} // namespace hm
