// The installable package: builds it with CPack, inspects it, unpacks it into a
// temporary root and runs the program from there, then asks lintian.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestPackage : public QObject {
    Q_OBJECT

    struct Run {
        int code = -1;
        QString out;
    };
    static Run run(const QString& program, const QStringList& args, int timeoutMs = 300000, const QString& cwd = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HELMSMAN_RESOURCES"));
        p.setProcessEnvironment(env);
        if (!cwd.isEmpty())
            p.setWorkingDirectory(cwd);
        p.start(program, args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return {-1, QStringLiteral("timed out: ") + program};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromLocal8Bit(p.readAll())};
    }

    QTemporaryDir m_dir;
    QString m_deb, m_tgz;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString out = m_dir.filePath(QStringLiteral("pkg"));
        Run r = run(QStringLiteral("cpack"), {QStringLiteral("--config"), QStringLiteral(HM_BUILD_DIR "/CPackConfig.cmake"),
                                               QStringLiteral("-B"), out});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        m_deb = out + QStringLiteral("/helmsman_" HM_VERSION_TEXT "-1_amd64.deb");
        m_tgz = out + QStringLiteral("/helmsman_" HM_VERSION_TEXT "-1_amd64.tar.gz");
        QVERIFY2(QFile::exists(m_deb), qPrintable(r.out));
        QVERIFY2(QFile::exists(m_tgz), qPrintable(r.out));
    }

    void debianPackageHoldsEverything()
    {
        Run list = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), m_deb});
        QCOMPARE(list.code, 0);
        const QStringList expected = {
            "./usr/bin/helmsman", "./usr/bin/helmsman-venue", "./usr/bin/helmsman-ctl", "./usr/bin/helmsman-report",
            "./usr/bin/helmsman-backtest", "./usr/bin/helmsman-train", "./usr/bin/helmsman-regime",
            "./usr/bin/helmsman-signal", "./usr/bin/helmsman-fixstore", "./usr/share/helmsman/fix/FIX44.xml", "./usr/share/helmsman/agents/demo.json",
            "./usr/share/helmsman/sim/default.json", "./usr/share/helmsman/models/ppo-execution.pt",
            "./usr/share/helmsman/models/ppo-execution.pt.json", "./usr/share/helmsman/models/regime-hmm.json",
            "./usr/share/applications/helmsman.desktop", "./usr/share/icons/hicolor/scalable/apps/helmsman.svg",
            "./usr/share/metainfo/io.github.helmsman.Helmsman.metainfo.xml", "./usr/share/man/man1/helmsman.1.gz",
            "./usr/share/man/man1/helmsman-venue.1.gz", "./usr/share/man/man1/helmsman-ctl.1.gz",
            "./usr/share/man/man1/helmsman-report.1.gz", "./usr/share/man/man1/helmsman-fixstore.1.gz",
            "./usr/share/doc/helmsman/copyright",
            "./usr/share/doc/helmsman/journal.md"};
        for (const QString& path : expected)
            QVERIFY2(list.out.contains(QRegularExpression(QRegularExpression::escape(path) + QStringLiteral("(\\n|$)"))),
                     qPrintable(path + QStringLiteral(" missing from the package")));
        QVERIFY2(!list.out.contains(QStringLiteral(".ckpt")), "training checkpoints do not ship");
        Run info = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")});
        QCOMPARE(info.code, 0);
        for (const char* dep : {"libqt6widgets6", "libqt6charts6", "libquickfix", "libsqlite3-0", "libtorch", "qt6-qpa-plugins"})
            QVERIFY2(info.out.contains(QLatin1String(dep)), qPrintable(QStringLiteral("Depends lacks ") + dep + ": " + info.out));
        Run tar = run(QStringLiteral("tar"), {QStringLiteral("-tzf"), m_tgz});
        QCOMPARE(tar.code, 0);
        QVERIFY(tar.out.contains(QStringLiteral("/bin/helmsman\n")));
        QVERIFY(tar.out.contains(QStringLiteral("/share/helmsman/fix/FIX44.xml")));
    }

    void unpackedProgramRuns()
    {
        const QString root = m_dir.filePath(QStringLiteral("root"));
        QVERIFY(QDir().mkpath(root));
        Run x = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, root});
        QVERIFY2(x.code == 0, qPrintable(x.out));
        const QString helmsman = root + QStringLiteral("/usr/bin/helmsman");
        Run v = run(helmsman, {QStringLiteral("--version")});
        QCOMPARE(v.code, 0);
        QCOMPARE(v.out.trimmed(), QStringLiteral("helmsman " HM_VERSION_TEXT));

        const QString data = m_dir.filePath(QStringLiteral("data"));
        const QString journal = data + QStringLiteral("/session.db");
        Run h = run(helmsman, {QStringLiteral("--headless"), QStringLiteral("--duration"), QStringLiteral("3"),
                               QStringLiteral("--data-dir"), data, QStringLiteral("--journal"), journal},
                    120000, m_dir.path());
        QVERIFY2(h.code == 0, qPrintable(h.out));
        QVERIFY2(h.out.contains(QStringLiteral("fills")), qPrintable(h.out));
        // It ran on the package's own resources, not the source tree's.
        Run cfg = run(QStringLiteral("sqlite3"), {journal, QStringLiteral("select text from events where kind=2 and ref='resources'")});
        QCOMPARE(QFileInfo(cfg.out.trimmed()).canonicalFilePath(),
                 QFileInfo(root + QStringLiteral("/usr/share/helmsman")).canonicalFilePath());

        Run report = run(root + QStringLiteral("/usr/bin/helmsman-report"), {journal});
        QVERIFY2(report.code == 0, qPrintable(report.out));
    }

    void lintianFindsNoErrors()
    {
        Run l = run(QStringLiteral("lintian"), {QStringLiteral("--allow-root"), m_deb});
        QVERIFY2(l.code != -1, "lintian did not run");
        QVERIFY2(!l.out.contains(QRegularExpression(QStringLiteral("^E: "), QRegularExpression::MultilineOption)),
                 qPrintable(l.out));
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
