// This server under upstream Mist's routes (../shared/spec/upstream-mist-
// dialect.md), so scripts and dashboards written for upstream work against
// it: the same login and cookie, /api/ws/stats in upstream's schema,
// /api/ws/container/logs and /api/deployments/logs/stream?id= — with this
// project's checks where upstream lets anyone in (401 without a session,
// 403 for a foreign Origin, per-app permission).
#include "TestSupport.h"

#include "protocol/Parsing.h"
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
        // Upstream's status is the engine's raw state, not "Up 2 seconds".
        const QJsonObject status =
            ws.ofType(QStringLiteral("status")).first().value(QStringLiteral("data")).toObject();
        QCOMPARE(status.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
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
            << QStringLiteral("id=9007199254740991") << QStringLiteral("Deployment not found");
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

    // A deployment watched on upstream's route, live from its start to its
    // failure: upstream's stage words, its log shape, and no `error` or `end`
    // (upstream puts the failure in status.error_message and closes).
    void deploymentStreamInUpstreamShapes() {
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\n"
                                    "RUN echo building-for-upstream && sleep 2 && exit 3\n"}},
                    QStringLiteral("fails in its build"));
        store::App app;
        app.name = QStringLiteral("upstream-shapes");
        app.gitUrl = QStringLiteral("file://") + repo.path();
        QString error;
        const auto created = f->store().addApp(app, &error);
        QVERIFY2(created, qPrintable(error));
        const HttpResult started =
            f->http("POST", QStringLiteral("/api/deployments"),
                    QStringLiteral("{\"appId\":%1}").arg(created->id).toUtf8(), ownerCookie);
        QCOMPARE(started.status, 201);
        const qint64 id = qint64(started.json()["data"].toObject()["id"].toDouble());

        WsRecorder live;
        QVERIFY(live.open(f->port(), QStringLiteral("/api/deployments/logs/stream?id=%1").arg(id),
                          ownerCookie));
        QVERIFY(live.waitForClose(120000));
        QCOMPARE(live.closeCode, 1000);
        QVERIFY(live.ofType(QStringLiteral("error")).isEmpty());
        QVERIFY(live.ofType(QStringLiteral("end")).isEmpty());
        const auto statuses = live.ofType(QStringLiteral("status"));
        QVERIFY(!statuses.isEmpty());
        QStringList stages;
        for (const QJsonObject &m : statuses) {
            const QString stage = m["data"].toObject()["stage"].toString();
            QVERIFY2(QStringList({QStringLiteral("pending"), QStringLiteral("cloning"),
                                  QStringLiteral("building"), QStringLiteral("deploying"),
                                  QStringLiteral("success"), QStringLiteral("failed")})
                         .contains(stage),
                     qPrintable(stage));
            if (stages.isEmpty() || stages.last() != stage)
                stages << stage;
        }
        QVERIFY2(stages.contains(u"building") && stages.last() == u"failed",
                 qPrintable(stages.join(u',')));
        const QJsonObject last = statuses.last()["data"].toObject();
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QVERIFY2(last["error_message"].toString().contains(QStringLiteral("Docker build failed")),
                 qPrintable(last["error_message"].toString()));
        // Build-log lines as upstream writes them: {line, stream, timestamp}.
        bool sawBuildLine = false;
        for (const QJsonObject &m : live.ofType(QStringLiteral("log"))) {
            const QJsonObject d = m["data"].toObject();
            QVERIFY(d["stream"].toString() == u"stdout");
            QVERIFY(protocol::parseEngineTimestampNs(d["timestamp"].toString()).has_value());
            sawBuildLine = sawBuildLine || d["line"].toString().contains(u"building-for-upstream");
        }
        QVERIFY(sawBuildLine);

        // Once it is over, the same on a new connection (from the database),
        // and this project's client makes the published flow of it again.
        WsRecorder after;
        QVERIFY(after.open(f->port(), QStringLiteral("/api/deployments/logs/stream?id=%1").arg(id),
                           ownerCookie));
        QVERIFY(after.waitForClose(10000));
        QVERIFY(!after.ofType(QStringLiteral("status")).isEmpty());
        QCOMPARE(
            after.ofType(QStringLiteral("status")).last()["data"].toObject()["stage"].toString(),
            QStringLiteral("failed"));
        QVERIFY(after.ofType(QStringLiteral("error")).isEmpty());
        QVERIFY(after.ofType(QStringLiteral("end")).isEmpty());
        QCOMPARE(after.ofType(QStringLiteral("log")).size(),
                 live.ofType(QStringLiteral("log")).size());
        protocol::upstream::MessageTranslator translator(
            protocol::upstream::Stream::DeploymentLogs);
        QList<QJsonObject> published;
        for (const QJsonObject &m : std::as_const(after.messages))
            published << translator.translate(m);
        published << translator.closingMessages();
        QVERIFY(published.size() >= 3);
        QCOMPARE(published.last()["type"].toString(), QStringLiteral("end"));
        const QJsonObject lastError = published.at(published.size() - 2);
        QCOMPARE(lastError["type"].toString(), QStringLiteral("error"));
        QCOMPARE(lastError["data"].toObject()["message"].toString(),
                 last["error_message"].toString());

        // And the per-app check upstream does not have.
        WsRecorder stranger;
        QVERIFY(stranger.open(f->port(),
                              QStringLiteral("/api/deployments/logs/stream?id=%1").arg(id),
                              strangerCookie));
        QVERIFY(stranger.waitForClose(10000));
        QCOMPARE(stranger.ofType(QStringLiteral("error")).size(), 1);
        QCOMPARE(stranger.closeCode, 1008);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamRoutes)
#include "tst_upstreamroutes.moc"
