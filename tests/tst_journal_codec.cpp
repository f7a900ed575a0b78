// The journal codec: for every kind, encoding gives the very row the engine writes
// (literal rows below come from a journal the engine wrote, or from its writers where
// that journal has none), decoding gives back every field, and a record of another
// kind or with text that does not parse is refused with a reason.
#include "journal/journal_codec.h"

#include <QtTest>

using namespace hm;

namespace {

const Timestamp kTime = 1796172862210572011;

JournalRecord row(RecordKind kind, const std::string& symbol, const std::string& ref, int side, std::int64_t price,
                  std::int64_t qty, std::int64_t aux, const std::string& text)
{
    JournalRecord r;
    r.time = kTime;
    r.kind = kind;
    r.symbol = symbol;
    r.ref = ref;
    r.side = side;
    r.price = price;
    r.qty = qty;
    r.aux = aux;
    r.text = text;
    return r;
}

// Every column, so a difference shows where it is.
QString show(const JournalRecord& r)
{
    std::string text = r.text;
    for (char& c : text)
        if (c == '\x1f')
            c = '^';
    return QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9")
        .arg(QString::number(r.time), QString::fromLatin1(toString(r.kind)), QString::fromStdString(r.symbol),
             QString::fromStdString(r.ref), QString::number(r.side), QString::number(r.price), QString::number(r.qty),
             QString::number(r.aux), QString::fromStdString(text));
}

template <typename T>
void refused(const JournalRecord& r, const char* expected)
{
    T out;
    std::string error;
    QVERIFY2(!decode(r, out, &error), qPrintable(show(r)));
    QVERIFY2(error.find(expected) != std::string::npos, error.c_str());
    QVERIFY2(error.find(toString(r.kind)) != std::string::npos, error.c_str()); // names the record
}

template <typename T>
T decoded(const JournalRecord& r)
{
    T out;
    std::string error;
    [&] { QVERIFY2(decode(r, out, &error), error.c_str()); }();
    return out;
}

JournalRecord otherKind(RecordKind kind)
{
    return row(kind == RecordKind::Trade ? RecordKind::BookLevel : RecordKind::Trade, "HMX", "", 0, 1884, 100, 0, "");
}

} // namespace

class TestJournalCodec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sessionStartAndConfig()
    {
        const JournalRecord start = row(RecordKind::SessionStart, "", "FIX.4.4:HELMSMAN->HMVENUE", -1, 0, 0, 0, "helmsman 0.1.0");
        QCOMPARE(show(encode(SessionStartRecord{"FIX.4.4:HELMSMAN->HMVENUE", "helmsman 0.1.0"}, kTime)), show(start));
        const auto s = decoded<SessionStartRecord>(start);
        QCOMPARE(s.sessionId, std::string("FIX.4.4:HELMSMAN->HMVENUE"));
        QCOMPARE(s.program, std::string("helmsman 0.1.0"));

        const JournalRecord warmup = row(RecordKind::Config, "", "regime-warmup-s", -1, 0, 0, 0, "60.000000");
        QCOMPARE(show(encode(ConfigRecord{"regime-warmup-s", "60.000000", ""}, kTime)), show(warmup));
        const auto c = decoded<ConfigRecord>(warmup);
        QCOMPARE(c.key, std::string("regime-warmup-s"));
        QCOMPARE(c.value, std::string("60.000000"));
        QCOMPARE(c.symbol, std::string());
        const JournalRecord agent = row(RecordKind::Config, "HMX", "agent", -1, 0, 0, 0, R"({"id":"twap-buy"})");
        QCOMPARE(show(encode(ConfigRecord{"agent", R"({"id":"twap-buy"})", "HMX"}, kTime)), show(agent));
        QCOMPARE(decoded<ConfigRecord>(agent).symbol, std::string("HMX"));
        refused<SessionStartRecord>(warmup, "is not of kind session_start");
        refused<ConfigRecord>(start, "is not of kind config");
    }

    void instrumentConfig()
    {
        const JournalRecord r = row(RecordKind::Config, "", "instrument", -1, 0, 0, 0, "HMX tick=0.010000 lot=1 USD");
        InstrumentConfigRecord c;
        c.instrument.symbol = "HMX";
        c.instrument.tickSize = 0.01;
        c.instrument.lotSize = 1;
        c.instrument.currency = "USD";
        QCOMPARE(show(encode(c, kTime)), show(r));
        const auto d = decoded<InstrumentConfigRecord>(row(RecordKind::Config, "", "instrument", -1, 0, 0, 0,
                                                           "XYZ tick=0.500000 lot=100 EUR"));
        QCOMPARE(d.instrument.symbol, std::string("XYZ"));
        QCOMPARE(d.instrument.tickSize, 0.5);
        QCOMPARE(d.instrument.lotSize, Quantity(100));
        QCOMPARE(d.instrument.currency, std::string("EUR"));
        QCOMPARE(decoded<InstrumentConfigRecord>(r).instrument.tickSize, 0.01);

        refused<InstrumentConfigRecord>(row(RecordKind::Config, "", "seed", -1, 0, 0, 0, "1"), "key 'seed' is not 'instrument'");
        refused<InstrumentConfigRecord>(row(RecordKind::Config, "", "instrument", -1, 0, 0, 0, ""), "no instrument symbol");
        refused<InstrumentConfigRecord>(row(RecordKind::Config, "", "instrument", -1, 0, 0, 0, "HMX tick=abc lot=1 USD"),
                                        "tick size 'abc'");
        refused<InstrumentConfigRecord>(row(RecordKind::Config, "", "instrument", -1, 0, 0, 0, "HMX tick=0.01 lot=0 USD"),
                                        "lot size '0'");
        refused<InstrumentConfigRecord>(otherKind(RecordKind::Config), "is not of kind config");
    }

    void initialLimits()
    {
        const std::string text = "max_order_qty=10000;max_order_notional=1e+06;collar_percent=5;collar_ticks=500;"
                                 "max_position=20000;max_gross_notional=5e+06;max_open_orders=1000;"
                                 "max_orders_per_second_per_agent=50;max_orders_per_second=200;max_messages_per_second=600;"
                                 "daily_loss_limit=50000;duplicate_window_ms=200;restricted=;self_trade_prevention=cancel_new";
        const JournalRecord r = row(RecordKind::Config, "", "limits-initial", -1, 0, 0, 0, text);
        const auto d = decoded<InitialLimitsRecord>(r);
        QCOMPARE(d.limits.size(), std::size_t(14));
        QCOMPARE(d.limits.front(), std::make_pair(std::string("max_order_qty"), std::string("10000")));
        QCOMPARE(d.limits[12], std::make_pair(std::string("restricted"), std::string()));
        QCOMPARE(d.limits.back(), std::make_pair(std::string("self_trade_prevention"), std::string("cancel_new")));
        QCOMPARE(show(encode(d, kTime)), show(r));

        refused<InitialLimitsRecord>(row(RecordKind::Config, "", "limits", -1, 0, 0, 0, "x"), "key 'limits' is not 'limits-initial'");
        refused<InitialLimitsRecord>(row(RecordKind::Config, "", "limits-initial", -1, 0, 0, 0, "max_position=1;oops"),
                                     "limit 'oops' is not name=value");
    }

    void orderNew()
    {
        // An agent's order, an operator's, and a market order.
        const JournalRecord agent = row(RecordKind::OrderNew, "HMX", "HM6172862-1", 1, 1881, 100, 0, "LIMIT IOC owner=ac-sell");
        const JournalRecord op = row(RecordKind::OrderNew, "HMX", "HM6172862-2", 0, 1884, 100, 0, "LIMIT DAY");
        const JournalRecord market = row(RecordKind::OrderNew, "HMX", "HM6172862-23", 1, 0, 400, 0, "MARKET DAY");
        OrderNewRecord o{"HM6172862-1", "HMX", Side::Sell, OrderType::Limit, TimeInForce::ImmediateOrCancel, 100, 1881, "ac-sell"};
        QCOMPARE(show(encode(o, kTime)), show(agent));
        QCOMPARE(show(encode(OrderNewRecord{"HM6172862-2", "HMX", Side::Buy, OrderType::Limit, TimeInForce::Day, 100, 1884, ""}, kTime)),
                 show(op));
        QCOMPARE(show(encode(OrderNewRecord{"HM6172862-23", "HMX", Side::Sell, OrderType::Market, TimeInForce::Day, 400, 0, ""}, kTime)),
                 show(market));
        const auto d = decoded<OrderNewRecord>(agent);
        QCOMPARE(d.clOrdId, o.clOrdId);
        QCOMPARE(d.symbol, o.symbol);
        QCOMPARE(d.side, Side::Sell);
        QCOMPARE(d.type, OrderType::Limit);
        QCOMPARE(d.tif, TimeInForce::ImmediateOrCancel);
        QCOMPARE(d.qty, Quantity(100));
        QCOMPARE(d.price, Price(1881));
        QCOMPARE(d.owner, std::string("ac-sell"));
        QCOMPARE(decoded<OrderNewRecord>(op).owner, std::string()); // also every order of a journal from before the tag
        QCOMPARE(decoded<OrderNewRecord>(market).type, OrderType::Market);
        const auto fok = decoded<OrderNewRecord>(row(RecordKind::OrderNew, "HMX", "X", 1, 1884, 300, 0, "LIMIT FOK"));
        QCOMPARE(fok.tif, TimeInForce::FillOrKill);
        const auto spaced = decoded<OrderNewRecord>(row(RecordKind::OrderNew, "HMX", "X", 0, 1, 1, 0, "LIMIT GTC owner=desk two"));
        QCOMPARE(spaced.owner, std::string("desk two"));
        QCOMPARE(spaced.tif, TimeInForce::GoodTillCancel);

        refused<OrderNewRecord>(otherKind(RecordKind::OrderNew), "is not of kind order_new");
        refused<OrderNewRecord>(row(RecordKind::OrderNew, "HMX", "X", 0, 1, 1, 0, "STOP DAY"), "order type 'STOP'");
        refused<OrderNewRecord>(row(RecordKind::OrderNew, "HMX", "X", 0, 1, 1, 0, "LIMIT"), "no time in force");
        refused<OrderNewRecord>(row(RecordKind::OrderNew, "HMX", "X", 0, 1, 1, 0, "LIMIT WEEK owner=a"), "time in force 'WEEK'");
        refused<OrderNewRecord>(row(RecordKind::OrderNew, "HMX", "X", 2, 1, 1, 0, "LIMIT DAY"), "side 2");
    }

    void orderDenied()
    {
        // The gate's denial of the operator's order, of an agent's (engine.cpp's " [owner=...]"), and a send failure.
        const std::string why = "risk gate self_trade: SELL 400 HMX @ 1883 would trade against our own BUY 500 @ 1884 "
                                "(HM6172862-4 of the operator) and 1 more; policy cancel_new";
        const JournalRecord gate = row(RecordKind::OrderDenied, "HMX", "HM6172862-10", 1, 1883, 400, 16, why);
        const JournalRecord agent = row(RecordKind::OrderDenied, "HMX", "HM1-4", 0, 1880, 20000, 5,
                                        "risk gate max_position: would reach 20100 > 20000 [owner=twap-buy]");
        const JournalRecord sendFailed = row(RecordKind::OrderDenied, "HMX", "HM6172862-129", -1, 0, 0, 0,
                                             "FIX session FIX.4.4:HELMSMAN->HMVENUE is not logged on");
        QCOMPARE(show(encode(OrderDeniedRecord{"HM6172862-10", "HMX", Side::Sell, 400, 1883, 16, why, ""}, kTime)), show(gate));
        const OrderDeniedRecord a{"HM1-4", "HMX", Side::Buy, 20000, 1880, 5, "risk gate max_position: would reach 20100 > 20000", "twap-buy"};
        QCOMPARE(show(encode(a, kTime)), show(agent));
        OrderDeniedRecord f;
        f.clOrdId = "HM6172862-129";
        f.symbol = "HMX";
        f.reason = "FIX session FIX.4.4:HELMSMAN->HMVENUE is not logged on";
        QCOMPARE(show(encode(f, kTime)), show(sendFailed));

        const auto d = decoded<OrderDeniedRecord>(agent);
        QCOMPARE(d.clOrdId, a.clOrdId);
        QCOMPARE(d.symbol, a.symbol);
        QVERIFY(d.side && *d.side == Side::Buy);
        QCOMPARE(d.qty, a.qty);
        QCOMPARE(d.price, a.price);
        QCOMPARE(d.denyCode, 5);
        QCOMPARE(d.reason, a.reason);
        QCOMPARE(d.owner, std::string("twap-buy"));
        const auto g = decoded<OrderDeniedRecord>(gate);
        QCOMPARE(g.owner, std::string());
        QCOMPARE(g.reason, why);
        const auto s = decoded<OrderDeniedRecord>(sendFailed);
        QVERIFY(!s.side);
        QCOMPARE(s.denyCode, 0);
        QCOMPARE(s.reason, f.reason);

        refused<OrderDeniedRecord>(otherKind(RecordKind::OrderDenied), "is not of kind order_denied");
        refused<OrderDeniedRecord>(row(RecordKind::OrderDenied, "HMX", "X", 0, 1, 1, -3, "no"), "deny code -3");
        refused<OrderDeniedRecord>(row(RecordKind::OrderDenied, "HMX", "X", 7, 1, 1, 0, "no"), "side 7");
    }

    void cancelAndReplace()
    {
        const JournalRecord cancel = row(RecordKind::OrderCancel, "HMX", "HM6172862-5", 1, 0, 0, 0, "HM6172862-3");
        QCOMPARE(show(encode(OrderCancelRecord{"HM6172862-5", "HM6172862-3", "HMX", Side::Sell}, kTime)), show(cancel));
        const auto c = decoded<OrderCancelRecord>(cancel);
        QCOMPARE(c.clOrdId, std::string("HM6172862-5"));
        QCOMPARE(c.origClOrdId, std::string("HM6172862-3"));
        QCOMPARE(c.symbol, std::string("HMX"));
        QCOMPARE(c.side, Side::Sell);

        const JournalRecord replace = row(RecordKind::OrderReplace, "HMX", "HM6172862-16", 1, 1884, 300, 0, "HM6172862-6");
        QCOMPARE(show(encode(OrderReplaceRecord{"HM6172862-16", "HM6172862-6", "HMX", Side::Sell, 300, 1884}, kTime)), show(replace));
        const auto r = decoded<OrderReplaceRecord>(replace);
        QCOMPARE(r.clOrdId, std::string("HM6172862-16"));
        QCOMPARE(r.origClOrdId, std::string("HM6172862-6"));
        QCOMPARE(r.symbol, std::string("HMX"));
        QCOMPARE(r.side, Side::Sell);
        QCOMPARE(r.qty, Quantity(300));
        QCOMPARE(r.price, Price(1884));

        refused<OrderCancelRecord>(replace, "is not of kind order_cancel");
        refused<OrderCancelRecord>(row(RecordKind::OrderCancel, "HMX", "C", 0, 0, 0, 0, ""), "no original ClOrdID");
        refused<OrderReplaceRecord>(cancel, "is not of kind order_replace");
        refused<OrderReplaceRecord>(row(RecordKind::OrderReplace, "HMX", "R", 0, 1, 1, 0, ""), "no original ClOrdID");
        refused<OrderReplaceRecord>(row(RecordKind::OrderReplace, "HMX", "R", -1, 1, 1, 0, "O"), "side -1");
    }

    void execReport()
    {
        const JournalRecord fill = row(RecordKind::ExecReport, "HMX", "HM6172862-16", 1, 1884, 100, 100,
                                       "72862159-E14|Trade|PartiallyFilled|72862159-O5|200");
        ExecReportRecord e;
        e.clOrdId = "HM6172862-16";
        e.symbol = "HMX";
        e.side = Side::Sell;
        e.lastPx = 1884;
        e.lastQty = 100;
        e.cumQty = 100;
        e.execId = "72862159-E14";
        e.execType = ExecType::Trade;
        e.ordStatus = OrderStatus::PartiallyFilled;
        e.orderId = "72862159-O5";
        e.leavesQty = 200;
        QCOMPARE(show(encode(e, kTime)), show(fill));
        const auto d = decoded<ExecReportRecord>(fill);
        QCOMPARE(d.clOrdId, e.clOrdId);
        QCOMPARE(d.symbol, e.symbol);
        QCOMPARE(d.side, e.side);
        QCOMPARE(d.lastPx, e.lastPx);
        QCOMPARE(d.lastQty, e.lastQty);
        QCOMPARE(d.cumQty, e.cumQty);
        QCOMPARE(d.execId, e.execId);
        QCOMPARE(d.execType, e.execType);
        QCOMPARE(d.ordStatus, e.ordStatus);
        QCOMPARE(d.orderId, e.orderId);
        QCOMPARE(d.leavesQty, e.leavesQty);
        QCOMPARE(d.possDup, false);
        QCOMPARE(d.text, std::string());

        // A possible duplicate with the venue's text, which holds '|' (engine.cpp's layout).
        ExecReportRecord p = e;
        p.execType = ExecType::Rejected;
        p.ordStatus = OrderStatus::Rejected;
        p.possDup = true;
        p.text = "unknown order|try again";
        const JournalRecord dup = row(RecordKind::ExecReport, "HMX", "HM6172862-16", 1, 1884, 100, 100,
                                      "72862159-E14|Rejected|Rejected|72862159-O5|200|possdup|unknown order|try again");
        QCOMPARE(show(encode(p, kTime)), show(dup));
        const auto q = decoded<ExecReportRecord>(dup);
        QVERIFY(q.possDup);
        QCOMPARE(q.text, p.text);
        QCOMPARE(q.execType, ExecType::Rejected);
        p.possDup = false;
        const auto t = decoded<ExecReportRecord>(encode(p, kTime));
        QVERIFY(!t.possDup);
        QCOMPARE(t.text, p.text);

        // From and to the model's report.
        ExecutionReport model = e.report();
        QCOMPARE(model.execId, e.execId);
        QCOMPARE(model.leavesQty, e.leavesQty);
        QCOMPARE(show(encode(ExecReportRecord::from(model), kTime)), show(fill));

        refused<ExecReportRecord>(otherKind(RecordKind::ExecReport), "is not of kind exec_report");
        refused<ExecReportRecord>(row(RecordKind::ExecReport, "HMX", "X", 0, 0, 0, 0, "E1|New|New"), "has 3 of the 5 fields");
        refused<ExecReportRecord>(row(RecordKind::ExecReport, "HMX", "X", 0, 0, 0, 0, "E1|Fill|New|O1|0"), "exec type 'Fill'");
        refused<ExecReportRecord>(row(RecordKind::ExecReport, "HMX", "X", 0, 0, 0, 0, "E1|New|Done|O1|0"), "order status 'Done'");
        refused<ExecReportRecord>(row(RecordKind::ExecReport, "HMX", "X", 0, 0, 0, 0, "E1|New|New|O1|lots"), "leaves quantity 'lots'");
        refused<ExecReportRecord>(row(RecordKind::ExecReport, "HMX", "X", -1, 0, 0, 0, "E1|New|New|O1|0"), "side -1");
    }

    void cancelReject()
    {
        // engine.cpp: "origClOrdID|text".
        const JournalRecord r = row(RecordKind::CancelReject, "", "HM1-9", -1, 0, 0, 0, "HM1-3|too late to cancel|order is filled");
        QCOMPARE(show(encode(CancelRejectRecord{"HM1-9", "HM1-3", "too late to cancel|order is filled"}, kTime)), show(r));
        const auto d = decoded<CancelRejectRecord>(r);
        QCOMPARE(d.clOrdId, std::string("HM1-9"));
        QCOMPARE(d.origClOrdId, std::string("HM1-3"));
        QCOMPARE(d.reason, std::string("too late to cancel|order is filled"));
        CancelReject model;
        model.clOrdId = "HM1-9";
        model.origClOrdId = "HM1-3";
        model.text = "too late to cancel|order is filled";
        QCOMPARE(show(encode(CancelRejectRecord::from(model), kTime)), show(r));
        const auto empty = decoded<CancelRejectRecord>(row(RecordKind::CancelReject, "", "HM1-9", -1, 0, 0, 0, "HM1-3|"));
        QCOMPARE(empty.reason, std::string());

        refused<CancelRejectRecord>(otherKind(RecordKind::CancelReject), "is not of kind cancel_reject");
        refused<CancelRejectRecord>(row(RecordKind::CancelReject, "", "HM1-9", -1, 0, 0, 0, "HM1-3"), "has no '|'");
    }

    void marketData()
    {
        const JournalRecord snap = row(RecordKind::BookLevel, "HMX", "", 0, 1884, 3700, 0, "snapshot");
        const JournalRecord change = row(RecordKind::BookLevel, "HMX", "", 0, 1884, 3600, 0, "");
        const JournalRecord gone = row(RecordKind::BookLevel, "HMX", "", 1, 1890, 0, 0, "");
        QCOMPARE(show(encode(BookLevelRecord{"HMX", Side::Buy, 1884, 3700, true}, kTime)), show(snap));
        QCOMPARE(show(encode(BookLevelRecord{"HMX", Side::Buy, 1884, 3600, false}, kTime)), show(change));
        QCOMPARE(show(encode(BookLevelRecord{"HMX", Side::Sell, 1890, 0, false}, kTime)), show(gone));
        const auto s = decoded<BookLevelRecord>(snap);
        QCOMPARE(s.symbol, std::string("HMX"));
        QCOMPARE(s.side, Side::Buy);
        QCOMPARE(s.price, Price(1884));
        QCOMPARE(s.qty, Quantity(3700));
        QVERIFY(s.snapshot);
        QVERIFY(!decoded<BookLevelRecord>(change).snapshot);
        QCOMPARE(decoded<BookLevelRecord>(gone).side, Side::Sell);

        const JournalRecord trade = row(RecordKind::Trade, "HMX", "", -1, 1884, 100, 0, "");
        QCOMPARE(show(encode(TradeRecord{"HMX", 1884, 100}, kTime)), show(trade));
        const auto t = decoded<TradeRecord>(trade);
        QCOMPARE(t.symbol, std::string("HMX"));
        QCOMPARE(t.price, Price(1884));
        QCOMPARE(t.qty, Quantity(100));

        refused<BookLevelRecord>(trade, "is not of kind book_level");
        refused<BookLevelRecord>(row(RecordKind::BookLevel, "HMX", "", 0, 1884, 1, 0, "refresh"), "text 'refresh'");
        refused<BookLevelRecord>(row(RecordKind::BookLevel, "HMX", "", -1, 1884, 1, 0, ""), "side -1");
        refused<BookLevelRecord>(row(RecordKind::BookLevel, "HMX", "", 0, 1884, -5, 0, ""), "negative quantity -5");
        refused<TradeRecord>(snap, "is not of kind trade");
        refused<TradeRecord>(row(RecordKind::Trade, "HMX", "", -1, 1884, -1, 0, ""), "negative quantity -1");
    }

    void fixSession()
    {
        const JournalRecord logon = row(RecordKind::FixSession, "", "FIX.4.4:HELMSMAN->HMVENUE", -1, 0, 0, 0,
                                        "Logon: logged on to HMVENUE");
        QCOMPARE(show(encode(FixSessionRecord{"FIX.4.4:HELMSMAN->HMVENUE", SessionEventKind::Logon, "logged on to HMVENUE"}, kTime)),
                 show(logon));
        const auto d = decoded<FixSessionRecord>(logon);
        QCOMPARE(d.sessionId, std::string("FIX.4.4:HELMSMAN->HMVENUE"));
        QCOMPARE(d.event, SessionEventKind::Logon);
        QCOMPARE(d.detail, std::string("logged on to HMVENUE"));
        const JournalRecord bare = row(RecordKind::FixSession, "", "S", -1, 0, 0, 0, "SequenceReset");
        QCOMPARE(show(encode(FixSessionRecord{"S", SessionEventKind::SequenceReset, ""}, kTime)), show(bare));
        QCOMPARE(decoded<FixSessionRecord>(bare).event, SessionEventKind::SequenceReset);
        QCOMPARE(decoded<FixSessionRecord>(bare).detail, std::string());

        refused<FixSessionRecord>(otherKind(RecordKind::FixSession), "is not of kind fix_session");
        refused<FixSessionRecord>(row(RecordKind::FixSession, "", "S", -1, 0, 0, 0, "Hello: there"), "session event 'Hello'");
    }

    void operatorActions()
    {
        const JournalRecord all = row(RecordKind::Operator, "", "cancel-all", -1, 0, 0, 0, "script");
        QCOMPARE(show(encode(OperatorRecord{"cancel-all", "script"}, kTime)), show(all));
        const auto o = decoded<OperatorRecord>(all);
        QCOMPARE(o.action, std::string("cancel-all"));
        QCOMPARE(o.detail, std::string("script"));

        const std::string why = "SELL 300 HMX @ 1884 would trade against our own BUY 500 @ 1884 (HM6172862-4 of the operator) "
                                "and 1 more; policy cancel_new";
        const JournalRecord denied = row(RecordKind::Operator, "", "replace-denied", -1, 0, 0, 0, "HM6172862-6: self_trade: " + why);
        QCOMPARE(show(encode(ReplaceDeniedRecord{"HM6172862-6", "self_trade", why}, kTime)), show(denied));
        const auto d = decoded<ReplaceDeniedRecord>(denied);
        QCOMPARE(d.clOrdId, std::string("HM6172862-6"));
        QCOMPARE(d.denyReason, std::string("self_trade"));
        QCOMPARE(d.text, why);

        refused<OperatorRecord>(otherKind(RecordKind::Operator), "is not of kind operator");
        refused<ReplaceDeniedRecord>(all, "action 'cancel-all' is not 'replace-denied'");
        refused<ReplaceDeniedRecord>(row(RecordKind::Operator, "", "replace-denied", -1, 0, 0, 0, "HM1-2: max_order_qty"),
                                     "is not 'ClOrdID: reason: why'");
    }

    void logAndDropped()
    {
        // app/logging.cpp and the journal writer.
        const JournalRecord log = row(RecordKind::Log, "", "helmsman", -1, 0, 0, 3, "journal queue is filling up");
        QCOMPARE(show(encode(LogRecord{"helmsman", 3, "journal queue is filling up"}, kTime)), show(log));
        const auto l = decoded<LogRecord>(log);
        QCOMPARE(l.logger, std::string("helmsman"));
        QCOMPARE(l.level, 3);
        QCOMPARE(l.message, std::string("journal queue is filling up"));

        const JournalRecord dropped = row(RecordKind::Dropped, "", "", -1, 0, 0, 1234, "journal queue full: market-data records dropped");
        QCOMPARE(show(encode(DroppedRecord{1234}, kTime)), show(dropped));
        QCOMPARE(decoded<DroppedRecord>(dropped).count, std::int64_t(1234));

        refused<LogRecord>(dropped, "is not of kind log");
        refused<LogRecord>(row(RecordKind::Log, "", "x", -1, 0, 0, 9, "m"), "log level 9");
        refused<DroppedRecord>(log, "is not of kind dropped");
        refused<DroppedRecord>(row(RecordKind::Dropped, "", "", -1, 0, 0, -1, ""), "negative count -1");
    }

    void audit()
    {
        const JournalRecord start = row(RecordKind::Audit, "twap-buy", "start", -1, 0, 0, 0,
                                        "config\x1ftrader\x1fstarted from the command line\x1f" "armed\x1frunning\x1f\x1f");
        const AuditEntry e{"config", "trader", "start", "twap-buy", "started from the command line", "armed", "running", ""};
        QCOMPARE(show(encode(e, kTime)), show(start));
        QCOMPARE(show(auditRecord(e, kTime)), show(start)); // the older name, the same row
        const auto d = decoded<AuditEntry>(start);
        QCOMPARE(d.who, e.who);
        QCOMPARE(d.role, e.role);
        QCOMPARE(d.action, e.action);
        QCOMPARE(d.agent, e.agent);
        QCOMPARE(d.reason, e.reason);
        QCOMPARE(d.stateBefore, e.stateBefore);
        QCOMPARE(d.stateAfter, e.stateAfter);
        QCOMPARE(d.detail, e.detail);
        AuditEntry viaOld;
        QVERIFY(parseAudit(start, viaOld));
        QCOMPARE(viaOld.detail, e.detail);
        // A separator typed into a field cannot split it.
        const auto sneaky = decoded<AuditEntry>(encode(AuditEntry{"tom", "trader", "kill", "a", "x\x1fy", "", "", ""}, kTime));
        QCOMPARE(sneaky.reason, std::string("x y"));

        const LimitChange change{"max_position", "20000", "15000"};
        QCOMPARE(formatLimitChange(change), std::string("max_position: 20000 -> 15000"));
        LimitChange c;
        QVERIFY(parseLimitChange("max_position: 20000 -> 15000", c));
        QCOMPARE(c.name, change.name);
        QCOMPARE(c.before, change.before);
        QCOMPARE(c.after, change.after);
        TicketNote n;
        QVERIFY(parseTicketNote("ticket 12: SELL 300 HMX @ 18.84", n));
        QCOMPARE(n.ticket, std::uint64_t(12));
        QCOMPARE(n.text, std::string("SELL 300 HMX @ 18.84"));
        QCOMPARE(formatTicketNote(n), std::string("ticket 12: SELL 300 HMX @ 18.84"));

        refused<AuditEntry>(otherKind(RecordKind::Audit), "is not of kind audit");
        refused<AuditEntry>(row(RecordKind::Audit, "a", "kill", -1, 0, 0, 0, "tom\x1ftrader\x1f"), "has 2 of the 6 fields");
        std::string error;
        QVERIFY(!parseLimitChange("max_position 15000", c, &error));
        QVERIFY2(error.find("'max_position 15000'") != std::string::npos, error.c_str());
        QVERIFY(!parseTicketNote("ticket twelve: x", n, &error));
        QVERIFY2(error.find("'ticket twelve: x'") != std::string::npos, error.c_str());

        ThrottleChange t;
        QVERIFY(parseThrottleChange("50% -> 25%", t));
        QCOMPARE(t.before, 50);
        QCOMPARE(t.after, 25);
        QCOMPARE(formatThrottleChange(t), std::string("50% -> 25%"));
        for (const char* bad : {"50 -> 25", "50% -> ", "% -> 25%", "50% -> 25", "50% -> -5%", "50% -> 25%%", "x% -> 25%"}) {
            QVERIFY2(!parseThrottleChange(bad, t, &error), bad);
            QVERIFY2(error.find(std::string("'") + bad + "'") != std::string::npos, error.c_str());
        }
    }

    void alerts()
    {
        const JournalRecord kill = row(RecordKind::Alert, "*", "alert", -1, 0, 0, 0, "GLOBAL KILL by tom: 3 cancels sent");
        QCOMPARE(show(encode(AlertRecord{"alert", "*", "GLOBAL KILL by tom: 3 cancels sent"}, kTime)), show(kill));
        const auto a = decoded<AlertRecord>(kill);
        QCOMPARE(a.kind, std::string("alert"));
        QCOMPARE(a.source, std::string("*"));
        QCOMPARE(a.text, std::string("GLOBAL KILL by tom: 3 cancels sent"));

        const JournalRecord truth = row(RecordKind::Alert, "HMX", "true-regime", -1, 0, 0, 0, "true regime unknown -> normal (simulator)");
        const JournalRecord seen = row(RecordKind::Alert, "HMX", "alert", -1, 0, 0, 0, "regime unknown -> normal (simulator)");
        QCOMPARE(show(encode(RegimeAlertRecord{"HMX", "unknown", "normal", "simulator", true}, kTime)), show(truth));
        QCOMPARE(show(encode(RegimeAlertRecord{"HMX", "unknown", "normal", "simulator", false}, kTime)), show(seen));
        const auto t = decoded<RegimeAlertRecord>(truth);
        QCOMPARE(t.symbol, std::string("HMX"));
        QCOMPARE(t.from, std::string("unknown"));
        QCOMPARE(t.to, std::string("normal"));
        QCOMPARE(t.source, std::string("simulator"));
        QVERIFY(t.trueRegime);
        const auto s = decoded<RegimeAlertRecord>(row(RecordKind::Alert, "HMX", "alert", -1, 0, 0, 0, "regime calm -> volatile (detector)"));
        QCOMPARE(s.from, std::string("calm"));
        QCOMPARE(s.to, std::string("volatile"));
        QCOMPARE(s.source, std::string("detector"));
        QVERIFY(!s.trueRegime);

        refused<AlertRecord>(otherKind(RecordKind::Alert), "is not of kind alert");
        refused<RegimeAlertRecord>(kill, "does not start with 'regime '");
        refused<RegimeAlertRecord>(row(RecordKind::Alert, "HMX", "alert", -1, 0, 0, 0, "regime calm, now volatile"),
                                   "is not 'regime FROM -> TO (SOURCE)'");
        refused<RegimeAlertRecord>(row(RecordKind::Alert, "HMX", "true-regime", -1, 0, 0, 0, "regime calm -> volatile (simulator)"),
                                   "does not start with 'true regime '");
    }

    void decisions()
    {
        const JournalRecord sent = row(RecordKind::AgentDecision, "HMX", "twap-sell", 1, 1884, 100, 1,
                                       "on pace: join the touch passively|elapsed %=0.669301|done=0|target now=100|behind=100|"
                                       "spread ticks=1|note=HM6172862-41");
        DecisionRecord d;
        d.agent = "twap-sell";
        d.symbol = "HMX";
        d.side = Side::Sell;
        d.price = 1884;
        d.qty = 100;
        d.outcome = DecisionOutcome::Sent;
        d.summary = "on pace: join the touch passively";
        d.factors = {{"elapsed %", 0.669301}, {"done", 0}, {"target now", 100}, {"behind", 100}, {"spread ticks", 1}};
        d.note = "HM6172862-41";
        QCOMPARE(show(encode(d, kTime)), show(sent));
        const auto got = decoded<DecisionRecord>(sent);
        QCOMPARE(got.agent, d.agent);
        QCOMPARE(got.symbol, d.symbol);
        QCOMPARE(got.side, d.side);
        QCOMPARE(got.price, d.price);
        QCOMPARE(got.qty, d.qty);
        QCOMPARE(got.outcome, d.outcome);
        QCOMPARE(got.summary, d.summary);
        QCOMPARE(got.factors, d.factors);
        QCOMPARE(got.note, d.note);

        // Queued for approval, dropped (engine_agents.cpp), a note holding '|', no factors.
        DecisionRecord q = d;
        q.outcome = DecisionOutcome::AwaitingApproval;
        q.factors.clear();
        q.note = formatTicketNote(TicketNote{7, "qty 1200 above threshold 1000"});
        const JournalRecord queued = row(RecordKind::AgentDecision, "HMX", "twap-sell", 1, 1884, 100, 2,
                                         "on pace: join the touch passively|note=ticket 7: qty 1200 above threshold 1000");
        QCOMPARE(show(encode(q, kTime)), show(queued));
        const auto gq = decoded<DecisionRecord>(queued);
        QCOMPARE(gq.outcome, DecisionOutcome::AwaitingApproval);
        QVERIFY(gq.factors.empty());
        TicketNote n;
        QVERIFY(parseTicketNote(gq.note, n));
        QCOMPARE(n.ticket, std::uint64_t(7));
        DecisionRecord x = d;
        x.outcome = DecisionOutcome::Dropped;
        x.note = "approval timed out|late";
        const auto gx = decoded<DecisionRecord>(encode(x, kTime));
        QCOMPARE(gx.outcome, DecisionOutcome::Dropped);
        QCOMPARE(gx.note, x.note);
        QCOMPARE(gx.factors, x.factors);
        x.note.clear();
        QCOMPARE(decoded<DecisionRecord>(encode(x, kTime)).note, std::string());
        // A learning agent's factor name holds '|' (execution_agent.cpp: "model drift (mean |z|)").
        const JournalRecord ppo = row(RecordKind::AgentDecision, "HMX", "ppo-sell", 1, 1885, 100, 1,
                                      "PPO step 1/180: inside child to stay on its schedule|executed=0|p(x=1)=0.5|"
                                      "drift (mean |z|)=0.557277|note=HM6172862-3");
        const auto gp = decoded<DecisionRecord>(ppo);
        QCOMPARE(gp.summary, std::string("PPO step 1/180: inside child to stay on its schedule"));
        const std::vector<std::pair<std::string, double>> want{{"executed", 0}, {"p(x=1)", 0.5}, {"drift (mean |z|)", 0.557277}};
        QCOMPARE(gp.factors, want);
        QCOMPARE(gp.note, std::string("HM6172862-3"));
        QCOMPARE(show(encode(gp, kTime)), show(ppo));
        // A summary that held '|', with no factors: read back whole.
        const auto bar = decoded<DecisionRecord>(row(RecordKind::AgentDecision, "HMX", "a", 0, 1, 1, 3, "flat | waiting|note=x|y"));
        QCOMPARE(bar.summary, std::string("flat | waiting"));
        QVERIFY(bar.factors.empty());
        QCOMPARE(bar.note, std::string("x|y"));
        // Aux 0 is "denied", as the engine shows it.
        QCOMPARE(std::string(toString(DecisionOutcome::Denied)), std::string("denied"));
        QCOMPARE(std::string(toString(DecisionOutcome::AwaitingApproval)), std::string("awaiting approval"));
        QCOMPARE(decoded<DecisionRecord>(row(RecordKind::AgentDecision, "HMX", "a", 0, 1, 1, 0, "s")).outcome,
                 DecisionOutcome::Denied);

        refused<DecisionRecord>(otherKind(RecordKind::AgentDecision), "is not of kind agent_decision");
        refused<DecisionRecord>(row(RecordKind::AgentDecision, "HMX", "a", 0, 1, 1, 4, "s"), "outcome 4 is outside 0..3");
        refused<DecisionRecord>(row(RecordKind::AgentDecision, "HMX", "a", 0, 1, 1, 1, "s|spread=wide"),
                                "factor text 'spread=wide' does not end in =NUMBER");
        refused<DecisionRecord>(row(RecordKind::AgentDecision, "HMX", "a", 0, 1, 1, 1, "s|k=1|loose|note=x"),
                                "factor text 'loose' does not end in =NUMBER");
        refused<DecisionRecord>(row(RecordKind::AgentDecision, "HMX", "a", -1, 1, 1, 1, "s"), "side -1");
    }

    void stateHash()
    {
        const JournalRecord small = row(RecordKind::StateHash, "", "", -1, 0, 13, 879335563778367748, "");
        const JournalRecord high = row(RecordKind::StateHash, "", "", -1, 0, 65, -7529780890691408143LL, "");
        QCOMPARE(show(encode(StateHashRecord{879335563778367748ull, 13}, kTime)), show(small));
        QCOMPARE(show(encode(StateHashRecord{10916963183018143473ull, 65}, kTime)), show(high));
        const auto h = decoded<StateHashRecord>(high);
        QCOMPARE(h.hash, 10916963183018143473ull);
        QCOMPARE(h.orders, std::int64_t(65));
        QCOMPARE(decoded<StateHashRecord>(small).hash, 879335563778367748ull);

        refused<StateHashRecord>(otherKind(RecordKind::StateHash), "is not of kind state_hash");
        refused<StateHashRecord>(row(RecordKind::StateHash, "", "", -1, 0, -2, 1, ""), "negative order count -2");
    }

    void anyRecord()
    {
        std::string error;
        QVERIFY(decodesCleanly(row(RecordKind::OrderNew, "HMX", "A", 0, 1, 1, 0, "LIMIT DAY"), &error));
        QVERIFY(!decodesCleanly(row(RecordKind::OrderNew, "HMX", "A", 0, 1, 1, 0, "LIMIT"), &error));
        QVERIFY2(error.find("no time in force") != std::string::npos, error.c_str());
        // The parts inside: a limit change's detail, a queued decision's ticket.
        QVERIFY(!decodesCleanly(encode(AuditEntry{"rita", "risk-manager", "limit-change", "", "", "", "", "max_position"}, kTime), &error));
        QVERIFY2(error.find("is not 'name: before -> after'") != std::string::npos, error.c_str());
        JournalRecord q = row(RecordKind::AgentDecision, "HMX", "a", 0, 1, 1, 2, "s|note=waiting");
        QVERIFY(!decodesCleanly(q, &error));
        QVERIFY2(error.find("is not 'ticket N: text'") != std::string::npos, error.c_str());
        JournalRecord strange = row(RecordKind::Log, "", "", -1, 0, 0, 0, "");
        strange.kind = static_cast<RecordKind>(42);
        strange.seq = 7;
        QVERIFY(!decodesCleanly(strange, &error));
        QVERIFY2(error.find("#7") != std::string::npos && error.find("kind 42") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestJournalCodec)
#include "tst_journal_codec.moc"
