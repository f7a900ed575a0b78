#pragma once
// The market's state as the agents see it: the regime and the features of
// core/features (imbalance, spread, microprice, realized volatility, volume, order
// flow), computed by the engine with the same code the agents and the backtest use.
#include "engine/snapshot.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace hm {

class MarketPanel : public QWidget {
    Q_OBJECT
public:
    explicit MarketPanel(std::string symbol, QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot);
    QString valueText(const std::string& feature) const;
    QString regimeText() const;

private:
    std::string m_symbol;
    QLabel* m_regime;
    QTableWidget* m_table;
};

} // namespace hm
