// SPDX-License-Identifier: GPL-3.0-or-later

// The mist-monitor executable as operators use it: --server with no display,
// SIGTERM, --help/--version, the operator subcommands, and bad arguments.
#include "TestPaths.h"
#include "TestSupport.h"

#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

#include <csignal>

using namespace mist;
using namespace mist::test;

namespace {
const QString Binary = mist::test::binaryPath(QStringLiteral("mist-monitor"));

QProcessEnvironment headlessEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"})
        env.remove(QLatin1String(var));
    return env;
}

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run run(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 30000) {
    QProcess p;
    p.setProcessEnvironment(headlessEnvironment());
    p.start(Binary, args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

class TestBinary : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private Q_SLOTS:
    void versionAndHelpNeedNoDisplay() {
        const Run v = run({QStringLiteral("--version")});
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.contains(MIST_VERSION));
        const Run h = run({QStringLiteral("--help")});
        QCOMPARE(h.exitCode, 0);
        for (const char *option :
             {"--server", "--listen", "--data-dir", "--docker-host", "--tls-cert", "--tls-key",
              "--allowed-origin", "--ping-interval", "--ca-cert"})
            QVERIFY2(h.out.contains(option), option);
    }

    void operatorCommandsThenServe() {
        MIST_REQUIRE_DOCKER();
        const QString data = dir.filePath(QStringLiteral("data"));
        Run r = run({"user", "add", "--email", "ops@example.com", "--role", "owner",
                     "--password-stdin", "--data-dir", data},
                    "a long passphrase\n");
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        r = run({"app", "add", "--name", "web", "--project", "shop", "--container", "web-1",
                 "--data-dir", data});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("1\n")); // the id and nothing else

        const quint16 port = freePort();
        QProcess server;
        server.setProcessEnvironment(headlessEnvironment());
        server.start(Binary, {"--server", "--listen", QStringLiteral("127.0.0.1:%1").arg(port),
                              "--data-dir", data});
        QByteArray err;
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                err += server.readAllStandardError();
                return err.contains("serving on") || server.state() == QProcess::NotRunning;
            },
            15000));
        QVERIFY2(err.contains("serving on http://127.0.0.1:"), err.constData());

        // A client that knows nothing but the published page and HTTP.
        QNetworkAccessManager nam;
        QNetworkRequest login(QUrl(QStringLiteral("http://127.0.0.1:%1/api/auth/login").arg(port)));
        login.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply =
            nam.post(login, "{\"email\":\"ops@example.com\",\"password\":\"a long passphrase\"}");
        QVERIFY(w.waitFor([&] { return reply->isFinished(); }, 10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QByteArray setCookie = reply->rawHeader("Set-Cookie");
        const QByteArray token = setCookie.mid(11, setCookie.indexOf(';') - 11);
        WsRecorder ws;
        QVERIFY(ws.openUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/metrics").arg(port)), token));
        QVERIFY(ws.waitForMessages(1, 5000));

        // SIGTERM: a clean exit.
        ::kill(pid_t(server.processId()), SIGTERM);
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
        QVERIFY(ws.waitForClose(5000));
        QCOMPARE(ws.closeCode, 1001); // going away, not a drop
    }

    void badServerArguments_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("listen without port")
            << QStringList{"--server", "--listen", "127.0.0.1"} << 2 << "--listen wants HOST:PORT";
        QTest::newRow("listen bad port") << QStringList{"--server", "--listen", "127.0.0.1:99999"}
                                         << 2 << "--listen wants HOST:PORT";
        QTest::newRow("listen bare ipv6")
            << QStringList{"--server", "--listen", "::1:80"} << 2 << "--listen wants HOST:PORT";
        QTest::newRow("ping zero")
            << QStringList{"--server", "--ping-interval", "0"} << 2 << "--ping-interval";
        QTest::newRow("ping text")
            << QStringList{"--server", "--ping-interval", "soon"} << 2 << "--ping-interval";
        QTest::newRow("cert without key")
            << QStringList{"--server", "--tls-cert", "/x.pem"} << 2 << "go together";
        QTest::newRow("bad origin")
            << QStringList{"--server", "--allowed-origin", "evil"} << 2 << "--allowed-origin";
        QTest::newRow("unknown option")
            << QStringList{"--server", "--frobnicate"} << 2 << "frobnicate";
        QTest::newRow("ca-cert is the desktop's")
            << QStringList{"--server", "--ca-cert", "/etc/hostname"} << 2
            << "--ca-cert is for the desktop app";
        QTest::newRow("stray argument")
            << QStringList{"--server", "extra"} << 2 << "unexpected argument";
        QTest::newRow("bad docker host")
            << QStringList{"--server", "--listen", "127.0.0.1:0", "--docker-host", "http://x"} << 1
            << "";
        QTest::newRow("data dir is a file")
            << QStringList{"--server", "--listen", "127.0.0.1:0", "--data-dir", "/etc/hostname"}
            << 1 << "";
    }

    void badServerArguments() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = run(args, {}, 15000);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.startsWith("mist-monitor: "), r.err.constData());
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    }

    void listenAddressInUse() {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const Run r =
            run({"--server", "--listen", QStringLiteral("127.0.0.1:%1").arg(taken.serverPort()),
                 "--data-dir", dir.filePath(QStringLiteral("inuse"))},
                {}, 15000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot listen on"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestBinary)
#include "tst_binary.moc"
