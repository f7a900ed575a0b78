// FIX round trip and sustained order rate: Helmsman's path (engine -> gateway ->
// embedded venue with its matching engine -> gateway -> engine, journal on) against a
// minimal QuickFIX initiator/acceptor pair on loopback, in the same process and run.
#include "quickfix_baseline.h"
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
    const int paced = argc > 1 ? std::atoi(argv[1]) : 3000;
    const int burst = argc > 2 ? std::atoi(argv[2]) : 50000;
    const int paceUs = 1000;
    char tmpl[] = "/tmp/hm-bench-fix-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string dictionary = defaultResourceDirectory() + "/fix/FIX44.xml";

    const BaselineResult base = runQuickfixBaseline(dictionary, dir + "/baseline", paced, paceUs, burst);

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
        engine.submit(r, "script");
    };
    auto reports = [&] { return engine.latest()->counters.executionReports; };
    auto next = Clock::now();
    for (int i = 0; i < paced; ++i) {
        std::this_thread::sleep_until(next);
        next += std::chrono::microseconds(paceUs);
        submitOne();
    }
    while (reports() < static_cast<std::uint64_t>(paced))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const LatencyStats paced4096 = engine.latest()->roundTrip;
    const std::uint64_t before = reports();
    const auto t0 = Clock::now();
    for (int i = 0; i < burst; ++i)
        submitOne();
    while (reports() < before + static_cast<std::uint64_t>(burst))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const double rate = burst / std::chrono::duration<double>(Clock::now() - t0).count();
    rt.stop();

    const double bp50 = pct(base.roundTripsUs, 0.5), bp99 = pct(base.roundTripsUs, 0.99);
    std::printf("FIX round trip, %d orders paced 1 per %d us (NewOrderSingle -> first ExecutionReport):\n", paced, paceUs);
    std::printf("  baseline QuickFIX pair   p50 %7.1f us  p99 %7.1f us\n", bp50, bp99);
    std::printf("  helmsman gateway+venue   p50 %7.1f us  p99 %7.1f us  (last %llu orders)  ratio p50 %.2fx\n",
                paced4096.p50us, paced4096.p99us, static_cast<unsigned long long>(std::min<std::uint64_t>(paced4096.samples, 4096)),
                paced4096.p50us / bp50);
    std::printf("Sustained, burst of %d orders until all acknowledged:\n", burst);
    std::printf("  baseline QuickFIX pair   %8.0f orders/s\n", base.ordersPerSecond);
    std::printf("  helmsman (journal on)    %8.0f orders/s  ratio %.2fx\n", rate, rate / base.ordersPerSecond);
    std::string cmd = "rm -rf " + dir;
    return std::system(cmd.c_str()) == 0 ? 0 : 1;
}
