// SPDX-License-Identifier: GPL-3.0-or-later

// Apps that are Docker Swarm services, against the real engine in swarm mode
// (scripts/setup.sh test makes its private engine a single-node swarm): the
// merged log of every task with each line's task and node, exactly the last
// 100 lines overall on connect, a killed task's replacement following on the
// same socket with the status saying so, the service's state in /api/apps,
// and the swarm's figures in /ws/metrics.
#include "TestSupport.h"

#include "archive/LogArchive.h"
#include "server/ArchiveService.h"
#include "server/LogArchiver.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace mist;
using namespace mist::test;

namespace {
bool inSwarm() {
    bool ok = false;
    const QString state =
        docker({QStringLiteral("info"), QStringLiteral("--format"),
                QStringLiteral("{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")},
               &ok);
    return ok && state == u"active true";
}

// `docker service create` of busybox running `script`; waits until `replicas`
// tasks run. Returns the service id (empty on failure).
QString createService(const QString &name, int replicas, const QString &script) {
    bool ok = false;
    const QString id = docker(
        {QStringLiteral("service"), QStringLiteral("create"), QStringLiteral("--quiet"),
         QStringLiteral("--detach"), QStringLiteral("--name"), name, QStringLiteral("--replicas"),
         QString::number(replicas), QStringLiteral("--init"), QStringLiteral("--restart-condition"),
         QStringLiteral("any"), QStringLiteral("mist-test-base:latest"), QStringLiteral("sh"),
         QStringLiteral("-c"), script},
        &ok);
    if (!ok)
        return {};
    WsRecorder wait;
    const bool running = wait.waitFor(
        [&] {
            return docker({QStringLiteral("service"), QStringLiteral("ls"),
                           QStringLiteral("--filter"), QStringLiteral("name=") + name,
                           QStringLiteral("--format"), QStringLiteral("{{.Replicas}}")}) ==
                   QStringLiteral("%1/%1").arg(replicas);
        },
        60000);
    return running ? id.split(u'\n').last().trimmed() : QString();
}

void removeService(const QString &name) {
    docker({QStringLiteral("service"), QStringLiteral("rm"), name});
}

QStringList logLines(const QList<QJsonObject> &messages) {
    QStringList out;
    for (const QJsonObject &m : messages)
        if (m.value(QStringLiteral("type")).toString() == u"log")
            out << m.value(QStringLiteral("data"))
                       .toObject()
                       .value(QStringLiteral("line"))
                       .toString();
    return out;
}
} // namespace

class TestSwarm : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;
    QString prefix;

    qint64 addServiceApp(const QString &service) {
        store::App app;
        app.name = service;
        app.serviceName = service;
        QString error;
        const auto added = f->store().apps().add(app);
        error = added.error();
        return added ? added->id : -1;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        if (!inSwarm())
            QFAIL("the engine is not a swarm manager: run the suite through scripts/setup.sh "
                  "test, or `docker swarm init --advertise-addr 127.0.0.1`");
        server::ServerConfig config;
        config.port = 0;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
        prefix = QStringLiteral("mist-swarm-%1-").arg(QCoreApplication::applicationPid());
    }

    void mergedLogsLast100OverallWithTaskAndNode() {
        const QString name = prefix + QStringLiteral("numbered");
        const auto cleanup = qScopeGuard([&] { removeService(name); });
        // 3 tasks x 60 numbered lines, then quiet.
        const QString id = createService(
            name, 3,
            QStringLiteral("i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo \"$(hostname) n=$i\"; "
                           "sleep 0.01; done; while true; do sleep 1; done"));
        QVERIFY(!id.isEmpty());
        // Every task has printed all its lines.
        WsRecorder wait;
        QVERIFY(wait.waitFor(
            [&] {
                return docker({QStringLiteral("service"), QStringLiteral("logs"),
                               QStringLiteral("--raw"), name})
                           .split(u'\n')
                           .size() >= 180;
            },
            30000));
        const qint64 appId = addServiceApp(name);
        QVERIFY(appId > 0);

        WsRecorder ws;
        QVERIFY(
            ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(appId), cookie));
        QVERIFY(ws.waitFor([&] { return logLines(ws.messages).size() >= 100; }));
        QTest::qWait(500); // nothing beyond the tail may follow
        const QJsonObject status = ws.messages.first();
        QCOMPARE(status.value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        const QJsonObject s = status.value(QStringLiteral("data")).toObject();
        QCOMPARE(s.value(QStringLiteral("container")).toString(), name);
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("3/3 tasks running"));
        QCOMPARE(s.value(QStringLiteral("tasks")).toArray().size(), 3);

        const QList<QJsonObject> logs = ws.ofType(QStringLiteral("log"));
        QCOMPARE(logs.size(), 100);
        // The oracle: the engine's own timestamps of all 180 lines, last 100 by time.
        QList<QPair<QString, QString>> all; // (ts, line)
        for (const QString &row :
             docker({QStringLiteral("service"), QStringLiteral("logs"), QStringLiteral("--raw"),
                     QStringLiteral("--timestamps"), name})
                 .split(u'\n')) {
            const qsizetype space = row.indexOf(u' ');
            if (space > 0)
                all.append({row.left(space), row.mid(space + 1)});
        }
        QCOMPARE(all.size(), 180);
        std::stable_sort(all.begin(), all.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        QStringList expected;
        for (qsizetype i = all.size() - 100; i < all.size(); ++i)
            expected << all[i].second;
        QStringList got = logLines(logs);
        QStringList sortedExpected = expected, sortedGot = got;
        sortedExpected.sort();
        sortedGot.sort();
        QCOMPARE(sortedGot, sortedExpected);

        QSet<QString> tasks;
        QString previousTs;
        for (const QJsonObject &m : logs) {
            const QJsonObject d = m.value(QStringLiteral("data")).toObject();
            QVERIFY(!d.value(QStringLiteral("task")).toString().isEmpty());
            QVERIFY(!d.value(QStringLiteral("node")).toString().isEmpty());
            QVERIFY(!d.value(QStringLiteral("nodeName")).toString().isEmpty());
            QVERIFY(d.value(QStringLiteral("slot")).toInt() >= 1);
            const QString ts = d.value(QStringLiteral("ts")).toString();
            QVERIFY2(ts >= previousTs, "lines in time order");
            previousTs = ts;
            tasks.insert(d.value(QStringLiteral("task")).toString());
        }
        QCOMPARE(tasks.size(), 3);

        // The app list shows the service's state.
        const HttpResult apps = f->http("GET", QStringLiteral("/api/apps"), {}, cookie);
        QCOMPARE(apps.status, 200);
        bool seen = false;
        for (const QJsonValue &v : apps.json().value(QStringLiteral("data")).toArray()) {
            const QJsonObject a = v.toObject();
            if (qint64(a.value(QStringLiteral("id")).toDouble()) != appId)
                continue;
            seen = true;
            QCOMPARE(a.value(QStringLiteral("serviceName")).toString(), name);
            QCOMPARE(a.value(QStringLiteral("containerState")).toString(),
                     QStringLiteral("running"));
            QCOMPARE(a.value(QStringLiteral("containerStatus")).toString(),
                     QStringLiteral("3/3 tasks running"));
        }
        QVERIFY(seen);
    }

    // No viewer: the archive keeps every task's lines, tagged with the task's
    // container, and a task the engine replaces after a kill is followed too.
    void serviceTasksArchivedWithoutViewer() {
        const QString name = prefix + QStringLiteral("archived");
        const auto cleanup = qScopeGuard([&] { removeService(name); });
        QVERIFY(!createService(name, 2,
                               QStringLiteral("i=0; while [ $i -lt 40 ]; do i=$((i+1)); "
                                              "echo \"$(hostname) n=$i\"; done; "
                                              "while true; do sleep 1; done"))
                     .isEmpty());
        const qint64 appId = addServiceApp(name);
        QVERIFY(appId > 0);
        auto archived = [&] {
            f->server().archive().archive()->flush();
            const HttpResult r =
                f->http("GET", QStringLiteral("/api/apps/%1/logs?order=asc&limit=10000").arg(appId),
                        {}, cookie);
            return r.json()["data"].toObject()["entries"].toArray();
        };
        auto logsOf = [](const QJsonArray &entries) {
            QList<QJsonObject> out;
            for (const QJsonValue &v : entries)
                if (v.toObject()["kind"].toString() == u"log")
                    out << v.toObject();
            return out;
        };
        WsRecorder wait;
        QVERIFY(wait.waitFor([&] { return logsOf(archived()).size() >= 80; },
                             3 * server::LogArchiver::SweepMs));
        QTest::qWait(2000); // nothing twice from a late reader
        QList<QJsonObject> logs = logsOf(archived());
        QCOMPARE(logs.size(), 80);
        QSet<QString> lines, containers;
        for (const QJsonObject &e : logs) {
            lines.insert(e["line"].toString());
            containers.insert(e["container"].toString());
            QVERIFY2(e["container"].toString().startsWith(name + u'.'),
                     qPrintable(e["container"].toString()));
        }
        QCOMPARE(lines.size(), 80);
        QCOMPARE(containers.size(), 2);

        // Kill one task: its death is recorded, and the engine's new task is followed.
        const QString killed = *containers.cbegin();
        docker({QStringLiteral("kill"), killed});
        QVERIFY(wait.waitFor([&] { return logsOf(archived()).size() >= 120; }, 60000));
        QTest::qWait(2000);
        const QJsonArray entries = archived();
        logs = logsOf(entries);
        QCOMPARE(logs.size(), 120);
        containers.clear();
        for (const QJsonObject &e : logs)
            containers.insert(e["container"].toString());
        QCOMPARE(containers.size(), 3);
        bool died = false;
        for (const QJsonValue &v : entries) {
            const QJsonObject e = v.toObject();
            if (e["kind"].toString() == u"event" && e["event"].toString() == u"died" &&
                e["container"].toString() == killed)
                died = true;
            QVERIFY2(e["event"].toString() != u"replaced", "a replaced task is no deployment");
        }
        QVERIFY(died);
    }

    void replacedTaskFollowsOnTheSameSocket() {
        const QString name = prefix + QStringLiteral("ticking");
        const auto cleanup = qScopeGuard([&] { removeService(name); });
        QVERIFY(!createService(name, 2,
                               QStringLiteral("i=0; while true; do i=$((i+1)); echo \"tick $i\"; "
                                              "sleep 0.2; done"))
                     .isEmpty());
        const qint64 appId = addServiceApp(name);
        WsRecorder ws;
        QVERIFY(
            ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(appId), cookie));
        auto tasksSeen = [&] {
            QSet<QString> t;
            for (const QJsonObject &m : ws.ofType(QStringLiteral("log")))
                t.insert(m.value(QStringLiteral("data"))
                             .toObject()
                             .value(QStringLiteral("task"))
                             .toString());
            return t;
        };
        QVERIFY(ws.waitFor([&] { return tasksSeen().size() == 2; }));
        const QSet<QString> before = tasksSeen();

        // Kill one task's container: the engine replaces the task.
        const QString victim = *before.begin();
        const QString container =
            docker({QStringLiteral("ps"), QStringLiteral("-q"), QStringLiteral("--filter"),
                    QStringLiteral("label=com.docker.swarm.task.id=") + victim});
        QVERIFY(!container.isEmpty());
        docker({QStringLiteral("kill"), container});

        // Its replacement's lines arrive on this socket, and the status said so.
        QVERIFY(ws.waitFor([&] { return (tasksSeen() - before).size() == 1; }, 60000));
        QVERIFY(!ws.closed);
        // A status with fewer tasks running, then one with both again.
        QVERIFY(ws.waitFor(
            [&] {
                bool degraded = false;
                for (const QJsonObject &m : ws.ofType(QStringLiteral("status"))) {
                    const QJsonObject d = m.value(QStringLiteral("data")).toObject();
                    if (d.value(QStringLiteral("status")).toString() != u"2/2 tasks running")
                        degraded = true;
                    else if (degraded)
                        return true;
                }
                return false;
            },
            30000));
        // The failed task is listed as such.
        const QJsonObject last = ws.ofType(QStringLiteral("status")).last();
        bool victimListed = false;
        for (const QJsonValue &t : last.value(QStringLiteral("data"))
                                       .toObject()
                                       .value(QStringLiteral("tasks"))
                                       .toArray()) {
            const QJsonObject task = t.toObject();
            if (task.value(QStringLiteral("id")).toString() == victim) {
                victimListed = true;
                QCOMPARE(task.value(QStringLiteral("desiredState")).toString(),
                         QStringLiteral("shutdown"));
            }
        }
        QVERIFY(victimListed);
    }

    void missingServiceIsRefused() {
        const qint64 appId = addServiceApp(prefix + QStringLiteral("absent"));
        WsRecorder ws;
        QVERIFY(
            ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(appId), cookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0].value(QStringLiteral("type")).toString(), QStringLiteral("error"));
        QCOMPARE(ws.messages[0]
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString(),
                 QStringLiteral("Service not found"));
    }

    // A git app with replicas deploys as a service: created the first time,
    // then rolled out task by task with progress, and an image whose tasks
    // die makes the engine roll back, which fails the deployment with the
    // engine's message and leaves the previous version running.
    void gitAppRollsOutAsAServiceAndRollsBackABrokenImage() {
        GitRepo repo;
        auto dockerfile = [](const QByteArray &cmd) {
            return QMap<QString, QByteArray>{
                {QStringLiteral("Dockerfile"), "FROM mist-test-base:latest\nCMD " + cmd + "\n"}};
        };
        repo.commit(dockerfile("[\"sh\", \"-c\", \"echo v1; while true; do sleep 1; done\"]"),
                    QStringLiteral("v1"));
        store::App app;
        app.name = prefix + QStringLiteral("git");
        app.gitUrl = QStringLiteral("file://") + repo.path();
        app.replicas = 2;
        QString error;
        const auto added = f->store().apps().add(app);
        error = added.error();
        QVERIFY2(added, qPrintable(error));
        const QString service = QStringLiteral("app-%1").arg(added->id);
        const auto cleanup = qScopeGuard([&] { removeService(service); });

        auto deploy = [&](QList<QJsonObject> *messages) {
            const HttpResult r =
                f->http("POST", QStringLiteral("/api/deployments"),
                        QStringLiteral("{\"appId\":%1}").arg(added->id).toUtf8(), cookie);
            const qint64 id = qint64(r.json()["data"].toObject()["id"].toDouble());
            WsRecorder ws;
            if (!ws.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                         cookie) ||
                !ws.waitForClose(180000))
                return qint64(-1);
            *messages = ws.messages;
            return id;
        };
        auto statusesOf = [](const QList<QJsonObject> &messages) {
            QList<QJsonObject> out;
            for (const QJsonObject &m : messages)
                if (m["type"].toString() == u"status")
                    out << m["data"].toObject();
            return out;
        };
        auto serviceImage = [&] {
            return docker({QStringLiteral("service"), QStringLiteral("inspect"),
                           QStringLiteral("--format"),
                           QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"), service})
                .section(u'@', 0, 0);
        };
        auto replicasRunning = [&] {
            return docker({QStringLiteral("service"), QStringLiteral("ls"),
                           QStringLiteral("--filter"), QStringLiteral("name=") + service,
                           QStringLiteral("--format"), QStringLiteral("{{.Replicas}}")});
        };

        // 1. First deployment: the service is created.
        QList<QJsonObject> first;
        const qint64 d1 = deploy(&first);
        QVERIFY(d1 > 0);
        QList<QJsonObject> st = statusesOf(first);
        QVERIFY(!st.isEmpty());
        QCOMPARE(st.last()["status"].toString(), QStringLiteral("success"));
        QStringList stages;
        for (const QJsonObject &s : st)
            if (stages.isEmpty() || stages.last() != s["stage"].toString())
                stages << s["stage"].toString();
        QVERIFY2(stages.contains(u"stopping_old") && stages.contains(u"starting_new") &&
                     stages.indexOf(u"stopping_old") < stages.indexOf(u"starting_new") &&
                     stages.last() == u"completed",
                 qPrintable(stages.join(u',')));
        QCOMPARE(serviceImage(), QStringLiteral("mist-app-%1:%2").arg(added->id).arg(d1));
        QCOMPARE(replicasRunning(), QStringLiteral("2/2"));

        // 2. A new commit rolls out one task at a time, with progress.
        repo.commit(dockerfile("[\"sh\", \"-c\", \"echo v2; while true; do sleep 1; done\"]"),
                    QStringLiteral("v2"));
        QList<QJsonObject> second;
        const qint64 d2 = deploy(&second);
        QVERIFY(d2 > 0);
        st = statusesOf(second);
        QCOMPARE(st.last()["status"].toString(), QStringLiteral("success"));
        QStringList messages;
        QList<int> progress;
        for (const QJsonObject &s : st) {
            messages << s["message"].toString();
            progress << s["progress"].toInt();
        }
        // The engine moves to the next task as soon as the last one runs, so
        // "1/2" may fall between two polls on a fast machine: what is checked
        // is that the counts seen only go up and end at 2/2.
        QList<int> counts;
        for (const QString &m : std::as_const(messages)) {
            if (m.startsWith(QLatin1String("Rolling out: ")) && m.endsWith(u"/2 tasks updated"))
                counts << m.section(u' ', 2, 2).section(u'/', 0, 0).toInt();
        }
        QVERIFY2(!counts.isEmpty() && counts.last() == 2 &&
                     std::is_sorted(counts.begin(), counts.end()),
                 qPrintable(messages.join(u'|')));
        // Progress follows the rollout: 85 at its start, 99 once every task
        // is updated, 100 when the engine calls the update completed.
        const qsizetype allUpdated =
            messages.indexOf(QStringLiteral("Rolling out: 2/2 tasks updated"));
        QCOMPARE(progress.at(allUpdated), 99);
        QCOMPARE(progress.last(), 100);
        QVERIFY(progress.contains(85));
        QCOMPARE(serviceImage(), QStringLiteral("mist-app-%1:%2").arg(added->id).arg(d2));
        // Its logs are the service's: both new tasks say v2.
        {
            WsRecorder logs;
            QVERIFY(logs.open(
                f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(added->id), cookie));
            QVERIFY(logs.waitFor([&] {
                QSet<QString> tasks;
                for (const QJsonObject &m : logs.ofType(QStringLiteral("log"))) {
                    const QJsonObject d = m["data"].toObject();
                    if (d["line"].toString() == u"v2")
                        tasks.insert(d["task"].toString());
                }
                return tasks.size() == 2;
            }));
            QCOMPARE(logs.messages.first()["data"].toObject()["service"].toString(), service);
        }

        // 3. An image whose tasks die: the engine rolls back; the deployment fails with its words.
        repo.commit(dockerfile("[\"sh\", \"-c\", \"echo broken; exit 3\"]"),
                    QStringLiteral("broken"));
        QList<QJsonObject> third;
        QVERIFY(deploy(&third) > 0);
        st = statusesOf(third);
        const QJsonObject last = st.last();
        QCOMPARE(last["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(last["stage"].toString(), QStringLiteral("starting_new"));
        const QString why = last["error_message"].toString();
        // The engine's own words follow; which of its messages depends on timing ("update
        // rolled back due to failure ..." while it rolls back, "rollback completed (task: ...)"
        // once done), so only their subject is checked.
        const QString prefix = QStringLiteral("Rollout failed, rollback_completed: ");
        QVERIFY2(why.startsWith(prefix) && why.size() > prefix.size() &&
                     why.mid(prefix.size()).contains(QLatin1String("roll"), Qt::CaseInsensitive),
                 qPrintable(why));
        QCOMPARE(serviceImage(), QStringLiteral("mist-app-%1:%2").arg(added->id).arg(d2));
        WsRecorder wait;
        QVERIFY(wait.waitFor([&] { return replicasRunning() == u"2/2"; }, 60000));

        // 4. Cancelled mid-rollout: the engine is asked to roll back, and does.
        repo.commit(dockerfile("[\"sh\", \"-c\", \"echo v4; while true; do sleep 1; done\"]"),
                    QStringLiteral("v4"));
        const HttpResult started =
            f->http("POST", QStringLiteral("/api/deployments"),
                    QStringLiteral("{\"appId\":%1}").arg(added->id).toUtf8(), cookie);
        const qint64 d4 = qint64(started.json()["data"].toObject()["id"].toDouble());
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(d4),
                        cookie));
        QVERIFY(ws.waitFor(
            [&] {
                const auto st4 = statusesOf(ws.messages);
                return !st4.isEmpty() && st4.last()["stage"].toString() == u"starting_new";
            },
            120000));
        QCOMPARE(f->http("POST", QStringLiteral("/api/deployments/%1/cancel").arg(d4), {}, cookie)
                     .status,
                 200);
        QVERIFY(ws.waitForClose(60000));
        QCOMPARE(statusesOf(ws.messages).last()["error_message"].toString(),
                 QStringLiteral("cancelled"));
        QVERIFY(wait.waitFor(
            [&] {
                return serviceImage() == QStringLiteral("mist-app-%1:%2").arg(added->id).arg(d2) &&
                       replicasRunning() == u"2/2";
            },
            60000));
    }

    void metricsCarryTheSwarm() {
        const QString name = prefix + QStringLiteral("counted");
        const auto cleanup = qScopeGuard([&] { removeService(name); });
        QVERIFY(!createService(name, 1, QStringLiteral("while true; do sleep 1; done")).isEmpty());
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QJsonObject swarm;
        QVERIFY(ws.waitFor(
            [&] {
                if (ws.messages.isEmpty())
                    return false;
                swarm = ws.messages.last()
                            .value(QStringLiteral("docker"))
                            .toObject()
                            .value(QStringLiteral("swarm"))
                            .toObject();
                return swarm.value(QStringLiteral("services")).toInt() >= 1 &&
                       swarm.value(QStringLiteral("tasksRunning")).toInt() >= 1;
            },
            30000));
        QCOMPARE(swarm.value(QStringLiteral("nodes")).toInt(), 1);
        QCOMPARE(swarm.value(QStringLiteral("nodesReady")).toInt(), 1);
        // The documented fields stay as they are.
        const QJsonObject dockerFields =
            ws.messages.last().value(QStringLiteral("docker")).toObject();
        QVERIFY(dockerFields.value(QStringLiteral("containers_running")).isDouble());
        QVERIFY(dockerFields.value(QStringLiteral("images")).isDouble());
    }
};

QTEST_GUILESS_MAIN(TestSwarm)
#include "tst_swarm.moc"
