#include "session_recovery.h"

#include "engine/engine_core.h"
#include "engine/refusing_gateway.h"
#include "journal/journal_codec.h"
#include "journal/journal_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hm {
namespace {

std::string stateFile(const std::string& dataDirectory) { return dataDirectory + "/state/last-session"; }

CarryOrderRecord carried(const OrderRecord& o, const std::string& source)
{
    CarryOrderRecord c;
    c.clOrdId = o.clOrdId;
    c.currentClOrdId = o.currentClOrdId;
    c.orderId = o.orderId;
    c.symbol = o.symbol;
    c.side = o.side;
    c.type = o.type;
    c.tif = o.tif;
    c.qty = o.qty;
    c.cumQty = o.cumQty;
    c.leavesQty = o.leavesQty;
    c.price = o.price;
    c.avgPx = o.avgPx;
    c.status = o.status;
    c.source = source;
    c.owner = o.owner;
    return c;
}

} // namespace

std::string lastSessionJournal(const std::string& dataDirectory)
{
    std::ifstream in(stateFile(dataDirectory));
    std::string line;
    if (!in || !std::getline(in, line))
        return {};
    return line;
}

bool recordLastSession(const std::string& dataDirectory, const std::string& journal, std::string& error)
{
    const std::string dir = dataDirectory + "/state";
    ::mkdir(dir.c_str(), 0755);
    const std::string path = stateFile(dataDirectory);
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "cannot write '" + tmp + "': " + std::strerror(errno);
        return false;
    }
    const std::string text = journal + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
        error = "cannot write '" + path + "': " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

PreviousSession readPreviousSession(const std::string& journal)
{
    PreviousSession out;
    out.journal = journal;
    out.carry.from = journal;
    JournalReader reader(journal);
    EngineConfig config;
    for (const auto& r : reader.records(RecordKind::Config, 10000)) {
        ConfigRecord c;
        InstrumentConfigRecord i;
        if (!decode(r, c))
            continue;
        if (c.key == "instrument" && decode(r, i)) { // a later record (the counterparty's list) replaces one
            auto known = std::find_if(config.instruments.begin(), config.instruments.end(),
                                      [&](const Instrument& k) { return k.symbol == i.instrument.symbol; });
            if (known == config.instruments.end())
                config.instruments.push_back(i.instrument);
            else
                *known = i.instrument;
        }
        if (c.key == "clordid-prefix")
            out.clOrdIdPrefix = c.value;
    }
    config.replay = true;
    config.stateHashIntervalMs = 0;
    config.clOrdIdPrefix = "CARRY-";
    RefusingGateway gateway("the carry-over of a journal sends nothing");
    EngineCore core(config, gateway, nullptr);
    std::vector<JournalRecord> batch;
    auto flush = [&] {
        core.handle(ReplayBatch{std::move(batch), false});
        batch.clear();
    };
    // Orders and what became of them; the market and the agents do not change either.
    reader.forEachOfKinds({RecordKind::OrderNew, RecordKind::OrderDenied, RecordKind::OrderCancel,
                           RecordKind::OrderReplace, RecordKind::ExecReport, RecordKind::CancelReject,
                           RecordKind::CarryPosition, RecordKind::CarryOrder},
                          [&](const JournalRecord& r) {
                              if (r.kind != RecordKind::ExecReport && r.kind != RecordKind::CarryPosition)
                                  out.clOrdIds.insert(r.ref);
                              batch.push_back(r);
                              if (batch.size() >= 4096)
                                  flush();
                          });
    flush();
    const OrderManager& oms = core.state().router.m_oms;
    for (const auto& kv : oms.positions())
        if (kv.second.qty != 0)
            out.carry.positions.push_back(CarryPositionRecord{kv.first, kv.second.qty, kv.second.avgCostTicks, journal});
    for (const OrderRecord* o : oms.workingOrders()) {
        out.clOrdIds.insert(o->currentClOrdId);
        out.carry.orders.push_back(carried(*o, "journal"));
    }
    return out;
}

std::size_t addUnjournaledOrders(PreviousSession& previous, const std::vector<SentOrderMessage>& sent)
{
    const std::string& prefix = previous.clOrdIdPrefix;
    std::map<std::string, std::size_t> carriedBy; // any ClOrdID of a carried order -> its index
    for (std::size_t i = 0; i < previous.carry.orders.size(); ++i) {
        const CarryOrderRecord& c = previous.carry.orders[i];
        carriedBy[c.clOrdId] = carriedBy[c.currentClOrdId] = i;
        for (const auto& a : c.aliases)
            carriedBy[a] = i;
    }
    std::size_t added = 0;
    for (const SentOrderMessage& m : sent) {
        if (m.msgType != 'D') {
            // A replace or cancel of a carried order: the counterparty may report the
            // order under its id, whichever session sent it.
            auto c = carriedBy.find(m.origClOrdId);
            if (c != carriedBy.end() && !carriedBy.count(m.clOrdId)) {
                previous.carry.orders[c->second].aliases.push_back(m.clOrdId);
                carriedBy[m.clOrdId] = c->second;
            }
            continue;
        }
        if (prefix.empty() || m.clOrdId.compare(0, prefix.size(), prefix) != 0 || previous.clOrdIds.count(m.clOrdId))
            continue; // an older journal has no prefix: which stored orders were its own cannot be told
        OrderRecord o;
        o.clOrdId = m.clOrdId;
        o.currentClOrdId = m.clOrdId;
        o.symbol = m.symbol;
        o.side = m.side;
        o.type = m.type;
        o.tif = m.tif;
        o.qty = m.qty;
        o.price = m.price;
        o.leavesQty = m.qty;
        o.status = OrderStatus::PendingNew;
        carriedBy[m.clOrdId] = previous.carry.orders.size();
        previous.carry.orders.push_back(carried(o, "fix-store"));
        previous.clOrdIds.insert(m.clOrdId);
        ++added;
    }
    return added;
}

} // namespace hm
