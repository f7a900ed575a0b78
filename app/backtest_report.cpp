#include "backtest_report.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace hm {

namespace {

std::string ci(const Interval& i, int precision = 2)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << i.value << " [" << i.low << ", " << i.high << "]";
    return s.str();
}

std::string pValue(double p)
{
    if (std::isnan(p))
        return "-";
    char buf[32];
    if (p < 1e-4)
        std::snprintf(buf, sizeof buf, "%.1e", p);
    else
        std::snprintf(buf, sizeof buf, "%.4f", p);
    return buf;
}

const QColor kPalette[] = {QColor(70, 140, 220), QColor(230, 150, 40), QColor(80, 180, 100), QColor(200, 80, 80),
                           QColor(150, 110, 200), QColor(120, 120, 120), QColor(40, 190, 190), QColor(220, 120, 180)};

void frame(QPainter& p, const QRect& plot, const QString& title, const QString& yLabel)
{
    p.setPen(Qt::black);
    QFont f(QStringLiteral("DejaVu Sans"), 11, QFont::Bold);
    p.setFont(f);
    p.drawText(QRect(0, 5, p.device()->width(), 25), Qt::AlignCenter, title);
    f.setBold(false);
    f.setPointSize(9);
    p.setFont(f);
    p.save();
    p.translate(18, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-150, -10, 300, 20), Qt::AlignCenter, yLabel);
    p.restore();
    p.drawRect(plot);
}

void yAxis(QPainter& p, const QRect& plot, double lo, double hi)
{
    for (int i = 0; i <= 5; ++i) {
        const double v = lo + (hi - lo) * i / 5;
        const int y = plot.bottom() - static_cast<int>(plot.height() * i / 5.0);
        p.setPen(QColor(220, 220, 220));
        p.drawLine(plot.left(), y, plot.right(), y);
        p.setPen(Qt::black);
        p.drawText(QRect(plot.left() - 60, y - 8, 55, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(v, 'f', 1));
    }
}

bool costsChart(const BacktestReport& r, const std::string& path)
{
    const auto& names = r.backtest->strategies();
    std::map<std::string, std::vector<double>> costs;
    for (const auto& e : r.episodes)
        if (std::fabs(e.sizeFraction - r.backtest->options().sizeFraction) < 1e-12)
            costs[e.strategy].push_back(e.shortfallBps);
    double lo = 1e300, hi = -1e300;
    for (const auto& kv : costs) {
        lo = std::min(lo, quantile(kv.second, 0.02));
        hi = std::max(hi, quantile(kv.second, 0.98));
    }
    if (lo >= hi)
        hi = lo + 1;
    const double pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    QImage img(1000, 560, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect plot(90, 40, 880, 440);
    frame(p, plot, QStringLiteral("Implementation shortfall per strategy (box: quartiles, whiskers: 5-95%, dot: mean)"),
          QStringLiteral("shortfall, bps of arrival mid (lower is better)"));
    yAxis(p, plot, lo, hi);
    auto y = [&](double v) { return plot.bottom() - (v - lo) / (hi - lo) * plot.height(); };
    const double slot = static_cast<double>(plot.width()) / std::max<std::size_t>(1, names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::vector<double>& v = costs[names[i]];
        if (v.empty())
            continue;
        const double cx = plot.left() + slot * (i + 0.5), w = slot * 0.35;
        const QColor c = kPalette[i % 8];
        p.setPen(QPen(Qt::black, 1));
        p.drawLine(QPointF(cx, y(quantile(v, 0.05))), QPointF(cx, y(quantile(v, 0.95))));
        p.setBrush(c);
        p.drawRect(QRectF(cx - w / 2, y(quantile(v, 0.75)), w, y(quantile(v, 0.25)) - y(quantile(v, 0.75))));
        p.setPen(QPen(Qt::black, 2));
        p.drawLine(QPointF(cx - w / 2, y(quantile(v, 0.5))), QPointF(cx + w / 2, y(quantile(v, 0.5))));
        double mean = 0;
        for (double x : v)
            mean += x / v.size();
        p.setBrush(Qt::white);
        p.drawEllipse(QPointF(cx, y(mean)), 4, 4);
        p.setPen(Qt::black);
        // Short labels, the variant on a line of its own, so a dozen strategies fit.
        QString label = QString::fromStdString(names[i]);
        label.replace(QStringLiteral("Almgren-Chriss"), QStringLiteral("AC")).replace(QStringLiteral("submit-and-leave"), QStringLiteral("submit\nand leave"));
        label.replace(QStringLiteral("-default"), QStringLiteral("\ndefault")).replace(QStringLiteral("-cross"), QStringLiteral("\ncross"));
        p.drawText(QRectF(cx - slot / 2, plot.bottom() + 6, slot, 32), Qt::AlignHCenter | Qt::AlignTop, label);
        p.drawText(QRectF(cx - slot / 2, plot.bottom() + 38, slot, 18), Qt::AlignCenter, QString::number(mean, 'f', 2));
    }
    return img.save(QString::fromStdString(path));
}

bool trajectoryChart(const BacktestReport& r, const std::string& path)
{
    const auto& names = r.backtest->strategies();
    std::map<std::string, std::vector<double>> avg;
    std::map<std::string, int> count;
    for (const auto& e : r.episodes) {
        if (std::fabs(e.sizeFraction - r.backtest->options().sizeFraction) > 1e-12)
            continue;
        auto& a = avg[e.strategy];
        a.resize(e.remaining.size(), 0.0);
        for (std::size_t k = 0; k < e.remaining.size(); ++k)
            a[k] += e.remaining[k];
        ++count[e.strategy];
    }
    QImage img(1000, 560, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect plot(90, 40, 700, 440);
    frame(p, plot, QStringLiteral("Average execution trajectory against the Almgren-Chriss trajectory"),
          QStringLiteral("share of the parent order still to do"));
    yAxis(p, plot, 0, 1);
    const double horizon = r.backtest->options().horizonS;
    p.setPen(Qt::black);
    for (int i = 0; i <= 6; ++i)
        p.drawText(QRect(plot.left() + plot.width() * i / 6 - 30, plot.bottom() + 6, 60, 16), Qt::AlignCenter,
                   QStringLiteral("%1 s").arg(horizon * i / 6, 0, 'f', 0));
    p.drawText(QRect(plot.left(), plot.bottom() + 24, plot.width(), 16), Qt::AlignCenter, QStringLiteral("time since arrival"));
    auto draw = [&](const std::vector<double>& v, const QColor& c, Qt::PenStyle style, const QString& label, int row) {
        if (v.size() < 2)
            return;
        QPainterPath path;
        for (std::size_t k = 0; k < v.size(); ++k) {
            const QPointF pt(plot.left() + plot.width() * static_cast<double>(k) / (v.size() - 1),
                             plot.bottom() - v[k] * plot.height());
            if (k == 0)
                path.moveTo(pt);
            else
                path.lineTo(pt);
        }
        p.setPen(QPen(c, 2, style));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        p.drawLine(plot.right() + 15, plot.top() + 10 + row * 22, plot.right() + 45, plot.top() + 10 + row * 22);
        p.setPen(Qt::black);
        p.drawText(QRect(plot.right() + 50, plot.top() + row * 22, 160, 20), Qt::AlignLeft | Qt::AlignVCenter, label);
    };
    int row = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::vector<double> v = avg[names[i]];
        for (double& x : v)
            x /= std::max(1, count[names[i]]);
        draw(v, kPalette[i % 8], Qt::SolidLine, QString::fromStdString(names[i]), row++);
    }
    draw(r.backtest->acTrajectory(), Qt::black, Qt::DashLine, QStringLiteral("AC plan"), row);
    return img.save(QString::fromStdString(path));
}

} // namespace

void printTable(const BacktestReport& r, std::ostream& out)
{
    const Backtest& b = *r.backtest;
    const BacktestOptions& o = b.options();
    out << "Helmsman backtest: " << (o.side == Side::Sell ? "sell" : "buy") << " " << o.sizeFraction * 100
        << "% of expected volume over " << o.horizonS << " s, decisions every " << o.intervalS << " s, " << o.episodes
        << " held-out episodes from seed " << o.seed0 << " (" << std::fixed << std::setprecision(1) << r.seconds << " s)\n";
    const ImpactEstimate& im = b.impact();
    out << std::setprecision(4) << "calibrated: sigma " << im.sigmaTicksPerSqrtS << " ticks/sqrt(s), half-spread cost "
        << im.spreadCostTicks << " ticks, temporary impact " << im.etaTicksPerLot << " ticks/lot, permanent "
        << im.gammaTicksPerLot << " ticks/lot; daily volume " << std::setprecision(0) << b.profile().dailyVolume << "\n";
    double kappaT = 0;
    AlmgrenChrissParams ac;
    ac.impact = im;
    ac.riskAversion = o.riskAversion;
    AlmgrenChrissPolicy::trajectory(ac, 0, static_cast<int>(std::ceil(o.horizonS / o.intervalS)), o.intervalS, &kappaT);
    out << "Almgren-Chriss: risk aversion " << std::scientific << std::setprecision(1) << o.riskAversion << std::fixed
        << std::setprecision(2) << " per tick-lot, kappa*T " << kappaT
        << " (0 = straight line like TWAP; larger = more front-loaded)\n";
    out << "placement (docs/execution.md): TWAP, VWAP, POV, Almgren-Chriss rest at the touch and cross only to catch up,\n"
           "  with the tuned parameters (resources/exec/tuned-placement.json); -default: the hand-set placement; -cross: the\n"
           "  naive references taking every slice at the market. Tuned values:\n";
    for (const std::string& f : placementFamilies()) {
        const PlacementParams p = tunedPlacement(f);
        out << "    " << std::left << std::setw(5) << f << std::right << std::setprecision(2) << "band_inside " << p.bandInside
            << ", band_cross " << p.bandCross << ", limit_sigmas " << p.limitSigmas << ", max_participation "
            << p.maxParticipation << ", min_participation " << p.minParticipation << ", finish_slices " << p.finishSlices
            << ", jitter " << p.jitter << "\n";
    }
    out << "shortfall and impact in bps of the arrival mid (cost: lower is better); [95% CI]; p: paired Wilcoxon\n";
    std::string regime;
    for (const StrategySummary& s : r.summary) {
        if (s.regime != regime) {
            regime = s.regime;
            out << "\n== regime: " << regime << " (n=" << s.n << ") ==\n";
            out << std::left << std::setw(23) << "strategy" << std::setw(24) << "mean shortfall" << std::setw(24)
                << "median" << std::setw(22) << "timing risk (sd)" << std::setw(22) << "impact" << std::setw(20)
                << "fill rate" << std::setw(20) << "beats TWAP" << std::setw(10) << "p TWAP" << "p VWAP\n"
                << std::right;
        }
        out << std::left << std::setw(23) << s.strategy << std::setw(24) << ci(s.meanShortfall) << std::setw(24)
            << ci(s.medianShortfall) << std::setw(22) << ci(s.timingRisk) << std::setw(22) << ci(s.impact)
            << std::setw(20) << ci(s.fillRate) << std::setw(20) << (s.strategy == "TWAP" ? "-" : ci(s.beatTwap)) << std::setw(10)
            << (s.strategy == "TWAP" ? "-" : pValue(s.pVsTwap)) << (s.strategy == "VWAP" ? "-" : pValue(s.pVsVwap)) << "\n"
            << std::right;
    }
    if (!r.sweep.empty()) {
        out << "\n== mean shortfall by order size (share of expected volume), all regimes ==\n" << std::left << std::setw(8)
            << "size";
        for (const auto& kv : r.sweep.front().meanShortfall)
            out << std::setw(24) << kv.first;
        out << "\n";
        for (const SizeSweepRow& row : r.sweep) {
            std::ostringstream size;
            size << std::setprecision(0) << std::fixed << row.sizeFraction * 100 << "%";
            out << std::setw(8) << size.str();
            for (const auto& kv : row.meanShortfall)
                out << std::setw(24) << ci(kv.second);
            out << "\n";
        }
        out << std::right;
    }
}

std::string writeReportFiles(const BacktestReport& r, const std::string& dir)
{
    const Backtest& b = *r.backtest;
    {
        std::ofstream f(dir + "/episodes.csv");
        if (!f)
            return "cannot write " + dir + "/episodes.csv";
        f << "strategy,seed,regime,size_fraction,parent,shortfall_bps,impact_bps,fill_rate,forced_at_end\n";
        for (const auto& e : r.episodes)
            f << e.strategy << ',' << e.seed << ',' << b.config().regimes[static_cast<std::size_t>(e.regime)].name << ','
              << e.sizeFraction << ',' << e.parent << ',' << e.shortfallBps << ',' << e.impactBps << ',' << e.fillRate
              << ',' << e.forced << '\n';
    }
    nlohmann::json summary = nlohmann::json::array();
    {
        std::ofstream f(dir + "/summary.csv");
        if (!f)
            return "cannot write " + dir + "/summary.csv";
        f << "regime,strategy,n,mean_shortfall_bps,mean_lo,mean_hi,median_shortfall_bps,median_lo,median_hi,timing_risk_bps,"
             "impact_bps,fill_rate,beat_twap,beat_twap_lo,beat_twap_hi,p_vs_twap,p_vs_vwap\n";
        for (const auto& s : r.summary) {
            f << s.regime << ',' << s.strategy << ',' << s.n << ',' << s.meanShortfall.value << ',' << s.meanShortfall.low
              << ',' << s.meanShortfall.high << ',' << s.medianShortfall.value << ',' << s.medianShortfall.low << ','
              << s.medianShortfall.high << ',' << s.timingRisk.value << ',' << s.impact.value << ',' << s.fillRate.value
              << ',' << s.beatTwap.value << ',' << s.beatTwap.low << ',' << s.beatTwap.high << ',' << s.pVsTwap << ','
              << s.pVsVwap << '\n';
            auto iv = [](const Interval& i) { return nlohmann::json{{"value", i.value}, {"low", i.low}, {"high", i.high}}; };
            summary.push_back({{"regime", s.regime}, {"strategy", s.strategy}, {"n", s.n},
                               {"mean_shortfall_bps", iv(s.meanShortfall)}, {"median_shortfall_bps", iv(s.medianShortfall)},
                               {"timing_risk_bps", iv(s.timingRisk)}, {"impact_bps", iv(s.impact)},
                               {"fill_rate", iv(s.fillRate)}, {"beat_twap", iv(s.beatTwap)}, {"p_vs_twap", s.pVsTwap},
                               {"p_vs_vwap", s.pVsVwap}});
        }
    }
    nlohmann::json sweep = nlohmann::json::array();
    for (const auto& row : r.sweep) {
        nlohmann::json m = nlohmann::json::object();
        for (const auto& kv : row.meanShortfall)
            m[kv.first] = {{"value", kv.second.value}, {"low", kv.second.low}, {"high", kv.second.high}};
        sweep.push_back({{"size_fraction", row.sizeFraction}, {"mean_shortfall_bps", m}});
    }
    const BacktestOptions& o = b.options();
    const ImpactEstimate& im = b.impact();
    nlohmann::json report = {
        {"task", {{"side", o.side == Side::Sell ? "sell" : "buy"}, {"size_fraction", o.sizeFraction}, {"horizon_s", o.horizonS},
                  {"interval_s", o.intervalS}, {"episodes", o.episodes}, {"seed0", o.seed0}, {"end_penalty_bps", o.endPenaltyBps}}},
        {"calibration", {{"sigma_ticks_per_sqrt_s", im.sigmaTicksPerSqrtS}, {"spread_cost_ticks", im.spreadCostTicks},
                         {"eta_ticks_per_lot", im.etaTicksPerLot}, {"gamma_ticks_per_lot", im.gammaTicksPerLot},
                         {"daily_volume", b.profile().dailyVolume}, {"risk_aversion", o.riskAversion}}},
        {"summary", summary},
        {"size_sweep", sweep},
        {"seconds", r.seconds}};
    {
        std::ofstream f(dir + "/report.json");
        if (!f)
            return "cannot write " + dir + "/report.json";
        f << report.dump(2) << "\n";
    }
    if (!costsChart(r, dir + "/costs.png"))
        return "cannot write " + dir + "/costs.png";
    if (!trajectoryChart(r, dir + "/trajectory.png"))
        return "cannot write " + dir + "/trajectory.png";
    return {};
}

} // namespace hm
