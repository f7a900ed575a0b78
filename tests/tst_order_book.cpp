#include "book/order_book.h"

#include <QtTest>

using namespace hm;

namespace {
BookOrder limit(std::uint64_t ref, Side s, Price px, Quantity q, TimeInForce tif = TimeInForce::Day)
{
    BookOrder o;
    o.ref = ref;
    o.side = s;
    o.price = px;
    o.qty = q;
    o.tif = tif;
    return o;
}
BookOrder market(std::uint64_t ref, Side s, Quantity q)
{
    BookOrder o;
    o.ref = ref;
    o.side = s;
    o.type = OrderType::Market;
    o.qty = q;
    return o;
}
std::vector<BookEvent> fills(const OrderBook& b)
{
    std::vector<BookEvent> out;
    for (const auto& e : b.events())
        if (e.kind == BookEventKind::Fill)
            out.push_back(e);
    return out;
}
} // namespace

class TestOrderBook : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void restsWhenNotCrossing()
    {
        OrderBook b;
        auto r = b.add(limit(1, Side::Buy, 100, 10));
        QVERIFY(r.handle != OrderBook::kNoHandle);
        QCOMPARE(b.bestBid(), Price(100));
        QVERIFY(!b.hasAsk());
        QCOMPARE(b.events().back().kind, BookEventKind::Rested);
    }

    void priceThenTimePriority()
    {
        OrderBook b;
        b.add(limit(1, Side::Sell, 101, 5));
        b.add(limit(2, Side::Sell, 100, 5)); // better price, later
        b.add(limit(3, Side::Sell, 100, 5)); // same price, later still
        b.add(limit(4, Side::Buy, 101, 12));
        auto f = fills(b);
        QCOMPARE(int(f.size()), 3);
        QCOMPARE(f[0].counterRef, std::uint64_t(2));
        QCOMPARE(f[0].price, Price(100));
        QCOMPARE(f[1].counterRef, std::uint64_t(3));
        QCOMPARE(f[2].counterRef, std::uint64_t(1));
        QCOMPARE(f[2].qty, Quantity(2));
        QCOMPARE(f[2].price, Price(101)); // maker's price
        QCOMPARE(f[2].counterLeaves, Quantity(3));
    }

    void partialFillRestsRemainder()
    {
        OrderBook b;
        b.add(limit(1, Side::Sell, 100, 4));
        auto r = b.add(limit(2, Side::Buy, 100, 10));
        QCOMPARE(r.filled, Quantity(4));
        QCOMPARE(r.leaves, Quantity(6));
        QCOMPARE(b.bestBid(), Price(100));
        QCOMPARE(b.leaves(r.handle), Quantity(6));
        QVERIFY(!b.hasAsk());
    }

    void fillAtBetterPriceThanLimit()
    {
        OrderBook b;
        b.add(limit(1, Side::Sell, 98, 5));
        b.add(limit(2, Side::Buy, 100, 5));
        QCOMPARE(fills(b).at(0).price, Price(98));
    }

    void cancelRemovesAndStaleHandleFails()
    {
        OrderBook b;
        auto r = b.add(limit(1, Side::Buy, 100, 10));
        QVERIFY(b.cancel(r.handle));
        QCOMPARE(b.events().back().kind, BookEventKind::Cancelled);
        QCOMPARE(b.events().back().qty, Quantity(10));
        QVERIFY(!b.hasBid());
        QVERIFY(!b.cancel(r.handle));
        QCOMPARE(b.events().back().reason, BookRejectReason::UnknownOrder);
        // The slot is reused; the old handle must not reach the new order.
        auto r2 = b.add(limit(2, Side::Buy, 99, 5));
        QVERIFY(!b.cancel(r.handle));
        QCOMPARE(b.leaves(r2.handle), Quantity(5));
    }

    void replaceDownKeepsPriority()
    {
        OrderBook b;
        auto a = b.add(limit(1, Side::Buy, 100, 10));
        b.add(limit(2, Side::Buy, 100, 10));
        auto r = b.replace(a.handle, 100, 6);
        QVERIFY(r.ok);
        QVERIFY(b.events().front().keptPriority);
        b.add(limit(3, Side::Sell, 100, 6));
        QCOMPARE(fills(b).at(0).counterRef, std::uint64_t(1));
    }

    void replaceUpOrNewPriceLosesPriority()
    {
        OrderBook b;
        auto a = b.add(limit(1, Side::Buy, 100, 10));
        b.add(limit(2, Side::Buy, 100, 10));
        auto r = b.replace(a.handle, 100, 12);
        QVERIFY(r.ok);
        QVERIFY(!b.events().front().keptPriority);
        b.add(limit(3, Side::Sell, 100, 5));
        QCOMPARE(fills(b).at(0).counterRef, std::uint64_t(2));

        OrderBook c;
        auto x = c.add(limit(1, Side::Buy, 100, 10));
        c.add(limit(2, Side::Buy, 99, 10));
        auto moved = c.replace(x.handle, 99, 10);
        QVERIFY(!c.events().front().keptPriority);
        c.add(limit(3, Side::Sell, 99, 10));
        QCOMPARE(fills(c).at(0).counterRef, std::uint64_t(2));
        QVERIFY(c.leaves(moved.handle) == 10);
    }

    void replaceThatCrossesMatches()
    {
        OrderBook b;
        b.add(limit(1, Side::Sell, 101, 5));
        auto a = b.add(limit(2, Side::Buy, 100, 8));
        auto r = b.replace(a.handle, 101, 8);
        QCOMPARE(r.filled, Quantity(5));
        QCOMPARE(r.leaves, Quantity(3));
        QCOMPARE(b.bestBid(), Price(101));
    }

    void iocNeverRests()
    {
        OrderBook b;
        b.add(limit(1, Side::Sell, 100, 3));
        auto r = b.add(limit(2, Side::Buy, 100, 10, TimeInForce::ImmediateOrCancel));
        QCOMPARE(r.filled, Quantity(3));
        QCOMPARE(r.handle, OrderBook::kNoHandle);
        QCOMPARE(b.events().back().kind, BookEventKind::Killed);
        QCOMPARE(b.events().back().qty, Quantity(7));
        QVERIFY(!b.hasBid());
    }

    void fokAllOrNothing()
    {
        OrderBook b;
        b.add(limit(1, Side::Sell, 100, 3));
        b.add(limit(2, Side::Sell, 101, 3));
        auto r = b.add(limit(3, Side::Buy, 101, 7, TimeInForce::FillOrKill));
        QCOMPARE(r.filled, Quantity(0));
        QCOMPARE(b.events().size(), std::size_t(1));
        QCOMPARE(b.events().back().kind, BookEventKind::Killed);
        QCOMPARE(b.orderCount(), std::size_t(2)); // book untouched
        r = b.add(limit(4, Side::Buy, 101, 6, TimeInForce::FillOrKill));
        QCOMPARE(r.filled, Quantity(6));
        QVERIFY(!b.hasAsk());
    }

    void marketOrderSweepsAndKillsRest()
    {
        OrderBook b;
        b.add(limit(1, Side::Buy, 100, 3));
        b.add(limit(2, Side::Buy, 95, 3));
        auto r = b.add(market(3, Side::Sell, 10));
        QCOMPARE(r.filled, Quantity(6));
        QCOMPARE(b.events().back().kind, BookEventKind::Killed);
        QCOMPARE(b.events().back().qty, Quantity(4));
    }

    void marketOrderOnEmptySide()
    {
        OrderBook b;
        b.add(limit(1, Side::Buy, 100, 3));
        auto r = b.add(market(2, Side::Buy, 5));
        QCOMPARE(r.filled, Quantity(0));
        QCOMPARE(b.events().size(), std::size_t(1));
        QCOMPARE(b.events().front().kind, BookEventKind::Killed);
        QCOMPARE(b.bestBid(), Price(100));
    }

    void rejectsBadInput()
    {
        OrderBook b;
        QVERIFY(!b.add(limit(1, Side::Buy, 100, 0)).ok);
        QCOMPARE(b.events().front().reason, BookRejectReason::BadQuantity);
        QVERIFY(!b.add(limit(2, Side::Buy, 0, 5)).ok);
        QCOMPARE(b.events().front().reason, BookRejectReason::BadPrice);
        QVERIFY(!b.replace(12345, 100, 5).ok);
    }

    void aggregatedDepth()
    {
        OrderBook b;
        b.add(limit(1, Side::Buy, 100, 3));
        b.add(limit(2, Side::Buy, 100, 4));
        b.add(limit(3, Side::Buy, 99, 5));
        b.add(limit(4, Side::Sell, 102, 6));
        b.add(limit(5, Side::Sell, 103, 1));
        Depth d;
        b.depth(5, d);
        QCOMPARE(int(d.bids.size()), 2);
        QCOMPARE(d.bids[0].price, Price(100));
        QCOMPARE(d.bids[0].qty, Quantity(7));
        QCOMPARE(d.bids[0].orders, 2u);
        QCOMPARE(d.asks[0].price, Price(102));
        QCOMPARE(d.asks[1].price, Price(103));
        b.depth(1, d);
        QCOMPARE(int(d.bids.size()), 1);
    }

    void conservationUnderRandomFlow()
    {
        // Every unit that enters the book is either resting, filled (twice: both sides),
        // killed or cancelled.
        OrderBook b;
        std::mt19937 rng(7);
        Quantity in = 0, filled = 0, gone = 0;
        std::vector<OrderBook::Handle> handles;
        for (int i = 0; i < 20000; ++i) {
            if (i % 5 == 4 && !handles.empty()) {
                auto h = handles[rng() % handles.size()];
                if (b.cancel(h))
                    gone += b.events().back().qty;
                continue;
            }
            const Side s = i % 2 ? Side::Sell : Side::Buy;
            const Quantity q = 1 + rng() % 10;
            in += q;
            auto r = b.add(limit(std::uint64_t(i + 1), s, 95 + Price(rng() % 10), q,
                                 rng() % 4 == 0 ? TimeInForce::ImmediateOrCancel : TimeInForce::Day));
            for (const auto& e : b.events()) {
                if (e.kind == BookEventKind::Fill)
                    filled += 2 * e.qty;
                if (e.kind == BookEventKind::Killed)
                    gone += e.qty;
            }
            if (r.handle)
                handles.push_back(r.handle);
            QVERIFY(!b.hasBid() || !b.hasAsk() || b.bestBid() < b.bestAsk());
        }
        Depth d;
        b.depth(1000, d);
        Quantity resting = 0;
        for (const auto& l : d.bids)
            resting += l.qty;
        for (const auto& l : d.asks)
            resting += l.qty;
        QCOMPARE(resting + filled + gone, in);
    }
};

QTEST_GUILESS_MAIN(TestOrderBook)
#include "tst_order_book.moc"
