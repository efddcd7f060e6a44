// SPDX-License-Identifier: GPL-3.0-or-later

// --tls-cert/--tls-key: https and wss on the one port, Secure cookie, and a
// clear refusal of plain http on that port.
#include "TestPaths.h"
#include "TestSupport.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>
#include <QTcpSocket>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestTls : public QObject {
    Q_OBJECT
    QTemporaryDir certDir;
    std::unique_ptr<ServerFixture> f;
    QSslConfiguration trusting;

    QNetworkReply *get(QNetworkAccessManager &nam, const QString &path,
                       const QByteArray &body = {}) {
        QNetworkRequest request(
            QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(f->port()).arg(path)));
        request.setSslConfiguration(trusting);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = body.isEmpty() ? nam.get(request) : nam.post(request, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        if (!reply->isFinished())
            qWarning("request to %s did not finish", qPrintable(path));
        return reply;
    }

private Q_SLOTS:
    void initTestCase() {
        const auto certificate = makeLoopbackCertificate(certDir.path());
        QVERIFY(certificate);
        const QString cert = certificate->cert;
        const QString key = certificate->key;
        trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates(QSslCertificate::fromPath(cert));

        server::ServerConfig config;
        config.tlsCert = cert;
        config.tlsKey = key;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
    }

    void httpsLoginSetsSecureCookieAndWssStreams() {
        QNetworkAccessManager nam;
        QNetworkReply *reply =
            get(nam, QStringLiteral("/api/auth/login"),
                "{\"email\":\"owner@example.com\",\"password\":\"correct horse battery\"}");
        QVERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        const QByteArray cookie = reply->rawHeader("Set-Cookie");
        QVERIFY2(cookie.contains("; Secure"), cookie.constData());
        const QByteArray token = cookie.mid(11, cookie.indexOf(';') - 11);
        reply->deleteLater();

        WsRecorder ws;
        QVERIFY(ws.openUrl(QUrl(QStringLiteral("wss://127.0.0.1:%1/ws/metrics").arg(f->port())),
                           token, &trusting));
        QVERIFY(ws.waitForMessages(1, 5000));
        QVERIFY(ws.messages[0].contains(QStringLiteral("cpu")));
    }

    void untrustedCertificateRefusedByClient() {
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(QStringLiteral("https://127.0.0.1:%1/api/health").arg(f->port())));
        QNetworkReply *reply = nam.get(request); // system CAs only: our cert is unknown
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(reply->error(), QNetworkReply::SslHandshakeFailedError);
        reply->deleteLater();
    }

    void plainHttpOnTlsPortGetsNothing() {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, f->port());
        QVERIFY(s.waitForConnected(5000));
        s.write("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray answer;
        WsRecorder w;
        w.waitFor(
            [&] {
                answer += s.readAll();
                return s.state() != QAbstractSocket::ConnectedState;
            },
            10000);
        QVERIFY(!answer.contains("200 OK"));
        // And the server still serves TLS clients afterwards.
        QNetworkAccessManager nam;
        QNetworkReply *reply = get(nam, QStringLiteral("/api/health"));
        QVERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }

    void commandLineClientPinsCa() {
        // The CLI trusts the system's CAs, or only the one given with --ca-cert.
        auto runCli = [&](const QStringList &extra, QByteArray *err) {
            QProcess cli;
            cli.start(mist::test::binaryPath(QStringLiteral("mist-monitor")),
                      QStringList{QStringLiteral("metrics"), QStringLiteral("--count"),
                                  QStringLiteral("1"), QStringLiteral("--url"),
                                  QStringLiteral("https://127.0.0.1:%1").arg(f->port()),
                                  QStringLiteral("--email"), QStringLiteral("owner@example.com"),
                                  QStringLiteral("--password-stdin")} +
                          extra);
            cli.write("correct horse battery\n");
            cli.closeWriteChannel();
            WsRecorder w; // the server runs in this process
            w.waitFor([&] { return cli.state() == QProcess::NotRunning; }, 30000);
            *err = cli.readAllStandardError();
            return cli.exitCode();
        };
        QByteArray err;
        QCOMPARE(runCli({QStringLiteral("--ca-cert"), certDir.filePath(QStringLiteral("cert.pem"))},
                        &err),
                 0);
        QCOMPARE(runCli({}, &err), 1);
        QVERIFY2(err.contains("certificate"), err.constData());
        QCOMPARE(runCli({QStringLiteral("--ca-cert"), QStringLiteral("/etc/hostname")}, &err), 2);
    }

    void badCertificateFilesFailClearly_data() {
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing cert") << "/nonexistent/cert.pem"
                                      << "/nonexistent/key.pem"
                                      << "cannot read TLS certificate";
        QTest::newRow("cert is not PEM") << "/etc/hostname"
                                         << "/etc/hostname"
                                         << "no PEM certificate";
    }

    void badCertificateFilesFailClearly() {
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        server::ServerConfig config;
        config.tlsCert = cert;
        config.tlsKey = key;
        ServerFixture bad(config);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(expected), qPrintable(bad.error()));
    }

    void keyNotAKey() {
        server::ServerConfig config;
        config.tlsCert = certDir.filePath(QStringLiteral("cert.pem"));
        config.tlsKey = certDir.filePath(QStringLiteral("cert.pem"));
        ServerFixture bad(config);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("no usable PEM private key")),
                 qPrintable(bad.error()));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
