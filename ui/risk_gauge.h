#pragma once
// One risk gauge: a value against its limit as a bar that turns amber when the limit
// is approached (80%) and red when it is reached, with a sparkline of its recent
// history. Without a limit it shows the value and its sparkline only.
#include <QWidget>

#include <deque>

namespace hm {

class RiskGauge : public QWidget {
    Q_OBJECT
public:
    enum class Level { Normal, Warning, Breach };
    static constexpr double kWarnAt = 0.8;

    RiskGauge(QString title, QString unit, QWidget* parent = nullptr);
    // limit <= 0: no limit, a plain metric.
    void setValue(double value, double limit);
    void sample(); // appends the current value to the sparkline history
    void clearHistory();
    std::size_t historySize() const { return m_history.size(); }
    Level level() const;
    double value() const { return m_value; }
    double limit() const { return m_limit; }
    QString title() const { return m_title; }
    QSize sizeHint() const override { return {230, 40}; }
    QSize minimumSizeHint() const override { return {160, 40}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QString m_title, m_unit;
    double m_value = 0, m_limit = 0;
    std::deque<double> m_history;
    static constexpr std::size_t kHistory = 240;
};

QString compactNumber(double v); // 1234567 -> "1.23M"

} // namespace hm
