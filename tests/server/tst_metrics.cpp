// SPDX-License-Identifier: GPL-3.0-or-later

// /ws/metrics: the published schema, about one message per second, the latest
// sample at once on connect, identical bytes for every client.
#include "TestSupport.h"

#include "metrics/MetricsSampler.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

using namespace mist;
using namespace mist::test;

class TestMetricsEndpoint : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        // Any signed-in user may read metrics, not only admins.
        f->addUser(QStringLiteral("plain@example.com"), store::Role::User);
        cookie = f->login(QStringLiteral("plain@example.com"));
        QVERIFY(!cookie.isEmpty());
    }

    void latestSampleAtOnce() {
        QTest::qWait(1200); // the server has sampled at least once
        WsRecorder ws;
        QElapsedTimer t;
        t.start();
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(ws.waitForMessages(1, 2000));
        QVERIFY2(t.elapsed() < 900, "the first sample must not wait for the next tick");
    }

    void schemaTypesAndRanges() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(ws.waitForMessages(3, 5000));
        for (const QJsonObject &m : ws.messages) {
            QCOMPARE(m.keys(), (QStringList{"cpu", "disk", "docker", "memory", "timestamp"}));
            QVERIFY(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)"))
                        .match(m["timestamp"].toString())
                        .hasMatch());
            const QJsonObject cpu = m["cpu"].toObject();
            QCOMPARE(cpu.keys(), (QStringList{"cores", "usage"}));
            QVERIFY(cpu["usage"].isDouble());
            QVERIFY(cpu["usage"].toDouble() >= 0 && cpu["usage"].toDouble() <= 100);
            QCOMPARE(cpu["cores"].toInt(), QThread::idealThreadCount());
            for (const char *key : {"memory", "disk"}) {
                const QJsonObject o = m[QLatin1String(key)].toObject();
                QCOMPARE(o.keys(), (QStringList{"percent", "total", "used"}));
                const double used = o["used"].toDouble(), total = o["total"].toDouble();
                QVERIFY(total > 0);
                QVERIFY(used >= 0 && used <= total);
                const double percent = o["percent"].toDouble();
                QVERIFY(qAbs(percent - 100.0 * used / total) <= 0.05 + 1e-9);
                QCOMPARE(percent, std::round(percent * 10) / 10); // one decimal
            }
            QJsonObject d = m["docker"].toObject();
            // On a Swarm manager (the test command's engine is one) an extra
            // `swarm` object, once read (docs/SCALING.md); the documented
            // keys stay exactly as they are.
            if (d.contains(QStringLiteral("swarm"))) {
                QCOMPARE(d["swarm"].toObject().keys(),
                         (QStringList{"nodes", "nodesReady", "services", "tasksRunning"}));
                d.remove(QStringLiteral("swarm"));
            }
            QCOMPARE(d.keys(), (QStringList{"containers_running", "containers_total", "images"}));
            QVERIFY(d["images"].toInt() >= 1); // at least the base image
            QVERIFY(d["containers_running"].toInt() <= d["containers_total"].toInt());
        }
    }

    void aboutOncePerSecond() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(ws.waitForMessages(1, 2000));
        QTest::qWait(5200);
        // 1 at once + one per second for 5.2 s: 6, allow one either way.
        QVERIFY2(ws.messages.size() >= 5 && ws.messages.size() <= 7,
                 qPrintable(QString::number(ws.messages.size())));
    }

    void sameBytesForEveryClient() {
        WsRecorder a, b;
        QVERIFY(a.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(b.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(a.waitForMessages(3, 5000));
        QVERIFY(b.waitForMessages(3, 5000));
        // After both are connected, each tick's message is the same string.
        const QString last = a.raw.last();
        QVERIFY(b.waitFor([&] { return b.raw.contains(last); }, 2000));
    }

    void dockerCountsFollowTheEngine() {
        const QString name =
            QStringLiteral("mist-metrics-%1").arg(QCoreApplication::applicationPid());
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QVERIFY(ws.waitForMessages(2, 5000));
        const int before = ws.messages.last()["docker"].toObject()["containers_running"].toInt();
        runContainer(name, QStringLiteral("sleep 60"));
        const bool rose = ws.waitFor(
            [&] {
                return ws.messages.last()["docker"].toObject()["containers_running"].toInt() >
                       before;
            },
            8000);
        removeContainer(name);
        QVERIFY(rose);
    }
};

QTEST_GUILESS_MAIN(TestMetricsEndpoint)
#include "tst_metrics.moc"
