// SPDX-License-Identifier: GPL-3.0-or-later

// The server keeps app containers' output without any viewer: a crash loop
// under a restart policy, a container that ran before its app was added, and
// lines printed while the server was down (real engine, real server).
#include "DeployTestSupport.h"
#include "TestSupport.h"

#include "archive/LogArchive.h"
#include "server/ArchiveService.h"
#include "server/LogArchiver.h"

#include <QJsonArray>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
// The numbered lines of one run; the run number is kept in the container's
// own file system, which survives its restarts.
QString numberedRun(int lines, int exitCode) {
    return QStringLiteral("n=$(cat /tmp/run 2>/dev/null || echo 0); n=$((n+1)); echo $n >/tmp/run; "
                          "for i in $(seq 1 %1); do echo \"run $n line $i\"; done; exit %2")
        .arg(lines)
        .arg(exitCode);
}

QString inspect(const QString &container, const QString &format) {
    return docker({QStringLiteral("inspect"), QStringLiteral("-f"), format, container});
}
} // namespace

class TestLogArchiver : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;
    QStringList containers;
    QList<qint64> gitApps;

    QString containerName(const QString &what) {
        const QString name =
            QStringLiteral("mist-archiver-%1-%2").arg(what).arg(QCoreApplication::applicationPid());
        containers << name;
        return name;
    }

    qint64 addApp(ServerFixture &server, const QString &container) {
        store::App app;
        app.name = container;
        app.containerName = container;
        QString error;
        const auto created = server.store().apps().add(app);
        error = created.error();
        if (!created)
            qWarning("addApp: %s", qPrintable(error));
        return created ? created->id : 0;
    }

    // Every entry the archive has for the app, oldest first.
    QJsonArray archived(ServerFixture &server, const QByteArray &session, qint64 appId) {
        server.server().archive().archive()->flush();
        const HttpResult r =
            server.http("GET", QStringLiteral("/api/apps/%1/logs?order=asc&limit=10000").arg(appId),
                        {}, session);
        if (r.status != 200)
            qWarning("GET logs: %d %s", r.status, r.body.constData());
        return r.json()["data"].toObject()["entries"].toArray();
    }

    // Every entry whose text matches `q` (URL-encoded), oldest first, page by page.
    QList<QJsonObject> allEntries(ServerFixture &server, const QByteArray &session, qint64 appId,
                                  const QString &q) {
        server.server().archive().archive()->flush();
        QList<QJsonObject> out;
        QString cursor;
        for (;;) {
            QString path =
                QStringLiteral("/api/apps/%1/logs?order=asc&limit=10000&q=%2").arg(appId).arg(q);
            if (!cursor.isEmpty())
                path +=
                    QStringLiteral("&cursor=") + QString::fromUtf8(QUrl::toPercentEncoding(cursor));
            const HttpResult r = server.http("GET", path, {}, session);
            if (r.status != 200) {
                qWarning("GET logs: %d %s", r.status, r.body.constData());
                return out;
            }
            const QJsonObject data = r.json()["data"].toObject();
            for (const QJsonValue &v : data["entries"].toArray())
                out << v.toObject();
            if (!data["next"].isString())
                return out;
            cursor = data["next"].toString();
        }
    }

    static QStringList lines(const QJsonArray &entries) {
        QStringList out;
        for (const QJsonValue &v : entries)
            if (v.toObject()["kind"].toString() == u"log")
                out << v.toObject()["line"].toString();
        return out;
    }

    static QList<QJsonObject> events(const QJsonArray &entries, const QString &kind) {
        QList<QJsonObject> out;
        for (const QJsonValue &v : entries)
            if (v.toObject()["kind"].toString() == u"event" &&
                v.toObject()["event"].toString() == kind)
                out << v.toObject();
        return out;
    }

    // POST /api/deployments and wait for its success; 0 when it did not succeed.
    qint64 deployAndWait(qint64 appId) {
        const HttpResult r = f->http("POST", QStringLiteral("/api/deployments"),
                                     QStringLiteral("{\"appId\":%1}").arg(appId).toUtf8(), cookie);
        const qint64 id = r.json()["data"].toObject()["id"].toInteger();
        if (!QTest::qWaitFor(
                [&] {
                    return f->http("GET", QStringLiteral("/api/deployments/%1").arg(id), {}, cookie)
                               .json()["data"]
                               .toObject()["status"]
                               .toString() == u"success";
                },
                180000))
            return 0;
        return id;
    }

    qint64 addGitApp(const QString &name, const GitRepo &repo) {
        store::App app;
        app.name = name;
        app.gitUrl = QStringLiteral("file://") + repo.path();
        const auto created = f->store().apps().add(app);
        if (!created) {
            qWarning("addGitApp: %s", qPrintable(created.error()));
            return 0;
        }
        gitApps << created->id;
        return created->id;
    }

    static QStringList expectedRuns(int runs, int lines) {
        QStringList out;
        for (int r = 1; r <= runs; ++r)
            for (int i = 1; i <= lines; ++i)
                out << QStringLiteral("run %1 line %2").arg(r).arg(i);
        return out;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.deployNetwork = QStringLiteral("none"); // the private engine has no bridge
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        QVERIFY(f->server().archiver());
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(f->server().archiver()->engineUp(), 30000);
    }

    void cleanupTestCase() {
        for (const QString &c : std::as_const(containers))
            removeContainer(c);
        for (qint64 id : std::as_const(gitApps)) {
            const QString all =
                docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                        QStringLiteral("label=mist.app.id=%1").arg(id)});
            for (const QString &c : all.split(u'\n', Qt::SkipEmptyParts))
                removeContainer(c);
        }
    }

    // Deploy twice: the first container is gone, its lines are not, tagged
    // with its deployment; the archive says which deployment replaced it.
    void linesOutliveTheirContainer() {
        GitRepo repo;
        const auto dockerfile = [](const QByteArray &version) {
            return "FROM mist-test-base:latest\nRUN echo " + uniqueMarker() +
                   " >/dev/null\nCMD [\"sh\", \"-c\", \"echo " + version +
                   " says hi; while true; do sleep 1; done\"]\n";
        };
        repo.commit({{"Dockerfile", dockerfile("version-1")}}, QStringLiteral("one"));
        store::App app;
        app.name = QStringLiteral("twice");
        app.gitUrl = QStringLiteral("file://") + repo.path();
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        gitApps << created->id;
        const auto deploy = [&]() -> qint64 {
            const HttpResult r =
                f->http("POST", QStringLiteral("/api/deployments"),
                        QStringLiteral("{\"appId\":%1}").arg(created->id).toUtf8(), cookie);
            const qint64 id = r.json()["data"].toObject()["id"].toInteger();
            if (!QTest::qWaitFor(
                    [&] {
                        return f->http("GET", QStringLiteral("/api/deployments/%1").arg(id), {},
                                       cookie)
                                   .json()["data"]
                                   .toObject()["status"]
                                   .toString() == u"success";
                    },
                    180000))
                return 0;
            return id;
        };
        const auto lineEntry = [&](const QString &line) {
            for (const QJsonValue &v : archived(*f, cookie, created->id))
                if (v.toObject()["line"].toString() == line)
                    return v.toObject();
            return QJsonObject();
        };
        const qint64 first = deploy();
        QVERIFY(first > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!lineEntry(QStringLiteral("version-1 says hi")).isEmpty(), 30000);
        const QString firstContainer =
            lineEntry(QStringLiteral("version-1 says hi"))["containerId"].toString();

        repo.commit({{"Dockerfile", dockerfile("version-2")}}, QStringLiteral("two"));
        const qint64 second = deploy();
        QVERIFY(second > first);
        QTRY_VERIFY_WITH_TIMEOUT(!lineEntry(QStringLiteral("version-2 says hi")).isEmpty(), 30000);

        const QJsonArray entries = archived(*f, cookie, created->id);
        QCOMPARE(lineEntry(QStringLiteral("version-1 says hi"))["deploymentId"].toInteger(), first);
        QCOMPARE(lineEntry(QStringLiteral("version-2 says hi"))["deploymentId"].toInteger(),
                 second);
        QCOMPARE(lines(entries).count(QStringLiteral("version-1 says hi")), 1);
        // The first container is gone from the engine ...
        bool ok = true;
        docker({QStringLiteral("inspect"), firstContainer}, &ok);
        QVERIFY(!ok);
        // ... and the archive tells what became of it.
        const auto replaced = events(entries, QStringLiteral("replaced"));
        QCOMPARE(replaced.size(), 1);
        QCOMPARE(replaced[0]["deploymentId"].toInteger(), first);
        QCOMPARE(replaced[0]["newDeploymentId"].toInteger(), second);
        QCOMPARE(replaced[0]["containerId"].toString(), firstContainer);
        QCOMPARE(replaced[0]["line"].toString(),
                 QStringLiteral("replaced by deployment #%1").arg(second));
        QVERIFY(!events(entries, QStringLiteral("removed")).isEmpty());
    }

    // The old container's last words, printed while a deployment stops it,
    // are in the archive by the time the deployment has removed it
    // (docs/ARCHIVE.md, "Deployments"): its SIGTERM trap dumps numbered
    // lines, more than the engine hands over in the second the new
    // container needs to start, and exits.
    void stoppingOutputDrainedBeforeRemoval() {
        constexpr int Byes = 100000;
        GitRepo repo;
        const auto dockerfile = [](const QByteArray &version) {
            return "FROM mist-test-base:latest\nRUN echo " + uniqueMarker() +
                   " >/dev/null\nCMD trap 'seq 1 " + QByteArray::number(Byes) +
                   " | sed \"s/^/bye /\"; exit 0' TERM; echo " + version +
                   " up; while true; do sleep 1 & wait $!; done\n";
        };
        repo.commit({{"Dockerfile", dockerfile("version-1")}}, QStringLiteral("one"));
        const qint64 appId = addGitApp(QStringLiteral("byes"), repo);
        QVERIFY(appId > 0);
        const qint64 first = deployAndWait(appId);
        QVERIFY(first > 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            lines(archived(*f, cookie, appId)).contains(QStringLiteral("version-1 up")), 30000);

        repo.commit({{"Dockerfile", dockerfile("version-2")}}, QStringLiteral("two"));
        const qint64 second = deployAndWait(appId);
        QVERIFY(second > first);
        // Read as soon as the deployment is over.
        const QList<QJsonObject> byes = allEntries(*f, cookie, appId, QStringLiteral("%5Ebye"));
        QCOMPARE(byes.size(), Byes);
        for (int i = 0; i < Byes; ++i) {
            QCOMPARE(byes[i]["line"].toString(), QStringLiteral("bye %1").arg(i + 1));
            QCOMPARE(byes[i]["deploymentId"].toInteger(), first);
        }
    }

    // A drain answers only once the archive holds everything a stopped
    // container printed, here one no hub ever read (its app was added after
    // it stopped, and no sweep has looked yet).
    void drainReadsWhatNoHubRead() {
        const QString name = containerName(QStringLiteral("drain"));
        const QString id = runContainer(name, numberedRun(500, 0)).trimmed();
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(inspect(name, QStringLiteral("{{.State.Status}}")),
                                  QStringLiteral("exited"), 60000);
        const QString fullId = inspect(name, QStringLiteral("{{.Id}}")).trimmed();
        const qint64 appId = addApp(*f, name);
        QVERIFY(appId > 0);
        bool drained = false;
        QObject context;
        f->server().archiver()->drain(appId, fullId, &context, [&] { drained = true; });
        QVERIFY(!drained); // never from inside the call
        QTRY_VERIFY_WITH_TIMEOUT(drained, 30000);
        QCOMPARE(lines(archived(*f, cookie, appId)), expectedRuns(1, 500));
        QCOMPARE(f->server().archiver()->drainsPending(), 0);
    }

    // No one ever opens the container's log socket while it prints numbered
    // lines for a minute: the archive has every one of them, once, in order.
    void minuteWithoutViewerKeptWhole() {
        const QString name = containerName(QStringLiteral("minute"));
        const qint64 appId = addApp(*f, name);
        QVERIFY(appId > 0);
        QVERIFY(!runContainer(name,
                              QStringLiteral(
                                  "i=0; end=$(( $(date +%s) + 60 )); "
                                  "while [ $(date +%s) -lt $end ]; do "
                                  "for j in $(seq 1 50); do i=$((i+1)); echo \"minute $i\"; done; "
                                  "usleep 50000; done; echo \"total $i\"; "
                                  "while true; do sleep 1 & wait $!; done"))
                     .isEmpty());
        QList<QJsonObject> total;
        const bool ended = QTest::qWaitFor(
            [&] {
                QTest::qWait(1000);
                // Nobody watches: only the archiver's own hub reads it.
                if (f->server().containerLogs().clientCount() != 0)
                    return true;
                total = allEntries(*f, cookie, appId, QStringLiteral("%5Etotal"));
                return !total.isEmpty();
            },
            180000);
        QVERIFY(ended);
        QCOMPARE(f->server().containerLogs().clientCount(), 0);
        QCOMPARE(total.size(), 1);
        bool ok = false;
        const int n = total[0]["line"].toString().section(u' ', 1).toInt(&ok);
        QVERIFY2(ok && n > 1000, qPrintable(total[0]["line"].toString()));
        const QList<QJsonObject> numbered =
            allEntries(*f, cookie, appId, QStringLiteral("%5Eminute"));
        QCOMPARE(numbered.size(), n);
        for (int i = 0; i < n; ++i)
            QCOMPARE(numbered[i]["line"].toString(), QStringLiteral("minute %1").arg(i + 1));
    }

    // A worker that prints numbered lines and fails, restarted by its policy
    // five times; no one watches.
    void crashLoopKeptWithoutViewer() {
        const QString name = containerName(QStringLiteral("crash"));
        const qint64 appId = addApp(*f, name);
        QVERIFY(appId > 0);
        QVERIFY(!runContainer(name, numberedRun(20, 3),
                              {QStringLiteral("--restart"), QStringLiteral("on-failure:5")})
                     .isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(
            inspect(name, QStringLiteral("{{.State.Status}} {{.RestartCount}}")),
            QStringLiteral("exited 5"), 120000);

        QJsonArray entries;
        QTRY_VERIFY_WITH_TIMEOUT(
            (entries = archived(*f, cookie, appId),
             lines(entries).size() >= 120 && events(entries, QStringLiteral("died")).size() >= 6),
            30000);
        // Settled: nothing more comes (no second copy from a late reader).
        QTest::qWait(3000);
        entries = archived(*f, cookie, appId);
        QCOMPARE(lines(entries), expectedRuns(6, 20));
        const auto died = events(entries, QStringLiteral("died"));
        const auto restarted = events(entries, QStringLiteral("restarted"));
        QCOMPARE(died.size(), 6);
        QCOMPARE(restarted.size(), 5);
        QCOMPARE(events(entries, QStringLiteral("started")).size(), 1);
        for (const QJsonObject &e : died + restarted)
            QCOMPARE(e["exitCode"].toInt(-1), 3);
        // In order among the lines: run N's lines, its death, the restart.
        int run = 0;
        QString previous;
        for (const QJsonValue &v : std::as_const(entries)) {
            const QJsonObject e = v.toObject();
            const QString what =
                e["kind"].toString() == u"log" ? QStringLiteral("log") : e["event"].toString();
            if (what == u"started" || what == u"restarted") {
                QVERIFY2(previous.isEmpty() || previous == u"died", qPrintable(previous));
                ++run;
            } else if (what == u"log") {
                QVERIFY2(e["line"].toString().startsWith(QStringLiteral("run %1 ").arg(run)),
                         qPrintable(e["line"].toString()));
            }
            previous = what;
            QCOMPARE(e["container"].toString(), name);
        }
        QCOMPARE(run, 6);
    }

    // A container that ran and stopped before its app existed: the sweep
    // reads its log and records how it ended.
    void stoppedContainerCaughtUp() {
        const QString name = containerName(QStringLiteral("stopped"));
        QVERIFY(!runContainer(name, numberedRun(30, 7)).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(inspect(name, QStringLiteral("{{.State.Status}}")),
                                  QStringLiteral("exited"), 60000);
        const qint64 appId = addApp(*f, name);
        QVERIFY(appId > 0);
        QJsonArray entries;
        QTRY_VERIFY_WITH_TIMEOUT(
            (entries = archived(*f, cookie, appId), lines(entries).size() >= 30),
            3 * server::LogArchiver::SweepMs);
        QCOMPARE(lines(entries), expectedRuns(1, 30));
        const auto died = events(entries, QStringLiteral("died"));
        QCOMPARE(died.size(), 1);
        QCOMPARE(died[0]["exitCode"].toInt(), 7);
        // The next sweeps find nothing new to add.
        QTest::qWait(server::LogArchiver::SweepMs + 2000);
        QCOMPARE(archived(*f, cookie, appId).size(), entries.size());
    }

    // Lines printed while the server is down are read from the engine when
    // it is back, once each.
    void linesWhileServerDownBackfilled() {
        QTemporaryDir dir;
        server::ServerConfig config;
        config.dataDir = dir.path();
        const QString name = containerName(QStringLiteral("down"));
        const QString pipe = QStringLiteral("/tmp/say");
        // Prints what is written into its pipe, line by line.
        QVERIFY(!runContainer(name, QStringLiteral("mkfifo %1; echo up; while true; do cat %1; "
                                                   "done")
                                        .arg(pipe))
                     .isEmpty());
        const auto say = [&](int from, int to) {
            bool ok = false;
            docker({QStringLiteral("exec"), name, QStringLiteral("sh"), QStringLiteral("-c"),
                    QStringLiteral("for i in $(seq %1 %2); do echo \"line $i\"; done >%3")
                        .arg(from)
                        .arg(to)
                        .arg(pipe)},
                   &ok);
            return ok;
        };
        qint64 appId = 0;
        {
            ServerFixture first(config);
            QVERIFY2(first.ok(), qPrintable(first.error()));
            first.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
            const QByteArray session = first.login(QStringLiteral("owner@example.com"));
            appId = addApp(first, name);
            QVERIFY(appId > 0);
            QVERIFY(say(1, 100));
            QTRY_VERIFY_WITH_TIMEOUT(lines(archived(first, session, appId)).size() >= 101,
                                     3 * server::LogArchiver::SweepMs);
        }
        QVERIFY(say(101, 300)); // no server at all
        ServerFixture second(config);
        QVERIFY2(second.ok(), qPrintable(second.error()));
        const QByteArray session = second.login(QStringLiteral("owner@example.com"));
        QVERIFY(!session.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(lines(archived(second, session, appId)).size() >= 301, 30000);
        QVERIFY(say(301, 320)); // live again
        QTRY_VERIFY_WITH_TIMEOUT(lines(archived(second, session, appId)).size() >= 321, 30000);
        QTest::qWait(2000);
        QStringList expected{QStringLiteral("up")};
        for (int i = 1; i <= 320; ++i)
            expected << QStringLiteral("line %1").arg(i);
        QCOMPARE(lines(archived(second, session, appId)), expected);
    }
};

QTEST_MAIN(TestLogArchiver)
#include "tst_logarchiver.moc"
