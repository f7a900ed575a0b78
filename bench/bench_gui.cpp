// bench_gui: the workstation window under load. The real MainWindow, composed as
// app/main.cpp composes it (log panel, snapshot bridge, journal), on helmsman-venue
// running faster than the wall clock (a process of its own) with the demo agents trading. Reports how late
// the window's event loop runs, how long a Ctrl+Shift+K takes to become cancels sent
// by the engine (several kill/re-arm cycles), the process's resident memory and the
// UI thread's CPU time. Needs a display: run it under xvfb-run.
//
//   xvfb-run -s "-screen 0 1600x1000x24" build/bench/bench_gui [--minutes 10] [--speed 20]
//       [--kill-every SECONDS] [--seed N] [--screenshot FILE] [--sim-config FILE] [--agents FILE]
//       [--scale]   (50 instruments and 30 agents: resources/sim/scale-50.json, resources/agents/scale-30.json)
//       [--profile-ui]  (after the warm-up, the UI thread's time per widget and event type: ui_event_profile.h)
// Also reports how long the engine thread takes per input, per agent tick and per snapshot.
#include "event_loop_probe.h"
#include "fix/fix_gateway.h"
#include "journal/journal_writer.h"
#include "fix/loopback_port.h"
#include "logging.h"
#include "log_panel.h"
#include "main_window.h"
#include "runtime.h"
#include "sim/sim_config.h"
#include "snapshot_bridge.h"
#include "theme.h"
#include "ui_event_profile.h"

#include <QApplication>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <sys/syscall.h>
#include <csignal>
#include <unistd.h>

using namespace hm;

namespace {

struct Options {
    double minutes = 10;
    double speed = 20;
    double killEverySeconds = 20;
    std::uint64_t seed = 7;
    QString screenshot; // a PNG of the window as the run ends
    std::string simConfig; // the venue's simulator (and so the session's instruments); empty: the default
    std::string agents;    // empty: the demo agents
    bool profileUi = false;
};

// The process's resident memory in MB: all of it, or one line of /proc/self/status
// ("RssAnon:" is the heap and stacks; "RssFile:" mapped files such as the FIX stores).
double rssMb(const char* key = "VmRSS:")
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::size_t n = std::strlen(key);
    while (std::getline(in, line))
        if (line.compare(0, n, key) == 0)
            return std::stod(line.substr(n)) / 1024.0;
    return 0;
}

// What malloc has handed out and not had back, over all arenas, in MB: the live heap.
// RssAnon also counts freed memory malloc keeps (fragmentation, per-thread arenas).
double liveHeapMb()
{
    const struct mallinfo2 m = ::mallinfo2();
    return static_cast<double>(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

// utime + stime of one thread, in seconds.
double threadCpuSeconds(long tid)
{
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')'); // the command name may hold spaces
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stoul(field);
        if (i == 15)
            stime = std::stoul(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

bool parse(int argc, char** argv, Options& o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto number = [&](double& out) {
            if (i + 1 >= argc)
                return false;
            char* end = nullptr;
            out = std::strtod(argv[++i], &end);
            return end && *end == '\0' && out > 0;
        };
        double seed = 0;
        if (a == "--screenshot" && i + 1 < argc) {
            o.screenshot = QString::fromLocal8Bit(argv[++i]);
            continue;
        }
        if ((a == "--sim-config" || a == "--agents") && i + 1 < argc) {
            (a == "--agents" ? o.agents : o.simConfig) = argv[++i];
            continue;
        }
        if (a == "--profile-ui") {
            o.profileUi = true;
            continue;
        }
        if (a == "--scale") {
            o.simConfig = std::string(HM_SOURCE_RESOURCE_DIR) + "/sim/scale-50.json";
            o.agents = std::string(HM_SOURCE_RESOURCE_DIR) + "/agents/scale-30.json";
            continue;
        }
        if (a == "--minutes" && number(o.minutes))
            continue;
        if (a == "--speed" && number(o.speed))
            continue;
        if (a == "--kill-every" && number(o.killEverySeconds))
            continue;
        if (a == "--seed" && number(seed)) {
            o.seed = static_cast<std::uint64_t>(seed);
            continue;
        }
        std::cerr << "bench_gui: bad or unknown option '" << a << "'\nUsage: bench_gui [--minutes M] [--speed X] "
                     "[--kill-every SECONDS] [--seed N] [--screenshot FILE] [--sim-config FILE] [--agents FILE] [--scale] "
                     "[--profile-ui]\n";
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    Options opt;
    ProfilingApplication app(argc, argv);
    if (!parse(argc, argv, opt))
        return 2;
    QTemporaryDir dir;
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit()); // the user's layout stays untouched
    const long guiTid = static_cast<long>(::syscall(SYS_gettid));
    const std::string data = dir.filePath(QStringLiteral("data")).toStdString();
    const std::string resources = HM_SOURCE_RESOURCE_DIR;
    makeDirectories(data);
    setupLogging(data, spdlog::level::warn);

    // The counterparty: helmsman-venue in its own process, at opt.speed times the wall
    // clock, so that what is measured here is the workstation's process alone.
    const int port = findFreeLoopbackPort();
    const std::string dictionary = resources + "/fix/FIX44.xml";
    const std::string password = "bench-venue";
    makeDirectories(data + "/venue");
    QProcess venue;
    venue.setProgram(QStringLiteral(HM_VENUE_BINARY));
    venue.setArguments({QStringLiteral("--port"), QString::number(port), QStringLiteral("--clients"), QStringLiteral("HELMSMAN"),
                        QStringLiteral("--speed"), QString::number(opt.speed), QStringLiteral("--seed"),
                        QString::number(opt.seed), QStringLiteral("--store"), QString::fromStdString(data + "/venue"),
                        QStringLiteral("--dictionary"), QString::fromStdString(dictionary), QStringLiteral("--password"),
                        QString::fromStdString(password)});
    if (!opt.simConfig.empty())
        venue.setArguments(venue.arguments() << QStringLiteral("--sim-config") << QString::fromStdString(opt.simConfig));
    SimConfig sim = defaultSimConfig();
    if (!opt.simConfig.empty()) {
        const std::string error = loadSimConfig(opt.simConfig, sim);
        if (!error.empty()) {
            std::cerr << "bench_gui: " << error << "\n";
            return 2;
        }
    }
    venue.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    venue.start();
    bool listening = false;
    for (int i = 0; i < 200 && !listening && venue.state() != QProcess::NotRunning; ++i) {
        venue.waitForReadyRead(100);
        listening = venue.readAll().contains("listening");
    }
    if (!listening) {
        std::cerr << "bench_gui: " << HM_VENUE_BINARY << " did not start listening\n";
        return 3;
    }
    const qint64 venuePid = venue.processId();

    RuntimeOptions ro;
    ro.dataDirectory = data;
    ro.resourceDirectory = resources;
    // The venue trades the simulator's universe (its default); so does the session.
    std::vector<std::string> symbols;
    for (const auto& m : sim.universe.members) {
        ro.instruments.push_back(m.instrument);
        symbols.push_back(m.instrument.symbol);
    }
    ro.sessionSettings = writeEmbeddedSessionSettings(data + "/fix", port, dictionary, password, symbols);
    ro.agentsFile = opt.agents.empty() ? resources + "/agents/demo.json" : opt.agents;
    ro.startAgents = true;
    ro.seed = opt.seed;
    std::unique_ptr<Runtime> runtime;
    try {
        runtime.reset(new Runtime(ro));
    } catch (const std::exception& e) {
        std::cerr << "bench_gui: " << e.what() << "\n";
        return 3;
    }
    attachJournalToLog(runtime->journal());
    applyDarkTheme(app);
    const Instrument instrument = runtime->primaryInstrument();
    MainWindow window(runtime->engine(), instrument, QStringLiteral("bench venue"),
                      QString::fromStdString(runtime->journalPath()));
    LogPanel* panel = &window.logPanel();
    addLogCallback([panel](int level, const std::string& logger, const std::string& message) {
        panel->post(level, QString::fromStdString(logger), QString::fromStdString(message));
    });
    SnapshotBridge* bridge = &window.bridge();
    auto snapshotFeed = runtime->engine().subscribeSnapshots([bridge](SnapshotPtr s) { bridge->offer(std::move(s)); });
    try {
        runtime->start();
    } catch (const std::exception& e) {
        std::cerr << "bench_gui: " << e.what() << "\n";
        return 3;
    }
    window.show();
    window.activateWindow();
    EventLoopProbe probe(100); // the same probe the window shows in its status bar
    // What the driver thread may read of the UI thread: when its loop last ran, and the
    // probe's figures as of then. A window that stops answering is reported as such.
    std::atomic<std::int64_t> lastBeat{monoNs()};
    std::mutex statsMutex;
    LatenessStats lateCopy;
    QTimer beat;
    QObject::connect(&beat, &QTimer::timeout, &app, [&] {
        lastBeat = monoNs();
        std::lock_guard<std::mutex> lock(statsMutex);
        lateCopy = probe.stats();
    });
    beat.start(100);

    const double cpu0 = threadCpuSeconds(guiTid);
    const double rss0 = rssMb();
    std::cout << "bench_gui: " << opt.minutes << " min, venue at " << opt.speed << "x, " << ro.instruments.size()
              << " instruments, agents " << ro.agentsFile << ", kill every "
              << opt.killEverySeconds << " s; RSS at start " << rss0 << " MB" << std::endl;

    // The driver: a thread of its own, so a busy window cannot slow the measurement.
    std::atomic<bool> done{false};
    std::mutex resultMutex;
    std::vector<double> killMs;
    int killsLost = 0;
    std::vector<std::string> timeline;
    double rssWarm = 0, cpuWarm = 0, anonWarm = 0, fileWarm = 0, liveWarm = 0;
    std::atomic<bool> finished{false};
    auto report = [&](double stalledS) {
        const double cpu = threadCpuSeconds(guiTid) - cpu0;
        const double rss1 = rssMb();
        LatenessStats late;
        {
            std::lock_guard<std::mutex> lock(statsMutex);
            late = lateCopy;
        }
        const double seconds = opt.minutes * 60;
        std::lock_guard<std::mutex> lock(resultMutex);
        std::printf("\nbench_gui results (%.1f min, venue %gx, %llu snapshots shown)\n", opt.minutes, opt.speed,
                    static_cast<unsigned long long>(window.snapshotsSeen()));
        std::printf("  event-loop lateness   p50 %.0f ms  p99 %.0f ms  max %.0f ms  (%llu samples, %llu over %d ms)\n",
                    late.p50Ms, late.p99Ms, std::max(late.maxMs, stalledS * 1000), static_cast<unsigned long long>(late.samples),
                    static_cast<unsigned long long>(late.late), EventLoopProbe::kWarnMs);
        if (stalledS > 0)
            std::printf("  the window had not run its event loop for %.0f s when the run ended\n", stalledS);
        std::printf("  kill (Ctrl+Shift+K -> cancels sent)  p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%zu kills, %d not reached in 30 s)\n",
                    percentile(killMs, 0.5), percentile(killMs, 0.99),
                    killMs.empty() ? 0.0 : *std::max_element(killMs.begin(), killMs.end()), killMs.size(), killsLost);
        std::printf("  RSS   start %.1f MB  after 30 s %.1f MB  end %.1f MB  (growth after warm-up %.1f MB; heap %.1f -> %.1f MB,"
                    " of it malloc's live %.1f -> %.1f MB; mapped files %.1f -> %.1f MB)\n", rss0, rssWarm, rss1,
                    rss1 - rssWarm, anonWarm, rssMb("RssAnon:"), liveWarm, liveHeapMb(), fileWarm, rssMb("RssFile:"));
        if (const SnapshotPtr last = runtime->engine().latest())
            std::printf("  session  %llu orders sent, %llu fills, %llu market-data updates\n",
                        static_cast<unsigned long long>(last->counters.ordersSent),
                        static_cast<unsigned long long>(last->counters.fills),
                        static_cast<unsigned long long>(last->counters.marketDataUpdates));
        const Engine::Timings t = runtime->engine().timings();
        std::printf("  engine thread  per input p50 %.1f us p99 %.1f us (%llu); per agent tick p50 %.1f us p99 %.1f us; "
                    "per snapshot p50 %.1f us p99 %.1f us (%llu snapshots, %.1f/s)\n",
                    t.input.p50us, t.input.p99us, static_cast<unsigned long long>(t.input.samples), t.tick.p50us,
                    t.tick.p99us, t.publish.p50us, t.publish.p99us, static_cast<unsigned long long>(t.publish.samples),
                    static_cast<double>(t.publish.samples) / seconds);
        std::printf("  UI thread CPU  %.1f s over %.0f s = %.0f%% of a core; after warm-up %.0f%%\n", cpu, seconds,
                    100.0 * cpu / seconds,
                    seconds > 30 ? 100.0 * (threadCpuSeconds(guiTid) - cpuWarm) / (seconds - 30) : 0.0);
        if (opt.profileUi && stalledS == 0) { // read on the window's thread, after its loop ended
            app.setEnabled(false);
            std::printf("  UI thread self time per receiver and event, after warm-up:\n");
            for (const auto& line : app.report(25))
                std::printf("    %s\n", line.c_str());
            std::printf("  snapshot handling per panel (whole run):\n");
            std::vector<std::pair<std::string, MainWindow::PanelTime>> panels(window.panelTimes().begin(),
                                                                               window.panelTimes().end());
            std::sort(panels.begin(), panels.end(), [](const auto& a, const auto& b) { return a.second.ns > b.second.ns; });
            for (const auto& p : panels)
                std::printf("    %-32s %8.0f ms  (%llu, mean %.0f us)\n", p.first.c_str(), static_cast<double>(p.second.ns) / 1e6,
                            static_cast<unsigned long long>(p.second.updates),
                            static_cast<double>(p.second.ns) / 1e3 / static_cast<double>(std::max<std::uint64_t>(1, p.second.updates)));
        }
        std::fflush(stdout);
    };
    std::thread driver([&] {
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        const auto end = start + std::chrono::milliseconds(static_cast<long long>(opt.minutes * 60000));
        auto nextKill = start + std::chrono::milliseconds(static_cast<long long>(opt.killEverySeconds * 1000));
        auto nextSample = start;
        std::mt19937 rng(static_cast<unsigned>(opt.seed));
        const Actor rm{"bench", Role::RiskManager};
        while (clock::now() < end) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            const auto now = clock::now();
            const double t = std::chrono::duration<double>(now - start).count();
            if (now >= nextSample) {
                std::ostringstream line;
                line << "  t=" << static_cast<int>(t) << "s rss " << rssMb() << " MB (heap " << rssMb("RssAnon:") << ", live "
                     << liveHeapMb() << "), ui cpu "
                     << threadCpuSeconds(guiTid) - cpu0 << " s";
                if (JournalWriter* j = runtime->journal()) { // a backlog would be heap that grows
                    const JournalStats js = j->stats();
                    line << ", journal queued " << js.queued << " written " << js.written << " dropped " << js.dropped;
                }
                std::lock_guard<std::mutex> lock(resultMutex);
                timeline.push_back(line.str());
                std::cout << line.str() << std::endl;
                nextSample += std::chrono::seconds(15);
                if (rssWarm == 0 && t >= 30) {
                    rssWarm = rssMb();
                    anonWarm = rssMb("RssAnon:");
                    liveWarm = liveHeapMb();
                    fileWarm = rssMb("RssFile:");
                    cpuWarm = threadCpuSeconds(guiTid);
                    if (opt.profileUi) // from the window's own thread: the profile is its alone
                        QMetaObject::invokeMethod(&app, [&app] { app.setEnabled(true); }, Qt::QueuedConnection);
                }
            }
            if (now < nextKill)
                continue;
            // Ctrl+Shift+K reaches the window as an event behind whatever it has queued.
            const std::int64_t before = runtime->engine().lastKill().cancelsSentMono;
            const std::int64_t t0 = monoNs();
            QMetaObject::invokeMethod(&window, [&window] {
                if (!QApplication::activeWindow())
                    QApplication::setActiveWindow(&window);
                QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier);
            }, Qt::QueuedConnection);
            bool reached = false;
            for (int i = 0; i < 30000 && !reached; ++i) { // up to 30 s
                const KillTiming k = runtime->engine().lastKill();
                if (k.cancelsSentMono != before && k.cancelsSentMono >= t0) {
                    std::lock_guard<std::mutex> lock(resultMutex);
                    killMs.push_back(static_cast<double>(k.cancelsSentMono - t0) / 1e6);
                    reached = true;
                } else {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
            }
            if (!reached) {
                std::lock_guard<std::mutex> lock(resultMutex);
                ++killsLost;
            }
            std::this_thread::sleep_for(std::chrono::seconds(2));
            runtime->engine().rearmAll(rm, "benchmark kill/re-arm cycle");
            runtime->engine().controlAgent("*", AgentAction::Start, rm, "benchmark kill/re-arm cycle");
            std::uniform_real_distribution<double> jitter(0.75, 1.25);
            nextKill = clock::now() + std::chrono::milliseconds(static_cast<long long>(opt.killEverySeconds * 1000 * jitter(rng)));
        }
        done = true;
        // The window quits at its next event-loop turn; one that does not answer within
        // a minute is reported from here and the process ends without it.
        for (int i = 0; i < 600 && !finished.load(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished.load()) {
            report(static_cast<double>(monoNs() - lastBeat.load()) / 1e9);
            ::kill(static_cast<pid_t>(venuePid), SIGTERM);
            std::_Exit(1);
        }
    });
    QTimer quit;
    QObject::connect(&quit, &QTimer::timeout, &app, [&] {
        if (!done.load())
            return;
        if (!opt.screenshot.isEmpty() && !window.grab().save(opt.screenshot))
            std::cerr << "bench_gui: cannot write " << opt.screenshot.toStdString() << "\n";
        app.quit();
    });
    quit.start(200);
    app.exec();
    report(0);
    finished = true;
    driver.join();
    clearLogCallbacks();
    runtime->stop();
    attachJournalToLog(nullptr);
    venue.terminate();
    venue.waitForFinished(5000);
    return killsLost == 0 ? 0 : 1;
}
