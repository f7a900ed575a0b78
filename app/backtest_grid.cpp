#include "backtest_grid.h"
#include "ml/training.h"
#include "model/text.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPainter>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <sys/stat.h>

namespace hm {

namespace {

const char* kGridUsage =
    "grid mode: helmsman-backtest --grid [options]  (or --grid-config FILE.json; the command line wins)\n"
    "  --grid-episodes N    episodes per cell, the same seeds for every strategy (default 50)\n"
    "  --grid-sides LIST    buy,sell (default both)\n"
    "  --grid-sizes LIST    parent sizes, share of the expected volume (default 0.01,0.05,0.10,0.25)\n"
    "  --grid-horizons LIST horizons in minutes (default 5,30,120)\n"
    "  --grid-regimes LIST  starting regimes by name (default all of the simulator's)\n"
    "  --grid-focus NAME    strategy of the heat map (default: first --model, else the best non-classic)\n"
    "  --grid-alpha X       significance level on BH-corrected p (default 0.05)\n"
    "  --strategies LIST    built-in strategies (default twap,vwap,pov,ac,twap-cross: the tuned classic algos\n"
    "                       and the naive crossing TWAP; 'all' for every built-in); --model FILE adds a\n"
    "                       learned policy (repeatable)\n"
    "  --seed N             first seed (default 900000000; cell c uses seed + c*100000 + episode)\n"
    "  --interval S, --risk-aversion X, --sim-config FILE, --threads N, --out DIR, --quiet as in the normal mode\n"
    "config file keys: episodes, sides, sizes, horizons_min, regimes, focus, alpha, strategies, models, seed,\n"
    "  interval_s, risk_aversion, sim_config, threads, out, quiet\n";

struct GridCli {
    GridOptions grid;
    BacktestOptions backtest;
    std::vector<std::string> strategies{"twap", "vwap", "pov", "ac", "twap-cross"};
    std::vector<std::string> models;
    std::vector<std::string> regimeNames; // resolved after the simulator config is known
    std::string focus, outDir = "backtest-out", simConfig;
    bool quiet = false;
};

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool number(const std::string& text, double& out)
{
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end && *end == 0 && end != text.c_str() && std::isfinite(out); // nan and inf are no numbers here
}

// "" or what is wrong with the list.
std::string numbers(const std::string& what, const std::vector<std::string>& items, double lo, double hi, std::vector<double>& out)
{
    out.clear();
    for (const std::string& item : items) {
        double v = 0;
        if (!number(item, v) || v < lo || v > hi)
            return what + ": '" + item + "' is not a number from " + shortNumber(lo) + " to " + shortNumber(hi);
        out.push_back(v);
    }
    return out.empty() ? what + ": the list is empty" : "";
}

std::string sides(const std::vector<std::string>& items, std::vector<Side>& out)
{
    out.clear();
    for (const std::string& s : items) {
        if (s != "buy" && s != "sell")
            return "sides: '" + s + "' is neither buy nor sell";
        out.push_back(s == "buy" ? Side::Buy : Side::Sell);
    }
    return out.empty() ? "sides: the list is empty" : "";
}

std::vector<std::string> items(const nlohmann::json& v)
{
    std::vector<std::string> out;
    if (v.is_string())
        return split(v.get<std::string>(), ',', true);
    for (const auto& x : v)
        out.push_back(x.is_string() ? x.get<std::string>() : x.dump());
    return out;
}

// Applies one option by its key (the config file's key or the flag without "--grid-"/"--").
std::string apply(GridCli& cli, const std::string& key, const nlohmann::json& v)
{
    try {
        std::vector<double> xs;
        std::string e;
        if (key == "episodes") {
            const double n = v.is_number() ? v.get<double>() : std::strtod(v.get<std::string>().c_str(), nullptr);
            if (n < 1 || n > 100000)
                return "episodes: needs 1 to 100000, got " + v.dump();
            cli.grid.episodes = static_cast<int>(n);
        } else if (key == "sides") {
            e = sides(items(v), cli.grid.sides);
        } else if (key == "sizes") {
            e = numbers("sizes", items(v), 0.0001, 5, cli.grid.sizes);
        } else if (key == "horizons_min" || key == "horizons") {
            e = numbers("horizons", items(v), 0.5, 380, xs);
            cli.grid.horizonsS.clear();
            for (double m : xs)
                cli.grid.horizonsS.push_back(m * 60);
        } else if (key == "regimes") {
            cli.regimeNames = items(v);
        } else if (key == "focus") {
            cli.focus = v.get<std::string>();
        } else if (key == "alpha") {
            e = numbers("alpha", items(v), 1e-9, 1, xs);
            if (e.empty())
                cli.grid.alpha = xs.front();
        } else if (key == "strategies") {
            cli.strategies = items(v);
            if (cli.strategies.size() == 1 && cli.strategies.front() == "all")
                cli.strategies = Backtest::builtInStrategies();
        } else if (key == "models") {
            cli.models = items(v);
        } else if (key == "seed") {
            e = numbers("seed", items(v), 0, 1.8e19, xs);
            if (e.empty())
                cli.grid.seed0 = static_cast<std::uint64_t>(xs.front());
        } else if (key == "interval_s") {
            e = numbers("interval_s", items(v), 1, 3600, xs);
            if (e.empty())
                cli.backtest.intervalS = xs.front();
        } else if (key == "risk_aversion") {
            e = numbers("risk_aversion", items(v), 0, 1, xs);
            if (e.empty())
                cli.backtest.riskAversion = xs.front();
        } else if (key == "sim_config") {
            cli.simConfig = v.get<std::string>();
        } else if (key == "threads") {
            e = numbers("threads", items(v), 1, 256, xs);
            if (e.empty())
                cli.grid.threads = cli.backtest.threads = static_cast<int>(xs.front());
        } else if (key == "out") {
            cli.outDir = v.get<std::string>();
        } else if (key == "quiet") {
            cli.quiet = v.get<bool>();
        } else {
            return "unknown key '" + key + "'";
        }
        return e;
    } catch (const std::exception& ex) {
        return key + ": " + ex.what();
    }
}

std::string loadConfig(GridCli& cli, const std::string& path)
{
    std::ifstream f(path);
    if (!f)
        return "cannot read grid config '" + path + "'";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(f);
    } catch (const std::exception& e) {
        return path + ": not JSON: " + e.what();
    }
    if (!j.is_object())
        return path + ": expected a JSON object of options";
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string e = apply(cli, it.key(), it.value());
        if (!e.empty())
            return path + ": " + e;
    }
    return {};
}

// "" or the problem; `command` gets the arguments as typed.
std::string parse(int argc, char** argv, GridCli& cli)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--grid-config") {
            const std::string e = loadConfig(cli, argv[i + 1]);
            if (!e.empty())
                return e;
        }
    static const std::map<std::string, std::string> kValued = {
        {"--grid-episodes", "episodes"}, {"--grid-sides", "sides"},     {"--grid-sizes", "sizes"},
        {"--grid-horizons", "horizons"}, {"--grid-regimes", "regimes"}, {"--grid-focus", "focus"},
        {"--grid-alpha", "alpha"},       {"--strategies", "strategies"}, {"--seed", "seed"},
        {"--interval", "interval_s"},    {"--risk-aversion", "risk_aversion"}, {"--sim-config", "sim_config"},
        {"--threads", "threads"},        {"--out", "out"}};
    bool modelsFromCli = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--grid")
            continue;
        if (a == "--quiet") {
            cli.quiet = true;
            continue;
        }
        if (a == "--help" || a == "-h")
            return "help";
        const auto valued = kValued.find(a);
        if (a != "--grid-config" && a != "--model" && valued == kValued.end())
            return "unknown option '" + a + "' in grid mode";
        if (i + 1 >= argc)
            return a + " needs a value";
        const std::string v = argv[++i];
        if (a == "--grid-config")
            continue; // read first
        if (a == "--model") {
            if (!modelsFromCli)
                cli.models.clear(); // the command line's models replace the file's
            modelsFromCli = true;
            cli.models.push_back(v);
            continue;
        }
        const std::string e = apply(cli, valued->second, nlohmann::json(v));
        if (!e.empty())
            return a + ": " + e.substr(e.find(':') == std::string::npos ? 0 : e.find(':') + 2);
    }
    return {};
}

std::string fixed(double v, int precision = 2)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

std::string pText(double p)
{
    if (std::isnan(p))
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, p < 1e-4 ? "%.1e" : "%.4f", p);
    return buf;
}

std::string signedPct(double v)
{
    std::ostringstream s;
    s << (v >= 0 ? "+" : "") << std::fixed << std::setprecision(1) << v << "%";
    return s.str();
}

std::string flagOf(const GridRow& row)
{
    return row.bestClassic ? "baseline" : row.significantlyWorse ? "WORSE" : row.significantlyBetter ? "better" : "";
}

const QColor kPalette[] = {QColor(70, 140, 220), QColor(230, 150, 40), QColor(80, 180, 100), QColor(200, 80, 80),
                           QColor(150, 110, 200), QColor(120, 120, 120), QColor(40, 190, 190), QColor(220, 120, 180),
                           QColor(160, 120, 60), QColor(30, 60, 140), QColor(120, 170, 40), QColor(90, 30, 90)};

QColor improvementColour(double pct)
{
    const double t = std::clamp(pct / 100.0, -1.0, 1.0);
    if (t >= 0)
        return QColor::fromRgbF(1 - 0.75 * t, 1 - 0.25 * t, 1 - 0.75 * t);
    return QColor::fromRgbF(1 + 0.15 * t, 1 + 0.75 * t, 1 + 0.75 * t);
}

bool heatMap(const GridResult& r, int focus, const std::string& path)
{
    const GridOptions& o = r.options;
    std::vector<int> regimes;
    for (const GridCell& c : r.cells)
        if (std::find(regimes.begin(), regimes.end(), c.regime) == regimes.end())
            regimes.push_back(c.regime);
    const int rows = static_cast<int>(o.sides.size() * o.sizes.size());
    const int cols = static_cast<int>(o.horizonsS.size() * regimes.size());
    const int cw = 82, ch = 40, left = 150, top = 100;
    QImage img(std::max(960, left + cols * cw + 140), std::max(top + rows * ch + 90, top + 21 * 12 + 60), QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    QFont f(QStringLiteral("DejaVu Sans"), 11, QFont::Bold);
    p.setFont(f);
    p.drawText(QRect(0, 5, img.width(), 22), Qt::AlignCenter,
               QStringLiteral("%1: mean shortfall improvement vs the best classic baseline of each cell")
                   .arg(QString::fromStdString(r.strategies[static_cast<std::size_t>(focus)].name)));
    f.setBold(false);
    f.setPointSize(8);
    p.setFont(f);
    p.drawText(QRect(0, 27, img.width(), 18), Qt::AlignCenter,
               QStringLiteral("%1 episodes per cell, paired seeds; green: cheaper, red: dearer; * / !: significantly "
                              "better / worse (Wilcoxon, BH-corrected p < %2)")
                   .arg(o.episodes)
                   .arg(o.alpha));
    for (std::size_t h = 0; h < o.horizonsS.size(); ++h) {
        const int x = left + static_cast<int>(h * regimes.size()) * cw;
        p.drawText(QRect(x, top - 48, static_cast<int>(regimes.size()) * cw, 18), Qt::AlignCenter,
                   QStringLiteral("horizon %1 min").arg(o.horizonsS[h] / 60, 0, 'g', 4));
        for (std::size_t g = 0; g < regimes.size(); ++g)
            p.drawText(QRect(x + static_cast<int>(g) * cw, top - 24, cw, 18), Qt::AlignCenter,
                       QString::fromStdString(r.regimeNames[static_cast<std::size_t>(regimes[g])]));
    }
    for (std::size_t s = 0; s < o.sides.size(); ++s)
        for (std::size_t z = 0; z < o.sizes.size(); ++z) {
            const int y = top + static_cast<int>(s * o.sizes.size() + z) * ch;
            p.drawText(QRect(5, y, left - 10, ch), Qt::AlignRight | Qt::AlignVCenter,
                       QStringLiteral("%1 %2%").arg(o.sides[s] == Side::Buy ? "buy" : "sell").arg(o.sizes[z] * 100, 0, 'g', 4));
        }
    for (const GridRow& row : r.rows) {
        if (row.strategy != focus)
            continue;
        const GridCell& c = r.cells[static_cast<std::size_t>(row.cell)];
        const int s = static_cast<int>(std::find(o.sides.begin(), o.sides.end(), c.side) - o.sides.begin());
        const int z = static_cast<int>(std::find(o.sizes.begin(), o.sizes.end(), c.sizeFraction) - o.sizes.begin());
        const int h = static_cast<int>(std::find(o.horizonsS.begin(), o.horizonsS.end(), c.horizonS) - o.horizonsS.begin());
        const int g = static_cast<int>(std::find(regimes.begin(), regimes.end(), c.regime) - regimes.begin());
        const QRect cell(left + (h * static_cast<int>(regimes.size()) + g) * cw,
                         top + (s * static_cast<int>(o.sizes.size()) + z) * ch, cw, ch);
        p.setPen(QColor(200, 200, 200));
        p.setBrush(improvementColour(row.improvementPct));
        p.drawRect(cell);
        p.setPen(Qt::black);
        const QString mark = row.significantlyBetter ? QStringLiteral(" *") : row.significantlyWorse ? QStringLiteral(" !") : QString();
        p.drawText(cell.adjusted(0, 2, 0, -ch / 2), Qt::AlignCenter,
                   row.bestClassic ? QStringLiteral("baseline") : QString::fromStdString(signedPct(row.improvementPct)) + mark);
        // The bps difference beside the %: where the baseline's mean is near 0 the % is large and says little.
        p.drawText(cell.adjusted(0, ch / 2, 0, -2), Qt::AlignCenter,
                   row.bestClassic ? QStringLiteral("%1 bps").arg(row.meanShortfall, 0, 'f', 1)
                                   : QStringLiteral("%1%2 bps").arg(row.improvementBps >= 0 ? "+" : "").arg(row.improvementBps, 0, 'f', 1));
    }
    p.setPen(Qt::black);
    p.setBrush(Qt::NoBrush);
    for (std::size_t h = 1; h < o.horizonsS.size(); ++h) { // heavier lines between horizons and sides
        const int x = left + static_cast<int>(h * regimes.size()) * cw;
        p.drawLine(x, top, x, top + rows * ch);
    }
    for (std::size_t s = 1; s < o.sides.size(); ++s) {
        const int y = top + static_cast<int>(s * o.sizes.size()) * ch;
        p.drawLine(left, y, left + cols * cw, y);
    }
    // The colour scale.
    const int lx = left + cols * cw + 30;
    for (int i = 0; i <= 20; ++i) {
        const double pct = 100 - i * 10;
        p.fillRect(QRect(lx, top + i * 12, 24, 12), improvementColour(pct));
        if (i % 5 == 0)
            p.drawText(QRect(lx + 30, top + i * 12 - 2, 70, 16), Qt::AlignLeft | Qt::AlignVCenter, QString::fromStdString(signedPct(pct)));
    }
    p.drawText(QRect(10, top + rows * ch + 10, img.width() - 20, 40), Qt::AlignLeft | Qt::TextWordWrap,
               QStringLiteral("rows: side x parent size (share of expected volume); columns: horizon x starting regime; "
                              "second line: the improvement in bps (baseline mean minus the strategy's mean; for the baseline itself, its mean)"));
    return img.save(QString::fromStdString(path));
}

bool costsChart(const GridResult& r, const std::string& path)
{
    const std::size_t S = r.strategies.size(), H = r.options.horizonsS.size();
    // costs[h][s]: every shortfall of strategy s in cells of horizon h.
    std::vector<std::vector<std::vector<double>>> costs(H, std::vector<std::vector<double>>(S));
    for (const GridEpisode& e : r.episodes) {
        const GridCell& c = r.cells[static_cast<std::size_t>(e.cell)];
        const std::size_t h = static_cast<std::size_t>(
            std::find(r.options.horizonsS.begin(), r.options.horizonsS.end(), c.horizonS) - r.options.horizonsS.begin());
        if (h < H)
            costs[h][static_cast<std::size_t>(e.strategy)].push_back(e.shortfallBps);
    }
    const int panelW = std::max(260, static_cast<int>(S) * 46), panelH = 420, left = 80, top = 60;
    QImage img(left + static_cast<int>(H) * (panelW + 70) + 20, top + panelH + 120, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    QFont f(QStringLiteral("DejaVu Sans"), 11, QFont::Bold);
    p.setFont(f);
    p.drawText(QRect(0, 5, img.width(), 22), Qt::AlignCenter,
               QStringLiteral("Shortfall over every episode of the grid, by horizon (box: quartiles, whiskers: 5-95%, dot: mean; clipped at the frame)"));
    f.setBold(false);
    f.setPointSize(8);
    p.setFont(f);
    for (std::size_t h = 0; h < H; ++h) {
        // The axis spans the boxes with room for one interquartile range either side; a
        // strategy with a long tail (submit-and-leave) is clipped rather than squashing the rest.
        double lo = 1e300, hi = -1e300, iqr = 0;
        for (const auto& v : costs[h])
            if (!v.empty()) {
                lo = std::min(lo, quantile(v, 0.25));
                hi = std::max(hi, quantile(v, 0.75));
                iqr = std::max(iqr, quantile(v, 0.75) - quantile(v, 0.25));
            }
        if (lo <= hi) {
            lo -= iqr;
            hi += iqr;
        }
        if (!(lo < hi)) {
            lo = 0;
            hi = 1;
        }
        const double pad = (hi - lo) * 0.06;
        lo -= pad;
        hi += pad;
        const QRect plot(left + static_cast<int>(h) * (panelW + 70), top, panelW, panelH);
        auto y = [&](double v) { return plot.bottom() - (v - lo) / (hi - lo) * plot.height(); };
        p.setPen(Qt::black);
        p.drawText(QRect(plot.left(), top - 22, plot.width(), 18), Qt::AlignCenter,
                   QStringLiteral("horizon %1 min").arg(r.options.horizonsS[h] / 60, 0, 'g', 4));
        for (int i = 0; i <= 5; ++i) {
            const double v = lo + (hi - lo) * i / 5;
            const int yy = static_cast<int>(y(v));
            p.setPen(QColor(225, 225, 225));
            p.drawLine(plot.left(), yy, plot.right(), yy);
            p.setPen(Qt::black);
            p.drawText(QRect(plot.left() - 60, yy - 8, 55, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(v, 'f', 1));
        }
        p.setBrush(Qt::NoBrush);
        p.drawRect(plot);
        const double slot = static_cast<double>(plot.width()) / std::max<std::size_t>(1, S);
        for (std::size_t s = 0; s < S; ++s) {
            const std::vector<double>& v = costs[h][s];
            if (v.empty())
                continue;
            p.setClipRect(plot);
            const double cx = plot.left() + slot * (s + 0.5), w = slot * 0.5;
            p.setPen(QPen(Qt::black, 1));
            p.drawLine(QPointF(cx, y(quantile(v, 0.05))), QPointF(cx, y(quantile(v, 0.95))));
            p.setBrush(kPalette[s % 12]);
            p.drawRect(QRectF(cx - w / 2, y(quantile(v, 0.75)), w, y(quantile(v, 0.25)) - y(quantile(v, 0.75))));
            p.setPen(QPen(Qt::black, 2));
            p.drawLine(QPointF(cx - w / 2, y(quantile(v, 0.5))), QPointF(cx + w / 2, y(quantile(v, 0.5))));
            double m = 0;
            for (double x : v)
                m += x / v.size();
            p.setBrush(Qt::white);
            p.setPen(QPen(Qt::black, 1));
            p.drawEllipse(QPointF(cx, y(m)), 3, 3);
            p.setClipping(false);
            p.save();
            p.translate(cx, plot.bottom() + 8);
            p.rotate(45);
            p.drawText(QRect(0, -8, 120, 16), Qt::AlignLeft | Qt::AlignVCenter,
                       QString::fromStdString(r.strategies[s].name));
            p.restore();
        }
    }
    p.save();
    p.translate(16, top + panelH / 2);
    p.rotate(-90);
    p.drawText(QRect(-150, -10, 300, 20), Qt::AlignCenter, QStringLiteral("shortfall, bps of arrival mid (lower is better)"));
    p.restore();
    return img.save(QString::fromStdString(path));
}

std::string sideText(Side s) { return s == Side::Buy ? "buy" : "sell"; }

} // namespace

bool isGridMode(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--grid") || !std::strcmp(argv[i], "--grid-config"))
            return true;
    return false;
}

int gridFocus(const GridResult& r, const std::string& requested)
{
    const int S = static_cast<int>(r.strategies.size());
    if (!requested.empty()) {
        for (int s = 0; s < S; ++s)
            if (lower(r.strategies[static_cast<std::size_t>(s)].name) == lower(requested)
                || lower(r.strategies[static_cast<std::size_t>(s)].key) == lower(requested))
                return s;
        return -1;
    }
    for (int s = 0; s < S; ++s)
        if (r.strategies[static_cast<std::size_t>(s)].learned)
            return s;
    int best = -1;
    for (int s = 0; s < S; ++s)
        if (!isClassicBaseline(r.strategies[static_cast<std::size_t>(s)].key)
            && (best < 0 || r.aggregate[static_cast<std::size_t>(s)].meanShortfall < r.aggregate[static_cast<std::size_t>(best)].meanShortfall))
            best = s;
    return best >= 0 ? best : (S > 0 ? 0 : -1);
}

std::string gridMarkdown(const GridResult& r, const Backtest& b, int focus, const std::string& command)
{
    const GridOptions& o = r.options;
    std::ostringstream m;
    auto name = [&](int s) { return r.strategies[static_cast<std::size_t>(s)].name; };
    m << "# Execution grid\n\n`" << command << "`\n\n";
    m << r.cells.size() << " cells (" << o.sides.size() << " sides x " << o.sizes.size() << " sizes x " << o.horizonsS.size() << " horizons x "
      << (r.cells.size() / std::max<std::size_t>(1, o.sides.size() * o.sizes.size() * o.horizonsS.size()))
      << " starting regimes), " << o.episodes << " held-out episodes per cell (cell c: seeds " << o.seed0 << " + c*"
      << o.seedStride << " + 0.." << o.episodes - 1 << "), the same seeds for every strategy of a cell; decisions every "
      << b.options().intervalS << " s; " << r.strategies.size() << " strategies; " << fixed(r.seconds, 1) << " s on "
      << o.threads << " threads.\n\n";
    m << "Shortfall and impact in bps of the arrival mid (a cost: lower is better). Baseline of a cell: the classic "
         "strategy (";
    bool first = true;
    for (const GridStrategy& s : r.strategies)
        if (isClassicBaseline(s.key)) {
            m << (first ? "" : ", ") << s.name;
            first = false;
        }
    m << ") with the lowest mean shortfall in that cell. Improvement: baseline mean minus the strategy's mean, in bps and "
         "in % of |baseline mean|. p: paired Wilcoxon signed-rank against the baseline; p BH: Benjamini-Hochberg over the "
         "strategy's cells (per cell) or over the strategies (aggregate); z: the signed-rank statistic, negative where the "
         "strategy is cheaper in the ranks (the mean can disagree when a few episodes cost much). better / WORSE: p BH < "
      << o.alpha << ".\n\n";
    m << "## Aggregate over the grid\n\nEach episode paired with its cell's best classic baseline.\n\n"
      << "| strategy | episodes | mean shortfall | baseline mean | improvement bps | improvement % | beats baseline | z | p | p BH "
         "| cells better | cells WORSE | cells as baseline |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const GridAggregate& a : r.aggregate)
        m << "| " << name(a.strategy) << " | " << a.n << " | " << fixed(a.meanShortfall) << " | " << fixed(a.baselineMean)
          << " | " << fixed(a.improvementBps) << " | " << signedPct(a.improvementPct) << " | " << fixed(100 * a.beatShare, 1)
          << "% | " << fixed(a.wilcoxonZ) << " | " << pText(a.p) << " | " << pText(a.pAdjusted) << " | " << a.cellsBetter << " | "
          << a.cellsWorse << " | " << a.cellsBest << " |\n";
    // The figures a desk compares execution algorithms by, one row per strategy.
    m << "\n## Cost, risk and adaptability\n\nImplementation shortfall and market impact: means over every episode "
         "(bps). Timing risk: the sd of shortfall within a cell, averaged over the cells. Adaptability: the share of "
         "cells in which the strategy is not significantly worse than that cell's best classic.\n\n"
      << "| strategy | implementation shortfall | market impact | timing risk | adaptability |\n|---|---|---|---|---|\n";
    for (const GridAggregate& a : r.aggregate)
        m << "| " << name(a.strategy) << " | " << fixed(a.meanShortfall) << " | " << fixed(a.meanImpact) << " | "
          << fixed(a.meanTimingRisk) << " | " << fixed(100 * a.adaptability, 0) << "% |\n";
    // Worst cells: every strategy that is not a classic baseline, by improvement in bps.
    m << "\n## Worst cells\n\nPer strategy other than the classic baselines, its five cells with the lowest improvement "
         "(bps) against the cell's best classic.\n\n"
      << "| strategy | cell | mean | baseline | baseline mean | improvement bps | improvement % | beats | p BH | flag |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n";
    for (std::size_t s = 0; s < r.strategies.size(); ++s) {
        if (isClassicBaseline(r.strategies[s].key))
            continue;
        std::vector<const GridRow*> rows;
        for (const GridRow& row : r.rows)
            if (row.strategy == static_cast<int>(s) && r.bestClassic[static_cast<std::size_t>(row.cell)] >= 0)
                rows.push_back(&row);
        std::sort(rows.begin(), rows.end(), [](const GridRow* a, const GridRow* b) { return a->improvementBps < b->improvementBps; });
        for (std::size_t i = 0; i < std::min<std::size_t>(5, rows.size()); ++i) {
            const GridRow& row = *rows[i];
            m << "| " << name(row.strategy) << " | " << describeCell(r.cells[static_cast<std::size_t>(row.cell)], r.regimeNames)
              << " | " << fixed(row.meanShortfall) << " | " << name(r.bestClassic[static_cast<std::size_t>(row.cell)]) << " | "
              << fixed(row.baselineMean) << " | " << fixed(row.improvementBps) << " | " << signedPct(row.improvementPct)
              << " | " << fixed(100 * row.beatShare, 0) << "% | " << pText(row.pAdjusted) << " | " << flagOf(row) << " |\n";
        }
    }
    m << "\n## Significantly worse than the baseline\n\n";
    for (std::size_t s = 0; s < r.strategies.size(); ++s) {
        std::string cells;
        int count = 0;
        for (const GridRow& row : r.rows)
            if (row.strategy == static_cast<int>(s) && row.significantlyWorse) {
                cells += (count++ ? "; " : "") + describeCell(r.cells[static_cast<std::size_t>(row.cell)], r.regimeNames) + " ("
                         + fixed(row.improvementBps) + " bps)";
            }
        m << "- " << name(static_cast<int>(s)) << ": " << (count ? std::to_string(count) + (count == 1 ? " cell: " : " cells: ") + cells : "none") << "\n";
    }
    m << "\n## Per cell\n\nMean shortfall (bps) per strategy; in brackets the improvement against the cell's best classic; "
         "`*` significantly better, `!` significantly worse (p BH < "
      << o.alpha << "); the baseline in bold. Every figure with its median, timing risk, impact, fill rate, beat share and "
                    "p-values is in grid.csv.\n\n| cell | baseline |";
    for (const GridStrategy& s : r.strategies)
        m << " " << s.name << " |";
    m << "\n|---|---|";
    for (std::size_t s = 0; s < r.strategies.size(); ++s)
        m << "---|";
    m << "\n";
    for (std::size_t c = 0; c < r.cells.size(); ++c) {
        const int best = r.bestClassic[c];
        m << "| " << describeCell(r.cells[c], r.regimeNames) << " | " << (best >= 0 ? name(best) : "-") << " |";
        for (const GridRow& row : r.rows)
            if (row.cell == static_cast<int>(c)) {
                if (row.bestClassic)
                    m << " **" << fixed(row.meanShortfall) << "** |";
                else
                    m << " " << fixed(row.meanShortfall) << " (" << signedPct(row.improvementPct) << ")"
                      << (row.significantlyBetter ? " *" : row.significantlyWorse ? " !" : "") << " |";
            }
        m << "\n";
    }
    m << "\nCharts: grid-heatmap.png (" << (focus >= 0 ? name(focus) : std::string("-"))
      << "'s improvement per cell), grid-costs.png (shortfall distributions per strategy and horizon).\n";
    return m.str();
}

std::string writeGridFiles(const GridResult& r, const Backtest& b, const std::string& dir, int focus, const std::string& command)
{
    {
        std::ofstream f(dir + "/grid.csv");
        if (!f)
            return "cannot write " + dir + "/grid.csv";
        f << "side,size_fraction,horizon_min,regime,strategy,key,classic,best_classic,n,mean_shortfall_bps,"
             "median_shortfall_bps,timing_risk_bps,impact_bps,fill_rate,baseline,baseline_mean_bps,improvement_bps,"
             "improvement_pct,beat_share,wilcoxon_z,p,p_bh,flag\n";
        f << std::setprecision(10);
        for (const GridRow& row : r.rows) {
            const GridCell& c = r.cells[static_cast<std::size_t>(row.cell)];
            const int best = r.bestClassic[static_cast<std::size_t>(row.cell)];
            f << sideText(c.side) << ',' << c.sizeFraction << ',' << c.horizonS / 60 << ','
              << r.regimeNames[static_cast<std::size_t>(c.regime)] << ',' << r.strategies[static_cast<std::size_t>(row.strategy)].name
              << ',' << r.strategies[static_cast<std::size_t>(row.strategy)].key << ',' << row.classic << ',' << row.bestClassic
              << ',' << row.n << ',' << row.meanShortfall << ',' << row.medianShortfall << ',' << row.timingRisk << ','
              << row.impact << ',' << row.fillRate << ',' << (best >= 0 ? r.strategies[static_cast<std::size_t>(best)].name : "")
              << ',' << row.baselineMean << ',' << row.improvementBps << ',' << row.improvementPct << ',' << row.beatShare
              << ',' << row.wilcoxonZ << ',' << (std::isnan(row.p) ? std::string() : shortNumber(row.p)) << ','
              << (std::isnan(row.pAdjusted) ? std::string() : shortNumber(row.pAdjusted)) << ',' << flagOf(row) << '\n';
        }
    }
    {
        std::ofstream f(dir + "/grid-episodes.csv");
        if (!f)
            return "cannot write " + dir + "/grid-episodes.csv";
        f << "side,size_fraction,horizon_min,regime,strategy,seed,shortfall_bps,impact_bps,fill_rate\n";
        f << std::setprecision(10);
        for (const GridEpisode& e : r.episodes) {
            const GridCell& c = r.cells[static_cast<std::size_t>(e.cell)];
            f << sideText(c.side) << ',' << c.sizeFraction << ',' << c.horizonS / 60 << ','
              << r.regimeNames[static_cast<std::size_t>(c.regime)] << ',' << r.strategies[static_cast<std::size_t>(e.strategy)].name
              << ',' << e.seed << ',' << e.shortfallBps << ',' << e.impactBps << ',' << e.fillRate << '\n';
        }
    }
    {
        std::ofstream f(dir + "/grid.md");
        if (!f)
            return "cannot write " + dir + "/grid.md";
        f << gridMarkdown(r, b, focus, command);
    }
    if (focus >= 0 && !heatMap(r, focus, dir + "/grid-heatmap.png"))
        return "cannot write " + dir + "/grid-heatmap.png";
    if (!costsChart(r, dir + "/grid-costs.png"))
        return "cannot write " + dir + "/grid-costs.png";
    return {};
}

int runBacktestGrid(int argc, char** argv, ProgressBar bar)
{
    GridCli cli;
    const std::string problem = parse(argc, argv, cli);
    if (problem == "help") {
        std::cout << kGridUsage;
        return 0;
    }
    if (!problem.empty()) {
        std::cerr << "helmsman-backtest: " << problem << "\n" << kGridUsage;
        return 2;
    }
    SimConfig config = defaultSimConfig();
    if (!cli.simConfig.empty()) {
        const std::string error = loadSimConfig(cli.simConfig, config);
        if (!error.empty()) {
            std::cerr << "helmsman-backtest: " << error << "\n";
            return 2;
        }
    }
    cli.grid.regimes.clear();
    for (const std::string& n : cli.regimeNames) {
        const int index = config.regimeIndex(n);
        if (index < 0) {
            std::string known;
            for (const RegimeParams& reg : config.regimes)
                known += (known.empty() ? "" : ", ") + reg.name;
            std::cerr << "helmsman-backtest: --grid-regimes: unknown regime '" << n << "' (known: " << known << ")\n";
            return 2;
        }
        cli.grid.regimes.push_back(index);
    }
    for (const std::string& s : cli.strategies) {
        std::string error;
        if (!Backtest::isBuiltIn(s, error)) {
            std::cerr << "helmsman-backtest: --strategies: " << error << "\n";
            return 2;
        }
    }
    if (::mkdir(cli.outDir.c_str(), 0755) != 0 && errno != EEXIST) {
        std::cerr << "helmsman-backtest: cannot create output directory '" << cli.outDir << "': " << std::strerror(errno) << "\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    cli.backtest.threads = cli.grid.threads;
    Backtest b(config, cli.backtest);
    if (!cli.quiet)
        std::fprintf(stderr, "calibrating (volume profile, impact) ...\n");
    b.calibrate();
    std::vector<GridStrategy> strategies;
    for (const std::string& key : cli.strategies) {
        std::string error;
        if (!b.addBuiltIn(key, error)) {
            std::cerr << "helmsman-backtest: --strategies: " << error << "\n";
            return 2;
        }
        strategies.push_back({key, b.strategies().back(), b.factories().back(), false});
    }
    for (const std::string& path : cli.models) {
        std::string error;
        auto loaded = std::make_shared<LearnedPolicy>(path, error);
        if (!error.empty()) {
            std::cerr << "helmsman-backtest: --model: " << error << "\n";
            return 2;
        }
        loaded->setExplain(false); // the grid needs decisions, not their rationale
        std::string name = loaded->name();
        for (int n = 2; std::any_of(strategies.begin(), strategies.end(), [&](const GridStrategy& s) { return s.name == name; }); ++n)
            name = loaded->name() + "-" + std::to_string(n);
        strategies.push_back({"model:" + path, name,
                              [loaded] { return std::unique_ptr<ExecutionPolicy>(new LearnedPolicy(*loaded)); }, true});
    }
    if (strategies.empty()) {
        std::cerr << "helmsman-backtest: no strategies to run\n";
        return 2;
    }
    if (!cli.focus.empty()
        && std::none_of(strategies.begin(), strategies.end(), [&](const GridStrategy& s) {
               return lower(s.name) == lower(cli.focus) || lower(s.key) == lower(cli.focus);
           })) {
        std::cerr << "helmsman-backtest: --grid-focus: no strategy named '" << cli.focus << "' among those run\n";
        return 2;
    }
    if (std::none_of(strategies.begin(), strategies.end(), [](const GridStrategy& s) { return isClassicBaseline(s.key); }))
        std::cerr << "helmsman-backtest: warning: no classic baseline (twap, vwap, pov, ac) among the strategies; "
                     "improvements and tests are left empty\n";
    GridResult r = runGrid(b, std::move(strategies), cli.grid, [&](int d, int t) {
        if (!cli.quiet && bar)
            bar("grid", d, t);
    });
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int focus = gridFocus(r, cli.focus);
    if (focus < 0)
        std::cerr << "helmsman-backtest: --grid-focus: no strategy named '" << cli.focus << "'; no heat map\n";
    std::string command = "helmsman-backtest";
    for (int i = 1; i < argc; ++i)
        command += std::string(" ") + argv[i];
    const std::string md = gridMarkdown(r, b, focus, command);
    std::cout << md.substr(0, md.find("\n## Per cell")) << "\n";
    const std::string error = writeGridFiles(r, b, cli.outDir, focus, command);
    if (!error.empty()) {
        std::cerr << "helmsman-backtest: " << error << "\n";
        return 3;
    }
    std::cout << "wrote " << cli.outDir << "/{grid.csv, grid-episodes.csv, grid.md, grid-heatmap.png, grid-costs.png}\n";
    return focus < 0 ? 4 : 0;
}

} // namespace hm
