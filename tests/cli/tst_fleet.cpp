// SPDX-License-Identifier: GPL-3.0-or-later

// `mist-monitor metrics|logs|deployment` with several --url: two servers of
// this project and the upstream stand-in at once, each line prefixed with its
// server; a server that goes away reconnects on its own while the others go
// on; passwords one per --url or one for all.
#include "TestPaths.h"
#include "TestSupport.h"
#include "UpstreamStandIn.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <csignal>

using namespace mist;
using namespace mist::test;

namespace {
const QByteArray Password = "correct horse battery";

server::ServerConfig freePort() {
    server::ServerConfig c;
    c.port = 0;
    return c;
}

QString url(quint16 port) {
    return QStringLiteral("http://127.0.0.1:%1").arg(port);
}

QString label(quint16 port) {
    return QStringLiteral("[127.0.0.1:%1] ").arg(port);
}

struct Cli {
    QProcess p;
    QStringList out;
    QString err;
    explicit Cli(const QStringList &args, const QByteArray &input) {
        QObject::connect(&p, &QProcess::readyReadStandardOutput, &p, [this] {
            out += QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        });
        QObject::connect(&p, &QProcess::readyReadStandardError, &p,
                         [this] { err += QString::fromUtf8(p.readAllStandardError()); });
        p.start(mist::test::binaryPath(QStringLiteral("mist-monitor")), args);
        p.waitForStarted(10000);
        p.write(input);
        p.closeWriteChannel();
    }
    int finish(int timeoutMs = 60000) {
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        out += QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        err += QString::fromUtf8(p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    int linesFrom(quint16 port) const {
        return int(std::count_if(out.begin(), out.end(),
                                 [&](const QString &l) { return l.startsWith(label(port)); }));
    }
};
} // namespace

class TestFleet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void threeServersTwoDialects() {
        MIST_REQUIRE_DOCKER();
        ServerFixture a(freePort()), b(freePort());
        QVERIFY(a.ok() && b.ok());
        a.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        b.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, "another password");
        UpstreamStandIn upstream;
        upstream.email = QStringLiteral("owner@example.com");
        upstream.password = "upstream password";
        upstream.statsIntervalMs = 300;
        // One password per --url, in order.
        Cli cli({"metrics", "--count", "2", "--url", url(a.port()), "--url", url(b.port()), "--url",
                 url(upstream.port()), "--email", "owner@example.com", "--password-stdin"},
                Password + "\nanother password\nupstream password\n");
        QCOMPARE(cli.finish(), 0);
        QCOMPARE(cli.out.size(), 6);
        QCOMPARE(cli.linesFrom(a.port()), 2);
        QCOMPARE(cli.linesFrom(b.port()), 2);
        QCOMPARE(cli.linesFrom(upstream.port()), 2);
        const QRegularExpression published(
            QStringLiteral("^\\[127\\.0\\.0\\.1:\\d+\\] \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ "
                           "cpu \\d+\\.\\d% \\(\\d+ cores?\\) mem "));
        for (const QString &line : std::as_const(cli.out)) {
            if (line.startsWith(label(upstream.port())))
                QVERIFY2(line.contains(QStringLiteral(" cpu 12.5% mem 25.0% ")) &&
                             line.contains(QStringLiteral(" load 0.10 0.20 0.30 ")),
                         qPrintable(line));
            else
                QVERIFY2(published.match(line).hasMatch(), qPrintable(line));
        }
    }

    void oneServerGoesAwayTheOthersGoOn() {
        MIST_REQUIRE_DOCKER();
        auto a = std::make_unique<ServerFixture>(freePort());
        ServerFixture b(freePort());
        QVERIFY(a->ok() && b.ok());
        a->addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        b.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        const quint16 aPort = a->port();
        // One password for both.
        Cli cli({"metrics", "--url", url(aPort), "--url", url(b.port()), "--email",
                 "owner@example.com", "--password-stdin"},
                Password + "\n");
        QVERIFY(QTest::qWaitFor(
            [&] { return cli.linesFrom(aPort) >= 1 && cli.linesFrom(b.port()) >= 1; }, 20000));
        a.reset(); // server A stops (1001 to its clients)
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return cli.err.contains(label(aPort) + QStringLiteral("connection lost")); },
                20000),
            qPrintable(cli.err));
        const int before = cli.linesFrom(b.port());
        QVERIFY(QTest::qWaitFor([&] { return cli.linesFrom(b.port()) >= before + 2; }, 20000));
        QVERIFY(cli.p.state() == QProcess::Running);
        ::kill(pid_t(cli.p.processId()), SIGINT);
        QCOMPARE(cli.finish(), 128 + SIGINT);
        QVERIFY(!cli.err.contains(label(b.port()) + QStringLiteral("connection lost")));
    }

    void aRefusedServerIsReportedAndLeftOut() {
        MIST_REQUIRE_DOCKER();
        ServerFixture a(freePort());
        QVERIFY(a.ok());
        a.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 closed = probe.serverPort();
        probe.close();
        Cli cli({"metrics", "--count", "1", "--url", url(a.port()), "--url", url(closed), "--email",
                 "owner@example.com", "--password-stdin"},
                Password + "\n");
        QCOMPARE(cli.finish(), 1); // the partial failure shows in the exit code
        QCOMPARE(cli.linesFrom(a.port()), 1);
        QVERIFY2(cli.err.contains(QStringLiteral("mist-monitor: ") + label(closed) +
                                  QStringLiteral("Cannot reach")),
                 qPrintable(cli.err));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("error");
        QTest::newRow("two passwords for three servers")
            << QStringList{"metrics",
                           "--url",
                           "http://127.0.0.1:1",
                           "--url",
                           "http://127.0.0.1:2",
                           "--url",
                           "http://127.0.0.1:3",
                           "--email",
                           "e@x.y",
                           "--password-stdin"}
            << QByteArray("one\ntwo\n")
            << "--password-stdin: 2 passwords for 3 servers (give one for all, or one per --url in "
               "order)";
        QTest::newRow("the same server twice")
            << QStringList{"metrics", "--url", "http://127.0.0.1:1", "--url", "ws://127.0.0.1:1",
                           "--email", "e@x.y", "--password-stdin"}
            << QByteArray("pw\n") << "--url ws://127.0.0.1:1 given twice";
        QTest::newRow("deploy to several servers")
            << QStringList{"deploy",
                           "--app",
                           "1",
                           "--url",
                           "http://127.0.0.1:1",
                           "--url",
                           "http://127.0.0.1:2",
                           "--email",
                           "e@x.y",
                           "--password-stdin"}
            << QByteArray("pw\n") << "deploy takes one --url";
        QTest::newRow("one bad url among good ones")
            << QStringList{"logs",  "--app",      "1",       "--url", "http://127.0.0.1:1",
                           "--url", "gopher://x", "--email", "e@x.y", "--password-stdin"}
            << QByteArray("pw\n")
            << "--url wants http(s)://host:port or ws(s)://host:port, not 'gopher://x'";
    }
    void usageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, error);
        Cli cli(args, input);
        QCOMPARE(cli.finish(), 2);
        QCOMPARE(cli.err.trimmed(), QStringLiteral("mist-monitor: ") + error);
        QVERIFY(cli.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFleet)
#include "tst_fleet.moc"
