#include "sim/market_simulator.h"

#include "sim/sim_rng.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace hm {

namespace {

constexpr std::uint64_t kBackground = 1ull << 63;
constexpr std::uint64_t kMaker = 1ull << 62;
constexpr double kNever = std::numeric_limits<double>::infinity();

} // namespace

struct MarketSimulator::Impl {
    SimConfig cfg;
    Rng rng;
    OrderBook book;
    double t = 0;
    int regime = 0;
    double fundamental = 0, consensus = 0, pressure = 0; // ticks
    double mmInventoryLots = 0;
    struct Quote {
        OrderBook::Handle handle = OrderBook::kNoHandle;
        Price price = 0;
    };
    std::vector<Quote> mmBids, mmAsks;
    Price mmBid0 = 0, mmAsk0 = 0;
    std::vector<OrderBook::Handle> noise;
    std::uint64_t nextRef = 1;
    double nextSwitch = kNever;
    std::size_t scheduleIndex = 0;
    double crashUntil = -1;
    std::vector<double> mids; // one sample per virtual second, ring
    std::size_t midCount = 0;
    double nextSample = 0;
    double lastSampleMid = 0;
    double moveEstimate = 0; // EWMA of |mid change| per second, ticks
    std::vector<SimFill> own;
    SimCounters counters;
    std::function<void(const SimEvent&)> sink;
    std::function<void(const std::vector<BookEvent>&)> bookListener;

    Impl(const SimConfig& c, std::uint64_t seed, int startRegime, double startTime) : cfg(c), rng(seed), t(startTime)
    {
        regime = startRegime >= 0 && startRegime < static_cast<int>(cfg.regimes.size()) ? startRegime
                                                                                        : std::max(0, cfg.regimeIndex(cfg.initialRegime));
        fundamental = consensus = cfg.initialPrice / cfg.instrument.tickSize;
        double window = 1;
        for (const auto& r : cfg.regimes)
            window = std::max(window, r.momentumWindowS);
        mids.assign(static_cast<std::size_t>(window) + 2, consensus);
        lastSampleMid = consensus;
        nextSample = std::floor(t) + 1.0;
        if (!cfg.schedule.empty() && !cfg.externallyDriven) {
            // The schedule's regime at the start time, set before the book opens.
            scheduleIndex = 0;
            while (scheduleIndex < cfg.schedule.size() && cfg.schedule[scheduleIndex].atS <= t)
                regime = cfg.regimeIndex(cfg.schedule[scheduleIndex++].regime);
            nextSwitch = scheduleIndex < cfg.schedule.size() ? cfg.schedule[scheduleIndex].atS : kNever;
        } else {
            drawNextSwitch();
        }
    }

    // The opening book (the makers quote, a few noise orders rest on each side), built on
    // first use so that a listener or sink attached after construction sees every order.
    bool opened = false;
    void ensureOpen()
    {
        if (opened)
            return;
        opened = true;
        requote();
        for (int i = 0; i < 60; ++i)
            noiseLimit();
    }

    const RegimeParams& rp() const { return cfg.regimes[static_cast<std::size_t>(regime)]; }
    bool crashing() const { return t < crashUntil; }

    double activity() const
    {
        if (cfg.intradayProfile.empty())
            return 1.0;
        const double dayT = std::fmod(t, cfg.daySeconds);
        std::size_t bucket = static_cast<std::size_t>(dayT / cfg.daySeconds * static_cast<double>(cfg.intradayProfile.size()));
        return cfg.intradayProfile[std::min(bucket, cfg.intradayProfile.size() - 1)];
    }
    double nextBucketBoundary() const
    {
        if (cfg.intradayProfile.empty())
            return kNever;
        const double width = cfg.daySeconds / static_cast<double>(cfg.intradayProfile.size());
        return (std::floor(t / width) + 1) * width;
    }

    double mid() const
    {
        if (book.hasBid() && book.hasAsk())
            return 0.5 * static_cast<double>(book.bestBid() + book.bestAsk());
        if (book.hasBid())
            return static_cast<double>(book.bestBid()) + 1;
        if (book.hasAsk())
            return static_cast<double>(book.bestAsk()) - 1;
        return consensus + pressure;
    }

    void emit(SimEventKind kind, SimActor actor, Side side, Price price, Quantity qty, std::uint64_t ref)
    {
        if (sink)
            sink(SimEvent{t, kind, actor, side, price, qty, ref, regime});
    }

    // --- regimes -------------------------------------------------------------------
    void drawNextSwitch()
    {
        const double rate = cfg.externallyDriven ? 0.0 : rp().exitRatePerHour / 3600.0;
        nextSwitch = rate > 0 && cfg.regimes.size() > 1 ? t + rng.exponential(rate) : kNever;
    }
    void switchTo(int next)
    {
        if (next == regime)
            return;
        ensureOpen();
        regime = next;
        ++counters.regimeSwitches;
        if (!crashing())
            crashUntil = -1;
        emit(SimEventKind::RegimeSwitch, SimActor::Noise, Side::Buy, 0, 0, 0);
        requote();
    }
    void chainSwitch()
    {
        switchTo(cfg.nextRegime(regime, rng.uniform()));
        drawNextSwitch();
    }
    void applySchedule()
    {
        while (scheduleIndex < cfg.schedule.size() && cfg.schedule[scheduleIndex].atS <= t) {
            switchTo(cfg.regimeIndex(cfg.schedule[scheduleIndex].regime));
            ++scheduleIndex;
        }
        nextSwitch = scheduleIndex < cfg.schedule.size() ? cfg.schedule[scheduleIndex].atS : kNever;
    }

    // --- time ----------------------------------------------------------------------
    void evolve(double dt)
    {
        if (dt <= 0)
            return;
        if (!cfg.externallyDriven) {
            const double volTicks = rp().fundamentalVolBps * 1e-4 * fundamental;
            fundamental += volTicks * std::sqrt(dt) * rng.normal();
        }
        pressure *= std::exp(-dt / cfg.pressureDecayS);
        t += dt;
    }
    void sampleMid()
    {
        const double m = mid();
        moveEstimate = 0.9 * moveEstimate + 0.1 * std::fabs(m - lastSampleMid);
        lastSampleMid = m;
        mids[midCount % mids.size()] = m;
        ++midCount;
        nextSample += 1.0;
    }
    double midSecondsAgo(double seconds) const
    {
        const std::size_t back = static_cast<std::size_t>(seconds);
        if (midCount <= back)
            return mids[0];
        return mids[(midCount - 1 - back) % mids.size()];
    }

    // --- the book ------------------------------------------------------------------
    // Runs one command's events: trades, our maker fills, makers' inventory.
    void afterCommand(SimActor taker, std::uint64_t takerRef)
    {
        ++counters.bookEvents;
        if (bookListener && taker != SimActor::Own && !book.events().empty())
            bookListener(book.events());
        for (const BookEvent& e : book.events()) {
            if (e.kind != BookEventKind::Fill)
                continue;
            ++counters.trades;
            counters.volume += e.qty;
            const bool takerBuys = sideOfTaker;
            if (!(e.counterRef & kBackground))
                own.push_back(SimFill{e.counterRef, takerBuys ? Side::Sell : Side::Buy, e.price, e.qty, t, true});
            else if (e.counterRef & kMaker)
                mmInventoryLots += (takerBuys ? -1.0 : 1.0) * static_cast<double>(e.qty) / static_cast<double>(cfg.lot);
            emit(SimEventKind::Trade, taker, takerBuys ? Side::Buy : Side::Sell, e.price, e.qty, takerRef);
        }
    }
    bool sideOfTaker = true;

    // Taker flow moves the makers' beliefs: consensus (lasting) and pressure (fading).
    void flow(Side side, Quantity filled)
    {
        if (filled <= 0)
            return;
        const double lots = static_cast<double>(filled) / static_cast<double>(cfg.lot) * (side == Side::Buy ? 1.0 : -1.0);
        consensus += cfg.beliefTicksPerLot * lots;
        pressure += cfg.pressureTicksPerLot * lots;
    }

    Quantity sizeLots(double alpha, double cap)
    {
        return static_cast<Quantity>(std::min(cap, std::floor(rng.pareto(alpha)))) * cfg.lot;
    }

    void marketOrder(SimActor actor, Side side, Quantity qty)
    {
        BookOrder o;
        o.ref = kBackground | nextRef++;
        o.side = side;
        o.type = OrderType::Market;
        o.tif = TimeInForce::ImmediateOrCancel;
        o.qty = qty;
        sideOfTaker = side == Side::Buy;
        const OrderBook::Result r = book.add(o);
        emit(SimEventKind::Market, actor, side, 0, qty, o.ref);
        afterCommand(actor, o.ref);
        flow(side, r.filled);
    }

    void noiseLimit()
    {
        const Side side = rng.coin() ? Side::Buy : Side::Sell;
        const double m = mid();
        const Price touch = side == Side::Buy ? (book.hasBid() ? book.bestBid() : static_cast<Price>(std::floor(m - 1)))
                                              : (book.hasAsk() ? book.bestAsk() : static_cast<Price>(std::ceil(m + 1)));
        Price price;
        const Price spread = book.hasBid() && book.hasAsk() ? book.bestAsk() - book.bestBid() : 2;
        if (spread > 1 && rng.uniform() < 0.15) {
            price = side == Side::Buy ? touch + 1 : touch - 1; // improves the quote
        } else {
            const Price d = static_cast<Price>(std::min(500.0, std::floor(rng.pareto(rp().placementAlpha) - 1.0)));
            price = side == Side::Buy ? touch - d : touch + d;
        }
        if (side == Side::Buy && book.hasAsk())
            price = std::min(price, book.bestAsk() - 1);
        if (side == Side::Sell && book.hasBid())
            price = std::max(price, book.bestBid() + 1);
        if (price <= 0)
            return;
        BookOrder o;
        o.ref = kBackground | nextRef++;
        o.side = side;
        o.price = price;
        o.qty = sizeLots(rp().sizeAlpha, 20);
        sideOfTaker = side == Side::Buy;
        const OrderBook::Result r = book.add(o);
        emit(SimEventKind::Limit, SimActor::Noise, side, price, o.qty, o.ref);
        afterCommand(SimActor::Noise, o.ref);
        if (r.handle != OrderBook::kNoHandle)
            noise.push_back(r.handle);
        if (noise.size() > 20000) // keep the far tails bounded
            noiseCancel();
    }

    void noiseCancel()
    {
        if (noise.empty())
            return;
        const std::size_t k = static_cast<std::size_t>(rng.uniform() * static_cast<double>(noise.size()));
        const OrderBook::Handle h = noise[k];
        noise[k] = noise.back();
        noise.pop_back();
        const Quantity leaves = book.leaves(h);
        if (book.cancel(h)) {
            emit(SimEventKind::Cancel, SimActor::Noise, Side::Buy, 0, leaves, 0);
            afterCommand(SimActor::Noise, 0);
        }
    }

    void informed()
    {
        const double dev = fundamental - mid();
        const double thr = rp().informedThresholdTicks;
        if (std::fabs(dev) <= thr)
            return;
        const double lots = std::min(10.0, std::ceil(std::fabs(dev) / std::max(1.0, thr)));
        marketOrder(SimActor::Informed, dev > 0 ? Side::Buy : Side::Sell, static_cast<Quantity>(lots) * cfg.lot);
    }

    void momentum()
    {
        const double ret = mid() - midSecondsAgo(rp().momentumWindowS);
        if (std::fabs(ret) <= rp().momentumThresholdTicks)
            return;
        marketOrder(SimActor::Momentum, ret > 0 ? Side::Buy : Side::Sell, sizeLots(2.5, 5));
    }

    // Makers quote a ladder around their belief, wider when the mid has been moving
    // and skewed against their inventory; in a crash they pull to one thin level.
    void requote()
    {
        const RegimeParams& r = rp();
        const bool crash = crashing();
        const double center = consensus + pressure - r.mmInventorySkew * mmInventoryLots;
        const double half = (r.mmHalfSpreadTicks + r.mmVolWiden * moveEstimate) * (crash ? 3.0 : 1.0);
        const int levels = crash ? std::min(1, r.mmLevels) : r.mmLevels;
        const Quantity size = static_cast<Quantity>(std::max(1.0, std::round(r.mmDepthLots * (crash ? 0.2 : 1.0)))) * cfg.lot;
        Price bid0 = static_cast<Price>(std::floor(center - half));
        Price ask0 = static_cast<Price>(std::ceil(center + half));
        if (ask0 <= bid0)
            ask0 = bid0 + 1;
        auto allLive = [&](const std::vector<Quote>& q) {
            for (const Quote& x : q)
                if (book.leaves(x.handle) <= 0)
                    return false;
            return true;
        };
        if (bid0 == mmBid0 && ask0 == mmAsk0 && static_cast<int>(mmBids.size()) == levels && allLive(mmBids) && allLive(mmAsks))
            return;
        for (auto* side : {&mmBids, &mmAsks}) {
            for (const Quote& q : *side)
                if (book.cancel(q.handle))
                    afterCommand(SimActor::MarketMaker, 0);
            side->clear();
        }
        mmBid0 = bid0;
        mmAsk0 = ask0;
        // Resting orders on the wrong side of the makers' new quotes are stale: the
        // makers pick them off (this is how a change of belief reaches the price). Their
        // own trades carry no news, so beliefs do not move with them.
        pickOff(Side::Sell, ask0);
        pickOff(Side::Buy, bid0);
        if (book.hasAsk())
            bid0 = std::min(bid0, book.bestAsk() - 1);
        if (book.hasBid())
            ask0 = std::max(ask0, book.bestBid() + 1);
        for (int i = 0; i < levels; ++i) {
            for (Side side : {Side::Buy, Side::Sell}) {
                BookOrder o;
                o.ref = kBackground | kMaker | nextRef++;
                o.side = side;
                o.price = side == Side::Buy ? bid0 - i : ask0 + i;
                o.qty = size;
                if (o.price <= 0)
                    continue;
                sideOfTaker = side == Side::Buy;
                const OrderBook::Result res = book.add(o);
                emit(SimEventKind::Limit, SimActor::MarketMaker, side, o.price, o.qty, o.ref);
                afterCommand(SimActor::MarketMaker, o.ref);
                (side == Side::Buy ? mmBids : mmAsks).push_back(Quote{res.handle, o.price});
            }
        }
    }

    void pickOff(Side side, Price limit)
    {
        const bool stale = side == Side::Sell ? book.hasBid() && book.bestBid() >= limit
                                              : book.hasAsk() && book.bestAsk() <= limit;
        if (!stale)
            return;
        BookOrder o;
        o.ref = kBackground | kMaker | nextRef++;
        o.side = side;
        o.tif = TimeInForce::ImmediateOrCancel;
        o.price = limit;
        o.qty = static_cast<Quantity>(std::max(1.0, rp().mmDepthLots)) * cfg.lot * 4;
        sideOfTaker = side == Side::Buy;
        const OrderBook::Result r = book.add(o);
        emit(SimEventKind::Limit, SimActor::MarketMaker, side, limit, o.qty, o.ref);
        afterCommand(SimActor::MarketMaker, o.ref);
        mmInventoryLots += (side == Side::Buy ? 1.0 : -1.0) * static_cast<double>(r.filled) / static_cast<double>(cfg.lot);
    }

    // --- the loop ------------------------------------------------------------------
    void runUntil(double target)
    {
        ensureOpen();
        while (t < target) {
            const RegimeParams& r = rp();
            const double act = activity();
            const bool crash = crashing();
            const double rates[] = {
                act * r.limitRate,
                act * r.marketRate,
                r.cancelRate * static_cast<double>(noise.size()),
                r.informedRate,
                act * r.momentumRate,
                r.mmRequoteRate,
                crash ? 0.0 : r.crashRatePerHour / 3600.0,
                crash ? r.crashSellRate : 0.0,
            };
            double total = 0;
            for (double x : rates)
                total += x;
            const double next = total > 0 ? t + rng.exponential(total) : kNever;
            double boundary = std::min({target, nextSwitch, nextSample, nextBucketBoundary()});
            if (crash)
                boundary = std::min(boundary, crashUntil);
            if (next >= boundary) {
                evolve(boundary - t);
                t = boundary; // exactly, whatever the rounding
                if (t >= nextSample)
                    sampleMid();
                if (t >= nextSwitch) {
                    if (cfg.schedule.empty())
                        chainSwitch();
                    else
                        applySchedule();
                }
                if (crash && t >= crashUntil)
                    requote(); // makers come back
                continue; // the exponential clock is memoryless: draw again
            }
            evolve(next - t);
            ++counters.decisions;
            double u = rng.uniform() * total;
            int which = 0;
            while (which < 7 && u >= rates[which]) {
                u -= rates[which];
                ++which;
            }
            switch (which) {
            case 0: noiseLimit(); break;
            case 1: marketOrder(SimActor::Noise, rng.coin() ? Side::Buy : Side::Sell, sizeLots(r.sizeAlpha, 20)); break;
            case 2: noiseCancel(); break;
            case 3: informed(); break;
            case 4: momentum(); break;
            case 5: requote(); break;
            case 6:
                crashUntil = t + r.crashDurationS;
                ++counters.crashes;
                requote();
                break;
            default: marketOrder(SimActor::Crash, Side::Sell, sizeLots(3.0, 3)); break;
            }
        }
    }
};

MarketSimulator::MarketSimulator(const SimConfig& config, std::uint64_t seed, int startRegime, double startTime)
    : m_impl(new Impl(config, seed, startRegime, startTime))
{
}

MarketSimulator::~MarketSimulator() = default;

void MarketSimulator::runUntil(double t) { m_impl->runUntil(t); }
double MarketSimulator::now() const { return m_impl->t; }
const OrderBook& MarketSimulator::book() const
{
    m_impl->ensureOpen();
    return m_impl->book;
}
const SimConfig& MarketSimulator::config() const { return m_impl->cfg; }
int MarketSimulator::regime() const { return m_impl->regime; }
const std::string& MarketSimulator::regimeName() const { return m_impl->rp().name; }
bool MarketSimulator::inCrash() const { return m_impl->crashing(); }
double MarketSimulator::fundamentalTicks() const { return m_impl->fundamental; }
double MarketSimulator::consensusTicks() const { return m_impl->consensus; }
const SimCounters& MarketSimulator::counters() const { return m_impl->counters; }

Price MarketSimulator::twiceMid() const
{
    const OrderBook& b = book();
    return b.hasBid() && b.hasAsk() ? b.bestBid() + b.bestAsk() : 0;
}

void MarketSimulator::forceRegime(int index)
{
    if (index < 0 || index >= static_cast<int>(m_impl->cfg.regimes.size()))
        return;
    m_impl->switchTo(index);
    if (m_impl->cfg.schedule.empty())
        m_impl->drawNextSwitch();
}

void MarketSimulator::setFundamentalTicks(double ticks)
{
    if (std::isfinite(ticks) && ticks > 0)
        m_impl->fundamental = ticks;
}

void MarketSimulator::shiftBelief(double ticks)
{
    if (std::isfinite(ticks))
        m_impl->consensus += ticks;
}

OrderBook::Result MarketSimulator::submit(std::uint64_t ref, Side side, OrderType type, TimeInForce tif, Price price,
                                          Quantity qty)
{
    Impl& d = *m_impl;
    d.ensureOpen();
    BookOrder o;
    o.ref = ref & ~(kBackground | kMaker);
    o.side = side;
    o.type = type;
    o.tif = type == OrderType::Market ? TimeInForce::ImmediateOrCancel : tif;
    o.price = price;
    o.qty = qty;
    d.sideOfTaker = side == Side::Buy;
    const OrderBook::Result r = d.book.add(o);
    d.emit(type == OrderType::Market ? SimEventKind::Market : SimEventKind::Limit, SimActor::Own, side, price, qty, o.ref);
    // Our taker fills, from the same events.
    for (const BookEvent& e : d.book.events())
        if (e.kind == BookEventKind::Fill && e.ref == o.ref)
            d.own.push_back(SimFill{o.ref, side, e.price, e.qty, d.t, false});
    d.afterCommand(SimActor::Own, o.ref);
    d.flow(side, r.filled);
    return r;
}

bool MarketSimulator::cancel(OrderBook::Handle handle)
{
    Impl& d = *m_impl;
    d.ensureOpen();
    const Quantity leaves = d.book.leaves(handle);
    const std::uint64_t ref = d.book.refOf(handle);
    if (!d.book.cancel(handle))
        return false;
    d.emit(SimEventKind::Cancel, SimActor::Own, Side::Buy, 0, leaves, ref);
    d.afterCommand(SimActor::Own, 0);
    return true;
}

OrderBook::Result MarketSimulator::replace(OrderBook::Handle handle, Side side, Price price, Quantity leaves)
{
    Impl& d = *m_impl;
    d.ensureOpen();
    const std::uint64_t ref = d.book.refOf(handle);
    d.sideOfTaker = side == Side::Buy;
    const OrderBook::Result r = d.book.replace(handle, price, leaves);
    for (const BookEvent& e : d.book.events()) // a replace that crosses takes liquidity
        if (e.kind == BookEventKind::Fill && e.ref == ref)
            d.own.push_back(SimFill{ref, side, e.price, e.qty, d.t, false});
    d.afterCommand(SimActor::Own, ref);
    d.flow(side, r.filled);
    return r;
}

std::vector<SimFill> MarketSimulator::takeOwnFills()
{
    std::vector<SimFill> out;
    out.swap(m_impl->own);
    return out;
}

void MarketSimulator::setEventSink(std::function<void(const SimEvent&)> sink) { m_impl->sink = std::move(sink); }
void MarketSimulator::setBookListener(std::function<void(const std::vector<BookEvent>&)> listener)
{
    m_impl->bookListener = std::move(listener);
}

} // namespace hm
