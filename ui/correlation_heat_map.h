#pragma once
// The live correlation matrix of the session's instruments as coloured cells (red for
// positive, blue for negative), framed in the colour of the market's regime, so a
// trader sees correlations rise as a market turns to stress.
#include <QWidget>

#include <string>
#include <vector>

namespace hm {

class CorrelationHeatMap : public QWidget {
    Q_OBJECT
public:
    explicit CorrelationHeatMap(QWidget* parent = nullptr);
    // correlation: row-major, symbols.size() squared.
    void setMatrix(const std::vector<std::string>& symbols, const std::vector<double>& correlation,
                   const std::string& regime);
    double at(int i, int j) const;
    int size() const { return static_cast<int>(m_symbols.size()); }
    QSize sizeHint() const override { return {260, 240}; }
    QSize minimumSizeHint() const override { return {160, 140}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::vector<std::string> m_symbols;
    std::vector<double> m_rho;
    std::string m_regime;
};

QColor correlationColour(double rho);

} // namespace hm
