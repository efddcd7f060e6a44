// SPDX-License-Identifier: GPL-3.0-or-later

// A metric rule replayed over recorded history (pure): each row is a rule, a compact history
// and the firings it would have sent; hostile points (no timestamp, strings, nulls, huge or
// missing values) are rows of their own.

#include "alerts/AlertBacktest.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mist::alerts;

namespace {

constexpr qint64 T0 = 1798761600000; // 2027-01-01T00:00:00Z

Rule rule(const QByteArray &json) {
    const auto parsed = parseRule(QJsonDocument::fromJson(json).object());
    if (!parsed)
        qFatal("bad test rule %s: %s", json.constData(), qPrintable(parsed.error()));
    return *parsed;
}

// "<s>:<value>" per point (seconds after T0); "<s>:-" a point without the field; "<s>:<avg>/<max>"
// a downsampled point with its `max` object.
QJsonArray points(const QString &field, const QString &script) {
    const QString outer = field.section(u'.', 0, 0), inner = field.section(u'.', 1);
    QJsonArray out;
    for (const QString &p : script.split(u' ', Qt::SkipEmptyParts)) {
        const qint64 s = p.section(u':', 0, 0).toLongLong();
        const QString v = p.section(u':', 1);
        QJsonObject point{
            {QStringLiteral("timestamp"),
             QDateTime::fromMSecsSinceEpoch(T0 + s * 1000, Qt::UTC).toString(Qt::ISODate)}};
        if (v != u"-") {
            point.insert(outer, QJsonObject{{inner, v.section(u'/', 0, 0).toDouble()}});
            if (v.contains(u'/'))
                point.insert(
                    QStringLiteral("max"),
                    QJsonObject{{outer, QJsonObject{{inner, v.section(u'/', 1).toDouble()}}}});
        }
        out.append(point);
    }
    return out;
}

// A steady value for `seconds` seconds from `from`, one point a second.
QString steady(int from, int seconds, double value) {
    QStringList out;
    for (int s = from; s < from + seconds; ++s)
        out << QStringLiteral("%1:%2").arg(s).arg(value);
    return out.join(u' ');
}

} // namespace

class TestAlertBacktest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replays_data() {
        QTest::addColumn<QByteArray>("rule");
        QTest::addColumn<QString>("history");
        QTest::addColumn<int>("firings");
        QTest::addColumn<QString>("firedAt"); // seconds after T0
        QTest::addColumn<bool>("firingAtEnd");
        const QByteArray host90 =
            R"({"name":"cpu","kind":"metric","field":"cpu.usage","op":">","threshold":90,)"
            R"("forSeconds":0,"cooldownSeconds":0,"channels":[]})";
        const QByteArray host90for5 =
            R"({"name":"cpu","kind":"metric","field":"cpu.usage","op":">","threshold":90,)"
            R"("forSeconds":5,"cooldownSeconds":0,"channels":[]})";
        const QByteArray host90cool60 =
            R"({"name":"cpu","kind":"metric","field":"cpu.usage","op":">","threshold":90,)"
            R"("forSeconds":0,"cooldownSeconds":60,"channels":[]})";
        const QByteArray memUnder =
            R"({"name":"mem","kind":"metric","field":"memory.percent","op":"<","threshold":10,)"
            R"("forSeconds":0,"cooldownSeconds":0,"channels":[]})";
        const QByteArray app7 =
            R"({"name":"app","kind":"metric","appId":7,"field":"cpu.percent","op":">",)"
            R"("threshold":50,"forSeconds":2,"cooldownSeconds":0,"channels":[]})";

        QTest::newRow("never over") << host90 << steady(0, 20, 50) << 0 << "" << false;
        QTest::newRow("no history") << host90 << "" << 0 << "" << false;
        QTest::newRow("over once, stays") << host90 << "0:10 1:95 2:96 3:97" << 1 << "1" << true;
        QTest::newRow("three spikes")
            << host90 << "0:95 1:10 2:95 3:10 4:95 5:10" << 3 << "0 2 4" << false;
        QTest::newRow("at the threshold is not over") << host90 << "0:90 1:90" << 0 << "" << false;
        QTest::newRow("for 5 s: a 4 s spike does not fire")
            << host90for5 << "0:95 1:95 2:95 3:95 4:10 " + steady(5, 3, 10) << 0 << "" << false;
        QTest::newRow("for 5 s: 6 s over fires at 5")
            << host90for5 << steady(0, 6, 95) + " 6:10" << 1 << "5" << false;
        QTest::newRow("cooldown holds the second firing back")
            << host90cool60 << "0:95 1:10 2:95 3:10" << 1 << "0" << false;
        QTest::newRow("cooldown over: fires again")
            << host90cool60 << "0:95 1:10 61:95 62:10" << 2 << "0 61" << false;
        QTest::newRow("under a threshold") << memUnder << "0:50 1:5 2:50" << 1 << "1" << false;
        QTest::newRow("downsampled: the max counts for >")
            << host90 << "0:20/99 60:20/50" << 1 << "0" << false;
        QTest::newRow("downsampled: the average for <")
            << memUnder << "0:5/50 60:50/60" << 1 << "0" << false;
        QTest::newRow("a gap starts the duration afresh")
            << host90for5 << steady(0, 4, 95) + " " + steady(60, 4, 95) << 0 << "" << false;
        QTest::newRow("app: no figures clear the rule")
            << app7 << "0:60 1:60 2:60 3:- 4:60 5:60 6:60" << 2 << "2 6" << true;
        QTest::newRow("points without the field are skipped for the host")
            << host90 << "0:95 1:- 2:95" << 1 << "0" << true;
    }

    void replays() {
        QFETCH(QByteArray, rule);
        QFETCH(QString, history);
        QFETCH(int, firings);
        QFETCH(QString, firedAt);
        QFETCH(bool, firingAtEnd);
        const Rule r = ::rule(rule);
        const auto result =
            backtest(r, samplesFromHistory(points(r.field, history), r.field, r.op));
        QVERIFY2(result, qPrintable(result.error()));
        QCOMPARE(result->firings, firings);
        QStringList at;
        for (qint64 ms : result->firedAtMs)
            at << QString::number((ms - T0) / 1000);
        QCOMPARE(at.join(u' '), firedAt);
        QCOMPARE(result->firingAtEnd, firingAtEnd);
    }

    void onlyMetricRules() {
        const Rule r = rule(R"({"name":"oom","kind":"event","event":"oom","channels":[]})");
        const auto result = backtest(r, {});
        QVERIFY(!result);
        QCOMPARE(result.error(), QStringLiteral("Only metric rules can be tested against history"));
    }

    void hostilePoints() {
        const QJsonArray hostile = QJsonDocument::fromJson(R"([
            {"cpu": {"usage": 99}},
            {"timestamp": "yesterday", "cpu": {"usage": 99}},
            {"timestamp": 5, "cpu": {"usage": 99}},
            {"timestamp": "2027-01-01T00:00:01Z", "cpu": {"usage": "99"}},
            {"timestamp": "2027-01-01T00:00:02Z", "cpu": "99"},
            {"timestamp": "2027-01-01T00:00:03Z", "cpu": {"usage": null}, "max": "x"},
            {"timestamp": "2027-01-01T00:00:04Z", "cpu": {"usage": 1e308}, "max": {"cpu": 7}},
            "not an object", 42, null, [],
            {"timestamp": "2027-01-01T00:00:05Z", "cpu": {"usage": 12}, "max": {"cpu": {"usage": -1e308}}}
        ])")
                                       .array();
        const QList<MetricSample> samples =
            samplesFromHistory(hostile, QStringLiteral("cpu.usage"), QStringLiteral(">"));
        // Only points with a valid timestamp; values only where they are numbers.
        QCOMPARE(samples.size(), 5);
        QVERIFY(!samples[0].value && !samples[1].value && !samples[2].value);
        QCOMPARE(*samples[3].value, 1e308);
        QCOMPARE(*samples[4].value, -1e308); // the max object wins for ">"
        const auto result = backtest(rule(R"({"name":"cpu","kind":"metric","field":"cpu.usage",)"
                                          R"("op":">","threshold":90,"channels":[]})"),
                                     samples);
        QVERIFY(result);
        QCOMPARE(result->samples, 2);
        QCOMPARE(result->firings, 1);
    }

    void anHourAtOneSecondIsQuick() {
        // The editor's own case: 3 600 points, every second alternating over and under.
        QStringList script;
        for (int s = 0; s < 3600; ++s)
            script << QStringLiteral("%1:%2").arg(s).arg(s % 2 ? 95 : 10);
        const Rule r = rule(R"({"name":"cpu","kind":"metric","field":"cpu.usage","op":">",)"
                            R"("threshold":90,"cooldownSeconds":0,"channels":[]})");
        const auto result =
            backtest(r, samplesFromHistory(points(r.field, script.join(u' ')), r.field, r.op));
        QVERIFY(result);
        QCOMPARE(result->firings, 1800);
        QCOMPARE(result->samples, 3600);
    }
};

QTEST_GUILESS_MAIN(TestAlertBacktest)
#include "tst_alertbacktest.moc"
