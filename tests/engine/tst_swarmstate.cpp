// SPDX-License-Identifier: GPL-3.0-or-later

// Swarm summaries over the engine's JSON, row by row: a service's state and
// "N/M tasks running" from its tasks, and the manager's figures for
// /ws/metrics.
#include "engine/SwarmState.h"

#include <QJsonDocument>
#include <QTest>

using namespace mist::engine;

namespace {
// JSON written with single quotes, for readable rows.
QJsonValue sq(const char *text) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text).replace('\'', '"'), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text);
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

QJsonObject service(int replicas) {
    return sq(QByteArray("{'ID':'s1','Spec':{'Name':'web','Mode':{'Replicated':{'Replicas':" +
                         QByteArray::number(replicas) + "}}}}")
                  .constData())
        .toObject();
}

QJsonObject task(const char *id, int slot, const char *desired, const char *state,
                 const char *created, const char *err = "") {
    return QJsonObject{
        {QStringLiteral("ID"), QLatin1String(id)},
        {QStringLiteral("ServiceID"), QStringLiteral("s1")},
        {QStringLiteral("Slot"), slot},
        {QStringLiteral("NodeID"), QStringLiteral("n1")},
        {QStringLiteral("DesiredState"), QLatin1String(desired)},
        {QStringLiteral("CreatedAt"), QLatin1String(created)},
        {QStringLiteral("Status"), QJsonObject{{QStringLiteral("State"), QLatin1String(state)},
                                               {QStringLiteral("Err"), QLatin1String(err)}}}};
}
} // namespace

class TestSwarmState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void status_data() {
        QTest::addColumn<QJsonObject>("service");
        QTest::addColumn<QJsonArray>("tasks");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("listed");
        const char *t1 = "2026-11-28T10:00:01Z", *t2 = "2026-11-28T10:00:02Z",
                   *t3 = "2026-11-28T10:00:03Z";
        QTest::newRow("all running") << service(3)
                                     << QJsonArray{task("a", 1, "running", "running", t1),
                                                   task("b", 2, "running", "running", t1),
                                                   task("c", 3, "running", "running", t1)}
                                     << "running"
                                     << "3/3 tasks running" << 3;
        QTest::newRow("one replaced, replacement starting")
            << service(3)
            << QJsonArray{task("a", 1, "shutdown", "failed", t1, "task: non-zero exit (137)"),
                          task("a2", 1, "running", "starting", t2),
                          task("b", 2, "running", "running", t1),
                          task("c", 3, "running", "running", t1)}
            << "starting"
            << "2/3 tasks running" << 4;
        QTest::newRow("no task yet") << service(2) << QJsonArray{} << "starting"
                                     << "0/2 tasks running" << 0;
        QTest::newRow("every attempt failed")
            << service(1)
            << QJsonArray{task("a", 1, "shutdown", "failed", t1, "exit 1"),
                          task("a2", 1, "shutdown", "rejected", t2, "no such image")}
            << "failed"
            << "0/1 tasks running" << 2;
        QTest::newRow("failed, but a newer attempt is under way")
            << service(1)
            << QJsonArray{task("a", 1, "shutdown", "failed", t1),
                          task("a2", 1, "running", "preparing", t3)}
            << "starting"
            << "0/1 tasks running" << 2;
        QTest::newRow("scaled to zero")
            << service(0) << QJsonArray{task("a", 1, "shutdown", "shutdown", t1)} << "stopped"
            << "0/0 tasks running" << 1;
        QTest::newRow("global service")
            << sq("{'ID':'s1','Spec':{'Name':'agent','Mode':{'Global':{}}}}").toObject()
            << QJsonArray{task("a", 0, "running", "running", t1),
                          task("b", 0, "running", "starting", t1)}
            << "starting"
            << "1/2 tasks running" << 2;
        QTest::newRow("another service's task is ignored")
            << service(1)
            << QJsonArray{task("a", 1, "running", "running", t1),
                          sq("{'ID':'x','ServiceID':'s2','DesiredState':'running',"
                             "'Status':{'State':'running'}}")
                              .toObject()}
            << "running"
            << "1/1 tasks running" << 1;
        QTest::newRow("garbage tasks")
            << service(1) << sq("[1, 'x', null, {}]").toArray() << "starting"
            << "0/1 tasks running" << 4;
    }
    void status() {
        QFETCH(QJsonObject, service);
        QFETCH(QJsonArray, tasks);
        QFETCH(QString, state);
        QFETCH(QString, status);
        QFETCH(int, listed);
        const QJsonObject s = serviceStatus(service, tasks);
        QCOMPARE(s.value(QStringLiteral("state")).toString(), state);
        QCOMPARE(s.value(QStringLiteral("status")).toString(), status);
        QCOMPARE(s.value(QStringLiteral("tasks")).toArray().size(), listed);
        QCOMPARE(s.value(QStringLiteral("container")).toString(),
                 service.value(QStringLiteral("Spec"))
                     .toObject()
                     .value(QStringLiteral("Name"))
                     .toString());
    }

    void tasksListedWantedFirstNewestFirstAndBounded() {
        QJsonArray tasks;
        for (int i = 0; i < 30; ++i)
            tasks.append(task(
                QByteArray("old" + QByteArray::number(i)).constData(), 1, "shutdown", "failed",
                QByteArray("2026-11-28T10:00:" + QByteArray::number(10 + i).rightJustified(2, '0') +
                           "Z")
                    .constData()));
        tasks.append(task("live", 1, "running", "running", "2026-11-28T09:00:00Z"));
        const QJsonArray listed =
            serviceStatus(service(1), tasks).value(QStringLiteral("tasks")).toArray();
        QCOMPARE(listed.size(), MaxTasksListed);
        QCOMPARE(listed[0].toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("live"));
        QCOMPARE(listed[1].toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("old29"));
    }

    void places() {
        const auto p = taskPlaces(
            QJsonArray{task("a", 2, "running", "running", "t"), QJsonObject{}, QJsonValue(7)});
        QCOMPARE(p.size(), 1);
        QCOMPARE(p.value(QStringLiteral("a")).slot, 2);
        QCOMPARE(p.value(QStringLiteral("a")).node, QStringLiteral("n1"));
    }

    void figures_data() {
        QTest::addColumn<QJsonObject>("info");
        QTest::addColumn<QJsonObject>("expected");
        const QJsonObject manager =
            sq("{'Swarm':{'LocalNodeState':'active','ControlAvailable':true}}").toObject();
        QTest::newRow("manager")
            << manager << sq("{'nodes':2,'nodesReady':1,'services':1,'tasksRunning':1}").toObject();
        QTest::newRow("worker")
            << sq("{'Swarm':{'LocalNodeState':'active','ControlAvailable':false}}").toObject()
            << QJsonObject();
        QTest::newRow("not in a swarm")
            << sq("{'Swarm':{'LocalNodeState':'inactive'}}").toObject() << QJsonObject();
        QTest::newRow("no Swarm key") << QJsonObject() << QJsonObject();
    }
    void figures() {
        QFETCH(QJsonObject, info);
        QFETCH(QJsonObject, expected);
        const QJsonArray nodes =
            sq("[{'Status':{'State':'ready'}},{'Status':{'State':'down'}}]").toArray();
        const QJsonArray services = QJsonArray{service(2)};
        const QJsonArray tasks{task("a", 1, "running", "running", "t"),
                               task("b", 2, "running", "starting", "t"),
                               task("c", 1, "shutdown", "running", "t")};
        QCOMPARE(swarmFigures(info, nodes, services, tasks), expected);
    }
};

QTEST_GUILESS_MAIN(TestSwarmState)
#include "tst_swarmstate.moc"
