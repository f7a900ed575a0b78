// The venue's status answers and its order ledger, on the order store alone: no
// sockets, no QuickFIX. A "restart" is a store destroyed and a new one opening the same
// ledger file, which is what a killed venue process leaves behind.
#include "fix/instrument_list.h"
#include "venue/order_ledger.h"
#include "venue/order_store.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>
#include <set>

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
                        const std::string& price)
{
    ClientReplace q;
    q.clOrdId = id;
    q.origClOrdId = orig;
    q.qty = qty;
    q.hasPrice = true;
    q.price = price;
    return q;
}

// A store with two empty quiet books, HMX (tick 0.01) and LOT (tick 0.05, lot 100), and
// every id it has sent, to check that none comes back after a restart.
struct Venue {
    OrderStore store{OrderStoreLimits{}};
    std::set<std::string> orderIds, execIds;
    explicit Venue(const std::string& ledger = std::string())
    {
        store.setIdPrefix("T-"); // the same prefix on every run: ids must still not repeat
        store.addMarket(defaultInstrument(), 1885);
        store.addMarket(parseInstrumentList("LOT:0.05:100").front(), 400);
        if (!ledger.empty())
            store.openLedger(ledger);
    }
    std::vector<VenueMessage> take()
    {
        std::vector<VenueMessage> out;
        store.takeMessages(out);
        for (const VenueMessage& m : out) {
            if (!m.execution.orderId.empty() && m.execution.orderId != "NONE")
                orderIds.insert(m.execution.orderId);
            if (!m.execution.execId.empty())
                execIds.insert(m.execution.execId);
        }
        return out;
    }
    VenueMessage one()
    {
        const std::vector<VenueMessage> out = take();
        if (out.size() != 1)
            qWarning("expected one message, got %zu", out.size());
        return out.empty() ? VenueMessage() : out.front();
    }
    ExecutionReport status(const std::string& clOrdId, SessionKey session = 0, Side side = Side::Buy)
    {
        store.orderStatus(session, clOrdId, "HMX", side, "Q-" + clOrdId);
        return one().execution;
    }
};

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), qint64(bytes.size()));
}

const LedgerOrder* byOrderId(const std::vector<LedgerOrder>& orders, const std::string& id)
{
    for (const LedgerOrder& o : orders)
        if (o.orderId == id)
            return &o;
    return nullptr;
}

} // namespace

class TestVenueLedger : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void statusOfAKnownOrder()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.store.newOrder(limit("S1", Side::Sell, "40", "18.75", "HMX", 1));
        v.take();
        const ExecutionReport r = v.status("B1");
        QCOMPARE(r.execType, ExecType::OrderStatus);
        QCOMPARE(r.ordStatus, OrderStatus::PartiallyFilled);
        QCOMPARE(r.clOrdId, std::string("B1"));
        QCOMPARE(r.origClOrdId, std::string());
        QCOMPARE(r.orderId, std::string("T-O1"));
        QCOMPARE(r.ordStatusReqId, std::string("Q-B1"));
        QCOMPARE(r.orderQty, Quantity(100));
        QCOMPARE(r.cumQty, Quantity(40));
        QCOMPARE(r.leavesQty, Quantity(60));
        QCOMPARE(r.lastQty, Quantity(0));
        QVERIFY(std::fabs(r.avgPx - 18.80) < 1e-9);
        QCOMPARE(r.price, Price(1880));
        QVERIFY(r.massStatusReqId.empty());
        QCOMPARE(v.execIds.count(r.execId), std::size_t(1)); // a new ExecID, seen once
        // The other side, asked by its own session.
        const ExecutionReport s = v.status("S1", 1, Side::Sell);
        QCOMPARE(s.ordStatus, OrderStatus::Filled);
        QCOMPARE(s.leavesQty, Quantity(0));
    }

    void statusOfAReplacedOrderByEitherClOrdId()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.store.replace(replaceOf("B2", "B1", "150", "18.81"));
        v.take();
        const ExecutionReport byOld = v.status("B1");
        QCOMPARE(byOld.ordStatus, OrderStatus::New);
        QCOMPARE(byOld.clOrdId, std::string("B2"));
        QCOMPARE(byOld.origClOrdId, std::string("B1"));
        QCOMPARE(byOld.orderQty, Quantity(150));
        QCOMPARE(byOld.price, Price(1881));
        QCOMPARE(byOld.leavesQty, Quantity(150));
        const ExecutionReport byNew = v.status("B2");
        QCOMPARE(byNew.clOrdId, std::string("B2"));
        QCOMPARE(byNew.origClOrdId, std::string());
        QCOMPARE(byNew.orderId, byOld.orderId);
        QVERIFY(byNew.execId != byOld.execId);
    }

    void statusOfACancelledOrder()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.store.cancel(cancelOf("C1", "B1", Side::Buy));
        v.take();
        const ExecutionReport r = v.status("B1");
        QCOMPARE(r.ordStatus, OrderStatus::Canceled);
        QCOMPARE(r.leavesQty, Quantity(0));
        QCOMPARE(r.cumQty, Quantity(0));
        QCOMPARE(r.clOrdId, std::string("C1"));
        QCOMPARE(r.origClOrdId, std::string("B1"));
        QCOMPARE(v.status("C1").ordStatus, OrderStatus::Canceled);
    }

    void statusOfAnUnknownOrder()
    {
        Venue v;
        v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
        v.take();
        v.store.orderStatus(0, "NOPE", "LOT", Side::Sell, "Q9");
        VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::Execution);
        QVERIFY(!m.orderDetails);
        QCOMPARE(m.execution.execType, ExecType::OrderStatus);
        QCOMPARE(m.execution.ordStatus, OrderStatus::Rejected);
        QCOMPARE(m.execution.orderId, std::string("NONE"));
        QCOMPARE(m.execution.clOrdId, std::string("NOPE"));
        QCOMPARE(m.execution.symbol, std::string("LOT"));
        QCOMPARE(m.execution.side, Side::Sell);
        QCOMPARE(m.execution.ordStatusReqId, std::string("Q9"));
        QCOMPARE(m.execution.text, std::string("unknown order NOPE"));
        // Another session's order is not this session's to ask about.
        v.store.orderStatus(1, "B1", "HMX", Side::Buy, "");
        m = v.one();
        QCOMPARE(m.execution.ordStatus, OrderStatus::Rejected);
        QCOMPARE(m.execution.orderId, std::string("NONE"));
    }

    void massStatusReportsEveryOrderOfTheSessionInOrder()
    {
        Venue v;
        v.store.newOrder(limit("A", Side::Buy, "100", "18.80"));
        v.store.newOrder(limit("D", Side::Sell, "100", "19.00", "HMX", 1)); // another session's
        v.store.newOrder(limit("B", Side::Sell, "200", "40.50", "LOT"));
        v.store.newOrder(limit("C", Side::Buy, "50", "18.70"));
        v.store.cancel(cancelOf("C-X", "C", Side::Buy));
        v.take();
        v.store.massStatus(0, "M1", OrderStore::kMassStatusForAll, "");
        std::vector<VenueMessage> out = v.take();
        QCOMPARE(out.size(), std::size_t(3));
        const char* expected[] = {"A", "B", "C-X"};
        for (std::size_t i = 0; i < out.size(); ++i) {
            const ExecutionReport& r = out[i].execution;
            QCOMPARE(out[i].session, SessionKey(0));
            QCOMPARE(r.execType, ExecType::OrderStatus);
            QCOMPARE(r.clOrdId, std::string(expected[i]));
            QCOMPARE(r.origClOrdId, std::string());
            QCOMPARE(r.massStatusReqId, std::string("M1"));
            QCOMPARE(r.totNumReports, 3);
            QCOMPARE(r.lastRptRequested, i == 2);
            QVERIFY(r.ordStatusReqId.empty());
        }
        QCOMPARE(out[1].execution.symbol, std::string("LOT"));
        QCOMPARE(out[2].execution.ordStatus, OrderStatus::Canceled);

        v.store.massStatus(0, "M2", OrderStore::kMassStatusForSymbol, "HMX");
        out = v.take();
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(out[0].execution.clOrdId, std::string("A"));
        QCOMPARE(out[1].execution.clOrdId, std::string("C-X"));
        QCOMPARE(out[1].execution.totNumReports, 2);
        QVERIFY(!out[0].execution.lastRptRequested);
        QVERIFY(out[1].execution.lastRptRequested);
    }

    void massStatusWithNoOrdersIsOneReport()
    {
        Venue v;
        v.store.newOrder(limit("A", Side::Buy, "100", "18.80", "HMX", 1));
        v.take();
        for (int type : {OrderStore::kMassStatusForAll, OrderStore::kMassStatusForSymbol}) {
            v.store.massStatus(0, "M0", type, "HMX");
            const VenueMessage m = v.one();
            QCOMPARE(m.kind, VenueMessageKind::Execution);
            QVERIFY(!m.orderDetails);
            QCOMPARE(m.execution.execType, ExecType::OrderStatus);
            QCOMPARE(m.execution.ordStatus, OrderStatus::Rejected);
            QCOMPARE(m.execution.orderId, std::string("NONE"));
            QCOMPARE(m.execution.clOrdId, std::string());
            QCOMPARE(m.execution.symbol, std::string("[N/A]"));
            QCOMPARE(m.execution.massStatusReqId, std::string("M0"));
            QCOMPARE(m.execution.totNumReports, 0);
            QVERIFY(m.execution.lastRptRequested);
            QCOMPARE(m.execution.text, std::string("no orders"));
        }
    }

    void massStatusOfAnotherTypeIsRefused()
    {
        Venue v;
        v.store.massStatus(0, "M8", 8, "");
        VenueMessage m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::RequestRefused);
        QCOMPARE(m.requestId, std::string("M8"));
        QCOMPARE(m.refusalReason, RefusalReason::Other);
        QVERIFY2(m.text.find("MassStatusReqType(585) 8") != std::string::npos, m.text.c_str());
        QVERIFY2(m.text.find("7 (all orders)") != std::string::npos && m.text.find("1 (the orders of one") != std::string::npos,
                 m.text.c_str());
        v.store.massStatus(0, "M1", OrderStore::kMassStatusForSymbol, "");
        m = v.one();
        QCOMPARE(m.kind, VenueMessageKind::RequestRefused);
        QCOMPARE(m.refusalReason, RefusalReason::ConditionallyRequiredFieldMissing);
        QVERIFY2(m.text.find("Symbol(55)") != std::string::npos, m.text.c_str());
    }

    void aRestartedStoreKnowsItsOrders()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("venue/deeper/orders.ledger").toStdString(); // directories made
        std::set<std::string> oldOrderIds, oldExecIds;
        std::vector<std::string> b1FillIds;
        {
            Venue v(path);
            v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
            v.store.newOrder(limit("S1", Side::Sell, "40", "18.80", "HMX", 1));
            v.store.replace(replaceOf("B1R", "B1", "100", "18.81"));
            v.store.newOrder(limit("S2", Side::Sell, "30", "18.79", "HMX", 1));
            v.store.newOrder(limit("X1", Side::Sell, "7", "19.50"));
            v.store.cancel(cancelOf("X1C", "X1", Side::Sell));
            v.store.newOrder(limit("A\tB\\C\n", Side::Sell, "5", "19.60")); // every ClOrdID survives the file
            v.store.orderStatus(0, "B1", "HMX", Side::Buy, ""); // ids of answers count too
            for (const VenueMessage& m : v.take())
                if (m.execution.execType == ExecType::Trade && m.session == 0)
                    b1FillIds.push_back(m.execution.execId);
            oldOrderIds = v.orderIds;
            oldExecIds = v.execIds;
        }
        QCOMPARE(b1FillIds.size(), std::size_t(2));

        Venue v(path);
        QCOMPARE(v.store.bestBid("HMX"), Price(0)); // restored orders are in no book
        QCOMPARE(v.store.bestAsk("HMX"), Price(0));
        const ExecutionReport b1 = v.status("B1");
        QCOMPARE(b1.clOrdId, std::string("B1R"));
        QCOMPARE(b1.origClOrdId, std::string("B1"));
        QCOMPARE(b1.ordStatus, OrderStatus::Canceled); // it was working when the venue stopped
        QCOMPARE(b1.text, std::string("cancelled: the venue restarted"));
        QCOMPARE(b1.cumQty, Quantity(70));
        QCOMPARE(b1.leavesQty, Quantity(0));
        QCOMPARE(b1.price, Price(1881));
        QVERIFY(std::fabs(b1.avgPx - (18.80 * 40 + 18.81 * 30) / 70) < 1e-9);
        QCOMPARE(v.status("B1R").orderId, b1.orderId);
        const ExecutionReport s1 = v.status("S1", 1, Side::Sell);
        QCOMPARE(s1.ordStatus, OrderStatus::Filled);
        QCOMPARE(s1.text, std::string()); // it had ended: not the restart's doing
        QCOMPARE(v.status("X1").clOrdId, std::string("X1C"));
        QCOMPARE(v.status("X1C").ordStatus, OrderStatus::Canceled);
        QCOMPARE(v.status("A\tB\\C\n").ordStatus, OrderStatus::Canceled);

        // The old ClOrdIDs are still taken; the old orders can no longer be cancelled.
        for (const char* id : {"B1", "B1R", "X1C"}) {
            v.store.newOrder(limit(id, Side::Buy, "10", "18.00"));
            const VenueMessage m = v.one();
            QCOMPARE(m.kind, VenueMessageKind::OrderRejected);
            QCOMPARE(m.rejectReason, OrderRejectReason::DuplicateOrder);
        }
        v.store.cancel(cancelOf("B1C", "B1R", Side::Buy));
        const VenueMessage refused = v.one();
        QCOMPARE(refused.kind, VenueMessageKind::CancelRejected);
        QCOMPARE(refused.cancelRejectReason, CancelRejectReason::TooLateToCancel);

        // New ids, with the same prefix, are none of the old ones.
        v.store.newOrder(limit("N1", Side::Buy, "10", "18.00"));
        v.store.newOrder(limit("N2", Side::Sell, "10", "18.00"));
        v.take();
        for (const char* id : {"N1", "N2"})
            QVERIFY2(!oldOrderIds.count(v.status(id).orderId), id);
        for (const std::string& id : v.execIds) // every report since the restart
            QVERIFY2(!oldExecIds.count(id), id.c_str());

        v.store.massStatus(0, "M", OrderStore::kMassStatusForAll, "");
        const std::vector<VenueMessage> all = v.take();
        QCOMPARE(all.size(), std::size_t(5));
        QCOMPARE(all[0].execution.clOrdId, std::string("B1R"));
        QCOMPARE(all[1].execution.clOrdId, std::string("X1C"));
        QCOMPARE(all[2].execution.clOrdId, std::string("A\tB\\C\n"));
        QCOMPARE(all[3].execution.clOrdId, std::string("N1"));
        QCOMPARE(all[4].execution.clOrdId, std::string("N2"));
        QCOMPARE(all[3].execution.ordStatus, OrderStatus::Filled); // N2 crossed it

        // The reader gives what the tests of the client compare with its journal.
        const std::vector<LedgerOrder> orders = readOrderLedger(path);
        const LedgerOrder* o = byOrderId(orders, b1.orderId);
        QVERIFY(o);
        QCOMPARE(o->clOrdIds, (std::vector<std::string>{"B1", "B1R"}));
        QCOMPARE(o->session, SessionKey(0));
        QCOMPARE(o->cumQty, Quantity(70));
        QCOMPARE(o->notionalTicks, std::int64_t(1880 * 40 + 1881 * 30));
        QVERIFY(!o->live);
        QCOMPARE(o->fills.size(), std::size_t(2));
        QCOMPARE(o->fills[0].execId, b1FillIds[0]);
        QCOMPARE(o->fills[0].qty, Quantity(40));
        QCOMPARE(o->fills[0].px, Price(1880));
        QCOMPARE(o->fills[1].execId, b1FillIds[1]);
        QCOMPARE(o->fills[1].qty, Quantity(30));
        QCOMPARE(o->fills[1].px, Price(1881));
        QCOMPARE(o->text, std::string("cancelled: the venue restarted"));
        QCOMPARE(orders.size(), std::size_t(7));
    }

    void ordersAndIdsSurviveASecondRestart()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("orders.ledger").toStdString();
        std::set<std::string> seen;
        for (int run = 0; run < 3; ++run) {
            Venue v(path);
            v.store.newOrder(limit("R" + std::to_string(run), Side::Buy, "10", "18.00"));
            const VenueMessage ack = v.one();
            QCOMPARE(ack.execution.execType, ExecType::New);
            QVERIFY2(seen.insert(ack.execution.orderId).second, ack.execution.orderId.c_str());
            v.store.orderStatus(0, "R0", "HMX", Side::Buy, "");
            v.take();
            for (const std::string& id : v.execIds)
                QVERIFY2(seen.insert(id).second, id.c_str());
            v.store.massStatus(0, "M", OrderStore::kMassStatusForAll, "");
            QCOMPARE(v.take().size(), std::size_t(run + 1));
        }
    }

    void aTornLastLineIsIgnored()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("orders.ledger"));
        const std::string path = file.toStdString();
        {
            Venue v(path);
            v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
            v.take();
        }
        const QByteArray whole = readAll(file);
        QVERIFY(whole.endsWith('\n'));
        writeAll(file, whole + "O\t1700000000000000000\t0\tT-O9\tB9\tHM"); // a kill mid-write
        QCOMPARE(readOrderLedger(path).size(), std::size_t(1));
        {
            Venue v(path);
            QCOMPARE(v.status("B1").ordStatus, OrderStatus::Canceled);
            QCOMPARE(v.status("B9").ordStatus, OrderStatus::Rejected); // never taken
            v.store.newOrder(limit("B2", Side::Buy, "100", "18.80"));
            v.take();
        }
        const QByteArray after = readAll(file);
        QVERIFY(!after.contains("\tB9\t"));
        QVERIFY(after.endsWith('\n'));
        QCOMPARE(readOrderLedger(path).size(), std::size_t(2)); // the next line began on a line of its own
    }

    void aCorruptLineIsRefusedAndLeftAsItIs()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("orders.ledger"));
        const std::string path = file.toStdString();
        {
            Venue v(path);
            v.store.newOrder(limit("B1", Side::Buy, "100", "18.80"));
            v.store.newOrder(limit("B2", Side::Buy, "100", "18.70"));
            v.store.newOrder(limit("B3", Side::Buy, "100", "18.60"));
            v.take();
        }
        QList<QByteArray> lines = readAll(file).split('\n');
        // 1 header, 2 ids, 3..5 the orders: the one in the middle is damaged.
        QVERIFY(lines.size() >= 6);
        QVERIFY(lines[3].contains("\tB2\t"));
        lines[3].replace("\tbuy\t", "\tbye\t");
        const QByteArray damaged = lines.join('\n');
        writeAll(file, damaged);
        for (int attempt = 0; attempt < 2; ++attempt) {
            try {
                if (attempt == 0)
                    readOrderLedger(path);
                else
                    Venue v(path);
                QFAIL("a corrupt ledger was read");
            } catch (const std::runtime_error& e) {
                const std::string what = e.what();
                QVERIFY2(what.find("venue order ledger '" + path + "' line 4: ") == 0, e.what());
                QVERIFY2(what.find("side 'bye'") != std::string::npos, e.what());
            }
            QCOMPARE(readAll(file), damaged);
        }
        // Other damage says what it is too.
        const struct {
            QByteArray line;
            const char* says;
        } cases[] = {
            {"X\t1", "unknown record 'X'"},
            {"O\t1\t0\tT-O1", "18 fields"},
            {"", "empty line"},
        };
        for (const auto& c : cases) {
            QList<QByteArray> bad = lines;
            bad[3] = c.line;
            writeAll(file, bad.join('\n'));
            try {
                readOrderLedger(path);
                QFAIL(c.says);
            } catch (const std::runtime_error& e) {
                QVERIFY2(std::string(e.what()).find(c.says) != std::string::npos, e.what());
                QVERIFY2(std::string(e.what()).find("line 4") != std::string::npos, e.what());
            }
        }
        writeAll(file, "something else\n");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, readOrderLedger(path));
    }

    void compactionDropsOldEndedOrdersOnly()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("orders.ledger"));
        const std::string path = file.toStdString();
        std::string filled, cancelled, working, today;
        std::set<std::string> oldExecIds;
        {
            Venue v(path);
            v.store.newOrder(limit("F", Side::Buy, "10", "18.80"));
            v.store.newOrder(limit("F-S", Side::Sell, "10", "18.80", "HMX", 1));
            v.store.newOrder(limit("C", Side::Buy, "10", "18.00"));
            v.store.cancel(cancelOf("C-X", "C", Side::Buy));
            v.store.newOrder(limit("W", Side::Buy, "10", "18.10"));
            v.store.newOrder(limit("T", Side::Buy, "10", "18.20"));
            v.store.cancel(cancelOf("T-X", "T", Side::Buy));
            v.take();
            filled = v.status("F").orderId;
            cancelled = v.status("C").orderId;
            working = v.status("W").orderId;
            today = v.status("T").orderId;
            oldExecIds = v.execIds;
        }
        // Every order but T last changed two days ago.
        const QByteArray twoDaysAgo = QByteArray::number(qint64(QDateTime::currentMSecsSinceEpoch() - 2 * 86400000LL) * 1000000);
        QList<QByteArray> lines = readAll(file).split('\n');
        for (QByteArray& line : lines) {
            QList<QByteArray> f = line.split('\t');
            if (f.size() > 3 && f[0] == "O" && f[3].toStdString() != today) {
                f[1] = twoDaysAgo;
                line = f.join('\t');
            }
        }
        writeAll(file, lines.join('\n'));

        Venue v(path);
        const std::vector<LedgerOrder> kept = readOrderLedger(path);
        QCOMPARE(kept.size(), std::size_t(2));
        QVERIFY(byOrderId(kept, working));  // it was working: cancelled now, so it changed today
        QVERIFY(byOrderId(kept, today));
        QVERIFY(!readAll(file).contains(QByteArray::fromStdString(filled)));
        QVERIFY(!readAll(file).contains(QByteArray::fromStdString(cancelled)));
        QVERIFY(!QFile::exists(file + QStringLiteral(".compacting")));
        QCOMPARE(byOrderId(kept, today)->clOrdIds, (std::vector<std::string>{"T", "T-X"}));
        QCOMPARE(v.status("W").text, std::string("cancelled: the venue restarted"));
        QCOMPARE(v.status("F").ordStatus, OrderStatus::Rejected); // forgotten
        // The dropped orders' ids stay used.
        v.store.newOrder(limit("N", Side::Buy, "10", "18.00"));
        v.take();
        QVERIFY(v.status("N").orderId != filled && v.status("N").orderId != cancelled);
        for (const std::string& id : v.execIds)
            QVERIFY2(!oldExecIds.count(id), id.c_str());
        QVERIFY(readAll(file).startsWith("helmsman venue order ledger 1\n"));
    }
};

QTEST_GUILESS_MAIN(TestVenueLedger)
#include "tst_venue_ledger.moc"
