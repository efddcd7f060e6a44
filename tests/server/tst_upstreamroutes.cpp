// SPDX-License-Identifier: GPL-3.0-or-later

// This server under upstream Mist's routes (docs/PROTOCOL.md, "Upstream
// Mist's dialect"), so scripts and dashboards written for upstream work against
// it: the same login and cookie, /api/ws/stats in upstream's schema,
// /api/ws/container/logs, /api/deployments/logs/stream?id= and GET
// /api/deployments/logs?id= — with this project's checks where upstream
// lets anyone in (401 without a session, 403 for a foreign Origin, per-app
// permission). Each upstream behaviour matched is quoted in docs/PROTOCOL.md
// ("Upstream Mist's dialect", corecollectives/Mist at 1537712).
#include "TestSupport.h"

#include "deploy/DeploymentManager.h"
#include "metrics/MetricsSampler.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"
#include "server/rest/Routes.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>
#include <QUuid>

using namespace mist;
using namespace mist::test;

namespace {
// A fresh marker per Dockerfile, so the engine's build cache never swallows
// the output a test looks for.
QByteArray unique() {
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

QJsonObject dataOf(const QJsonObject &message) {
    return message.value(QStringLiteral("data")).toObject();
}

// The `log` lines of upstream's deployment stream: line -> stream.
QList<std::pair<QString, QString>> logStreams(const QList<QJsonObject> &logs) {
    QList<std::pair<QString, QString>> out;
    for (const QJsonObject &m : logs)
        out.append({dataOf(m)[QStringLiteral("line")].toString(),
                    dataOf(m)[QStringLiteral("stream")].toString()});
    return out;
}

QString streamOf(const QList<std::pair<QString, QString>> &lines, const QString &prefix) {
    for (const auto &[line, stream] : lines)
        if (line.startsWith(prefix))
            return stream;
    return QStringLiteral("(no line starting with %1)").arg(prefix);
}
} // namespace

class TestUpstreamRoutes : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray ownerCookie;
    QByteArray strangerCookie;
    qint64 ownerId = 0;
    QString container;
    qint64 appId = 0;
    QList<qint64> gitApps;       // their containers go at the end
    QStringList otherContainers; // likewise

    qint64 gitApp(const QString &name, const GitRepo &repo) {
        store::App app;
        app.name = name;
        app.gitUrl = QStringLiteral("file://") + repo.path();
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        gitApps << created->id;
        return created->id;
    }

    qint64 containerApp(const QString &containerName) {
        store::App app;
        app.name = containerName;
        app.containerName = containerName;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        return created->id;
    }

    qint64 deploy(qint64 app) {
        const HttpResult started =
            f->http("POST", QStringLiteral("/api/deployments"),
                    QStringLiteral("{\"appId\":%1}").arg(app).toUtf8(), ownerCookie);
        if (started.status != 201)
            qWarning() << started.status << started.body;
        return qint64(started.json()["data"].toObject()["id"].toDouble());
    }

    bool waitUntilFinished(qint64 deployment, int timeoutMs = 120000) {
        return QTest::qWaitFor(
            [&] {
                const auto d = f->server().deployments().deployments().get(deployment);
                return d && *d && (*d)->isTerminal();
            },
            timeoutMs);
    }

    HttpResult completedLogs(const QString &query, const QByteArray &cookie) {
        return f->http("GET", QStringLiteral("/api/deployments/logs") + query, {}, cookie);
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        config.deployNetwork = QStringLiteral("none"); // the private engine has no bridge
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        ownerId = f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner).id;
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
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        appId = created->id;
    }
    void cleanupTestCase() {
        removeContainer(container);
        for (const QString &c : std::as_const(otherContainers))
            removeContainer(c);
        for (qint64 id : std::as_const(gitApps)) {
            removeContainer(QStringLiteral("app-%1").arg(id));
            const QString leftovers =
                docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                        QStringLiteral("label=mist.app.id=%1").arg(id)});
            for (const QString &c : leftovers.split(u'\n', Qt::SkipEmptyParts))
                removeContainer(c);
        }
    }

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
        // Upstream always sends cpuTemperature: the host's CPU sensor, and
        // upstream's 0 where it has none (tests/metrics/tst_thermal proves
        // the readings on the trees of other machines, and the sampler's
        // part; a sensor's value moves between two reads).
        const QJsonValue temperature = sample.value(QStringLiteral("cpuTemperature"));
        QVERIFY(temperature.isDouble());
        if (metrics::CpuThermometer().read())
            QVERIFY2(temperature.toDouble() > -273.15 && temperature.toDouble() <= 200,
                     qPrintable(QString::number(temperature.toDouble())));
        else
            QCOMPARE(temperature.toDouble(), 0.0);
        // This project's own client understands it.
        const auto understood = protocol::upstream::metricsFromUpstream(sample);
        QVERIFY2(understood, qPrintable(understood.error()));
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

    // A container that does not run, on upstream's route: upstream's state
    // word in `status` and in its error (ContainerLogsHandler and
    // docker.GetContainerStatus at 1537712: "stopped" for exited, the
    // engine's word otherwise, and a paused container counts as running and
    // is followed). The published route beside it is unchanged.
    void containerNotRunning_data() {
        QTest::addColumn<QString>("how");
        QTest::addColumn<QString>("engineState");
        QTest::addColumn<QString>("upstreamState");
        QTest::addColumn<QString>("error"); // empty: its logs are followed
        QTest::newRow("exited") << "exited"
                                << "exited"
                                << "stopped"
                                << "Container is not running (state: stopped)";
        QTest::newRow("created, never started") << "created"
                                                << "created"
                                                << "created"
                                                << "Container is not running (state: created)";
        QTest::newRow("paused") << "paused"
                                << "paused"
                                << "running"
                                << "";
    }
    void containerNotRunning() {
        QFETCH(QString, how);
        QFETCH(QString, engineState);
        QFETCH(QString, upstreamState);
        QFETCH(QString, error);
        const QString name =
            QStringLiteral("mist-upstream-%1-%2").arg(how).arg(QCoreApplication::applicationPid());
        otherContainers << name;
        const QString marker =
            QStringLiteral("logged-before-%1-").arg(how) + QString::fromLatin1(unique());
        const auto state = [&] {
            return docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                           QStringLiteral("{{.State.Status}}"), name});
        };
        if (how == u"created") {
            bool ok = false;
            removeContainer(name);
            docker({QStringLiteral("create"), QStringLiteral("--network"), QStringLiteral("none"),
                    QStringLiteral("--name"), name, QStringLiteral("mist-test-base:latest"),
                    QStringLiteral("true")},
                   &ok);
            QVERIFY(ok);
        } else {
            QVERIFY(
                !runContainer(name, QStringLiteral("echo %1; sleep 300").arg(marker)).isEmpty());
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return docker({QStringLiteral("logs"), name}).contains(marker);
                },
                15000));
            bool ok = false;
            docker({how == u"paused" ? QStringLiteral("pause") : QStringLiteral("stop"), name},
                   &ok);
            QVERIFY(ok);
        }
        QTRY_COMPARE_WITH_TIMEOUT(state(), engineState, 15000);
        const qint64 app = containerApp(name);

        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/api/ws/container/logs?appId=%1").arg(app),
                        ownerCookie));
        if (error.isEmpty()) {
            QVERIFY(ws.waitFor([&] { return !ws.ofType(QStringLiteral("log")).isEmpty(); }, 15000));
            QCOMPARE(
                dataOf(ws.ofType(QStringLiteral("log")).first())[QStringLiteral("line")].toString(),
                marker);
            QVERIFY(!ws.closed);
        } else {
            QVERIFY(ws.waitForClose(15000));
            QCOMPARE(ws.closeCode, 1000);
            QCOMPARE(ws.ofType(QStringLiteral("error")).size(), 1);
            QCOMPARE(dataOf(ws.ofType(QStringLiteral("error")).first())[QStringLiteral("message")]
                         .toString(),
                     error);
        }
        QCOMPARE(ws.ofType(QStringLiteral("status")).size(), 1);
        const QJsonObject status = dataOf(ws.ofType(QStringLiteral("status")).first());
        QCOMPARE(status[QStringLiteral("container")].toString(), name);
        QCOMPARE(status[QStringLiteral("state")].toString(), upstreamState);
        QCOMPARE(status[QStringLiteral("status")].toString(), engineState);

        WsRecorder published;
        QVERIFY(published.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(app),
                               ownerCookie));
        QVERIFY(published.waitForClose(15000));
        QCOMPARE(published.closeCode, 1000);
        QCOMPARE(
            dataOf(published.ofType(QStringLiteral("status")).value(0))[QStringLiteral("state")]
                .toString(),
            engineState);
        QCOMPARE(
            dataOf(published.ofType(QStringLiteral("error")).value(0))[QStringLiteral("message")]
                .toString(),
            QStringLiteral("Container not running"));
        if (how == u"paused")
            docker({QStringLiteral("unpause"), name});
    }

    // A deployment watched on upstream's route, live from its start to its
    // failure, as upstream's deployer reports it: status and stage the same
    // word, upstream's messages, progress back to 0 on failure, the lines
    // that report the error as stderr, and no `error` or `end` (upstream
    // puts the failure in status.error_message and closes).
    void deploymentStreamInUpstreamShapes() {
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\n"
                                    "RUN echo building-for-upstream && echo " +
                                        unique() + " >/dev/null && sleep 2 && exit 3\n"}},
                    QStringLiteral("fails in its build"));
        const qint64 app = gitApp(QStringLiteral("upstream-shapes"), repo);
        const qint64 id = deploy(app);

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
            const QJsonObject d = dataOf(m);
            const QString stage = d["stage"].toString();
            QVERIFY2(QStringList({QStringLiteral("pending"), QStringLiteral("cloning"),
                                  QStringLiteral("building"), QStringLiteral("failed")})
                         .contains(stage),
                     qPrintable(stage));
            QCOMPARE(d["status"].toString(), stage); // as upstream's deployer writes them
            QCOMPARE(d["message"].toString(), protocol::upstream::stageMessage(stage));
            QCOMPARE(d.contains(QStringLiteral("error_message")), stage == u"failed");
            if (stages.isEmpty() || stages.last() != stage)
                stages << stage;
        }
        QVERIFY2(stages.contains(u"building") && stages.last() == u"failed",
                 qPrintable(stages.join(u',')));
        const QJsonObject last = dataOf(statuses.last());
        QCOMPARE(last["progress"].toInt(), 0);
        QCOMPARE(last["message"].toString(), QStringLiteral("Deployment failed"));
        QCOMPARE(last["error_message"].toString(),
                 QStringLiteral("Docker build failed: exit code 3"));
        // Build-log lines as upstream writes them, {line, stream, timestamp}:
        // the build's output stdout, the engine's error and the pipeline's
        // own error line stderr.
        for (const QJsonObject &m : live.ofType(QStringLiteral("log")))
            QVERIFY(protocol::parseEngineTimestampNs(dataOf(m)["timestamp"].toString()));
        const auto lines = logStreams(live.ofType(QStringLiteral("log")));
        QCOMPARE(streamOf(lines, QStringLiteral("building-for-upstream")),
                 QStringLiteral("stdout"));
        QCOMPARE(streamOf(lines, QStringLiteral("Step 2/")), // labels add steps after it
                 QStringLiteral("stdout"));
        QCOMPARE(
            streamOf(lines, QStringLiteral("The command '/bin/sh -c echo building-for-upstream")),
            QStringLiteral("stderr"));
        QCOMPARE(streamOf(lines, QStringLiteral("Error: Docker build failed: exit code 3")),
                 QStringLiteral("stderr"));

        // Once it is over, the same on a new connection (from the database),
        // and this project's client makes the published flow of it again.
        WsRecorder after;
        QVERIFY(after.open(f->port(), QStringLiteral("/api/deployments/logs/stream?id=%1").arg(id),
                           ownerCookie));
        QVERIFY(after.waitForClose(10000));
        QCOMPARE(dataOf(after.ofType(QStringLiteral("status")).last()), last);
        QVERIFY(after.ofType(QStringLiteral("error")).isEmpty());
        QVERIFY(after.ofType(QStringLiteral("end")).isEmpty());
        QCOMPARE(logStreams(after.ofType(QStringLiteral("log"))), lines);
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

        // GET /api/deployments/logs?id= of the failed deployment: upstream's
        // answer, its log with the error lines as the engine's error objects.
        const HttpResult r = completedLogs(QStringLiteral("?id=%1").arg(id), ownerCookie);
        QCOMPARE(r.status, 200);
        const QJsonObject d = r.json()["data"].toObject()["deployment"].toObject();
        QCOMPARE(d["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(d["stage"].toString(), QStringLiteral("failed"));
        QCOMPARE(d["progress"].toInt(), 0);
        QCOMPARE(d["error_message"].toString(), QStringLiteral("Docker build failed: exit code 3"));
        QCOMPARE(d["is_active"].toBool(), false);
        const QStringList logLines = r.json()["data"].toObject()["logs"].toString().split(u'\n');
        QVERIFY(logLines.contains(QStringLiteral("building-for-upstream")));
        QVERIFY(logLines.contains(
            QStringLiteral("{\"error\":\"Error: Docker build failed: exit code 3\"}")));
        QVERIFY(std::any_of(logLines.cbegin(), logLines.cend(), [](const QString &l) {
            return l.startsWith(
                QStringLiteral("{\"error\":\"The command '/bin/sh -c echo building-for-upstream"));
        }));

        // And the per-app check upstream does not have.
        WsRecorder stranger;
        QVERIFY(stranger.open(f->port(),
                              QStringLiteral("/api/deployments/logs/stream?id=%1").arg(id),
                              strangerCookie));
        QVERIFY(stranger.waitForClose(10000));
        QCOMPARE(stranger.ofType(QStringLiteral("error")).size(), 1);
        QCOMPARE(stranger.closeCode, 1008);
    }

    // Upstream's dashboard (use-deployment-monitor.ts) first asks GET
    // /api/deployments/logs?id=N: 400 while the deployment runs (then it
    // opens the stream), 200 with {deployment, logs} once it is over
    // (GetCompletedDeploymentLogsHandler at 1537712). A second deployment
    // queued behind the first is watched from `pending` on, through every
    // step, on upstream's stream.
    void completedLogsAndAWholeRun() {
        GitRepo repo;
        const QByteArray marker = "built-for-upstream-" + unique();
        repo.commit({{"Dockerfile",
                      "FROM mist-test-base:latest\nRUN echo " + marker +
                          " && sleep 2\nCMD [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n"}},
                    QStringLiteral("runs for upstream"));
        const qint64 app = gitApp(QStringLiteral("upstream-complete"), repo);
        const qint64 first = deploy(app);
        QVERIFY(first > 0);

        // Running: upstream's 400 (and the stranger's 403 comes first, as
        // upstream checks access before the state).
        HttpResult r = completedLogs(QStringLiteral("?id=%1").arg(first), ownerCookie);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json()["success"].toBool(), false);
        QCOMPARE(r.json()["message"].toString(),
                 QStringLiteral("deployment is still in progress, use WebSocket endpoint"));
        QCOMPARE(r.json()["error"].toString(), QString());
        QCOMPARE(completedLogs(QStringLiteral("?id=%1").arg(first), strangerCookie).status, 403);

        const qint64 second = deploy(app); // waits as pending behind the first
        WsRecorder live;
        QVERIFY(live.open(f->port(),
                          QStringLiteral("/api/deployments/logs/stream?id=%1").arg(second),
                          ownerCookie));
        QVERIFY(live.waitForClose(180000));
        QCOMPARE(live.closeCode, 1000);
        QList<QStringList> steps; // status, stage, message; each step once
        int lastProgress = -1;
        for (const QJsonObject &m : live.ofType(QStringLiteral("status"))) {
            const QJsonObject d = dataOf(m);
            QVERIFY(!d.contains(QStringLiteral("error_message")));
            QVERIFY(d["progress"].toInt() >= lastProgress);
            lastProgress = d["progress"].toInt();
            const QStringList step{d["status"].toString(), d["stage"].toString(),
                                   d["message"].toString()};
            if (steps.isEmpty() || steps.last() != step)
                steps << step;
        }
        QCOMPARE(steps, (QList<QStringList>{
                            {"pending", "pending", "Deployment queued and waiting to start"},
                            {"cloning", "cloning", "Cloning repository from Git"},
                            {"building", "building", "Building Docker image"},
                            {"deploying", "deploying", "Deploying container"},
                            {"success", "success", "Deployment completed successfully"}}));
        QCOMPARE(lastProgress, 100);
        // The same commit again: the engine's cache builds it without output.
        const auto lines = logStreams(live.ofType(QStringLiteral("log")));
        QVERIFY(!lines.isEmpty());
        // Nothing reported an error: only upstream's keywords could say stderr.
        for (const auto &[line, stream] : lines)
            QCOMPARE(stream, protocol::upstream::detectStreamType(line));

        // Both over: upstream's answer, its deployment in models.Deployment's
        // JSON, its log as the log file's text.
        QVERIFY(waitUntilFinished(first));
        r = completedLogs(QStringLiteral("?id=%1").arg(first), ownerCookie);
        QCOMPARE(r.status, 200);
        const QJsonObject body = r.json();
        QCOMPARE(body.keys(), (QStringList{"data", "message", "success"})); // no `error`
        QCOMPARE(body["success"].toBool(), true);
        QCOMPARE(body["message"].toString(),
                 QStringLiteral("Deployment logs retrieved successfully"));
        QCOMPARE(body["data"].toObject().keys(), (QStringList{"deployment", "logs"}));
        const QJsonObject d = body["data"].toObject()["deployment"].toObject();
        const auto ours = f->server().deployments().deployments().get(first).value();
        QVERIFY(ours);
        QCOMPARE(qint64(d["id"].toDouble()), first);
        QCOMPARE(qint64(d["app_id"].toDouble()), app);
        QCOMPARE(d["status"].toString(), QStringLiteral("success"));
        QCOMPARE(d["stage"].toString(), QStringLiteral("success"));
        QCOMPARE(d["progress"].toInt(), 100);
        QVERIFY(!d.contains(QStringLiteral("error_message")));
        QCOMPARE(d["commit_hash"].toString(), ours->commitHash);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{40}$"))
                    .match(d["commit_hash"].toString())
                    .hasMatch());
        QCOMPARE(d["commit_message"].toString(), QStringLiteral("runs for upstream"));
        QCOMPARE(d["commit_author"].toString(), ours->commitAuthor);
        QVERIFY(d["commit_author"].toString().startsWith(QStringLiteral("Test Author")));
        QCOMPARE(qint64(d["triggered_by"].toDouble()), ownerId);
        QCOMPARE(d["deployment_number"].toInt(), 1);
        QCOMPARE(d["is_active"].toBool(), false); // the second one runs now
        QVERIFY(d["duration"].isDouble());
        QCOMPARE(qint64(d["duration"].toDouble()), ours->startedAt.secsTo(ours->finishedAt));
        for (const char *time : {"created_at", "started_at", "finished_at"})
            QVERIFY2(
                QDateTime::fromString(d[QLatin1String(time)].toString(), Qt::ISODate).isValid(),
                time);
        const QString logs = body["data"].toObject()["logs"].toString();
        QStringList expected;
        const QList<store::DeploymentLogLine> stored =
            f->server()
                .deployments()
                .deployments()
                .logPage(first, 0, 1 << 30, qint64(1) << 40)
                .value();
        for (const store::DeploymentLogLine &l : stored)
            expected << l.line;
        QCOMPARE(logs, expected.join(u'\n'));
        QVERIFY(logs.split(u'\n').contains(QString::fromLatin1(marker)));

        r = completedLogs(QStringLiteral("?id=%1").arg(second), ownerCookie);
        QCOMPARE(r.status, 200);
        const QJsonObject d2 = r.json()["data"].toObject()["deployment"].toObject();
        QCOMPARE(d2["deployment_number"].toInt(), 2);
        QCOMPARE(d2["is_active"].toBool(), true);
        // Upstream's id syntax: leading zeros and a plus sign are the same id.
        QCOMPARE(completedLogs(QStringLiteral("?id=%2B00") + QString::number(second), ownerCookie)
                     .json(),
                 r.json());

        // This server's own routes beside it, unchanged.
        r = f->http("GET", QStringLiteral("/api/deployments/%1").arg(first), {}, ownerCookie);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toObject()["stage"].toString(), QStringLiteral("completed"));
        r = f->http("GET", QStringLiteral("/api/deployments/%1/logs").arg(first), {}, ownerCookie);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toArray().size(), expected.size());
        // Still refused to a stranger once it is over.
        r = completedLogs(QStringLiteral("?id=%1").arg(first), strangerCookie);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json()["message"].toString(), QStringLiteral("Access denied"));
    }

    // Upstream's refusals, its texts and order of checks (AuthMiddleware,
    // GetCompletedDeploymentLogsHandler): before any deployment is looked at.
    void completedLogsRefusals_data() {
        QTest::addColumn<QString>("who"); // owner, nobody, forged, bearer-forged
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("error");
        QTest::newRow("not signed in") << "nobody"
                                       << "?id=1" << 401 << "Authentication required"
                                       << "No token provided";
        QTest::newRow("forged cookie") << "forged"
                                       << "?id=1" << 401 << "Invalid or expired token"
                                       << "invalid or expired session";
        QTest::newRow("forged bearer token") << "bearer-forged"
                                             << "?id=1" << 401 << "Invalid or expired token"
                                             << "invalid or expired session";
        QTest::newRow("no id") << "owner"
                               << "" << 400 << "invalid deployment id"
                               << "strconv.ParseInt: parsing \"\": invalid syntax";
        QTest::newRow("empty id") << "owner"
                                  << "?id=" << 400 << "invalid deployment id"
                                  << "strconv.ParseInt: parsing \"\": invalid syntax";
        QTest::newRow("not a number") << "owner"
                                      << "?id=abc" << 400 << "invalid deployment id"
                                      << "strconv.ParseInt: parsing \"abc\": invalid syntax";
        QTest::newRow("hostile") << "owner"
                                 << "?id=%22%3Cscript%3E%0A" << 400 << "invalid deployment id"
                                 << "strconv.ParseInt: parsing \"\\\"<script>\\n\": invalid syntax";
        QTest::newRow("beyond 64 bits")
            << "owner"
            << "?id=99999999999999999999" << 400 << "invalid deployment id"
            << "strconv.ParseInt: parsing \"99999999999999999999\": value out of range";
        QTest::newRow("huge") << "owner" << (QStringLiteral("?id=") + QString(8000, u'7')) << 400
                              << "invalid deployment id"
                              << QStringLiteral("strconv.ParseInt: parsing \"%1\": value out of "
                                                "range")
                                     .arg(QString(8000, u'7'));
        QTest::newRow("unknown") << "owner"
                                 << "?id=9007199254740991" << 404 << "deployment not found"
                                 << "record not found";
        QTest::newRow("negative") << "owner"
                                  << "?id=-1" << 404 << "deployment not found"
                                  << "record not found";
        QTest::newRow("zero") << "owner"
                              << "?id=0" << 404 << "deployment not found"
                              << "record not found";
        QTest::newRow("the first id counts, as Go's Get")
            << "owner"
            << "?id=abc&id=1" << 400 << "invalid deployment id"
            << "strconv.ParseInt: parsing \"abc\": invalid syntax";
    }
    void completedLogsRefusals() {
        QFETCH(QString, who);
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(QString, error);
        QByteArray cookie;
        QList<QPair<QByteArray, QByteArray>> headers;
        if (who == u"owner")
            cookie = ownerCookie;
        else if (who == u"forged")
            cookie = "forged";
        else if (who == u"bearer-forged")
            headers << qMakePair(QByteArray("Authorization"), QByteArray("Bearer forged"));
        const HttpResult r =
            f->http("GET", QStringLiteral("/api/deployments/logs") + query, {}, cookie, headers);
        QCOMPARE(r.status, status);
        // handlers.SendResponse: all four fields.
        const QJsonObject body = r.json();
        QCOMPARE(body.keys(), (QStringList{"data", "error", "message", "success"}));
        QCOMPARE(body["success"].toBool(), false);
        QVERIFY(body["data"].isNull());
        QCOMPARE(body["message"].toString(), message);
        QCOMPARE(body["error"].toString(), error);
    }

    // A build log far larger than the answer may be: the last
    // UpstreamLogsMaxBytes of it, after a note that says what was left out.
    void completedLogsOfAHugeBuild() {
        GitRepo repo;
        // About 7 MiB of output: 120 000 numbered lines of 61 bytes or so.
        repo.commit(
            {{"Dockerfile", "FROM mist-test-base:latest\nRUN echo " + unique() +
                                " >/dev/null && seq 1 120000 | sed 's/^/huge log line /; "
                                "s/$/ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/' && exit 3\n"}},
            QStringLiteral("talks a lot"));
        const qint64 app = gitApp(QStringLiteral("upstream-huge"), repo);
        const qint64 id = deploy(app);
        QVERIFY(waitUntilFinished(id, 240000));
        const qint64 total = f->server().deployments().deployments().logCount(id).value();
        QVERIFY2(total > 120000, qPrintable(QString::number(total)));

        const HttpResult r = completedLogs(QStringLiteral("?id=%1").arg(id), ownerCookie);
        QCOMPARE(r.status, 200);
        // JSON escapes each newline (and any quote) in two bytes.
        QVERIFY2(r.body.size() < 2 * server::UpstreamLogsMaxBytes + 64 * 1024,
                 qPrintable(QString::number(r.body.size())));
        const QJsonObject data = r.json()["data"].toObject();
        QCOMPARE(data["truncated"].toBool(), true);
        const QString logs = data["logs"].toString();
        const QStringList lines = logs.split(u'\n');
        // The note, then whole lines, the last ones.
        const QRegularExpressionMatch note =
            QRegularExpression(
                QStringLiteral("^\\[Mist Monitor\\] The first (\\d+) lines of this "
                               "log are left out: this answer holds its last 4 MiB\\. "
                               "The whole log: GET /api/deployments/%1/logs$")
                    .arg(id))
                .match(lines.first());
        QVERIFY2(note.hasMatch(), qPrintable(lines.first()));
        const qint64 omitted = note.captured(1).toLongLong();
        QCOMPARE(omitted + lines.size() - 1, total);
        const qint64 kept = logs.toUtf8().size() - lines.first().toUtf8().size() - 1;
        QVERIFY2(kept <= server::UpstreamLogsMaxBytes, qPrintable(QString::number(kept)));
        QVERIFY2(kept > server::UpstreamLogsMaxBytes - 1024, // used, not wasted
                 qPrintable(QString::number(kept)));
        const QRegularExpression numbered(QStringLiteral("^huge log line (\\d+) x{40}$"));
        const QRegularExpressionMatch firstKept = numbered.match(lines.at(1));
        QVERIFY2(firstKept.hasMatch(), qPrintable(lines.at(1)));
        QCOMPARE(lines.last(),
                 QStringLiteral("{\"error\":\"Error: Docker build failed: exit code 3\"}"));
        QVERIFY(lines.contains(QStringLiteral("huge log line 120000 ") + QString(40, u'x')));
    }
};

QTEST_GUILESS_MAIN(TestUpstreamRoutes)
#include "tst_upstreamroutes.moc"
