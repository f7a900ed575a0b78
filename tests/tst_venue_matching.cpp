// The venue's order store on its own: no sockets, no QuickFIX. Orders go in as the
// calls the FIX application makes; what comes out is the store's outbox, read in order.
#include "fix/instrument_list.h"
#include "venue/order_store.h"

#include <QtTest>

#include <cmath>

using namespace hm;

namespace {

ClientNewOrder limit(const std::string& id, Side side, const std::string& qty, const std::string& price,
                     const std::string& symbol = "HMX", SessionKey session = 0)
{
    ClientNewOrder q;
    q.session = session;
    q.clOrdId = id;
    q.symbol = symbol;
    q.side = side;
    q.qty = qty;
    q.hasPrice = true;
    q.price = price;
    return q;
}

ClientCancel cancelOf(const std::string& id, const std::string& orig, Side side, const std::string& symbol = "HMX")
{
    ClientCancel q;
    q.clOrdId = id;
    q.origClOrdId = orig;
    q.side = side;
    q.symbol = symbol;
    return q;
}

ClientReplace replaceOf(const std::string& id, const std::string& orig, const std::string& qty,
                        const std::string& price = "")
{
    ClientReplace q;
    q.clOrdId = id;
    q.origClOrdId = orig;
    q.qty = qty;
    q.hasPrice = !price.empty();
    q.price = price;
    return q;
}

// A store with two empty quiet books: HMX (tick 0.01) and LOT (tick 0.05, lot 100).
struct Venue {
    OrderStore store{OrderStoreLimits{}};
    Venue()
    {
        store.setIdPrefix("T-");
        store.addMarket(defaultInstrument(), 1885);
        store.addMarket(parseInstrumentList("LOT:0.05:100").front(), 400);
    }
    std::vector<VenueMessage> take()
    {
        std::vector<VenueMessage> out;
        store.takeMessages(out);
        return out;
    }
    // The one message the last call queued.
    VenueMessage one()
    {
        const std::vector<VenueMessage> out = take();
        if (out.size() != 1)
            qWarning("expected one message, got %zu", out.size());
        return out.empty() ? VenueMessage() : out.front();
    }
};

} // namespace

class TestVenueMatching : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aNewOrderRestsAndIsAcknowledged()
    {
        Venue v;
        QVERIFY(v.store.newOrder(limit("B1", Side::Buy, "100", "18.80")));
        const VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::Execution);
        QCOMPARE(m.session, SessionKey(0));
        QCOMPARE(m.execution.execType, ExecType::New);
        QCOMPARE(m.execution.ordStatus, OrderStatus::New);
        QCOMPARE(m.execution.clOrdId, std::string("B1"));
        QCOMPARE(m.execution.orderId, std::string("T-O1"));
        QCOMPARE(m.execution.execId, std::string("T-E1"));
        QCOMPARE(m.execution.price, Price(1880));
        QCOMPARE(m.execution.leavesQty, Quantity(100));
        QCOMPARE(m.execution.cumQty, Quantity(0));
        QCOMPARE(v.store.bestBid("HMX"), Price(1880));
        QCOMPARE(v.store.bestAsk("HMX"), Price(0));
    }

    void crossingOrdersTradeAtTheRestingPrice()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.newOrder(limit("S1", Side::Sell, "60", "18.75", "HMX", 1));
        const std::vector<VenueMessage> out = v.take();
        QCOMPARE(out.size(), std::size_t(3)); // the seller's New, then the fill for each side
        QCOMPARE(out[0].execution.execType, ExecType::New);
        QCOMPARE(out[0].execution.clOrdId, std::string("S1"));
        QCOMPARE(out[1].session, SessionKey(1)); // the taker first
        QCOMPARE(out[1].execution.execType, ExecType::Trade);
        QCOMPARE(out[1].execution.ordStatus, OrderStatus::Filled);
        QCOMPARE(out[1].execution.lastQty, Quantity(60));
        QCOMPARE(out[1].execution.lastPx, Price(1880));
        QCOMPARE(out[1].execution.leavesQty, Quantity(0));
        QCOMPARE(out[2].session, SessionKey(0));
        QCOMPARE(out[2].execution.clOrdId, std::string("B1"));
        QCOMPARE(out[2].execution.ordStatus, OrderStatus::PartiallyFilled);
        QCOMPARE(out[2].execution.cumQty, Quantity(60));
        QCOMPARE(out[2].execution.leavesQty, Quantity(40));
        QCOMPARE(v.store.bestBid("HMX"), Price(1880));
        QCOMPARE(v.store.trades(), std::uint64_t(1));
    }

    void aTakerFillsAcrossLevelsAndRestsTheRest()
    {
        Venue v;
        v.store.newOrder(limit("S1", Side::Sell, "30", "18.86"));
        v.store.newOrder(limit("S2", Side::Sell, "50", "18.87"));
        v.take();
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.87"));
        std::vector<VenueMessage> mine;
        for (const auto& m : v.take())
            if (m.execution.clOrdId == "B1")
                mine.push_back(m);
        QCOMPARE(mine.size(), std::size_t(3)); // New, two partial fills
        QCOMPARE(mine[1].execution.lastQty, Quantity(30));
        QCOMPARE(mine[1].execution.lastPx, Price(1886));
        QCOMPARE(mine[2].execution.lastQty, Quantity(50));
        QCOMPARE(mine[2].execution.cumQty, Quantity(80));
        QCOMPARE(mine[2].execution.leavesQty, Quantity(20));
        QCOMPARE(mine[2].execution.ordStatus, OrderStatus::PartiallyFilled);
        QVERIFY(std::fabs(mine[2].execution.avgPx - (18.86 * 30 + 18.87 * 50) / 80) < 1e-9);
        QCOMPARE(v.store.bestBid("HMX"), Price(1887)); // the rest of B1
        QCOMPARE(v.store.bestAsk("HMX"), Price(0));
    }

    void aCancelEndsTheOrderOnce()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.cancel(cancelOf("C1", "B1", Side::Buy));
        const VenueMessage done = v.one();
        QCOMPARE(done.kind, VenueMessageKind::Execution);
        QCOMPARE(done.execution.execType, ExecType::Canceled);
        QCOMPARE(done.execution.ordStatus, OrderStatus::Canceled);
        QCOMPARE(done.execution.clOrdId, std::string("C1"));
        QCOMPARE(done.execution.origClOrdId, std::string("B1"));
        QCOMPARE(done.execution.leavesQty, Quantity(0));
        QCOMPARE(v.store.bestBid("HMX"), Price(0));
        v.store.cancel(cancelOf("C2", "C1", Side::Buy)); // the order answers to its latest ClOrdID
        const VenueMessage late = v.one();
        QCOMPARE(late.kind, VenueMessageKind::CancelRejected);
        QCOMPARE(late.cancelRejectReason, CancelRejectReason::TooLateToCancel);
        QCOMPARE(late.cancelReject.ordStatus, OrderStatus::Canceled);
        QCOMPARE(late.cancelReject.orderId, std::string("T-O1"));
    }

    void aReplaceChangesPriceAndQuantity()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.replace(replaceOf("R1", "B1", "150", "18.82"));
        const VenueMessage m = v.one();
        QCOMPARE(m.execution.execType, ExecType::Replaced);
        QCOMPARE(m.execution.clOrdId, std::string("R1"));
        QCOMPARE(m.execution.origClOrdId, std::string("B1"));
        QCOMPARE(m.execution.orderQty, Quantity(150));
        QCOMPARE(m.execution.leavesQty, Quantity(150));
        QCOMPARE(m.execution.price, Price(1882));
        QCOMPARE(m.execution.ordStatus, OrderStatus::New);
        QCOMPARE(v.store.bestBid("HMX"), Price(1882));
        // It answers to its new ClOrdID.
        v.store.replace(replaceOf("R2", "R1", "120"));
        QCOMPARE(v.one().execution.orderQty, Quantity(120));
    }

    // Growing the quantity loses time priority; shrinking it at the same price keeps it.
    void aReplaceThatGrowsLosesPriority()
    {
        Venue v;
        v.store.newOrder(limit("A", Side::Buy, "100", "18.80"));
        v.store.newOrder(limit("B", Side::Buy, "100", "18.80"));
        v.store.replace(replaceOf("A2", "A", "150"));
        v.take();
        v.store.newOrder(limit("S", Side::Sell, "100", "18.80", "HMX", 1));
        std::vector<std::string> filled;
        for (const auto& m : v.take())
            if (m.execution.execType == ExecType::Trade && m.session == 0)
                filled.push_back(m.execution.clOrdId);
        QCOMPARE(filled, std::vector<std::string>{"B"});
    }

    void aReplaceThatShrinksKeepsPriority()
    {
        Venue v;
        v.store.newOrder(limit("A", Side::Buy, "100", "18.80"));
        v.store.newOrder(limit("B", Side::Buy, "100", "18.80"));
        v.store.replace(replaceOf("A2", "A", "60"));
        v.take();
        v.store.newOrder(limit("S", Side::Sell, "60", "18.80", "HMX", 1));
        std::vector<std::string> filled;
        for (const auto& m : v.take())
            if (m.execution.execType == ExecType::Trade && m.session == 0)
                filled.push_back(m.execution.clOrdId);
        QCOMPARE(filled, std::vector<std::string>{"A2"});
    }

    void aReplaceMustStayAboveTheFilledQuantity()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.store.newOrder(limit("S1", Side::Sell, "60", "18.80", "HMX", 1));
        v.take();
        v.store.replace(replaceOf("R1", "B1", "60"));
        const VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::CancelRejected);
        QCOMPARE(m.cancelRejectReason, CancelRejectReason::Other);
        QCOMPARE(m.cancelReject.responseTo, CancelRejectResponseTo::Replace);
        QCOMPARE(m.cancelReject.ordStatus, OrderStatus::PartiallyFilled);
        QVERIFY2(m.cancelReject.text.find("not above the filled quantity 60") != std::string::npos,
                 m.cancelReject.text.c_str());
    }

    void unknownClOrdIdsAreRejected()
    {
        Venue v;
        v.store.cancel(cancelOf("C1", "NOPE", Side::Buy));
        VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::CancelRejected);
        QCOMPARE(m.cancelRejectReason, CancelRejectReason::UnknownOrder);
        QCOMPARE(m.cancelReject.orderId, std::string()); // no order to name
        QCOMPARE(m.cancelReject.ordStatus, OrderStatus::Rejected);
        QCOMPARE(m.cancelReject.responseTo, CancelRejectResponseTo::Cancel);
        QCOMPARE(m.cancelReject.text, std::string("unknown order NOPE"));
        v.store.replace(replaceOf("R1", "NOPE", "100"));
        m = v.one();
        QCOMPARE(m.cancelRejectReason, CancelRejectReason::UnknownOrder);
        QCOMPARE(m.cancelReject.responseTo, CancelRejectResponseTo::Replace);
        // ClOrdIDs are per session: another session's order is unknown here.
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80", "HMX", 1));
        v.take();
        v.store.cancel(cancelOf("C2", "B1", Side::Buy));
        QCOMPARE(v.one().cancelRejectReason, CancelRejectReason::UnknownOrder);
        QCOMPARE(v.store.bestBid("HMX"), Price(1880));
    }

    void aDuplicateClOrdIdIsRefused()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.70"));
        const VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::OrderRejected);
        QCOMPARE(m.rejectReason, OrderRejectReason::DuplicateOrder);
        QCOMPARE(m.execution.ordStatus, OrderStatus::Rejected);
        QCOMPARE(m.execution.text, std::string("duplicate ClOrdID B1"));
        QCOMPARE(v.store.bestBid("HMX"), Price(1880)); // nothing of it reached the book
        // A cancel or replace may not take a ClOrdID already in use either.
        v.store.newOrder(limit("B2", Side::Buy, "100", "18.70"));
        v.take();
        v.store.cancel(cancelOf("B2", "B1", Side::Buy));
        QCOMPARE(v.one().cancelRejectReason, CancelRejectReason::DuplicateClOrdId);
        v.store.replace(replaceOf("B2", "B1", "100", "18.79"));
        QCOMPARE(v.one().cancelRejectReason, CancelRejectReason::DuplicateClOrdId);
        // The same ClOrdID from another session is another order.
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80", "HMX", 1));
        QCOMPARE(v.one().execution.execType, ExecType::New);
    }

    // The store used to cancel whatever OrigClOrdID named, whatever Side and Symbol came with it.
    void aCancelWhoseSideOrSymbolDiffersIsRejected()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.cancel(cancelOf("C1", "B1", Side::Sell));
        VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::CancelRejected);
        QCOMPARE(m.cancelRejectReason, CancelRejectReason::DoesNotMatch);
        QCOMPARE(m.cancelReject.ordStatus, OrderStatus::New);
        QCOMPARE(m.cancelReject.orderId, std::string("T-O1"));
        QVERIFY2(m.cancelReject.text.find("Side(54)") != std::string::npos, m.cancelReject.text.c_str());
        v.store.cancel(cancelOf("C2", "B1", Side::Buy, "LOT"));
        m = v.one();
        QCOMPARE(m.cancelRejectReason, CancelRejectReason::DoesNotMatch);
        QVERIFY2(m.cancelReject.text.find("Symbol(55)") != std::string::npos, m.cancelReject.text.c_str());
        QCOMPARE(v.store.bestBid("HMX"), Price(1880)); // still working
        // Neither refused ClOrdID was taken: the right request may use one.
        v.store.cancel(cancelOf("C1", "B1", Side::Buy));
        QCOMPARE(v.one().execution.execType, ExecType::Canceled);
        QCOMPARE(v.store.bestBid("HMX"), Price(0));
    }

    void numbersAreReadExactlyAgainstTheInstrument()
    {
        Venue v;
        v.store.newOrder(limit("Q1", Side::Buy, "100.5", "18.80"));
        VenueMessage m = v.one();
        QCOMPARE(m.rejectReason, OrderRejectReason::IncorrectQuantity);
        QVERIFY2(m.execution.text.find("OrderQty(38)") != std::string::npos, m.execution.text.c_str());
        v.store.newOrder(limit("Q2", Side::Buy, "150", "4.00", "LOT")); // off the lot of 100
        QCOMPARE(v.one().rejectReason, OrderRejectReason::IncorrectQuantity);
        v.store.newOrder(limit("P1", Side::Buy, "100", "18.805"));
        m = v.one();
        QCOMPARE(m.rejectReason, OrderRejectReason::Other);
        QVERIFY2(m.execution.text.find("Price(44)") != std::string::npos, m.execution.text.c_str());
        ClientNewOrder noPrice = limit("P2", Side::Buy, "100", "");
        noPrice.hasPrice = false;
        v.store.newOrder(noPrice);
        QCOMPARE(v.one().execution.text, std::string("Price(44) is missing: a limit order needs a price"));
        v.store.newOrder(limit("U1", Side::Buy, "100", "18.80", "NOPE"));
        QCOMPARE(v.one().rejectReason, OrderRejectReason::UnknownSymbol);
        QCOMPARE(v.store.bestBid("HMX"), Price(0));
        QCOMPARE(v.store.bestBid("LOT"), Price(0));
    }

    // An order type the venue does not trade is the caller's to refuse, but only after
    // the unknown-symbol and duplicate answers.
    void anUnsupportedOrderIsLeftToTheCaller()
    {
        Venue v;
        ClientNewOrder q = limit("X1", Side::Buy, "100", "18.80");
        q.supported = false;
        QVERIFY(!v.store.newOrder(q));
        QVERIFY(v.take().empty());
        q.symbol = "NOPE";
        QVERIFY(v.store.newOrder(q));
        QCOMPARE(v.one().rejectReason, OrderRejectReason::UnknownSymbol);
    }

    void marketDataFollowsTheBookInOrder()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.requestMarketData(0, "MD1", {"HMX", "NOPE"}, true);
        std::vector<VenueMessage> out = v.take();
        QCOMPARE(out.size(), std::size_t(3)); // the pending change, the snapshot, the unknown symbol
        QCOMPARE(out[0].kind, VenueMessageKind::DepthUpdate);
        QCOMPARE(out[1].kind, VenueMessageKind::Snapshot);
        QVERIFY(out[1].subscribe);
        QCOMPARE(out[1].depth.bids.size(), std::size_t(1));
        QCOMPARE(out[1].depth.bids.front().qty, Quantity(100));
        QCOMPARE(out[2].kind, VenueMessageKind::UnknownSymbol);
        QCOMPARE(out[2].symbol, std::string("NOPE"));
        v.store.newOrder(limit("S1", Side::Sell, "40", "18.80", "HMX", 1));
        v.take();
        QVERIFY(v.store.advance(0, true).empty()); // quiet markets have no regime
        out = v.take();
        QCOMPARE(out.size(), std::size_t(1));
        QCOMPARE(out[0].kind, VenueMessageKind::DepthUpdate);
        QCOMPARE(out[0].update.changes.size(), std::size_t(1));
        QCOMPARE(out[0].update.changes[0].action, LevelAction::Change);
        QCOMPARE(out[0].update.changes[0].qty, Quantity(60));
        QCOMPARE(out[0].update.trades.size(), std::size_t(1));
        v.store.advance(0, true); // nothing changed: nothing to say
        QVERIFY(v.take().empty());
    }

    void aSeededBookHasTenLevelsEachSide()
    {
        Venue v;
        v.store.seedBook("HMX");
        QCOMPARE(v.store.bestBid("HMX"), Price(1884));
        QCOMPARE(v.store.bestAsk("HMX"), Price(1886));
        QCOMPARE(v.store.flowOrders(), std::uint64_t(20));
        v.store.advance(0, true); // the seeded book is what subscribers start from
        QVERIFY(v.take().empty());
    }
};

QTEST_GUILESS_MAIN(TestVenueMatching)
#include "tst_venue_matching.moc"
