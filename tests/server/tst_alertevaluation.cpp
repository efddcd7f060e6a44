// SPDX-License-Identifier: GPL-3.0-or-later

// The rules evaluated by a real server on loopback against the private
// engine, delivered to a real HTTP receiver and to /ws/alerts: a container
// exiting with code 3, a host metric rule fired then cleared by a new
// threshold, a log rule on a container printing matching lines, the
// cooldown, who gets what on /ws/alerts, and the log windows' bound.

#include "AlertReceiver.h"
#include "TestSupport.h"

#include "server/AlertEvaluator.h"
#include "server/AppStatsService.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {

QString uniqueName(const QString &what) {
    return QStringLiteral("mist-alerteval-%1-%2").arg(what).arg(QCoreApplication::applicationPid());
}

QByteArray json(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject body(const AlertReceiver::Request &r) {
    return QJsonDocument::fromJson(r.body).object();
}

// The receiver's bodies of one rule.
QList<QJsonObject> bodiesOf(const AlertReceiver &receiver, qint64 ruleId) {
    QList<QJsonObject> out;
    for (const AlertReceiver::Request &r : receiver.requests)
        if (body(r).value(QStringLiteral("ruleId")).toInteger() == ruleId)
            out.append(body(r));
    return out;
}

// The `data` of the socket's alert messages of one rule.
QList<QJsonObject> alertsOf(const WsRecorder &ws, qint64 ruleId) {
    QList<QJsonObject> out;
    for (const QJsonObject &m : ws.ofType(QStringLiteral("alert"))) {
        const QJsonObject data = m.value(QStringLiteral("data")).toObject();
        if (data.value(QStringLiteral("ruleId")).toInteger() == ruleId)
            out.append(data);
    }
    return out;
}

} // namespace

class TestAlertEvaluation : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    ServerFixture::TwoProjects two;
    AlertReceiver receiver;
    qint64 channel = 0;
    QStringList m_containers;

    qint64 addApp(const QString &name, const QString &container, const QString &project) {
        const HttpResult r = f->http("POST", QStringLiteral("/api/apps"),
                                     json({{QStringLiteral("name"), name},
                                           {QStringLiteral("project"), project},
                                           {QStringLiteral("container"), container}}),
                                     two.owner);
        return r.status == 201 ? r.json()["data"].toObject()["id"].toInteger() : 0;
    }
    QString run(const QString &what, const QString &script, const QStringList &extra = {}) {
        const QString name = uniqueName(what);
        m_containers << name;
        return runContainer(name, script, extra).isEmpty() ? QString() : name;
    }
    qint64 addRule(QJsonObject rule) {
        rule.insert(QStringLiteral("channels"), QJsonArray{channel});
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/alerts/rules"), json(rule), two.owner);
        if (r.status != 201)
            qWarning() << "rule refused:" << r.body;
        return r.status == 201 ? r.json()["data"].toObject()["id"].toInteger() : 0;
    }
    // An event rule of one app (cooldown 0), its id.
    qint64 eventRule(qint64 app, const QString &event, QJsonObject extra = {}) {
        extra.insert(QStringLiteral("name"), event);
        extra.insert(QStringLiteral("kind"), QStringLiteral("event"));
        extra.insert(QStringLiteral("appId"), app);
        extra.insert(QStringLiteral("event"), event);
        extra.insert(QStringLiteral("cooldownSeconds"), 0);
        return addRule(extra);
    }
    // Until the receiver has `count` bodies of the rule.
    bool received(qint64 ruleId, int count, int timeoutMs = 30000) {
        return QTest::qWaitFor([&] { return bodiesOf(receiver, ruleId).size() >= count; },
                               timeoutMs);
    }
    // Until the app statistics know the app's container as running.
    bool tracked(qint64 appId) {
        return QTest::qWaitFor(
            [&] {
                for (const server::AppStats &a : f->server().appStats().latest().apps)
                    if (a.appId == appId && a.state == QStringLiteral("running"))
                        return true;
                return false;
            },
            20000);
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        two = f->addTwoProjects();
        QVERIFY(two.alphaApp > 0 && !two.owner.isEmpty() && !two.user.isEmpty());
        QVERIFY(receiver.listen());
    }
    // A channel of its own for each test: the per-channel rate cap (20 a minute) must not
    // hold one test's messages back behind another's.
    void init() {
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/alerts/channels"),
                    json({{QStringLiteral("name"), QStringLiteral("hook")},
                          {QStringLiteral("kind"), QStringLiteral("webhook")},
                          {QStringLiteral("url"), receiver.url(QStringLiteral("/hook"))}}),
                    two.owner);
        QCOMPARE(r.status, 201);
        channel = r.json()["data"].toObject()["id"].toInteger();
    }
    void cleanupTestCase() {
        for (const QString &c : std::as_const(m_containers))
            removeContainer(c);
    }

    void strangersGet401BeforeUpgrade();
    void containerDiedWithCooldown();
    void hostMetricFiresAndResolves();
    void logRule();
    void restartLoop();
    void unhealthyThenHealthy();
    void oomKilled();
    void deploymentFailed();
    void appMetricResolvesWhenStopped();
    void manyLogRulesBounded();
};

void TestAlertEvaluation::strangersGet401BeforeUpgrade() {
    QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/alerts"), {}), 401);
    QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/alerts"), "mist_token=forged"), 401);
    QCOMPARE(f->http("GET", QStringLiteral("/ws/alerts"), {}, two.owner).status, 426);
    // A pattern RE2 would need more than 8 MiB for is refused when the rule is written.
    const HttpResult hostile =
        f->http("POST", QStringLiteral("/api/alerts/rules"),
                json({{QStringLiteral("name"), QStringLiteral("x")},
                      {QStringLiteral("kind"), QStringLiteral("log")},
                      {QStringLiteral("appId"), two.alphaApp},
                      {QStringLiteral("pattern"), QStringLiteral("((a{100}){100}){100}")}}),
                two.owner);
    QCOMPARE(hostile.status, 400);
    QCOMPARE(hostile.json().value(QStringLiteral("error")).toString(),
             QStringLiteral("Invalid pattern"));
}

// An app of project beta (the user is no member) whose container exits with
// code 3, twice: the rule with the default cooldown sends one firing, the
// one without sends two; the owner's socket gets them, the user's nothing.
void TestAlertEvaluation::containerDiedWithCooldown() {
    const QString name = run(QStringLiteral("dies"), QStringLiteral("while [ ! -f /tmp/go ]; do "
                                                                    "sleep 0.1; done; rm /tmp/go; "
                                                                    "exit 3"));
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("dies"), name, QStringLiteral("beta"));
    QVERIFY(app > 0);
    const qint64 once = addRule({{QStringLiteral("name"), QStringLiteral("died once")},
                                 {QStringLiteral("kind"), QStringLiteral("event")},
                                 {QStringLiteral("appId"), app},
                                 {QStringLiteral("event"), QStringLiteral("container_died")},
                                 {QStringLiteral("severity"), QStringLiteral("critical")}});
    const qint64 every = addRule({{QStringLiteral("name"), QStringLiteral("died always")},
                                  {QStringLiteral("kind"), QStringLiteral("event")},
                                  {QStringLiteral("event"), QStringLiteral("container_died")},
                                  {QStringLiteral("cooldownSeconds"), 0}});
    QVERIFY(once > 0 && every > 0);
    WsRecorder owner, user;
    QVERIFY(owner.open(f->port(), QStringLiteral("/ws/alerts"), two.owner));
    QVERIFY(user.open(f->port(), QStringLiteral("/ws/alerts"), two.user));
    QVERIFY(tracked(app));
    for (int round = 1; round <= 2; ++round) {
        if (round == 2) {
            bool ok = false;
            docker({QStringLiteral("start"), name}, &ok);
            QVERIFY(ok);
            QVERIFY(tracked(app));
        }
        docker({QStringLiteral("exec"), name, QStringLiteral("touch"), QStringLiteral("/tmp/go")});
        QVERIFY(QTest::qWaitFor([&] { return bodiesOf(receiver, every).size() == round; }, 30000));
    }
    const QJsonObject fired = bodiesOf(receiver, every).first();
    QCOMPARE(fired.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
    QCOMPARE(fired.value(QStringLiteral("appId")).toInteger(), app);
    QCOMPARE(fired.value(QStringLiteral("title")).toString(), QStringLiteral("died always"));
    QCOMPARE(fired.value(QStringLiteral("host")).toString(), QSysInfo::machineHostName());
    QCOMPARE(fired.value(QStringLiteral("message")).toString(),
             QStringLiteral("App dies: its container died (exit code 3)"));
    // The cooldown: one firing of `once` for the two deaths.
    QTest::qWait(1500);
    const auto onceBodies = bodiesOf(receiver, once);
    QCOMPARE(onceBodies.size(), 1);
    QCOMPARE(onceBodies[0].value(QStringLiteral("severity")).toString(),
             QStringLiteral("critical"));
    QVERIFY(owner.waitFor([&] { return alertsOf(owner, every).size() == 2; }, 5000));
    QCOMPARE(alertsOf(owner, once).size(), 1);
    const QJsonObject data = alertsOf(owner, every).first();
    QCOMPARE(QStringList(data.keys()), (QStringList{"appId", "id", "message", "ruleId", "severity",
                                                    "since", "state", "title"}));
    QCOMPARE(data.value(QStringLiteral("message")), fired.value(QStringLiteral("message")));
    QVERIFY(alertsOf(user, every).isEmpty() && alertsOf(user, once).isEmpty());
    // GET /api/alerts has them, newest first; the user sees none of them.
    const QJsonArray listed =
        f->http("GET", QStringLiteral("/api/alerts"), {}, two.owner).json()["data"].toArray();
    QVERIFY(listed.size() >= 3);
    QCOMPARE(listed[0].toObject().value(QStringLiteral("appId")).toInteger(), app);
    const QJsonArray theirs =
        f->http("GET", QStringLiteral("/api/alerts"), {}, two.user).json()["data"].toArray();
    for (const QJsonValue &a : theirs)
        QVERIFY(a.toObject().value(QStringLiteral("appId")).toInteger() != app);
}

// A threshold every sample crosses fires within a couple of seconds, with the
// top apps named; a new threshold clears it at the next sample. A host alert
// goes to owners and admins, not to users (it names apps of every project).
void TestAlertEvaluation::hostMetricFiresAndResolves() {
    const QString name = run(QStringLiteral("idle"), QStringLiteral("sleep 600"));
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("idle"), name, QStringLiteral("alpha"));
    QVERIFY(app > 0);
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (const server::AppStats &a : f->server().appStats().latest().apps)
                if (a.appId == app && a.figures && a.figures->cpuPercent)
                    return true;
            return false;
        },
        20000));
    WsRecorder user, owner;
    QVERIFY(user.open(f->port(), QStringLiteral("/ws/alerts"), two.user));
    QVERIFY(owner.open(f->port(), QStringLiteral("/ws/alerts"), two.owner));
    QJsonObject rule{{QStringLiteral("name"), QStringLiteral("cpu used")},
                     {QStringLiteral("kind"), QStringLiteral("metric")},
                     {QStringLiteral("field"), QStringLiteral("cpu.usage")},
                     {QStringLiteral("op"), QStringLiteral(">")},
                     {QStringLiteral("threshold"), -1},
                     {QStringLiteral("forSeconds"), 2},
                     {QStringLiteral("cooldownSeconds"), 0}};
    const qint64 id = addRule(rule);
    QVERIFY(id > 0);
    QVERIFY(QTest::qWaitFor([&] { return bodiesOf(receiver, id).size() == 1; }, 10000));
    // The apps using the most CPU: the idle one is the only one running.
    const QString message = bodiesOf(receiver, id)[0].value(QStringLiteral("message")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^Host CPU [0-9.]+ % \\(> -1 % for 2 s\\) \u2014 "
                                               "app idle [0-9.]+ %$"))
                 .match(message)
                 .hasMatch(),
             qPrintable(message));
    QVERIFY(owner.waitFor([&] { return alertsOf(owner, id).size() == 1; }, 5000));
    rule.insert(QStringLiteral("threshold"), 1e9);
    rule.insert(QStringLiteral("channels"), QJsonArray{channel});
    QCOMPARE(f->http("PUT", QStringLiteral("/api/alerts/rules/%1").arg(id), json(rule), two.owner)
                 .status,
             200);
    QVERIFY(QTest::qWaitFor([&] { return bodiesOf(receiver, id).size() == 2; }, 10000));
    const QJsonObject resolved = bodiesOf(receiver, id)[1];
    QCOMPARE(resolved.value(QStringLiteral("state")).toString(), QStringLiteral("resolved"));
    QVERIFY(resolved.value(QStringLiteral("appId")).isNull());
    QVERIFY2(
        resolved.value(QStringLiteral("message")).toString().endsWith(u"no longer > 1000000000 %"),
        qPrintable(resolved.value(QStringLiteral("message")).toString()));
    QVERIFY(owner.waitFor([&] { return alertsOf(owner, id).size() == 2; }, 5000));
    QVERIFY(alertsOf(user, id).isEmpty());
    // Deleted: nothing more, whatever the samples say.
    rule.insert(QStringLiteral("threshold"), -1);
    QCOMPARE(f->http("PUT", QStringLiteral("/api/alerts/rules/%1").arg(id), json(rule), two.owner)
                 .status,
             200);
    QCOMPARE(
        f->http("DELETE", QStringLiteral("/api/alerts/rules/%1").arg(id), {}, two.owner).status,
        200);
    QTest::qWait(2500);
    QCOMPARE(bodiesOf(receiver, id).size(), 2);
}

// An app of the user's project printing ERROR lines: the rule fires with the
// count; its window keeps no more than `count` times however many lines match.
void TestAlertEvaluation::logRule() {
    QVERIFY(f->server().archiver());
    const QString name = run(QStringLiteral("logs"),
                             QStringLiteral("i=0; while true; do i=$((i+1)); echo \"ERROR $i "
                                            "disk\"; echo fine; sleep 0.05; done"));
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("logs"), name, QStringLiteral("alpha"));
    QVERIFY(app > 0);
    WsRecorder user;
    QVERIFY(user.open(f->port(), QStringLiteral("/ws/alerts"), two.user));
    const qint64 id = addRule({{QStringLiteral("name"), QStringLiteral("errors")},
                               {QStringLiteral("kind"), QStringLiteral("log")},
                               {QStringLiteral("appId"), app},
                               {QStringLiteral("pattern"), QStringLiteral("^ERROR \\d+ disk$")},
                               {QStringLiteral("count"), 20},
                               {QStringLiteral("withinSeconds"), 30}});
    QVERIFY(id > 0);
    QVERIFY(QTest::qWaitFor([&] { return bodiesOf(receiver, id).size() == 1; }, 30000));
    const QJsonObject fired = bodiesOf(receiver, id)[0];
    QCOMPARE(fired.value(QStringLiteral("message")).toString(),
             QStringLiteral("App logs: 20 lines matched /^ERROR \\d+ disk$/ within 30 s"));
    // The user may see the app: the socket has it.
    QVERIFY(user.waitFor([&] { return alertsOf(user, id).size() == 1; }, 5000));
    QTest::qWait(2000);
    QCOMPARE(f->server().alertEvaluator().evaluator().timestampsKept(), qint64(20));
    QCOMPARE(bodiesOf(receiver, id).size(), 1);
    removeContainer(name);
}

// A container that exits at once under --restart always: the engine starts
// it again and again; 3 starts within 60 s fire the rule.
void TestAlertEvaluation::restartLoop() {
    const QString name = run(QStringLiteral("loop"), QStringLiteral("sleep 0.5; exit 1"),
                             {QStringLiteral("--restart"), QStringLiteral("always")});
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("loop"), name, QStringLiteral("beta"));
    QVERIFY(app > 0);
    const qint64 id =
        eventRule(app, QStringLiteral("restart_loop"),
                  {{QStringLiteral("restarts"), 3}, {QStringLiteral("withinSeconds"), 60}});
    QVERIFY(id > 0);
    QVERIFY(received(id, 1, 60000));
    const QJsonObject fired = bodiesOf(receiver, id)[0];
    QCOMPARE(fired.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
    QCOMPARE(fired.value(QStringLiteral("message")).toString(),
             QStringLiteral("App loop: 3 restarts within 60 s"));
    removeContainer(name);
}

// A failing health check fires `unhealthy`; passing again resolves it.
void TestAlertEvaluation::unhealthyThenHealthy() {
    const QString name = run(QStringLiteral("health"), QStringLiteral("touch /tmp/ok; sleep 600"),
                             {QStringLiteral("--health-cmd"), QStringLiteral("test -f /tmp/ok"),
                              QStringLiteral("--health-interval"), QStringLiteral("1s"),
                              QStringLiteral("--health-retries"), QStringLiteral("1"),
                              QStringLiteral("--health-timeout"), QStringLiteral("2s")});
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("health"), name, QStringLiteral("beta"));
    QVERIFY(app > 0);
    const qint64 id = eventRule(app, QStringLiteral("unhealthy"));
    QVERIFY(id > 0);
    QVERIFY(tracked(app));
    QTRY_COMPARE_WITH_TIMEOUT(docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                                      QStringLiteral("{{.State.Health.Status}}"), name}),
                              QStringLiteral("healthy"), 20000);
    docker({QStringLiteral("exec"), name, QStringLiteral("rm"), QStringLiteral("/tmp/ok")});
    QVERIFY(received(id, 1));
    QCOMPARE(bodiesOf(receiver, id)[0].value(QStringLiteral("message")).toString(),
             QStringLiteral("App health is unhealthy"));
    docker({QStringLiteral("exec"), name, QStringLiteral("touch"), QStringLiteral("/tmp/ok")});
    QVERIFY(received(id, 2));
    const QJsonObject resolved = bodiesOf(receiver, id)[1];
    QCOMPARE(resolved.value(QStringLiteral("state")).toString(), QStringLiteral("resolved"));
    QCOMPARE(resolved.value(QStringLiteral("message")).toString(),
             QStringLiteral("App health is healthy again"));
    removeContainer(name);
}

// A process over the container's memory limit is killed by the kernel: `oom`.
void TestAlertEvaluation::oomKilled() {
    const QString name =
        run(QStringLiteral("oom"),
            QStringLiteral("while [ ! -f /tmp/go ]; do sleep 0.1; done; "
                           "head -c 200000000 /dev/zero | sort > /dev/null; sleep 600"),
            {QStringLiteral("-m"), QStringLiteral("16m"), QStringLiteral("--memory-swap"),
             QStringLiteral("16m")});
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("oom"), name, QStringLiteral("beta"));
    QVERIFY(app > 0);
    const qint64 id = eventRule(app, QStringLiteral("oom"));
    QVERIFY(id > 0);
    QVERIFY(tracked(app));
    docker({QStringLiteral("exec"), name, QStringLiteral("touch"), QStringLiteral("/tmp/go")});
    QVERIFY(received(id, 1, 60000));
    QCOMPARE(bodiesOf(receiver, id)[0].value(QStringLiteral("message")).toString(),
             QStringLiteral("App oom: out of memory, the kernel killed a process"));
    removeContainer(name);
}

// A deployment that fails (its branch does not exist) fires
// `deployment_failed` with the deployment's error.
void TestAlertEvaluation::deploymentFailed() {
    GitRepo repo;
    repo.commit({{QStringLiteral("README"), "nothing"}}, QStringLiteral("content"));
    store::App spec;
    spec.name = QStringLiteral("gitapp");
    spec.projectName = QStringLiteral("beta");
    spec.gitUrl = QStringLiteral("file://") + repo.path();
    spec.gitBranch = QStringLiteral("nope");
    const auto app = f->store().apps().add(spec);
    QVERIFY2(app, qPrintable(app.error()));
    const qint64 failed = eventRule(app->id, QStringLiteral("deployment_failed"));
    const qint64 succeeded = eventRule(app->id, QStringLiteral("deployment_succeeded"));
    QVERIFY(failed > 0 && succeeded > 0);
    const HttpResult r = f->http("POST", QStringLiteral("/api/deployments"),
                                 QStringLiteral("{\"appId\":%1}").arg(app->id).toUtf8(), two.owner);
    QCOMPARE(r.status, 201);
    const qint64 deployment = r.json()["data"].toObject()["id"].toInteger();
    QVERIFY(received(failed, 1, 60000));
    const QString message =
        bodiesOf(receiver, failed)[0].value(QStringLiteral("message")).toString();
    QVERIFY2(message.startsWith(
                 QStringLiteral("App gitapp: deployment failed (deployment %1: ").arg(deployment)),
             qPrintable(message));
    QTest::qWait(500);
    QVERIFY(bodiesOf(receiver, succeeded).isEmpty());
}

// As many log rules as the server takes, on one app printing 20000 matching
// lines: every rule fires once, each window keeps at most its count, and the
// server answers meanwhile.
void TestAlertEvaluation::manyLogRulesBounded() {
    const QString name =
        run(QStringLiteral("flood"), QStringLiteral("while [ ! -f /tmp/go ]; do sleep 0.1; done; "
                                                    "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); "
                                                    "echo x$i; done; sleep 600"));
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("flood"), name, QStringLiteral("beta"));
    QVERIFY(app > 0);
    const QByteArray rule = json({{QStringLiteral("name"), QStringLiteral("flood")},
                                  {QStringLiteral("kind"), QStringLiteral("log")},
                                  {QStringLiteral("appId"), app},
                                  {QStringLiteral("pattern"), QStringLiteral("^x[0-9]+$")},
                                  {QStringLiteral("count"), 5},
                                  {QStringLiteral("withinSeconds"), 604800}});
    int added = 0;
    QList<qint64> ids;
    for (;;) {
        const HttpResult r = f->http("POST", QStringLiteral("/api/alerts/rules"), rule, two.owner);
        if (r.status == 409)
            break;
        QCOMPARE(r.status, 201);
        ids.append(r.json()["data"].toObject()["id"].toInteger());
        ++added;
    }
    QVERIFY(added > 100);
    QVERIFY(tracked(app));
    const server::AlertEvaluator &alerts = f->server().alertEvaluator();
    // What earlier rules keep (their containers are gone: it only shrinks).
    const qint64 before = alerts.evaluator().timestampsKept();
    docker({QStringLiteral("exec"), name, QStringLiteral("touch"), QStringLiteral("/tmp/go")});
    QVERIFY(
        QTest::qWaitFor([&] { return alerts.evaluator().timestampsKept() >= 5 * added; }, 60000));
    QElapsedTimer answered;
    answered.start();
    QCOMPARE(f->http("GET", QStringLiteral("/api/health")).status, 200);
    QVERIFY(answered.elapsed() < 2000);
    QTest::qWait(1000);
    const qint64 kept = alerts.evaluator().timestampsKept();
    QVERIFY2(kept >= 5 * added && kept <= before + 5 * added, qPrintable(QString::number(kept)));
    int fired = 0;
    for (const QJsonValue &a :
         f->http("GET", QStringLiteral("/api/alerts?limit=1000"), {}, two.owner)
             .json()["data"]
             .toArray())
        fired += a.toObject().value(QStringLiteral("title")).toString() == u"flood" ? 1 : 0;
    QCOMPARE(fired, added);
    removeContainer(name);
    for (const qint64 id : std::as_const(ids))
        QCOMPARE(
            f->http("DELETE", QStringLiteral("/api/alerts/rules/%1").arg(id), {}, two.owner).status,
            200);
}

// An app rule fires on the app's figures and resolves when its container
// stops (no figures any more).
void TestAlertEvaluation::appMetricResolvesWhenStopped() {
    const QString name = run(QStringLiteral("mem"), QStringLiteral("sleep 600"));
    QVERIFY(!name.isEmpty());
    const qint64 app = addApp(QStringLiteral("mem"), name, QStringLiteral("alpha"));
    QVERIFY(app > 0);
    const qint64 id = addRule({{QStringLiteral("name"), QStringLiteral("app memory")},
                               {QStringLiteral("kind"), QStringLiteral("metric")},
                               {QStringLiteral("appId"), app},
                               {QStringLiteral("field"), QStringLiteral("memory.percent")},
                               {QStringLiteral("op"), QStringLiteral(">")},
                               {QStringLiteral("threshold"), -1},
                               {QStringLiteral("cooldownSeconds"), 0}});
    QVERIFY(id > 0);
    QVERIFY(received(id, 1, 20000));
    const QString fired = bodiesOf(receiver, id)[0].value(QStringLiteral("message")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^App mem memory [0-9.]+ % \\(> -1 % for 0 s\\)$"))
                 .match(fired)
                 .hasMatch(),
             qPrintable(fired));
    bool ok = false;
    docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("0"), name}, &ok);
    QVERIFY(ok);
    QVERIFY(received(id, 2, 20000));
    const QJsonObject resolved = bodiesOf(receiver, id)[1];
    QCOMPARE(resolved.value(QStringLiteral("state")).toString(), QStringLiteral("resolved"));
    QCOMPARE(resolved.value(QStringLiteral("message")).toString(),
             QStringLiteral("App mem memory no longer measured: its container is not running"));
}

QTEST_GUILESS_MAIN(TestAlertEvaluation)
#include "tst_alertevaluation.moc"
