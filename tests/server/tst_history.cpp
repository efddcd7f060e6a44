// SPDX-License-Identifier: GPL-3.0-or-later

// The history routes on a real server on loopback: the host's samples kept
// across a restart, an app's series as the per-app sampler records it, who
// may read what, and every kind of bad request.
#include "TestSupport.h"

#include "history/MetricHistory.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
QString rfc3339(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}
QString hostPath(qint64 fromMs, const QString &extra = {}) {
    return QStringLiteral("/api/metrics/history?from=%1%2").arg(rfc3339(fromMs), extra);
}
} // namespace

class TestHistoryRoutes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hostHistorySurvivesRestart() {
        QTemporaryDir dir;
        server::ServerConfig config;
        config.dataDir = dir.filePath(QStringLiteral("data"));
        const qint64 start = QDateTime::currentMSecsSinceEpoch() - 1000;
        qint64 stopped = 0;
        {
            ServerFixture f(config);
            QVERIFY2(f.ok(), qPrintable(f.error()));
            f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
            pump(3500);
            stopped = QDateTime::currentMSecsSinceEpoch();
        }
        ServerFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        const QByteArray cookie = f.login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
        pump(1500);
        const HttpResult r = f.http("GET", hostPath(start, QStringLiteral("&step=1")), {}, cookie);
        QCOMPARE(r.status, 200);
        const QJsonObject data = r.json().value("data").toObject();
        QCOMPARE(data.value("step").toInt(), 1);
        const QJsonArray points = data.value("points").toArray();
        int before = 0, after = 0;
        for (const QJsonValue &v : points) {
            const QJsonObject p = v.toObject();
            const auto t = QDateTime::fromString(p.value("timestamp").toString(), Qt::ISODate);
            QVERIFY(t.isValid());
            // The live sample's fields, in its shape.
            QVERIFY(p.value("cpu").toObject().value("usage").isDouble());
            QVERIFY(p.value("memory").toObject().value("total").toDouble() > 0);
            (t.toMSecsSinceEpoch() < stopped ? before : after) += 1;
        }
        QVERIFY2(before >= 3, qPrintable(QString::fromUtf8(r.body.left(400))));
        QVERIFY(after >= 1);
        // Default step for a recent `from`: the seconds.
        QCOMPARE(f.http("GET", hostPath(start), {}, cookie)
                     .json()
                     .value("data")
                     .toObject()
                     .value("step")
                     .toInt(),
                 1);
    }

    void appHistoryAndPermissions() {
        ServerFixture f;
        QVERIFY2(f.ok(), qPrintable(f.error()));
        const auto two = f.addTwoProjects();
        QVERIFY(two.alphaApp > 0 && !two.user.isEmpty());
        // What the per-app sampler does every second.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QJsonObject sample{
            {"cpu", QJsonObject{{"percent", 12.5}}},
            {"memory", QJsonObject{{"used", 1048576}, {"limit", QJsonValue::Null}}},
            {"pids", 3},
            {"restarts", 0}};
        QVERIFY(f.server().history()->record(history::appSeries(two.alphaApp), now - 2000, sample));
        QVERIFY(f.server().history()->record(history::appSeries(two.alphaApp), now - 1000, sample));
        const QString path = QStringLiteral("/api/apps/%1/stats/history?from=%2&step=1");
        const QString alpha = path.arg(two.alphaApp).arg(rfc3339(now - 60000));
        const QString beta = path.arg(two.betaApp).arg(rfc3339(now - 60000));

        HttpResult r = f.http("GET", alpha, {}, two.user);
        QCOMPARE(r.status, 200);
        const QJsonArray points = r.json().value("data").toObject().value("points").toArray();
        QCOMPARE(points.size(), 2);
        QCOMPARE(points[0]["cpu"]["percent"].toDouble(), 12.5);
        QCOMPARE(points[1]["memory"]["used"].toDouble(), 1048576.0);
        QVERIFY(!points[1]["memory"].toObject().contains("limit"));
        QCOMPARE(points[1]["pids"].toDouble(), 3.0);
        // A minute step: averages and a "max" of the same shape.
        r = f.http("GET", alpha.chopped(1) + "60", {}, two.user);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("data").toObject().value("step").toInt(), 60);

        // Someone else's app: as the app routes answer.
        r = f.http("GET", beta, {}, two.user);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json()["error"].toString(), QStringLiteral("Permission denied"));
        QCOMPARE(f.http("GET", beta, {}, two.owner).status, 200);
        QCOMPARE(f.http("GET", beta, {}, two.owner)
                     .json()
                     .value("data")
                     .toObject()
                     .value("points")
                     .toArray()
                     .size(),
                 0);
        // Strangers, unknown apps, bad ids.
        QCOMPARE(f.http("GET", alpha).status, 401);
        QCOMPARE(f.http("GET", hostPath(now - 60000)).status, 401);
        QCOMPARE(f.http("GET", hostPath(now - 60000), {}, "not-a-session").status, 401);
        QCOMPARE(f.http("GET", hostPath(now - 60000), {}, two.user).status, 200);
        r = f.http("GET", path.arg(999999).arg(rfc3339(now)), {}, two.owner);
        QCOMPARE(r.status, 404);
        QCOMPARE(f.http("GET", path.arg("abc").arg(rfc3339(now)), {}, two.owner).status, 400);
        QCOMPARE(f.http("POST", hostPath(now - 60000), "{}", two.owner).status, 405);
    }

    void badRequests_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("error");
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString from = rfc3339(now - 3600000);
        QTest::newRow("no from") << QString() << "from is required";
        QTest::newRow("from malformed") << "from=yesterday"
                                        << "from is not an RFC 3339 time";
        QTest::newRow("from without zone") << "from=2026-01-01T00:00:00"
                                           << "from is not";
        QTest::newRow("to malformed") << "from=" + from + "&to=now"
                                      << "to is not";
        QTest::newRow("from after to")
            << "from=" + from + "&to=" + rfc3339(now - 7200000) << "from is after to";
        for (const char *step : {"0", "-1", "x", "1e3", "31536001", "123456789012345678901234"})
            QTest::newRow(qPrintable(QStringLiteral("step=%1").arg(step)))
                << "from=" + from + "&step=" + step << "step must be a whole number of seconds";
        QTest::newRow("range too large for the step")
            << "from=" + rfc3339(now - 3LL * 86400000) + "&step=1"
            << "at most 100000";
        QTest::newRow("huge from") << "from=" + QString(5000, u'9') << "from is not";
    }
    void badRequests() {
        QFETCH(QString, query);
        QFETCH(QString, error);
        ServerFixture f;
        QVERIFY2(f.ok(), qPrintable(f.error()));
        const auto two = f.addTwoProjects();
        for (const QString &route :
             {QStringLiteral("/api/metrics/history"),
              QStringLiteral("/api/apps/%1/stats/history").arg(two.alphaApp)}) {
            const HttpResult r = f.http("GET", route + "?" + query, {}, two.user);
            QCOMPARE(r.status, 400);
            QVERIFY2(r.json()["error"].toString().contains(error), r.body.constData());
        }
    }
};

QTEST_MAIN(TestHistoryRoutes)
#include "tst_history.moc"
