// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for the pure parts of mist::engine's one door (EngineApi.h): the app container-name rule
// and the engine paths, including hostile names that must not escape their segment.

#include "engine/EngineApi.h"

#include <QtTest>

using namespace mist::engine;

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
    }
    void path() {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        QCOMPARE(path, expected);
    }
};

QTEST_GUILESS_MAIN(TestEngineApi)
#include "tst_engineapi.moc"
