// SPDX-License-Identifier: GPL-3.0-or-later

// Rule and channel JSON (pure): data rows with the exact "Invalid <field>"
// texts, hostile values included, and the answers' shapes (never a secret).

#include "alerts/AlertRules.h"

#include <QJsonDocument>
#include <QTest>

#include <limits>

using namespace mist::alerts;

namespace {
QJsonObject object(const QByteArray &json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test JSON: %s", json.constData());
    return doc.object();
}
} // namespace

class TestAlertParsing : public QObject {
    Q_OBJECT
private slots:
    void rule_data();
    void rule();
    void ruleDefaults();
    void thresholdNotFinite();
    void ruleRoundTrip_data();
    void ruleRoundTrip();
    void channel_data();
    void channel();
    void channelSecretsNeverShown();
    void channelKeepSecret();
};

void TestAlertParsing::rule_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error"); // empty: accepted
    const QByteArray hugeName = "\"" + QByteArray(MaxNameChars + 1, 'n') + "\"";
    const QByteArray hugePattern = "\"" + QByteArray(MaxPatternBytes + 1, 'a') + "\"";
    const QByteArray m = R"j({"name":"cpu","kind":"metric",)j";
    const QByteArray e = R"j({"name":"e","kind":"event",)j";
    const QByteArray l = R"j({"name":"l","kind":"log","appId":3,)j";
    // clang-format off
    QTest::newRow("metric host") << m + R"j("field":"cpu.usage","op":">","threshold":90,"forSeconds":60})j" << "";
    QTest::newRow("metric app") << m + R"j("appId":4,"field":"memory.percent","op":"<","threshold":1.5})j" << "";
    QTest::newRow("metric all") << m + R"j("appId":null,"field":"disk.percent","op":">","threshold":-3,"forSeconds":0,"severity":"critical","cooldownSeconds":0,"channels":[1,2]})j" << "";
    QTest::newRow("empty") << QByteArray("{}") << "Invalid name";
    QTest::newRow("unknown field") << m + R"j("field":"cpu.usage","op":">","threshold":1,"colour":"red"})j" << "Invalid colour";
    QTest::newRow("name missing") << QByteArray(R"j({"kind":"metric"})j") << "Invalid name";
    QTest::newRow("name number") << QByteArray(R"j({"name":5,"kind":"metric"})j") << "Invalid name";
    QTest::newRow("name empty") << QByteArray(R"j({"name":"","kind":"metric"})j") << "Invalid name";
    QTest::newRow("name huge") << "{\"name\":" + hugeName + ",\"kind\":\"metric\"}" << "Invalid name";
    QTest::newRow("name newline") << QByteArray(R"j({"name":"a\nb","kind":"metric"})j") << "Invalid name";
    QTest::newRow("kind missing") << QByteArray(R"j({"name":"a"})j") << "Invalid kind";
    QTest::newRow("kind other") << QByteArray(R"j({"name":"a","kind":"Metric"})j") << "Invalid kind";
    QTest::newRow("appId zero") << m + R"j("appId":0,"field":"cpu.percent","op":">","threshold":1})j" << "Invalid appId";
    QTest::newRow("appId fraction") << m + R"j("appId":1.5,"field":"cpu.percent","op":">","threshold":1})j" << "Invalid appId";
    QTest::newRow("appId string") << m + R"j("appId":"1","field":"cpu.percent","op":">","threshold":1})j" << "Invalid appId";
    QTest::newRow("appId huge") << m + R"j("appId":1e300,"field":"cpu.percent","op":">","threshold":1})j" << "Invalid appId";
    QTest::newRow("field missing") << m + R"j("op":">","threshold":1})j" << "Invalid field";
    QTest::newRow("field unknown") << m + R"j("field":"cpu.temp","op":">","threshold":1})j" << "Invalid field";
    QTest::newRow("host field on app") << m + R"j("appId":2,"field":"cpu.usage","op":">","threshold":1})j" << "Invalid field";
    QTest::newRow("app field on host") << m + R"j("field":"cpu.percent","op":">","threshold":1})j" << "Invalid field";
    QTest::newRow("op missing") << m + R"j("field":"cpu.usage","threshold":1})j" << "Invalid op";
    QTest::newRow("op >=") << m + R"j("field":"cpu.usage","op":">=","threshold":1})j" << "Invalid op";
    QTest::newRow("threshold missing") << m + R"j("field":"cpu.usage","op":">"})j" << "Invalid threshold";
    QTest::newRow("threshold string") << m + R"j("field":"cpu.usage","op":">","threshold":"90"})j" << "Invalid threshold";
    QTest::newRow("threshold null") << m + R"j("field":"cpu.usage","op":">","threshold":null})j" << "Invalid threshold";
    QTest::newRow("threshold bool") << m + R"j("field":"cpu.usage","op":">","threshold":true})j" << "Invalid threshold";
    QTest::newRow("forSeconds negative") << m + R"j("field":"cpu.usage","op":">","threshold":1,"forSeconds":-1})j" << "Invalid forSeconds";
    QTest::newRow("forSeconds fraction") << m + R"j("field":"cpu.usage","op":">","threshold":1,"forSeconds":0.5})j" << "Invalid forSeconds";
    QTest::newRow("forSeconds past a week") << m + R"j("field":"cpu.usage","op":">","threshold":1,"forSeconds":604801})j" << "Invalid forSeconds";
    QTest::newRow("metric with pattern") << m + R"j("field":"cpu.usage","op":">","threshold":1,"pattern":"x"})j" << "Invalid pattern";
    QTest::newRow("metric with event") << m + R"j("field":"cpu.usage","op":">","threshold":1,"event":"oom"})j" << "Invalid event";
    QTest::newRow("severity other") << m + R"j("field":"cpu.usage","op":">","threshold":1,"severity":"fatal"})j" << "Invalid severity";
    QTest::newRow("cooldown negative") << m + R"j("field":"cpu.usage","op":">","threshold":1,"cooldownSeconds":-5})j" << "Invalid cooldownSeconds";
    QTest::newRow("cooldown string") << m + R"j("field":"cpu.usage","op":">","threshold":1,"cooldownSeconds":"5"})j" << "Invalid cooldownSeconds";
    QTest::newRow("channels not array") << m + R"j("field":"cpu.usage","op":">","threshold":1,"channels":1})j" << "Invalid channels";
    QTest::newRow("channels zero") << m + R"j("field":"cpu.usage","op":">","threshold":1,"channels":[0]})j" << "Invalid channels";
    QTest::newRow("channels twice") << m + R"j("field":"cpu.usage","op":">","threshold":1,"channels":[2,2]})j" << "Invalid channels";
    QTest::newRow("channels string") << m + R"j("field":"cpu.usage","op":">","threshold":1,"channels":["2"]})j" << "Invalid channels";
    QTest::newRow("channels too many") << m + R"j("field":"cpu.usage","op":">","threshold":1,"channels":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]})j" << "Invalid channels";
    QTest::newRow("event oom") << e + R"j("event":"oom"})j" << "";
    QTest::newRow("event oom of an app") << e + R"j("appId":9,"event":"oom"})j" << "";
    QTest::newRow("event engine down") << e + R"j("event":"engine_down"})j" << "";
    QTest::newRow("event engine down of an app") << e + R"j("appId":9,"event":"engine_down"})j" << "Invalid appId";
    QTest::newRow("event missing") << e + R"j("severity":"info"})j" << "Invalid event";
    QTest::newRow("event unknown") << e + R"j("event":"exploded"})j" << "Invalid event";
    QTest::newRow("restart loop") << e + R"j("event":"restart_loop","restarts":3,"withinSeconds":300})j" << "";
    QTest::newRow("restart loop without restarts") << e + R"j("event":"restart_loop","withinSeconds":300})j" << "Invalid restarts";
    QTest::newRow("restart loop of one") << e + R"j("event":"restart_loop","restarts":1,"withinSeconds":300})j" << "Invalid restarts";
    QTest::newRow("restart loop within negative") << e + R"j("event":"restart_loop","restarts":3,"withinSeconds":-300})j" << "Invalid withinSeconds";
    QTest::newRow("restart loop within zero") << e + R"j("event":"restart_loop","restarts":3,"withinSeconds":0})j" << "Invalid withinSeconds";
    QTest::newRow("oom with restarts") << e + R"j("event":"oom","restarts":3})j" << "Invalid restarts";
    QTest::newRow("event with threshold") << e + R"j("event":"oom","threshold":3})j" << "Invalid threshold";
    QTest::newRow("log") << l + R"j("pattern":"ERROR|FATAL","count":5,"withinSeconds":60})j" << "";
    QTest::newRow("log defaults") << l + R"j("pattern":"(?i)panic"})j" << "";
    QTest::newRow("log of the host") << QByteArray(R"j({"name":"l","kind":"log","pattern":"x"})j") << "Invalid appId";
    QTest::newRow("log pattern missing") << l + R"j("count":5})j" << "Invalid pattern";
    QTest::newRow("log pattern empty") << l + R"j("pattern":""})j" << "Invalid pattern";
    QTest::newRow("log pattern does not compile") << l + R"j("pattern":"(unclosed"})j" << "Invalid pattern";
    QTest::newRow("log pattern backreference") << l + R"j("pattern":"(a)\\1"})j" << "Invalid pattern";
    QTest::newRow("log pattern lookahead") << l + R"j("pattern":"a(?=b)"})j" << "Invalid pattern";
    QTest::newRow("log pattern huge") << l + "\"pattern\":" + hugePattern + "}" << "Invalid pattern";
    QTest::newRow("log pattern too costly") << l + R"j("pattern":"((a{1000}){1000}){1000}"})j" << "Invalid pattern";
    QTest::newRow("log count zero") << l + R"j("pattern":"x","count":0})j" << "Invalid count";
    QTest::newRow("log within negative") << l + R"j("pattern":"x","withinSeconds":-1})j" << "Invalid withinSeconds";
    QTest::newRow("log with op") << l + R"j("pattern":"x","op":">"})j" << "Invalid op";
    // clang-format on
}

void TestAlertParsing::rule() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const auto parsed = parseRule(object(json));
    if (error.isEmpty())
        QVERIFY2(parsed, qPrintable(parsed.error()));
    else
        QCOMPARE(parsed.error(), error);
}

void TestAlertParsing::ruleDefaults() {
    const auto r = parseRule(object(R"j({"name":"l","kind":"log","appId":3,"pattern":"x"})j"));
    QVERIFY(r);
    QCOMPARE(r->count, 1);
    QCOMPARE(r->withinSeconds, 60);
    QCOMPARE(r->cooldownSeconds, 300);
    QCOMPARE(r->severity, QStringLiteral("warning"));
    QVERIFY(r->channels.isEmpty());
    QCOMPARE(r->appId.value_or(0), 3);
}

// JSON text cannot carry NaN or infinity, but a QJsonObject can.
void TestAlertParsing::thresholdNotFinite() {
    QJsonObject o = object(R"j({"name":"c","kind":"metric","field":"cpu.usage","op":">"})j");
    for (const double bad :
         {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(), 1e16}) {
        o.insert(QStringLiteral("threshold"), bad);
        QCOMPARE(parseRule(o).error(), QStringLiteral("Invalid threshold"));
    }
    o.insert(QStringLiteral("threshold"), 1e15);
    QVERIFY(parseRule(o));
}

void TestAlertParsing::ruleRoundTrip_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("metric") << QByteArray(
        R"j({"name":"cpu","kind":"metric","appId":null,"field":"cpu.usage","op":">","threshold":90.5,"forSeconds":60,"severity":"critical","cooldownSeconds":600,"channels":[3]})j");
    QTest::newRow("event") << QByteArray(
        R"j({"name":"loop","kind":"event","appId":7,"event":"restart_loop","restarts":3,"withinSeconds":120,"severity":"warning","cooldownSeconds":300,"channels":[]})j");
    QTest::newRow("log") << QByteArray(
        R"j({"name":"errors","kind":"log","appId":2,"pattern":"ERROR","count":4,"withinSeconds":30,"severity":"info","cooldownSeconds":0,"channels":[1,2]})j");
}

// What GET answers can be PUT back (less the id).
void TestAlertParsing::ruleRoundTrip() {
    QFETCH(QByteArray, json);
    const auto r = parseRule(object(json));
    QVERIFY2(r, qPrintable(r.error()));
    QJsonObject shown = r->toJson();
    QCOMPARE(shown.take(QStringLiteral("id")).toInteger(), 0);
    QCOMPARE(shown, object(json));
    QVERIFY(parseRule(shown));
}

void TestAlertParsing::channel_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QByteArray hugeUrl = "\"http://h/" + QByteArray(MaxUrlChars, 'a') + "\"";
    const QByteArray w = R"j({"name":"hook","kind":"webhook",)j";
    const QByteArray s = R"j({"name":"mail","kind":"email","smtp":)j";
    // clang-format off
    QTest::newRow("webhook") << w + R"j("url":"https://example.com/hook?x=1"})j" << "";
    QTest::newRow("webhook secret") << w + R"j("url":"http://127.0.0.1:9/h","secret":"s3cret"})j" << "";
    QTest::newRow("ntfy") << QByteArray(R"j({"name":"n","kind":"ntfy","url":"https://ntfy.sh/mist"})j") << "";
    QTest::newRow("slack") << QByteArray(R"j({"name":"n","kind":"slack","url":"https://hooks.slack.com/services/T/B/X"})j") << "";
    QTest::newRow("discord") << QByteArray(R"j({"name":"n","kind":"discord","url":"https://discord.com/api/webhooks/1/x"})j") << "";
    QTest::newRow("email") << s + R"j({"url":"smtp://mail.example.com:587","username":"u","password":"p","from":"mist@example.com","to":["a@example.com","b@example.com"],"starttls":true}})j" << "";
    QTest::newRow("email local relay") << s + R"j({"url":"smtp://127.0.0.1:25","username":"u","password":"p","from":"m@x","to":["a@x"]}})j" << "";
    QTest::newRow("email localhost relay") << s + R"j({"url":"smtp://localhost","username":"u","from":"m@x","to":["a@x"]}})j" << "";
    QTest::newRow("email smtps sign-in") << s + R"j({"url":"smtps://mail.example.com","username":"u","password":"p","from":"m@x","to":["a@x"]}})j" << "";
    QTest::newRow("email no sign-in in clear") << s + R"j({"url":"smtp://mail.example.com","from":"m@x","to":["a@x"]}})j" << "";
    QTest::newRow("email smtps") << s + R"j({"url":"smtps://mail.example.com","from":"m@x","to":["a@x"]}})j" << "";
    QTest::newRow("empty") << QByteArray("{}") << "Invalid name";
    QTest::newRow("unknown field") << w + R"j("url":"http://h/","token":"x"})j" << "Invalid token";
    QTest::newRow("name newline") << QByteArray(R"j({"name":"a\r\nb","kind":"webhook","url":"http://h/"})j") << "Invalid name";
    QTest::newRow("kind missing") << QByteArray(R"j({"name":"a","url":"http://h/"})j") << "Invalid kind";
    QTest::newRow("kind other") << QByteArray(R"j({"name":"a","kind":"pager","url":"http://h/"})j") << "Invalid kind";
    QTest::newRow("url missing") << w + R"j("secret":"x"})j" << "Invalid url";
    QTest::newRow("url ftp") << w + R"j("url":"ftp://h/x"})j" << "Invalid url";
    QTest::newRow("url file") << w + R"j("url":"file:///etc/passwd"})j" << "Invalid url";
    QTest::newRow("url relative") << w + R"j("url":"/hook"})j" << "Invalid url";
    QTest::newRow("url no host") << w + R"j("url":"http:///x"})j" << "Invalid url";
    QTest::newRow("url with newline") << w + R"j("url":"http://h/x\r\nHost: evil"})j" << "Invalid url";
    QTest::newRow("url with space") << w + R"j("url":"http://h/a b"})j" << "Invalid url";
    QTest::newRow("url huge") << w + "\"url\":" + hugeUrl + "}" << "Invalid url";
    QTest::newRow("url number") << w + R"j("url":5})j" << "Invalid url";
    QTest::newRow("secret empty") << w + R"j("url":"http://h/","secret":""})j" << "Invalid secret";
    QTest::newRow("secret number") << w + R"j("url":"http://h/","secret":5})j" << "Invalid secret";
    QTest::newRow("secret huge") << w + "\"url\":\"http://h/\",\"secret\":\"" + QByteArray(MaxSecretChars + 1, 's') + "\"}" << "Invalid secret";
    QTest::newRow("secret on slack") << QByteArray(R"j({"name":"n","kind":"slack","url":"https://h/","secret":"x"})j") << "Invalid secret";
    QTest::newRow("smtp on webhook") << w + R"j("url":"http://h/","smtp":{}})j" << "Invalid smtp";
    QTest::newRow("email with url") << QByteArray(R"j({"name":"m","kind":"email","url":"http://h/","smtp":{}})j") << "Invalid url";
    QTest::newRow("email smtp missing") << QByteArray(R"j({"name":"m","kind":"email"})j") << "Invalid smtp";
    QTest::newRow("smtp not object") << s + R"j("smtp://h"})j" << "Invalid smtp";
    QTest::newRow("smtp unknown") << s + R"j({"url":"smtp://h","from":"m@x","to":["a@x"],"port":25}})j" << "Invalid smtp.port";
    QTest::newRow("smtp url http") << s + R"j({"url":"http://h","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.url";
    QTest::newRow("smtp url newline") << s + R"j({"url":"smtp://h\r\nRCPT TO:<x@y>","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.url";
    QTest::newRow("smtp url path") << s + R"j({"url":"smtp://h/x","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.url";
    QTest::newRow("smtp url missing") << s + R"j({"from":"m@x","to":["a@x"]}})j" << "Invalid smtp.url";
    QTest::newRow("smtp username newline") << s + R"j({"url":"smtp://h","username":"a\nb","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.username";
    QTest::newRow("smtp password newline") << s + R"j({"url":"smtp://h","password":"a\r\n","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.password";
    QTest::newRow("smtp sign-in in clear") << s + R"j({"url":"smtp://mail.example.com:587","username":"u","password":"p","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.starttls";
    QTest::newRow("smtp sign-in in clear starttls off") << s + R"j({"url":"smtp://10.0.0.1","username":"u","from":"m@x","to":["a@x"],"starttls":false}})j" << "Invalid smtp.starttls";
    QTest::newRow("smtp sign-in 127.1.2.300") << s + R"j({"url":"smtp://127.1.2.300","username":"u","from":"m@x","to":["a@x"]}})j" << "Invalid smtp.starttls";
    QTest::newRow("smtp from missing") << s + R"j({"url":"smtp://h","to":["a@x"]}})j" << "Invalid smtp.from";
    QTest::newRow("smtp from newline") << s + R"j({"url":"smtp://h","from":"m@x\r\nBcc: z@y","to":["a@x"]}})j" << "Invalid smtp.from";
    QTest::newRow("smtp to empty") << s + R"j({"url":"smtp://h","from":"m@x","to":[]}})j" << "Invalid smtp.to";
    QTest::newRow("smtp to string") << s + R"j({"url":"smtp://h","from":"m@x","to":"a@x"}})j" << "Invalid smtp.to";
    QTest::newRow("smtp to newline") << s + R"j({"url":"smtp://h","from":"m@x","to":["a@x\r\nDATA"]}})j" << "Invalid smtp.to";
    QTest::newRow("smtp to no at") << s + R"j({"url":"smtp://h","from":"m@x","to":["ax"]}})j" << "Invalid smtp.to";
    QTest::newRow("smtp to angle") << s + R"j({"url":"smtp://h","from":"m@x","to":["<a@x>"]}})j" << "Invalid smtp.to";
    QTest::newRow("smtp to too many") << s + R"j({"url":"smtp://h","from":"m@x","to":["a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x","a@x"]}})j" << "Invalid smtp.to";
    QTest::newRow("smtp starttls string") << s + R"j({"url":"smtp://h","from":"m@x","to":["a@x"],"starttls":"yes"}})j" << "Invalid smtp.starttls";
    QTest::newRow("smtps with starttls") << s + R"j({"url":"smtps://h","from":"m@x","to":["a@x"],"starttls":true}})j" << "Invalid smtp.starttls";
    // clang-format on
}

void TestAlertParsing::channel() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const auto parsed = parseChannel(object(json));
    if (error.isEmpty())
        QVERIFY2(parsed, qPrintable(parsed.error()));
    else
        QCOMPARE(parsed.error(), error);
}

void TestAlertParsing::channelSecretsNeverShown() {
    const auto hook = parseChannel(
        object(R"j({"name":"h","kind":"webhook","url":"http://h/","secret":"hook-secret-1"})j"));
    QVERIFY(hook);
    const QByteArray shown = QJsonDocument(hook->toJson()).toJson();
    QVERIFY(!shown.contains("hook-secret-1"));
    QVERIFY(!shown.contains("\"secret\""));
    QCOMPARE(hook->toJson().value(QStringLiteral("secretSet")).toBool(), true);
    const auto mail = parseChannel(object(
        R"j({"name":"m","kind":"email","smtp":{"url":"smtp://h","username":"u","password":"smtp-pass-2","from":"m@x","to":["a@x"],"starttls":true}})j"));
    QVERIFY(mail);
    const QByteArray mailShown = QJsonDocument(mail->toJson()).toJson();
    QVERIFY(!mailShown.contains("smtp-pass-2"));
    QVERIFY(!mailShown.contains("password"));
    QCOMPARE(mail->toJson().value(QStringLiteral("secretSet")).toBool(), true);
    const auto plain = parseChannel(object(R"j({"name":"h","kind":"ntfy","url":"http://h/"})j"));
    QCOMPARE(plain->toJson().value(QStringLiteral("secretSet")).toBool(), false);
}

void TestAlertParsing::channelKeepSecret() {
    const auto absent =
        parseChannel(object(R"j({"name":"h","kind":"webhook","url":"http://h/"})j"));
    QVERIFY(absent->keepSecret);
    const auto cleared =
        parseChannel(object(R"j({"name":"h","kind":"webhook","url":"http://h/","secret":null})j"));
    QVERIFY(!cleared->keepSecret);
    QVERIFY(cleared->secret.isEmpty());
}

QTEST_APPLESS_MAIN(TestAlertParsing)
#include "tst_alertparsing.moc"
