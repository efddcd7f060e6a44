// SPDX-License-Identifier: GPL-3.0-or-later

// A /ws/alerts message's data (or an entry of GET /api/alerts) as the
// desktop reads it: every field checked, hostile values refused or cut,
// and what counts as one condition (fires and resolves together).

#include "client/AlertFeed.h"

#include <QJsonDocument>
#include <QTest>

using namespace mist::client;

namespace {
QJsonObject sq(const char *text) {
    return QJsonDocument::fromJson(QByteArray(text).replace('\'', '"')).object();
}
} // namespace

class TestAlertFeed : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data() {
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<QString>("error"); // empty: accepted
        const char *good = "{'id':12,'ruleId':3,'state':'firing','severity':'critical',"
                           "'title':'cpu high','message':'Host CPU 94 %','appId':null,"
                           "'since':'2026-12-05T10:00:00Z'}";
        QTest::newRow("good") << sq(good) << QString();
        const auto with =
            [&](const char *name, const char *field, const QJsonValue &v, const char *error) {
                QJsonObject bad = sq(good);
                if (v.isUndefined())
                    bad.remove(QLatin1String(field));
                else
                    bad.insert(QLatin1String(field), v);
                QTest::newRow(name)
                    << bad << (error ? QStringLiteral("Invalid alert: %1").arg(error) : QString());
            };
        with("no id", "id", QJsonValue(QJsonValue::Undefined), "id");
        with("id string", "id", QStringLiteral("12"), "id");
        with("id fraction", "id", 1.5, "id");
        with("id negative", "id", -1, "id");
        with("id huge", "id", 1e300, "id");
        with("rule null", "ruleId", QJsonValue::Null, nullptr);
        with("rule missing", "ruleId", QJsonValue(QJsonValue::Undefined), nullptr);
        with("rule string", "ruleId", QStringLiteral("x"), "ruleId");
        with("app id", "appId", 7, nullptr);
        with("app object", "appId", QJsonObject{}, "appId");
        with("state resolved", "state", QStringLiteral("resolved"), nullptr);
        with("state other", "state", QStringLiteral("FIRING"), "state");
        with("state missing", "state", QJsonValue(QJsonValue::Undefined), "state");
        with("severity other", "severity", QStringLiteral("fatal"), "severity");
        with("title number", "title", 5, "title");
        with("message missing", "message", QJsonValue(QJsonValue::Undefined), "message");
        QTest::newRow("not an object") << QJsonObject() << QStringLiteral("Invalid alert: id");
    }
    void parse() {
        QFETCH(QJsonObject, data);
        QFETCH(QString, error);
        const auto got = parseAlert(data);
        if (!error.isEmpty()) {
            QVERIFY(!got);
            QCOMPARE(got.error(), error);
            return;
        }
        QVERIFY2(got, got ? "" : qPrintable(got.error()));
        QCOMPARE(got->id, qint64(data.value(QStringLiteral("id")).toDouble()));
        QCOMPARE(got->title, data.value(QStringLiteral("title")).toString());
    }

    // A server cannot make one row hold megabytes.
    void hugeTextsAreCut() {
        QJsonObject o = sq("{'id':1,'state':'firing','severity':'info','title':'','message':''}");
        o.insert(QStringLiteral("title"), QString(1 << 20, u't'));
        o.insert(QStringLiteral("message"), QString(1 << 20, u'm'));
        o.insert(QStringLiteral("since"), QString(1 << 20, u's'));
        const auto got = parseAlert(o);
        QVERIFY(got);
        QCOMPARE(got->title.size(), 500);
        QCOMPARE(got->message.size(), 4000);
        QCOMPARE(got->since.size(), 64);
    }

    void conditions() {
        AlertEntry a;
        a.id = 5;
        a.ruleId = 3;
        a.appId = 7;
        AlertEntry b = a;
        b.id = 6;
        QCOMPARE(a.conditionKey(), b.conditionKey()); // firing and resolved of one rule and app
        b.appId = 8;
        QVERIFY(a.conditionKey() != b.conditionKey()); // the same rule, another app
        AlertEntry test;
        test.id = 9;
        AlertEntry test2;
        test2.id = 10;
        QVERIFY(test.conditionKey() != test2.conditionKey()); // no rule: each its own
    }
};

QTEST_GUILESS_MAIN(TestAlertFeed)
#include "tst_alertfeed.moc"
