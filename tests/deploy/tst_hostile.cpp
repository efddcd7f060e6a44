// SPDX-License-Identifier: GPL-3.0-or-later

// Hostile deployments (issue #15): each test attacks the real server through
// real repositories and the real engine, then checks that the attack is
// bounded and that a normal deployment is still served.
#include "DeployTestSupport.h"
#include "TestSupport.h"

#include "deploy/ContainerDrain.h"
#include "deploy/ContainerSwapStrategy.h"
#include "deploy/DeploymentManager.h"
#include "server/LogArchiver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
constexpr qint64 LogLimit = 1 << 20; // --deploy-log-limit of the test server

qint64 residentKiB() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Waits until no container of the engine runs a command containing
// `marker` (a build's RUN).
bool buildGone(const QByteArray &marker) {
    WsRecorder w;
    return w.waitFor(
        [&] {
            return !docker({QStringLiteral("ps"), QStringLiteral("--no-trunc"),
                            QStringLiteral("--format"), QStringLiteral("{{.Command}}")})
                        .contains(QString::fromLatin1(marker));
        },
        30000);
}

// The size of the database once everything in its write-ahead log is in it
// (the log's own file is bounded by SQLite's checkpoints, not by the data).
qint64 databaseBytes(const QString &dataDir) {
    const QString name = QStringLiteral("checkpoint");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dataDir + QStringLiteral("/mist.db"));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open() || !QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")))
            qWarning("cannot checkpoint the database");
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return QFileInfo(dataDir + QStringLiteral("/mist.db")).size();
}
} // namespace

namespace {
// A log archive that never answers (a hub that never reaches its end).
class HungDrain final : public deploy::ContainerDrain {
public:
    void drain(qint64, const QString &containerId, QObject *, std::function<void()>) override {
        asked << containerId;
    }
    QStringList asked;
};
} // namespace

class TestHostileDeployments : public QObject {
    Q_OBJECT
    QTemporaryDir dataDir;
    std::unique_ptr<ServerFixture> f;
    QByteArray owner;
    QList<qint64> apps;

    server::ServerConfig config() {
        server::ServerConfig c;
        c.dataDir = dataDir.filePath(QStringLiteral("data"));
        // No --deploy-network: the engine's default network mode, which on the
        // private engine (started without a bridge) is the situation of
        // restartedContainerIsReplaced.
        c.deployLogLimitBytes = LogLimit;
        return c;
    }

    void restart(const server::ServerConfig &c) {
        f.reset();
        f = std::make_unique<ServerFixture>(c);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        owner = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!owner.isEmpty());
    }

    qint64 gitApp(const QString &url, const QString &project = QStringLiteral("default"),
                  const QString &dockerfile = {}) {
        store::App app;
        app.name = QStringLiteral("hostile%1").arg(apps.size() + 1);
        app.projectName = project;
        app.gitUrl = url;
        app.gitBranch = QStringLiteral("main");
        app.dockerfile = dockerfile;
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
        return qint64(r.json()["data"].toObject()["id"].toDouble());
    }

    QJsonObject deployment(qint64 id) {
        return f->http("GET", QStringLiteral("/api/deployments/%1").arg(id), {}, owner)
            .json()["data"]
            .toObject();
    }

    QStringList storedLog(qint64 id) {
        QStringList out;
        const QJsonArray lines =
            f->http("GET", QStringLiteral("/api/deployments/%1/logs").arg(id), {}, owner)
                .json()["data"]
                .toArray();
        for (const QJsonValue &v : lines)
            out << v.toObject()["line"].toString();
        return out;
    }

    // Watches a deployment to its end; returns every message.
    QList<QJsonObject> watch(qint64 deploymentId, int timeoutMs = 120000) {
        WsRecorder ws;
        if (!ws.open(f->port(),
                     QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(deploymentId),
                     owner))
            return {};
        if (!ws.waitForClose(timeoutMs))
            qWarning("deployment %lld did not end in time", deploymentId);
        else if (ws.closeCode != 1000)
            qWarning("deployment %lld: the socket closed with %d", deploymentId, ws.closeCode);
        return ws.messages;
    }

    static bool isFinal(const QJsonObject &status) {
        const QString s = status["status"].toString();
        return s == u"success" || s == u"failed";
    }

    // The deployment's last status: from its stream, or (when the stream ended before it, e.g.
    // a slow reader of a flooding build under ASan is closed by the server's queue bound) from
    // REST until it is final.
    QJsonObject finalStatus(qint64 deploymentId, int timeoutMs = 120000) {
        QElapsedTimer t;
        t.start();
        const QList<QJsonObject> st = statusesOf(watch(deploymentId, timeoutMs));
        QJsonObject last = st.isEmpty() ? QJsonObject() : st.last();
        if (isFinal(last))
            return last;
        qWarning("deployment %lld: no final status on its stream; asking REST", deploymentId);
        while (t.elapsed() < timeoutMs) {
            last = deployment(deploymentId);
            if (isFinal(last))
                return last;
            QTest::qWait(500);
        }
        return last;
    }

    QJsonObject inspect(const QString &container) {
        bool ok = false;
        const QString out = docker({QStringLiteral("inspect"), container}, &ok);
        return ok ? QJsonDocument::fromJson(out.toUtf8()).array().first().toObject()
                  : QJsonObject();
    }

    // A deployment of a normal app succeeds after the attack.
    void normalDeploymentServed(qint64 app, GitRepo &repo) {
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("normal again"));
        QElapsedTimer t;
        t.start();
        const QJsonObject last = finalStatus(startDeployment(app));
        QCOMPARE(last["status"].toString(), QStringLiteral("success"));
        QVERIFY2(t.elapsed() < 120000, "a normal deployment took over 2 minutes");
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        owner = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!owner.isEmpty());
    }

    void cleanupTestCase() {
        for (qint64 id : std::as_const(apps)) {
            const QString leftovers =
                docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                        QStringLiteral("name=^/app-%1(-previous-[0-9]+)?$").arg(id)});
            for (const QString &c : leftovers.split(u'\n', Qt::SkipEmptyParts))
                removeContainer(c);
        }
    }

    // Item 3: a build printing without end fills the log up to the limit,
    // is stopped there and fails; the database grows by about the limit.
    void runawayBuildOutputIsCapped() {
        GitRepo repo;
        const QByteArray chunk(1000, 'x');
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN echo " + uniqueMarker() +
                                        " && yes " + chunk + "\n"}},
                    QStringLiteral("runaway"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 dbBefore = databaseBytes(config().dataDir);
        const qint64 rssBefore = residentKiB();
        QElapsedTimer t;
        t.start();
        const qint64 id = startDeployment(app);
        const QList<QJsonObject> messages = watch(id, 90000);
        const QJsonObject last = statusesOf(messages).value(statusesOf(messages).size() - 1);
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(last["stage"].toString(), QStringLiteral("building_image"));
        QCOMPARE(last["error_message"].toString(),
                 QStringLiteral("Build log exceeded 1 MiB (deploy-log-limit)"));
        QCOMPARE(typesOf(messages.mid(messages.size() - 3)),
                 (QStringList{"status", "error", "end"}));

        const QStringList log = storedLog(id);
        qint64 bytes = 0;
        for (const QString &line : log)
            bytes += line.toUtf8().size();
        QVERIFY2(bytes <= LogLimit, qPrintable(QString::number(bytes)));
        // The marker, then the error: nothing of the runaway after them.
        QVERIFY(log.size() >= 2);
        static const QRegularExpression marker(
            QStringLiteral("^\u2026 [1-9][0-9]* bytes of build output dropped "
                           "\\(deploy-log-limit 1 MiB\\)$"));
        QVERIFY2(marker.match(log.at(log.size() - 2)).hasMatch(),
                 qPrintable(log.at(log.size() - 2)));
        QCOMPARE(log.last(), QStringLiteral("Error: Build log exceeded 1 MiB (deploy-log-limit)"));
        const qint64 dbGrowth = databaseBytes(config().dataDir) - dbBefore;
        qInfo("runaway build: failed after %lld ms, log %lld bytes in %lld lines, database +%lld "
              "bytes, RSS %+lld KiB",
              t.elapsed(), bytes, qint64(log.size()), dbGrowth, residentKiB() - rssBefore);
        // The limit is what the log takes on disk: filled, not overshot.
        QVERIFY2(dbGrowth > LogLimit / 2 && dbGrowth < LogLimit * 5 / 4,
                 qPrintable(QString::number(dbGrowth)));
        QVERIFY2(residentKiB() - rssBefore < 64 * 1024, "the server kept the runaway's output");

        // The engine's build was cancelled: its RUN no longer runs.
        QVERIFY2(buildGone(chunk), "the runaway build still runs in the engine");

        normalDeploymentServed(app, repo);
    }

    // Many short lines cost their database rows too.
    void manyShortLinesAreCapped() {
        GitRepo repo;
        repo.commit({{"Dockerfile",
                      "FROM mist-test-base:latest\nRUN echo " + uniqueMarker() + " && yes\n"}},
                    QStringLiteral("runaway short lines"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 dbBefore = databaseBytes(config().dataDir);
        const qint64 id = startDeployment(app);
        const QJsonObject last = finalStatus(id);
        QCOMPARE(last["error_message"].toString(),
                 QStringLiteral("Build log exceeded 1 MiB (deploy-log-limit)"));
        const qint64 lines = storedLog(id).size();
        const qint64 dbGrowth = databaseBytes(config().dataDir) - dbBefore;
        qInfo("runaway of 'y' lines: %lld lines kept, database +%lld bytes", lines, dbGrowth);
        QVERIFY2(lines < LogLimit / 32, qPrintable(QString::number(lines)));
        QVERIFY2(dbGrowth > LogLimit / 2 && dbGrowth < LogLimit * 5 / 4,
                 qPrintable(QString::number(dbGrowth)));
    }

    // Item 3: a build that never ends is stopped at --build-timeout.
    void buildTimeout() {
        server::ServerConfig c = config();
        c.buildTimeoutSeconds = 3;
        restart(c);
        GitRepo repo;
        const QByteArray marker = uniqueMarker();
        repo.commit(
            {{"Dockerfile",
              "FROM mist-test-base:latest\nRUN echo sleeping && sleep 600 # " + marker + "\n"}},
            QStringLiteral("endless"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        QElapsedTimer t;
        t.start();
        const QJsonObject last = finalStatus(startDeployment(app), 120000);
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(last["stage"].toString(), QStringLiteral("building_image"));
        QCOMPARE(last["error_message"].toString(), QStringLiteral("Build timed out after 3 s"));
        qInfo("endless build failed after %lld ms", t.elapsed());
        QVERIFY2(t.elapsed() < 60000, "the build timeout did not stop the build");
        QVERIFY2(buildGone(marker), "the timed-out build still runs in the engine");

        restart(config()); // the default timeout again
        normalDeploymentServed(app, repo);
    }

    // Item 7: one project floods the queue; another project's deployment
    // gets the next free worker, and the queue holds one per app.
    void floodIsBoundedAndFair() {
        deploy::DeploymentManager &manager = f->server().deployments();
        QCOMPARE(manager.config().workers, 2);
        QList<qint64> claimed; // deployments in the order they left `pending`
        QObject guard;
        connect(&manager, &deploy::DeploymentManager::statusChanged, &guard,
                [&](const store::Deployment &d) {
                    if (d.status == u"building" && !claimed.contains(d.id))
                        claimed << d.id;
                });

        // Two builds of the flooding project hold both workers.
        GitRepo slow;
        slow.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN echo holding && sleep 600 # " +
                                        uniqueMarker() + "\n"}},
                    QStringLiteral("holds a worker"));
        QList<qint64> holders;
        for (int i = 0; i < 2; ++i)
            holders << startDeployment(
                gitApp(QStringLiteral("file://") + slow.path(), QStringLiteral("flood")));
        WsRecorder w;
        QVERIFY(w.waitFor([&] { return claimed.size() == 2; }, 30000));

        // The flood: 10 apps, 20 deployments each, and 200 more of one app.
        QList<qint64> floodApps = apps.mid(apps.size() - 2);
        for (int i = 0; i < 10; ++i)
            floodApps << gitApp(QStringLiteral("/nonexistent/flood-%1").arg(i),
                                QStringLiteral("flood"));
        QList<qint64> flood;
        for (int round = 0; round < 20; ++round) {
            for (qint64 app : std::as_const(floodApps))
                flood << startDeployment(app);
        }
        for (int i = 0; i < 200; ++i)
            flood << startDeployment(floodApps.last());
        QVERIFY(!flood.contains(0));

        const qint64 pending =
            manager.deployments().countByStatus().value().value(QStringLiteral("pending"));
        const QJsonObject superseded = deployment(flood.first());

        // The victim: another project, queued behind all of that.
        GitRepo victimRepo;
        victimRepo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("victim"));
        const qint64 victim = startDeployment(
            gitApp(QStringLiteral("file://") + victimRepo.path(), QStringLiteral("victim")));
        QCOMPARE(deployment(victim)["status"].toString(), QStringLiteral("pending"));

        // Two workers come free: the victim gets one of them.
        for (qint64 id : std::as_const(holders))
            f->http("POST", QStringLiteral("/api/deployments/%1/cancel").arg(id), {}, owner);
        QVERIFY(w.waitFor([&] { return claimed.size() >= 4; }, 60000));
        const qsizetype position = claimed.indexOf(victim);
        // Whatever the outcome, end the flood before judging it.
        for (qint64 id : std::as_const(flood)) {
            if (!deployment(id)["finished_at"].isString())
                f->http("POST", QStringLiteral("/api/deployments/%1/cancel").arg(id), {}, owner);
        }
        qInfo("%lld deployments asked for, %lld pending; the victim was number %lld (0: none) of "
              "the first %lld to run",
              qint64(flood.size()), pending, qint64(position + 1), qint64(claimed.size()));
        // The queue holds one deployment per app, not one per request.
        QCOMPARE(pending, qint64(floodApps.size()));
        QCOMPARE(superseded["status"].toString(), QStringLiteral("failed"));
        QVERIFY2(superseded["error_message"].toString().startsWith(
                     QStringLiteral("superseded by deployment ")),
                 qPrintable(superseded["error_message"].toString()));
        QVERIFY2(position == 2 || position == 3,
                 qPrintable(QStringLiteral("the victim started at position %1").arg(position + 1)));
        QCOMPARE(finalStatus(victim)["status"].toString(), QStringLiteral("success"));
    }

    // Item 10: clones of deployments a kill interrupted are removed at start.
    void leftoverClonesRemovedAtStartup() {
        const QString work = QDir(config().dataDir).filePath(QStringLiteral("work"));
        QVERIFY(QDir().mkpath(work + QStringLiteral("/deploy-987654/src/.git/objects")));
        QFile file(work + QStringLiteral("/deploy-987654/src/Dockerfile"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        // A link among them is removed, never followed.
        QTemporaryDir outside;
        QFile precious(outside.filePath(QStringLiteral("precious")));
        QVERIFY(precious.open(QIODevice::WriteOnly));
        precious.close();
        QVERIFY(QFile::link(outside.path(), work + QStringLiteral("/deploy-987655")));
        QVERIFY(QDir().mkpath(work + QStringLiteral("/not-a-clone")));

        restart(config());
        WsRecorder w;
        QVERIFY2(w.waitFor(
                     [&] {
                         return QDir(work)
                             .entryList({QStringLiteral("deploy-*"), QStringLiteral(".stale-*")},
                                        QDir::AllEntries | QDir::Hidden | QDir::System |
                                            QDir::NoDotAndDotDot)
                             .isEmpty();
                     },
                     15000),
                 qPrintable(QDir(work)
                                .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
                                .join(u' ')));
        QVERIFY(QFile::exists(outside.filePath(QStringLiteral("precious"))));
        QVERIFY(QFileInfo(work + QStringLiteral("/not-a-clone")).isDir());
    }

    // Item 12: the Dockerfile is looked for inside the checkout only; the
    // answer is the same whether a path exists on the server or not.
    void dockerfileLinksStayInsideTheCheckout_data() {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("dockerfile");
        QTest::addColumn<QString>("linkName");
        QTest::newRow("link to an existing host file") << QByteArray("/etc/passwd") << "Dockerfile"
                                                       << "Dockerfile";
        QTest::newRow("link to a missing host file")
            << QByteArray("/etc/no-such-file-here") << "Dockerfile"
            << "Dockerfile";
        QTest::newRow("link to /, path through it") << QByteArray("/") << "root/etc/passwd"
                                                    << "root";
        QTest::newRow("link to ../.., path through it")
            << QByteArray("../../../../../../../..") << "up/etc/passwd"
            << "up";
        QTest::newRow("relative link climbing out")
            << QByteArray("../../../../../../../../etc/passwd") << "Dockerfile"
            << "Dockerfile";
        QTest::newRow("link to a directory") << QByteArray("/etc") << "Dockerfile"
                                             << "Dockerfile";
        QTest::newRow("link loop") << QByteArray("Dockerfile") << "Dockerfile"
                                   << "Dockerfile";
    }

    void dockerfileLinksStayInsideTheCheckout() {
        QFETCH(QByteArray, target);
        QFETCH(QString, dockerfile);
        QFETCH(QString, linkName);
        GitRepo repo;
        QVERIFY(QFile::link(QString::fromUtf8(target), repo.path() + u'/' + linkName));
        repo.commit({{"README", "a repository that links out"}}, QStringLiteral("links"));
        const qint64 app =
            gitApp(QStringLiteral("file://") + repo.path(), QStringLiteral("default"), dockerfile);
        const QJsonObject last = finalStatus(startDeployment(app));
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(last["stage"].toString(), QStringLiteral("building_image"));
        QCOMPARE(last["error_message"].toString(),
                 QStringLiteral("Dockerfile not found: %1").arg(dockerfile));
    }

    // A link inside the checkout is followed, as the engine would.
    void dockerfileLinkInsideTheCheckoutWorks() {
        GitRepo repo;
        QVERIFY(QDir().mkpath(repo.path() + QStringLiteral("/docker")));
        QVERIFY(QFile::link(QStringLiteral("docker/Dockerfile.real"),
                            repo.path() + QStringLiteral("/Dockerfile")));
        repo.commit({{"docker/Dockerfile.real", runningAppDockerfile()}}, QStringLiteral("linked"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        QCOMPARE(finalStatus(startDeployment(app))["status"].toString(), QStringLiteral("success"));
    }

    // Item 13: nothing in a build log names the server's directories.
    void buildLogsShowNoServerPaths() {
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN exit 1\n"}},
                    QStringLiteral("fails"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 id = startDeployment(app);
        const QJsonObject last = finalStatus(id);
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        const QStringList log = storedLog(id);
        QVERIFY(log.contains(QStringLiteral("Cloning into '<checkout>'...")));
        const QString data = QDir(config().dataDir).absolutePath();
        const QString real = QDir(data).canonicalPath();
        for (const QString &line : log + QStringList{last["error_message"].toString()}) {
            QVERIFY2(!line.contains(data) && !line.contains(real) &&
                         !line.contains(QLatin1String("/work/deploy-")),
                     qPrintable(line));
        }
    }

    // Item 14: on an engine without a bridge network a container that was
    // stopped and started again cannot be renamed while it runs.
    void restartedContainerIsReplaced() {
        GitRepo repo;
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("v1"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        QCOMPARE(finalStatus(startDeployment(app))["status"].toString(), QStringLiteral("success"));
        const QString name = QStringLiteral("app-%1").arg(app);
        bool ok = false;
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"), name}, &ok);
        QVERIFY(ok);
        docker({QStringLiteral("start"), name}, &ok);
        QVERIFY(ok);
        const QString before = inspect(name)["Id"].toString();
        QVERIFY(!before.isEmpty());

        // Not once, and not forever: two deployments in a row succeed.
        for (int i = 0; i < 2; ++i) {
            repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("next"));
            const qint64 id = startDeployment(app);
            const QJsonObject last = finalStatus(id);
            QVERIFY2(last["status"].toString() == u"success",
                     qPrintable(last["error_message"].toString()));
            const QJsonObject now = inspect(name);
            QVERIFY(now["State"].toObject()["Running"].toBool());
            QCOMPARE(now["Config"].toObject()["Labels"].toObject()["mist.deployment.id"].toString(),
                     QString::number(id));
        }
        QVERIFY(inspect(name)["Id"].toString() != before);
    }

    // Item 14: when the engine refuses the rename anyway, the old container
    // is removed instead and the deployment goes on.
    // The removal of the old container waits for the archive at most
    // DrainBoundMs, then goes on and says so.
    void hungDrainDoesNotBlockTheDeployment() {
        HungDrain hung;
        f->server().deployments().setContainerDrain(&hung);
        const auto restore = qScopeGuard(
            [this] { f->server().deployments().setContainerDrain(f->server().archiver()); });
        GitRepo repo;
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("v1"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        QCOMPARE(finalStatus(startDeployment(app))["status"].toString(), QStringLiteral("success"));
        const QString oldId = inspect(QStringLiteral("app-%1").arg(app))["Id"].toString();
        QVERIFY(!oldId.isEmpty());
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("v2"));
        QElapsedTimer t;
        t.start();
        const QList<QJsonObject> messages = watch(startDeployment(app));
        QCOMPARE(statusesOf(messages).last()["status"].toString(), QStringLiteral("success"));
        QVERIFY2(t.elapsed() < 120000, "the deployment waited far past the drain's bound");
        QCOMPARE(hung.asked, QStringList{oldId});
        const QStringList lines = logLinesOf(messages);
        const qsizetype warning = lines.indexOf(
            QStringLiteral("Warning: the log archive did not take the previous container's last "
                           "output within %1 s; removing it anyway")
                .arg(deploy::ContainerSwapStrategy::DrainBoundMs / 1000));
        QVERIFY2(warning >= 0, qPrintable(lines.join(u'\n')));
        QVERIFY(warning < lines.indexOf(QStringLiteral("Removing previous container")));
        bool gone = false;
        docker({QStringLiteral("inspect"), oldId}, &gone);
        QVERIFY(!gone); // removed all the same
    }

    void refusedRenameDoesNotBlockDeployments() {
        GitRepo repo;
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("v1"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const qint64 first = startDeployment(app);
        QCOMPARE(finalStatus(first)["status"].toString(), QStringLiteral("success"));
        // The name the next deployment sets the old container aside under is
        // taken: ids of this server's deployments follow each other.
        const QString blocker = QStringLiteral("app-%1-previous-%2").arg(app).arg(first + 1);
        QVERIFY(!runContainer(blocker, QStringLiteral("sleep 600")).isEmpty());
        repo.commit({{"Dockerfile", runningAppDockerfile()}}, QStringLiteral("v2"));
        const qint64 second = startDeployment(app);
        QCOMPARE(second, first + 1);
        const QList<QJsonObject> messages = watch(second);
        const QJsonObject last = statusesOf(messages).last();
        removeContainer(blocker);
        QVERIFY2(last["status"].toString() == u"success",
                 qPrintable(last["error_message"].toString()));
        const QStringList lines = logLinesOf(messages);
        QVERIFY2(std::any_of(lines.cbegin(), lines.cend(),
                             [](const QString &l) {
                                 return l.startsWith(QStringLiteral(
                                     "Warning: the engine cannot rename the previous container"));
                             }),
                 qPrintable(lines.join(u'\n')));
        QCOMPARE(inspect(QStringLiteral("app-%1").arg(app))["Config"]
                     .toObject()["Labels"]
                     .toObject()["mist.deployment.id"]
                     .toString(),
                 QString::number(second));
    }
};

QTEST_GUILESS_MAIN(TestHostileDeployments)
#include "tst_hostile.moc"
