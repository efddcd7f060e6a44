// SPDX-License-Identifier: GPL-3.0-or-later

// POST /api/apps/{id}/start|stop|restart against the real engine: the app's container stops,
// starts and restarts (a new StartedAt), the answer carries the state the engine then reports;
// only owners and admins may; an app without a container, an unreachable engine and a second
// action while one runs are refused clearly; a Swarm service app scales to 0 and back and gets
// new tasks on restart.
#include "TestSupport.h"
#include "server/rest/Routes.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QTest>

#include <memory>

using namespace mist;
using namespace mist::test;

namespace {
QString inspect(const QString &name, const QString &format) {
    return docker({QStringLiteral("inspect"), QStringLiteral("--format"), format, name});
}
QString stateOf(const QString &name) {
    return inspect(name, QStringLiteral("{{.State.Status}}"));
}
QString serviceReplicas(const QString &name) {
    return docker({QStringLiteral("service"), QStringLiteral("ls"), QStringLiteral("--filter"),
                   QStringLiteral("name=") + name, QStringLiteral("--format"),
                   QStringLiteral("{{.Replicas}}")});
}
bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 60000) {
    WsRecorder wait;
    return wait.waitFor(predicate, timeoutMs);
}
QJsonObject data(const HttpResult &r) {
    return r.json().value(QStringLiteral("data")).toObject();
}
QString errorOf(const HttpResult &r) {
    return r.json().value(QStringLiteral("error")).toString();
}
} // namespace

class TestAppActions : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    ServerFixture::TwoProjects two;
    QString prefix;

    qint64 addApp(const QString &container, const QString &project = QStringLiteral("alpha")) {
        store::App app;
        app.name = container;
        app.projectName = project;
        app.containerName = container;
        const auto added = f->store().apps().add(app);
        return added ? added->id : -1;
    }
    HttpResult post(qint64 app, const QString &action, const QByteArray &cookie) {
        return f->http("POST", QStringLiteral("/api/apps/%1/%2").arg(app).arg(action), {}, cookie);
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        config.actionStopSeconds = 2;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        two = f->addTwoProjects();
        QVERIFY(!two.owner.isEmpty() && !two.user.isEmpty());
        prefix = QStringLiteral("mist-actions-%1-").arg(QCoreApplication::applicationPid());
    }

    void stopStartRestartTheContainer() {
        const QString name = prefix + QStringLiteral("web");
        const auto cleanup = qScopeGuard([&] { removeContainer(name); });
        QVERIFY(!runContainer(name, QStringLiteral("while true; do sleep 1; done")).isEmpty());
        const qint64 app = addApp(name);
        QVERIFY(app > 0);

        HttpResult r = post(app, QStringLiteral("stop"), two.owner);
        QCOMPARE(r.status, 200);
        QCOMPARE(data(r).value(QStringLiteral("state")).toString(), QStringLiteral("exited"));
        QCOMPARE(data(r).value(QStringLiteral("appId")).toInteger(), app);
        QCOMPARE(stateOf(name), QStringLiteral("exited"));
        QCOMPARE(data(r).value(QStringLiteral("finishedAt")).toString(),
                 inspect(name, QStringLiteral("{{.State.FinishedAt}}")));

        r = post(app, QStringLiteral("start"), two.owner);
        QCOMPARE(r.status, 200);
        QCOMPARE(data(r).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(stateOf(name), QStringLiteral("running"));
        const QString startedAt = inspect(name, QStringLiteral("{{.State.StartedAt}}"));
        QCOMPARE(data(r).value(QStringLiteral("startedAt")).toString(), startedAt);

        // Starting a running container again is not an error.
        QCOMPARE(post(app, QStringLiteral("start"), two.owner).status, 200);

        r = post(app, QStringLiteral("restart"), two.owner);
        QCOMPARE(r.status, 200);
        QCOMPARE(data(r).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        const QString restartedAt = inspect(name, QStringLiteral("{{.State.StartedAt}}"));
        QVERIFY(restartedAt != startedAt);
        QCOMPARE(data(r).value(QStringLiteral("startedAt")).toString(), restartedAt);
    }

    // GET /api/apps carries the times a client words the status from (issue #20 item 8).
    void appListCarriesTheTimes() {
        const QString name = prefix + QStringLiteral("timed");
        const auto cleanup = qScopeGuard([&] { removeContainer(name); });
        QVERIFY(!runContainer(name, QStringLiteral("sleep 0.2; exit 3")).isEmpty());
        QVERIFY(waitFor([&] { return stateOf(name) == u"exited"; }));
        const qint64 app = addApp(name);
        const qint64 none = addApp(prefix + QStringLiteral("timeless"));
        QVERIFY(app > 0 && none > 0);
        const HttpResult r = f->http("GET", QStringLiteral("/api/apps"), {}, two.owner);
        QCOMPARE(r.status, 200);
        QJsonObject timed, timeless;
        for (const QJsonValue &v : r.json().value(QStringLiteral("data")).toArray()) {
            const qint64 id = v.toObject().value(QStringLiteral("id")).toInteger();
            if (id == app)
                timed = v.toObject();
            if (id == none)
                timeless = v.toObject();
        }
        QCOMPARE(timed.value(QStringLiteral("containerState")).toString(),
                 QStringLiteral("exited"));
        QCOMPARE(timed.value(QStringLiteral("containerStartedAt")).toString(),
                 inspect(name, QStringLiteral("{{.State.StartedAt}}")));
        QCOMPARE(timed.value(QStringLiteral("containerFinishedAt")).toString(),
                 inspect(name, QStringLiteral("{{.State.FinishedAt}}")));
        QCOMPARE(timed.value(QStringLiteral("containerExitCode")).toInt(-1), 3);
        for (const char *key : {"containerStartedAt", "containerFinishedAt", "containerExitCode"})
            QVERIFY2(timeless.value(QLatin1String(key)).isNull(), key);
    }

    // One listing inspects at most AppListMaxInspected containers: past that, nulls.
    void appListInspectsABoundedNumber() {
        const int count = server::AppListMaxInspected + 2;
        const QString base = prefix + QStringLiteral("many-");
        const auto cleanup = qScopeGuard([&] {
            QProcess rm;
            rm.start(QStringLiteral("sh"),
                     {QStringLiteral("-c"),
                      QStringLiteral("docker ps -aq --filter name=%1 | xargs -r docker rm -f")
                          .arg(base)});
            rm.waitForFinished(120000);
        });
        QProcess create;
        create.start(QStringLiteral("sh"),
                     {QStringLiteral("-c"),
                      QStringLiteral("seq 1 %1 | xargs -P 8 -I N docker create --name %2N "
                                     "--network none mist-test-base:latest true >/dev/null")
                          .arg(count)
                          .arg(base)});
        QVERIFY(create.waitForFinished(180000));
        QCOMPARE(create.exitCode(), 0);
        QSet<qint64> ids;
        for (int i = 1; i <= count; ++i)
            ids.insert(addApp(base + QString::number(i), QStringLiteral("beta")));
        QVERIFY(!ids.contains(-1));
        const HttpResult r = f->http("GET", QStringLiteral("/api/apps"), {}, two.owner);
        QCOMPARE(r.status, 200);
        int inspected = 0, listed = 0;
        for (const QJsonValue &v : r.json().value(QStringLiteral("data")).toArray()) {
            const QJsonObject o = v.toObject();
            if (!ids.contains(o.value(QStringLiteral("id")).toInteger()))
                continue;
            ++listed;
            QCOMPARE(o.value(QStringLiteral("containerState")).toString(),
                     QStringLiteral("created"));
            if (!o.value(QStringLiteral("containerStartedAt")).isNull())
                ++inspected;
        }
        QCOMPARE(listed, count);
        // Earlier tests removed their containers: these are the only ones to inspect.
        QCOMPARE(inspected, server::AppListMaxInspected);
    }

    void onlyOwnersAndAdmins() {
        const QString name = prefix + QStringLiteral("guarded");
        const auto cleanup = qScopeGuard([&] { removeContainer(name); });
        QVERIFY(!runContainer(name, QStringLiteral("while true; do sleep 1; done")).isEmpty());
        const qint64 app = addApp(name);
        const qint64 other = addApp(prefix + QStringLiteral("elsewhere"), QStringLiteral("beta"));
        QVERIFY(app > 0 && other > 0);
        f->addUser(QStringLiteral("admin@example.com"), store::Role::Admin);
        const QByteArray admin = f->login(QStringLiteral("admin@example.com"));
        QVERIFY(!admin.isEmpty());

        for (const QString &action :
             {QStringLiteral("start"), QStringLiteral("stop"), QStringLiteral("restart")}) {
            const HttpResult member = post(app, action, two.user);
            QCOMPARE(member.status, 403);
            QCOMPARE(errorOf(member),
                     QStringLiteral("Only owners and admins may start, stop or restart apps"));
            QCOMPARE(post(other, action, two.user).status, 403); // not even visible
            QCOMPARE(post(app, action, {}).status, 401);
            QCOMPARE(post(app, action, "mist_token=forged").status, 401);
            QCOMPARE(post(999999999, action, two.owner).status, 404);
        }
        QCOMPARE(stateOf(name), QStringLiteral("running"));
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps/%1/stop").arg(app), {}, two.owner).status,
                 405);
        // An admin may.
        const HttpResult r = post(app, QStringLiteral("stop"), admin);
        QCOMPARE(r.status, 200);
        QCOMPARE(stateOf(name), QStringLiteral("exited"));
    }

    void hostileIdsAreRefused_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("status");
        QTest::newRow("letters") << QStringLiteral("abc") << 400;
        QTest::newRow("negative") << QStringLiteral("-1") << 400;
        QTest::newRow("zero") << QStringLiteral("0") << 400;
        QTest::newRow("hex") << QStringLiteral("0x10") << 400;
        QTest::newRow("huge") << QStringLiteral("99999999999999999999999999") << 400;
        QTest::newRow("dots") << QStringLiteral("..") << 404; // no such route
        QTest::newRow("encoded slash") << QStringLiteral("1%2F..%2F2") << 404;
        QTest::newRow("quote") << QStringLiteral("1'%20OR%201=1") << 400;
        QTest::newRow("long") << QString(5000, u'7') << 400;
    }
    void hostileIdsAreRefused() {
        QFETCH(QString, id);
        QFETCH(int, status);
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/apps/%1/stop").arg(id), {}, two.owner);
        QCOMPARE(r.status, status);
    }

    void appWithoutContainerIs409() {
        const qint64 app = addApp(prefix + QStringLiteral("never-created"));
        QVERIFY(app > 0);
        for (const QString &action :
             {QStringLiteral("start"), QStringLiteral("stop"), QStringLiteral("restart")}) {
            const HttpResult r = post(app, action, two.owner);
            QCOMPARE(r.status, 409);
            QVERIFY2(errorOf(r).contains(QStringLiteral("has no container")),
                     qPrintable(errorOf(r)));
        }
    }

    // A container that ignores SIGTERM holds its stop for actionStopSeconds (then the engine
    // kills it): meanwhile a second action on the app is refused, afterwards taken again.
    void oneActionPerAppAtATime() {
        const QString name = prefix + QStringLiteral("stubborn");
        const auto cleanup = qScopeGuard([&] { removeContainer(name); });
        QVERIFY(!runContainer(name, QStringLiteral("trap '' TERM; while true; do sleep 1; done"))
                     .isEmpty());
        const qint64 app = addApp(name);
        QVERIFY(app > 0);

        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/apps/%2/stop").arg(f->port()).arg(app)));
        request.setRawHeader("Cookie", "mist_token=" + two.owner);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QElapsedTimer clock;
        clock.start();
        std::unique_ptr<QNetworkReply> first(nam.post(request, QByteArray()));
        pump(700);
        QVERIFY(!first->isFinished());
        const HttpResult second = post(app, QStringLiteral("start"), two.owner);
        QCOMPARE(second.status, 409);
        QCOMPARE(errorOf(second), QStringLiteral("Action in progress"));
        QVERIFY(waitFor([&] { return first->isFinished(); }, 30000));
        const qint64 took = clock.elapsed();
        QCOMPARE(first->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY2(took >= 1800 && took < 15000, qPrintable(QString::number(took)));
        QCOMPARE(stateOf(name), QStringLiteral("exited"));
        QCOMPARE(inspect(name, QStringLiteral("{{.State.ExitCode}}")), QStringLiteral("137"));
        // The slot is free again.
        QCOMPARE(post(app, QStringLiteral("start"), two.owner).status, 200);
    }

    void unreachableEngineIsSaid() {
        server::ServerConfig config;
        config.port = 0;
        config.dockerHost = QStringLiteral("unix:///nonexistent/mist-actions.sock");
        ServerFixture g(config);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        g.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QByteArray owner = g.login(QStringLiteral("owner@example.com"));
        store::App a;
        a.name = QStringLiteral("lost");
        a.containerName = QStringLiteral("lost");
        const auto app = g.store().apps().add(a);
        QVERIFY(app);
        const HttpResult r =
            g.http("POST", QStringLiteral("/api/apps/%1/restart").arg(app->id), {}, owner);
        QCOMPARE(r.status, 502);
        QVERIFY2(errorOf(r).startsWith(QStringLiteral("Docker engine unreachable")),
                 qPrintable(errorOf(r)));
    }

    void serviceScalesToZeroAndBack() {
        bool ok = false;
        if (docker({QStringLiteral("info"), QStringLiteral("--format"),
                    QStringLiteral("{{.Swarm.ControlAvailable}}")},
                   &ok) != u"true")
            QFAIL("the engine is not a swarm manager: scripts/test-dockerd.sh swarm DIR");
        const QString name = prefix + QStringLiteral("svc");
        const auto cleanup = qScopeGuard([&] {
            docker({QStringLiteral("service"), QStringLiteral("rm"), name});
        });
        docker({QStringLiteral("service"), QStringLiteral("create"), QStringLiteral("--quiet"),
                QStringLiteral("--detach"), QStringLiteral("--name"), name,
                QStringLiteral("--replicas"), QStringLiteral("2"), QStringLiteral("--init"),
                QStringLiteral("mist-test-base:latest"), QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("while true; do sleep 1; done")},
               &ok);
        QVERIFY(ok);
        QVERIFY(waitFor([&] { return serviceReplicas(name) == u"2/2"; }));
        store::App a;
        a.name = name;
        a.projectName = QStringLiteral("alpha");
        a.serviceName = name;
        const auto app = f->store().apps().add(a);
        QVERIFY(app);

        HttpResult r = post(app->id, QStringLiteral("stop"), two.owner);
        QCOMPARE(r.status, 200);
        QCOMPARE(data(r).value(QStringLiteral("replicas")).toInt(), 0);
        QVERIFY(waitFor([&] { return serviceReplicas(name) == u"0/0"; }));
        QCOMPARE(post(app->id, QStringLiteral("start"), two.user).status, 403);

        r = post(app->id, QStringLiteral("start"), two.owner);
        QCOMPARE(r.status, 200);
        QCOMPARE(data(r).value(QStringLiteral("replicas")).toInt(), 2); // as before the stop
        QVERIFY(waitFor([&] { return serviceReplicas(name) == u"2/2"; }));

        const QString force = QStringLiteral("{{.Spec.TaskTemplate.ForceUpdate}}");
        const int before = docker({QStringLiteral("service"), QStringLiteral("inspect"),
                                   QStringLiteral("--format"), force, name})
                               .toInt();
        r = post(app->id, QStringLiteral("restart"), two.owner);
        QCOMPARE(r.status, 200);
        QCOMPARE(docker({QStringLiteral("service"), QStringLiteral("inspect"),
                         QStringLiteral("--format"), force, name})
                     .toInt(),
                 before + 1);
        QVERIFY(waitFor([&] { return serviceReplicas(name) == u"2/2"; }));
    }
};

QTEST_GUILESS_MAIN(TestAppActions)
#include "tst_appactions.moc"
