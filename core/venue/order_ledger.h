#pragma once
// The venue's durable record of its client orders: an append-only text file, one line
// per change to an order, each handed to the kernel with one write(2) before the report
// about that change is queued, so whatever reached the wire is in the file even when the
// process is killed. A venue that starts again on the same file knows every order it
// had, every ClOrdID of each, and every fill. C++14, no FIX, no QuickFIX.
//
// Format (version 1). Text, one record a line, fields separated by one TAB:
//
//   helmsman venue order ledger 1                          the first line, exactly
//   I  <timeNs> <nextOrderId> <nextExecId>                 ids reserved
//   O  <timeNs> <session> <orderId> <clOrdId> <symbol> <side> <type> <tif>
//      <orderQty> <cumQty> <notionalTicks> <price> <live> <execId> <lastQty> <lastPx> <text>
//
// - timeNs: wall time of the change, nanoseconds since the epoch (UTC).
// - I: every OrderID and ExecID the venue issues has a number below these two (the
//   venue reserves ids a block ahead), so ids never repeat across restarts, whatever
//   prefix they carry.
// - O: the order's whole state after the change. session is the client's SessionKey;
//   clOrdId the order's ClOrdID at that point (the reader collects every one it had);
//   side buy|sell; type limit|market; tif day|gtc|ioc|fok; quantities and prices are
//   whole numbers (prices in ticks); notionalTicks is the sum of fill price in ticks x
//   fill qty; live 1|0 (0: filled, cancelled or killed). execId is the ExecID of the
//   report sent for the change, empty when none was sent; lastQty > 0 marks a fill of
//   lastQty at lastPx. text says why, when it is not obvious (a kill, a restart).
// - Strings are escaped: backslash as \\, TAB as \t, LF as \n, CR as \r, any other
//   byte below 0x20 as \xHH. An empty field is an empty string.
//
// Reading: the last line about an OrderID gives its state; fills accumulate. A last
// line with no newline (a write cut off by a kill) is ignored with a warning; any other
// line that does not read is an error naming the file and line, and the file is left
// as it is.
#include "venue/venue_messages.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hm {

struct LedgerFill {
    std::string execId;
    Quantity qty = 0;
    Price px = 0; // ticks
};

struct LedgerOrder {
    SessionKey session = kNoSession;
    std::vector<std::string> clOrdIds; // every ClOrdID the order had, first first; the last is the current one
    std::string orderId, symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity orderQty = 0, cumQty = 0;
    std::int64_t notionalTicks = 0;
    Price price = 0;
    bool live = false;
    std::vector<LedgerFill> fills; // in the order they happened
    std::int64_t lastChangeNs = 0;
    std::string text; // of the last change
};

// One change to an order: its state after the change and the report that told of it.
struct LedgerChange {
    std::int64_t timeNs = 0;
    SessionKey session = kNoSession;
    std::string orderId, clOrdId, symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Day;
    Quantity orderQty = 0, cumQty = 0;
    std::int64_t notionalTicks = 0;
    Price price = 0;
    bool live = false;
    std::string execId;
    Quantity lastQty = 0;
    Price lastPx = 0;
    std::string text;
};

// What a ledger file holds. Throws std::runtime_error("venue order ledger 'FILE' line N:
// ...") for a line that does not read; a missing file holds nothing.
struct LedgerContents {
    std::vector<LedgerOrder> orders; // in the order the venue took them
    std::uint64_t nextOrderId = 1;   // above every id issued or reserved
    std::uint64_t nextExecId = 1;
    std::vector<std::string> lines;            // every whole line after the header, as read
    std::vector<std::size_t> orderOfLine;      // index into orders per line; kNoOrder for an I line
    std::uint64_t wholeBytes = 0;              // the file's size up to its last newline
    bool tornTail = false;                     // bytes after the last newline were ignored
    static constexpr std::size_t kNoOrder = static_cast<std::size_t>(-1);
};
LedgerContents loadOrderLedger(const std::string& path);

// For tools and tests: the orders of a ledger file (throws as above).
std::vector<LedgerOrder> readOrderLedger(const std::string& path);

std::string formatLedgerLine(const LedgerChange& change); // without the newline
std::string formatLedgerReservation(std::int64_t timeNs, std::uint64_t nextOrderId, std::uint64_t nextExecId);

// The ledger file opened for appending. Opening loads it (creating it and its
// directory when missing), cuts off a torn last line so appends start on a line of
// their own, and rewrites it without the orders that ended before dropEndedBeforeNs
// (a new file renamed over the old). Throws std::runtime_error naming the file.
class OrderLedger {
public:
    OrderLedger(const std::string& path, std::int64_t dropEndedBeforeNs);
    ~OrderLedger();
    OrderLedger(const OrderLedger&) = delete;
    OrderLedger& operator=(const OrderLedger&) = delete;

    const LedgerContents& contents() const { return m_contents; } // as loaded and compacted
    void forgetContents() { m_contents = LedgerContents(); }       // once they are restored
    const std::string& path() const { return m_path; }

    // One line each, with one write(2). False (and error() says why) when it failed.
    bool append(const LedgerChange& change);
    bool reserve(std::int64_t timeNs, std::uint64_t nextOrderId, std::uint64_t nextExecId);
    bool healthy() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }

private:
    bool writeLine(const std::string& line);

    std::string m_path;
    LedgerContents m_contents;
    int m_fd = -1;
    std::string m_error;
};

} // namespace hm
