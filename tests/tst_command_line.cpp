// The executables as a user runs them: exit codes and messages.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstring>

class TestCommandLine : public QObject {
    Q_OBJECT

    struct Run {
        int code;
        QString out;
        QString err;
    };
    Run run(const QStringList& args, int timeoutMs = 60000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(HM_HELMSMAN_BIN), args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return {-1, {}, QStringLiteral("timed out")};
        }
        return {p.exitCode(), QString::fromLocal8Bit(p.readAllStandardOutput()),
                QString::fromLocal8Bit(p.readAllStandardError())};
    }
    QTemporaryDir m_dir;

    // A one-second headless session on its own data directory, and where its gateway keeps the FIX store.
    QString dataDir(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    static QStringList shortSession(const QString& data)
    {
        return {QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("1"), QStringLiteral("--data-dir"), data};
    }
    static QString gatewayStore(const QString& data)
    {
        return data + QStringLiteral("/fix/store/FIX.4.4-HELMSMAN-HMVENUE.hmstore");
    }

private Q_SLOTS:
    void versionAndHelp()
    {
        Run v = run({QStringLiteral("--version")});
        QCOMPARE(v.code, 0);
        QVERIFY(v.out.startsWith(QStringLiteral("helmsman ")));
        Run h = run({QStringLiteral("--help")});
        QCOMPARE(h.code, 0);
        QVERIFY(h.out.contains(QStringLiteral("--headless")));
    }

    // Storing the risk-manager passphrase opens no window, so it needs no display.
    void setRiskPassphraseNeedsNoDisplay()
    {
        auto store = [&](const QString& data, const QByteArray& input) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
                env.remove(QString::fromLatin1(name));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--set-risk-passphrase"), QStringLiteral("--data-dir"), data});
            p.write(input);
            p.closeWriteChannel();
            if (!p.waitForFinished(60000)) {
                p.kill();
                p.waitForFinished();
                return Run{-1, {}, QStringLiteral("timed out")};
            }
            return Run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromLocal8Bit(p.readAllStandardOutput()),
                       QString::fromLocal8Bit(p.readAllStandardError())};
        };
        const QString data = dataDir("passphrase-data");
        Run ok = store(data, "correct horse battery\n");
        QVERIFY2(ok.code == 0, qPrintable(ok.err));
        QFile hash(data + QStringLiteral("/risk-manager.argon2"));
        QVERIFY(hash.open(QIODevice::ReadOnly));
        QVERIFY(hash.readAll().startsWith("$argon2id$"));
        QCOMPARE(hash.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        Run tooShort = store(dataDir("passphrase-short"), "short\n");
        QCOMPARE(tooShort.code, 2);
        QVERIFY2(tooShort.err.contains(QStringLiteral("at least 8 characters")), qPrintable(tooShort.err));
    }

    void badInputIsNamed()
    {
        Run u = run({QStringLiteral("--headless"), QStringLiteral("--frobnicate")});
        QVERIFY(u.code != 0);
        QVERIFY2(u.err.contains(QStringLiteral("frobnicate")), qPrintable(u.err));
        Run d = run({QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("soon")});
        QVERIFY(d.code != 0);
        QVERIFY2(d.err.contains(QStringLiteral("--duration")), qPrintable(d.err));
        Run c = run({QStringLiteral("--headless"), QStringLiteral("--session-config"), QStringLiteral("/nonexistent/s.cfg")});
        QVERIFY(c.code != 0);
        QVERIFY2(c.err.contains(QStringLiteral("/nonexistent/s.cfg")), qPrintable(c.err));
        const QString malformed = m_dir.filePath(QStringLiteral("malformed.cfg"));
        QFile f(malformed);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[SESSION\nBeginString=FIX.4.4\n");
        f.close();
        Run m = run({QStringLiteral("--headless"), QStringLiteral("--session-config"), malformed});
        QVERIFY(m.code != 0);
        QVERIFY2(m.err.contains(QStringLiteral("malformed.cfg")), qPrintable(m.err));
        Run j = run({QStringLiteral("--headless"), QStringLiteral("--journal"), QStringLiteral("/proc/helmsman/j.db")});
        QVERIFY(j.code != 0);
        QVERIFY2(j.err.contains(QStringLiteral("/proc/helmsman")), qPrintable(j.err));
        Run i = run({QStringLiteral("--headless"), QStringLiteral("--instruments"), QStringLiteral("ABC:zero")});
        QVERIFY(i.code != 0);
        QVERIFY2(i.err.contains(QStringLiteral("ABC:zero")), qPrintable(i.err));
    }

    void numbersOnTheCommandLineAreBounded_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        // Each spawns the program (seconds apiece): one row per way a number goes wrong.
        QTest::newRow("duration nan") << "--duration" << "nan";
        QTest::newRow("duration huge") << "--duration" << "1e300";
        QTest::newRow("rate inf") << "--rate" << "inf";
        QTest::newRow("rate huge") << "--rate" << "1e9";
        QTest::newRow("venue-flow nan") << "--venue-flow" << "nan";
        QTest::newRow("screenshot-delay huge") << "--screenshot-delay" << "1e12";
        QTest::newRow("replay-speed nan") << "--replay-speed" << "nan";
        QTest::newRow("seed negative") << "--seed" << "-1";
    }
    void numbersOnTheCommandLineAreBounded()
    {
        QFETCH(QString, option);
        QFETCH(QString, value);
        Run r = run({QStringLiteral("--headless"), option, value, QStringLiteral("--data-dir"), dataDir("bounded")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(option) && r.err.contains(value), qPrintable(r.err));
    }

    // The standalone venue refuses what it cannot read exactly, before it binds anything.
    void venueNumbersAreReadExactly_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("port with text") << "--port" << "9878abc" << "--port needs a whole number from 1 to 65535, got '9878abc'";
        QTest::newRow("speed nan") << "--speed" << "nan" << "--speed needs a number from 0.001 to 1000, got 'nan'";
        QTest::newRow("flow inf") << "--flow" << "inf" << "--flow needs a number from 0 to 1e+06, got 'inf'";
        QTest::newRow("seed negative") << "--seed" << "-1" << "--seed needs a whole number";
        QTest::newRow("fractional lot") << "--instruments" << "HMX:0.01:1.5" << "lot size '1.5' is not a whole number";
    }
    void venueNumbersAreReadExactly()
    {
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QProcess p;
        p.start(QStringLiteral(HM_VENUE_BIN), {option, value, QStringLiteral("--store"), dataDir("venue-store")});
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished();
            QFAIL("the venue did not refuse its argument");
        }
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(expected), qPrintable(err));
    }

    void refusedModelFailsTheHeadlessSession()
    {
        // A shipped model copied beside a card that names an algorithm this build lacks.
        QDir models(m_dir.filePath(QStringLiteral("models")));
        QVERIFY(models.mkpath(QStringLiteral(".")));
        const QString model = models.filePath(QStringLiteral("ppo-execution.pt"));
        QVERIFY(QFile::copy(QStringLiteral(HM_SOURCE_DIR "/models/ppo-execution.pt"), model));
        QFile in(QStringLiteral(HM_SOURCE_DIR "/models/ppo-execution.pt.json"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray card = in.readAll();
        QVERIFY(card.contains("\"algorithm\": \"ppo\""));
        card.replace("\"algorithm\": \"ppo\"", "\"algorithm\": \"a2c\"");
        QFile out(model + QStringLiteral(".json"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(card);
        out.close();
        const QString agents = m_dir.filePath(QStringLiteral("a2c-agents.json"));
        QFile a(agents);
        QVERIFY(a.open(QIODevice::WriteOnly));
        a.write(QStringLiteral(R"({"agents": [{"id": "a2c-sell", "type": "rl_execution", "instrument": "HMX", "model": "%1",
                                   "params": {"side": "sell", "quantity": 2000, "duration_s": 60}}]})")
                    .arg(model)
                    .toUtf8());
        a.close();
        Run r = run(shortSession(dataDir("refused")) << QStringLiteral("--agents") << agents << QStringLiteral("--no-control"));
        QVERIFY2(r.code != 0, qPrintable(r.out + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("a2c-sell")) && r.err.contains(QStringLiteral("algorithm 'a2c' is not one this build knows")),
                 qPrintable(r.err));
        QVERIFY2(!r.out.contains(QStringLiteral("orders sent")), qPrintable(r.out)); // no session ran as if all were well
        // Said once on stderr, by the summary; the log file keeps it too.
        QVERIFY2(r.err.count(QStringLiteral("algorithm 'a2c' is not one this build knows")) == 1, qPrintable(r.err));
        QFile log(dataDir("refused") + QStringLiteral("/logs/helmsman.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("agent a2c-sell not armed"));
    }

    void headlessSessionTradesOverFix()
    {
        const QString journal = m_dir.filePath(QStringLiteral("headless.db"));
        Run r = run({QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("3"), QStringLiteral("--seed"),
                     QStringLiteral("1"), QStringLiteral("--journal"), journal});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("FIX round trip")));
        QRegularExpression fills(QStringLiteral("fills\\s+(\\d+)"));
        auto m = fills.match(r.out);
        QVERIFY(m.hasMatch());
        QVERIFY2(m.captured(1).toInt() > 0, qPrintable(r.out));
        QVERIFY(r.out.contains(journal));
        QProcess q;
        q.start(QStringLiteral("sqlite3"), {journal, QStringLiteral("SELECT count(*) FROM events WHERE kind=6 AND text LIKE '%|Trade|%'")});
        QVERIFY(q.waitForFinished(10000));
        QVERIFY(QString::fromLatin1(q.readAllStandardOutput()).trimmed().toInt() > 0);

        // The same journal replays headless with every recorded state hash matching.
        Run replay = run({QStringLiteral("--replay"), journal, QStringLiteral("--headless")});
        QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
        QVERIFY2(replay.out.contains(QRegularExpression(QStringLiteral("[1-9]\\d* recorded hashes checked, 0 differ"))),
                 qPrintable(replay.out));
    }

    void damagedFixStoreIsNamedAndKept()
    {
        const QString data = dataDir("store-data");
        const QStringList args = shortSession(data);
        Run first = run(args);
        QVERIFY2(first.code == 0, qPrintable(first.err));
        const QString store = gatewayStore(data);
        QFile f(store);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(4200);
        f.write("garbage");
        f.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray damaged = f.readAll();
        f.close();
        Run second = run(args);
        QVERIFY(second.code != 0);
        QVERIFY2(second.err.contains(store) && second.err.contains(QStringLiteral("damaged at byte")), qPrintable(second.err));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), damaged); // refused, not repaired or overwritten
    }

    // Killed with SIGKILL mid-session, the program starts again on the same data: both
    // sides of the FIX session kept their sequence numbers, so the logon continues them
    // (no reset, no refusal) and trading goes on.
    void sequenceNumbersSurviveSigkill()
    {
        const QString data = dataDir("kill-data");
        const QString store = gatewayStore(data);
        auto nextSeqs = [&] { // next sender and target numbers, from the store's header
            QFile f(store);
            if (!f.open(QIODevice::ReadOnly))
                return std::pair<qint64, qint64>(0, 0);
            const QByteArray h = f.read(32);
            qint64 s = 0, t = 0;
            std::memcpy(&s, h.constData() + 16, 8);
            std::memcpy(&t, h.constData() + 24, 8);
            return std::make_pair(s, t);
        };
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("60"),
                                                  QStringLiteral("--data-dir"), data});
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(nextSeqs().first > 50, 30000); // trading over FIX
        QThread::msleep(300);
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        const auto before = nextSeqs();

        Run again = run({QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("2"),
                         QStringLiteral("--data-dir"), data});
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QRegularExpression fills(QStringLiteral("fills\\s+(\\d+)"));
        QVERIFY2(fills.match(again.out).captured(1).toInt() > 0, qPrintable(again.out));
        const auto after = nextSeqs();
        QVERIFY2(after.first > before.first && after.second > before.second,
                 qPrintable(QStringLiteral("%1/%2 -> %3/%4").arg(before.first).arg(before.second).arg(after.first).arg(after.second)));
        QRegularExpression journal(QStringLiteral("journal\\s+(\\S+\\.db)"));
        const QString db = journal.match(again.out).captured(1);
        QProcess q;
        q.start(QStringLiteral("sqlite3"), {db, QStringLiteral("SELECT count(*) FROM events WHERE kind=10 AND (text LIKE '%too low%' "
                                                               "OR text LIKE 'Reject%')")});
        QVERIFY(q.waitForFinished(10000));
        QCOMPARE(QString::fromLatin1(q.readAllStandardOutput()).trimmed(), QStringLiteral("0"));
    }

    // Quick restarts on one data directory, each killed with SIGKILL as soon as it has
    // sent orders: no ClOrdID is used twice across the sessions, and the venue refuses
    // none as a duplicate. (The id prefix once came from the start second, so restarts
    // within one second reused ids.)
    void quickRestartsNeverReuseOrderIds()
    {
        const QString data = dataDir("restart-data");
        const QString store = gatewayStore(data);
        auto nextSender = [&] {
            QFile f(store);
            qint64 s = 0;
            if (f.open(QIODevice::ReadOnly) && f.size() >= 32) {
                const QByteArray h = f.read(32);
                std::memcpy(&s, h.constData() + 16, 8);
            }
            return s;
        };
        for (int i = 0; i < 6; ++i) {
            const qint64 before = nextSender();
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path());
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--headless"), QStringLiteral("--duration"),
                                                      QStringLiteral("30"), QStringLiteral("--rate"), QStringLiteral("200"),
                                                      QStringLiteral("--no-control"), QStringLiteral("--data-dir"), data});
            QVERIFY(p.waitForStarted());
            // Logon, the mass status request and a market-data request per instrument of the
            // embedded universe (6) go first; past those, orders on the wire.
            QTRY_VERIFY_WITH_TIMEOUT(nextSender() > before + 13, 30000);
            ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(10000));
        }
        // What went on the wire, from both sides' FIX stores: every order, cancel and
        // replace the gateway sent, and every report the venue sent back.
        auto stored = [](const QString& file) {
            QProcess q;
            q.start(QStringLiteral(HM_FIXSTORE_BIN), {file, QStringLiteral("--messages"), QStringLiteral("1-1000000")});
            q.waitForFinished(60000);
            return QString::fromLatin1(q.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        };
        QStringList ids;
        const QRegularExpression request(QStringLiteral("\\|35=[DFG]\\|.*\\|11=([^|]+)\\|"));
        for (const QString& m : stored(store)) {
            const auto match = request.match(m);
            if (match.hasMatch())
                ids << match.captured(1);
        }
        int duplicates = 0;
        for (const QString& m : stored(data + QStringLiteral("/venue/FIX.4.4-HMVENUE-HELMSMAN.hmstore")))
            duplicates += m.contains(QStringLiteral("uplicate")) ? 1 : 0;
        QVERIFY2(ids.size() >= 12, qPrintable(QString::number(ids.size()))); // orders from every session
        const QSet<QString> unique(ids.begin(), ids.end());
        QCOMPARE(unique.size(), ids.size());
        QCOMPARE(duplicates, 0);
    }

    // helmsman-fixstore: reads a session's store, refuses one in use, and sets sequence
    // numbers the session then continues from.
    void fixStoreToolReadsAndSetsSequenceNumbers()
    {
        const QString data = dataDir("fixstore-data");
        const QStringList session = shortSession(data);
        Run first = run(session);
        QVERIFY2(first.code == 0, qPrintable(first.err));
        const QString store = gatewayStore(data);
        auto tool = [](const QStringList& args) {
            QProcess p;
            p.start(QStringLiteral(HM_FIXSTORE_BIN), args);
            p.waitForFinished(30000);
            return Run{p.exitCode(), QString::fromLocal8Bit(p.readAllStandardOutput()),
                       QString::fromLocal8Bit(p.readAllStandardError())};
        };
        Run show = tool({store});
        QCOMPARE(show.code, 0);
        QVERIFY2(show.out.contains(QRegularExpression(QStringLiteral("next sender seq\\s+[1-9]"))), qPrintable(show.out));
        Run logon = tool({store, QStringLiteral("--messages"), QStringLiteral("1-1")});
        QVERIFY2(logon.out.contains(QStringLiteral("35=A|")) && logon.out.contains(QStringLiteral("554=********|")),
                 qPrintable(logon.out));

        // Ahead of what the venue expects: it asks for a resend, gets a gap fill, trades on.
        Run set = tool({store, QStringLiteral("--set-next-sender"), QStringLiteral("5000")});
        QVERIFY2(set.code == 0 && set.out.contains(QStringLiteral("-> 5000")), qPrintable(set.out + set.err));
        Run again = run(session);
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY2(QRegularExpression(QStringLiteral("fills\\s+(\\d+)")).match(again.out).captured(1).toInt() > 0, qPrintable(again.out));
        QVERIFY(tool({store}).out.contains(QRegularExpression(QStringLiteral("next sender seq\\s+5\\d\\d\\d"))));

        // Both sides reset, as agreed: the next session starts from 1.
        const QString venueStore = data + QStringLiteral("/venue/FIX.4.4-HMVENUE-HELMSMAN.hmstore");
        QCOMPARE(tool({store, QStringLiteral("--reset")}).code, 0);
        QCOMPARE(tool({venueStore, QStringLiteral("--reset")}).code, 0);
        QVERIFY(tool({store}).out.contains(QRegularExpression(QStringLiteral("next sender seq\\s+1 "))));
        QCOMPARE(run(session).code, 0);
        QVERIFY(tool({store}).out.contains(QRegularExpression(QStringLiteral("next sender seq\\s+[1-9]\\d{0,3} "))));

        // In use by a running session: refused, nothing changed.
        QProcess running;
        running.start(QStringLiteral(HM_HELMSMAN_BIN), {QStringLiteral("--headless"), QStringLiteral("--duration"),
                                                        QStringLiteral("30"), QStringLiteral("--data-dir"), data});
        QVERIFY(running.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(tool({store}).err.contains(QStringLiteral("in use by another process")), 20000);
        Run busy = tool({store, QStringLiteral("--reset")});
        QVERIFY(busy.code != 0);
        running.kill();
        running.waitForFinished();

        // Bad input is named.
        Run notStore = tool({m_dir.filePath(QStringLiteral("fixstore-data"))});
        QVERIFY(notStore.code != 0);
        Run option = tool({store, QStringLiteral("--frobnicate")});
        QVERIFY(option.code != 0 && option.err.contains(QStringLiteral("unknown option '--frobnicate'")));
        Run number = tool({store, QStringLiteral("--set-next-target"), QStringLiteral("-3")});
        QVERIFY(number.code != 0 && number.err.contains(QStringLiteral("not a sequence number")));
    }

    // The learning-curve picture is redrawn from its CSV without training, legend whole.
    void trainingCurveIsRedrawnFromItsCsv()
    {
        const QString out = m_dir.filePath(QStringLiteral("curve.pt"));
        QVERIFY(QFile::copy(QStringLiteral(HM_SOURCE_DIR "/models/ppo-execution.pt.curve.csv"), out + QStringLiteral(".curve.csv")));
        QProcess p;
        p.start(QStringLiteral(HM_TRAIN_BIN), {QStringLiteral("--replot"), QStringLiteral("--out"), out});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        QImage img(out + QStringLiteral(".curve.png"));
        QVERIFY(!img.isNull());
        // The legend's longest entry ends inside the picture: its last columns are background.
        for (int y = 0; y < img.height(); ++y)
            QCOMPARE(img.pixelColor(img.width() - 5, y), QColor(Qt::white));

        QFile bad(m_dir.filePath(QStringLiteral("bad.pt.curve.csv")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("steps,episodes,train_reward,train_shortfall_bps,eval_shortfall_bps,eval_twap_bps,seconds\n"
                  "1440,23,-15.2,15.2,,6.5,0.4\n1440,23,-15.2,fifteen,,6.5,0.4\n");
        bad.close();
        p.start(QStringLiteral(HM_TRAIN_BIN), {QStringLiteral("--replot"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("bad.pt"))});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(p.exitCode() != 0);
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("line 3")) && err.contains(QStringLiteral("'fifteen' is not a number")), qPrintable(err));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.pt.curve.png"))));
    }

    // The task distribution's options: each bad value is named, before any training.
    void badTrainingTaskOptionsAreNamed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("range upside down") << QStringList{"--size", "0.25,0.01"} << "--size: LO is above HI in '0.25,0.01'";
        QTest::newRow("three values") << QStringList{"--horizon", "300,600,900"} << "--horizon needs a number or LO,HI, got '300,600,900'";
        QTest::newRow("horizon too short") << QStringList{"--horizon", "10,600"} << "horizon needs a number from 60 to 23000, got '10'";
        QTest::newRow("size nan") << QStringList{"--size", "nan,0.25"} << "size needs a number from 0.0001 to 5, got 'nan'";
        QTest::newRow("no such side") << QStringList{"--sides", "buy,short"} << "--sides: expected buy and/or sell, got 'short'";
        QTest::newRow("no such action set") << QStringList{"--actions", "all"} << "--actions must be schedule_multiples or remaining_fractions, got 'all'";
        QTest::newRow("task features") << QStringList{"--task-features", "yes"} << "--task-features must be 0 or 1, got 'yes'";
    }

    void badTrainingTaskOptionsAreNamed()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QProcess p;
        p.start(QStringLiteral(HM_TRAIN_BIN), args + QStringList{QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never.pt"))});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never.pt"))));
    }

    void badReplayInputIsNamed()
    {
        Run missing = run({QStringLiteral("--replay"), QStringLiteral("/nonexistent/j.db"), QStringLiteral("--headless")});
        QCOMPARE(missing.code, 2);
        QVERIFY2(missing.err.contains(QStringLiteral("/nonexistent/j.db")) && missing.err.contains(QStringLiteral("not found")),
                 qPrintable(missing.err));
        const QString text = m_dir.filePath(QStringLiteral("notes.db"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello\n");
        f.close();
        Run notJournal = run({QStringLiteral("--replay"), text, QStringLiteral("--headless")});
        QCOMPARE(notJournal.code, 2);
        QVERIFY2(notJournal.err.contains(QStringLiteral("not a Helmsman journal")), qPrintable(notJournal.err));
        Run speed = run({QStringLiteral("--replay"), text, QStringLiteral("--replay-speed"), QStringLiteral("fast"),
                         QStringLiteral("--headless")});
        QCOMPARE(speed.code, 2);
        QVERIFY2(speed.err.contains(QStringLiteral("--replay-speed")), qPrintable(speed.err));
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_command_line.moc"
