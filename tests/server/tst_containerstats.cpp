// SPDX-License-Identifier: GPL-3.0-or-later

// Upstream's /api/ws/container/stats?appId= served by this server against
// the private engine: upstream's message shapes (status, stats with its
// nine fields in MiB, end, its errors), behind this server's handshake
// (401 for strangers, the app's permission), bad appIds, many viewers of one
// app, and the end when the container stops.

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {

QString uniqueName(const QString &what) {
    return QStringLiteral("mist-cstats-%1-%2").arg(what).arg(QCoreApplication::applicationPid());
}

QString path(qint64 app) {
    return QStringLiteral("/api/ws/container/stats?appId=%1").arg(app);
}

QString errorOf(const WsRecorder &ws) {
    const auto errors = ws.ofType(QStringLiteral("error"));
    return errors.isEmpty() ? QString() : errors.first()["data"].toObject()["message"].toString();
}

} // namespace

class TestContainerStats : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    ServerFixture::TwoProjects two;
    QStringList m_containers;

    qint64 addApp(const QString &name, const QString &container, const QByteArray &cookie) {
        const QJsonObject body{{QStringLiteral("name"), name},
                               {QStringLiteral("project"), QStringLiteral("alpha")},
                               {QStringLiteral("container"), container}};
        const HttpResult r = f->http("POST", QStringLiteral("/api/apps"),
                                     QJsonDocument(body).toJson(QJsonDocument::Compact), cookie);
        return r.status == 201 ? qint64(r.json()["data"].toObject()["id"].toDouble()) : 0;
    }
    QString run(const QString &what, const QString &script) {
        const QString name = uniqueName(what);
        m_containers << name;
        return runContainer(name, script).isEmpty() ? QString() : name;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        two = f->addTwoProjects();
        QVERIFY(two.alphaApp > 0 && !two.owner.isEmpty() && !two.user.isEmpty());
    }
    void cleanupTestCase() {
        for (const QString &c : std::as_const(m_containers))
            removeContainer(c);
    }

    // Upstream lets anyone in; this server does not.
    void strangersGet401BeforeUpgrade() {
        QCOMPARE(f->rawUpgradeStatus(path(two.alphaApp), {}), 401);
        QCOMPARE(f->rawUpgradeStatus(path(two.alphaApp), "mist_token=forged"), 401);
        QCOMPARE(f->rawUpgradeStatus(path(two.alphaApp), two.owner, "http://evil.example"), 403);
    }

    void badAppIds_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("error");
        QTest::newRow("missing") << QString() << QStringLiteral("Invalid appId");
        QTest::newRow("empty") << QStringLiteral("?appId=") << QStringLiteral("Invalid appId");
        QTest::newRow("text") << QStringLiteral("?appId=web") << QStringLiteral("Invalid appId");
        QTest::newRow("negative") << QStringLiteral("?appId=-1") << QStringLiteral("Invalid appId");
        QTest::newRow("huge") << QStringLiteral("?appId=99999999999999999999999")
                              << QStringLiteral("Invalid appId");
        QTest::newRow("twice") << QStringLiteral("?appId=1&appId=2")
                               << QStringLiteral("Invalid appId");
        QTest::newRow("nul") << QStringLiteral("?appId=1%00") << QStringLiteral("Invalid appId");
        QTest::newRow("unknown") << QStringLiteral("?appId=987654")
                                 << QStringLiteral("Application not found");
    }
    void badAppIds() {
        QFETCH(QString, query);
        QFETCH(QString, error);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/api/ws/container/stats") + query, two.owner));
        QVERIFY(ws.waitForClose());
        QCOMPARE(errorOf(ws), error);
    }

    // The user is a member of alpha only: beta's app is refused.
    void otherProjectsAppRefused() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(two.betaApp), two.user));
        QVERIFY(ws.waitForClose());
        QCOMPARE(errorOf(ws), QStringLiteral("Permission denied"));
    }

    // The fixture's apps adopt containers that do not exist.
    void noContainer() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(two.alphaApp), two.user));
        QVERIFY(ws.waitForClose());
        QCOMPARE(errorOf(ws), QStringLiteral("Container not found"));
        QVERIFY(ws.ofType(QStringLiteral("stats")).isEmpty());
    }

    void stoppedContainer() {
        const QString name = run(QStringLiteral("stopped"), QStringLiteral("sleep 600"));
        QVERIFY(!name.isEmpty());
        bool ok = false;
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("0"), name}, &ok);
        QVERIFY(ok);
        const qint64 app = addApp(QStringLiteral("stopped"), name, two.owner);
        QVERIFY(app > 0);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), two.owner));
        QVERIFY(ws.waitForClose(20000));
        const auto status = ws.ofType(QStringLiteral("status"));
        QCOMPARE(status.size(), 1);
        QCOMPARE(status.first()["data"].toObject()["state"].toString(), QStringLiteral("stopped"));
        QCOMPARE(status.first()["data"].toObject()["status"].toString(), QStringLiteral("exited"));
        QCOMPARE(errorOf(ws), QStringLiteral("Container is not running (state: stopped)"));
    }

    // A busy container: status, then a stats message a second with
    // upstream's nine fields, for each of 20 viewers; when it stops, end.
    void runningContainerStreamsUntilItStops() {
        const QString name =
            run(QStringLiteral("busy"), QStringLiteral("while :; do :; done & sleep 600"));
        QVERIFY(!name.isEmpty());
        const qint64 app = addApp(QStringLiteral("busy"), name, two.owner);
        QVERIFY(app > 0);
        std::vector<std::unique_ptr<WsRecorder>> viewers;
        for (int i = 0; i < 20; ++i) {
            viewers.push_back(std::make_unique<WsRecorder>());
            QVERIFY(viewers.back()->open(f->port(), path(app), i % 2 ? two.owner : two.user));
        }
        for (const auto &ws : viewers)
            QVERIFY(ws->waitFor([&] { return ws->ofType(QStringLiteral("stats")).size() >= 3; },
                                30000));
        const WsRecorder &first = *viewers.front();
        QCOMPARE(first.messages.first()["type"].toString(), QStringLiteral("status"));
        const QJsonObject status = first.messages.first()["data"].toObject();
        QCOMPARE(status["container"].toString(), name);
        QCOMPARE(status["state"].toString(), QStringLiteral("running"));
        const QJsonObject stats = first.ofType(QStringLiteral("stats")).last()["data"].toObject();
        QStringList keys = stats.keys();
        keys.sort();
        QCOMPARE(keys, (QStringList{"block_read_mb", "block_write_mb", "cpu_percent",
                                    "memory_limit_mb", "memory_percent", "memory_used_mb",
                                    "network_rx_mb", "network_tx_mb", "pids"}));
        QVERIFY2(stats["cpu_percent"].toDouble() > 20,
                 qPrintable(QString::number(stats["cpu_percent"].toDouble())));
        QVERIFY(stats["memory_used_mb"].toDouble() > 0);
        QVERIFY(stats["memory_limit_mb"].toDouble() >= stats["memory_used_mb"].toDouble());
        QVERIFY(stats["pids"].toDouble() >= 2);
        // Whole seconds in the envelope, as upstream's.
        QVERIFY(!first.messages.last()["timestamp"].toString().contains(u'.'));
        bool ok = false;
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("0"), name}, &ok);
        QVERIFY(ok);
        for (const auto &ws : viewers) {
            QVERIFY(ws->waitForClose(15000));
            const auto ends = ws->ofType(QStringLiteral("end"));
            QCOMPARE(ends.size(), 1);
            QCOMPARE(ends.first()["data"].toObject()["message"].toString(),
                     QStringLiteral("Stats stream ended"));
            QCOMPARE(ws->closeCode, 1000);
        }
    }
};

QTEST_MAIN(TestContainerStats)
#include "tst_containerstats.moc"
