// SPDX-License-Identifier: GPL-3.0-or-later

// Deployments end to end: real git repositories, the real engine's build
// API, real containers, watched over /ws/deployment/logs.
#include "DeployTestSupport.h"
#include "TestPaths.h"
#include "TestSupport.h"
#include "protocol/Parsing.h"

#include "deploy/DeployStrategy.h"
#include "deploy/DeploymentManager.h"

#include <QJsonArray>
#include <QProcess>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
// The messages without their send time, for comparing two watchers.
QStringList withoutTimestamps(const QList<QJsonObject> &messages) {
    QStringList out;
    for (QJsonObject m : messages) {
        m.remove(QStringLiteral("timestamp"));
        out << QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact));
    }
    return out;
}
} // namespace

class TestDeployments : public QObject {
    Q_OBJECT
    QTemporaryDir dataDir;
    std::unique_ptr<ServerFixture> f;
    QByteArray owner, outsider;
    QList<qint64> apps;
    qint64 firstDeployment = 0; // of an app the outsider may not see

    server::ServerConfig config() {
        server::ServerConfig c;
        c.dataDir = dataDir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none"); // the private engine has no bridge
        return c;
    }

    qint64 gitApp(const QString &url, const QString &branch = QStringLiteral("main"),
                  const QString &project = QStringLiteral("default")) {
        store::App app;
        app.name = QStringLiteral("app%1").arg(apps.size() + 1);
        app.projectName = project;
        app.gitUrl = url;
        app.gitBranch = branch;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        apps << created->id;
        return created->id;
    }

    qint64 startDeployment(qint64 appId) {
        const HttpResult r = f->http("POST", QStringLiteral("/api/deployments"),
                                     QStringLiteral("{\"appId\":%1}").arg(appId).toUtf8(), owner);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        const qint64 id = qint64(r.json()["data"].toObject()["id"].toDouble());
        if (firstDeployment == 0)
            firstDeployment = id;
        return id;
    }

    // Watches a deployment from the start to its end and returns every message.
    QList<QJsonObject> watch(qint64 deploymentId, int timeoutMs = 120000) {
        WsRecorder ws;
        if (!ws.open(f->port(),
                     QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(deploymentId),
                     owner))
            return {};
        if (!ws.waitForClose(timeoutMs))
            qWarning("deployment %lld did not end in time", deploymentId);
        if (ws.closeCode != 1000)
            qWarning("close code %d", ws.closeCode);
        return ws.messages;
    }

    QJsonObject inspect(const QString &container) {
        bool ok = false;
        const QString out = docker({QStringLiteral("inspect"), container}, &ok);
        return ok ? QJsonDocument::fromJson(out.toUtf8()).array().first().toObject()
                  : QJsonObject();
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("outsider@example.com"), store::Role::User);
        owner = f->login(QStringLiteral("owner@example.com"));
        outsider = f->login(QStringLiteral("outsider@example.com"));
        QVERIFY(!owner.isEmpty() && !outsider.isEmpty());
    }

    void cleanupTestCase() {
        for (qint64 id : std::as_const(apps)) {
            removeContainer(QStringLiteral("app-%1").arg(id));
            const QString leftovers =
                docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                        QStringLiteral("label=mist.app.id=%1").arg(id)});
            for (const QString &c : leftovers.split(u'\n', Qt::SkipEmptyParts))
                removeContainer(c);
        }
    }

    void successThenReplace() {
        GitRepo repo;
        const QString firstCommit =
            repo.commit({{"Dockerfile", runningAppDockerfile()}, {"hello.txt", "v1"}},
                        QStringLiteral("first version"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 id = startDeployment(app);
        QVERIFY(id > 0);
        const QList<QJsonObject> messages = watch(id);
        QVERIFY(!messages.isEmpty());

        // Terminal order: status, end.
        QCOMPARE(typesOf(messages.mid(messages.size() - 2)), (QStringList{"status", "end"}));
        const QList<QJsonObject> st = statusesOf(messages);
        QCOMPARE(st.last()["status"].toString(), QStringLiteral("success"));
        QCOMPARE(st.last()["stage"].toString(), QStringLiteral("completed"));
        QCOMPARE(st.last()["progress"].toInt(), 100);
        QCOMPARE(st.last()["deployment_id"].toInteger(), id);
        QCOMPARE(st.last()["error_message"].toString(), QString());

        // The flow: statuses and stages in order, progress never falls.
        QStringList stages;
        int progress = 0;
        for (const QJsonObject &s : st) {
            QVERIFY2(s["progress"].toInt() >= progress, "progress went back");
            progress = s["progress"].toInt();
            if (stages.isEmpty() || stages.last() != s["stage"].toString())
                stages << s["stage"].toString();
            const QString status = s["status"].toString();
            const QString stage = s["stage"].toString();
            if (stage == u"cloning_repo" || stage == u"building_image")
                QCOMPARE(status, QStringLiteral("building"));
            if (stage == u"stopping_old" || stage == u"starting_new")
                QCOMPARE(status, QStringLiteral("deploying"));
            if (stage == u"building_image")
                QVERIFY(progress >= 30 && progress <= 75);
        }
        stages.removeAll(QString()); // pending has no stage
        QCOMPARE(stages, (QStringList{"cloning_repo", "building_image", "stopping_old",
                                      "starting_new", "completed"}));

        const QStringList lines = logLinesOf(messages);
        // The engine adds a step per build label.
        QVERIFY2(lines.indexOf(QRegularExpression(
                     QStringLiteral("^Step 1/\\d+ : FROM mist-test-base:latest$"))) >= 0,
                 qPrintable(lines.join(u'\n')));
        QVERIFY(lines.contains(QStringLiteral("building-step")));
        QVERIFY(std::any_of(lines.begin(), lines.end(), [&](const QString &l) {
            return l.startsWith(QStringLiteral("Commit ") + firstCommit.left(12));
        }));

        // The container runs the new image, with the labels.
        const QJsonObject c = inspect(QStringLiteral("app-%1").arg(app));
        QVERIFY(c["State"].toObject()["Running"].toBool());
        const QJsonObject rest =
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(id), {}, owner)
                .json()["data"]
                .toObject();
        QCOMPARE(c["Image"].toString(), rest["image_id"].toString());
        QCOMPARE(rest["commit_hash"].toString(), firstCommit);
        QCOMPARE(rest["commit_message"].toString(), QStringLiteral("first version"));
        QCOMPARE(rest["commit_author"].toString(),
                 QStringLiteral("Test Author <author@example.com>"));
        QCOMPARE(c["Config"].toObject()["Labels"].toObject()["mist.app.id"].toString(),
                 QString::number(app));
        QCOMPARE(c["Config"].toObject()["Labels"].toObject()["mist.deployment.id"].toString(),
                 QString::number(id));
        QVERIFY(c["HostConfig"].toObject()["Init"].toBool());
        QCOMPARE(c["HostConfig"].toObject()["RestartPolicy"].toObject()["Name"].toString(),
                 QStringLiteral("unless-stopped"));

        // A second deployment replaces the container.
        repo.commit({{"hello.txt", "v2"}}, QStringLiteral("second version"));
        const qint64 second = startDeployment(app);
        const QList<QJsonObject> again = watch(second);
        QCOMPARE(statusesOf(again).last()["status"].toString(), QStringLiteral("success"));
        const QJsonObject replaced = inspect(QStringLiteral("app-%1").arg(app));
        QVERIFY(replaced["State"].toObject()["Running"].toBool());
        QVERIFY(replaced["Id"].toString() != c["Id"].toString());
        QCOMPARE(
            replaced["Config"].toObject()["Labels"].toObject()["mist.deployment.id"].toString(),
            QString::number(second));
        // Nothing left behind: one container for the app.
        const QString all =
            docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                    QStringLiteral("label=mist.app.id=%1").arg(app)});
        QCOMPARE(all.split(u'\n', Qt::SkipEmptyParts).size(), 1);

        // A late joiner gets the whole replay: status, all lines, status, end.
        WsRecorder late;
        QVERIFY(late.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                          owner));
        QVERIFY(late.waitForClose());
        QCOMPARE(late.closeCode, 1000);
        QCOMPARE(logLinesOf(late.messages), lines);
        QCOMPARE(typesOf(late.messages).first(), QStringLiteral("status"));
        QCOMPARE(typesOf(late.messages.mid(late.messages.size() - 2)),
                 (QStringList{"status", "end"}));
        // REST has the same log.
        const QJsonArray restLog =
            f->http("GET", QStringLiteral("/api/deployments/%1/logs").arg(id), {}, owner)
                .json()["data"]
                .toArray();
        QCOMPARE(restLog.size(), lines.size());
        // Resume after line 3: the rest, nothing twice.
        WsRecorder resumed;
        QVERIFY(resumed.open(f->port(),
                             QStringLiteral("/ws/deployment/logs?deploymentId=%1&after=3").arg(id),
                             owner));
        QVERIFY(resumed.waitForClose());
        QCOMPARE(logLinesOf(resumed.messages), lines.mid(3));
        // Listed for the app, newest first.
        const QJsonArray list =
            f->http("GET", QStringLiteral("/api/apps/%1/deployments").arg(app), {}, owner)
                .json()["data"]
                .toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject()["id"].toInteger(), second);
    }

    void failures_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("stage");
        QTest::newRow("unreachable repository") << "unreachable"
                                                << "Repository not found or unreachable"
                                                << "cloning_repo";
        QTest::newRow("missing branch") << "branch"
                                        << "Branch 'nope' not found"
                                        << "cloning_repo";
        QTest::newRow("missing Dockerfile") << "nodockerfile"
                                            << "Dockerfile not found: Dockerfile"
                                            << "building_image";
        QTest::newRow("failing RUN") << "run"
                                     << "Docker build failed: exit code 1"
                                     << "building_image";
        QTest::newRow("bad base image") << "from"
                                        << "Docker build failed: "
                                        << "building_image";
        QTest::newRow("container exits at once") << "exits"
                                                 << "Container exited immediately (exit code 3)"
                                                 << "starting_new";
    }

    void failures() {
        QFETCH(QString, kind);
        QFETCH(QString, error);
        QFETCH(QString, stage);
        GitRepo repo;
        QByteArray dockerfile = runningAppDockerfile();
        if (kind == u"run")
            dockerfile = "FROM mist-test-base:latest\nRUN echo about-to-fail && exit 1\n";
        else if (kind == u"from")
            dockerfile = "FROM no-such-image-anywhere:1\n";
        else if (kind == u"exits")
            dockerfile = "FROM mist-test-base:latest\nCMD [\"sh\", \"-c\", \"exit 3\"]\n";
        QMap<QString, QByteArray> files{{"Dockerfile", dockerfile}};
        if (kind == u"nodockerfile")
            files = {{"README", "no dockerfile here"}};
        repo.commit(files, QStringLiteral("content"));
        const QString url = kind == u"unreachable" ? QStringLiteral("/nonexistent/repository")
                                                   : QStringLiteral("file://") + repo.path();
        const qint64 app =
            gitApp(url, kind == u"branch" ? QStringLiteral("nope") : QStringLiteral("main"));
        const qint64 id = startDeployment(app);
        const QList<QJsonObject> messages = watch(id);
        QVERIFY(messages.size() >= 3);
        // Terminal order: status, error, end.
        QCOMPARE(typesOf(messages.mid(messages.size() - 3)),
                 (QStringList{"status", "error", "end"}));
        const QJsonObject last = statusesOf(messages).last();
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(last["stage"].toString(), stage);
        QVERIFY2(last["error_message"].toString().startsWith(error),
                 qPrintable(last["error_message"].toString()));
        QCOMPARE(messages[messages.size() - 2]["data"].toObject()["message"].toString(),
                 last["error_message"].toString());
        // No half state: no container for the app.
        QVERIFY(inspect(QStringLiteral("app-%1").arg(app)).isEmpty());
    }

    // A new container that dies at start: its last output is in the
    // deployment's log, before the failure, bounded and clean whatever it
    // printed.
    void deadContainerOutputShown_data() {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected"); // a line that must be shown as it is
        QTest::newRow("missing env") << QByteArray("echo starting; echo 'FATAL: missing env "
                                                   "DATABASE_URL' >&2; exit 1")
                                     << 1 << QStringLiteral("FATAL: missing env DATABASE_URL");
        QTest::newRow("huge line") << QByteArray("yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -c "
                                                 "3000000 | tr -d '\\n'; echo; echo died >&2; "
                                                 "exit 2")
                                   << 2 << QStringLiteral("died");
        QTest::newRow("many lines")
            << QByteArray("seq 1 100000; exit 5") << 5 << QStringLiteral("100000");
        QTest::newRow("binary") << QByteArray("head -c 20000 /dev/urandom; printf '\\n'; printf "
                                              "'\\033[31mred\\033[0m\\a\\001\\n'; "
                                              "printf 'bad \\377\\376 utf8\\n'; exit 4")
                                << 4 << QStringLiteral("red");
    }

    void deadContainerOutputShown() {
        QFETCH(QByteArray, command);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nCMD " + command + "\n"}},
                    QStringLiteral("dies at start"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const QList<QJsonObject> messages = watch(startDeployment(app));
        // The protocol as before: only lines were added.
        QCOMPARE(typesOf(messages.mid(messages.size() - 3)),
                 (QStringList{"status", "error", "end"}));
        const QString failure =
            QStringLiteral("Container exited immediately (exit code %1)").arg(exitCode);
        QCOMPARE(statusesOf(messages).last()["error_message"].toString(), failure);
        const QStringList lines = logLinesOf(messages);
        const qsizetype header = lines.indexOf(QStringLiteral("Last output of the container:"));
        const qsizetype error = lines.indexOf(QStringLiteral("Error: ") + failure);
        QVERIFY2(header >= 0 && error > header, qPrintable(lines.join(u'\n')));
        const QStringList output = lines.mid(header + 1, error - header - 1);
        QVERIFY2(output.contains(expected), qPrintable(output.join(u'\n')));
        QVERIFY(output.size() <= deploy::LastOutput::MaxLines);
        for (const QString &line : output) {
            // Bounded (the mark of a cut line is one more character), and
            // text: no control characters or escape sequences.
            QVERIFY(line.toUtf8().size() <= deploy::LastOutput::MaxLineBytes + 3);
            for (const QChar c : line)
                QVERIFY2(c == u'\t' || (c.unicode() >= 0x20 && c.unicode() != 0x7f),
                         qPrintable(QString::number(c.unicode(), 16)));
            QVERIFY(!line.contains(u'\x1b'));
        }
        if (QTest::currentDataTag() == QByteArrayLiteral("many lines"))
            QCOMPARE(output.last(), QStringLiteral("100000"));
        if (QTest::currentDataTag() == QByteArrayLiteral("binary"))
            QVERIFY(output.contains(QStringLiteral("bad \uFFFD\uFFFD utf8")));
        QVERIFY(inspect(QStringLiteral("app-%1").arg(app)).isEmpty());
    }

    void failedBuildKeepsOldContainer() {
        GitRepo repo;
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("good"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        QCOMPARE(statusesOf(watch(startDeployment(app))).last()["status"].toString(),
                 QStringLiteral("success"));
        const QJsonObject before = inspect(QStringLiteral("app-%1").arg(app));

        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN exit 1\n"}},
                    QStringLiteral("broken build"));
        QCOMPARE(statusesOf(watch(startDeployment(app))).last()["status"].toString(),
                 QStringLiteral("failed"));
        QJsonObject after = inspect(QStringLiteral("app-%1").arg(app));
        QCOMPARE(after["Id"].toString(), before["Id"].toString());
        QVERIFY(after["State"].toObject()["Running"].toBool());

        // A new container that dies at once: the old one comes back, running.
        repo.commit(
            {{"Dockerfile", "FROM mist-test-base:latest\nCMD [\"sh\", \"-c\", \"exit 7\"]\n"}},
            QStringLiteral("crashes"));
        const QJsonObject failed = statusesOf(watch(startDeployment(app))).last();
        QCOMPARE(failed["error_message"].toString(),
                 QStringLiteral("Container exited immediately (exit code 7)"));
        after = inspect(QStringLiteral("app-%1").arg(app));
        QCOMPARE(after["Id"].toString(), before["Id"].toString());
        QVERIFY(after["State"].toObject()["Running"].toBool());
        const QString all =
            docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                    QStringLiteral("label=mist.app.id=%1").arg(app)});
        QCOMPARE(all.split(u'\n', Qt::SkipEmptyParts).size(), 1);
    }

    void watchersSeeIdenticalStreams() {
        GitRepo repo;
        repo.commit(
            {{"Dockerfile", "FROM mist-test-base:latest\nRUN for i in 1 2 3 4 5; do echo line$i; "
                            "sleep 0.2; done # " +
                                uniqueMarker() +
                                "\n"
                                "CMD [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n"}},
            QStringLiteral("slow build"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 id = startDeployment(app);
        WsRecorder a, b;
        QVERIFY(a.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                       owner));
        QVERIFY(b.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                       owner));
        // A third watcher joins in the middle of the build.
        QVERIFY(a.waitFor([&] { return logLinesOf(a.messages).contains(QStringLiteral("line2")); },
                          60000));
        WsRecorder c;
        QVERIFY(c.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                       owner));
        QVERIFY(a.waitForClose(120000) && b.waitForClose(120000) && c.waitForClose(120000));
        QCOMPARE(withoutTimestamps(a.messages), withoutTimestamps(b.messages));
        // The late one: its own first status, then the same lines exactly once.
        QCOMPARE(logLinesOf(c.messages), logLinesOf(a.messages));
        const QStringList lines = logLinesOf(a.messages);
        for (int i = 1; i <= 5; ++i)
            QCOMPARE(lines.count(QStringLiteral("line%1").arg(i)), 1);
    }

    void queueOneAppAtATime() {
        GitRepo repo;
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("v1"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 first = startDeployment(app);
        const qint64 second = startDeployment(app);
        const HttpResult queued =
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(second), {}, owner);
        QCOMPARE(queued.json()["data"].toObject()["status"].toString(), QStringLiteral("pending"));
        QCOMPARE(statusesOf(watch(first)).last()["status"].toString(), QStringLiteral("success"));
        QCOMPARE(statusesOf(watch(second)).last()["status"].toString(), QStringLiteral("success"));
        const QJsonObject d1 =
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(first), {}, owner)
                .json()["data"]
                .toObject();
        const QJsonObject d2 =
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(second), {}, owner)
                .json()["data"]
                .toObject();
        QVERIFY(QDateTime::fromString(d1["finished_at"].toString(), Qt::ISODate) <=
                QDateTime::fromString(d2["started_at"].toString(), Qt::ISODate));
    }

    void cancelDuringBuild() {
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN echo sleeping && sleep 60\n"}},
                    QStringLiteral("slow"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 id = startDeployment(app);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                        owner));
        QVERIFY(ws.waitFor(
            [&] { return logLinesOf(ws.messages).contains(QStringLiteral("sleeping")); }, 60000));
        QCOMPARE(
            f->http("POST", QStringLiteral("/api/deployments/%1/cancel").arg(id), {}, owner).status,
            200);
        QVERIFY(ws.waitForClose(30000));
        const QJsonObject last = statusesOf(ws.messages).last();
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(last["error_message"].toString(), QStringLiteral("cancelled"));
        QCOMPARE(
            f->http("POST", QStringLiteral("/api/deployments/%1/cancel").arg(id), {}, owner).status,
            409);
    }

    void restRejects_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("not json") << QByteArray("nope") << 400;
        QTest::newRow("missing appId") << QByteArray("{}") << 400;
        QTest::newRow("string appId") << QByteArray("{\"appId\":\"1\"}") << 400;
        QTest::newRow("negative") << QByteArray("{\"appId\":-1}") << 400;
        QTest::newRow("fraction") << QByteArray("{\"appId\":1.5}") << 400;
        QTest::newRow("huge") << QByteArray("{\"appId\":1e300}") << 400;
        QTest::newRow("unknown app") << QByteArray("{\"appId\":987654}") << 404;
    }

    void restRejects() {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QCOMPARE(f->http("POST", QStringLiteral("/api/deployments"), body, owner).status, status);
    }

    void permissionsAndContainerApps() {
        store::App adopted;
        adopted.name = QStringLiteral("adopted");
        adopted.containerName = QStringLiteral("something");
        QString error;
        const auto created = f->store().apps().add(adopted);
        error = created.error();
        QVERIFY(created);
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/deployments"),
                    QStringLiteral("{\"appId\":%1}").arg(created->id).toUtf8(), owner);
        QCOMPARE(r.status, 400);
        QVERIFY(
            r.json()["error"].toString().contains(QStringLiteral("only apps created from git")));

        QVERIFY(!apps.isEmpty());
        const qint64 someDeploymentApp = apps.first();
        QCOMPARE(f->http("POST", QStringLiteral("/api/deployments"),
                         QStringLiteral("{\"appId\":%1}").arg(someDeploymentApp).toUtf8(), outsider)
                     .status,
                 403);
        QVERIFY(firstDeployment > 0);
        QCOMPARE(
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(firstDeployment), {}, outsider)
                .status,
            403);
        QCOMPARE(f->http("GET", QStringLiteral("/api/deployments/abc"), {}, owner).status, 400);
        QCOMPARE(
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(protocol::MaxId), {}, owner)
                .status,
            404);
    }

    void webSocketRefusals_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("asOutsider");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "" << false << "Invalid deploymentId";
        QTest::newRow("text") << "?deploymentId=abc" << false << "Invalid deploymentId";
        QTest::newRow("negative") << "?deploymentId=-4" << false << "Invalid deploymentId";
        QTest::newRow("huge") << "?deploymentId=123456789012345678901234" << false
                              << "Invalid deploymentId";
        // The largest valid id: no test server gets that far.
        QTest::newRow("not found")
            << "?deploymentId=9007199254740991" << false << "Deployment not found";
        // %1: a deployment that exists (ids are spread per test process).
        QTest::newRow("no access") << "?deploymentId=%1" << true << "Permission denied";
        QTest::newRow("bad after") << "?deploymentId=%1&after=x" << false << "Invalid after";
        QTest::newRow("negative after") << "?deploymentId=%1&after=-1" << false << "Invalid after";
    }

    void webSocketRefusals() {
        QFETCH(QString, query);
        QFETCH(bool, asOutsider);
        QFETCH(QString, message);
        WsRecorder ws;
        if (query.contains(QLatin1String("%1"))) {
            QVERIFY(firstDeployment > 0);
            query = query.arg(firstDeployment);
        }
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/deployment/logs") + query,
                        asOutsider ? outsider : owner));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0]["type"].toString(), QStringLiteral("error"));
        QCOMPARE(ws.messages[0]["data"].toObject()["message"].toString(), message);
        QCOMPARE(ws.closeCode, 1008);
    }

    void commandLineDeploy() {
        GitRepo repo;
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("cli"));
        const qint64 good = gitApp(QStringLiteral("file://") + repo.path());
        GitRepo broken;
        broken.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN exit 1\n"}},
                      QStringLiteral("broken"));
        const qint64 bad = gitApp(QStringLiteral("file://") + broken.path());

        for (const auto &[app, expected] : {std::pair{good, 0}, std::pair{bad, 1}}) {
            QProcess cli;
            cli.start(mist::test::binaryPath(QStringLiteral("mist-monitor")),
                      {QStringLiteral("deploy"), QStringLiteral("--app"), QString::number(app),
                       QStringLiteral("--data-dir"), config().dataDir});
            // The server runs in this process: keep its event loop turning.
            WsRecorder w;
            QVERIFY(w.waitFor([&] { return cli.state() == QProcess::NotRunning; }, 120000));
            const QByteArray out = cli.readAllStandardOutput();
            const QByteArray err = cli.readAllStandardError();
            QVERIFY2(cli.exitCode() == expected, err.constData());
            QVERIFY2(out.contains("Step 1/"), out.constData());
            if (expected == 0)
                QVERIFY(err.contains("succeeded"));
            else
                QVERIFY2(err.contains("Docker build failed: exit code 1"), err.constData());
        }
    }

    void setAsideContainerRestoredAtStartup() {
        // What a stop between stopping_old and completed leaves behind: the
        // old container renamed and stopped, no app-N. The next start puts it back.
        const qint64 app = gitApp(QStringLiteral("/nonexistent/never-deployed"));
        const QString aside = QStringLiteral("app-%1-previous-77").arg(app);
        QVERIFY(
            !runContainer(aside, QStringLiteral("while true; do sleep 1; done"),
                          {QStringLiteral("--label"), QStringLiteral("mist.app.id=%1").arg(app)})
                 .isEmpty());
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"), aside});
        f.reset();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        owner = f->login(QStringLiteral("owner@example.com"));
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                return inspect(QStringLiteral("app-%1").arg(app))["State"]
                    .toObject()["Running"]
                    .toBool();
            },
            15000));
        QVERIFY(inspect(aside).isEmpty());
    }

    void restartDuringBuildMarksInterrupted() {
        GitRepo repo;
        repo.commit(
            {{"Dockerfile", "FROM mist-test-base:latest\nRUN echo long-build && sleep 60\n"}},
            QStringLiteral("long"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 id = startDeployment(app);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                        owner));
        QVERIFY(ws.waitFor(
            [&] { return logLinesOf(ws.messages).contains(QStringLiteral("long-build")); }, 60000));
        // Stop the server in the middle of the build, start it again on the same data.
        f.reset();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        owner = f->login(QStringLiteral("owner@example.com"));
        const QJsonObject d =
            f->http("GET", QStringLiteral("/api/deployments/%1").arg(id), {}, owner)
                .json()["data"]
                .toObject();
        QCOMPARE(d["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(d["error_message"].toString(), QStringLiteral("interrupted by server restart"));
        QCOMPARE(d["stage"].toString(), QStringLiteral("building_image"));
        // Its log survived the restart.
        const QJsonArray log =
            f->http("GET", QStringLiteral("/api/deployments/%1/logs").arg(id), {}, owner)
                .json()["data"]
                .toArray();
        QVERIFY(std::any_of(log.begin(), log.end(), [](const QJsonValue &v) {
            return v.toObject()["line"].toString() == u"long-build";
        }));
        // The server still deploys afterwards.
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("fast again"));
        QCOMPARE(statusesOf(watch(startDeployment(app))).last()["status"].toString(),
                 QStringLiteral("success"));
    }
};

QTEST_GUILESS_MAIN(TestDeployments)
#include "tst_deployments.moc"
