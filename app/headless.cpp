#include "headless.h"

#include "journal/journal_integrity.h"
#include "journal/journal_reader.h"
#include "runtime.h"

#include <chrono>
#include <iomanip>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace hm {
namespace {

bool twoSided(const EngineSnapshot& s)
{
    return !s.books.empty() && !s.books.front().bids.empty() && !s.books.front().asks.empty();
}

} // namespace

int runHeadless(Runtime& runtime, const HeadlessOptions& options, std::ostream& out, std::ostream& err)
{
    using clock = std::chrono::steady_clock;
    Engine& engine = runtime.engine();
    // A scripted session with an agent left out would report success for a run that
    // did not happen as configured: stop, naming the agents and why (the log file has
    // them too; the console only here, see RuntimeOptions::refusedAgentsOnConsole).
    const std::vector<std::string> refused = runtime.refusedAgents(15000);
    if (!refused.empty()) {
        for (const auto& r : refused)
            err << "helmsman: agent " << r << "\n";
        err << "helmsman: " << refused.size() << " configured agent" << (refused.size() == 1 ? " was" : "s were")
            << " refused; nothing was traded\n";
        runtime.stop();
        return 7;
    }
    if (!runtime.waitForLogon(15000)) {
        err << "helmsman: FIX session did not log on within 15 s (see the log for the reason)\n";
        return 3;
    }
    if (!runtime.waitForReconciliation(15000))
        err << "helmsman: the counterparty has not answered for the last session's orders within 15 s; trading "
               "goes on (see the reconcile alert)\n";
    const auto mdDeadline = clock::now() + std::chrono::seconds(5);
    while (!twoSided(*engine.latest()) && clock::now() < mdDeadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!twoSided(*engine.latest())) {
        err << "helmsman: no two-sided market data within 5 s\n";
        return 4;
    }

    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::uniform_int_distribution<int> lots(1, 5);
    std::uniform_int_distribution<int> offset(0, 2);
    const Instrument ins = engine.config().instruments.front();
    const auto start = clock::now();
    const auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(options.durationSeconds));
    // Rate 0: no scripted orders; the configured agents (if any) trade alone.
    const double rate = options.ordersPerSecond > 0 ? options.ordersPerSecond : 10.0;
    const auto gap = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / rate));
    auto next = start;
    while (clock::now() < end) {
        std::this_thread::sleep_until(next);
        next += gap;
        if (options.ordersPerSecond <= 0)
            continue;
        SnapshotPtr snap = engine.latest();
        if (!twoSided(*snap))
            continue;
        const BookView& book = snap->books.front();
        const Price bid = book.bids.front().price, ask = book.asks.front().price;
        const Side side = u(rng) < 0.5 ? Side::Buy : Side::Sell;
        OrderRequest o;
        o.symbol = ins.symbol;
        o.side = side;
        o.qty = 100 * lots(rng) * ins.lotSize;
        const double x = u(rng);
        std::vector<const OrderRecord*> working;
        for (const auto& r : snap->orders)
            if (!isTerminal(r.status) && r.status != OrderStatus::PendingCancel && r.status != OrderStatus::PendingNew
                && r.status != OrderStatus::PendingReplace)
                working.push_back(&r);
        if (x < 0.15 && !working.empty()) {
            engine.cancel(working[static_cast<std::size_t>(u(rng) * static_cast<double>(working.size()))]->clOrdId, Origin::script());
            continue;
        }
        if (x < 0.25 && !working.empty()) {
            const OrderRecord* w = working[static_cast<std::size_t>(u(rng) * static_cast<double>(working.size()))];
            const Price shift = w->side == Side::Buy ? 1 : -1;
            engine.replace(w->clOrdId, w->qty + 100 * ins.lotSize, w->price + shift, Origin::script());
            continue;
        }
        if (x < 0.60) { // passive
            o.price = side == Side::Buy ? bid - offset(rng) : ask + offset(rng);
        } else if (x < 0.80) { // marketable limit
            o.price = side == Side::Buy ? ask + 1 : bid - 1;
            o.tif = u(rng) < 0.5 ? TimeInForce::ImmediateOrCancel : TimeInForce::Day;
        } else if (x < 0.92) {
            o.type = OrderType::Market;
        } else {
            o.price = side == Side::Buy ? ask : bid;
            o.tif = TimeInForce::FillOrKill;
        }
        engine.submit(o, Origin::script());
    }
    engine.cancelAll(Origin::script());
    // Let the last acknowledgements arrive before shutting down.
    const auto settle = clock::now() + std::chrono::seconds(3);
    while (clock::now() < settle) {
        bool pending = false;
        const SnapshotPtr held = engine.latest(); // the range must not outlive the snapshot
        for (const auto& r : held->orders)
            if (!isTerminal(r.status))
                pending = true;
        if (!pending)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    SnapshotPtr last = engine.latest();
    runtime.stop();

    const EngineCounters& c = last->counters;
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    out << "Helmsman headless session (" << (runtime.embedded() ? "embedded venue" : "external venue") << ", seed "
        << options.seed << ", " << std::fixed << std::setprecision(1) << elapsed << " s)\n";
    out << "  orders sent          " << c.ordersSent << "\n";
    out << "  orders denied        " << c.ordersDenied << "\n";
    out << "  execution reports    " << c.executionReports << " (duplicates ignored " << c.duplicateReports << ")\n";
    out << "  fills                " << c.fills << "\n";
    out << "  rejects              " << c.rejects << "\n";
    out << "  cancel rejects       " << c.cancelRejects << "\n";
    out << "  market data updates  " << c.marketDataUpdates << "\n";
    out << std::setprecision(1) << "  FIX round trip       p50 " << last->roundTrip.p50us << " us, p99 "
        << last->roundTrip.p99us << " us (NewOrderSingle -> first ExecutionReport, " << last->roundTrip.samples
        << " orders)\n";
    for (const auto& p : last->positions)
        out << "  position             " << p.position.symbol << " " << p.position.qty << " (bought "
            << p.position.boughtQty << ", sold " << p.position.soldQty << ")\n";
    for (const auto& a : last->agents)
        out << "  agent " << std::left << std::setw(15) << a.id << std::right << toString(a.state) << " ("
            << a.stateReason << "), sent " << a.ordersSent << ", denied " << a.denied << ", position " << a.position << "\n";
    out << "  trading              "
        << (last->risk.killed ? "killed (re-arm needs the risk manager)"
                              : last->risk.halted ? "halted: " + last->risk.haltReason : std::string("open"))
        << ", gate denials " << last->risk.denials << "\n";
    const std::string path = runtime.journalPath();
    if (!path.empty()) {
        try {
            JournalReader reader(path);
            out << "  journal              " << path << "\n";
            out << "  journal rows         " << reader.count() << " (";
            bool first = true;
            for (int k = 1; k <= kLastRecordKind; ++k) {
                const auto kind = static_cast<RecordKind>(k);
                const std::int64_t n = reader.count(kind);
                if (n == 0)
                    continue;
                out << (first ? "" : ", ") << toString(kind) << " " << n;
                first = false;
            }
            out << ")\n";
            const AuditCheck audit = reader.verifyAudit();
            out << "  audit chain          " << (audit.ok ? "intact, " : "BROKEN: ") << audit.message << "\n";
            out << "  journal integrity    " << checkIntegrity(reader).summary() << "\n";
        } catch (const std::exception& e) {
            err << "helmsman: cannot read back the journal: " << e.what() << "\n";
            return 5;
        }
    }
    if (c.ordersSent == 0) {
        err << "helmsman: no order was sent\n";
        return 6;
    }
    return 0;
}

} // namespace hm
