// SPDX-License-Identifier: GPL-3.0-or-later

// Lines the shared container log stream reads for a viewer also go into the
// log archive, and GET /api/apps/{id}/logs finds them (real engine, real server).
#include "TestSupport.h"

#include "archive/LogArchive.h"
#include "server/ArchiveService.h"

#include <QJsonArray>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestArchiveIngest : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;
    QString container;

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
    }

    void cleanupTestCase() {
        if (!container.isEmpty())
            removeContainer(container);
    }

    void viewersLinesAreArchived() {
        container = QStringLiteral("mist-ingest-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(container, QStringLiteral("echo ready; while true; do sleep 1; done"))
                     .isEmpty());
        store::App app;
        app.name = container;
        app.containerName = container;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        const qint64 appId = created->id;

        WsRecorder ws;
        QVERIFY(
            ws.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(appId), cookie));
        // "ready" comes from the tail the hub read at start: it follows live now.
        QVERIFY(ws.waitFor([&] { return ws.ofType(QStringLiteral("log")).size() >= 1; }, 30000));
        bool ok = false;
        docker({QStringLiteral("exec"), container, QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("for i in $(seq 1 50); do if [ $((i % 5)) -eq 0 ]; then "
                               "echo \"line $i\" >/proc/1/fd/2; else echo \"line $i\" "
                               ">/proc/1/fd/1; fi; done")},
               &ok);
        QVERIFY(ok);
        QVERIFY(ws.waitFor([&] { return ws.ofType(QStringLiteral("log")).size() >= 51; }, 30000));
        f->server().archive().archive()->flush();

        const HttpResult r =
            f->http("GET", QStringLiteral("/api/apps/%1/logs?order=asc").arg(appId), {}, cookie);
        QCOMPARE(r.status, 200);
        const QJsonArray entries = r.json()["data"].toObject()["entries"].toArray();
        // Each once, on its stream; stdout's in order (the engine stamps the
        // two streams on their own, so their interleaving may differ).
        QStringList stdoutLines, stderrLines;
        for (const QJsonValue &v : entries) {
            const QJsonObject e = v.toObject();
            QCOMPARE(e["container"].toString(), container);
            // The server's own follower may add a "started" entry.
            if (e["kind"].toString() == u"event")
                continue;
            (e["stream"].toString() == u"stderr" ? stderrLines : stdoutLines)
                << e["line"].toString();
        }
        // "ready" too: the lines a hub reads at its start are archived.
        QStringList expectedOut{QStringLiteral("ready")}, expectedErr;
        for (int i = 1; i <= 50; ++i)
            (i % 5 == 0 ? expectedErr : expectedOut) << QStringLiteral("line %1").arg(i);
        QCOMPARE(stdoutLines, expectedOut);
        QCOMPARE(stderrLines, expectedErr);
    }
};

QTEST_MAIN(TestArchiveIngest)
#include "tst_archiveingest.moc"
