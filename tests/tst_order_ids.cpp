// Client order ids never repeat: every session takes a new number from the data
// directory, whatever the clock says and however many instances start at once.
#include "order_id_prefix.h"

#include <QTemporaryDir>
#include <QtTest>

#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace hm;

class TstOrderIds : public QObject {
    Q_OBJECT

    static std::string read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
    }

private Q_SLOTS:
    void restartsWithinOneSecondTakeNewNumbers()
    {
        QTemporaryDir dir;
        std::set<std::string> prefixes;
        std::uint64_t last = 0;
        for (int i = 0; i < 20; ++i) {
            OrderIdPrefix p;
            std::string error;
            QVERIFY2(reserveOrderIdPrefix(dir.path().toStdString(), 1764000000, p, error), error.c_str());
            QVERIFY(p.number > last);
            QVERIFY(p.number >= 1764000000);
            last = p.number;
            QVERIFY2(prefixes.insert(p.prefix).second, p.prefix.c_str());
        }
        QCOMPARE(prefixes.size(), std::size_t(20));
        QCOMPARE(read(dir.filePath(QStringLiteral("state/order-ids"))), std::to_string(last) + "\n");
    }

    void aClockThatWentBackStillMovesForward()
    {
        QTemporaryDir dir;
        OrderIdPrefix ahead, behind;
        std::string error;
        QVERIFY(reserveOrderIdPrefix(dir.path().toStdString(), 4000000000, ahead, error)); // a clock far ahead
        QVERIFY(reserveOrderIdPrefix(dir.path().toStdString(), 1764000000, behind, error)); // then corrected
        QCOMPARE(behind.number, ahead.number + 1);
        QVERIFY(behind.prefix != ahead.prefix);
    }

    void aLostFileFallsBackOnTheClock()
    {
        QTemporaryDir dir;
        OrderIdPrefix first, second;
        std::string error;
        QVERIFY(reserveOrderIdPrefix(dir.path().toStdString(), 1764000000, first, error));
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("state/order-ids"))));
        QVERIFY(reserveOrderIdPrefix(dir.path().toStdString(), 1764000005, second, error));
        QCOMPARE(second.number, std::uint64_t(1764000005));
        QCOMPARE(second.prefix, "HM" + base36(1764000005) + "-");
    }

    void aDamagedFileIsRefusedAndKept()
    {
        QFETCH(QByteArray, contents);
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("state")));
        const QString path = dir.filePath(QStringLiteral("state/order-ids"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(contents);
        f.close();
        OrderIdPrefix p;
        std::string error;
        QVERIFY(!reserveOrderIdPrefix(dir.path().toStdString(), 1764000000, p, error));
        QVERIFY2(error.find(path.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.find("does not hold a session number") != std::string::npos, error.c_str());
        QCOMPARE(QByteArray::fromStdString(read(path)), contents); // not overwritten
    }
    void aDamagedFileIsRefusedAndKept_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::newRow("text") << QByteArray("hello\n");
        QTest::newRow("negative") << QByteArray("-5\n");
        QTest::newRow("too long") << QByteArray("123456789012345678901234\n");
        QTest::newRow("binary") << QByteArray("\x00\x01\xff", 3);
        QTest::newRow("two numbers") << QByteArray("12 13\n");
    }

    void anUnusableDirectoryIsNamed()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("state"))); // a file where the directory should be
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        OrderIdPrefix p;
        std::string error;
        QVERIFY(!reserveOrderIdPrefix(dir.path().toStdString(), 1764000000, p, error));
        QVERIFY2(error.find(dir.filePath(QStringLiteral("state")).toStdString()) != std::string::npos, error.c_str());
    }

    // Instances started at once on one data directory: every number is taken once.
    void concurrentInstancesNeverShareANumber()
    {
        QTemporaryDir dir;
        const std::string data = dir.path().toStdString();
        constexpr int kProcesses = 6, kEach = 25;
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        std::vector<pid_t> children;
        for (int c = 0; c < kProcesses; ++c) {
            const pid_t pid = ::fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                ::close(fds[0]);
                for (int i = 0; i < kEach; ++i) {
                    OrderIdPrefix p;
                    std::string error;
                    std::uint64_t n = reserveOrderIdPrefix(data, 1764000000, p, error) ? p.number : 0;
                    if (::write(fds[1], &n, sizeof n) != sizeof n)
                        ::_exit(2);
                }
                ::_exit(0);
            }
            children.push_back(pid);
        }
        ::close(fds[1]);
        std::multiset<std::uint64_t> seen;
        std::uint64_t n = 0;
        while (::read(fds[0], &n, sizeof n) == sizeof n)
            seen.insert(n);
        ::close(fds[0]);
        for (pid_t pid : children) {
            int status = 0;
            QCOMPARE(::waitpid(pid, &status, 0), pid);
            QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        QCOMPARE(seen.size(), std::size_t(kProcesses * kEach));
        QCOMPARE(seen.count(0), std::size_t(0));
        QCOMPARE(std::set<std::uint64_t>(seen.begin(), seen.end()).size(), seen.size());
    }
};

QTEST_GUILESS_MAIN(TstOrderIds)
#include "tst_order_ids.moc"
