#pragma once
// Where a session starts when another ran before it on the same data directory: the
// positions and the orders working or in flight that the last session's journal ends
// with, plus the orders only the FIX store knew of (they reached the wire before their
// journal rows were committed), carried in and then reconciled with the counterparty
// (core/engine/reconciler.h). The last session is the journal named in
// <data>/state/last-session, which each session writes once its carry-in is committed.
#include "engine/engine_input.h"
#include "fix/sent_orders.h"

#include <set>
#include <string>
#include <vector>

namespace hm {

struct PreviousSession {
    std::string journal;
    std::string clOrdIdPrefix;       // its ClOrdIDs' prefix (config "clordid-prefix"); "" in older journals
    std::set<std::string> clOrdIds;  // every ClOrdID its journal has: orders, cancels, replaces, carried orders
    CarryIn carry;                   // positions and working orders at its end
};

// "" when no session has recorded itself, or the file names no journal.
std::string lastSessionJournal(const std::string& dataDirectory);
// Replaces the record atomically (write, fsync, rename). False with `error` on failure.
bool recordLastSession(const std::string& dataDirectory, const std::string& journal, std::string& error);

// The end of the journal's session, rebuilt by the replay's own code from its order,
// report and carry records. Throws std::runtime_error naming the journal.
PreviousSession readPreviousSession(const std::string& journal);

// Adds, as orders in flight, the new orders of that session (by its ClOrdID prefix) the
// FIX store holds and its journal does not, and to every carried order the ClOrdIDs of
// its replaces and cancels in the store; returns how many orders were added.
std::size_t addUnjournaledOrders(PreviousSession& previous, const std::vector<SentOrderMessage>& sent);

} // namespace hm
