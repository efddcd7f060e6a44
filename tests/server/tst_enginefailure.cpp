// SPDX-License-Identifier: GPL-3.0-or-later

// The engine goes away mid-stream and comes back: log clients get an `error`,
// the server stays up, metrics go on with "docker": null and recover.
// This test runs its own private engine (it kills it), never the shared one.
#include "PrivateEngine.h"
#include "TestSupport.h"

#include "archive/LogArchive.h"
#include "server/ArchiveService.h"
#include "server/LogArchiver.h"

#include <QJsonArray>

#include <QTest>

using namespace mist;
using namespace mist::test;

class TestEngineFailure : public QObject {
    Q_OBJECT
    PrivateEngine engine{QStringLiteral("mist-engine-fault")};
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;

private Q_SLOTS:
    void initTestCase() {
        MIST_VERIFY_OK(engine.start());
        // Everything in this process (docker CLI calls too) uses the private engine.
        engine.useForDockerCli();
        server::ServerConfig config;
        config.dockerHost = engine.dockerHost();
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
    }

    void cleanupTestCase() {
        f.reset();
        engine.stop();
    }

    void engineKilledMidStreamThenBack() {
        // Finite, so the container's processes end by themselves after the crash.
        const QString name = QStringLiteral("mist-fault-ticker");
        QVERIFY(!runContainer(
                     name, QStringLiteral("for i in $(seq 1 100); do echo tick$i; sleep 0.1; done"))
                     .isEmpty());
        store::App app;
        app.name = QStringLiteral("ticker");
        app.containerName = name;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));

        WsRecorder logs, metrics;
        QVERIFY(logs.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(created->id),
                          cookie));
        QVERIFY(metrics.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(logs.waitForMessages(5));
        QVERIFY(metrics.waitFor([&] {
            return !metrics.messages.isEmpty() && metrics.messages.last()["docker"].isObject();
        }));

        MIST_VERIFY_OK(engine.kill());

        QVERIFY(logs.waitForClose(20000));
        const QJsonObject last = logs.messages.last();
        QCOMPARE(last["type"].toString(), QStringLiteral("error"));
        QVERIFY2(last["data"].toObject()["message"].toString().startsWith(
                     QStringLiteral("Docker engine unavailable")),
                 qPrintable(last["data"].toObject()["message"].toString()));
        QCOMPARE(logs.closeCode, 1011);
        for (const QJsonObject &m : logs.messages.mid(1, logs.messages.size() - 2))
            QCOMPARE(m["type"].toString(), QStringLiteral("log"));

        // Metrics go on, with docker: null, and the server answers REST.
        QVERIFY(metrics.waitFor([&] { return metrics.messages.last()["docker"].isNull(); }, 10000));
        const int before = metrics.messages.size();
        QVERIFY(metrics.waitForMessages(before + 2, 5000));
        QVERIFY(!metrics.closed);
        QCOMPARE(f->http("GET", QStringLiteral("/api/health")).status, 200);

        // A new viewer while the engine is down gets a clear error, not a hang.
        WsRecorder down;
        QVERIFY(down.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(created->id),
                          cookie));
        QVERIFY(down.waitForClose(20000));
        QCOMPARE(down.messages.size(), 1);
        QVERIFY(down.messages[0]["data"].toObject()["message"].toString().startsWith(
            QStringLiteral("Docker engine unavailable")));
        QCOMPARE(down.closeCode, 1011);

        // The engine comes back: metrics recover by themselves.
        MIST_VERIFY_OK(engine.start());
        QVERIFY(
            metrics.waitFor([&] { return metrics.messages.last()["docker"].isObject(); }, 15000));
        QVERIFY(!metrics.closed);
    }

    // The log archive follows a container through an engine crash: what the
    // engine's own log holds afterwards is archived, each line once, in
    // order, with "engine lost" and "engine back" among the lines.
    void archiveFollowsThroughEngineCrash() {
        server::LogArchiver *archiver = f->server().archiver();
        QVERIFY(archiver);
        QTRY_VERIFY_WITH_TIMEOUT(archiver->engineUp(), 30000);
        const QString name = QStringLiteral("mist-fault-ingest");
        store::App app;
        app.name = QStringLiteral("ingest");
        app.containerName = name;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        // Numbered across restarts: the counter lives in the container's files.
        QVERIFY(!runContainer(name,
                              QStringLiteral("n=$(cat /tmp/n 2>/dev/null || echo 0); while true; "
                                             "do n=$((n+1)); echo \"tick $n\"; echo $n >/tmp/n; "
                                             "sleep 0.02; done"),
                              {QStringLiteral("--restart"), QStringLiteral("always")})
                     .isEmpty());
        const auto archived = [&] {
            f->server().archive().archive()->flush();
            const HttpResult r = f->http(
                "GET", QStringLiteral("/api/apps/%1/logs?order=asc&limit=10000").arg(created->id),
                {}, cookie);
            return r.json()["data"].toObject()["entries"].toArray();
        };
        const auto linesOf = [](const QJsonArray &entries) {
            QStringList out;
            for (const QJsonValue &v : entries)
                if (v.toObject()["kind"].toString() == u"log")
                    out << v.toObject()["line"].toString();
            return out;
        };
        QTRY_VERIFY_WITH_TIMEOUT(linesOf(archived()).size() >= 50, 30000);

        MIST_VERIFY_OK(engine.kill());
        QTRY_VERIFY_WITH_TIMEOUT(!archiver->engineUp(), 20000);
        MIST_VERIFY_OK(engine.start());
        QTRY_VERIFY_WITH_TIMEOUT(archiver->engineUp(), 60000);
        // The restart policy brings the container back with the engine.
        const auto engineLines = [&] {
            return docker({QStringLiteral("logs"), name}).split(u'\n', Qt::SkipEmptyParts);
        };
        const int beforeMore = engineLines().size();
        QTRY_VERIFY_WITH_TIMEOUT(engineLines().size() >= beforeMore + 50, 60000);
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"), name});
        const QStringList expected = engineLines();
        QTRY_COMPARE_WITH_TIMEOUT(linesOf(archived()).size(), expected.size(), 30000);
        const QJsonArray entries = archived();
        QCOMPARE(linesOf(entries), expected);
        bool lost = false, back = false;
        for (const QJsonValue &v : entries) {
            lost = lost || v.toObject()["event"].toString() == u"engine_lost";
            back = back || v.toObject()["event"].toString() == u"engine_back";
        }
        QVERIFY(lost);
        QVERIFY(back);
        removeContainer(name);
    }
};

QTEST_GUILESS_MAIN(TestEngineFailure)
#include "tst_enginefailure.moc"
