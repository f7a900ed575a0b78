// Replay speed and seek time on a large generated journal.
//   bench_replay [records=10000000] [journal path: reuse one generated before]
// The journal looks like a busy session: a book whose levels change several at a time,
// trades, and agents' orders with their execution reports. Measured, in one process:
//   - raw read: every record read from SQLite (the floor for everything else);
//   - replay: every record applied by the engine from the start, as fast as possible
//     (this pass also lays the seek checkpoints);
//   - seeks to random points, backwards and forwards, after that pass;
//   - the first seek into a journal never played (restore of the nearest checkpoint
//     does not exist yet: it plays from the start).
#include "journal/journal_writer.h"
#include "replay/replay_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

using namespace hm;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void generate(const std::string& path, std::int64_t n)
{
    JournalOptions o;
    o.path = path;
    o.capacity = 1u << 22;
    JournalWriter w(o);
    w.start();
    std::mt19937_64 rng(7);
    Timestamp t = 1760000000000000000LL;
    auto append = [&](JournalRecord r) {
        r.time = t;
        while (!w.append(r)) // never shed: the bench wants every record
            usleep(1000);
        while (w.stats().queued > (1u << 21))
            usleep(1000);
    };
    JournalRecord c;
    c.kind = RecordKind::Config;
    c.ref = "instrument";
    c.text = "HMX tick=0.010000 lot=1 USD";
    append(c);
    Price mid = 1880;
    std::int64_t written = 1, orders = 0;
    while (written < n) {
        t += 2000000; // 2 ms between messages
        // A market data message: 4 level changes and sometimes a trade.
        mid += static_cast<Price>(rng() % 3) - 1;
        for (int k = 0; k < 4; ++k) {
            JournalRecord r;
            r.kind = RecordKind::BookLevel;
            r.symbol = "HMX";
            r.side = k & 1;
            r.price = r.side == 0 ? mid - 1 - static_cast<Price>(rng() % 10) : mid + 1 + static_cast<Price>(rng() % 10);
            r.qty = (rng() % 5 == 0) ? 0 : 100 * static_cast<Quantity>(1 + rng() % 20);
            append(r);
        }
        written += 4;
        if (rng() % 4 == 0) {
            JournalRecord r;
            r.kind = RecordKind::Trade;
            r.symbol = "HMX";
            r.price = mid;
            r.qty = 100;
            append(r);
            ++written;
        }
        if (rng() % 20 == 0) { // an agent's order, accepted then filled
            const std::string id = "BENCH-" + std::to_string(++orders);
            JournalRecord r;
            r.kind = RecordKind::OrderNew;
            r.symbol = "HMX";
            r.ref = id;
            r.side = static_cast<int>(orders & 1);
            r.price = mid;
            r.qty = 100;
            r.text = "LIMIT DAY owner=bench";
            append(r);
            JournalRecord a;
            a.kind = RecordKind::ExecReport;
            a.symbol = "HMX";
            a.ref = id;
            a.side = r.side;
            a.text = "N" + id + "|New|New|V" + id + "|100";
            append(a);
            a.text = "F" + id + "|Trade|Filled|V" + id + "|0";
            a.price = mid;
            a.qty = 100;
            a.aux = 100;
            append(a);
            written += 3;
        }
    }
    w.stop();
}

} // namespace

int main(int argc, char** argv)
{
    const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 10000000;
    std::string path = argc > 2 ? argv[2] : std::string();
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) {
        if (path.empty()) {
            char tmpl[] = "/tmp/hm-bench-replay-XXXXXX";
            path = std::string(mkdtemp(tmpl)) + "/large.db";
        }
        const auto t0 = Clock::now();
        generate(path, n);
        std::printf("generated %s: %lld records in %.1f s\n", path.c_str(), static_cast<long long>(n), since(t0));
    }
    JournalReader reader(path);
    const std::int64_t last = reader.maxSeq();
    {
        const auto t0 = Clock::now();
        std::int64_t count = 0;
        reader.forEach(1, last, [&](const JournalRecord&) { ++count; });
        const double s = since(t0);
        std::printf("raw read        %lld records in %.2f s: %.2f M records/s\n", static_cast<long long>(count), s,
                    static_cast<double>(count) / s / 1e6);
    }
    ReplayOptions ro;
    ro.checkpointEvery = 500000; // worst-case seek: restore plus half a million records
    {
        ReplaySession cold(path, ro);
        cold.start();
        const auto t0 = Clock::now();
        cold.runTo(last * 9 / 10);
        std::printf("first seek to 90%% of a journal never played: %.2f s (plays from the start)\n", since(t0));
    }
    ReplaySession r(path, ro);
    r.start();
    const auto t0 = Clock::now();
    r.runTo(last);
    const double s = since(t0);
    std::printf("replay          %lld records through the engine in %.2f s: %.2f M records/s (%zu checkpoints)\n",
                static_cast<long long>(last), s, static_cast<double>(last) / s / 1e6, r.checkpoints());
    std::mt19937_64 rng(11);
    std::vector<double> seeks;
    for (int i = 0; i < 20; ++i) {
        const std::int64_t target = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(last));
        const auto t1 = Clock::now();
        r.runTo(target);
        seeks.push_back(since(t1));
    }
    std::sort(seeks.begin(), seeks.end());
    std::printf("seek            20 random points: median %.3f s, worst %.3f s\n", seeks[seeks.size() / 2], seeks.back());
    r.stop();
    return 0;
}
