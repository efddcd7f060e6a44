// SPDX-License-Identifier: GPL-3.0-or-later

// A Swarm service's merged log in the desktop window (offscreen, real engine
// in swarm mode): each line starts with its task and node, as `docker
// service logs` writes them, so the log view's filter picks one task or one
// node; the status row names the service and its tasks running.
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TestSupport.h"
#include "client/ServerSession.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestServiceLogs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void labels_data() {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<QString>("label");
        const QString id = QStringLiteral("x8ccy5ed58ylq7wa8ddxkccxm");
        QTest::newRow("full") << "web"
                              << QJsonObject{{QStringLiteral("task"), id},
                                             {QStringLiteral("slot"), 2},
                                             {QStringLiteral("node"),
                                              QStringLiteral("y7snn6fihhqj8n")},
                                             {QStringLiteral("nodeName"), QStringLiteral("node-1")}}
                              << "web.2.x8ccy5ed58yl@node-1 | ";
        QTest::newRow("no node name: its id")
            << "web"
            << QJsonObject{{QStringLiteral("task"), id},
                           {QStringLiteral("slot"), 1},
                           {QStringLiteral("node"), QStringLiteral("y7snn6fihhqj8npk7kvr86r5b")}}
            << "web.1.x8ccy5ed58yl@y7snn6fihhqj | ";
        QTest::newRow("global service: no slot")
            << "agent"
            << QJsonObject{{QStringLiteral("task"), id},
                           {QStringLiteral("nodeName"), QStringLiteral("n")}}
            << "agent.x8ccy5ed58yl@n | ";
        QTest::newRow("service not known yet")
            << ""
            << QJsonObject{{QStringLiteral("task"), QStringLiteral("t1")},
                           {QStringLiteral("slot"), 3}}
            << "task.3.t1@ | ";
        QTest::newRow("a container's line")
            << "web" << QJsonObject{{QStringLiteral("line"), QStringLiteral("x")}} << "";
        QTest::newRow("hostile values")
            << "web"
            << QJsonObject{{QStringLiteral("task"), 42},
                           {QStringLiteral("slot"), QStringLiteral("2")}}
            << "";
    }
    void labels() {
        QFETCH(QString, service);
        QFETCH(QJsonObject, data);
        QFETCH(QString, label);
        QCOMPARE(gui::MainWindow::taskLabel(service, data), label);
    }

    void tasksText() {
        const QJsonObject status{
            {QStringLiteral("tasks"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("slot"), 1},
                             {QStringLiteral("node"), QStringLiteral("n1")},
                             {QStringLiteral("nodeName"), QStringLiteral("edge-1")},
                             {QStringLiteral("state"), QStringLiteral("running")},
                             {QStringLiteral("desiredState"), QStringLiteral("running")}},
                 QJsonObject{{QStringLiteral("slot"), 2},
                             {QStringLiteral("node"), QStringLiteral("y7snn6fihhqj8npk")},
                             {QStringLiteral("state"), QStringLiteral("starting")},
                             {QStringLiteral("desiredState"), QStringLiteral("running")}},
                 QJsonObject{{QStringLiteral("slot"), 2},
                             {QStringLiteral("node"), QStringLiteral("n1")},
                             {QStringLiteral("state"), QStringLiteral("failed")},
                             {QStringLiteral("desiredState"), QStringLiteral("shutdown")}}}}};
        QCOMPARE(gui::MainWindow::serviceTasksText(QStringLiteral("web"), status),
                 QStringLiteral(" — web.1 on edge-1 (running), web.2 on y7snn6fihhqj (starting)"));
        QCOMPARE(gui::MainWindow::serviceTasksText(QStringLiteral("web"), QJsonObject()),
                 QString());
    }

    void filterByTaskOrNode() {
        MIST_REQUIRE_DOCKER();
        bool ok = false;
        if (docker({QStringLiteral("info"), QStringLiteral("--format"),
                    QStringLiteral("{{.Swarm.ControlAvailable}}")},
                   &ok) != u"true")
            QFAIL("the engine is not a swarm manager: run the suite through scripts/setup.sh test");
        const QString name =
            QStringLiteral("mist-gui-svc-%1").arg(QCoreApplication::applicationPid());
        const auto cleanup = qScopeGuard([&] {
            docker({QStringLiteral("service"), QStringLiteral("rm"), name});
        });
        docker({QStringLiteral("service"), QStringLiteral("create"), QStringLiteral("--quiet"),
                QStringLiteral("--detach"), QStringLiteral("--name"), name,
                QStringLiteral("--replicas"), QStringLiteral("2"), QStringLiteral("--init"),
                QStringLiteral("mist-test-base:latest"), QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done")},
               &ok);
        QVERIFY(ok);
        // Both tasks running before the window looks: its first status row
        // then names both, and no later status row comes between the lines.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return docker({QStringLiteral("service"), QStringLiteral("ls"),
                               QStringLiteral("--filter"), QStringLiteral("name=") + name,
                               QStringLiteral("--format"), QStringLiteral("{{.Replicas}}")}) ==
                       u"2/2";
            },
            60000));
        server::ServerConfig config;
        config.port = 0;
        ServerFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        const auto owner = f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        store::App app;
        app.name = QStringLiteral("web");
        app.serviceName = name;
        QString error;
        const qint64 appId = f.store().apps().add(app)->id;

        gui::MainWindow window;
        auto *session = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f.port())), &window);
        session->setToken(f.store().sessions().create(owner.id).value());
        window.connectTo(session, QStringLiteral("swarm"));
        window.show();
        QVERIFY(QTest::qWaitFor([&] { return window.appCount(0) == 1; }, 15000));
        window.selectApp(appId);
        gui::LogModel *logs = window.logView()->model();
        // Lines of both tasks, each labelled.
        QSet<QString> slotsSeen;
        QVERIFY(QTest::qWaitFor(
            [&] {
                logs->flushPending();
                slotsSeen.clear();
                for (int i = 0; i < logs->visibleLines(); ++i) {
                    const QString text = logs->entryAt(i).text;
                    if (text.startsWith(name + QStringLiteral(".1.")))
                        slotsSeen << QStringLiteral("1");
                    else if (text.startsWith(name + QStringLiteral(".2.")))
                        slotsSeen << QStringLiteral("2");
                }
                return slotsSeen.size() == 2;
            },
            60000));
        // The live status row (archived lifecycle rows, "— started —", may come before it when
        // the archive has the tasks' starts by the time the view opens).
        int statusRow = 0;
        while (statusRow + 1 < logs->visibleLines() &&
               !logs->entryAt(statusRow).text.startsWith(QStringLiteral("Service ")))
            ++statusRow;
        QCOMPARE(logs->entryAt(statusRow).kind, gui::LogEntry::Kind::Status);
        QVERIFY2(logs->entryAt(statusRow).text.startsWith(QStringLiteral("Service ") + name),
                 qPrintable(logs->entryAt(statusRow).text));
        // Replicas and their nodes in the status row.
        QVERIFY2(logs->entryAt(statusRow).text.contains(name + QStringLiteral(".1 on ")) &&
                     logs->entryAt(statusRow).text.contains(name + QStringLiteral(".2 on ")),
                 qPrintable(logs->entryAt(statusRow).text));

        // Filter by task: only slot 1's lines (and the status row).
        window.logView()->setFilterText(name + QStringLiteral(".1."), false);
        logs->flushPending();
        int lines = 0;
        for (int i = 0; i < logs->visibleLines(); ++i) {
            const gui::LogEntry e = logs->entryAt(i);
            if (e.kind != gui::LogEntry::Kind::Line)
                continue;
            ++lines;
            QVERIFY2(e.text.startsWith(name + QStringLiteral(".1.")), qPrintable(e.text));
        }
        QVERIFY(lines > 0);
        // By node: every line of this one-node swarm.
        const QString firstLine = [&] {
            window.logView()->setFilterText(QString(), false);
            logs->flushPending();
            for (int i = 0; i < logs->visibleLines(); ++i) {
                if (logs->entryAt(i).kind == gui::LogEntry::Kind::Line)
                    return logs->entryAt(i).text;
            }
            return QString();
        }();
        const QString node = firstLine.section(u'@', 1).section(u' ', 0, 0);
        QVERIFY(!node.isEmpty());
        window.logView()->setFilterText(u'@' + node + QStringLiteral(" |"), false);
        logs->flushPending();
        QVERIFY(logs->visibleLines() > lines);
    }
};

QTEST_MAIN(TestServiceLogs)
#include "tst_servicelogs.moc"
