// SPDX-License-Identifier: GPL-3.0-or-later

// The order of refusals on the WebSocket routes, as docs/PROTOCOL.md says
// ("WebSocket handshake"):
// 404 unknown path, 403 foreign Origin, 401 no valid session -- all before any
// upgrade -- then query and permission errors as `error` + close 1008.
#include "TestSupport.h"

#include <QTest>

using namespace mist;
using namespace mist::test;

class TestHandshake : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray ownerCookie;
    QByteArray userCookie;
    qint64 appId = 0;

private Q_SLOTS:
    void initTestCase() {
        server::ServerConfig config;
        config.allowedOrigins = {QStringLiteral("https://dash.example.com")};
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        store::App app;
        app.name = QStringLiteral("web");
        app.projectName = QStringLiteral("alpha");
        app.containerName = QStringLiteral("mist-test-nonexistent");
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        appId = created->id;
        ownerCookie = f->login(QStringLiteral("owner@example.com"));
        userCookie = f->login(QStringLiteral("user@example.com"));
        QVERIFY(!ownerCookie.isEmpty());
        QVERIFY(!userCookie.isEmpty());
    }

    void refusedBeforeUpgrade_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("withCookie");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<int>("status");
        QTest::newRow("unknown path") << "/ws/nothing" << true << QByteArray() << 404;
        QTest::newRow("unknown path, no cookie") << "/ws/nothing" << false << QByteArray() << 404;
        QTest::newRow("api path") << "/api/apps" << true << QByteArray() << 404;
        QTest::newRow("foreign origin")
            << "/ws/metrics" << true << QByteArray("https://evil.example") << 403;
        QTest::newRow("foreign origin, no cookie")
            << "/ws/metrics" << false << QByteArray("https://evil.example") << 403;
        QTest::newRow("origin of another port")
            << "/ws/metrics" << true << QByteArray("http://127.0.0.1:1") << 403;
        QTest::newRow("no cookie") << "/ws/metrics" << false << QByteArray() << 401;
        QTest::newRow("no cookie, logs")
            << "/ws/container/logs?appId=1" << false << QByteArray() << 401;
        QTest::newRow("allowed origin")
            << "/ws/metrics" << true << QByteArray("https://dash.example.com") << 101;
        QTest::newRow("no origin (desktop client)") << "/ws/metrics" << true << QByteArray() << 101;
    }

    void refusedBeforeUpgrade() {
        QFETCH(QString, path);
        QFETCH(bool, withCookie);
        QFETCH(QByteArray, origin);
        QFETCH(int, status);
        QCOMPARE(f->rawUpgradeStatus(path, withCookie ? ownerCookie : QByteArray(), origin),
                 status);
    }

    void ownOriginAccepted() {
        const QByteArray own = "http://127.0.0.1:" + QByteArray::number(f->port());
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/metrics"), ownerCookie, own), 101);
    }

    void garbageCookieIs401() {
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/metrics"), "not-a-token"), 401);
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/metrics"), QByteArray(4000, 'x')), 401);
    }

    void logoutRevokes() {
        f->addUser(QStringLiteral("leaver@example.com"), store::Role::Admin);
        const QByteArray cookie = f->login(QStringLiteral("leaver@example.com"));
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/metrics"), cookie), 101);
        QCOMPARE(f->http("POST", QStringLiteral("/api/auth/logout"), {}, cookie).status, 200);
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/metrics"), cookie), 401);
        QCOMPARE(f->http("GET", QStringLiteral("/api/auth/me"), {}, cookie).status, 401);
    }

    void badQuery_data() {
        QTest::addColumn<QString>("query");
        QTest::newRow("abc") << "?appId=abc";
        QTest::newRow("negative") << "?appId=-1";
        QTest::newRow("zero") << "?appId=0";
        QTest::newRow("too large") << "?appId=99999999999999999999";
        QTest::newRow("beyond 2^53") << "?appId=9007199254740992";
        QTest::newRow("missing") << "";
        QTest::newRow("empty") << "?appId=";
        QTest::newRow("twice") << "?appId=1&appId=2";
        QTest::newRow("fraction") << "?appId=1.5";
        QTest::newRow("plus sign") << "?appId=%2B1";
        QTest::newRow("space") << "?appId=%201";
        QTest::newRow("leading zero") << "?appId=01";
        QTest::newRow("other key") << "?id=1";
    }

    void badQuery() {
        QFETCH(QString, query);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/container/logs") + query, ownerCookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0].value("type").toString(), QStringLiteral("error"));
        QCOMPARE(ws.messages[0].value("data").toObject().value("message").toString(),
                 QStringLiteral("Invalid appId"));
        QCOMPARE(ws.closeCode, 1008);
    }

    void unknownApp() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=424242"), ownerCookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0]["data"].toObject()["message"].toString(),
                 QStringLiteral("Application not found"));
        QCOMPARE(ws.closeCode, 1008);
    }

    void permissionDenied() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(appId),
                        userCookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0]["type"].toString(), QStringLiteral("error"));
        QCOMPARE(ws.messages[0]["data"].toObject()["message"].toString(),
                 QStringLiteral("Permission denied"));
        QCOMPARE(ws.closeCode, 1008);
    }

    void envelopeShape() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=x"), ownerCookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        const QJsonObject m = ws.messages[0];
        QCOMPARE(m.keys(), (QStringList{"data", "timestamp", "type"}));
        QVERIFY(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)"))
                    .match(m["timestamp"].toString())
                    .hasMatch());
    }

    void oversizedClientFrameClosesConnection() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), ownerCookie));
        ws.socket().sendTextMessage(QString(70 * 1024, u'x'));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.closeCode, 1009);
    }

    void smallClientFramesAreHarmless() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), ownerCookie));
        ws.socket().sendTextMessage(QStringLiteral("{\"hello\":1}"));
        ws.socket().sendBinaryMessage(QByteArray(1000, '\0'));
        QVERIFY(ws.waitForMessages(2, 5000));
        QVERIFY(!ws.closed);
    }

    void nonUpgradeGetOnWsPath() {
        QCOMPARE(f->http("GET", QStringLiteral("/ws/metrics"), {}, ownerCookie).status, 426);
    }
};

QTEST_GUILESS_MAIN(TestHandshake)
#include "tst_handshake.moc"
