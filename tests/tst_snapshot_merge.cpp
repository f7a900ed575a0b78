// Merging a skipped snapshot into the next (EngineSnapshot::absorbOlder), field by
// field: what rides only on the older one survives, before the newer one's, within the
// caps; the newer one's state is what remains; nothing crosses a replay's jump.
#include "engine/snapshot.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace hm;

namespace {

// Each incremental list: how to reach it, how to make its i-th item and how to tell
// items apart, and its cap.
struct FillList {
    static const char* name() { return "newFills"; }
    static std::vector<FillRecord>& of(EngineSnapshot& s) { return s.newFills; }
    static FillRecord make(const std::string& key)
    {
        FillRecord f;
        f.execId = key;
        return f;
    }
    static std::string key(const FillRecord& f) { return f.execId; }
    static constexpr std::size_t cap = EngineSnapshot::kMergedFills;
};

struct SessionEventList {
    static const char* name() { return "newSessionEvents"; }
    static std::vector<SessionEvent>& of(EngineSnapshot& s) { return s.newSessionEvents; }
    static SessionEvent make(const std::string& key) { return SessionEvent{"S", SessionEventKind::Created, key, 0}; }
    static std::string key(const SessionEvent& e) { return e.text; }
    static constexpr std::size_t cap = EngineSnapshot::kMergedSessionEvents;
};

struct FeedList {
    static const char* name() { return "newFeed"; }
    static std::vector<FeedItem>& of(EngineSnapshot& s) { return s.newFeed; }
    static FeedItem make(const std::string& key) { return FeedItem{0, "alert", "test", key}; }
    static std::string key(const FeedItem& f) { return f.text; }
    static constexpr std::size_t cap = EngineSnapshot::kMergedFeed;
};

struct DecisionList {
    static const char* name() { return "newDecisions"; }
    static std::vector<DecisionView>& of(EngineSnapshot& s) { return s.newDecisions; }
    static DecisionView make(const std::string& key) { return DecisionView{0, "a", "sent", key, {}, {}}; }
    static std::string key(const DecisionView& d) { return d.order; }
    static constexpr std::size_t cap = EngineSnapshot::kMergedDecisions;
};

// A book's trades; the snapshots get one book (HMX) when they have none.
struct TradeList {
    static const char* name() { return "books[0].newTrades"; }
    static std::vector<Trade>& of(EngineSnapshot& s)
    {
        if (s.books.empty()) {
            s.books.emplace_back();
            s.books.back().instrument.symbol = "HMX";
        }
        return s.books.front().newTrades;
    }
    static Trade make(const std::string& key) { return Trade{key, 1880, 100, 0}; }
    static std::string key(const Trade& t) { return t.symbol; }
    static constexpr std::size_t cap = EngineSnapshot::kMergedTrades;
};

template <typename L>
std::vector<std::string> keys(EngineSnapshot& s)
{
    std::vector<std::string> out;
    for (const auto& item : L::of(s))
        out.push_back(L::key(item));
    return out;
}

template <typename L>
void fill(EngineSnapshot& s, const std::string& prefix, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        L::of(s).push_back(L::make(prefix + std::to_string(i)));
}

using Keys = std::vector<std::string>;

template <typename L>
void checkList()
{
    const QByteArray what = L::name();
    { // older's items survive, before the newer one's
        EngineSnapshot older, newer;
        fill<L>(older, "old", 2);
        fill<L>(newer, "new", 1);
        newer.absorbOlder(older);
        QVERIFY2(keys<L>(newer) == (Keys{"old0", "old1", "new0"}), what);
    }
    { // only in the older one
        EngineSnapshot older, newer;
        fill<L>(older, "old", 3);
        L::of(newer); // (the book exists, without trades)
        newer.absorbOlder(older);
        QVERIFY2(keys<L>(newer) == (Keys{"old0", "old1", "old2"}), what);
    }
    { // the cap: the newest are kept, the newer one's whole
        EngineSnapshot older, newer;
        fill<L>(older, "old", L::cap);
        fill<L>(newer, "new", 3);
        newer.absorbOlder(older);
        const Keys k = keys<L>(newer);
        QVERIFY2(k.size() == L::cap, what);
        QVERIFY2(k.front() == "old3", what);
        QVERIFY2(k[L::cap - 4] == "old" + std::to_string(L::cap - 1), what);
        QVERIFY2((Keys(k.end() - 3, k.end()) == Keys{"new0", "new1", "new2"}), what);
    }
    { // a newer one already over the cap keeps its own newest, nothing older
        EngineSnapshot older, newer;
        fill<L>(older, "old", 5);
        fill<L>(newer, "new", L::cap + 10);
        QVERIFY2(newer.exceedsCaps(), what);
        newer.absorbOlder(older);
        const Keys k = keys<L>(newer);
        QVERIFY2(k.size() == L::cap && k.front() == "new10", what);
        QVERIFY2(!newer.exceedsCaps(), what);
    }
    { // trimming alone
        EngineSnapshot s;
        fill<L>(s, "x", L::cap);
        QVERIFY2(!s.exceedsCaps(), what);
        fill<L>(s, "y", 1);
        QVERIFY2(s.exceedsCaps(), what);
        s.trimToCaps();
        const Keys k = keys<L>(s);
        QVERIFY2(k.size() == L::cap && k.front() == "x1" && k.back() == "y0", what);
    }
    { // not across a replay's jump
        EngineSnapshot older, newer;
        older.epoch = 1;
        newer.epoch = 2;
        fill<L>(older, "old", 2);
        fill<L>(newer, "new", 1);
        newer.absorbOlder(older);
        QVERIFY2(keys<L>(newer) == (Keys{"new0"}), what);
    }
}

RiskView riskWith(double pnl)
{
    RiskView r;
    r.pnl = pnl;
    return r;
}

} // namespace

class TestSnapshotMerge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fills() { checkList<FillList>(); }
    void sessionEvents() { checkList<SessionEventList>(); }
    void feed() { checkList<FeedList>(); }
    void decisions() { checkList<DecisionList>(); }
    void trades() { checkList<TradeList>(); }

    // The histories sent once after a replay's jump: taken from the skipped snapshot when
    // the newer one has none, never mixed with the newer one's.
    void onceAfterAJumpHistories()
    {
        EngineSnapshot older, newer;
        older.riskHistory = {{1, riskWith(-5)}, {2, riskWith(-6)}};
        older.books.resize(1);
        older.books[0].midHistory = {{1, 3770}, {2, 3772}};
        older.books[0].regimeHistory = {RegimePoint{1, "calm", ""}, RegimePoint{2, "volatile", "stressed"}};
        newer.books.resize(1);
        newer.absorbOlder(older);
        QCOMPARE(newer.riskHistory.size(), std::size_t(2));
        QCOMPARE(newer.riskHistory[1].second.pnl, -6.0);
        QCOMPARE(newer.books[0].midHistory, (std::vector<std::pair<Timestamp, Price>>{{1, 3770}, {2, 3772}}));
        QCOMPARE(newer.books[0].regimeHistory.size(), std::size_t(2));
        QCOMPARE(newer.books[0].regimeHistory[1].truth, std::string("stressed"));

        EngineSnapshot own;
        own.riskHistory = {{9, riskWith(1)}};
        own.books.resize(1);
        own.books[0].midHistory = {{9, 3800}};
        own.books[0].regimeHistory = {RegimePoint{9, "normal", ""}};
        own.absorbOlder(older);
        QCOMPARE(own.riskHistory.size(), std::size_t(1));
        QCOMPARE(own.riskHistory[0].first, Timestamp(9));
        QCOMPARE(own.books[0].midHistory, (std::vector<std::pair<Timestamp, Price>>{{9, 3800}}));
        QCOMPARE(own.books[0].regimeHistory.size(), std::size_t(1));
        QCOMPARE(own.books[0].regimeHistory[0].detected, std::string("normal"));

        EngineSnapshot afterJump; // another epoch: its history starts over
        afterJump.epoch = older.epoch + 1;
        afterJump.books.resize(1);
        afterJump.absorbOlder(older);
        QVERIFY(afterJump.riskHistory.empty());
        QVERIFY(afterJump.books[0].midHistory.empty());
        QVERIFY(afterJump.books[0].regimeHistory.empty());
    }

    // Books pair by position; a book the older snapshot lacks gets nothing, one only it has is gone.
    void booksPairByPosition()
    {
        EngineSnapshot older, newer;
        older.books.resize(1);
        older.books[0].newTrades = {Trade{"A", 1, 1, 1}};
        newer.books.resize(2);
        newer.books[1].newTrades = {Trade{"B", 2, 2, 2}};
        newer.absorbOlder(older);
        QCOMPARE(newer.books[0].newTrades.size(), std::size_t(1));
        QCOMPARE(newer.books[0].newTrades[0].symbol, std::string("A"));
        QCOMPARE(newer.books[1].newTrades.size(), std::size_t(1));
        QCOMPARE(newer.books[1].newTrades[0].symbol, std::string("B"));

        EngineSnapshot fewer;
        fewer.absorbOlder(older);
        QVERIFY(fewer.books.empty());
    }

    // Everything that is state, not increment, is the newer snapshot's.
    void stateComesFromTheNewer()
    {
        EngineSnapshot older, newer;
        older.sequence = 1;
        newer.sequence = 2;
        older.time = 100;
        newer.time = 200;
        older.books.resize(1);
        newer.books.resize(1);
        older.books[0].bids = {PriceLevel{1880, 5}};
        newer.books[0].bids = {PriceLevel{1881, 7}};
        older.books[0].asks = {PriceLevel{1890, 5}};
        older.books[0].ownBids = {PriceLevel{1870, 1}};
        older.books[0].twiceMid = 3770;
        newer.books[0].twiceMid = 3772;
        older.books[0].updates = 10;
        newer.books[0].updates = 11;
        older.books[0].regime = "calm";
        newer.books[0].regime = "volatile";
        older.books[0].regimeProbabilities = {0.9, 0.1};
        older.books[0].features = {1, 2, 3};
        OrderRecord o;
        o.clOrdId = "OLD";
        older.orders = {o};
        o.clOrdId = "NEW";
        newer.orders = {o};
        older.positions.resize(1);
        older.sessions.resize(1);
        older.sessions[0].sessionId = "S";
        older.counters.fills = 3;
        newer.counters.fills = 4;
        older.roundTrip.samples = 9;
        older.agents.resize(1);
        older.agents[0].id = "a";
        older.approvals.resize(1);
        older.risk.pnl = -1;
        newer.risk.pnl = 2;
        older.replay.seq = 40;
        newer.replay.seq = 41;

        newer.absorbOlder(older);
        QCOMPARE(newer.sequence, std::uint64_t(2));
        QCOMPARE(newer.time, Timestamp(200));
        QCOMPARE(newer.books[0].bids.size(), std::size_t(1));
        QCOMPARE(newer.books[0].bids[0].price, Price(1881));
        QVERIFY(newer.books[0].asks.empty());
        QVERIFY(newer.books[0].ownBids.empty());
        QCOMPARE(newer.books[0].twiceMid, Price(3772));
        QCOMPARE(newer.books[0].updates, std::uint64_t(11));
        QCOMPARE(newer.books[0].regime, std::string("volatile"));
        QVERIFY(newer.books[0].regimeProbabilities.empty());
        QVERIFY(newer.books[0].features.empty());
        QCOMPARE(newer.orders.size(), std::size_t(1));
        QCOMPARE(newer.orders[0].clOrdId, std::string("NEW"));
        QVERIFY(newer.positions.empty());
        QVERIFY(newer.sessions.empty());
        QCOMPARE(newer.counters.fills, std::uint64_t(4));
        QCOMPARE(newer.roundTrip.samples, std::uint64_t(0));
        QVERIFY(newer.agents.empty());
        QVERIFY(newer.approvals.empty());
        QCOMPARE(newer.risk.pnl, 2.0);
        QCOMPARE(newer.replay.seq, std::int64_t(41));
        QCOMPARE(newer.epoch, std::uint64_t(0));
    }

    // Merging one skipped snapshot after another keeps them in publication order.
    void chainKeepsPublicationOrder()
    {
        EngineSnapshot a, b, c;
        a.newFeed = {FeedItem{1, "alert", "t", "a"}};
        b.newFeed = {FeedItem{2, "alert", "t", "b"}};
        c.newFeed = {FeedItem{3, "alert", "t", "c"}};
        b.absorbOlder(a);
        c.absorbOlder(b);
        QCOMPARE(c.newFeed.size(), std::size_t(3));
        QCOMPARE(c.newFeed[0].text, std::string("a"));
        QCOMPARE(c.newFeed[1].text, std::string("b"));
        QCOMPARE(c.newFeed[2].text, std::string("c"));
    }
};

QTEST_GUILESS_MAIN(TestSnapshotMerge)
#include "tst_snapshot_merge.moc"
