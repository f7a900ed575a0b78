// A hostile client. A seeded fuzz of mutated NewOrderSingles, replaces and cancels,
// sent as raw FIX over TCP to an in-process venue: every malformed one is refused
// (ExecutionReport 39=8, OrderCancelReject, session Reject or logout), every valid one
// acknowledged, the venue survives and its market data never shows a negative or
// absurd size. The hostile broker, towards the gateway, is tst_fix_fuzz_gateway.
#include "fix_test_support.h"
#include "raw_fix_peer.h"
#include "fix/fix_text.h"
#include "fix/order_fields.h"

#include <QtTest>

#include <map>
#include <random>
#include <set>

using namespace hm;
using namespace hm::test;

namespace {

// ---------------------------------------------------------------------------------
// The fuzz: orders built field by field, then maybe mutated; each one knows whether it
// is valid by construction.

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string body(const Fields& f)
{
    std::string out;
    for (const auto& kv : f)
        out += kv.first + "=" + kv.second + kSoh;
    return out;
}

void setField(Fields& f, const std::string& tag, const std::string& value)
{
    for (auto& kv : f)
        if (kv.first == tag) {
            kv.second = value;
            return;
        }
    f.emplace_back(tag, value);
}

void removeField(Fields& f, const std::string& tag)
{
    Fields out;
    for (const auto& kv : f)
        if (kv.first != tag)
            out.push_back(kv);
    f.swap(out);
}

struct MarketSpec {
    std::string symbol;
    Instrument instrument;
    Price reference = 0;
};

enum class Outcome { None, Acknowledged, RejectedReport, CancelRejected, SessionReject, BusinessReject, Logout };

const char* outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::None: return "no answer";
    case Outcome::Acknowledged: return "acknowledged";
    case Outcome::RejectedReport: return "ExecutionReport 39=8";
    case Outcome::CancelRejected: return "OrderCancelReject 35=9";
    case Outcome::SessionReject: return "session Reject 35=3";
    case Outcome::BusinessReject: return "BusinessMessageReject 35=j";
    case Outcome::Logout: return "logout";
    }
    return "?";
}

struct LiveOrder {
    std::string symbol;
    std::string side;
    Quantity orderQty = 0;
};

struct FuzzCounts {
    int sent = 0;
    int valid = 0;
    int validAcknowledged = 0;
    int malformed = 0;
    std::map<std::string, int> malformedBy; // outcome -> count
    std::vector<std::string> failures;
};

class Fuzzer {
public:
    Fuzzer(FixVenue& venue, std::vector<MarketSpec> markets, const std::string& password, std::uint64_t seed,
           std::string idPrefix = "")
        : m_venue(venue), m_markets(std::move(markets)), m_password(password), m_rng(seed), m_prefix(std::move(idPrefix))
    {
    }

    bool logon()
    {
        m_peer.reset(new RawPeer(RawPeer::connectTo(m_venue.port()), "FUZZ", "HMVENUE"));
        m_consumed = 0;
        const std::size_t from = m_peer->received.size();
        m_peer->send("A", std::string("98=0") + kSoh + "108=30" + kSoh + "141=Y" + kSoh + "553=fuzz" + kSoh + "554="
                              + m_password + kSoh);
        if (!m_peer->pumpUntil(5000, [&] { return seen(from, [](const Msg& m) { return m.type() == "A"; }); }))
            return false;
        std::string md = std::string("262=FUZZMD") + std::to_string(++m_logons) + kSoh + "263=1" + kSoh + "264=0"
            + kSoh + "265=1" + kSoh + "267=2" + kSoh + "269=0" + kSoh + "269=1" + kSoh + "146="
            + std::to_string(m_markets.size()) + kSoh;
        for (const auto& mk : m_markets)
            md += "55=" + mk.symbol + kSoh;
        m_peer->send("V", md);
        return m_peer->sync();
    }

    void disconnect() { m_peer.reset(); }

    void run(int cases, FuzzCounts& counts)
    {
        for (int i = 0; i < cases; ++i) {
            if (!m_peer || m_peer->closed()) {
                if (!logon()) {
                    counts.failures.push_back("could not log on again after case " + std::to_string(i));
                    return;
                }
            }
            const unsigned pick = m_rng() % 100;
            if (pick < 8)
                replaceCase(counts);
            else if (pick < 12)
                cancelCase(counts);
            else
                newOrderCase(counts);
            consume();
        }
        if (m_peer && !m_peer->closed()) {
            m_peer->sync();
            consume();
        }
    }

    // Market data seen: the largest size, and sizes that were not plain non-negative integers.
    Quantity maxPublishedSize = 0;
    std::vector<std::string> badSizes;
    std::uint64_t marketDataMessages = 0;
    Quantity validQuantitySent = 0;
    int rejectsNamingNothing = 0; // session Rejects without RefTagID(371) or Text(58)

private:
    template <typename P>
    bool seen(std::size_t from, P pred) const
    {
        for (std::size_t i = from; i < m_peer->received.size(); ++i)
            if (pred(m_peer->received[i]))
                return true;
        return false;
    }

    std::string transactTime() const { return "20260101-00:00:00.000"; }
    std::string nextId(const char* kind) { return m_prefix + kind + std::to_string(++m_ids); }
    int uniform(int lo, int hi) { return lo + static_cast<int>(m_rng() % static_cast<unsigned>(hi - lo + 1)); }
    template <typename T>
    const T& choose(const std::vector<T>& v)
    {
        return v[m_rng() % v.size()];
    }

    // A price text that is valid for the market: the exact ticks, with harmless variants.
    std::string validPriceText(const MarketSpec& mk, Price ticks)
    {
        std::string text = fixconv::priceText(mk.instrument, ticks);
        switch (m_rng() % 4) {
        case 0: return text.find('.') == std::string::npos ? text + ".0" : text + "0";
        case 1: return "0" + text;
        default: return text;
        }
    }
    std::string validQtyText(Quantity q)
    {
        switch (m_rng() % 5) {
        case 0: return std::to_string(q) + ".0";
        case 1: return "0" + std::to_string(q);
        default: return std::to_string(q);
        }
    }

    // Sends and waits for this message's answer.
    Outcome exchange(const std::string& type, const Fields& f, const std::string& clOrdId, const std::string& ackExecType)
    {
        const std::size_t from = m_peer->received.size();
        const int seq = m_peer->send(type, body(f));
        Outcome out = Outcome::None;
        auto decided = [&] {
            for (std::size_t i = from; i < m_peer->received.size(); ++i) {
                const Msg& m = m_peer->received[i];
                if (m.type() == "3" && m.get(45) == std::to_string(seq)) {
                    out = Outcome::SessionReject;
                    if (!m.has(371) && !m.has(58))
                        ++rejectsNamingNothing;
                }
                else if (m.type() == "j" && m.get(45) == std::to_string(seq))
                    out = Outcome::BusinessReject;
                else if (m.type() == "5")
                    out = Outcome::Logout;
                else if (m.type() == "9" && m.get(11) == clOrdId && !clOrdId.empty())
                    out = Outcome::CancelRejected;
                else if (m.type() == "8" && m.get(11) == clOrdId && !clOrdId.empty() && m.get(150) == "8")
                    out = Outcome::RejectedReport;
                else if (m.type() == "8" && m.get(11) == clOrdId && !clOrdId.empty() && m.get(150) == ackExecType)
                    out = Outcome::Acknowledged;
                else
                    continue;
                return true;
            }
            return false;
        };
        m_peer->pumpUntil(3000, decided);
        m_lastText.clear();
        for (std::size_t i = from; i < m_peer->received.size(); ++i)
            if (m_peer->received[i].has(58))
                m_lastText += " [" + m_peer->received[i].get(58) + "]";
        if (out == Outcome::None && m_peer->closed())
            out = Outcome::Logout;
        return out;
    }

    void record(FuzzCounts& counts, bool valid, Outcome out, const std::string& what, const Fields& f)
    {
        ++counts.sent;
        if (valid) {
            ++counts.valid;
            if (out == Outcome::Acknowledged)
                ++counts.validAcknowledged;
            else
                counts.failures.push_back("valid " + what + " got " + outcomeName(out) + m_lastText + ": " + body(f));
            return;
        }
        ++counts.malformed;
        ++counts.malformedBy[outcomeName(out)];
        if (out == Outcome::Acknowledged || out == Outcome::None)
            counts.failures.push_back("malformed " + what + " got " + outcomeName(out) + m_lastText + ": " + body(f));
    }

    void newOrderCase(FuzzCounts& counts)
    {
        const MarketSpec& mk = m_markets[m_rng() % 5 == 0 && m_markets.size() > 1 ? 1 : 0];
        const Quantity lot = mk.instrument.lotSize;
        const bool buy = m_rng() % 2 == 0;
        const bool market = m_rng() % 100 < 12;
        // Mostly passive, some crossing the touch.
        const Price ticks = mk.reference + (buy ? -1 : 1) * uniform(-3, 15);
        const Quantity qty = lot * uniform(1, lot > 1 ? 5 : 300);
        const std::string id = nextId("N");
        Fields f{{"11", id},
                 {"55", mk.symbol},
                 {"54", buy ? "1" : "2"},
                 {"60", transactTime()},
                 {"38", validQtyText(qty)},
                 {"40", market ? "1" : "2"}};
        if (!market || m_rng() % 3 == 0)
            f.emplace_back("44", validPriceText(mk, ticks));
        const std::vector<std::string> tifs{"", "0", "1", "3", "4"};
        const std::string tif = choose(tifs);
        if (!tif.empty())
            f.emplace_back("59", tif);

        std::string what = "order";
        bool valid = true;
        if (m_rng() % 100 < 60) {
            valid = false;
            what = mutateOrder(f, mk, market);
        }
        std::string clOrdId;
        for (const auto& kv : f)
            if (kv.first == "11")
                clOrdId = kv.second;
        const Outcome out = exchange("D", f, clOrdId, "0");
        if (valid && out == Outcome::Acknowledged) {
            m_accepted.push_back(id);
            validQuantitySent += qty;
        }
        record(counts, valid, out, what, f);
    }

    // Returns the mutation's name. Every one of them makes the order one that must be refused.
    std::string mutateOrder(Fields& f, const MarketSpec& mk, bool market)
    {
        const bool lotted = mk.instrument.lotSize > 1;
        const std::vector<std::string> badPrices{"1e23", "1e12", "1E2", "18.805", "0.001", "-18.85", "0", "0.00",
                                                 "-0", "abc", "18,85", "18.85.1", "+18.85", " 18.85", "18.85 ",
                                                 "0x12", "nan", "inf", "1000000000000", "10000000.01",
                                                 "92233720368547758089", "18.8500000000000000001", "9e18", "", ".",
                                                 "-", "20.01", "20.025"};
        const std::vector<std::string> badQtys{"0.5", "100.7", "1e15", "9e18", "9000000000000000000", "0", "-100",
                                               "abc", "", "2000000000", "1.5e2", "100 ", "-0", "10.000001"};
        const std::vector<std::string> badLots{"150", "50", "99", "1"};
        switch (m_rng() % 12) {
        case 0:
        case 1:
        case 2: {
            std::string p = choose(badPrices);
            if (!lotted && (p == "20.01" || p == "20.025"))
                p = "18.855";
            if (lotted && p == "18.805")
                p = "20.03";
            setField(f, "44", p);
            if (m_rng() % 4 != 0)
                setField(f, "40", "2");
            return "Price(44)=" + p;
        }
        case 3:
        case 4:
        case 5: {
            const std::string q = lotted && m_rng() % 2 ? choose(badLots) : choose(badQtys);
            setField(f, "38", q);
            return "OrderQty(38)=" + q;
        }
        case 6: {
            const std::vector<std::string> required{"11", "55", "54", "38", "40", "60"};
            const std::string tag = choose(required);
            removeField(f, tag);
            return "missing " + tag;
        }
        case 7: {
            if (!market) {
                removeField(f, "44");
                return "limit without a price";
            }
            setField(f, "44", "18.85");
            f.emplace_back("44", "18.86");
            return "repeated tag 44";
        }
        case 8: {
            const std::vector<std::pair<std::string, std::string>> extra{
                {"0", "1"}, {"-5", "1"}, {"99999999999", "1"}, {"9999", "x"}, {"7777", "x"}, {"270", "18.85"},
                {"112", "x"}, {"453", "abc"}, {"00", "1"}, {"5000", "y"}};
            const auto& e = choose(extra);
            f.insert(f.begin() + static_cast<std::ptrdiff_t>(m_rng() % (f.size() + 1)), e);
            return "tag " + e.first;
        }
        case 9: {
            // Parties: not in the dictionary's NewOrderSingle; and a group cut short.
            if (m_rng() % 2) {
                f.emplace_back("453", "2");
                f.emplace_back("448", "A");
                f.emplace_back("447", "D");
                f.emplace_back("452", "1");
                return "group 453 with fewer entries than its count";
            }
            f.emplace_back("453", "1");
            f.emplace_back("448", "A");
            f.emplace_back("447", "D");
            f.emplace_back("452", "1");
            return "group 453 not defined for the message";
        }
        case 10: {
            const std::vector<std::pair<std::string, std::string>> values{
                {"54", "Z"}, {"54", "7"}, {"54", ""}, {"40", "Z"}, {"40", "3"}, {"59", "Z"}, {"59", "2"},
                {"55", "NOPE"}, {"11", ""}, {"60", "notatime"}, {"60", "20261301-00:00:00"}};
            const auto& v = choose(values);
            setField(f, v.first, v.second);
            return v.first + "=" + v.second;
        }
        default: {
            if (m_accepted.empty()) {
                setField(f, "55", "NOPE");
                return "55=NOPE";
            }
            setField(f, "11", choose(m_accepted));
            return "duplicate ClOrdID";
        }
        }
    }

    // Live orders, from every report read so far.
    void consume()
    {
        for (; m_consumed < m_peer->received.size(); ++m_consumed) {
            const Msg& m = m_peer->received[m_consumed];
            if (m.type() == "W" || m.type() == "X") {
                ++marketDataMessages;
                for (const std::string& size : m.all(271)) {
                    Quantity q = 0;
                    if (!fixconv::parseQuantity(size, "MDEntrySize(271)", 0, fixconv::kMaxMarketDataQuantity, 1, q)
                             .empty()) {
                        badSizes.push_back(size);
                        continue;
                    }
                    maxPublishedSize = std::max(maxPublishedSize, q);
                }
                continue;
            }
            if (m.type() != "8")
                continue;
            const std::string id = m.get(11);
            const std::string status = m.get(39);
            if (m.get(150) == "5")
                m_live.erase(m.get(41));
            if (status == "0" || status == "1") {
                if (m_live.count(id) || m.get(150) == "0" || m.get(150) == "5")
                    m_live[id] = LiveOrder{m.get(55), m.get(54), std::atoll(m.get(38).c_str())};
            } else {
                m_live.erase(id);
                m_live.erase(m.get(41)); // a cancel names the order it ended
            }
        }
    }

    bool pickLive(std::string& id, LiveOrder& order)
    {
        m_peer->sync();
        consume();
        if (m_live.empty())
            return false;
        auto it = m_live.begin();
        std::advance(it, static_cast<long>(m_rng() % m_live.size()));
        id = it->first;
        order = it->second;
        return true;
    }

    const MarketSpec& spec(const std::string& symbol) const
    {
        for (const auto& mk : m_markets)
            if (mk.symbol == symbol)
                return mk;
        return m_markets.front();
    }

    void replaceCase(FuzzCounts& counts)
    {
        std::string target;
        LiveOrder o;
        if (!pickLive(target, o))
            return newOrderCase(counts);
        const MarketSpec& mk = spec(o.symbol);
        const bool buy = o.side == "1";
        const Quantity newQty = o.orderQty + mk.instrument.lotSize * uniform(0, 3);
        const Price ticks = mk.reference + (buy ? -1 : 1) * uniform(2, 15);
        const std::string id = nextId("R");
        Fields f{{"41", target},   {"11", id}, {"55", o.symbol}, {"54", o.side}, {"60", transactTime()},
                 {"38", validQtyText(newQty)}, {"40", "2"},      {"44", validPriceText(mk, ticks)}};
        bool valid = true;
        std::string what = "replace";
        if (m_rng() % 100 < 60) {
            valid = false;
            const std::vector<std::pair<std::string, std::string>> bad{
                {"38", "0.5"},    {"38", "100.7"}, {"38", "1e15"}, {"38", "9e18"}, {"38", "-100"}, {"38", "0"},
                {"38", "2000000000"}, {"44", "18.805"}, {"44", "1e23"}, {"44", "-1"}, {"44", "0"},
                {"44", "0.001"}, {"44", "abc"}, {"9999", "x"}, {"453", "1"}};
            const auto& b = choose(bad);
            setField(f, b.first, b.second);
            what = "replace " + b.first + "=" + b.second;
            if (b.first == "38" && mk.instrument.lotSize > 1 && m_rng() % 2) {
                setField(f, "38", std::to_string(o.orderQty + 1));
                what = "replace off-lot quantity";
            }
            if (b.first == "44" && b.second == "18.805" && mk.instrument.lotSize > 1)
                setField(f, "44", "20.03");
        }
        const Outcome out = exchange("G", f, id, "5");
        if (valid && out != Outcome::Acknowledged && qEnvironmentVariableIsSet("HM_FUZZ_DEBUG"))
            for (const auto& m : m_peer->received)
                if (m.get(11) == target || m.get(41) == target)
                    qWarning("  %s", m.raw.c_str());
        record(counts, valid, out, what, f);
    }

    void cancelCase(FuzzCounts& counts)
    {
        std::string target;
        LiveOrder o;
        if (!pickLive(target, o))
            return newOrderCase(counts);
        const std::string id = nextId("C");
        Fields f{{"41", target}, {"11", id}, {"55", o.symbol}, {"54", o.side}, {"60", transactTime()}};
        bool valid = true;
        std::string what = "cancel";
        if (m_rng() % 2)
            f.emplace_back("38", std::to_string(o.orderQty));
        if (m_rng() % 100 < 50) {
            valid = false;
            const std::vector<std::pair<std::string, std::string>> bad{
                {"38", "-5"}, {"38", "0.5"}, {"38", "1e15"}, {"38", "abc"}, {"9999", "x"}, {"0", "1"}};
            const auto& b = choose(bad);
            setField(f, b.first, b.second);
            what = "cancel " + b.first + "=" + b.second;
        }
        record(counts, valid, exchange("F", f, id, "4"), what, f);
    }

    FixVenue& m_venue;
    std::vector<MarketSpec> m_markets;
    std::string m_password;
    std::mt19937_64 m_rng;
    std::string m_prefix; // ClOrdIDs are unique per session, across logons
    std::unique_ptr<RawPeer> m_peer;
    int m_logons = 0;
    std::uint64_t m_ids = 0;
    std::size_t m_consumed = 0;
    std::vector<std::string> m_accepted;
    std::map<std::string, LiveOrder> m_live;
    std::string m_lastText;
};

// A quiet venue (only the seeded levels and the clients' orders move its books) with a
// second instrument that has a lot size and a coarser tick.
VenueConfig venueConfig(QTemporaryDir& dir)
{
    VenueConfig vc;
    vc.dataDictionary = std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml";
    vc.storeDirectory = dir.filePath("venue").toStdString();
    vc.password = "fuzz-pw";
    vc.flowOrdersPerSecond = 0;
    vc.marketDataIntervalMs = 10;
    vc.clientCompIds = {"FUZZ"};
    vc.instruments = {FixVenue::defaultInstrument(), FixVenue::parseInstruments("LOT:0.05:100").front()};
    vc.referencePrices = {1885, 400};
    return vc;
}

} // namespace

class TestFixFuzz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void venueRefusesEveryMalformedOrder_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<int>("cases");
        QTest::newRow("seed 1") << quint64(1) << 1200;
        QTest::newRow("seed 2") << quint64(2) << 1200;
        QTest::newRow("seed 3") << quint64(3) << 1200;
    }

    void venueRefusesEveryMalformedOrder()
    {
        QFETCH(quint64, seed);
        QFETCH(int, cases);
        QTemporaryDir dir;
        const VenueConfig vc = venueConfig(dir);
        const MarketSpec hmx{"HMX", vc.instruments[0], vc.referencePrices[0]};
        const MarketSpec lot{"LOT", vc.instruments[1], vc.referencePrices[1]};
        FixVenue venue(vc);
        venue.start();

        Fuzzer fuzz(venue, {hmx, lot}, vc.password, seed);
        QVERIFY(fuzz.logon());
        FuzzCounts counts;
        fuzz.run(cases, counts);

        QString summary = QStringLiteral("seed %1: sent %2, valid %3 (acknowledged %4), malformed %5 refused by")
                              .arg(seed)
                              .arg(counts.sent)
                              .arg(counts.valid)
                              .arg(counts.validAcknowledged)
                              .arg(counts.malformed);
        for (const auto& kv : counts.malformedBy)
            summary += QStringLiteral(" [%1: %2]").arg(QString::fromStdString(kv.first)).arg(kv.second);
        summary += QStringLiteral("; %1 market data messages, largest size %2")
                       .arg(fuzz.marketDataMessages)
                       .arg(fuzz.maxPublishedSize);
        qInfo("%s", qPrintable(summary));
        for (std::size_t i = 0; i < counts.failures.size() && i < 15; ++i)
            qWarning("%s", counts.failures[i].c_str());
        QVERIFY(counts.failures.empty());
        QCOMPARE(counts.sent, cases);
        QVERIFY(counts.valid > cases / 4 && counts.malformed > cases / 3); // both kinds exercised
        QCOMPARE(counts.validAcknowledged, counts.valid);
        QCOMPARE(counts.malformedBy.count("acknowledged"), std::size_t(0));
        // Market data: never negative, never beyond what was ever placed.
        QVERIFY2(fuzz.badSizes.empty(), fuzz.badSizes.empty() ? "" : fuzz.badSizes.front().c_str());
        QVERIFY(fuzz.marketDataMessages > 0);
        QCOMPARE(fuzz.rejectsNamingNothing, 0);
        QVERIFY(fuzz.maxPublishedSize <= fuzz.validQuantitySent + 100 * 100 * 4 * 10);
        // The venue still serves: the client logs on afresh and trades.
        fuzz.disconnect();
        QTRY_VERIFY_WITH_TIMEOUT(!venue.anyClientLoggedOn(), 5000);
        Fuzzer after(venue, {hmx, lot}, vc.password, seed + 1000, "after-");
        QVERIFY(after.logon());
        FuzzCounts more;
        after.run(20, more);
        QVERIFY2(more.failures.empty(), more.failures.empty() ? "" : more.failures.front().c_str());
        QVERIFY(more.validAcknowledged > 0);
    }

    // As QuickFIX's FIX 4.4 acceptance definitions 14a (bad tag number), 14b (required
    // tag missing), 14c (tag not defined for the message type), 14e (incorrect data
    // format) and 14g (repeating group count wrong) expect of a strict acceptor.
    void venueRejectsBadTagsAtSessionLevel_data()
    {
        QTest::addColumn<QString>("fields");
        QTest::addColumn<QString>("refTag");
        QTest::addColumn<QString>("reason");
        QTest::newRow("14a tag 0") << "0=1|" << "0" << "0";
        QTest::newRow("14a negative tag") << "-5=1|" << "" << "0";
        QTest::newRow("14b required tag missing") << "!38" << "38" << "1";
        QTest::newRow("14c tag not defined for NewOrderSingle") << "112=x|" << "112" << "2";
        QTest::newRow("14c unknown tag below 5000") << "4999=x|" << "4999" << "0";
        QTest::newRow("14c user-defined tag") << "9999=x|" << "9999" << "0";
        QTest::newRow("14e incorrect data format") << "38=abc|" << "38" << "6";
        QTest::newRow("14g group count wrong") << "V" << "146" << "16";
    }

    void venueRejectsBadTagsAtSessionLevel()
    {
        QFETCH(QString, fields);
        QFETCH(QString, refTag);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const VenueConfig vc = venueConfig(dir);
        FixVenue venue(vc);
        venue.start();
        RawPeer raw(RawPeer::connectTo(venue.port()), "FUZZ", "HMVENUE");
        raw.send("A", std::string("98=0") + kSoh + "108=30" + kSoh + "554=" + vc.password + kSoh);
        QVERIFY(raw.pumpUntil(5000, [&] { return !raw.received.empty() && raw.received.back().type() == "A"; }));
        Fields order{{"11", "T1"}, {"55", "HMX"}, {"54", "1"}, {"60", "20260101-00:00:00.000"}, {"38", "100"},
                     {"40", "2"}, {"44", "18.80"}};
        std::string text = fields.toStdString();
        std::string type = "D";
        if (text == "V") { // a MarketDataRequest whose NoRelatedSym says 2 and carries 1
            type = "V";
            order = {{"262", "MD1"}, {"263", "1"}, {"264", "0"}, {"267", "1"}, {"269", "0"}, {"146", "2"}, {"55", "HMX"}};
        } else if (text[0] == '!') {
            removeField(order, text.substr(1));
        } else {
            for (std::size_t at = 0; at < text.size();) {
                const std::size_t eq = text.find('=', at), bar = text.find('|', at);
                const std::string tag = text.substr(at, eq - at), value = text.substr(eq + 1, bar - eq - 1);
                if (tag == "38")
                    setField(order, tag, value);
                else
                    order.emplace_back(tag, value);
                at = bar + 1;
            }
        }
        const int seq = raw.send(type, body(order));
        QVERIFY(raw.pumpUntil(5000, [&] {
            for (const auto& m : raw.received)
                if (m.type() == "3" || m.type() == "8" || m.type() == "W")
                    return true;
            return false;
        }));
        const Msg* reject = nullptr;
        for (const auto& m : raw.received)
            if (m.type() == "3" || m.type() == "8" || m.type() == "W")
                reject = &m;
        QVERIFY2(reject->type() == "3", reject->raw.c_str());
        QCOMPARE(reject->get(45), std::to_string(seq));
        if (!refTag.isEmpty())
            QCOMPARE(reject->get(371), refTag.toStdString());
        if (!reason.isEmpty())
            QCOMPARE(reject->get(373), reason.toStdString());
        // The session carries on: a good order is acknowledged.
        Fields good{{"11", "T2"}, {"55", "HMX"}, {"54", "1"}, {"60", "20260101-00:00:00.000"}, {"38", "100"},
                    {"40", "2"}, {"44", "18.80"}};
        raw.send("D", body(good));
        QVERIFY(raw.pumpUntil(5000, [&] {
            for (const auto& m : raw.received)
                if (m.type() == "8" && m.get(11) == "T2" && m.get(150) == "0")
                    return true;
            return false;
        }));
    }
};

QTEST_GUILESS_MAIN(TestFixFuzz)
#include "tst_fix_fuzz.moc"
