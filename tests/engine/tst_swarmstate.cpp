// SPDX-License-Identifier: GPL-3.0-or-later

// Swarm summaries row by row, each row the engine's JSON read by the engine
// door's parsers (parseSwarmService, parseTaskList, parseNodeList): a
// service's state and "N/M tasks running" from its tasks, and the manager's
// figures for /ws/metrics.
#include "engine/SwarmState.h"

#include <QJsonArray>
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

SwarmService parsedService(const QJsonObject &json) {
    const auto s = parseSwarmService(QJsonDocument(json));
    if (!s)
        qFatal("test service does not parse");
    return *s;
}

QList<SwarmTask> parsedTasks(const QJsonArray &json) {
    return parseTaskList(QJsonDocument(json));
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
        QTest::newRow("garbage tasks are not tasks")
            << service(1) << sq("[1, 'x', null, {}, {'ID':''}]").toArray() << "starting"
            << "0/1 tasks running" << 0;
    }
    void status() {
        QFETCH(QJsonObject, service);
        QFETCH(QJsonArray, tasks);
        QFETCH(QString, state);
        QFETCH(QString, status);
        QFETCH(int, listed);
        const QJsonObject s = serviceStatus(parsedService(service), parsedTasks(tasks));
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
        const QJsonArray listed = serviceStatus(parsedService(service(1)), parsedTasks(tasks))
                                      .value(QStringLiteral("tasks"))
                                      .toArray();
        QCOMPARE(listed.size(), MaxTasksListed);
        QCOMPARE(listed[0].toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("live"));
        QCOMPARE(listed[1].toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("old29"));
    }

    // A replicated service's task has a slot; a global one's has none, and the status
    // lists it without one rather than with a made-up 0.
    void slotOnlyWhereTheEngineGivesOne() {
        const QJsonArray tasks{
            task("a", 2, "running", "running", "t"),
            sq("{'ID':'g','ServiceID':'s1','NodeID':'n2','DesiredState':'running',"
               "'Status':{'State':'running'},"
               "'Spec':{'ContainerSpec':{'Image':'agent:1@sha256:abc'}}}")
                .toObject()};
        const QList<SwarmTask> parsed = parsedTasks(tasks);
        QCOMPARE(parsed.size(), 2);
        QCOMPARE(parsed[0].slot, std::optional<int>(2));
        QCOMPARE(parsed[1].slot, std::nullopt);
        QCOMPARE(parsed[1].image, QStringLiteral("agent:1")); // without the digest
        QCOMPARE(parsed[1].nodeId, QStringLiteral("n2"));
        const QJsonArray listed =
            serviceStatus(
                parsedService(
                    sq("{'ID':'s1','Spec':{'Name':'agent','Mode':{'Global':{}}}}").toObject()),
                parsed)
                .value(QStringLiteral("tasks"))
                .toArray();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[0].toObject().value(QStringLiteral("slot")), QJsonValue(2));
        QVERIFY(!listed[1].toObject().contains(QStringLiteral("slot")));
    }

    void serviceReplicas_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("replicas"); // -1: global (none)
        QTest::newRow("replicated") << QByteArray("{'ID':'s','Spec':{'Mode':{'Replicated':"
                                                  "{'Replicas':3}}}}")
                                    << 3;
        QTest::newRow("scaled to zero")
            << QByteArray("{'ID':'s','Spec':{'Mode':{'Replicated':{'Replicas':0}}}}") << 0;
        QTest::newRow("global") << QByteArray("{'ID':'s','Spec':{'Mode':{'Global':{}}}}") << -1;
        QTest::newRow("no mode") << QByteArray("{'ID':'s','Spec':{}}") << -1;
    }
    void serviceReplicas() {
        QFETCH(QByteArray, json);
        QFETCH(int, replicas);
        const SwarmService s = parsedService(sq(json.constData()).toObject());
        QCOMPARE(s.replicas.value_or(-1), replicas);
    }

    void serviceListSkipsRowsWithoutId() {
        const QList<SwarmService> rows = parseServiceList(QJsonDocument(
            sq("[{'ID':'a','Spec':{'Name':'web'}}, {}, 3, {'ID':'b','Spec':{'Name':'db'}}]")
                .toArray()));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].name, QStringLiteral("web"));
        QCOMPARE(rows[1].name, QStringLiteral("db"));
        QVERIFY(
            parseServiceList(QJsonDocument(sq("{'message':'not an array'}").toObject())).isEmpty());
    }

    void nodeList() {
        const QList<SwarmNode> nodes = parseNodeList(QJsonDocument(
            sq("[{'ID':'n1','Description':{'Hostname':'box-1'},'Status':{'State':'ready'}},"
               " {'Description':{'Hostname':'no id'}}, 'x',"
               " {'ID':'n2','Status':{'State':'down'}}]")
                .toArray()));
        QCOMPARE(nodes.size(), 2);
        QCOMPARE(nodes[0].hostname, QStringLiteral("box-1"));
        QCOMPARE(nodes[0].state, QStringLiteral("ready"));
        QCOMPARE(nodes[1].id, QStringLiteral("n2"));
        QCOMPARE(nodes[1].hostname, QString());
    }

    void places() {
        const auto p = taskPlaces(parsedTasks(
            QJsonArray{task("a", 2, "running", "running", "t"), QJsonObject{}, QJsonValue(7)}));
        QCOMPARE(p.size(), 1);
        QCOMPARE(p.value(QStringLiteral("a")).slot, 2);
        QCOMPARE(p.value(QStringLiteral("a")).node, QStringLiteral("n1"));
    }

    // Counted from the lists a manager gives (whether it is one is EngineInfo's
    // swarmManager, tested in tst_engineapi).
    void figures() {
        const QList<SwarmNode> nodes = parseNodeList(QJsonDocument(
            sq("[{'ID':'n1','Status':{'State':'ready'}},{'ID':'n2','Status':{'State':'down'}}]")
                .toArray()));
        const QList<SwarmTask> tasks = parsedTasks(QJsonArray{
            task("a", 1, "running", "running", "t"), task("b", 2, "running", "starting", "t"),
            task("c", 1, "shutdown", "running", "t")});
        QCOMPARE(swarmFigures(nodes, 1, tasks),
                 sq("{'nodes':2,'nodesReady':1,'services':1,'tasksRunning':1}").toObject());
        QCOMPARE(swarmFigures({}, 0, {}),
                 sq("{'nodes':0,'nodesReady':0,'services':0,'tasksRunning':0}").toObject());
    }
};

QTEST_GUILESS_MAIN(TestSwarmState)
#include "tst_swarmstate.moc"
