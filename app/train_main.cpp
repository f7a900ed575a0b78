// helmsman-train: trains a reinforcement-learning execution agent (PPO or Double DQN)
// on the market simulator, with a progress bar, periodic evaluation on held-out seeds
// against TWAP, checkpoints and resume, a CSV learning curve and a PNG plot of it, and
// writes the model with its model card.
#include "ml/training.h"
#include "model/rng_mix.h"
#include "model/text.h"

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

using namespace hm;

namespace {

const char* kUsage =
    "usage: helmsman-train [options]\n"
    "  --config FILE        JSON with any of the options below (keys without the dashes)\n"
    "  --algorithm A        ppo (default) or ddqn\n"
    "  --steps N            environment steps (default 1000000)\n"
    "  --envs N             environments run side by side (default 8)\n"
    "  --hidden N           units per hidden layer (default 64)\n"
    "  --layers N           hidden layers (default 2)\n"
    "  --seed N             first training episode seed (default 1; training keeps below 50000000)\n"
    "  --regimes LIST       starting regimes to train on (default: all of the simulator's)\n"
    "  --sides LIST         sides to train on: buy,sell (default both)\n"
    "  --size F or LO,HI    parent order as a share of expected volume, fixed or drawn\n"
    "                       log-uniformly per episode (default 0.01,0.25)\n"
    "  --horizon S or LO,HI seconds per parent order, fixed or drawn log-uniformly\n"
    "                       (default 300,7200)\n"
    "  --actions SET        schedule_multiples (default) or remaining_fractions\n"
    "  --task-features B    the task in the observation: 1 (default) or 0\n"
    "  --eval-every N       steps between evaluations (default 50000)\n"
    "  --eval-episodes N    held-out evaluation episodes (default 64; seeds from 50000000)\n"
    "  --lr X               learning rate (default 3e-4)\n"
    "  --threads N          threads for the environments (default 2)\n"
    "  --out FILE           model file (default models/ppo-execution.pt); card FILE.json,\n"
    "                       curve FILE.curve.csv and FILE.curve.png, checkpoint FILE.ckpt\n"
    "  --resume             continue from FILE.ckpt\n"
    "  --keep-best          write the network that did best at an evaluation (FILE.best.ckpt),\n"
    "                       not the last one\n"
    "  --replot             only redraw FILE.curve.png from FILE.curve.csv (no training)\n"
    "  --quiet              no progress bar\n";

struct Options {
    TrainConfig train;
    std::vector<std::string> regimes;
    std::vector<Side> sides{Side::Buy, Side::Sell};
    double sizeLo = 0.01, sizeHi = 0.25, horizonLo = 300, horizonHi = 7200;
    std::uint64_t evalEvery = 50000;
    int evalEpisodes = 64;
    std::string out = "models/ppo-execution.pt";
    bool resume = false, quiet = false, replot = false, keepBest = false;
};

[[noreturn]] void fail(const std::string& message)
{
    std::cerr << "helmsman-train: " << message << "\n";
    std::exit(2);
}

double number(const std::string& key, const std::string& text, double lo, double hi)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !(v >= lo && v <= hi)) { // NaN is out of every range
        std::ostringstream m;
        m << key << " needs a number from " << lo << " to " << hi << ", got '" << text << "'";
        fail(m.str());
    }
    return v;
}

// "X" (a fixed value) or "LO,HI" (a range, LO <= HI).
void range(const std::string& key, const std::string& v, double lo, double hi, double& outLo, double& outHi)
{
    const std::vector<std::string> parts = split(v, ',', false);
    if (parts.size() == 1) {
        outLo = outHi = number(key, parts[0], lo, hi);
        return;
    }
    if (parts.size() != 2)
        fail("--" + key + " needs a number or LO,HI, got '" + v + "'");
    outLo = number(key, parts[0], lo, hi);
    outHi = number(key, parts[1], lo, hi);
    if (outLo > outHi)
        fail("--" + key + ": LO is above HI in '" + v + "'");
}

// A draw in [lo, hi], log-uniform, from the seed (the same seed gives the same task).
double logUniform(std::uint64_t seed, double lo, double hi)
{
    const double u = static_cast<double>(splitMix64(seed) >> 11) * 0x1.0p-53;
    return lo == hi ? lo : std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
}

void set(Options& o, const std::string& key, const std::string& v)
{
    TrainConfig& t = o.train;
    if (key == "algorithm") {
        if (v != "ppo" && v != "ddqn")
            fail("--algorithm must be ppo or ddqn, got '" + v + "'");
        t.algorithm = v;
    } else if (key == "steps") t.totalSteps = static_cast<std::uint64_t>(number(key, v, 1000, 1e10));
    else if (key == "envs") t.envs = static_cast<int>(number(key, v, 1, 1024));
    else if (key == "hidden") t.network.hidden = static_cast<int>(number(key, v, 4, 4096));
    else if (key == "layers") t.network.layers = static_cast<int>(number(key, v, 1, 8));
    else if (key == "seed") t.seed0 = static_cast<std::uint64_t>(number(key, v, 0, 49000000));
    else if (key == "regimes") o.regimes = split(v, ',', true);
    else if (key == "sides") {
        o.sides.clear();
        for (const std::string& side : split(v, ',', true)) {
            if (side != "buy" && side != "sell")
                fail("--sides: expected buy and/or sell, got '" + side + "'");
            o.sides.push_back(side == "buy" ? Side::Buy : Side::Sell);
        }
        if (o.sides.empty())
            fail("--sides needs buy, sell or buy,sell");
    } else if (key == "size") range(key, v, 0.0001, 5, o.sizeLo, o.sizeHi);
    else if (key == "horizon") range(key, v, 60, 23000, o.horizonLo, o.horizonHi);
    else if (key == "actions") {
        if (!parseActionSet(v, t.actions))
            fail("--actions must be schedule_multiples or remaining_fractions, got '" + v + "'");
    } else if (key == "task-features") {
        if (v != "0" && v != "1")
            fail("--task-features must be 0 or 1, got '" + v + "'");
        t.taskFeatures = v == "1";
    }
    else if (key == "eval-every") o.evalEvery = static_cast<std::uint64_t>(number(key, v, 1000, 1e10));
    else if (key == "eval-episodes") o.evalEpisodes = static_cast<int>(number(key, v, 1, 100000));
    else if (key == "lr") t.learningRate = number(key, v, 1e-7, 1);
    else if (key == "threads") t.threads = static_cast<int>(number(key, v, 1, 256));
    else if (key == "out") o.out = v;
    else fail("unknown option '--" + key + "'");
}

const char* const kCurveLabels[] = {"training episodes", "learning agent, held-out seeds", "TWAP, same seeds"};

void plotCurve(const std::string& path, const std::vector<std::array<double, 4>>& rows, const std::string& title)
{
    // rows: steps, train shortfall, eval shortfall, eval TWAP
    const QRect plot(90, 40, 720, 400);
    QFont f(QStringLiteral("DejaVu Sans"), 9);
    int legendWidth = 0; // the image is as wide as the longest legend entry needs
    for (const char* label : kCurveLabels)
        legendWidth = std::max(legendWidth, QFontMetrics(f).horizontalAdvance(QString::fromLatin1(label)));
    const int width = plot.right() + 50 + legendWidth + 20;
    QImage img(width, 520, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::black);
    p.drawRect(plot);
    f.setPointSize(11);
    f.setBold(true);
    p.setFont(f);
    p.drawText(QRect(0, 5, width, 25), Qt::AlignCenter, QString::fromStdString(title));
    f.setBold(false);
    f.setPointSize(9);
    p.setFont(f);
    if (rows.empty()) {
        img.save(QString::fromStdString(path));
        return;
    }
    double lo = 1e300, hi = -1e300;
    for (const auto& r : rows)
        for (int k = 1; k < 4; ++k)
            if (std::isfinite(r[k])) {
                lo = std::min(lo, r[k]);
                hi = std::max(hi, r[k]);
            }
    if (hi <= lo)
        hi = lo + 1;
    const double xmax = std::max(1.0, rows.back()[0]);
    auto pt = [&](double x, double y) {
        return QPointF(plot.left() + plot.width() * x / xmax, plot.bottom() - (y - lo) / (hi - lo) * plot.height());
    };
    for (int i = 0; i <= 5; ++i) {
        const double v = lo + (hi - lo) * i / 5;
        p.setPen(QColor(220, 220, 220));
        p.drawLine(pt(0, v), pt(xmax, v));
        p.setPen(Qt::black);
        p.drawText(QRectF(plot.left() - 60, pt(0, v).y() - 8, 55, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(v, 'f', 1));
        p.drawText(QRectF(plot.left() + plot.width() * i / 5.0 - 40, plot.bottom() + 5, 80, 16), Qt::AlignCenter,
                   QStringLiteral("%1k").arg(xmax * i / 5 / 1000, 0, 'f', 0));
    }
    p.drawText(QRect(plot.left(), plot.bottom() + 22, plot.width(), 16), Qt::AlignCenter, QStringLiteral("environment steps"));
    p.save();
    p.translate(20, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-200, -10, 400, 20), Qt::AlignCenter, QStringLiteral("implementation shortfall, bps (lower is better)"));
    p.restore();
    const QColor colours[] = {QColor(150, 150, 150), QColor(200, 60, 60), QColor(60, 100, 200)};
    for (int k = 1; k < 4; ++k) {
        QPainterPath path;
        bool started = false;
        for (const auto& r : rows) {
            if (!std::isfinite(r[k]))
                continue;
            if (!started)
                path.moveTo(pt(r[0], r[k]));
            else
                path.lineTo(pt(r[0], r[k]));
            started = true;
        }
        p.setPen(QPen(colours[k - 1], k == 1 ? 1 : 2, k == 3 ? Qt::DashLine : Qt::SolidLine));
        p.drawPath(path);
        p.drawLine(plot.right() + 15, plot.top() + 10 + k * 22, plot.right() + 45, plot.top() + 10 + k * 22);
        p.setPen(Qt::black);
        p.drawText(QRect(plot.right() + 50, plot.top() + k * 22, legendWidth + 10, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::fromLatin1(kCurveLabels[k - 1]));
    }
    img.save(QString::fromStdString(path));
}

// The plotted curve from a written FILE.curve.csv: the training line is the same moving
// average training draws (updated only by iterations that finished episodes).
std::vector<std::array<double, 4>> readCurve(const std::string& csvPath)
{
    std::ifstream in(csvPath);
    if (!in)
        fail("--replot: cannot open '" + csvPath + "'");
    std::string line;
    std::getline(in, line);
    if (line.rfind("steps,episodes,", 0) != 0)
        fail("--replot: '" + csvPath + "' is not a learning-curve file (its first line is not the header)");
    std::vector<std::array<double, 4>> rows;
    double ema = NAN, lastEpisodes = 0;
    for (int n = 2; std::getline(in, line); ++n) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
            cells.push_back(cell);
        if (cells.size() < 6)
            fail("--replot: '" + csvPath + "' line " + std::to_string(n) + ": expected 7 columns");
        auto num = [&](std::size_t k) {
            if (cells[k].empty())
                return static_cast<double>(NAN);
            char* end = nullptr;
            const double v = std::strtod(cells[k].c_str(), &end);
            if (end == cells[k].c_str() || *end != '\0')
                fail("--replot: '" + csvPath + "' line " + std::to_string(n) + ": '" + cells[k] + "' is not a number");
            return v;
        };
        const double episodes = num(1), shortfall = num(3), eval = num(4);
        if (episodes > lastEpisodes)
            ema = std::isnan(ema) ? shortfall : 0.9 * ema + 0.1 * shortfall;
        lastEpisodes = episodes;
        rows.push_back({num(0), ema, eval, std::isnan(eval) ? NAN : num(5)});
    }
    return rows;
}

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (a == "--resume") {
            o.resume = true;
            continue;
        }
        if (a == "--quiet") {
            o.quiet = true;
            continue;
        }
        if (a == "--replot") {
            o.replot = true;
            continue;
        }
        if (a == "--keep-best") {
            o.keepBest = true;
            continue;
        }
        if (a.rfind("--", 0) != 0)
            fail("unexpected argument '" + a + "'");
        if (a == "--config") {
            if (i + 1 >= argc)
                fail("--config needs a file");
            std::ifstream in(argv[++i]);
            if (!in)
                fail(std::string("--config: cannot open '") + argv[i] + "'");
            try {
                const nlohmann::json j = nlohmann::json::parse(in);
                for (auto it = j.begin(); it != j.end(); ++it)
                    set(o, it.key(), it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
            } catch (const nlohmann::json::exception& e) {
                fail(std::string("--config '") + argv[i] + "': " + e.what());
            }
            continue;
        }
        if (i + 1 >= argc)
            fail(a + " needs a value");
        set(o, a.substr(2), argv[++i]);
    }
    if (o.replot) {
        plotCurve(o.out + ".curve.png", readCurve(o.out + ".curve.csv"),
                  "Learning curve: " + o.train.algorithm + " execution agent");
        std::printf("wrote %s.curve.png\n", o.out.c_str());
        return 0;
    }
    torch::set_num_threads(1);
    const SimConfig sim = defaultSimConfig();
    std::vector<int> regimes;
    for (const std::string& r : o.regimes) {
        const int k = sim.regimeIndex(r);
        if (k < 0)
            fail("--regimes: no regime named '" + r + "'");
        regimes.push_back(k);
    }
    if (regimes.empty())
        for (int k = 0; k < static_cast<int>(sim.regimes.size()); ++k)
            regimes.push_back(k);

    BacktestOptions bo;
    Backtest tasks(sim, bo);
    if (!o.quiet)
        std::fprintf(stderr, "calibrating the task distribution ...\n");
    tasks.calibrate();
    // Each seed draws its task: side, size and horizon (log-uniform), starting regime
    // and time of day, from independent streams of the seed.
    const double interval = bo.intervalS;
    Trainer::TaskFor drawTask = [&tasks, &o, interval](std::uint64_t seed) {
        const Side side = o.sides[(seed / 7) % o.sides.size()];
        const double size = logUniform(seed * 3 + 1, o.sizeLo, o.sizeHi);
        const double horizon = std::round(logUniform(seed * 3 + 2, o.horizonLo, o.horizonHi) / interval) * interval;
        return tasks.taskFor(seed, size, side, std::max(interval, horizon));
    };
    auto taskFor = [drawTask, regimes](std::uint64_t seed) {
        ExecutionTask t = drawTask(seed);
        t.startRegime = regimes[seed % regimes.size()];
        return t;
    };
    const Trainer::TaskFor evalTask = drawTask; // every regime
    const std::uint64_t evalSeed0 = 50000000;

    Trainer trainer(sim, taskFor, o.train);
    const std::string checkpoint = o.out + ".ckpt";
    if (o.resume) {
        const std::string error = trainer.loadCheckpoint(checkpoint);
        if (!error.empty())
            fail(error);
        std::fprintf(stderr, "resumed at %llu steps\n", static_cast<unsigned long long>(trainer.steps()));
    }
    // The baseline is TWAP as practitioners run it: passive, with the tuned placement.
    const PlacementParams twapPlacement = tunedPlacement("twap");
    TwapPolicy twap(twapPlacement);
    std::vector<double> twapEval;
    const double twapMean = evaluatePolicy(sim, evalTask, twap, evalSeed0, o.evalEpisodes, o.train.threads, &twapEval,
                                           [twapPlacement] { return std::unique_ptr<ExecutionPolicy>(new TwapPolicy(twapPlacement)); });
    // A resumed run continues the curve, the episode count and the training time.
    std::vector<std::array<double, 4>> curve;
    double earlierSeconds = 0;
    int episodes = 0;
    if (o.resume && std::ifstream(o.out + ".curve.csv")) {
        curve = readCurve(o.out + ".curve.csv");
        std::ifstream in(o.out + ".curve.csv");
        std::string line, last;
        while (std::getline(in, line))
            if (!line.empty())
                last = line;
        const std::vector<std::string> cells = split(last, ',', false);
        if (cells.size() >= 7 && last.rfind("steps,", 0) != 0) {
            episodes = std::atoi(cells[1].c_str());
            earlierSeconds = std::atof(cells[6].c_str());
        }
    }
    std::ofstream csv(o.out + ".curve.csv", o.resume ? std::ios::app : std::ios::trunc);
    if (!csv)
        fail("cannot write '" + o.out + ".curve.csv'");
    if (!o.resume)
        csv << "steps,episodes,train_reward,train_shortfall_bps,eval_shortfall_bps,eval_twap_bps,seconds\n";
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t nextEval = trainer.steps() + o.evalEvery;
    double emaReward = NAN, emaShortfall = NAN, lastEval = NAN;
    const bool terminal = ::isatty(2);
    // Evaluation copies of the policy, one per thread: each reads the shared network once.
    auto learnedFactory = [&](bool sample = true) {
        Mlp net = trainer.policyNetwork();
        Normalizer norm = trainer.normalizer();
        const std::string algorithm = o.train.algorithm;
        const ActionSet actions = o.train.actions;
        return [net, norm, algorithm, actions, sample] {
            std::unique_ptr<LearnedPolicy> p(new LearnedPolicy(net, norm, algorithm, actions));
            p->setSampling(sample);
            return std::unique_ptr<ExecutionPolicy>(std::move(p));
        };
    };
    // PPO is scored at its better way of acting (sampling or greedy), as it will be shipped.
    auto evalNow = [&]() {
        double best = NAN;
        for (bool sample : {true, false}) {
            if (!sample && o.train.algorithm != "ppo")
                break;
            auto factory = learnedFactory(sample);
            std::unique_ptr<ExecutionPolicy> learned = factory();
            const double v = evaluatePolicy(sim, evalTask, *learned, evalSeed0, o.evalEpisodes, o.train.threads, nullptr, factory);
            best = std::isnan(best) ? v : std::min(best, v);
        }
        return best;
    };
    // --keep-best: the network that did best at an evaluation is the one written (early
    // stopping on the evaluation seeds; the backtest's held-out seeds are never seen).
    const std::string bestCheckpoint = o.out + ".best.ckpt";
    double bestEval = NAN;
    std::uint64_t bestSteps = 0;
    while (trainer.steps() < o.train.totalSteps) {
        const IterationStats st = trainer.iterate();
        episodes += st.episodes;
        if (st.episodes > 0) {
            emaReward = std::isnan(emaReward) ? st.meanReward : 0.9 * emaReward + 0.1 * st.meanReward;
            emaShortfall = std::isnan(emaShortfall) ? st.meanShortfall : 0.9 * emaShortfall + 0.1 * st.meanShortfall;
        }
        double evalIs = NAN;
        if (trainer.steps() >= nextEval || trainer.steps() >= o.train.totalSteps) {
            nextEval += o.evalEvery;
            evalIs = lastEval = evalNow();
            std::string error = trainer.saveCheckpoint(checkpoint);
            if (error.empty() && o.keepBest && (std::isnan(bestEval) || evalIs < bestEval)) {
                bestEval = evalIs;
                bestSteps = trainer.steps();
                error = trainer.saveCheckpoint(bestCheckpoint);
            }
            if (!error.empty())
                fail(error);
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() + earlierSeconds;
        csv << trainer.steps() << ',' << episodes << ',' << st.meanReward << ',' << st.meanShortfall << ','
            << (std::isnan(evalIs) ? std::string() : std::to_string(evalIs)) << ',' << twapMean << ',' << secs << '\n';
        curve.push_back({static_cast<double>(trainer.steps()), emaShortfall, evalIs, std::isnan(evalIs) ? NAN : twapMean});
        if (!o.quiet && (terminal || !std::isnan(evalIs))) {
            const double frac = static_cast<double>(trainer.steps()) / static_cast<double>(o.train.totalSteps);
            const int filled = static_cast<int>(std::min(1.0, frac) * 30);
            std::fprintf(stderr, "%s[%.*s%*s] %5.1f%% %llu steps | episode reward %6.2f | shortfall %6.2f bps | eval %6.2f vs TWAP %6.2f | %4.0f steps/s%s",
                         terminal ? "\r" : "", filled, "##############################", 30 - filled, "", 100 * frac,
                         static_cast<unsigned long long>(trainer.steps()), emaReward, emaShortfall, lastEval, twapMean,
                         trainer.steps() / std::max(1e-9, secs), terminal ? "" : "\n");
        }
    }
    if (!o.quiet)
        std::fprintf(stderr, "\n");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() + earlierSeconds;
    const std::uint64_t trainedSteps = trainer.steps();
    if (o.keepBest && bestSteps > 0 && bestSteps != trainer.steps()) {
        const std::string error = trainer.loadCheckpoint(bestCheckpoint);
        if (!error.empty())
            fail(error);
        if (!o.quiet)
            std::fprintf(stderr, "keeping the network of step %llu (evaluation %.2f bps)\n", static_cast<unsigned long long>(bestSteps), bestEval);
    }
    // Final evaluation on the held-out evaluation seeds, paired with TWAP.
    auto factory = learnedFactory();
    std::unique_ptr<ExecutionPolicy> learned = factory();
    std::vector<double> learnedEval;
    double learnedMean = evaluatePolicy(sim, evalTask, *learned, evalSeed0, o.evalEpisodes, o.train.threads, &learnedEval, factory);
    // PPO acts by sampling its policy or by taking the likeliest action, whichever is
    // cheaper on the evaluation seeds (never the backtest's held-out ones).
    std::string acting = o.train.algorithm == "ppo" ? "sample" : "greedy";
    double sampledMean = learnedMean, greedyMean = NAN;
    if (o.train.algorithm == "ppo") {
        auto greedyFactory = learnedFactory(false);
        std::unique_ptr<ExecutionPolicy> greedy = greedyFactory();
        std::vector<double> greedyEval;
        greedyMean = evaluatePolicy(sim, evalTask, *greedy, evalSeed0, o.evalEpisodes, o.train.threads, &greedyEval, greedyFactory);
        if (greedyMean < learnedMean) {
            acting = "greedy";
            learnedMean = greedyMean;
            learnedEval = greedyEval;
        }
    }
    const WilcoxonResult w = wilcoxonSignedRank(learnedEval, twapEval);
    ModelCard card;
    card.algorithm = o.train.algorithm;
    card.network = o.train.network;
    card.network.inputs = trainer.config().network.inputs;
    card.network.outputs = actionCount(o.train.actions);
    card.features.assign(executionFeatureNames().begin(), executionFeatureNames().begin() + card.network.inputs);
    card.normalizer = trainer.normalizer();
    card.actions = o.train.actions;
    std::vector<std::string> sideNames;
    for (Side side : o.sides)
        sideNames.push_back(side == Side::Buy ? "buy" : "sell");
    std::vector<std::string> actionNames;
    for (int k = 0; k < actionCount(o.train.actions); ++k)
        actionNames.push_back(describeAction(o.train.actions, k));
    nlohmann::json env = {{"task", {{"sides", sideNames}, {"size_fraction_range", {o.sizeLo, o.sizeHi}},
                                    {"horizon_s_range", {o.horizonLo, o.horizonHi}}, {"draw", "log-uniform size and horizon"},
                                    {"decision_interval_s", bo.intervalS}, {"end_penalty_bps", bo.endPenaltyBps}}},
                          {"action_set", toString(o.train.actions)},
                          {"actions", actionNames},
                          {"simulator", "resources/sim/default.json"},
                          {"training_regimes", o.regimes.empty() ? std::vector<std::string>{"all"} : o.regimes},
                          {"reward", "per-step implementation shortfall (bps of parent) + potential-based mark-to-market shaping"}};
    if (trainedSteps != trainer.steps())
        env["selected"] = {{"kept_steps", trainer.steps()}, {"trained_steps", trainedSteps},
                           {"rule", "the lowest evaluation shortfall (--keep-best)"}};
    card.environment = env.dump();
    card.trainingSeed0 = o.train.seed0;
    card.trainingSteps = trainer.steps();
    card.trainingSeconds = seconds;
    card.acting = acting;
    nlohmann::json evaluation = {{"seeds", {{"first", evalSeed0}, {"count", o.evalEpisodes}}},
                                 {"tasks", "drawn from the training distribution, every regime"},
                                 {"acting", acting},
                                 {"mean_shortfall_bps", learnedMean},
                                 {"twap_mean_shortfall_bps", twapMean},
                                 {"wilcoxon_p_vs_twap", w.pTwoSided}};
    if (o.train.algorithm == "ppo") {
        evaluation["sampled_mean_shortfall_bps"] = sampledMean;
        evaluation["greedy_mean_shortfall_bps"] = greedyMean;
    }
    card.evaluation = evaluation.dump();
    const std::string error = saveModel(o.out, trainer.savedNetwork(), card);
    if (!error.empty())
        fail(error);
    plotCurve(o.out + ".curve.png", curve, "Learning curve: " + o.train.algorithm + " execution agent");
    std::printf("trained %s for %llu steps in %.0f s (%.0f steps/s)", o.train.algorithm.c_str(),
                static_cast<unsigned long long>(trainedSteps), seconds, trainedSteps / seconds);
    if (trainedSteps != trainer.steps())
        std::printf("; kept the network of step %llu", static_cast<unsigned long long>(trainer.steps()));
    std::printf("\n");
    if (o.train.algorithm == "ppo")
        std::printf("acting: %s (sampling %.2f bps, greedy %.2f bps on the evaluation seeds)\n", acting.c_str(), sampledMean, greedyMean);
    std::printf("held-out evaluation (%d episodes from seed %llu): %s %.2f bps vs TWAP %.2f bps (%.2f bps %s), Wilcoxon p %.3g\n",
                o.evalEpisodes, static_cast<unsigned long long>(evalSeed0), o.train.algorithm.c_str(), learnedMean, twapMean,
                std::fabs(twapMean - learnedMean), learnedMean <= twapMean ? "cheaper" : "dearer", w.pTwoSided);
    std::printf("wrote %s, %s.json, %s.curve.csv, %s.curve.png\n", o.out.c_str(), o.out.c_str(), o.out.c_str(), o.out.c_str());
    return 0;
}
