#include "venue/order_ledger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hm {
namespace {

const char* const kHeader = "helmsman venue order ledger 1";
constexpr std::int64_t kDayNs = 86400LL * 1000000000LL;
constexpr std::size_t kOrderFields = 18;
constexpr std::size_t kReserveFields = 4;

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what)
{
    throw std::runtime_error("venue order ledger '" + path + "' line " + std::to_string(line) + ": " + what);
}

[[noreturn]] void failFile(const std::string& path, const std::string& what)
{
    throw std::runtime_error("venue order ledger '" + path + "': " + what);
}

std::string escape(const std::string& s)
{
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        const unsigned char u = static_cast<unsigned char>(c);
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default:
            if (u < 0x20) {
                char buf[5];
                std::snprintf(buf, sizeof(buf), "\\x%02X", u);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// Reads one line's fields; what is wrong with it goes to `why`.
class LineReader {
public:
    LineReader(const std::string& path, std::size_t lineNo, const std::string& line) : m_path(path), m_lineNo(lineNo)
    {
        std::size_t start = 0;
        for (;;) {
            const std::size_t tab = line.find('\t', start);
            m_fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos)
                break;
            start = tab + 1;
        }
    }
    std::size_t size() const { return m_fields.size(); }
    const std::string& raw(std::size_t i) const { return m_fields[i]; }
    [[noreturn]] void fail(const std::string& what) const { hm::fail(m_path, m_lineNo, what); }

    std::string text(std::size_t i, const char* name) const
    {
        const std::string& f = m_fields[i];
        std::string out;
        for (std::size_t k = 0; k < f.size(); ++k) {
            const char c = f[k];
            if (static_cast<unsigned char>(c) < 0x20)
                fail(std::string(name) + " holds a raw control character");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (++k >= f.size())
                fail(std::string(name) + " ends in a lone backslash");
            switch (f[k]) {
            case '\\': out += '\\'; break;
            case 't': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 'x': {
                const int hi = k + 1 < f.size() ? hexDigit(f[k + 1]) : -1;
                const int lo = k + 2 < f.size() ? hexDigit(f[k + 2]) : -1;
                if (hi < 0 || lo < 0)
                    fail(std::string(name) + " has a \\x escape without two hex digits");
                out += static_cast<char>(hi * 16 + lo);
                k += 2;
                break;
            }
            default: fail(std::string(name) + " has an unknown escape \\" + std::string(1, f[k]));
            }
        }
        return out;
    }

    std::string nonEmptyText(std::size_t i, const char* name) const
    {
        std::string s = text(i, name);
        if (s.empty())
            fail(std::string(name) + " is empty");
        return s;
    }

    std::uint64_t number(std::size_t i, const char* name, std::uint64_t min, std::uint64_t max) const
    {
        const std::string& f = m_fields[i];
        if (f.empty() || f.size() > 20 || f.find_first_not_of("0123456789") != std::string::npos)
            fail(std::string(name) + " '" + escape(f) + "' is not a whole number");
        errno = 0;
        const unsigned long long v = std::strtoull(f.c_str(), nullptr, 10);
        if (errno == ERANGE || v < min || v > max)
            fail(std::string(name) + " " + f + " is out of range (allowed " + std::to_string(min) + ".."
                 + std::to_string(max) + ")");
        return v;
    }

    std::int64_t signedNumber(std::size_t i, const char* name, std::int64_t min) const
    {
        return static_cast<std::int64_t>(number(i, name, static_cast<std::uint64_t>(min),
                                                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())));
    }

private:
    std::string m_path;
    std::size_t m_lineNo;
    std::vector<std::string> m_fields;
};

const char* sideText(Side s) { return s == Side::Buy ? "buy" : "sell"; }
const char* typeText(OrderType t) { return t == OrderType::Limit ? "limit" : "market"; }
const char* tifText(TimeInForce t)
{
    switch (t) {
    case TimeInForce::Day: return "day";
    case TimeInForce::GoodTillCancel: return "gtc";
    case TimeInForce::ImmediateOrCancel: return "ioc";
    case TimeInForce::FillOrKill: return "fok";
    }
    return "day";
}

Side sideOf(const LineReader& r, std::size_t i)
{
    if (r.raw(i) == "buy")
        return Side::Buy;
    if (r.raw(i) == "sell")
        return Side::Sell;
    r.fail("side '" + escape(r.raw(i)) + "' is not buy or sell");
}

OrderType typeOf(const LineReader& r, std::size_t i)
{
    if (r.raw(i) == "limit")
        return OrderType::Limit;
    if (r.raw(i) == "market")
        return OrderType::Market;
    r.fail("order type '" + escape(r.raw(i)) + "' is not limit or market");
}

TimeInForce tifOf(const LineReader& r, std::size_t i)
{
    for (TimeInForce t : {TimeInForce::Day, TimeInForce::GoodTillCancel, TimeInForce::ImmediateOrCancel,
                          TimeInForce::FillOrKill})
        if (r.raw(i) == tifText(t))
            return t;
    r.fail("time in force '" + escape(r.raw(i)) + "' is not day, gtc, ioc or fok");
}

// The number an id the venue issued ends with, after its letter ("<prefix>O12" -> 12).
std::uint64_t numberAfter(const std::string& id, char letter)
{
    const std::size_t at = id.rfind(letter);
    if (at == std::string::npos || at + 1 >= id.size() || id.size() - at - 1 > 18
        || id.find_first_not_of("0123456789", at + 1) != std::string::npos)
        return 0;
    return std::strtoull(id.c_str() + at + 1, nullptr, 10);
}

constexpr std::uint64_t kMaxQty = static_cast<std::uint64_t>(std::numeric_limits<Quantity>::max());
constexpr std::uint64_t kMaxPrice = static_cast<std::uint64_t>(std::numeric_limits<Price>::max());

LedgerChange readChange(const LineReader& r)
{
    if (r.size() != kOrderFields)
        r.fail("an order line has " + std::to_string(kOrderFields) + " fields, this one " + std::to_string(r.size()));
    LedgerChange c;
    c.timeNs = r.signedNumber(1, "time", 0);
    c.session = static_cast<SessionKey>(r.number(2, "session", 0, static_cast<std::uint64_t>(std::numeric_limits<int>::max())));
    c.orderId = r.nonEmptyText(3, "OrderID");
    c.clOrdId = r.nonEmptyText(4, "ClOrdID");
    c.symbol = r.nonEmptyText(5, "symbol");
    c.side = sideOf(r, 6);
    c.type = typeOf(r, 7);
    c.tif = tifOf(r, 8);
    c.orderQty = static_cast<Quantity>(r.number(9, "order quantity", 1, kMaxQty));
    c.cumQty = static_cast<Quantity>(r.number(10, "filled quantity", 0, kMaxQty));
    c.notionalTicks = r.signedNumber(11, "notional", 0);
    c.price = static_cast<Price>(r.number(12, "price", 0, kMaxPrice));
    if (r.raw(13) != "0" && r.raw(13) != "1")
        r.fail("live flag '" + escape(r.raw(13)) + "' is not 0 or 1");
    c.live = r.raw(13) == "1";
    c.execId = r.text(14, "ExecID");
    c.lastQty = static_cast<Quantity>(r.number(15, "fill quantity", 0, kMaxQty));
    c.lastPx = static_cast<Price>(r.number(16, "fill price", 0, kMaxPrice));
    c.text = r.text(17, "text");
    if (c.cumQty > c.orderQty)
        r.fail("filled quantity " + std::to_string(c.cumQty) + " is above the order quantity "
               + std::to_string(c.orderQty));
    if (c.lastQty > 0 && c.execId.empty())
        r.fail("a fill without an ExecID");
    if (c.lastQty > 0 && c.lastPx <= 0)
        r.fail("a fill without a price");
    return c;
}

using AliasKey = std::pair<SessionKey, std::string>;

// The change applied to the orders read so far (or a new order), checked against them.
std::size_t applyChange(const LineReader& r, const LedgerChange& c, LedgerContents& out,
                 std::map<std::string, std::size_t>& byOrderId, std::map<AliasKey, std::size_t>& byAlias)
{
    auto it = byOrderId.find(c.orderId);
    const bool fresh = it == byOrderId.end();
    const std::size_t index = fresh ? out.orders.size() : it->second;
    const AliasKey alias(c.session, c.clOrdId);
    auto owner = byAlias.find(alias);
    if (owner != byAlias.end() && owner->second != index)
        r.fail("ClOrdID '" + escape(c.clOrdId) + "' of session " + std::to_string(c.session) + " belongs to order "
               + out.orders[owner->second].orderId + ", not " + c.orderId);
    const Quantity before = fresh ? 0 : out.orders[index].cumQty;
    if (c.cumQty != before + c.lastQty)
        r.fail("order " + c.orderId + " filled quantity " + std::to_string(c.cumQty) + " is not the "
               + std::to_string(before) + " before plus this line's fill " + std::to_string(c.lastQty));
    if (fresh) {
        LedgerOrder o;
        o.session = c.session;
        o.orderId = c.orderId;
        o.symbol = c.symbol;
        o.side = c.side;
        o.type = c.type;
        o.tif = c.tif;
        out.orders.push_back(std::move(o));
        byOrderId[c.orderId] = index;
    }
    LedgerOrder& o = out.orders[index];
    if (c.session != o.session || c.symbol != o.symbol || c.side != o.side || c.type != o.type || c.tif != o.tif)
        r.fail("order " + c.orderId + " changes its session, symbol, side, type or time in force");
    if (!o.live && !fresh && c.live)
        r.fail("order " + c.orderId + " works again after it ended");
    for (auto a = o.clOrdIds.begin(); a != o.clOrdIds.end(); ++a)
        if (*a == c.clOrdId) {
            o.clOrdIds.erase(a);
            break;
        }
    o.clOrdIds.push_back(c.clOrdId); // the current one last
    byAlias[alias] = index;
    o.orderQty = c.orderQty;
    o.cumQty = c.cumQty;
    o.notionalTicks = c.notionalTicks;
    o.price = c.price;
    o.live = c.live;
    o.lastChangeNs = c.timeNs;
    o.text = c.text;
    if (c.lastQty > 0)
        o.fills.push_back(LedgerFill{c.execId, c.lastQty, c.lastPx});
    out.nextOrderId = std::max(out.nextOrderId, numberAfter(c.orderId, 'O') + 1);
    out.nextExecId = std::max(out.nextExecId, numberAfter(c.execId, 'E') + 1);
    return index;
}

std::string readWholeFile(const std::string& path, bool& missing)
{
    missing = false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            missing = true;
            return std::string();
        }
        failFile(path, std::string("cannot be read: ") + std::strerror(errno));
    }
    std::string data;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int e = errno;
            ::close(fd);
            failFile(path, std::string("cannot be read: ") + std::strerror(e));
        }
        if (n == 0)
            break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return data;
}

bool writeAll(int fd, const std::string& data, std::string& error)
{
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) { // O_APPEND: a short write is continued, still at the end
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = std::string("write failed: ") + std::strerror(errno);
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

void makeDirectories(const std::string& path, const std::string& ledgerPath)
{
    std::string sofar;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        sofar = path.substr(0, slash);
        if (!sofar.empty() && ::mkdir(sofar.c_str(), 0755) != 0 && errno != EEXIST)
            failFile(ledgerPath, "cannot create directory '" + sofar + "': " + std::strerror(errno));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
}

std::string directoryOf(const std::string& path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

} // namespace

constexpr std::size_t LedgerContents::kNoOrder;

std::string formatLedgerLine(const LedgerChange& c)
{
    std::string s = "O\t";
    s += std::to_string(c.timeNs) + '\t' + std::to_string(c.session) + '\t' + escape(c.orderId) + '\t'
        + escape(c.clOrdId) + '\t' + escape(c.symbol) + '\t' + sideText(c.side) + '\t' + typeText(c.type) + '\t'
        + tifText(c.tif) + '\t' + std::to_string(c.orderQty) + '\t' + std::to_string(c.cumQty) + '\t'
        + std::to_string(c.notionalTicks) + '\t' + std::to_string(c.price) + '\t' + (c.live ? "1" : "0") + '\t'
        + escape(c.execId) + '\t' + std::to_string(c.lastQty) + '\t' + std::to_string(c.lastPx) + '\t'
        + escape(c.text);
    return s;
}

std::string formatLedgerReservation(std::int64_t timeNs, std::uint64_t nextOrderId, std::uint64_t nextExecId)
{
    return "I\t" + std::to_string(timeNs) + '\t' + std::to_string(nextOrderId) + '\t' + std::to_string(nextExecId);
}

LedgerContents loadOrderLedger(const std::string& path)
{
    LedgerContents out;
    bool missing = false;
    const std::string data = readWholeFile(path, missing);
    if (missing)
        return out;
    const std::size_t lastNewline = data.rfind('\n');
    out.wholeBytes = lastNewline == std::string::npos ? 0 : lastNewline + 1;
    if (data.size() > out.wholeBytes) {
        out.tornTail = true;
        spdlog::warn("venue order ledger '{}': its last line ({} bytes) has no newline, a write cut off when the "
                     "process ended; ignored",
                     path, data.size() - out.wholeBytes);
    }
    std::map<std::string, std::size_t> byOrderId;
    std::map<AliasKey, std::size_t> byAlias;
    std::size_t lineNo = 0, start = 0;
    while (start < out.wholeBytes) {
        const std::size_t end = data.find('\n', start);
        const std::string line = data.substr(start, end - start);
        start = end + 1;
        ++lineNo;
        if (lineNo == 1) {
            if (line != kHeader)
                fail(path, 1, std::string("not a venue order ledger (the first line should be '") + kHeader + "')");
            continue;
        }
        if (line.empty())
            fail(path, lineNo, "empty line");
        const LineReader r(path, lineNo, line);
        if (r.raw(0) == "O") {
            out.orderOfLine.push_back(applyChange(r, readChange(r), out, byOrderId, byAlias));
        } else if (r.raw(0) == "I") {
            if (r.size() != kReserveFields)
                r.fail("an id line has " + std::to_string(kReserveFields) + " fields, this one "
                       + std::to_string(r.size()));
            r.signedNumber(1, "time", 0);
            const std::uint64_t maxId = std::numeric_limits<std::uint64_t>::max() / 2;
            out.nextOrderId = std::max(out.nextOrderId, r.number(2, "next OrderID", 1, maxId));
            out.nextExecId = std::max(out.nextExecId, r.number(3, "next ExecID", 1, maxId));
            out.orderOfLine.push_back(LedgerContents::kNoOrder);
        } else {
            r.fail("unknown record '" + escape(r.raw(0)) + "' (expected O or I)");
        }
        out.lines.push_back(line);
    }
    return out;
}

std::vector<LedgerOrder> readOrderLedger(const std::string& path) { return loadOrderLedger(path).orders; }

OrderLedger::OrderLedger(const std::string& path, std::int64_t nowNs) : m_path(path)
{
    makeDirectories(directoryOf(path), path);
    m_contents = loadOrderLedger(path);

    // Orders that ended before today are dropped, the rest kept line for line (their
    // aliases and fills are in those lines); the ids stay reserved.
    const std::int64_t dayStart = nowNs - nowNs % kDayNs;
    std::vector<bool> dropped(m_contents.orders.size(), false);
    std::size_t drops = 0;
    for (std::size_t i = 0; i < m_contents.orders.size(); ++i)
        if (!m_contents.orders[i].live && m_contents.orders[i].lastChangeNs < dayStart) {
            dropped[i] = true;
            ++drops;
        }
    if (drops > 0) {
        std::string text = std::string(kHeader) + '\n'
            + formatLedgerReservation(nowNs, m_contents.nextOrderId, m_contents.nextExecId) + '\n';
        for (std::size_t k = 0; k < m_contents.lines.size(); ++k) {
            const std::size_t order = m_contents.orderOfLine[k];
            if (order != LedgerContents::kNoOrder && !dropped[order])
                text += m_contents.lines[k] + '\n';
        }
        const std::string temp = path + ".compacting";
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            failFile(path, "cannot write its compacted copy '" + temp + "': " + std::strerror(errno));
        std::string why;
        const bool written = writeAll(fd, text, why) && (::fsync(fd) == 0 || (why = std::strerror(errno), false));
        ::close(fd);
        if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
            if (why.empty())
                why = std::strerror(errno);
            ::unlink(temp.c_str());
            failFile(path, "cannot replace it with its compacted copy: " + why);
        }
        spdlog::info("venue order ledger '{}': {} order(s) that ended before today dropped, {} kept", path, drops,
                     m_contents.orders.size() - drops);
        m_contents = loadOrderLedger(path);
    } else if (m_contents.tornTail && ::truncate(path.c_str(), static_cast<off_t>(m_contents.wholeBytes)) != 0) {
        // The cut-off line goes, so the next line starts on a line of its own.
        failFile(path, std::string("cannot cut off its incomplete last line: ") + std::strerror(errno));
    }

    m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        failFile(path, std::string("cannot be opened for writing: ") + std::strerror(errno));
    if (m_contents.wholeBytes == 0 && !writeLine(kHeader))
        failFile(path, m_error);
}

OrderLedger::~OrderLedger()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool OrderLedger::append(const LedgerChange& change) { return writeLine(formatLedgerLine(change)); }

bool OrderLedger::reserve(std::int64_t timeNs, std::uint64_t nextOrderId, std::uint64_t nextExecId)
{
    return writeLine(formatLedgerReservation(timeNs, nextOrderId, nextExecId));
}

// Once a write failed, nothing more is written: a line after a partial one would read
// as a corrupt line in the middle of the file.
bool OrderLedger::writeLine(const std::string& line)
{
    if (!m_error.empty())
        return false;
    std::string why;
    if (writeAll(m_fd, line + '\n', why))
        return true;
    m_error = why;
    spdlog::error("venue order ledger '{}': {}; no further changes are recorded", m_path, why);
    return false;
}

} // namespace hm
