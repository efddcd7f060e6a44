// SPDX-License-Identifier: GPL-3.0-or-later

// Issue #15 item 1: TCP connections to the https port that send nothing must
// never leave the listener dead. Qt 6.4's QSslServer counted such half-open
// handshakes up to 30 and never gave the slot back when the client left: 30
// connections that closed after a second locked the port for good. The
// attack runs against the real binary (a process of its own), then a normal
// https client must be served in time, from the attacker's address too.
#include "HostileClients.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QNetworkReply>
#include <QSslSocket>
#include <QTest>

#include <vector>

using namespace mist;
using namespace mist::test;

class TestTlsFlood : public QObject {
    Q_OBJECT
    QTemporaryDir certDir;
    QSslConfiguration trusting;
    ServerProcess server;

    // GET /api/health over TLS on a socket of our own (bound to `from`);
    // milliseconds until the answer, or -1.
    qint64 healthOverTls(const QString &from, int timeoutMs = 20000) {
        QSslSocket s;
        s.setSslConfiguration(trusting);
        if (!from.isEmpty())
            s.bind(QHostAddress(from));
        QElapsedTimer timer;
        timer.start();
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        QByteArray answer;
        bool sent = false;
        WsRecorder w;
        w.waitFor(
            [&] {
                if (!sent && s.isEncrypted()) {
                    s.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Connection: close\r\n\r\n");
                    sent = true;
                }
                answer += s.readAll();
                return answer.contains("\"status\":\"ok\"");
            },
            timeoutMs);
        return statusOf(answer) == 200 ? timer.elapsed() : -1;
    }

    qint64 healthThroughNam(int timeoutMs = 20000) {
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(QStringLiteral("https://127.0.0.1:%1/api/health").arg(server.port())));
        request.setSslConfiguration(trusting);
        QElapsedTimer timer;
        timer.start();
        QNetworkReply *reply = nam.get(request);
        WsRecorder w;
        w.waitFor([&] { return reply->isFinished(); }, timeoutMs);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status == 200 ? timer.elapsed() : -1;
    }

private Q_SLOTS:
    void initTestCase() {
        const auto certificate = makeLoopbackCertificate(certDir.path());
        QVERIFY(certificate);
        const QString cert = certificate->cert;
        const QString key = certificate->key;
        trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates(QSslCertificate::fromPath(cert));
        // ServerProcess made owner@example.com ("correct horse battery").
        QVERIFY(
            server.start({QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key}));
        QVERIFY(healthOverTls({}) >= 0);
    }

    void silentConnectionsDoNotLockTheListener() {
        const int baseline = server.openDescriptors();
        // 300 that stay, past the per-address cap (256) and the handshake caps...
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 300; ++i) {
            held.push_back(std::make_unique<QTcpSocket>());
            held.back()->connectToHost(QHostAddress::LocalHost, server.port());
        }
        QTest::qWait(300);
        // ...and 1 000 that connect, say nothing, and leave before any
        // handshake deadline: the pattern that killed QSslServer at 30.
        QElapsedTimer attack;
        attack.start();
        for (int wave = 0; wave < 10; ++wave) {
            std::vector<std::unique_ptr<QTcpSocket>> sockets;
            for (int i = 0; i < 100; ++i) {
                sockets.push_back(std::make_unique<QTcpSocket>());
                sockets.back()->connectToHost(QHostAddress::LocalHost, server.port());
            }
            QTest::qWait(400);
            for (auto &s : sockets)
                s->close();
        }
        qInfo("1 000 silent connections in %lld ms", attack.elapsed());

        // A normal client from another address, one from the attacker's own,
        // and Qt's own https client, while the 300 still hang on.
        const qint64 other = healthOverTls(QStringLiteral("127.0.0.2"));
        const qint64 same = healthOverTls({});
        const qint64 nam = healthThroughNam();
        qInfo("health after the attack: %lld ms from 127.0.0.2, %lld ms from 127.0.0.1, %lld ms "
              "through QNetworkAccessManager",
              other, same, nam);
        QVERIFY2(other >= 0 && other < 10000, "a client from another address was not served");
        QVERIFY2(same >= 0 && same < 10000, "a client from the attacker's address was not served");
        QVERIFY2(nam >= 0 && nam < 10000, "QNetworkAccessManager was not served");

        // Nothing stays behind: descriptors go back to where they were.
        held.clear();
        WsRecorder w;
        QVERIFY2(w.waitFor([&] { return server.openDescriptors() <= baseline + 8; }, 15000),
                 qPrintable(QStringLiteral("%1 descriptors open, %2 before the attack")
                                .arg(server.openDescriptors())
                                .arg(baseline)));
        QVERIFY(healthOverTls({}) >= 0);
        QVERIFY2(server.output().contains("connection limits at work"), server.output());
    }

    void manyAtOnceAllServed() {
        // A burst of real clients from one address: more than the handshake
        // caps at once, all served (they wait for a slot, none is refused).
        std::vector<std::unique_ptr<QSslSocket>> clients;
        for (int i = 0; i < 60; ++i) {
            clients.push_back(std::make_unique<QSslSocket>());
            clients.back()->setSslConfiguration(trusting);
            clients.back()->connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        }
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                return std::all_of(clients.begin(), clients.end(),
                                   [](const auto &c) { return c->isEncrypted(); });
            },
            20000));
    }

    void unmaskedFrameOverTlsCloses1002() {
        QSslSocket s;
        s.setSslConfiguration(trusting);
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        const QByteArray body =
            "{\"email\":\"owner@example.com\",\"password\":\"correct horse battery\"}";
        QByteArray answer;
        bool sent = false;
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                if (!sent && s.isEncrypted()) {
                    s.write("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            "application/json\r\nConnection: close\r\nContent-Length: " +
                            QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    sent = true;
                }
                answer += s.readAll();
                return answer.contains("\"success\"");
            },
            15000));
        const qsizetype at = answer.indexOf("mist_token=");
        QVERIFY(at > 0);
        const QByteArray token = answer.mid(at + 11, answer.indexOf(';', at) - at - 11);

        RawWebSocket ws(&trusting);
        QCOMPARE(ws.upgrade(server.port(), QStringLiteral("/ws/metrics"), token), 101);
        QVERIFY(ws.next()); // the latest sample
        ws.send(ws.frame(0x9, "masked ping"));
        auto pong = ws.next();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, 0xA);
        ws.send(ws.frame(0x1, "{\"hello\":1}", false));
        std::optional<RawWebSocket::Frame> f;
        do
            f = ws.next(5000);
        while (f && f->opcode != 0x8);
        QVERIFY2(f, "no close frame after an unmasked frame");
        QCOMPARE(f->closeCode(), 1002);
        QVERIFY(ws.waitDisconnected());
    }
};

QTEST_GUILESS_MAIN(TestTlsFlood)
#include "tst_tlsflood.moc"
