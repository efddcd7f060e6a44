// SPDX-License-Identifier: GPL-3.0-or-later

// Deployments as chart markers (pure): where each is placed and what hovering it says, from
// the deployment lists a server answers, hostile entries included.

#include "DeploymentMarkers.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mist::gui;

class TestDeploymentMarkers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void markers_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QStringList>("expected"); // "<ms since 2027-01-01>|<text>"
        QTest::newRow("finished: placed where it finished")
            << QByteArray(
                   R"j([{"id":12,"status":"success","commit_hash":"a1b2c3d4e5f6","commit_message":"Add search\n\nLong body","created_at":"2027-01-01T00:00:00Z","started_at":"2027-01-01T00:00:01Z","finished_at":"2027-01-01T00:01:00Z"}])j")
            << QStringList{QStringLiteral("60000|#12 \u00b7 success \u00b7 a1b2c3d Add search")};
        QTest::newRow("running: where it started")
            << QByteArray(
                   R"j([{"id":13,"status":"building","commit_hash":"","commit_message":"","created_at":"2027-01-01T00:00:00Z","started_at":"2027-01-01T00:00:05Z","finished_at":null}])j")
            << QStringList{QStringLiteral("5000|#13 \u00b7 building")};
        QTest::newRow("pending: where it was made")
            << QByteArray(R"j([{"id":14,"status":"pending","created_at":"2027-01-01T00:00:09Z"}])j")
            << QStringList{QStringLiteral("9000|#14 \u00b7 pending")};
        QTest::newRow("oldest first")
            << QByteArray(
                   R"j([{"id":2,"status":"failed","finished_at":"2027-01-01T00:00:02Z"},{"id":1,"status":"success","finished_at":"2027-01-01T00:00:01Z"}])j")
            << QStringList{QStringLiteral("1000|#1 \u00b7 success"),
                           QStringLiteral("2000|#2 \u00b7 failed")};
        QTest::newRow("hostile entries left out")
            << QByteArray(
                   R"j([42,"x",null,[],{"id":3},{"id":"4","finished_at":"2027-01-01T00:00:04Z"},{"id":5,"finished_at":"yesterday"},{"id":6,"finished_at":7}])j")
            << QStringList{};
        QTest::newRow("a huge message is cut")
            << QByteArray(R"j([{"id":7,"status":"success","commit_message":")j" +
                          QByteArray(5000, 'm') + R"j(","finished_at":"2027-01-01T00:00:01Z"}])j")
            << QStringList{QStringLiteral("1000|#7 \u00b7 success \u00b7 ") + QString(200, u'm')};
        QTest::newRow("empty") << QByteArray("[]") << QStringList{};
    }

    void markers() {
        QFETCH(QByteArray, json);
        QFETCH(QStringList, expected);
        const QJsonDocument doc = QJsonDocument::fromJson(json);
        QVERIFY(doc.isArray());
        const qint64 t0 = 1798761600000; // 2027-01-01T00:00:00Z
        QStringList got;
        for (const DeploymentMarker &m : deploymentMarkers(doc.array()))
            got << QStringLiteral("%1|%2").arg(m.atMs - t0).arg(m.text);
        QCOMPARE(got, expected);
    }

    void atMostTheNewestHundred() {
        QJsonArray many;
        for (int i = 0; i < 250; ++i)
            many.append(QJsonObject{
                {QStringLiteral("id"), i},
                {QStringLiteral("finished_at"),
                 QDateTime::fromSecsSinceEpoch(1798761600 + i, Qt::UTC).toString(Qt::ISODate)}});
        const auto markers = deploymentMarkers(many);
        QCOMPARE(markers.size(), MaxDeploymentMarkers);
        QCOMPARE(markers.first().id, 150);
        QCOMPARE(markers.last().id, 249);
    }
};

QTEST_GUILESS_MAIN(TestDeploymentMarkers)
#include "tst_deploymentmarkers.moc"
