// SPDX-License-Identifier: GPL-3.0-or-later

// Issue #15 item 6: about 1 060 idle connections from one address used to
// exhaust the 1 024 descriptors systemd gives a service, after which the
// listener accepted nothing and /api/health timed out for everyone. Now
// every socket counts against a total and a per-address limit (fitted to
// the descriptor limit at start), the connection that waited longest for
// its client makes room, and when every one is busy -- signed-in WebSockets
// count too -- a newcomer gets 503 at once.
#include "HostileClients.h"
#include "TestSupport.h"

#include <QTcpSocket>
#include <QTest>

#include <vector>

using namespace mist;
using namespace mist::test;

namespace {
const QByteArray HealthClose =
    "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

using Sockets = std::vector<std::unique_ptr<QTcpSocket>>;

void openIdle(Sockets &into, quint16 port, int count, const QString &from = {}) {
    for (int i = 0; i < count; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        if (!from.isEmpty())
            s->bind(QHostAddress(from));
        s->connectToHost(QHostAddress::LocalHost, port);
        into.push_back(std::move(s));
    }
}

int stillConnected(const Sockets &sockets) {
    return int(std::count_if(sockets.begin(), sockets.end(), [](const auto &s) {
        return s->state() == QAbstractSocket::ConnectedState;
    }));
}
} // namespace

class TestConnLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void idleFloodFromOneAddressUnderSystemdsDescriptorLimit() {
        ServerProcess server;
        server.setDescriptorLimit(1024); // a unit without LimitNOFILE=
        QVERIFY(server.start());
        QVERIFY2(server.output().contains("--max-connections 4096 lowered to 512"),
                 server.output());
        Sockets idle;
        openIdle(idle, server.port(), 1200);
        // Until the server has taken in what it will: its descriptor count
        // holds still for 2 s (connects the backlog dropped come back later).
        WsRecorder w;
        int last = -1;
        QElapsedTimer stable;
        stable.start();
        w.waitFor(
            [&] {
                const int now = server.openDescriptors();
                if (now != last) {
                    last = now;
                    stable.restart();
                }
                return stable.elapsed() > 2000;
            },
            20000);

        QElapsedTimer timer;
        timer.start();
        QCOMPARE(statusOf(rawHttpExchange(server.port(), HealthClose, 10000, "127.0.0.2")), 200);
        const qint64 other = timer.restart();
        QCOMPARE(statusOf(rawHttpExchange(server.port(), HealthClose, 10000)), 200);
        qInfo("health during the flood: %lld ms from 127.0.0.2, %lld ms from 127.0.0.1", other,
              timer.elapsed());
        QVERIFY2(w.waitFor([&] { return stillConnected(idle) <= 256; }, 10000),
                 qPrintable(QStringLiteral("%1 still connected, server holds %2 descriptors")
                                .arg(stillConnected(idle))
                                .arg(server.openDescriptors())));
        const int descriptors = server.openDescriptors();
        qInfo("1 200 idle connections from 127.0.0.1: %d still open on our side, the server "
              "holds %d descriptors",
              stillConnected(idle), descriptors);
        QVERIFY2(descriptors < 512 + 100, qPrintable(QString::number(descriptors)));
        QVERIFY(server.output().contains("connection limits at work"));
    }

    void totalLimitAcrossAddresses() {
        ServerProcess server;
        server.setDescriptorLimit(1024);
        QVERIFY(server.start());
        Sockets idle;
        for (int a = 2; a <= 5; ++a)
            openIdle(idle, server.port(), 200, QStringLiteral("127.0.0.%1").arg(a));
        WsRecorder w;
        w.waitFor([] { return false; }, 2000);
        QVERIFY(w.waitFor([&] { return stillConnected(idle) <= 512; }, 10000));
        qInfo("800 idle connections from 4 addresses: %d still open on our side, the server "
              "holds %d descriptors",
              stillConnected(idle), server.openDescriptors());
        QCOMPARE(statusOf(rawHttpExchange(server.port(), HealthClose, 10000, "127.0.0.9")), 200);
        QVERIFY(server.openDescriptors() < 512 + 100);
    }

    void oldestIdleMakesRoom() {
        server::ServerConfig config;
        config.maxConnectionsPerAddress = 20;
        ServerFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        Sockets first;
        openIdle(first, f.port(), 10);
        WsRecorder w;
        w.waitFor([] { return false; }, 300);
        Sockets later;
        openIdle(later, f.port(), 15);
        // 25 from one address, 20 allowed: the five that waited longest go.
        QVERIFY(w.waitFor([&] { return stillConnected(first) == 5; }, 5000));
        w.waitFor([] { return false; }, 300);
        QCOMPARE(stillConnected(first), 5);
        QCOMPARE(stillConnected(later), 15);
        QCOMPARE(statusOf(rawHttpExchange(f.port(), HealthClose)), 200);
        QVERIFY(f.server().httpStats()[QStringLiteral("evicted")].toInt() >= 6);
    }

    void busyConnectionsGet503AndWebSocketsCount() {
        server::ServerConfig config;
        config.maxConnections = 16;
        config.maxConnectionsPerAddress = 0;
        ServerFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QByteArray cookie = f.login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
        std::vector<std::unique_ptr<WsRecorder>> clients;
        for (int i = 0; i < 16; ++i) {
            clients.push_back(std::make_unique<WsRecorder>());
            QVERIFY2(clients.back()->open(f.port(), QStringLiteral("/ws/metrics"), cookie),
                     qPrintable(QString::number(i)));
        }
        // Sixteen signed-in sockets: nothing idle to close, so 503 at once.
        const QByteArray answer = rawHttpExchange(f.port(), HealthClose, 5000);
        QCOMPARE(statusOf(answer), 503);
        QVERIFY(answer.contains("Retry-After: 5"));
        QVERIFY(answer.contains("too many connections"));
        for (const auto &c : clients)
            QVERIFY(!c->closed);
        QVERIFY(f.server().httpStats()[QStringLiteral("refused")].toInt() >= 1);
        // One leaves: room again.
        clients.pop_back();
        WsRecorder w;
        QVERIFY(w.waitFor([&] { return statusOf(rawHttpExchange(f.port(), HealthClose)) == 200; },
                          5000));
    }
};

QTEST_GUILESS_MAIN(TestConnLimits)
#include "tst_connlimits.moc"
