// helmsman: the workstation window, or --headless for a scripted session.
#include "fix/instrument_list.h"
#include "headless.h"
#include "logging.h"
#include "credentials.h"
#include "runtime.h"

#include "log_panel.h"
#include "main_window.h"
#include "snapshot_bridge.h"
#include "theme.h"
#include "replay/replay_session.h"
#include "sim/sim_config.h"

#include <chrono>
#include <tuple>

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDockWidget>
#include <QIcon>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <memory>

namespace {

struct Parsed {
    bool headless = false;
    double duration = 10.0;
    std::uint64_t seed = 1;
    double rate = 50.0;
    QString screenshot;
    QString raise;
    double screenshotDelay = 8.0;
    QString replay;          // a journal to replay instead of a live session
    double replaySpeed = 10; // replay seconds per second; 0 = as fast as possible
    double replayAt = -1;    // start at this many seconds into the session
    bool replayPlay = false;
    hm::RuntimeOptions runtime;
};

// Returns 0 on success; otherwise prints the problem and returns the exit code.
int parse(QCoreApplication& app, Parsed& out)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Helmsman trading workstation. Without options it opens the window on the embedded simulated venue."));
    p.addHelpOption();
    p.addVersionOption();
    QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Run without a window: scripted orders, then a summary."));
    QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Headless run length in seconds (default 10)."), QStringLiteral("SECONDS"));
    QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed for the venue flow and the script (default 1)."), QStringLiteral("N"));
    QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Headless script actions per second (default 50)."), QStringLiteral("N"));
    QCommandLineOption config(QStringLiteral("session-config"), QStringLiteral("QuickFIX session settings file for an external venue or broker."), QStringLiteral("FILE"));
    QCommandLineOption journal(QStringLiteral("journal"), QStringLiteral("Journal file to write (default: a new file in the data directory)."), QStringLiteral("FILE"));
    QCommandLineOption noJournal(QStringLiteral("no-journal"), QStringLiteral("Do not journal this session."));
    QCommandLineOption instruments(QStringLiteral("instruments"), QStringLiteral("Instruments SYM[:TICK[:LOT[:CCY]]],... (default: the embedded simulator's universe, or HMX:0.01:1:USD with --session-config)."), QStringLiteral("LIST"));
    QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Where stores, logs and journals go (default ~/.local/share/helmsman)."), QStringLiteral("DIR"));
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window after --screenshot-delay seconds, then quit."), QStringLiteral("FILE"));
    QCommandLineOption shotDelay(QStringLiteral("screenshot-delay"), QStringLiteral("Seconds before the screenshot (default 8)."), QStringLiteral("SECONDS"));
    QCommandLineOption fees(QStringLiteral("fee-bps"), QStringLiteral("The broker's commission in basis points of each fill's notional, for the attribution of P&L to alpha, shortfall and fees (default 0.5)."), QStringLiteral("BPS"));
    QCommandLineOption flow(QStringLiteral("venue-flow"), QStringLiteral("0 for a quiet embedded market (a seeded book, no background flow); otherwise the market simulator drives it (default)."), QStringLiteral("N"));
    QCommandLineOption agents(QStringLiteral("agents"), QStringLiteral("Agent configuration (JSON, docs/agents.md). The window loads resources/agents/demo.json by default."), QStringLiteral("FILE"));
    QCommandLineOption noAgents(QStringLiteral("no-agents"), QStringLiteral("Start without agents."));
    QCommandLineOption startAgents(QStringLiteral("start-agents"), QStringLiteral("Start the configured agents at once instead of leaving them armed."));
    QCommandLineOption control(QStringLiteral("control-socket"), QStringLiteral("Unix socket for helmsman-ctl (default <data dir>/control.sock)."), QStringLiteral("PATH"));
    QCommandLineOption simConfig(QStringLiteral("sim-config"), QStringLiteral("Market simulator configuration for the embedded venue (default: resources/sim/default.json)."), QStringLiteral("FILE"));
    QCommandLineOption venueRegime(QStringLiteral("regime"), QStringLiteral("Hold the embedded market in this regime (calm, normal, volatile, stressed) for a demonstration."), QStringLiteral("NAME"));
    QCommandLineOption regimeModel(QStringLiteral("regime-model"), QStringLiteral("Regime detector model (default models/regime-hmm.json when present; 'none' to use the simulator's regime)."), QStringLiteral("FILE"));
    QCommandLineOption raise(QStringLiteral("raise"), QStringLiteral("Bring this panel to the front (its dock name, e.g. marketDock), for screenshots."), QStringLiteral("DOCK"));
    QCommandLineOption replay(QStringLiteral("replay"), QStringLiteral("Replay a session journal (read-only) in the window; with --headless, replay it as fast as possible and check its recorded state hashes."), QStringLiteral("FILE"));
    QCommandLineOption replaySpeed(QStringLiteral("replay-speed"), QStringLiteral("Replay speed, 1 to 1000, or 0 for as fast as possible (default 10)."), QStringLiteral("X"));
    QCommandLineOption replayAt(QStringLiteral("replay-at"), QStringLiteral("Open the replay this many seconds into the session."), QStringLiteral("SECONDS"));
    QCommandLineOption replayPlay(QStringLiteral("replay-play"), QStringLiteral("Start playing at once."));
    QCommandLineOption noControl(QStringLiteral("no-control"), QStringLiteral("Do not open the control socket."));
    QCommandLineOption setPass(QStringLiteral("set-risk-passphrase"), QStringLiteral("Read a new risk-manager passphrase from standard input, store its Argon2id hash, and exit."));
    for (auto* o : {&headless, &duration, &seed, &rate, &config, &journal, &noJournal, &instruments, &dataDir, &flow, &fees, &shot, &shotDelay,
                    &agents, &noAgents, &startAgents, &control, &noControl, &setPass, &simConfig, &venueRegime, &regimeModel, &raise,
                    &replay, &replaySpeed, &replayAt, &replayPlay})
        p.addOption(*o);
    if (!p.parse(app.arguments())) {
        std::cerr << "helmsman: " << p.errorText().toStdString() << "\nTry 'helmsman --help'.\n";
        return 2;
    }
    if (p.isSet(QStringLiteral("help"))) {
        std::cout << p.helpText().toStdString();
        return -1;
    }
    if (p.isSet(QStringLiteral("version"))) {
        std::cout << "helmsman " << HM_VERSION << "\n";
        return -1;
    }
    if (!p.positionalArguments().isEmpty()) {
        std::cerr << "helmsman: unexpected argument '" << p.positionalArguments().first().toStdString()
                  << "'\nTry 'helmsman --help'.\n";
        return 2;
    }
    // Every number has a ceiling too: "nan", "inf" and 1e300 parse as numbers, and would
    // overflow the clocks and timers they feed.
    auto number = [&](const QCommandLineOption& o, double& v, double min, double max) {
        if (!p.isSet(o))
            return true;
        bool ok = false;
        const double x = p.value(o).toDouble(&ok);
        if (!ok || !std::isfinite(x) || x < min || x > max) {
            std::cerr << "helmsman: --" << o.names().first().toStdString() << " needs a number from " << min << " to "
                      << max << ", got '" << p.value(o).toStdString() << "'\n";
            return false;
        }
        v = x;
        return true;
    };
    double flowValue = 300;
    if (!number(duration, out.duration, 0.1, 1e6) || !number(rate, out.rate, 0, 10000)
        || !number(flow, flowValue, 0, 1e6) || !number(fees, out.runtime.feeBps, 0, 1000))
        return 2;
    if (p.isSet(seed)) {
        bool ok = false;
        out.seed = p.value(seed).toULongLong(&ok);
        if (!ok) {
            std::cerr << "helmsman: --seed needs a whole number, got '" << p.value(seed).toStdString() << "'\n";
            return 2;
        }
    }
    out.headless = p.isSet(headless);
    out.runtime.refusedAgentsOnConsole = !out.headless; // the headless summary says them
    out.screenshot = p.value(shot);
    out.raise = p.value(raise);
    out.replay = p.value(replay);
    out.replayPlay = p.isSet(replayPlay);
    for (auto [option, target, lo, hi] : {std::make_tuple(&replaySpeed, &out.replaySpeed, 0.0, 1000.0),
                                          std::make_tuple(&replayAt, &out.replayAt, 0.0, 1e9)}) {
        if (!p.isSet(*option))
            continue;
        bool ok = false;
        *target = p.value(*option).toDouble(&ok);
        if (!ok || !std::isfinite(*target) || *target < lo || *target > hi) {
            std::cerr << "helmsman: --" << option->names().front().toStdString() << " '" << p.value(*option).toStdString()
                      << "' is not a number from " << lo << " to " << hi << "\n";
            return 2;
        }
    }
    if (!number(shotDelay, out.screenshotDelay, 0.5, 3600))
        return 2;
    out.runtime.seed = out.seed;
    out.runtime.venueFlowPerSecond = flowValue;
    out.runtime.sessionSettings = p.value(config).toStdString();
    out.runtime.journalPath = p.value(journal).toStdString();
    out.runtime.journalEnabled = !p.isSet(noJournal);
    out.runtime.dataDirectory = p.value(dataDir).toStdString();
    const std::string data = out.runtime.dataDirectory.empty() ? hm::defaultDataDirectory() : out.runtime.dataDirectory;
    if (p.isSet(setPass)) {
        std::string pass;
        std::getline(std::cin, pass);
        if (!pass.empty() && pass.back() == '\r')
            pass.pop_back();
        hm::makeDirectories(data);
        const std::string error = hm::setRiskPassphrase(data, pass);
        if (!error.empty()) {
            std::cerr << "helmsman: " << error << "\n";
            return 2;
        }
        std::cout << "risk-manager passphrase stored as an Argon2id hash in " << hm::riskPassphraseFile(data) << "\n";
        return -1;
    }
    if (p.isSet(agents))
        out.runtime.agentsFile = p.value(agents).toStdString();
    else if (!out.headless && !p.isSet(noAgents))
        out.runtime.agentsFile = hm::defaultResourceDirectory() + "/agents/demo.json";
    if (p.isSet(noAgents))
        out.runtime.agentsFile.clear();
    out.runtime.startAgents = p.isSet(startAgents);
    out.runtime.simConfig = p.value(simConfig).toStdString();
    out.runtime.venueRegime = p.value(venueRegime).toStdString();
    out.runtime.regimeModel = p.value(regimeModel).toStdString();
    if (!p.isSet(noControl))
        out.runtime.controlSocket = p.isSet(control) ? p.value(control).toStdString() : data + "/control.sock";
    if (p.isSet(instruments)) {
        try {
            out.runtime.instruments = hm::parseInstrumentList(p.value(instruments).toStdString());
        } catch (const std::exception& e) {
            std::cerr << "helmsman: --instruments: " << e.what() << "\n";
            return 2;
        }
    } else if (out.runtime.sessionSettings.empty()) {
        // The embedded venue trades its simulator's whole universe; a file that does not
        // load is the venue's to report (with its own message).
        hm::SimConfig sim = hm::defaultSimConfig();
        if (!out.runtime.simConfig.empty() && !hm::loadSimConfig(out.runtime.simConfig, sim).empty())
            sim = hm::defaultSimConfig();
        for (const auto& m : sim.universe.members)
            out.runtime.instruments.push_back(m.instrument);
    }
    return 0;
}

// The options that never open a window, and so must work without a display: they get a
// QCoreApplication, which needs no platform plugin.
bool needsNoDisplay(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        for (const char* option : {"--headless", "--help", "-h", "--help-all", "--version", "-v", "--set-risk-passphrase"})
            if (!std::strcmp(argv[i], option))
                return true;
    return false;
}

// A journal replayed through its own engine, in the same window as a live session.
int runReplay(QCoreApplication& app, const Parsed& opts)
{
    std::unique_ptr<hm::ReplaySession> session;
    try {
        session.reset(new hm::ReplaySession(opts.replay.toStdString()));
    } catch (const std::exception& e) {
        std::cerr << "helmsman: " << e.what() << "\n";
        return 2;
    }
    if (opts.headless) {
        const auto t0 = std::chrono::steady_clock::now();
        session->start();
        session->runTo(session->lastSeq());
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        session->stop();
        const hm::ReplayView& v = session->engine().latest()->replay;
        std::cout << "replay of " << opts.replay.toStdString() << "\n  records   " << session->position() << " in " << s
                  << " s (" << static_cast<double>(session->position()) / s / 1e6 << " M/s)\n  state     " << v.hashChecks
                  << " recorded hashes checked, " << v.hashMismatches << " differ\n";
        hm::JournalIntegrity integrity = session->integrity();
        integrity.addReplayResult(v.hashChecks, v.hashMismatches, v.firstMismatchSeq);
        std::cout << "  integrity " << integrity.summary() << "\n" << integrity.report();
        if (!session->error().empty()) {
            std::cerr << "helmsman: " << session->error() << "\n";
            return 2;
        }
        bool tampered = false; // a check on the file itself, not only the replayed state
        for (const auto& c : integrity.checks)
            if (c.status == hm::CheckStatus::Fail && c.name != "state replayed") {
                std::cerr << "helmsman: journal FAILS its integrity check: " << c.name << ": " << c.detail << "\n";
                tampered = true;
            }
        if (tampered)
            return 8;
        return v.hashMismatches == 0 ? 0 : 1;
    }
    auto& gui = static_cast<QApplication&>(app);
    hm::applyDarkTheme(gui);
    const hm::Instrument instrument = session->config().instruments.front();
    hm::MainWindow window(session->engine(), instrument, QObject::tr("replay"), opts.replay);
    hm::SnapshotBridge* bridge = &window.bridge();
    auto snapshotFeed = session->engine().subscribeSnapshots([bridge](hm::SnapshotPtr s) { bridge->offer(std::move(s)); });
    session->setSpeed(opts.replaySpeed); // before the replay bar, which shows it
    session->start();
    window.attachReplay(*session);
    session->setFollow(true); // a journal a live session is still writing keeps coming
    if (opts.replayAt >= 0) {
        const hm::Timeline t = session->timeline();
        session->seekTime(t.start + static_cast<hm::Timestamp>(opts.replayAt * 1e9));
    }
    if (opts.replayPlay)
        session->play();
    if (opts.screenshot.isEmpty())
        window.restoreSavedLayout();
    window.show();
    if (!opts.raise.isEmpty())
        if (auto* d = window.findChild<QDockWidget*>(opts.raise))
            d->raise();
    if (!opts.screenshot.isEmpty())
        QTimer::singleShot(static_cast<int>(opts.screenshotDelay * 1000), &window, [&window, &opts] {
            if (!window.grab().save(opts.screenshot))
                std::cerr << "helmsman: cannot write screenshot '" << opts.screenshot.toStdString() << "'\n";
            QApplication::quit();
        });
    const int rc = gui.exec();
    session->stop();
    return rc;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Helmsman"));
    QCoreApplication::setApplicationName(QStringLiteral("helmsman"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HM_VERSION));
    // The window needs a display; the headless mode, --help and --set-risk-passphrase must not.
    std::unique_ptr<QCoreApplication> app(needsNoDisplay(argc, argv) ? new QCoreApplication(argc, argv)
                                                                      : new QApplication(argc, argv));
    Parsed opts;
    if (int rc = parse(*app, opts))
        return rc < 0 ? 0 : rc;
    if (!opts.replay.isEmpty())
        return runReplay(*app, opts);

    std::unique_ptr<hm::Runtime> runtime;
    try {
        const std::string dataDir = opts.runtime.dataDirectory.empty() ? hm::defaultDataDirectory() : opts.runtime.dataDirectory;
        hm::setupLogging(dataDir, opts.headless ? spdlog::level::warn : spdlog::level::info);
        runtime.reset(new hm::Runtime(opts.runtime));
    } catch (const std::exception& e) {
        std::cerr << "helmsman: " << e.what() << "\n";
        return 2;
    }
    hm::attachJournalToLog(runtime->journal());

    if (opts.headless) {
        try {
            runtime->start();
        } catch (const std::exception& e) {
            std::cerr << "helmsman: " << e.what() << "\n";
            return 3;
        }
        hm::HeadlessOptions h;
        h.durationSeconds = opts.duration;
        h.seed = opts.seed;
        h.ordersPerSecond = opts.rate;
        const int rc = hm::runHeadless(*runtime, h, std::cout, std::cerr);
        hm::attachJournalToLog(nullptr);
        return rc;
    }

    auto& gui = static_cast<QApplication&>(*app);
    hm::applyDarkTheme(gui);
    const hm::Instrument instrument = runtime->primaryInstrument();
    const QString venueText = runtime->embedded() ? QObject::tr("embedded venue")
                                                  : QString::fromStdString(runtime->options().sessionSettings);
    const std::string dataDir = runtime->options().dataDirectory.empty() ? hm::defaultDataDirectory()
                                                                         : runtime->options().dataDirectory;
    hm::RiskManagerCheck riskCheck = [dataDir](const QString& passphrase, QString& error) {
        std::string why;
        const bool ok = hm::verifyRiskPassphrase(dataDir, passphrase.toStdString(), why);
        error = QString::fromStdString(why);
        return ok;
    };
    hm::MainWindow window(runtime->engine(), instrument, venueText, QString::fromStdString(runtime->journalPath()),
                          std::move(riskCheck));
    hm::LogPanel* panel = &window.logPanel();
    hm::addLogCallback([panel](int level, const std::string& logger, const std::string& message) {
        panel->post(level, QString::fromStdString(logger), QString::fromStdString(message));
    });
    hm::SnapshotBridge* bridge = &window.bridge();
    auto snapshotFeed = runtime->engine().subscribeSnapshots([bridge](hm::SnapshotPtr s) { bridge->offer(std::move(s)); });
    try {
        runtime->start();
    } catch (const std::exception& e) {
        std::cerr << "helmsman: " << e.what() << "\n";
        return 3;
    }
    spdlog::info("Helmsman {} started; journal {}", HM_VERSION, runtime->journalPath());
    if (opts.screenshot.isEmpty())
        window.restoreSavedLayout();
    window.show();
    if (!opts.raise.isEmpty()) {
        if (auto* d = window.findChild<QDockWidget*>(opts.raise))
            d->raise();
        else
            std::cerr << "helmsman: --raise: no panel named '" << opts.raise.toStdString() << "'\n";
    }
    if (!opts.screenshot.isEmpty()) {
        QTimer::singleShot(static_cast<int>(opts.screenshotDelay * 1000), &window, [&window, &opts] {
            if (!window.grab().save(opts.screenshot))
                std::cerr << "helmsman: cannot write screenshot '" << opts.screenshot.toStdString() << "'\n";
            QApplication::quit();
        });
    }
    const int rc = gui.exec();
    hm::clearLogCallbacks();
    runtime->stop();
    hm::attachJournalToLog(nullptr);
    return rc;
}
