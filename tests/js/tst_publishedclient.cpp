// SPDX-License-Identifier: GPL-3.0-or-later

// A client written by someone else from the published page alone -- the
// page's own JavaScript on a standard WebSocket -- against the real server.
#include "TestPaths.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QProcess>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestPublishedClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pageJavaScriptWorks() {
        MIST_REQUIRE_DOCKER();
        ServerFixture f;
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("web@example.com"), store::Role::Owner);
        const QString name = QStringLiteral("mist-js-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(name, QStringLiteral("for i in 1 2 3 4 5; do echo js-line$i; done; "
                                                   "while true; do sleep 1; done"))
                     .isEmpty());
        store::App app;
        app.name = QStringLiteral("js");
        app.containerName = name;
        QString error;
        const auto created = f.store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        QTest::qWait(300);

        // Node 20 has its WebSocket behind a flag that older Nodes refuse as a
        // bad option (the script falls back to the ws module there).
        QStringList args;
        QProcess probe;
        probe.start(QStringLiteral("node"),
                    {QStringLiteral("--experimental-websocket"), QStringLiteral("-e"), {}});
        if (probe.waitForFinished(30000) && probe.exitStatus() == QProcess::NormalExit &&
            probe.exitCode() == 0)
            args << QStringLiteral("--experimental-websocket");
        args << mist::test::sourcePath(QStringLiteral("tests/js/published_page_client.mjs"))
             << QStringLiteral("http://127.0.0.1:%1").arg(f.port())
             << QStringLiteral("web@example.com") << QStringLiteral("correct horse battery")
             << QString::number(created->id);
        QProcess node;
        node.start(QStringLiteral("node"), args);
        WsRecorder w; // the server runs in this process: keep its event loop turning
        QVERIFY(w.waitFor([&] { return node.state() == QProcess::NotRunning; }, 60000));
        removeContainer(name);
        const QByteArray err = node.readAllStandardError();
        QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0,
                 err.constData());
        const QJsonObject result = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
        QCOMPARE(result["status"].toObject()["state"].toString(), QStringLiteral("running"));
        QCOMPARE(result["status"].toObject()["container"].toString(), name);
        const QJsonArray logs = result["logs"].toArray();
        QVERIFY(logs.size() >= 3);
        QCOMPARE(logs[0].toString(), QStringLiteral("js-line1"));
        QCOMPARE(logs[2].toString(), QStringLiteral("js-line3"));
        QVERIFY(result["error"].isNull());
        const QJsonArray metrics = result["metrics"].toArray();
        QVERIFY(metrics.size() >= 2);
        for (const QJsonValue &m : metrics)
            QVERIFY(m.toObject()["cores"].toInt() >= 1);
        // The last tick read carries the engine's counts (earlier ones may
        // say null while a busy engine had not answered yet).
        const QJsonObject docker = metrics.last().toObject()["docker"].toObject();
        QVERIFY2(docker.contains("containers_running"),
                 QJsonDocument(metrics).toJson(QJsonDocument::Compact).constData());
        QVERIFY(docker["containers_running"].toInt() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestPublishedClient)
#include "tst_publishedclient.moc"
