// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for the pure parts of mist::engine's one door (EngineApi.h): the app container-name rule
// and the engine paths, including hostile names that must not escape their segment; the
// parsers of the engine's answers, row by row, with malformed, missing, mistyped and huge input.

#include "engine/EngineApi.h"
#include "engine/EventStream.h"

#include <QtTest>

using namespace mist::engine;

Q_DECLARE_METATYPE(mist::engine::ContainerSpec)

class TestEngineApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void appContainerName_data() {
        QTest::addColumn<qint64>("id");
        QTest::addColumn<QString>("containerName");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no name") << qint64(7) << QString() << QStringLiteral("app-7");
        QTest::newRow("own name") << qint64(7) << QStringLiteral("web") << QStringLiteral("web");
        QTest::newRow("large id") << qint64(9007199254740991) << QString()
                                  << QStringLiteral("app-9007199254740991");
    }
    void appContainerName() {
        QFETCH(qint64, id);
        QFETCH(QString, containerName);
        QFETCH(QString, expected);
        QCOMPARE(mist::engine::appContainerName(id, containerName), expected);
    }

    void path_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        LogsQuery follow;
        follow.follow = true;
        follow.tail = LogsQuery::AllLines;
        LogsQuery since;
        since.since = QStringLiteral("1700000000.000000001");
        LogsQuery probe;
        probe.tail = 200;
        probe.details = true;
        BuildQuery build;
        build.tag = QStringLiteral("mist-app-3:9");
        build.dockerfile = QStringLiteral("sub dir/Dockerfile");
        build.labels = {{QStringLiteral("mist.app.id"), QStringLiteral("3")}};

        QTest::newRow("all containers")
            << paths::containers() << QStringLiteral("/containers/json?all=1");
        QTest::newRow("containers by id")
            << paths::containers({{QStringLiteral("id"), {QStringLiteral("abc")}}})
            << QStringLiteral("/containers/json?all=1&filters=%7B%22id%22%3A%5B%22abc%22%5D%7D");
        QTest::newRow("inspect") << paths::container(QStringLiteral("app-1"))
                                 << QStringLiteral("/containers/app-1/json");
        QTest::newRow("hostile name stays one segment")
            << paths::container(QStringLiteral("../x?y=1&z#"))
            << QStringLiteral("/containers/..%2Fx%3Fy%3D1%26z%23/json");
        QTest::newRow("follow logs from the start")
            << paths::containerLogs(QStringLiteral("c"), follow)
            << QStringLiteral(
                   "/containers/c/logs?follow=1&stdout=1&stderr=1&timestamps=1&tail=all");
        QTest::newRow("logs since")
            << paths::containerLogs(QStringLiteral("c"), since)
            << QStringLiteral(
                   "/containers/c/logs?stdout=1&stderr=1&timestamps=1&since=1700000000.000000001");
        QTest::newRow("service probe")
            << paths::serviceLogs(QStringLiteral("s"), probe)
            << QStringLiteral("/services/s/logs?stdout=1&stderr=1&timestamps=1&details=1&tail=200");
        QTest::newRow("stop") << paths::stopContainer(QStringLiteral("app-1"), 10)
                              << QStringLiteral("/containers/app-1/stop?t=10");
        QTest::newRow("restart") << paths::restartContainer(QStringLiteral("a b/c"), 3)
                                 << QStringLiteral("/containers/a%20b%2Fc/restart?t=3");
        // A name's encoded "%2F" is not taken for a placeholder of the timeout or version.
        QTest::newRow("stop encoded") << paths::stopContainer(QStringLiteral("a/b"), 7)
                                      << QStringLiteral("/containers/a%2Fb/stop?t=7");
        QTest::newRow("update encoded") << paths::updateService(QStringLiteral("s/1"), 42)
                                        << QStringLiteral("/services/s%2F1/update?version=42");
        QTest::newRow("rename") << paths::renameContainer(QStringLiteral("a"),
                                                          QStringLiteral("b&c"))
                                << QStringLiteral("/containers/a/rename?name=b%26c");
        QTest::newRow("remove") << paths::removeContainer(QStringLiteral("a"))
                                << QStringLiteral("/containers/a?force=1");
        QTest::newRow("build") << paths::build(build)
                               << QStringLiteral(
                                      "/build?t=mist-app-3%3A9&dockerfile=sub%20dir%2FDockerfile"
                                      "&rm=1&forcerm=1&labels=%7B%22mist.app.id%22%3A%223%22%7D");
        QTest::newRow("update service") << paths::updateService(QStringLiteral("id"), 42)
                                        << QStringLiteral("/services/id/update?version=42");
        QTest::newRow("roll back service")
            << paths::updateService(QStringLiteral("id"), 42, true)
            << QStringLiteral("/services/id/update?version=42&rollback=previous");
        QTest::newRow("all tasks") << paths::tasks() << QStringLiteral("/tasks");
        QTest::newRow("running tasks")
            << paths::tasks({{QStringLiteral("desired-state"), {QStringLiteral("running")}}})
            << QStringLiteral("/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D");
        QTest::newRow("huge name") << paths::service(QString(100000, u'a'))
                                   << QStringLiteral("/services/") + QString(100000, u'a');
        QTest::newRow("empty name")
            << paths::startContainer(QString()) << QStringLiteral("/containers//start");
        QTest::newRow("info") << paths::info() << QStringLiteral("/info");
        QTest::newRow("ping") << paths::ping() << QStringLiteral("/_ping");
        QTest::newRow("all events from now") << paths::events({}) << QStringLiteral("/events");
        EventsQuery events;
        events.since = QStringLiteral("1700000000.5");
        events.until = QStringLiteral("1700000100");
        events.filters = {{QStringLiteral("type"), {QStringLiteral("container")}},
                          {QStringLiteral("label"), {QStringLiteral("mist.app.id=3")}}};
        QTest::newRow("container events of an app, a time window")
            << paths::events(events)
            << QStringLiteral("/events?since=1700000000.5&until=1700000100&filters="
                              "%7B%22label%22%3A%5B%22mist.app.id%3D3%22%5D%2C%22type%22%3A%5B%"
                              "22container%22%5D%7D");
        EventsQuery hostile;
        hostile.since = QStringLiteral("1&until=0");
        QTest::newRow("hostile since stays one value")
            << paths::events(hostile) << QStringLiteral("/events?since=1%26until%3D0");
        LogsQuery range;
        range.since = QStringLiteral("1700000000.000000001");
        range.until = QStringLiteral("1700000010.5");
        QTest::newRow("logs between since and until")
            << paths::containerLogs(QStringLiteral("app-2"), range)
            << QStringLiteral("/containers/app-2/logs?stdout=1&stderr=1&timestamps=1&since="
                              "1700000000.000000001&until=1700000010.5");
        QTest::newRow("one stats sample") << paths::containerStats(QStringLiteral("app-1"), false)
                                          << QStringLiteral("/containers/app-1/stats?stream=0");
        QTest::newRow("stats stream") << paths::containerStats(QStringLiteral("a/b"), true)
                                      << QStringLiteral("/containers/a%2Fb/stats?stream=1");
    }
    void path() {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        QCOMPARE(path, expected);
    }

    void containerList_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("firstName");
        QTest::addColumn<QString>("firstState");
        QTest::addColumn<QString>("firstLabel");
        QTest::newRow("engine row")
            << QByteArray(
                   R"([{"Id":"abc","Names":["/web","/alias"],"Image":"img","State":"running",)"
                   R"("Status":"Up 2 minutes","Created":1700000000,)"
                   R"("Labels":{"mist.app.id":"3"}}])")
            << 1 << QStringLiteral("web") << QStringLiteral("running") << QStringLiteral("3");
        QTest::newRow("empty list") << QByteArray("[]") << 0 << QString() << QString() << QString();
        QTest::newRow("not a list")
            << QByteArray(R"({"message":"oops"})") << 0 << QString() << QString() << QString();
        QTest::newRow("not JSON") << QByteArray("<html>") << 0 << QString() << QString()
                                  << QString();
        QTest::newRow("rows without id or not objects skipped")
            << QByteArray(R"([1,"x",null,{"Names":["/n"]},{"Id":"z","Names":[7,"/ok"]}])") << 1
            << QStringLiteral("ok") << QString() << QString();
        QTest::newRow("wrong types read as empty")
            << QByteArray(R"([{"Id":"a","Names":"web","State":5,"Labels":[1]}])") << 1 << QString()
            << QString() << QString();
    }
    void containerList() {
        QFETCH(QByteArray, json);
        QFETCH(int, rows);
        QFETCH(QString, firstName);
        QFETCH(QString, firstState);
        QFETCH(QString, firstLabel);
        const QList<ContainerSummary> list = parseContainerList(QJsonDocument::fromJson(json));
        QCOMPARE(list.size(), rows);
        if (rows > 0) {
            QCOMPARE(list.first().names.value(0), firstName);
            QCOMPARE(list.first().state, firstState);
            QCOMPARE(list.first().labels.value(QStringLiteral("mist.app.id")), firstLabel);
        }
    }

    void containerState_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("oomKilled");
        QTest::addColumn<int>("restarts");
        QTest::newRow("crashed, OOM")
            << QByteArray(R"({"Id":"abc","Name":"/worker","RestartCount":4,"Config":{"Tty":true},)"
                          R"("State":{"Status":"exited","Running":false,"OOMKilled":true,)"
                          R"("ExitCode":137,"FinishedAt":"2026-12-05T10:00:00.5Z"}})")
            << true << QStringLiteral("exited") << 137 << true << 4;
        QTest::newRow("running") << QByteArray(R"({"Id":"a","State":{"Status":"running",)"
                                               R"("Running":true}})")
                                 << true << QStringLiteral("running") << 0 << false << 0;
        QTest::newRow("no id") << QByteArray(R"({"State":{}})") << false << QString() << 0 << false
                               << 0;
        QTest::newRow("engine error") << QByteArray(R"({"message":"No such container: x"})")
                                      << false << QString() << 0 << false << 0;
        QTest::newRow("a list") << QByteArray("[]") << false << QString() << 0 << false << 0;
        QTest::newRow("garbage") << QByteArray("\x00\xff") << false << QString() << 0 << false << 0;
    }
    void containerState() {
        QFETCH(QByteArray, json);
        QFETCH(bool, valid);
        QFETCH(QString, status);
        QFETCH(int, exitCode);
        QFETCH(bool, oomKilled);
        QFETCH(int, restarts);
        const auto state = parseContainerState(QJsonDocument::fromJson(json));
        QCOMPARE(state.has_value(), valid);
        if (!state)
            return;
        QCOMPARE(state->status, status);
        QCOMPARE(state->exitCode, exitCode);
        QCOMPARE(state->oomKilled, oomKilled);
        QCOMPARE(state->restartCount, restarts);
        QVERIFY(!state->name.startsWith(u'/'));
    }

    void containerStateLabels() {
        const auto state = parseContainerState(QJsonDocument::fromJson(
            R"({"Id":"a","Config":{"Labels":{"mist.deployment.id":"12","n":5}}})"));
        QVERIFY(state);
        QCOMPARE(state->labels.value(QStringLiteral("mist.deployment.id")), QStringLiteral("12"));
        QVERIFY(!state->labels.contains(QStringLiteral("n"))); // not a string: not a label
    }

    // State.Pid: the init process the per-app figures are read through (docs/APP-STATS.md).
    void containerStatePid_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("pid");
        QTest::newRow("running") << QByteArray(R"({"Id":"a","State":{"Pid":4321}})")
                                 << qint64(4321);
        QTest::newRow("stopped") << QByteArray(R"({"Id":"a","State":{"Pid":0}})") << qint64(0);
        QTest::newRow("missing") << QByteArray(R"({"Id":"a","State":{}})") << qint64(0);
        QTest::newRow("negative") << QByteArray(R"({"Id":"a","State":{"Pid":-1}})") << qint64(0);
        QTest::newRow("fraction") << QByteArray(R"({"Id":"a","State":{"Pid":12.5}})") << qint64(0);
        QTest::newRow("beyond pid_max")
            << QByteArray(R"({"Id":"a","State":{"Pid":4194305}})") << qint64(0);
        QTest::newRow("pid_max") << QByteArray(R"({"Id":"a","State":{"Pid":4194304}})")
                                 << qint64(4194304);
        QTest::newRow("huge") << QByteArray(R"({"Id":"a","State":{"Pid":1e300}})") << qint64(0);
        QTest::newRow("string") << QByteArray(R"({"Id":"a","State":{"Pid":"77"}})") << qint64(0);
    }
    void containerStatePid() {
        QFETCH(QByteArray, json);
        QFETCH(qint64, pid);
        const auto state = parseContainerState(QJsonDocument::fromJson(json));
        QVERIFY(state);
        QCOMPARE(state->pid, pid);
    }

    void engineEvent_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("action");
        QTest::addColumn<qint64>("timeNs");
        QTest::addColumn<QString>("exitCode");
        QTest::newRow("die, as the engine writes it")
            << QByteArray(R"({"status":"die","id":"c1","Type":"container","Action":"die",)"
                          R"("Actor":{"ID":"c1","Attributes":{"exitCode":"3","name":"w",)"
                          R"("mist.app.id":"4"}},"scope":"local","time":1764928800,)"
                          R"("timeNano":1764928800123456789})")
            << true << QStringLiteral("die") << qint64(1764928800123456789LL)
            << QStringLiteral("3");
        QTest::newRow("seconds only (old engine)")
            << QByteArray(R"({"Type":"container","Action":"start","Actor":{"ID":"c"},"time":5})")
            << true << QStringLiteral("start") << qint64(5000000000LL) << QString();
        QTest::newRow("no time") << QByteArray(R"({"Type":"container","Action":"start",)"
                                               R"("Actor":{"ID":"c"}})")
                                 << false << QString() << qint64(0) << QString();
        QTest::newRow("negative time")
            << QByteArray(R"({"Type":"container","Action":"start","Actor":{"ID":"c"},)"
                          R"("timeNano":-1,"time":-1})")
            << false << QString() << qint64(0) << QString();
        QTest::newRow("seconds past 64-bit nanoseconds")
            << QByteArray(R"({"Type":"container","Action":"start","Actor":{"ID":"c"},)"
                          R"("time":99999999999999})")
            << false << QString() << qint64(0) << QString();
        QTest::newRow("no actor id")
            << QByteArray(R"({"Type":"container","Action":"die","Actor":{},"timeNano":1})") << false
            << QString() << qint64(0) << QString();
        QTest::newRow("no action")
            << QByteArray(R"({"Type":"container","Actor":{"ID":"c"},"timeNano":1})") << false
            << QString() << qint64(0) << QString();
        QTest::newRow("attributes of the wrong type")
            << QByteArray(R"({"Type":"container","Action":"die","Actor":{"ID":"c",)"
                          R"("Attributes":{"exitCode":3}},"timeNano":7})")
            << true << QStringLiteral("die") << qint64(7) << QString();
        QTest::newRow("not an object")
            << QByteArray("[1]") << false << QString() << qint64(0) << QString();
        QTest::newRow("half a line")
            << QByteArray("{\"Type\":\"conta") << false << QString() << qint64(0) << QString();
        QTest::newRow("empty") << QByteArray() << false << QString() << qint64(0) << QString();
    }
    void engineInfo_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("version");
        QTest::addColumn<int>("running");
        QTest::addColumn<QString>("nodeId");
        QTest::addColumn<bool>("manager");
        QTest::newRow("swarm manager")
            << QByteArray(R"({"ServerVersion":"20.10.24","Containers":5,"ContainersRunning":2,)"
                          R"("Images":9,"Swarm":{"LocalNodeState":"active","NodeID":"n1",)"
                          R"("ControlAvailable":true}})")
            << true << QStringLiteral("20.10.24") << 2 << QStringLiteral("n1") << true;
        QTest::newRow("swarm worker")
            << QByteArray(R"({"ServerVersion":"24.0.7","Swarm":{"LocalNodeState":"active",)"
                          R"("NodeID":"n2","ControlAvailable":false}})")
            << true << QStringLiteral("24.0.7") << 0 << QStringLiteral("n2") << false;
        QTest::newRow("no swarm") << QByteArray(R"({"ServerVersion":"24.0.7","Swarm":{)"
                                                R"("LocalNodeState":"inactive","NodeID":""}})")
                                  << true << QStringLiteral("24.0.7") << 0 << QString() << false;
        QTest::newRow("control without an active node")
            << QByteArray(R"({"Swarm":{"LocalNodeState":"pending","ControlAvailable":true}})")
            << true << QString() << 0 << QString() << false;
        QTest::newRow("wrong types read as empty")
            << QByteArray(R"({"ServerVersion":7,"ContainersRunning":"3","Swarm":[1],"Images":{}})")
            << true << QString() << 0 << QString() << false;
        QTest::newRow("empty object")
            << QByteArray("{}") << false << QString() << 0 << QString() << false;
        QTest::newRow("a list") << QByteArray("[{}]") << false << QString() << 0 << QString()
                                << false;
        QTest::newRow("not JSON") << QByteArray("<html>") << false << QString() << 0 << QString()
                                  << false;
        QTest::newRow("empty body")
            << QByteArray() << false << QString() << 0 << QString() << false;
        QTest::newRow("huge version")
            << QByteArray(R"({"ServerVersion":")") + QByteArray(1 << 20, 'v') + QByteArray(R"("})")
            << true << QString(1 << 20, u'v') << 0 << QString() << false;
    }
    void engineInfo() {
        QFETCH(QByteArray, json);
        QFETCH(bool, valid);
        QFETCH(QString, version);
        QFETCH(int, running);
        QFETCH(QString, nodeId);
        QFETCH(bool, manager);
        const auto info = parseEngineInfo(QJsonDocument::fromJson(json));
        QCOMPARE(info.has_value(), valid);
        if (!info)
            return;
        QCOMPARE(info->serverVersion, version);
        QCOMPARE(info->containersRunning, running);
        QCOMPARE(info->swarmNodeId, nodeId);
        QCOMPARE(info->swarmManager(), manager);
    }

    void swarmService_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("name");
        QTest::addColumn<qint64>("version");
        QTest::addColumn<QString>("updateState");
        QTest::addColumn<bool>("tty");
        QTest::newRow("updating")
            << QByteArray(
                   R"({"ID":"s1","Version":{"Index":12345678901},)"
                   R"("Spec":{"Name":"app-3","TaskTemplate":{"ContainerSpec":{"TTY":true}}},)"
                   R"("UpdateStatus":{"State":"rollback_started","Message":"why"}})")
            << true << QStringLiteral("app-3") << qint64(12345678901)
            << QStringLiteral("rollback_started") << true;
        QTest::newRow("new service, no update status")
            << QByteArray(R"({"ID":"s2","Version":{"Index":11},"Spec":{"Name":"web"}})") << true
            << QStringLiteral("web") << qint64(11) << QString() << false;
        QTest::newRow("wrong types read as empty")
            << QByteArray(R"({"ID":"s3","Version":"7","Spec":[],"UpdateStatus":{"State":1}})")
            << true << QString() << qint64(0) << QString() << false;
        QTest::newRow("no id") << QByteArray(R"({"Spec":{"Name":"x"}})") << false << QString()
                               << qint64(0) << QString() << false;
        QTest::newRow("id not a string")
            << QByteArray(R"({"ID":5})") << false << QString() << qint64(0) << QString() << false;
        QTest::newRow("engine error") << QByteArray(R"({"message":"service x not found"})") << false
                                      << QString() << qint64(0) << QString() << false;
        QTest::newRow("a list") << QByteArray("[]") << false << QString() << qint64(0) << QString()
                                << false;
        QTest::newRow("garbage") << QByteArray("\xff\xfe{") << false << QString() << qint64(0)
                                 << QString() << false;
        QTest::newRow("deeply nested")
            << QByteArray(100000, '[') << false << QString() << qint64(0) << QString() << false;
    }
    void swarmService() {
        QFETCH(QByteArray, json);
        QFETCH(bool, valid);
        QFETCH(QString, name);
        QFETCH(qint64, version);
        QFETCH(QString, updateState);
        QFETCH(bool, tty);
        const auto service = parseSwarmService(QJsonDocument::fromJson(json));
        QCOMPARE(service.has_value(), valid);
        if (!service)
            return;
        QCOMPARE(service->name, name);
        QCOMPARE(service->version, version);
        QCOMPARE(service->updateState, updateState);
        QCOMPARE(service->tty, tty);
    }

    // What the program creates containers and services with, as the engine reads it.
    void containerCreateBody_data() {
        QTest::addColumn<ContainerSpec>("spec");
        QTest::addColumn<QByteArray>("json");
        ContainerSpec plain;
        plain.image = QStringLiteral("sha256:abc");
        QTest::newRow("plain") << plain
                               << QByteArray(R"({"HostConfig":{"Init":false,"RestartPolicy":)"
                                             R"({"Name":"no"}},"Image":"sha256:abc","Labels":{}})");
        ContainerSpec app = plain;
        app.labels = {{QStringLiteral("mist.app.id"), QStringLiteral("3")}};
        app.init = true;
        app.network = QStringLiteral("bridge");
        app.tcpPort = 8080;
        app.publishOnFreeHostPort = true;
        app.cmd = {QStringLiteral("sleep"), QStringLiteral("60")};
        QTest::newRow("an app on a free host port")
            << app
            << QByteArray(R"({"Cmd":["sleep","60"],"ExposedPorts":{"8080/tcp":{}},)"
                          R"("HostConfig":{"Init":true,"NetworkMode":"bridge",)"
                          R"("PortBindings":{"8080/tcp":[{"HostPort":""}]},)"
                          R"("RestartPolicy":{"Name":"no"}},)"
                          R"("Image":"sha256:abc","Labels":{"mist.app.id":"3"}})");
        ContainerSpec exposedOnly = plain;
        exposedOnly.tcpPort = 80;
        exposedOnly.network = QStringLiteral("none");
        QTest::newRow("exposed, not published")
            << exposedOnly
            << QByteArray(R"({"ExposedPorts":{"80/tcp":{}},"HostConfig":{"Init":false,)"
                          R"("NetworkMode":"none","RestartPolicy":{"Name":"no"}},)"
                          R"("Image":"sha256:abc","Labels":{}})");
    }
    void containerCreateBody() {
        QFETCH(ContainerSpec, spec);
        QFETCH(QByteArray, json);
        QCOMPARE(mist::engine::containerCreateBody(spec), json);
    }

    void serviceSpecBody() {
        ServiceSpec spec;
        spec.name = QStringLiteral("app-3");
        spec.image = QStringLiteral("mist-app-3:7");
        spec.labels = {{QStringLiteral("mist.app.id"), QStringLiteral("3")}};
        spec.init = true;
        spec.replicas = 3;
        spec.nodeId = QStringLiteral("n1");
        spec.forceUpdate = 5;
        spec.restartDelayMs = 1000;
        spec.monitorMs = 2500;
        spec.publishedTcpPort = 8080;
        const QJsonObject o = QJsonDocument::fromJson(mist::engine::serviceSpecBody(spec)).object();
        const auto at = [&o](QStringList keys) {
            QJsonValue v = o;
            for (const QString &k : keys)
                v = v.toObject().value(k);
            return v;
        };
        QCOMPARE(at({"Name"}).toString(), QStringLiteral("app-3"));
        QCOMPARE(at({"Mode", "Replicated", "Replicas"}).toInt(), 3);
        QCOMPARE(at({"TaskTemplate", "ContainerSpec", "Image"}).toString(),
                 QStringLiteral("mist-app-3:7"));
        QCOMPARE(at({"TaskTemplate", "ContainerSpec", "Labels", "mist.app.id"}).toString(),
                 QStringLiteral("3"));
        QCOMPARE(at({"Labels", "mist.app.id"}).toString(), QStringLiteral("3"));
        QCOMPARE(at({"TaskTemplate", "ContainerSpec", "Init"}).toBool(), true);
        QCOMPARE(at({"TaskTemplate", "ForceUpdate"}).toInt(), 5);
        QCOMPARE(at({"TaskTemplate", "RestartPolicy", "Delay"}).toDouble(), 1e9);
        QCOMPARE(at({"TaskTemplate", "Placement", "Constraints"}).toArray(),
                 QJsonArray{QStringLiteral("node.id==n1")});
        QCOMPARE(at({"UpdateConfig", "Parallelism"}).toInt(), 1);
        QCOMPARE(at({"UpdateConfig", "FailureAction"}).toString(), QStringLiteral("rollback"));
        QCOMPARE(at({"UpdateConfig", "Monitor"}).toDouble(), 2.5e9);
        QCOMPARE(at({"RollbackConfig", "FailureAction"}).toString(), QStringLiteral("pause"));
        QCOMPARE(at({"EndpointSpec", "Ports"})
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("TargetPort")),
                 QJsonValue(8080));
        // Anywhere, unpublished: no constraint, no endpoint.
        spec.nodeId.clear();
        spec.publishedTcpPort = 0;
        const QJsonObject free =
            QJsonDocument::fromJson(mist::engine::serviceSpecBody(spec)).object();
        QVERIFY(!free.contains(QStringLiteral("EndpointSpec")));
        QVERIFY(free.value(QStringLiteral("TaskTemplate"))
                    .toObject()
                    .value(QStringLiteral("Placement"))
                    .toObject()
                    .isEmpty());
    }

    void swarmServiceForceUpdateAndReplicas() {
        const auto s = parseSwarmService(
            QJsonDocument::fromJson(R"({"ID":"s","Spec":{"TaskTemplate":{"ForceUpdate":4},)"
                                    R"("Mode":{"Replicated":{"Replicas":2}}}})"));
        QVERIFY(s);
        QCOMPARE(s->forceUpdate, 4);
        QCOMPARE(s->replicas, std::optional<int>(2));
    }

    void serviceSubmitted_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("warnings");
        QTest::newRow("create") << QByteArray(R"({"ID":"s1","Warnings":["no image digest"]})")
                                << QStringLiteral("s1")
                                << QStringList{QStringLiteral("no image digest")};
        QTest::newRow("update, warnings null")
            << QByteArray(R"({"Warnings":null})") << QString() << QStringList();
        QTest::newRow("warnings not strings skipped")
            << QByteArray(R"({"ID":"s2","Warnings":[1,"w",{}]})") << QStringLiteral("s2")
            << QStringList{QStringLiteral("w")};
        QTest::newRow("warnings not a list")
            << QByteArray(R"({"Warnings":"w"})") << QString() << QStringList();
        QTest::newRow("empty body") << QByteArray() << QString() << QStringList();
        QTest::newRow("not JSON") << QByteArray("<html>") << QString() << QStringList();
        QTest::newRow("a list") << QByteArray(R"(["w"])") << QString() << QStringList();
    }
    void serviceSubmitted() {
        QFETCH(QByteArray, json);
        QFETCH(QString, id);
        QFETCH(QStringList, warnings);
        const ServiceSubmitted s = parseServiceSubmitted(QJsonDocument::fromJson(json));
        QCOMPARE(s.id, id);
        QCOMPARE(s.warnings, warnings);
    }

    void engineEvent() {
        QFETCH(QByteArray, line);
        QFETCH(bool, valid);
        QFETCH(QString, action);
        QFETCH(qint64, timeNs);
        QFETCH(QString, exitCode);
        const auto event = parseEngineEvent(line);
        QCOMPARE(event.has_value(), valid);
        if (!event)
            return;
        QCOMPARE(event->action, action);
        QCOMPARE(event->timeNs, timeNs);
        QCOMPARE(event->attributes.value(QStringLiteral("exitCode")), exitCode);
    }

    // The event stream's bytes, cut anywhere: whole lines become events, a line that is not
    // one is reported, an endless line is dropped and the stream goes on.
    void eventLines_data() {
        QTest::addColumn<QByteArrayList>("chunks");
        QTest::addColumn<QStringList>("actions");
        QTest::addColumn<int>("malformed");
        QTest::addColumn<qsizetype>("pending");
        const QByteArray die = R"({"Type":"container","Action":"die","Actor":{"ID":"c1",)"
                               R"("Attributes":{"exitCode":"3"}},"timeNano":5})";
        const QByteArray start = R"({"Type":"container","Action":"start","Actor":{"ID":"c1"},)"
                                 R"("timeNano":6})";
        QTest::newRow("one line") << QByteArrayList{die + '\n'} << QStringList{"die"} << 0
                                  << qsizetype(0);
        QTest::newRow("two in one chunk") << QByteArrayList{die + '\n' + start + '\n'}
                                          << QStringList{"die", "start"} << 0 << qsizetype(0);
        QTest::newRow("cut mid-line, then the rest")
            << QByteArrayList{die.left(10), die.mid(10) + '\n' + start.left(3)}
            << QStringList{"die"} << 0 << qsizetype(3);
        QTest::newRow("a byte at a time") << [&] {
            QByteArrayList bytes;
            for (const char c : die + '\n')
                bytes << QByteArray(1, c);
            return bytes;
        }() << QStringList{"die"} << 0 << qsizetype(0);
        QTest::newRow("junk between events")
            << QByteArrayList{die + "\nnot json\n\n{}\n" + start + '\n'}
            << QStringList{"die", "start"} << 2 << qsizetype(0);
        QTest::newRow("an endless line is dropped, the next event still comes")
            << QByteArrayList{QByteArray(EventLines::MaxLineBytes / 2, 'x'),
                              QByteArray(EventLines::MaxLineBytes, 'x'),
                              QByteArray("x\n") + start + '\n'}
            << QStringList{"start"} << 2 << qsizetype(0);
    }
    void eventLines() {
        QFETCH(QByteArrayList, chunks);
        QFETCH(QStringList, actions);
        QFETCH(int, malformed);
        QFETCH(qsizetype, pending);
        EventLines lines;
        QStringList got;
        int bad = 0;
        for (const QByteArray &chunk : chunks)
            lines.feed(
                chunk, [&got](const EngineEvent &e) { got << e.action; },
                [&bad](const QString &why) {
                    QVERIFY(!why.isEmpty());
                    ++bad;
                });
        QCOMPARE(got, actions);
        QCOMPARE(bad, malformed);
        QCOMPARE(lines.pendingBytes(), pending);
    }
};

QTEST_GUILESS_MAIN(TestEngineApi)
#include "tst_engineapi.moc"
