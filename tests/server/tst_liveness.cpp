// SPDX-License-Identifier: GPL-3.0-or-later

// Ping frames every --ping-interval; a client that answers none for two
// intervals is dropped, one that answers stays.
#include "TestSupport.h"

#include <QTcpSocket>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestLiveness : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;

private Q_SLOTS:
    void initTestCase() {
        server::ServerConfig config;
        config.pingIntervalSeconds = 1;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
    }

    void answeringClientStays() {
        WsRecorder ws; // QWebSocket answers pings by itself
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QTest::qWait(4500);
        QVERIFY(!ws.closed);
    }

    void logoutEndsOpenSockets() {
        f->addUser(QStringLiteral("leaver@example.com"), store::Role::Owner);
        const QByteArray token = f->login(QStringLiteral("leaver@example.com"));
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), token));
        QCOMPARE(f->http("POST", QStringLiteral("/api/auth/logout"), {}, token).status, 200);
        QVERIFY(ws.waitForClose(5000)); // at the next ping, one interval (1 s) at most
        QCOMPARE(ws.closeCode, 1008);
        QCOMPARE(ws.closeReason, QStringLiteral("Session ended"));
    }

    void silentClientIsDropped() {
        // A raw client: completes the upgrade, reads, never answers a ping.
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, f->port());
        QVERIFY(s.waitForConnected(5000));
        s.write("GET /ws/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\nCookie: mist_token=" +
                cookie + "\r\n\r\n");
        QByteArray received;
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                received += s.readAll();
                return received.contains("\r\n\r\n");
            },
            5000));
        QVERIFY(received.startsWith("HTTP/1.1 101"));
        bool sawPing = false;
        const bool dropped = w.waitFor(
            [&] {
                received += s.readAll();
                // 0x89: a FIN ping frame from the server.
                sawPing = sawPing || received.contains(char(0x89));
                return s.state() != QAbstractSocket::ConnectedState;
            },
            6000);
        QVERIFY(sawPing);
        QVERIFY2(dropped, "a client that answers no ping for two intervals must be dropped");
    }
};

QTEST_GUILESS_MAIN(TestLiveness)
#include "tst_liveness.moc"
