// This server under upstream Mist's routes (../shared/spec/upstream-mist-
// dialect.md), so scripts and dashboards written for upstream work against
// it: the same login and cookie, /api/ws/stats in upstream's schema,
// /api/ws/container/logs and /api/deployments/logs/stream?id= — with this
// project's checks where upstream lets anyone in (401 without a session,
// 403 for a foreign Origin, per-app permission).
#include "TestSupport.h"

#include "protocol/UpstreamDialect.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestUpstreamRoutes : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray ownerCookie;
    QByteArray strangerCookie;
    QString container;
    qint64 appId = 0;

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        // Upstream's login: same route, same body, the mist_token cookie.
        ownerCookie = f->login(QStringLiteral("owner@example.com"));
        strangerCookie = f->login(QStringLiteral("user@example.com"));
        QVERIFY(!ownerCookie.isEmpty());
        QVERIFY(!strangerCookie.isEmpty());
        container =
            QStringLiteral("mist-upstream-routes-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(container, QStringLiteral("echo hello from upstream; sleep 300"))
                     .isEmpty());
        store::App app;
        app.name = container;
        app.containerName = container;
        QString error;
        const auto created = f->store().addApp(app, &error);
        QVERIFY2(created, qPrintable(error));
        appId = created->id;
    }
    void cleanupTestCase() { removeContainer(container); }

    void strangersAreRefused_data() {
        QTest::addColumn<QString>("path");
        QTest::newRow("stats") << QStringLiteral("/api/ws/stats");
        QTest::newRow("container logs") << QStringLiteral("/api/ws/container/logs?appId=1");
        QTest::newRow("deployment stream") << QStringLiteral("/api/deployments/logs/stream?id=1");
    }
    void strangersAreRefused() {
        QFETCH(QString, path);
        // Upstream answers all three without a login and from any Origin.
        QCOMPARE(f->rawUpgradeStatus(path, QByteArray()), 401);
        QCOMPARE(f->rawUpgradeStatus(path, "forged"), 401);
        QCOMPARE(f->rawUpgradeStatus(path, ownerCookie, "https://evil.example"), 403);
        // A plain GET on a WebSocket route asks for the upgrade.
        QCOMPARE(f->http("GET", path.section(u'?', 0, 0), {}, ownerCookie).status, 426);
    }

    void statsInUpstreamsSchema() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/api/ws/stats"), ownerCookie));
        QVERIFY(ws.waitForMessages(2, 10000));
        const QJsonObject sample = ws.messages.last();
        QVERIFY(sample.value(QStringLiteral("cpuUsage")).isDouble());
        QVERIFY(sample.value(QStringLiteral("timestamp")).isDouble()); // Unix seconds
        QVERIFY(sample.value(QStringLiteral("memory"))
                    .toObject()
                    .value(QStringLiteral("total"))
                    .toDouble() > 0);
        const QJsonObject disk = sample.value(QStringLiteral("disk")).toArray().first().toObject();
        QVERIFY(disk.value(QStringLiteral("totalSpace")).toDouble() > 0);
        QVERIFY(disk.contains(QStringLiteral("availableSpace")));
        QVERIFY(sample.value(QStringLiteral("loadAverage"))
                    .toObject()
                    .contains(QStringLiteral("oneMinute")));
        QVERIFY(!sample.contains(QStringLiteral("cpu"))); // not the published schema
        // This project's own client understands it.
        QString error;
        QVERIFY2(protocol::upstream::metricsFromUpstream(sample, &error), qPrintable(error));
        // The published route is unchanged beside it.
        WsRecorder published;
        QVERIFY(published.open(f->port(), QStringLiteral("/ws/metrics"), ownerCookie));
        QVERIFY(published.waitForMessages(1, 10000));
        QVERIFY(published.messages.first().contains(QStringLiteral("cpu")));
    }

    void containerLogsUnderUpstreamsRoute() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/api/ws/container/logs?appId=%1").arg(appId),
                        ownerCookie));
        QVERIFY(ws.waitFor([&] { return !ws.ofType(QStringLiteral("log")).isEmpty(); }, 15000));
        QCOMPARE(ws.ofType(QStringLiteral("status")).size(), 1);
        const QJsonObject data =
            ws.ofType(QStringLiteral("log")).first().value(QStringLiteral("data")).toObject();
        QCOMPARE(data.value(QStringLiteral("line")).toString(),
                 QStringLiteral("hello from upstream"));
        QCOMPARE(data.value(QStringLiteral("stream")).toString(), QStringLiteral("stdout"));
    }

    void containerLogsCheckPermission() {
        // Upstream checks no permission per app; a user outside the app's
        // project gets this project's refusal.
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/api/ws/container/logs?appId=%1").arg(appId),
                        strangerCookie));
        QVERIFY(ws.waitForClose(10000));
        QCOMPARE(ws.ofType(QStringLiteral("error")).size(), 1);
        QCOMPARE(ws.closeCode, 1008);
    }

    void deploymentStreamTakesId_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown id")
            << QStringLiteral("id=424242") << QStringLiteral("Deployment not found");
        QTest::newRow("malformed id")
            << QStringLiteral("id=abc") << QStringLiteral("Invalid deploymentId");
        QTest::newRow("published name on upstream's route")
            << QStringLiteral("deploymentId=1") << QStringLiteral("Invalid deploymentId");
        QTest::newRow("id twice") << QStringLiteral("id=1&id=2")
                                  << QStringLiteral("Invalid deploymentId");
    }
    void deploymentStreamTakesId() {
        QFETCH(QString, query);
        QFETCH(QString, error);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/api/deployments/logs/stream?") + query,
                        ownerCookie));
        QVERIFY(ws.waitForClose(10000));
        const auto errors = ws.ofType(QStringLiteral("error"));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString(),
                 error);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamRoutes)
#include "tst_upstreamroutes.moc"
