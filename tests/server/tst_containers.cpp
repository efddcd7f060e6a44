// SPDX-License-Identifier: GPL-3.0-or-later

// GET /api/containers (#20, "Discovery"): every container of the private engine, running and
// stopped, with its compose project and the app that adopts it; owner and admin only; a clear
// 503 when the engine is not reached. POST /api/apps adopts a container or creates a git app.
#include "TestSupport.h"

#include "engine/EngineApi.h"
#include "server/rest/Routes.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {

QString uniqueName(const QString &what) {
    return QStringLiteral("mist-containers-%1-%2")
        .arg(what)
        .arg(QCoreApplication::applicationPid());
}

QJsonObject byName(const HttpResult &r, const QString &name) {
    for (const QJsonValue &v : r.json().value(QStringLiteral("data")).toArray())
        if (v.toObject().value(QStringLiteral("name")).toString() == name)
            return v.toObject();
    return {};
}

// JSON written with ' for " (moc misreads raw string literals holding "//").
QByteArray quoted(const char *text) {
    return QByteArray(text).replace('\'', '"');
}

QByteArray json(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestContainers : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray owner, admin, user;
    const QString plain = uniqueName(QStringLiteral("plain"));
    const QString composed = uniqueName(QStringLiteral("composed"));
    const QString adopted = uniqueName(QStringLiteral("adopted"));

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        const ServerFixture::TwoProjects two = f->addTwoProjects();
        owner = two.owner;
        user = two.user;
        f->addUser(QStringLiteral("admin@example.com"), store::Role::Admin);
        admin = f->login(QStringLiteral("admin@example.com"));
        QVERIFY(!owner.isEmpty() && !user.isEmpty() && !admin.isEmpty());
        for (const QString &name : {plain, composed, adopted})
            removeContainer(name);
        QVERIFY(!runContainer(plain, QStringLiteral("sleep 600")).isEmpty());
        QVERIFY(!runContainer(
                     composed, QStringLiteral("true"),
                     {QStringLiteral("--label"), QStringLiteral("com.docker.compose.project=shop")})
                     .isEmpty());
        QVERIFY(!runContainer(adopted, QStringLiteral("sleep 600")).isEmpty());
        bool ok = false;
        docker({QStringLiteral("wait"), composed}, &ok);
        QVERIFY(ok);
    }

    void cleanupTestCase() {
        for (const QString &name : {plain, composed, adopted})
            removeContainer(name);
    }

    // The rows' pure part: which app adopts a container (by name, or by the Swarm service label
    // for service apps) and the compose project.
    void containerRows_data() {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("labels"); // key=value
        QTest::addColumn<qint64>("appId");       // 0: null
        QTest::addColumn<QString>("project");    // empty: null
        const QString compose = QStringLiteral("com.docker.compose.project=");
        const QString swarm = QStringLiteral("com.docker.swarm.service.name=");
        QTest::newRow("plain") << QStringList{"other"} << QStringList{} << qint64(0) << QString();
        QTest::newRow("compose") << QStringList{"db"} << QStringList{compose + "shop"} << qint64(0)
                                 << QStringLiteral("shop");
        QTest::newRow("empty compose label")
            << QStringList{"x"} << QStringList{compose} << qint64(0) << QString();
        QTest::newRow("adopted by name")
            << QStringList{"web"} << QStringList{} << qint64(1) << QString();
        QTest::newRow("adopted, second name")
            << QStringList{"alias", "web"} << QStringList{compose + "p"} << qint64(1)
            << QStringLiteral("p");
        QTest::newRow("git app's app-N")
            << QStringList{"app-2"} << QStringList{} << qint64(2) << QString();
        QTest::newRow("service app's task")
            << QStringList{"api.1.abc"} << QStringList{swarm + "api"} << qint64(3) << QString();
        QTest::newRow("replicated git app's task")
            << QStringList{"app-4.2.xyz"} << QStringList{swarm + "app-4"} << qint64(4) << QString();
        QTest::newRow("task of another service")
            << QStringList{"zzz.1.q"} << QStringList{swarm + "zzz"} << qint64(0) << QString();
        QTest::newRow("service app's name, no label")
            << QStringList{"api"} << QStringList{} << qint64(0) << QString();
        QTest::newRow("replicated app's name, no label")
            << QStringList{"app-4"} << QStringList{} << qint64(0) << QString();
        QTest::newRow("prefix is not a match")
            << QStringList{"web2"} << QStringList{} << qint64(0) << QString();
        QTest::newRow("no names") << QStringList{} << QStringList{} << qint64(0) << QString();
    }
    void containerRows() {
        QFETCH(QStringList, names);
        QFETCH(QStringList, labels);
        QFETCH(qint64, appId);
        QFETCH(QString, project);
        QList<store::App> apps(4);
        apps[0].id = 1;
        apps[0].containerName = QStringLiteral("web");
        apps[1].id = 2;
        apps[1].gitUrl = QStringLiteral("https://example.com/r.git");
        apps[2].id = 3;
        apps[2].serviceName = QStringLiteral("api");
        apps[3].id = 4;
        apps[3].gitUrl = QStringLiteral("https://example.com/s.git");
        apps[3].replicas = 2;
        engine::ContainerSummary c;
        c.id = QStringLiteral("abc123");
        c.names = names;
        c.image = QStringLiteral("nginx:1");
        c.state = QStringLiteral("exited");
        c.status = QStringLiteral("Exited (0) 2 minutes ago");
        for (const QString &l : labels)
            c.labels.insert(l.section(u'=', 0, 0), l.section(u'=', 1));
        const QJsonArray rows = server::containerList({c}, apps);
        QCOMPARE(rows.size(), 1);
        const QJsonObject row = rows.at(0).toObject();
        QCOMPARE(row.keys(),
                 (QStringList{"appId", "id", "image", "name", "project", "state", "status"}));
        QCOMPARE(row.value(QStringLiteral("id")).toString(), c.id);
        QCOMPARE(row.value(QStringLiteral("name")).toString(), names.value(0));
        QCOMPARE(row.value(QStringLiteral("image")).toString(), c.image);
        QCOMPARE(row.value(QStringLiteral("state")).toString(), c.state);
        QCOMPARE(row.value(QStringLiteral("status")).toString(), c.status);
        if (appId)
            QCOMPARE(row.value(QStringLiteral("appId")).toDouble(), double(appId));
        else
            QVERIFY(row.value(QStringLiteral("appId")).isNull());
        if (project.isEmpty())
            QVERIFY(row.value(QStringLiteral("project")).isNull());
        else
            QCOMPARE(row.value(QStringLiteral("project")).toString(), project);
    }

    void listsRunningAndStoppedWithProject() {
        const HttpResult r = f->http("GET", QStringLiteral("/api/containers"), {}, owner);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QStringLiteral("data")).isArray());
        const QJsonObject p = byName(r, plain);
        QCOMPARE(p.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QVERIFY(p.value(QStringLiteral("status")).toString().startsWith(QStringLiteral("Up")));
        QVERIFY(p.value(QStringLiteral("image"))
                    .toString()
                    .startsWith(QStringLiteral("mist-test-base")));
        QCOMPARE(p.value(QStringLiteral("id")).toString(),
                 docker({QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.Id}}"),
                         plain}));
        QVERIFY(p.value(QStringLiteral("project")).isNull());
        QVERIFY(p.value(QStringLiteral("appId")).isNull());

        const QJsonObject c = byName(r, composed);
        QCOMPARE(c.value(QStringLiteral("state")).toString(), QStringLiteral("exited"));
        QVERIFY(c.value(QStringLiteral("status")).toString().startsWith(QStringLiteral("Exited")));
        QCOMPARE(c.value(QStringLiteral("project")).toString(), QStringLiteral("shop"));
        QVERIFY(c.value(QStringLiteral("appId")).isNull());
    }

    void adoptedContainerCarriesAppId() {
        const HttpResult add = f->http("POST", QStringLiteral("/api/apps"),
                                       json({{QStringLiteral("name"), QStringLiteral("web")},
                                             {QStringLiteral("project"), QStringLiteral("gamma")},
                                             {QStringLiteral("container"), adopted}}),
                                       owner);
        QCOMPARE(add.status, 201);
        const QJsonObject app = add.json().value(QStringLiteral("data")).toObject();
        QCOMPARE(app.value(QStringLiteral("containerName")).toString(), adopted);
        QCOMPARE(app.value(QStringLiteral("projectName")).toString(), QStringLiteral("gamma"));
        const HttpResult r = f->http("GET", QStringLiteral("/api/containers"), {}, admin);
        QCOMPARE(r.status, 200);
        QCOMPARE(byName(r, adopted).value(QStringLiteral("appId")).toDouble(),
                 app.value(QStringLiteral("id")).toDouble());
        QVERIFY(byName(r, plain).value(QStringLiteral("appId")).isNull());
        // The app's container state shows in the app list too.
        const HttpResult apps = f->http("GET", QStringLiteral("/api/apps"), {}, owner);
        bool found = false;
        for (const QJsonValue &v : apps.json().value(QStringLiteral("data")).toArray())
            if (v.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("web")) {
                found = true;
                QCOMPARE(v.toObject().value(QStringLiteral("containerState")).toString(),
                         QStringLiteral("running"));
            }
        QVERIFY(found);
    }

    void permissions() {
        QCOMPARE(f->http("GET", QStringLiteral("/api/containers")).status, 401);
        QCOMPARE(f->http("GET", QStringLiteral("/api/containers"), {}, "not-a-session").status,
                 401);
        const HttpResult u = f->http("GET", QStringLiteral("/api/containers"), {}, user);
        QCOMPARE(u.status, 403);
        QVERIFY(!u.body.contains(plain.toUtf8()));
        QCOMPARE(f->http("GET", QStringLiteral("/api/containers"), {}, admin).status, 200);
        // A user may not adopt either.
        QCOMPARE(f->http("POST", QStringLiteral("/api/apps"),
                         json({{QStringLiteral("name"), QStringLiteral("mine")},
                               {QStringLiteral("container"), plain}}),
                         user)
                     .status,
                 403);
    }

    void hostileQueriesAndPaths_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::newRow("engine filter smuggled")
            << QStringLiteral(
                   "/api/containers?filters=%7B%22name%22%3A%5B%22nothing%22%5D%7D&all=0")
            << 200;
        QTest::newRow("nul and junk") << QStringLiteral("/api/containers?%00=%ff&&&=") << 200;
        QTest::newRow("huge query")
            << QStringLiteral("/api/containers?x=") + QString(6000, u'a') << 200;
        QTest::newRow("id segment") << QStringLiteral("/api/containers/") + plain << 404;
        QTest::newRow("encoded slash") << QStringLiteral("/api/containers%2F..%2Fapps") << 404;
        QTest::newRow("trailing slash") << QStringLiteral("/api/containers/") << 404;
    }
    void hostileQueriesAndPaths() {
        QFETCH(QString, path);
        QFETCH(int, status);
        const HttpResult r = f->http("GET", path, {}, owner);
        QCOMPARE(r.status, status);
        if (status == 200) {
            // The query changes nothing: the whole list, stopped containers included.
            QVERIFY(!byName(r, plain).isEmpty());
            QVERIFY(!byName(r, composed).isEmpty());
        }
        QCOMPARE(f->http("POST", QStringLiteral("/api/containers"), "{}", owner).status, 405);
    }

    void createsGitApp() {
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/apps"),
                    json({{QStringLiteral("name"), QStringLiteral("site")},
                          {QStringLiteral("project"), QStringLiteral("gamma")},
                          {QStringLiteral("git"), QStringLiteral("https://example.com/site.git")},
                          {QStringLiteral("branch"), QStringLiteral("release")},
                          {QStringLiteral("dockerfile"), QStringLiteral("docker/Dockerfile")},
                          {QStringLiteral("port"), 8080}}),
                    admin);
        QCOMPARE(r.status, 201);
        const QJsonObject app = r.json().value(QStringLiteral("data")).toObject();
        QCOMPARE(app.value(QStringLiteral("gitUrl")).toString(),
                 QStringLiteral("https://example.com/site.git"));
        QCOMPARE(app.value(QStringLiteral("gitBranch")).toString(), QStringLiteral("release"));
        QCOMPARE(app.value(QStringLiteral("dockerfile")).toString(),
                 QStringLiteral("docker/Dockerfile"));
        QCOMPARE(app.value(QStringLiteral("port")).toInt(), 8080);
        QVERIFY(app.value(QStringLiteral("containerName")).isNull());
        // The same name in the same project again: a conflict.
        QCOMPARE(f->http("POST", QStringLiteral("/api/apps"),
                         json({{QStringLiteral("name"), QStringLiteral("site")},
                               {QStringLiteral("project"), QStringLiteral("gamma")},
                               {QStringLiteral("git"), QStringLiteral("https://example.com/x")}}),
                         admin)
                     .status,
                 409);
    }

    void badAppBodies_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("{name");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("no source") << quoted("{'name':'x'}");
        QTest::newRow("container and git")
            << quoted("{'name':'x','container':'c','git':'https://e.com/r'}");
        QTest::newRow("hostile container") << quoted("{'name':'x','container':'../../etc'}");
        QTest::newRow("container with git fields")
            << quoted("{'name':'x','container':'c','branch':'main'}");
        QTest::newRow("name not a string") << quoted("{'name':5,'container':'c'}");
        QTest::newRow("port as text") << quoted("{'name':'x','git':'https://e.com/r','port':'80'}");
        QTest::newRow("port too big")
            << quoted("{'name':'x','git':'https://e.com/r','port':70000}");
        QTest::newRow("git not a URL") << quoted("{'name':'x','git':'--upload-pack=sh'}");
        QTest::newRow("hostile branch")
            << quoted("{'name':'x','git':'https://e.com/r','branch':'-x'}");
        QTest::newRow("huge name")
            << (QByteArray("{\"container\":\"c\",\"name\":\"") + QByteArray(100000, 'n') + "\"}");
    }
    void badAppBodies() {
        QFETCH(QByteArray, body);
        const int before = f->http("GET", QStringLiteral("/api/apps"), {}, owner)
                               .json()
                               .value(QStringLiteral("data"))
                               .toArray()
                               .size();
        const HttpResult r = f->http("POST", QStringLiteral("/api/apps"), body, owner);
        QVERIFY2(r.status == 400 || r.status == 413, r.body.constData());
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps"), {}, owner)
                     .json()
                     .value(QStringLiteral("data"))
                     .toArray()
                     .size(),
                 before);
    }

    // With the engine unreachable: 503 and the reason, not an empty list; the apps still list.
    void engineDown() {
        server::ServerConfig config;
        config.dockerHost = QStringLiteral("unix:///nonexistent/mist-no-engine.sock");
        ServerFixture down(config);
        QVERIFY2(down.ok(), qPrintable(down.error()));
        down.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
        const QByteArray cookie = down.login(QStringLiteral("o@example.com"));
        QVERIFY(!cookie.isEmpty());
        const HttpResult r = down.http("GET", QStringLiteral("/api/containers"), {}, cookie);
        QCOMPARE(r.status, 503);
        QVERIFY2(r.json()
                     .value(QStringLiteral("error"))
                     .toString()
                     .startsWith(QStringLiteral("Docker engine unavailable: ")),
                 r.body.constData());
        QCOMPARE(down.http("GET", QStringLiteral("/api/apps"), {}, cookie).status, 200);
    }
};

QTEST_MAIN(TestContainers)
#include "tst_containers.moc"
