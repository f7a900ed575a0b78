// FIX round trip and sustained order rate: Helmsman's path (engine -> gateway ->
// embedded venue with its matching engine -> gateway -> engine, journal on) against a
// minimal QuickFIX initiator/acceptor pair on loopback, in the same process and run,
// interleaved. In both, a round trip runs from the NewOrderSingle being handed to
// QuickFIX to the first ExecutionReport reaching the application.
// Usage: bench_fix [paced orders] [burst orders] [rounds, default 20]
#include "quickfix_baseline.h"
#include "journal/journal_writer.h"
#include "runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <unistd.h>

using namespace hm;
using Clock = std::chrono::steady_clock;

namespace {
double pct(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::size_t k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}
} // namespace

int main(int argc, char** argv)
{
    const int paced = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int burst = argc > 2 ? std::atoi(argv[2]) : 30000;
    const int rounds = std::max(1, argc > 3 ? std::atoi(argv[3]) : 20);
    const int paceUs = 1000;
    char tmpl[] = "/tmp/hm-bench-fix-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string dictionary = defaultResourceDirectory() + "/fix/FIX44.xml";

    // The baseline, and the same pair on Helmsman's mapped store to show what the store alone is worth.
    QuickfixPair baseline(dictionary, dir + "/baseline", QuickfixPair::Store::QuickfixFileStore);
    QuickfixPair mapped(dictionary, dir + "/mapped", QuickfixPair::Store::HelmsmanMappedStore);
    baseline.start();
    mapped.start();

    RuntimeOptions o;
    o.dataDirectory = dir + "/helmsman";
    o.venueFlowPerSecond = 0; // a quiet market: every order rests, one report each
    // The gate still checks every order; its limits are opened so that it measures, not refuses.
    o.limits.maxOrderQty = o.limits.maxOrderNotional = o.limits.maxPosition = o.limits.maxGrossNotional = 1e12;
    o.limits.maxOpenOrders = o.limits.maxOrdersPerSecond = o.limits.maxOrdersPerSecondPerAgent = 1e9;
    o.limits.maxMessagesPerSecond = 1e9;
    o.limits.collarPercent = 100;
    o.limits.collarTicks = 0;
    o.limits.duplicateWindowMs = 0;
    Runtime rt(o);
    rt.start();
    if (!rt.waitForLogon(10000)) {
        std::fprintf(stderr, "bench_fix: no logon\n");
        return 1;
    }
    Engine& engine = rt.engine();
    // The gate refuses orders until it has a reference price: wait for the first quotes.
    while (engine.latest()->books.empty() || engine.latest()->books.front().twiceMid == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto submitOne = [&] {
        OrderRequest r;
        r.symbol = "HMX";
        r.side = Side::Buy;
        r.qty = 100;
        r.price = 100; // far below the market: rests
        engine.submit(r, Origin::script());
    };
    auto reports = [&] { return engine.latest()->counters.executionReports; };
    auto helmsmanPaced = [&](int n) {
        const std::uint64_t target = reports() + static_cast<std::uint64_t>(n);
        auto next = Clock::now();
        for (int i = 0; i < n; ++i) {
            std::this_thread::sleep_until(next);
            next += std::chrono::microseconds(paceUs);
            submitOne();
        }
        while (reports() < target)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    };
    auto helmsmanBurst = [&](int n) {
        const std::uint64_t target = reports() + static_cast<std::uint64_t>(n);
        const auto t0 = Clock::now();
        for (int i = 0; i < n; ++i)
            submitOne();
        while (reports() < target)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        return std::chrono::duration<double>(Clock::now() - t0).count();
    };

    // Interleaved in rounds, so that the machine's drifting load falls on all three alike.
    // Besides the pooled p50s, each round's p50 ratio: their median shrugs off the bursts
    // of load a shared machine has, which hit one system's round and not the other's.
    std::vector<double> baseRtt, mappedRtt, oursRtt, roundRatios, mappedRatios;
    const int perRound = std::max(1, paced / rounds);
    for (int r = 0; r < rounds; ++r) {
        std::vector<double> b, m;
        baseline.paced(perRound, paceUs, b);
        const std::size_t before = engine.roundTripsSince(0).size();
        helmsmanPaced(perRound);
        const std::vector<double> h = engine.roundTripsSince(before);
        mapped.paced(perRound, paceUs, m);
        roundRatios.push_back(pct(h, 0.5) / pct(b, 0.5));
        mappedRatios.push_back(pct(m, 0.5) / pct(b, 0.5));
        baseRtt.insert(baseRtt.end(), b.begin(), b.end());
        oursRtt.insert(oursRtt.end(), h.begin(), h.end());
        mappedRtt.insert(mappedRtt.end(), m.begin(), m.end());
    }
    double baseSeconds = 0, oursSeconds = 0, mappedSeconds = 0;
    const int half = burst / 2;
    for (int r = 0; r < 2; ++r) {
        baseSeconds += baseline.burst(half);
        oursSeconds += helmsmanBurst(half);
        mappedSeconds += mapped.burst(half);
    }
    rt.journal()->flush();
    const JournalStats journal = rt.journal()->stats();
    rt.stop();
    baseline.stop();
    mapped.stop();

    const double bp50 = pct(baseRtt, 0.5), bp99 = pct(baseRtt, 0.99);
    const double baseRate = 2 * half / baseSeconds, oursRate = 2 * half / oursSeconds, mappedRate = 2 * half / mappedSeconds;
    std::printf("FIX round trip, NewOrderSingle -> first ExecutionReport, %d orders each paced 1 per %d us,\n"
                "interleaved in %d rounds:\n", perRound * rounds, paceUs, rounds);
    std::printf("  baseline QuickFIX pair (FileStore)   p50 %7.1f us  p99 %7.1f us\n", bp50, bp99);
    std::printf("  helmsman gateway+venue               p50 %7.1f us  p99 %7.1f us  ratio p50 %.2fx  (median of the rounds' ratios %.2fx)\n",
                pct(oursRtt, 0.5), pct(oursRtt, 0.99), pct(oursRtt, 0.5) / bp50, pct(roundRatios, 0.5));
    std::printf("  QuickFIX pair on the mapped store    p50 %7.1f us  p99 %7.1f us  ratio p50 %.2fx  (median of the rounds' ratios %.2fx)\n",
                pct(mappedRtt, 0.5), pct(mappedRtt, 0.99), pct(mappedRtt, 0.5) / bp50, pct(mappedRatios, 0.5));
    std::printf("Sustained: %d orders sent at once, until all acknowledged, in 2 interleaved halves:\n", 2 * half);
    std::printf("  baseline QuickFIX pair (FileStore)   %8.0f orders/s\n", baseRate);
    std::printf("  helmsman (journal on)                %8.0f orders/s  ratio %.2fx\n", oursRate, oursRate / baseRate);
    std::printf("  QuickFIX pair on the mapped store    %8.0f orders/s  ratio %.2fx\n", mappedRate, mappedRate / baseRate);
    std::printf("Helmsman's journal: %llu records committed in %llu batches, %llu dropped\n",
                static_cast<unsigned long long>(journal.written), static_cast<unsigned long long>(journal.batches),
                static_cast<unsigned long long>(journal.dropped));
    std::string cmd = "rm -rf " + dir;
    return std::system(cmd.c_str()) == 0 ? 0 : 1;
}
