// Order book throughput and per-operation latency (Release build, one core).
// Workload: orders alternate buy and sell; buys uniform in 1880..1889 ticks, sells in
// 1884..1893, quantities 100..1000 in steps of 100 (about half cross), with the
// 5-level aggregated depth refreshed after every order.
#include "book/order_book.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using namespace hm;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<BookOrder> workload(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> buyPx(1880, 1889), sellPx(1884, 1893), lots(1, 10);
    std::vector<BookOrder> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        BookOrder& o = out[i];
        o.ref = i + 1;
        o.side = i % 2 == 0 ? Side::Buy : Side::Sell;
        o.price = o.side == Side::Buy ? buyPx(rng) : sellPx(rng);
        o.qty = 100 * lots(rng);
    }
    return out;
}

double pct(std::vector<double>& v, double q)
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
    const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 5000000;
    const auto orders = workload(n, 42);

    // Throughput: best of three runs, fresh book each time.
    double best = 0;
    std::size_t fills = 0;
    for (int run = 0; run < 3; ++run) {
        OrderBook book;
        Depth depth;
        depth.bids.reserve(8);
        depth.asks.reserve(8);
        std::size_t f = 0;
        const auto t0 = Clock::now();
        for (const auto& o : orders) {
            book.add(o);
            f += book.events().size();
            book.depth(5, depth);
        }
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        best = std::max(best, static_cast<double>(n) / s);
        fills = f;
    }
    std::printf("book inserts: %zu orders, %.2f M inserts/s (best of 3, 5-level depth after each; %zu book events)\n", n,
                best / 1e6, fills);

    // Latency per operation kind, each op timed on its own.
    OrderBook book;
    Depth depth;
    std::vector<double> addNs, matchNs, cancelNs;
    std::vector<OrderBook::Handle> resting;
    std::mt19937_64 rng(7);
    const std::size_t m = std::min<std::size_t>(n, 2000000);
    addNs.reserve(m);
    matchNs.reserve(m);
    for (std::size_t i = 0; i < m; ++i) {
        const auto t0 = Clock::now();
        auto r = book.add(orders[i]);
        book.depth(5, depth);
        const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
        (r.filled > 0 ? matchNs : addNs).push_back(ns);
        if (r.handle)
            resting.push_back(r.handle);
        if (i % 4 == 3 && !resting.empty()) {
            std::size_t k = rng() % resting.size();
            const auto c0 = Clock::now();
            book.cancel(resting[k]);
            cancelNs.push_back(std::chrono::duration<double, std::nano>(Clock::now() - c0).count());
            resting[k] = resting.back();
            resting.pop_back();
        }
    }
    std::printf("latency ns (incl. ~20 ns clock reads): add p50 %.0f p99 %.0f | match p50 %.0f p99 %.0f | cancel p50 %.0f p99 %.0f\n",
                pct(addNs, 0.5), pct(addNs, 0.99), pct(matchNs, 0.5), pct(matchNs, 0.99), pct(cancelNs, 0.5),
                pct(cancelNs, 0.99));
    return 0;
}
