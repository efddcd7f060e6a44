// SPDX-License-Identifier: GPL-3.0-or-later

// An `engine_down` rule against a real engine killed and started again: the
// webhook receiver and /ws/alerts get "firing" when the engine goes, then
// "resolved" when it is back. This test runs its own private engine (it
// kills it), never the shared one.

#include "AlertReceiver.h"
#include "PrivateEngine.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestAlertEngine : public QObject {
    Q_OBJECT
    PrivateEngine engine{QStringLiteral("mist-alert-engine")};
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;

private Q_SLOTS:
    void initTestCase() {
        MIST_VERIFY_OK(engine.start());
        server::ServerConfig config;
        config.dockerHost = engine.dockerHost();
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
    }

    void cleanupTestCase() {
        f.reset();
        engine.stop();
    }

    void engineDownThenBack() {
        AlertReceiver receiver;
        QVERIFY(receiver.listen());
        const auto channel =
            f->http("POST", QStringLiteral("/api/alerts/channels"),
                    QStringLiteral(R"j({"name":"hook","kind":"webhook","url":"%1"})j")
                        .arg(receiver.url(QStringLiteral("/hook")))
                        .toUtf8(),
                    cookie);
        QCOMPARE(channel.status, 201);
        const auto rule = f->http(
            "POST", QStringLiteral("/api/alerts/rules"),
            QStringLiteral(R"j({"name":"engine","kind":"event","event":"engine_down",)j"
                           R"j("severity":"critical","cooldownSeconds":0,"channels":[%1]})j")
                .arg(channel.json()["data"].toObject()["id"].toInteger())
                .toUtf8(),
            cookie);
        QCOMPARE(rule.status, 201);
        // Host alerts, the engine's among them, go to owners and admins, not to users.
        const QByteArray user = f->login(QStringLiteral("user@example.com"));
        WsRecorder ws, userWs;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/alerts"), cookie));
        QVERIFY(userWs.open(f->port(), QStringLiteral("/ws/alerts"), user));
        // Up and flowing: nothing to say.
        QTest::qWait(2000);
        QVERIFY(receiver.requests.isEmpty());

        MIST_VERIFY_OK(engine.kill());
        QVERIFY(receiver.waitFor(1, 30000));
        const QJsonObject down = QJsonDocument::fromJson(receiver.requests[0].body).object();
        QCOMPARE(down.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
        QCOMPARE(down.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QVERIFY(down.value(QStringLiteral("appId")).isNull());
        QCOMPARE(down.value(QStringLiteral("message")).toString(),
                 QStringLiteral("The container engine cannot be reached"));
        // Still down: the retries say nothing more.
        QTest::qWait(3000);
        QCOMPARE(receiver.requests.size(), 1);

        MIST_VERIFY_OK(engine.start());
        QVERIFY(receiver.waitFor(2, 60000));
        const QJsonObject back = QJsonDocument::fromJson(receiver.requests[1].body).object();
        QCOMPARE(back.value(QStringLiteral("state")).toString(), QStringLiteral("resolved"));
        QCOMPARE(back.value(QStringLiteral("message")).toString(),
                 QStringLiteral("The container engine is back"));
        QVERIFY(ws.waitFor([&] { return ws.ofType(QStringLiteral("alert")).size() == 2; }, 5000));
        QVERIFY(userWs.ofType(QStringLiteral("alert")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAlertEngine)
#include "tst_alertengine.moc"
