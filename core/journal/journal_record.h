#pragma once
// One row of the journal. Deliberately flat: a few typed columns that every kind
// uses the same way (see docs/journal.md), so the table reads well in the sqlite3
// shell and inserts fast. What goes in the columns and the text of each kind is
// written and read by journal_codec.h, and nowhere else.
#include "journal/audit_entry.h"
#include "model/types.h"

#include <cstdint>
#include <string>

namespace hm {

enum class RecordKind : std::uint8_t {
    SessionStart = 1, // text: program and version; ref: session id
    Config = 2,       // ref: key; text: value
    OrderNew = 3,     // ref: ClOrdID; side, price (ticks), qty; text: type/tif
    OrderCancel = 4,  // ref: cancel ClOrdID; text: original ClOrdID
    OrderReplace = 5, // ref: ClOrdID; price, qty; text: original ClOrdID
    ExecReport = 6,   // ref: ClOrdID; side; price = last px; qty = last qty; aux = cum qty; text: exec id|exec type|status|order id|leaves
    CancelReject = 7, // ref: ClOrdID; text: original ClOrdID|reason
    BookLevel = 8,    // side; price; qty (0 = level removed)
    Trade = 9,        // price; qty
    FixSession = 10,  // ref: session id; text: event and detail
    Operator = 11,    // ref: action; text: detail
    Log = 12,         // aux: level; text: message
    Dropped = 13,     // aux: how many market-data records the full queue dropped
    OrderDenied = 14, // ref: ClOrdID; symbol; side, price, qty; aux: deny reason code; text: reason
    Audit = 15,       // symbol: agent ("*" all, "" none); ref: action; text: AuditEntry fields, see below
    Alert = 16,       // ref: alert kind (stress, halt, stale-data, drawdown...); symbol: agent or instrument; text
    AgentDecision = 17, // ref: agent; symbol; side, price, qty; aux: DecisionOutcome (0 denied, 1 sent, 2 queued, 3 dropped); text: rationale
    StateHash = 18,   // aux: hash of the engine's state after every record before it; replay compares
    CarryPosition = 19, // symbol; qty: signed position carried over from the last session; text: avg cost, source
    CarryOrder = 20,    // ref: ClOrdID; symbol; side, price, qty; aux: cum qty; text: the rest of the order
};
constexpr int kLastRecordKind = 20;

const char* toString(RecordKind kind);

// Market data may be shed under overload; orders, executions and operator actions never are.
inline bool isSheddable(RecordKind kind)
{
    return kind == RecordKind::BookLevel || kind == RecordKind::Trade || kind == RecordKind::Log;
}

struct JournalRecord {
    std::int64_t seq = 0; // assigned by the journal when appended
    Timestamp time = 0;   // wall clock, ns
    RecordKind kind = RecordKind::Log;
    std::string symbol;
    std::string ref;
    int side = -1; // -1 none, 0 buy, 1 sell
    std::int64_t price = 0;
    std::int64_t qty = 0;
    std::int64_t aux = 0;
    std::string text;
};

// Schema 2 added the hash-chained audit table; schema 1 journals still open.
constexpr int kJournalSchemaVersion = 2;

// The audit row's format, as encode()/decode() in journal_codec.h write and read it;
// kept under these names for the callers that use them.
JournalRecord auditRecord(const AuditEntry& entry, Timestamp time);
bool parseAudit(const JournalRecord& record, AuditEntry& out);

} // namespace hm
