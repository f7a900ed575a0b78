// bench_paint: what the window's busiest widgets cost to draw, off screen and alone, so
// a change to one is measured without the rest of a session around it.
//   build/bench/bench_paint [ROUNDS]
#include "attribution_table.h"
#include "risk_gauge.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QTableWidget>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace hm;

namespace {
double paintUs(QWidget& w, int rounds)
{
    QImage image(w.size(), QImage::Format_ARGB32_Premultiplied);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < rounds; ++i)
        w.render(&image);
    return static_cast<double>(t.nsecsElapsed()) / 1e3 / rounds;
}
} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
    std::mt19937 rng(3);
    std::normal_distribution<double> step(0, 1);

    // A gauge with a full sparkline of a random walk, with and without a limit.
    for (const double limit : {0.0, 1000.0}) {
        RiskGauge g(QStringLiteral("Unrealized P&L"), QString());
        g.resize(320, 64);
        double v = 0;
        for (int i = 0; i < 300; ++i) {
            v += 50 * step(rng);
            g.setValue(std::fabs(v), limit);
            g.sample();
        }
        std::printf("risk gauge %s: %.0f us per paint\n", limit > 0 ? "with a limit" : "without a limit", paintUs(g, rounds));
    }
    // The attribution table with 30 agents over 5 instruments each: one update, then a paint.
    std::vector<AttributionView> rows;
    for (int a = 0; a < 30; ++a)
        for (int s = 0; s < 5; ++s) {
            AttributionView r;
            r.agent = "agent-" + std::to_string(a);
            r.symbol = "S" + std::to_string((a + s) % 50);
            r.bought = 100 * (s + 1);
            r.alpha = 10 * step(rng);
            r.shortfall = 5 * step(rng);
            r.fees = 1;
            r.notional = 1e5;
            rows.push_back(r);
        }
    AttributionTable table;
    table.resize(700, 300);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < rounds; ++i) {
        for (auto& r : rows)
            r.alpha += step(rng);
        table.setRows(rows);
    }
    std::printf("attribution table (%zu rows): %.0f us per update, %.0f us per paint\n", rows.size(),
                static_cast<double>(t.nsecsElapsed()) / 1e3 / rounds, paintUs(table, rounds));
    return 0;
}
