// Sustained journal writes: records appended as fast as one producer can, until all
// are committed to SQLite. Reports events/s end to end and the producer's append cost.
#include "journal/journal_reader.h"
#include "journal/journal_writer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

using namespace hm;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 2000000;
    char tmpl[] = "/tmp/hm-bench-journal-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    JournalOptions o;
    o.path = dir + "/bench.db";
    o.capacity = static_cast<std::size_t>(n) + 16; // measure the writer, not shedding
    JournalWriter w(o);
    w.start();
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
        JournalRecord r;
        r.time = 1700000000000000000LL + i;
        if (i % 10 == 0) {
            r.kind = RecordKind::ExecReport;
            r.ref = "HM123-" + std::to_string(i);
            r.text = "E" + std::to_string(i) + "|Trade|Filled|O1|0";
        } else {
            r.kind = i % 3 ? RecordKind::BookLevel : RecordKind::Trade;
        }
        r.symbol = "HMX";
        r.side = i & 1;
        r.price = 1880 + i % 13;
        r.qty = 100 * (1 + i % 10);
        w.append(std::move(r));
    }
    const double appendS = std::chrono::duration<double>(Clock::now() - t0).count();
    w.flush();
    const double totalS = std::chrono::duration<double>(Clock::now() - t0).count();
    const JournalStats s = w.stats();
    w.stop();
    const std::int64_t rows = JournalReader(o.path).count();
    std::printf("journal: %d events committed in %.2f s = %.0f events/s sustained (%llu batches, %lld rows read back)\n",
                n, totalS, n / totalS, static_cast<unsigned long long>(s.batches), static_cast<long long>(rows));
    std::printf("producer append cost: %.0f ns/event (%.2f M appends/s; the engine thread pays only this)\n",
                appendS * 1e9 / n, n / appendS / 1e6);
    std::string cmd = "rm -rf " + dir;
    return std::system(cmd.c_str()) == 0 && rows == n ? 0 : 1;
}
