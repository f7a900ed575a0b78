// The FIX layer's parts below the session. The memory-mapped message store: what is
// stored reads back after a reopen, a killed writer leaves a consistent store, QuickFIX
// FileStore files are imported, and a file it cannot use is refused by name without
// being changed. The field text: quantities and prices written exactly, and read
// exactly (refused by name when off-tick, fractional, out of range or not a number).
// Session settings out of range are refused at start, by name, and so are instrument
// lists whose tick or lot is not exactly a number.
#include "fix/fix_gateway.h"
#include "fix/fix_text.h"
#include "fix/message_log_file.h"
#include "fix/fix_venue.h"
#include "fix/order_fields.h"
#include "fix/session_store.h"
#include "legacy_file_store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

using namespace hm;

namespace {

std::string message(int seq, std::size_t bodyBytes = 60)
{
    return "8=FIX.4.4\x01" "9=99\x01" "35=D\x01" "34=" + std::to_string(seq) + "\x01" "58="
        + std::string(bodyBytes, static_cast<char>('a' + seq % 26)) + "\x01" "10=000\x01";
}

QByteArray sha(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

std::string openError(const std::string& dir)
{
    try {
        SessionStore s(dir, "FIX.4.4", "ME", "YOU");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestFixParts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The message log of a session killed with SIGKILL holds every line logged before
    // the kill (it once went through a buffered stream and lost them all).
    void messageLogKeepsEveryLineThroughSigkill()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("session.messages.log")).toStdString();
        constexpr int kLines = 300;
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            MessageLogFile log(path);
            for (int i = 0; i < kLines; ++i)
                log.append("out 8=FIX.4.4|35=D|11=HM1-" + std::to_string(i) + "|");
            ::kill(::getpid(), SIGKILL);
            ::_exit(3); // not reached
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), kLines + 1); // and an empty one after the last newline
        QCOMPARE(lines[kLines - 1], QByteArray("out 8=FIX.4.4|35=D|11=HM1-" + QByteArray::number(kLines - 1) + "|"));
    }

    void messageLogThatCannotOpenSaysWhere()
    {
        MessageLogFile log("/nonexistent-dir/x.log");
        QVERIFY(!log.isOpen());
        QVERIFY(!log.append("out 8=FIX.4.4|"));
        QVERIFY2(log.error().find("/nonexistent-dir/x.log") != std::string::npos, log.error().c_str());
    }

    void pricesAndQuantitiesAreWrittenExactly()
    {
        Instrument cents;
        cents.tickSize = 0.01;
        QCOMPARE(fixconv::priceText(cents, 1880), std::string("18.8"));
        QCOMPARE(fixconv::priceText(cents, 1805), std::string("18.05"));
        QCOMPARE(fixconv::priceText(cents, 100), std::string("1"));
        QCOMPARE(fixconv::priceText(cents, -7), std::string("-0.07"));
        QCOMPARE(fixconv::priceText(cents, 0), std::string("0"));
        Instrument quarters;
        quarters.tickSize = 0.25;
        QCOMPARE(fixconv::priceText(quarters, 7), std::string("1.75"));
        Instrument whole;
        whole.tickSize = 5;
        QCOMPARE(fixconv::priceText(whole, 3), std::string("15"));
        QCOMPARE(fixconv::quantityText(1200), std::string("1200"));
        QCOMPARE(fixconv::decimalText(18.805), std::string("18.805"));
        QCOMPARE(fixconv::decimalText(0.1 + 0.2), std::string("0.3")); // no binary noise
        QCOMPARE(fixconv::decimalText(2.0 / 3.0, 4), std::string("0.6667"));
        QCOMPARE(fixconv::decimalText(-1.5), std::string("-1.5"));
        QCOMPARE(fixconv::decimalText(1e15), std::string("1000000000000000.00000000")); // beyond scaling: printf
        // Whatever the tick, the text reads back to the same number of ticks.
        std::mt19937_64 rng(3);
        for (double tick : {0.01, 0.05, 0.25, 0.001, 0.0001, 0.5, 1.0, 0.125}) {
            Instrument ins;
            ins.tickSize = tick;
            for (int i = 0; i < 2000; ++i) {
                const Price ticks = static_cast<Price>(rng() % 10000000);
                const std::string text = fixconv::priceText(ins, ticks);
                QCOMPARE(ins.toTicks(std::strtod(text.c_str(), nullptr)), ticks);
            }
        }
    }

    void pricesAreReadExactlyOrRefusedByName_data()
    {
        QTest::addColumn<double>("tick");
        QTest::addColumn<QString>("text");
        QTest::addColumn<qlonglong>("ticks"); // -1: refused
        QTest::addColumn<QString>("reason");
        QTest::newRow("plain") << 0.01 << "18.85" << 1885ll << "";
        QTest::newRow("fewer decimals") << 0.01 << "18.8" << 1880ll << "";
        QTest::newRow("trailing and leading zeros") << 0.01 << "018.8500" << 1885ll << "";
        QTest::newRow("whole") << 0.01 << "7" << 700ll << "";
        QTest::newRow("point only after") << 0.01 << "7." << 700ll << "";
        QTest::newRow("point only before") << 0.01 << ".05" << 5ll << "";
        QTest::newRow("quarter tick") << 0.25 << "1.75" << 7ll << "";
        QTest::newRow("five tick") << 5.0 << "15" << 3ll << "";
        QTest::newRow("at the maximum") << 0.01 << "10000000" << 1000000000ll << "";
        QTest::newRow("off tick, would round up") << 0.01 << "18.805" << -1ll << "not a multiple of the tick size 0.01";
        QTest::newRow("below one tick") << 0.01 << "0.001" << -1ll << "not a multiple of the tick size";
        QTest::newRow("off a quarter") << 0.25 << "1.1" << -1ll << "not a multiple of the tick size 0.25";
        QTest::newRow("off a five") << 5.0 << "12" << -1ll << "not a multiple of the tick size 5";
        QTest::newRow("tiny tail") << 0.01 << "18.8500000000000000001" << -1ll << "more than 18 significant digits";
        QTest::newRow("exponent, overflowed int64") << 0.01 << "1e23" << -1ll << "is not a decimal number";
        QTest::newRow("exponent") << 0.01 << "1e12" << -1ll << "is not a decimal number";
        QTest::newRow("capital exponent") << 0.01 << "1E2" << -1ll << "is not a decimal number";
        QTest::newRow("above the maximum") << 0.01 << "1000000000000" << -1ll << "above the maximum price 10000000";
        QTest::newRow("just above the maximum") << 0.01 << "10000000.01" << -1ll << "above the maximum";
        QTest::newRow("int64 digits") << 0.01 << "92233720368547758089" << -1ll << "more than 18 significant digits";
        QTest::newRow("negative") << 0.01 << "-18.85" << -1ll << "must be above zero";
        QTest::newRow("zero") << 0.01 << "0.00" << -1ll << "must be above zero";
        QTest::newRow("minus zero") << 0.01 << "-0" << -1ll << "must be above zero";
        QTest::newRow("empty") << 0.01 << "" << -1ll << "is not a decimal number";
        QTest::newRow("point alone") << 0.01 << "." << -1ll << "is not a decimal number";
        QTest::newRow("sign alone") << 0.01 << "-" << -1ll << "is not a decimal number";
        QTest::newRow("plus") << 0.01 << "+18.85" << -1ll << "is not a decimal number";
        QTest::newRow("space") << 0.01 << " 18.85" << -1ll << "is not a decimal number";
        QTest::newRow("two points") << 0.01 << "18.85.1" << -1ll << "is not a decimal number";
        QTest::newRow("comma") << 0.01 << "18,85" << -1ll << "is not a decimal number";
        QTest::newRow("hex") << 0.01 << "0x12" << -1ll << "is not a decimal number";
        QTest::newRow("nan") << 0.01 << "nan" << -1ll << "is not a decimal number";
        QTest::newRow("inf") << 0.01 << "inf" << -1ll << "is not a decimal number";
    }

    void pricesAreReadExactlyOrRefusedByName()
    {
        QFETCH(double, tick);
        QFETCH(QString, text);
        QFETCH(qlonglong, ticks);
        QFETCH(QString, reason);
        Instrument ins;
        ins.tickSize = tick;
        Price out = -12345;
        const std::string why = fixconv::parsePrice(text.toStdString(), "Price(44)", ins, out);
        if (ticks >= 0) {
            QVERIFY2(why.empty(), why.c_str());
            QCOMPARE(out, Price(ticks));
        } else {
            QVERIFY2(why.find(reason.toStdString()) != std::string::npos, why.c_str());
            QVERIFY2(why.rfind("Price(44) ", 0) == 0, why.c_str()); // names the field first
            QCOMPARE(out, Price(-12345));                          // and leaves the output alone
        }
    }

    void quantitiesAreReadExactlyOrRefusedByName_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qlonglong>("lot");
        QTest::addColumn<qlonglong>("qty"); // -1: refused
        QTest::addColumn<QString>("reason");
        QTest::newRow("plain") << "100" << 1ll << 100ll << "";
        QTest::newRow("zero fraction") << "100.00" << 1ll << 100ll << "";
        QTest::newRow("lots") << "300" << 100ll << 300ll << "";
        QTest::newRow("the maximum") << "1000000000" << 1ll << 1000000000ll << "";
        QTest::newRow("half") << "0.5" << 1ll << -1ll << "is not a whole number";
        QTest::newRow("would round up") << "100.7" << 1ll << -1ll << "is not a whole number";
        QTest::newRow("exponent") << "1e15" << 1ll << -1ll << "is not a decimal number";
        QTest::newRow("exponent near int64") << "9e18" << 1ll << -1ll << "is not a decimal number";
        QTest::newRow("near int64") << "9000000000000000000" << 1ll << -1ll << "out of range";
        QTest::newRow("18 digits") << "900000000000000000" << 1ll << -1ll << "above the maximum 1000000000";
        QTest::newRow("beyond int64") << "99999999999999999999" << 1ll << -1ll << "more than 18 significant digits";
        QTest::newRow("above the maximum") << "1000000001" << 1ll << -1ll << "above the maximum";
        QTest::newRow("zero") << "0" << 1ll << -1ll << "must be above zero";
        QTest::newRow("negative") << "-100" << 1ll << -1ll << "is negative";
        QTest::newRow("off lot") << "150" << 100ll << -1ll << "not a multiple of the lot size 100";
        QTest::newRow("letters") << "abc" << 1ll << -1ll << "is not a decimal number";
    }

    void quantitiesAreReadExactlyOrRefusedByName()
    {
        QFETCH(QString, text);
        QFETCH(qlonglong, lot);
        QFETCH(qlonglong, qty);
        QFETCH(QString, reason);
        Quantity out = -7;
        const std::string why = fixconv::parseQuantity(text.toStdString(), "OrderQty(38)", 1,
                                                       fixconv::kMaxOrderQuantity, lot, out);
        if (qty >= 0) {
            QVERIFY2(why.empty(), why.c_str());
            QCOMPARE(out, Quantity(qty));
        } else {
            QVERIFY2(why.find(reason.toStdString()) != std::string::npos, why.c_str());
            QVERIFY2(why.rfind("OrderQty(38) ", 0) == 0, why.c_str());
            QCOMPARE(out, Quantity(-7));
        }
    }

    void averagePricesAreReadAtAnyPrecision()
    {
        Instrument cents;
        double avg = -1;
        QCOMPARE(fixconv::parseAveragePrice("18.846666666666667", "AvgPx(6)", cents, avg), std::string());
        QVERIFY(std::fabs(avg - 18.846666666666667) < 1e-9);
        QCOMPARE(fixconv::parseAveragePrice("18.84666666666666666666666", "AvgPx(6)", cents, avg), std::string());
        QVERIFY(std::fabs(avg - 18.846666666) < 1e-8);
        QCOMPARE(fixconv::parseAveragePrice("0", "AvgPx(6)", cents, avg), std::string());
        QCOMPARE(avg, 0.0);
        QVERIFY(fixconv::parseAveragePrice("-3", "AvgPx(6)", cents, avg).find("AvgPx(6) '-3' is negative") == 0);
        QVERIFY(fixconv::parseAveragePrice("1e5", "AvgPx(6)", cents, avg).find("not a decimal number") != std::string::npos);
        QVERIFY(fixconv::parseAveragePrice("20000000", "AvgPx(6)", cents, avg).find("above the maximum") != std::string::npos);
    }

    // Every price text the venue and gateway write reads back to the same ticks.
    void writtenPricesReadBackExactly()
    {
        std::mt19937_64 rng(11);
        for (double tick : {0.01, 0.05, 0.25, 0.001, 0.0001, 0.5, 1.0, 0.125, 5.0}) {
            Instrument ins;
            ins.tickSize = tick;
            for (int i = 0; i < 2000; ++i) {
                const Price ticks = 1 + static_cast<Price>(rng() % fixconv::kMaxPriceTicks);
                Price back = 0;
                const std::string why = fixconv::parsePrice(fixconv::priceText(ins, ticks), "Price(44)", ins, back);
                QVERIFY2(why.empty(), why.c_str());
                QCOMPARE(back, ticks);
            }
        }
    }

    void instrumentListsAreReadExactly()
    {
        const std::vector<Instrument> list = FixVenue::parseInstruments("HMX,QTR:0.25:100:EUR,,BIG:5:1");
        QCOMPARE(list.size(), std::size_t(3));
        QCOMPARE(list[0].tickSize, FixVenue::defaultInstrument().tickSize);
        QCOMPARE(list[1].tickSize, 0.25);
        QCOMPARE(list[1].lotSize, Quantity(100));
        QCOMPARE(list[1].currency, std::string("EUR"));
        QCOMPARE(list[2].tickSize, 5.0);
        QCOMPARE(FixVenue::parseInstruments("T:0.000000001").front().tickSize, 1e-9);
    }

    void instrumentListsThatDoNotParseAreRefusedByName_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text after the tick") << "HMX:0.01abc" << "instrument 'HMX:0.01abc': tick size '0.01abc' is not a decimal";
        QTest::newRow("infinite tick") << "HMX:inf" << "instrument 'HMX:inf': tick size 'inf' is not a decimal";
        QTest::newRow("nan tick") << "HMX:nan:1" << "tick size 'nan' is not a decimal";
        QTest::newRow("exponent tick") << "HMX:1e-2" << "tick size '1e-2' is not a decimal";
        QTest::newRow("zero tick") << "HMX:0.00" << "tick size '0.00' must be above zero";
        QTest::newRow("negative tick") << "HMX:-0.01" << "tick size '-0.01' must be above zero";
        QTest::newRow("tick too fine") << "HMX:0.0000000001" << "tick size '0.0000000001' has more than 9 decimals";
        QTest::newRow("tick too long") << "HMX:1234567.891" << "has more than 9 significant digits";
        QTest::newRow("empty tick") << "HMX:" << "instrument 'HMX:': tick size '' is not a decimal";
        QTest::newRow("fractional lot") << "HMX:0.01:1.5" << "instrument 'HMX:0.01:1.5': lot size '1.5' is not a whole number";
        QTest::newRow("text after the lot") << "HMX:0.01:100x" << "lot size '100x' is not a decimal";
        QTest::newRow("zero lot") << "HMX:0.01:0" << "lot size '0' must be above zero";
        QTest::newRow("negative lot") << "HMX:0.01:-100" << "lot size '-100' is negative";
        QTest::newRow("huge lot") << "HMX:0.01:99999999999" << "lot size '99999999999' is above the maximum";
        QTest::newRow("second entry") << "HMX,ABC:0.01:2.5" << "instrument 'ABC:0.01:2.5': lot size";
        QTest::newRow("symbol twice") << "HMX,HMX:0.05" << "symbol 'HMX' is listed twice";
        QTest::newRow("space in symbol") << "H X" << "symbol 'H X' must be printable";
        QTest::newRow("too many parts") << "HMX:0.01:1:USD:x" << "expected SYMBOL[:TICK[:LOT[:CURRENCY]]]";
        QTest::newRow("empty symbol") << ":0.01" << "empty symbol";
        QTest::newRow("nothing") << ",," << "names no instrument";
    }

    void instrumentListsThatDoNotParseAreRefusedByName()
    {
        QFETCH(QString, list);
        QFETCH(QString, expected);
        try {
            FixVenue::parseInstruments(list.toStdString());
            QFAIL("expected the list to be refused");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find(expected.toStdString()) != std::string::npos, e.what());
        }
    }

    void settingsOutOfRangeAreRefusedByName_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("expected");
        QTest::newRow("port above 65535") << "SocketConnectPort=99999" << "SocketConnectPort=99999 is out of range (allowed 1..65535)";
        QTest::newRow("negative port") << "SocketConnectPort=-1" << "SocketConnectPort=-1 is out of range (allowed 1..65535)";
        QTest::newRow("port zero") << "SocketConnectPort=0" << "SocketConnectPort=0 is out of range";
        QTest::newRow("port not a number") << "SocketConnectPort=98x" << "SocketConnectPort=98x is not a whole number";
        QTest::newRow("huge port") << "SocketConnectPort=99999999999999999999" << "is out of range (allowed 1..65535)";
        QTest::newRow("failover port") << "SocketConnectPort=9878\nSocketConnectHost1=127.0.0.1\nSocketConnectPort1=70000"
                                       << "SocketConnectPort1=70000 is out of range";
        QTest::newRow("negative depth") << "SocketConnectPort=9878\nHelmsmanMarketDepth=-5"
                                        << "HelmsmanMarketDepth=-5 is out of range (allowed 0..1000)";
        QTest::newRow("absurd depth") << "SocketConnectPort=9878\nHelmsmanMarketDepth=100000"
                                      << "HelmsmanMarketDepth=100000 is out of range";
        QTest::newRow("zero heartbeat") << "SocketConnectPort=9878\nHeartBtInt=0" << "HeartBtInt=0 is out of range (allowed 1..3600)";
        QTest::newRow("in range") << "SocketConnectPort=65535\nHelmsmanMarketDepth=0" << "";
    }

    void settingsOutOfRangeAreRefusedByName()
    {
        QFETCH(QString, line);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("session.cfg"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QString store = dir.filePath(QStringLiteral("store"));
        f.write(QStringLiteral("[DEFAULT]\nConnectionType=initiator\nHeartBtInt=30\nFileStorePath=%1\n"
                               "[SESSION]\nBeginString=FIX.4.4\nSenderCompID=ME\nTargetCompID=YOU\n"
                               "SocketConnectHost=127.0.0.1\n%2\n")
                    .arg(store, line)
                    .toUtf8());
        f.close();
        GatewayConfig gc;
        gc.settingsFile = path.toStdString();
        std::string error;
        try {
            FixGateway g(gc); // checks only: never started
        } catch (const std::runtime_error& e) {
            error = e.what();
        }
        if (expected.isEmpty()) {
            QVERIFY2(error.empty(), error.c_str());
            return;
        }
        QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.find(gc.settingsFile) != std::string::npos, error.c_str()); // the file
        QVERIFY2(error.find("FIX.4.4:ME->YOU") != std::string::npos, error.c_str()); // the session
    }

    void venueLimitsOutOfRangeAreRefused()
    {
        VenueConfig c;
        QCOMPARE(checkVenueLimits(c), std::string());
        c.port = 70000;
        QVERIFY(checkVenueLimits(c).find("port 70000 is out of range (allowed 1..65535") != std::string::npos);
        c.port = -1;
        QVERIFY(checkVenueLimits(c).find("port -1 is out of range") != std::string::npos);
        c.port = 0;
        c.depthLevels = -5;
        QVERIFY(checkVenueLimits(c).find("depth -5 is out of range (allowed 1..1000)") != std::string::npos);
        c.depthLevels = 10;
        c.maxOrderQty = fixconv::kMaxOrderQuantity + 1;
        QVERIFY(checkVenueLimits(c).find("largest order quantity") != std::string::npos);
        // start() refuses before it binds anything.
        QTemporaryDir dir;
        c.maxOrderQty = 100;
        c.port = 99999;
        c.dataDictionary = std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml";
        c.storeDirectory = dir.filePath(QStringLiteral("venue")).toStdString();
        c.flowOrdersPerSecond = 0;
        FixVenue venue(c);
        try {
            venue.start();
            QFAIL("expected the port to be refused");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("port 99999 is out of range") != std::string::npos, e.what());
        }
    }

    // The stored Logon has its password masked and is still a valid message (length and
    // checksum), which QuickFIX needs to answer a resend request that covers it.
    void aMaskedLogonStillParses()
    {
        auto whole = [](const std::string& body) {
            std::string m = "8=FIX.4.4\x01" "9=" + std::to_string(body.size()) + "\x01" + body;
            unsigned sum = 0;
            for (char c : m)
                sum += static_cast<unsigned char>(c);
            char cs[8];
            std::snprintf(cs, sizeof cs, "%03u", sum % 256);
            return m + "10=" + cs + "\x01";
        };
        const std::string logon = whole("35=A\x01" "34=7\x01" "49=ME\x01" "56=YOU\x01" "98=0\x01" "108=30\x01"
                                        "553=trader\x01" "554=a much longer secret than eight\x01");
        const std::string masked = fixconv::storedWithPasswordMasked(logon);
        QVERIFY(masked.find("secret") == std::string::npos);
        QVERIFY(masked.find("\x01" "554=********\x01") != std::string::npos);
        const std::size_t bodyAt = masked.find('\x01', masked.find("\x01" "9=") + 1) + 1;
        const std::size_t checksumAt = masked.rfind("10=");
        QCOMPARE(masked, whole(masked.substr(bodyAt, checksumAt - bodyAt)));
        // An already masked copy (older stores) is mended the same way; others pass untouched.
        std::string old = logon;
        old.replace(old.find("a much"), std::strlen("a much longer secret than eight"), "********");
        QCOMPARE(fixconv::storedWithPasswordMasked(old), masked);
        const std::string order = whole("35=D\x01" "34=8\x01" "11=X\x01");
        QCOMPARE(fixconv::storedWithPasswordMasked(order), order);
    }

    void storedMessagesAndSequenceNumbersSurviveAReopen()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        {
            SessionStore s(d, "FIX.4.4", "ME", "YOU");
            QCOMPARE(s.nextSenderSeq(), 1);
            QCOMPARE(s.nextTargetSeq(), 1);
            for (int seq = 1; seq <= 50; ++seq)
                if (seq != 20) // a gap: that message was never stored
                    s.store(seq, message(seq));
            s.setNextSenderSeq(51);
            s.setNextTargetSeq(37);
        }
        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        QCOMPARE(s.nextSenderSeq(), 51);
        QCOMPARE(s.nextTargetSeq(), 37);
        QCOMPARE(s.messageCount(), std::size_t(49));
        const auto range = s.messages(18, 22);
        QCOMPARE(range.size(), std::size_t(4));
        QCOMPARE(range[0], message(18));
        QCOMPARE(range[2], message(21));
        QVERIFY(s.messages(60, 70).empty());
        // A later copy of the same sequence number wins, as in QuickFIX's stores.
        s.store(5, message(5, 10));
        QCOMPARE(s.messages(5, 5).front(), message(5, 10));
    }

    void growsWellPastItsFirstMegabyte()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        const int n = 30000; // about 8 MB of messages
        {
            SessionStore s(d, "FIX.4.4", "ME", "YOU");
            for (int seq = 1; seq <= n; ++seq) {
                s.store(seq, message(seq, 200));
                s.incrementSenderSeq();
            }
        }
        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        QCOMPARE(s.nextSenderSeq(), n + 1);
        QCOMPARE(s.messageCount(), std::size_t(n));
        QCOMPARE(s.messages(n, n).front(), message(n, 200));
        QCOMPARE(s.messages(1, 1).front(), message(1, 200));
    }

    void aKilledWriterLeavesAConsistentStore()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        int ready[2];
        QVERIFY(::pipe(ready) == 0);
        const pid_t child = ::fork();
        if (child == 0) {
            // The writer stores and counts messages as a session does until it is killed.
            SessionStore s(d, "FIX.4.4", "ME", "YOU");
            for (int seq = 1;; ++seq) {
                s.store(seq, message(seq, static_cast<std::size_t>(seq % 300)));
                s.incrementSenderSeq();
                if (seq == 2000 && ::write(ready[1], "x", 1) != 1)
                    ::_exit(2);
            }
        }
        char c = 0;
        QCOMPARE(::read(ready[0], &c, 1), ssize_t(1));
        ::usleep(50000);
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        QVERIFY(WIFSIGNALED(status));
        ::close(ready[0]);
        ::close(ready[1]);

        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        const int next = s.nextSenderSeq();
        const int stored = static_cast<int>(s.messageCount());
        QVERIFY2(stored >= 2000, qPrintable(QString::number(stored)));
        // Killed between storing a message and counting it, or after both.
        QVERIFY2(stored == next - 1 || stored == next, qPrintable(QStringLiteral("%1 %2").arg(stored).arg(next)));
        const auto all = s.messages(1, stored);
        QCOMPARE(static_cast<int>(all.size()), stored);
        for (int seq = 1; seq <= stored; ++seq)
            QCOMPARE(all[static_cast<std::size_t>(seq - 1)], message(seq, static_cast<std::size_t>(seq % 300)));
    }

    void importsQuickfixFileStoreFilesOnce()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        test::writeQuickfixFileStore(d, "FIX.4.4", "ME", "YOU", 4, 9, {{1, message(1)}, {2, message(2)}, {3, message(3)}});
        {
            SessionStore s(d, "FIX.4.4", "ME", "YOU");
            QCOMPARE(s.nextSenderSeq(), 4);
            QCOMPARE(s.nextTargetSeq(), 9);
            QCOMPARE(s.messages(1, 3).size(), std::size_t(3));
            QCOMPARE(s.messages(2, 2).front(), message(2));
            s.store(4, message(4));
            s.setNextSenderSeq(5);
        }
        // From then on the mapped store is the truth; the old files are left alone.
        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        QCOMPARE(s.nextSenderSeq(), 5);
        QCOMPARE(s.messageCount(), std::size_t(4));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("FIX.4.4-ME-YOU.seqnums"))));
    }

    void resetStartsOver()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        {
            SessionStore s(d, "FIX.4.4", "ME", "YOU");
            s.store(1, message(1));
            s.setNextSenderSeq(2);
            s.reset();
            QCOMPARE(s.nextSenderSeq(), 1);
            QCOMPARE(s.messageCount(), std::size_t(0));
            s.store(1, message(1, 5));
        }
        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        QCOMPARE(s.messageCount(), std::size_t(1));
        QCOMPARE(s.messages(1, 1).front(), message(1, 5));
    }

    // Killed after the file was sized but before its header was written: a new store.
    void aStoreKilledWhileBeingCreatedStartsFresh()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        QFile f(QString::fromStdString(SessionStore::fileName(d, "FIX.4.4", "ME", "YOU")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(4096 + (1 << 20)));
        f.close();
        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        QCOMPARE(s.nextSenderSeq(), 1);
        QCOMPARE(s.messageCount(), std::size_t(0));
        s.store(1, message(1));
        QCOMPARE(s.messages(1, 1).front(), message(1));
    }

    // Killed half-way through importing FileStore files: the import runs again in full.
    void aStoreKilledWhileImportingImportsAgain()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        test::writeQuickfixFileStore(d, "FIX.4.4", "ME", "YOU", 4, 9, {{1, message(1)}, {2, message(2)}, {3, message(3)}});
        const std::string path = SessionStore::fileName(d, "FIX.4.4", "ME", "YOU");
        { SessionStore s(d, "FIX.4.4", "ME", "YOU"); }
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.write(QByteArray(8, '\0')); // no magic: as before the import finished
        const qint64 one = 1;
        f.seek(16);
        f.write(reinterpret_cast<const char*>(&one), 8); // sequence numbers not yet imported
        f.write(reinterpret_cast<const char*>(&one), 8);
        f.close();
        SessionStore s(d, "FIX.4.4", "ME", "YOU");
        QCOMPARE(s.nextSenderSeq(), 4);
        QCOMPARE(s.nextTargetSeq(), 9);
        QCOMPARE(s.messageCount(), std::size_t(3));
    }

    void aStoreInUseIsRefused()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        SessionStore first(d, "FIX.4.4", "ME", "YOU");
        const std::string error = openError(d);
        QVERIFY2(error.find("in use by another process") != std::string::npos, error.c_str());
        QVERIFY(error.find("FIX.4.4-ME-YOU.hmstore") != std::string::npos);
    }

    void filesItCannotUseAreRefusedByNameAndLeftUnchanged_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not a store") << "text" << "is not a Helmsman FIX message store";
        QTest::newRow("shorter than its header") << "truncate-header" << "shorter than its header";
        QTest::newRow("cut inside its messages") << "truncate-body" << "damaged";
        QTest::newRow("a flipped byte in a message") << "flip" << "damaged at byte";
        QTest::newRow("a newer format") << "version" << "newer";
    }

    void filesItCannotUseAreRefusedByNameAndLeftUnchanged()
    {
        QFETCH(QString, damage);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        const std::string path = SessionStore::fileName(d, "FIX.4.4", "ME", "YOU");
        {
            SessionStore s(d, "FIX.4.4", "ME", "YOU");
            for (int seq = 1; seq <= 100; ++seq)
                s.store(seq, message(seq));
        }
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadWrite));
        if (damage == QLatin1String("text")) {
            f.resize(0);
            f.write("[DEFAULT]\nthis is not a message store\n");
            f.resize(8192);
        } else if (damage == QLatin1String("truncate-header")) {
            f.resize(100);
        } else if (damage == QLatin1String("truncate-body")) {
            f.resize(4096 + 2000);
        } else if (damage == QLatin1String("flip")) {
            f.seek(4096 + 3000);
            char c = 0;
            f.getChar(&c);
            f.seek(4096 + 3000);
            f.putChar(static_cast<char>(c ^ 0x20));
        } else {
            f.seek(8);
            const quint32 v = 99;
            f.write(reinterpret_cast<const char*>(&v), sizeof v);
        }
        f.close();
        const QByteArray before = sha(path);
        const std::string error = openError(d);
        QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.find(path) != std::string::npos, error.c_str());
        QCOMPARE(sha(path), before);
    }
};

QTEST_GUILESS_MAIN(TestFixParts)
#include "tst_fix_parts.moc"
