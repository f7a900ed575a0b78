#pragma once
// A small journal in two instruments with different ticks, written record by record so
// that every figure of the analyst's tools can be worked out by hand:
//   HMX tick 0.01, ABC tick 0.05; mids 100.015 / 50.05 from 11 s, HMX 150.00 from 22 s,
//   101.01 / 49.05 at the end (30 s).
//   P-1 operator buy 100 HMX @ 100.02    filled at 12 s
//   P-2 "pairs"  buy 200 ABC @ 50.10     filled at 13 s
//   P-3 operator sell 100 ABC @ 50.00    filled at 14 s
//   P-4 "pairs"  buy 300 ABC @ 50.10     filled at 25 s: net notional 20,005 -> 35,020 with HMX
//                                        at 150 (30,021 with HMX still at its price when ordered)
// Market trades: HMX 1,000 and ABC 2,000.
#include "journal/journal_codec.h"
#include "journal/journal_writer.h"

#include <string>

namespace hm::multi {

constexpr Timestamp kT0 = 1700000000LL * 1000000000LL;
constexpr Timestamp sec(double s) { return kT0 + static_cast<Timestamp>(s * 1e9); }

inline void book(JournalWriter& w, double t, const std::string& symbol, Price bid, Price ask)
{
    w.append(encode(BookLevelRecord{symbol, Side::Buy, bid, 500, false}, sec(t)));
    w.append(encode(BookLevelRecord{symbol, Side::Sell, ask, 500, false}, sec(t)));
}

inline void filledOrder(JournalWriter& w, double t, const std::string& id, const std::string& owner,
                        const std::string& symbol, Side side, Quantity qty, Price price)
{
    OrderNewRecord n;
    n.clOrdId = id;
    n.symbol = symbol;
    n.side = side;
    n.qty = qty;
    n.price = price;
    n.owner = owner;
    w.append(encode(n, sec(t)));
    ExecReportRecord e;
    e.clOrdId = id;
    e.symbol = symbol;
    e.side = side;
    e.lastPx = price;
    e.lastQty = qty;
    e.cumQty = qty;
    e.execId = "X" + id;
    e.orderId = "O" + id;
    e.execType = ExecType::Trade;
    e.ordStatus = OrderStatus::Filled;
    w.append(encode(e, sec(t + 0.1)));
}

// Removes a level: the book is incremental, a zero quantity deletes the price.
inline void clearLevel(JournalWriter& w, double t, const std::string& symbol, Side side, Price price)
{
    w.append(encode(BookLevelRecord{symbol, side, price, 0, false}, sec(t)));
}

inline void writeTwoInstrumentJournal(const std::string& path)
{
    JournalWriter w(JournalOptions{path});
    w.start();
    w.append(encode(InstrumentConfigRecord{Instrument{"HMX", 0.01, 1, "USD"}}, sec(0)));
    w.append(encode(InstrumentConfigRecord{Instrument{"ABC", 0.05, 1, "USD"}}, sec(0)));
    book(w, 1, "HMX", 10000, 10002);
    book(w, 1, "ABC", 1000, 1002);
    // A second quote after the risk model's sampling interval (10 s), so that both
    // instruments have marks before the first order.
    clearLevel(w, 11, "HMX", Side::Buy, 10000);
    w.append(encode(BookLevelRecord{"HMX", Side::Buy, 10001, 500, false}, sec(11)));
    filledOrder(w, 12, "P-1", "", "HMX", Side::Buy, 100, 10002);
    filledOrder(w, 13, "P-2", "pairs", "ABC", Side::Buy, 200, 1002);
    filledOrder(w, 14, "P-3", "", "ABC", Side::Sell, 100, 1000);
    // HMX jumps while nothing is ordered in it: the next order elsewhere must see it.
    clearLevel(w, 22, "HMX", Side::Buy, 10001);
    clearLevel(w, 22, "HMX", Side::Sell, 10002);
    book(w, 22, "HMX", 14999, 15001);
    filledOrder(w, 25, "P-4", "pairs", "ABC", Side::Buy, 300, 1002);
    w.append(encode(TradeRecord{"HMX", 10001, 1000}, sec(26)));
    w.append(encode(TradeRecord{"ABC", 1001, 2000}, sec(26)));
    clearLevel(w, 30, "HMX", Side::Buy, 14999);
    clearLevel(w, 30, "HMX", Side::Sell, 15001);
    book(w, 30, "HMX", 10100, 10102);
    clearLevel(w, 30, "ABC", Side::Buy, 1000);
    clearLevel(w, 30, "ABC", Side::Sell, 1002);
    book(w, 30, "ABC", 980, 982);
    w.stop();
}

} // namespace hm::multi
