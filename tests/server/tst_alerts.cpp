// SPDX-License-Identifier: GPL-3.0-or-later

// The alert routes and delivery against a real server and a real HTTP
// receiver on loopback: permissions, bad input naming the field, caps, each
// format byte for byte with the HMAC, a receiver down then up, the rate cap,
// a hanging receiver, and secrets never in answers or logs.

#include "AlertReceiver.h"
#include "TestSupport.h"

#include "alerts/AlertFormats.h"
#include "server/AlertDelivery.h"
#include "store/Store.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace mist;
using namespace mist::test;

namespace {
QStringList g_lines;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    g_lines << message;
    if (g_previous)
        g_previous(type, context, message);
}

QByteArray json(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray hookJson(const QString &url, const QString &secret = {}) {
    QJsonObject o{{QStringLiteral("name"), QStringLiteral("hook")},
                  {QStringLiteral("kind"), QStringLiteral("webhook")},
                  {QStringLiteral("url"), url}};
    if (!secret.isEmpty())
        o.insert(QStringLiteral("secret"), secret);
    return json(o);
}

const QByteArray hostRule =
    R"j({"name":"cpu","kind":"metric","field":"cpu.usage","op":">","threshold":90})j";
} // namespace

class TestAlerts : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QLoggingCategory::setFilterRules(QStringLiteral("mist.*=true"));
        g_previous = qInstallMessageHandler(capture);
    }
    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void strangersAndUsers();
    void badInput_data();
    void badInput();
    void caps();
    void formats_data();
    void formats();
    void testMessageFailure();
    void downThenUpInOrder();
    void longOutageAtTheRetryCapThenUp();
    void rateCap();
    void hangingReceiverBlocksNothing();
    void secretsNeverShown();
};

void TestAlerts::strangersAndUsers() {
    ServerFixture f;
    QVERIFY2(f.ok(), qPrintable(f.error()));
    const auto p = f.addTwoProjects();
    QVERIFY(p.alphaApp && !p.user.isEmpty());
    const QList<QPair<QByteArray, QString>> routes = {{"GET", "/api/alerts/rules"},
                                                      {"POST", "/api/alerts/rules"},
                                                      {"PUT", "/api/alerts/rules/1"},
                                                      {"DELETE", "/api/alerts/rules/1"},
                                                      {"GET", "/api/alerts/channels"},
                                                      {"POST", "/api/alerts/channels"},
                                                      {"PUT", "/api/alerts/channels/1"},
                                                      {"DELETE", "/api/alerts/channels/1"},
                                                      {"POST", "/api/alerts/channels/1/test"},
                                                      {"GET", "/api/alerts"}};
    for (const auto &[method, path] : routes)
        QCOMPARE(f.http(method, path, "{}").status, 401);
    // A user writes no rule and reads no channel.
    for (const auto &[method, path] : routes) {
        if (path == u"/api/alerts/rules" && method == "GET")
            continue;
        if (path == u"/api/alerts" && method == "GET")
            continue;
        QCOMPARE(f.http(method, path, hostRule, p.user).status, 403);
    }
    // The owner's rules: one of alpha (the user's app), one of beta, one of the host.
    const QByteArray alphaRule =
        QString::fromUtf8(R"j({"name":"a","kind":"log","appId":%1,"pattern":"x"})j")
            .arg(p.alphaApp)
            .toUtf8();
    const QByteArray betaRule =
        QString::fromUtf8(R"j({"name":"b","kind":"log","appId":%1,"pattern":"x"})j")
            .arg(p.betaApp)
            .toUtf8();
    for (const QByteArray &rule : {alphaRule, betaRule, hostRule})
        QCOMPARE(f.http("POST", QStringLiteral("/api/alerts/rules"), rule, p.owner).status, 201);
    const auto mine = f.http("GET", QStringLiteral("/api/alerts/rules"), {}, p.user);
    QCOMPARE(mine.status, 200);
    const QJsonArray list = mine.json().value(QStringLiteral("data")).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("a"));
    const auto all = f.http("GET", QStringLiteral("/api/alerts/rules"), {}, p.owner);
    QCOMPARE(all.json().value(QStringLiteral("data")).toArray().size(), 3);
    // Update and delete by id; an unknown id is 404, a malformed one 400.
    const qint64 id = list[0].toObject().value(QStringLiteral("id")).toInteger();
    const auto put =
        f.http("PUT", QStringLiteral("/api/alerts/rules/%1").arg(id), hostRule, p.owner);
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("name")),
             QJsonValue(QStringLiteral("cpu")));
    QCOMPARE(f.http("PUT", QStringLiteral("/api/alerts/rules/99999"), hostRule, p.owner).status,
             404);
    QCOMPARE(f.http("PUT", QStringLiteral("/api/alerts/rules/x1"), hostRule, p.owner).status, 400);
    QCOMPARE(f.http("DELETE", QStringLiteral("/api/alerts/rules/%1").arg(id), {}, p.owner).status,
             200);
    QCOMPARE(f.http("DELETE", QStringLiteral("/api/alerts/rules/%1").arg(id), {}, p.owner).status,
             404);
    QCOMPARE(f.http("GET", QStringLiteral("/api/alerts"), {}, p.user).status, 200);
    QCOMPARE(
        f.http("GET", QStringLiteral("/api/alerts?limit=0"), {}, p.owner).json().value("error"),
        QJsonValue(QStringLiteral("Invalid limit")));
}

void TestAlerts::badInput_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    const QString rules = QStringLiteral("/api/alerts/rules");
    const QString channels = QStringLiteral("/api/alerts/channels");
    // clang-format off
    QTest::newRow("not json") << rules << QByteArray("{") << 400 << "";
    QTest::newRow("unknown field") << rules << QByteArray(R"j({"name":"a","kind":"metric","x":1})j") << 400 << "Invalid x";
    QTest::newRow("threshold string") << rules << QByteArray(R"j({"name":"a","kind":"metric","field":"cpu.usage","op":">","threshold":"NaN"})j") << 400 << "Invalid threshold";
    QTest::newRow("negative duration") << rules << QByteArray(R"j({"name":"a","kind":"metric","field":"cpu.usage","op":">","threshold":1,"forSeconds":-1})j") << 400 << "Invalid forSeconds";
    QTest::newRow("regex does not compile") << rules << QByteArray(R"j({"name":"a","kind":"log","appId":1,"pattern":"a**"})j") << 400 << "Invalid pattern";
    QTest::newRow("app that is not") << rules << QByteArray(R"j({"name":"a","kind":"log","appId":987654,"pattern":"x"})j") << 400 << "Invalid appId";
    QTest::newRow("channel that is not") << rules << QByteArray(R"j({"name":"a","kind":"event","event":"oom","channels":[987654]})j") << 400 << "Invalid channels";
    QTest::newRow("url not http") << channels << QByteArray(R"j({"name":"a","kind":"webhook","url":"gopher://h/"})j") << 400 << "Invalid url";
    QTest::newRow("smtp url newline") << channels << QByteArray(R"j({"name":"a","kind":"email","smtp":{"url":"smtp://h\r\nQUIT","from":"a@b","to":["c@d"]}})j") << 400 << "Invalid smtp.url";
    QTest::newRow("channel unknown field") << channels << QByteArray(R"j({"name":"a","kind":"ntfy","url":"http://h/t","priority":5})j") << 400 << "Invalid priority";
    // clang-format on
}

void TestAlerts::badInput() {
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    static ServerFixture *f = nullptr;
    static QByteArray owner;
    if (!f) {
        f = new ServerFixture;
        f->addUser(QStringLiteral("o@example.com"), store::Role::Owner);
        owner = f->login(QStringLiteral("o@example.com"));
    }
    const auto answer = f->http("POST", path, body, owner);
    QCOMPARE(answer.status, status);
    if (!error.isEmpty())
        QCOMPARE(answer.json().value(QStringLiteral("error")).toString(), error);
}

void TestAlerts::caps() {
    ServerFixture f;
    f.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
    const QByteArray owner = f.login(QStringLiteral("o@example.com"));
    for (int i = 0; i < store::Alerts::MaxRules; ++i)
        QCOMPARE(f.http("POST", QStringLiteral("/api/alerts/rules"), hostRule, owner).status, 201);
    const auto past = f.http("POST", QStringLiteral("/api/alerts/rules"), hostRule, owner);
    QCOMPARE(past.status, 409);
    QCOMPARE(past.json().value(QStringLiteral("error")).toString(),
             QStringLiteral("Too many rules (at most %1)").arg(store::Alerts::MaxRules));
    for (int i = 0; i < store::Alerts::MaxChannels; ++i)
        QCOMPARE(f.http("POST", QStringLiteral("/api/alerts/channels"),
                        hookJson(QStringLiteral("http://127.0.0.1:9/")), owner)
                     .status,
                 201);
    const auto pastChannels = f.http("POST", QStringLiteral("/api/alerts/channels"),
                                     hookJson(QStringLiteral("http://127.0.0.1:9/")), owner);
    QCOMPARE(pastChannels.status, 409);
    QCOMPARE(pastChannels.json().value(QStringLiteral("error")).toString(),
             QStringLiteral("Too many channels (at most %1)").arg(store::Alerts::MaxChannels));
}

void TestAlerts::formats_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("expectedPath");
    // The documented bodies (docs/ALERTS.md), with %SINCE% and %HOST% filled in.
    QTest::addColumn<QByteArray>("expected");
    // clang-format off
    QTest::newRow("webhook") << "webhook" << "/hook" << "" << "/hook"
        << QByteArray(R"j({"appId":null,"host":"%HOST%","id":0,"message":"%MSG%","ruleId":null,"severity":"info","since":"%SINCE%","state":"firing","title":"Test message"})j");
    QTest::newRow("webhook signed") << "webhook" << "/hook?x=1" << "hmac-key-1" << "/hook?x=1"
        << QByteArray(R"j({"appId":null,"host":"%HOST%","id":0,"message":"%MSG%","ruleId":null,"severity":"info","since":"%SINCE%","state":"firing","title":"Test message"})j");
    QTest::newRow("ntfy") << "ntfy" << "/ntfy/mist-alerts" << "" << "/ntfy/"
        << QByteArray(R"j({"message":"%MSG% (%HOST%)","priority":3,"tags":["info","firing"],"title":"[FIRING] Test message","topic":"mist-alerts"})j");
    QTest::newRow("slack") << "slack" << "/services/T/B/X" << "" << "/services/T/B/X"
        << QByteArray(R"j({"text":"[FIRING] Test message \u2014 %MSG% (%HOST%)"})j");
    QTest::newRow("discord") << "discord" << "/api/webhooks/1/t" << "" << "/api/webhooks/1/t"
        << QByteArray(R"j({"content":"[FIRING] Test message \u2014 %MSG% (%HOST%)"})j");
    // clang-format on
}

void TestAlerts::formats() {
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFETCH(QString, secret);
    QFETCH(QString, expectedPath);
    QFETCH(QByteArray, expected);
    ServerFixture f;
    f.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
    const QByteArray owner = f.login(QStringLiteral("o@example.com"));
    AlertReceiver receiver;
    QVERIFY(receiver.listen());
    QJsonObject channel{{QStringLiteral("name"), QStringLiteral("hook")},
                        {QStringLiteral("kind"), kind},
                        {QStringLiteral("url"), receiver.url(path)}};
    if (!secret.isEmpty())
        channel.insert(QStringLiteral("secret"), secret);
    const auto created =
        f.http("POST", QStringLiteral("/api/alerts/channels"), json(channel), owner);
    QCOMPARE(created.status, 201);
    const qint64 id = created.json().value("data").toObject().value("id").toInteger();
    const auto tested =
        f.http("POST", QStringLiteral("/api/alerts/channels/%1/test").arg(id), {}, owner);
    QCOMPARE(tested.status, 200);
    QCOMPARE(tested.json().value("data").toObject().value("delivered"), QJsonValue(true));
    QCOMPARE(receiver.requests.size(), 1);
    const AlertReceiver::Request &r = receiver.requests.first();
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(QString::fromUtf8(r.path), expectedPath);
    QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
    // "since" is the moment of the test: take it from the body, then compare every byte.
    const QString since =
        QString::fromUtf8(r.body).section(QStringLiteral("\"since\":\""), 1).left(20);
    if (expected.contains("%SINCE%"))
        QVERIFY2(QDateTime::fromString(since, Qt::ISODate).isValid(), qPrintable(since));
    QByteArray want = expected;
    want.replace("%MSG%", "Mist Monitor can reach the channel \\\"hook\\\".")
        .replace("%SINCE%", since.toUtf8())
        .replace("%HOST%", QSysInfo::machineHostName().toUtf8())
        .replace("\\u2014", "\xe2\x80\x94");
    QCOMPARE(r.body, want);
    const QByteArray signatureHeader = r.headers.value("x-mist-signature");
    if (secret.isEmpty()) {
        QVERIFY(signatureHeader.isEmpty());
    } else {
        const QByteArray hmac =
            QMessageAuthenticationCode::hash(r.body, secret.toUtf8(), QCryptographicHash::Sha256);
        QCOMPARE(signatureHeader, "sha256=" + hmac.toHex());
    }
}

void TestAlerts::testMessageFailure() {
    ServerFixture f;
    f.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
    const QByteArray owner = f.login(QStringLiteral("o@example.com"));
    const auto created =
        f.http("POST", QStringLiteral("/api/alerts/channels"),
               hookJson(QStringLiteral("http://127.0.0.1:%1/x").arg(freePort())), owner);
    const qint64 id = created.json().value("data").toObject().value("id").toInteger();
    const auto tested =
        f.http("POST", QStringLiteral("/api/alerts/channels/%1/test").arg(id), {}, owner);
    QCOMPARE(tested.status, 502);
    QCOMPARE(tested.json().value("error").toString(),
             QStringLiteral("Test message not delivered: Couldn't connect to server"));
    AlertReceiver refusing;
    QVERIFY(refusing.listen());
    refusing.status = 500;
    const auto second = f.http("POST", QStringLiteral("/api/alerts/channels"),
                               hookJson(refusing.url(QStringLiteral("/x"))), owner);
    const qint64 id2 = second.json().value("data").toObject().value("id").toInteger();
    const auto tested2 =
        f.http("POST", QStringLiteral("/api/alerts/channels/%1/test").arg(id2), {}, owner);
    QCOMPARE(tested2.status, 502);
    QCOMPARE(tested2.json().value("error").toString(),
             QStringLiteral("Test message not delivered: HTTP 500"));
    QCOMPARE(f.http("POST", QStringLiteral("/api/alerts/channels/99999/test"), {}, owner).status,
             404);
}

// Messages queued while the receiver is down arrive once each, in order,
// when it comes up.
void TestAlerts::downThenUpInOrder() {
    ServerFixture f;
    const quint16 port = freePort();
    auto channel = mist::alerts::parseChannel(
        QJsonDocument::fromJson(hookJson(QStringLiteral("http://127.0.0.1:%1/h").arg(port)))
            .object());
    const qint64 id = f.store().alerts().addChannel(*channel)->id;
    const qint64 giveUp = QDateTime::currentSecsSinceEpoch() + 3600;
    for (int i = 0; i < 5; ++i)
        QVERIFY(f.store().alerts().enqueue(id, QByteArray("{\"n\":") + QByteArray::number(i) + "}",
                                           giveUp));
    f.server().alertDelivery().wake();
    QTest::qWait(2500); // a few refused attempts
    AlertReceiver receiver;
    QVERIFY(receiver.listen(port));
    QVERIFY2(receiver.waitFor(5, 20000), qPrintable(QString::number(receiver.requests.size())));
    QTest::qWait(1500); // nothing more comes
    QCOMPARE(receiver.requests.size(), 5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(receiver.requests[i].body, QByteArray("{\"n\":") + QByteArray::number(i) + "}");
}

// The issue's "down for 5 minutes, then up" with the retry cap scaled down (300 s in the
// server, 2 s here, so that the receiver is down for many capped retries in 15 s): every
// message arrives once, in order, within one capped retry of the receiver coming back.
void TestAlerts::longOutageAtTheRetryCapThenUp() {
    QTemporaryDir dir;
    store::Store st;
    QVERIFY(st.open(dir.path()));
    const quint16 port = freePort();
    const qint64 id =
        st.alerts()
            .addChannel(*mist::alerts::parseChannel(
                QJsonDocument::fromJson(hookJson(QStringLiteral("http://127.0.0.1:%1/h").arg(port)))
                    .object()))
            ->id;
    const qint64 giveUp = QDateTime::currentSecsSinceEpoch() + 3600;
    for (int i = 0; i < 10; ++i)
        QVERIFY(
            st.alerts().enqueue(id, QByteArray("{\"n\":") + QByteArray::number(i) + "}", giveUp));
    server::AlertDelivery::Options options;
    options.dataDir = dir.path();
    options.host = QStringLiteral("test");
    options.retryCapSeconds = 2;
    server::AlertDelivery delivery(options);
    delivery.start();
    QTest::qWait(15000); // refused all along: 1, 2, then every 2 s
    AlertReceiver receiver;
    QVERIFY(receiver.listen(port));
    QElapsedTimer back;
    back.start();
    QVERIFY2(receiver.waitFor(10, 20000), qPrintable(QString::number(receiver.requests.size())));
    qInfo("10 messages arrived %lld ms after the receiver came back", qlonglong(back.elapsed()));
    QVERIFY(back.elapsed() < 2 * 2000 + 3000); // within the cap (and a margin), not an hour
    QTest::qWait(3000);                        // nothing more comes
    QCOMPARE(receiver.requests.size(), 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(receiver.requests[i].body, QByteArray("{\"n\":") + QByteArray::number(i) + "}");
    delivery.stop();
}

void TestAlerts::rateCap() {
    ServerFixture f;
    AlertReceiver receiver;
    QVERIFY(receiver.listen());
    auto channel = mist::alerts::parseChannel(
        QJsonDocument::fromJson(hookJson(receiver.url(QStringLiteral("/h")))).object());
    const qint64 id = f.store().alerts().addChannel(*channel)->id;
    const int cap = f.server().alertDelivery().options().perChannelPerMinute;
    QList<qint64> ids;
    for (int i = 0; i < cap + 5; ++i)
        ids << *f.store().alerts().enqueue(id, "{}", QDateTime::currentSecsSinceEpoch() + 3600);
    f.server().alertDelivery().wake();
    QVERIFY(receiver.waitFor(cap, 15000));
    QTest::qWait(3000);
    QCOMPARE(receiver.requests.size(), cap);
    QCOMPARE(f.store().alerts().deliveryState(ids.last())->value(), QStringLiteral("pending"));
}

// A receiver that never answers holds its own channel only: other
// channels are delivered and the server answers at once meanwhile, and a
// stream's latency is what it was without it: the gaps between /ws/metrics
// samples (one a second) are measured for 4 s before and 4 s while 20
// messages wait on the hanging channel.
void TestAlerts::hangingReceiverBlocksNothing() {
    ServerFixture f;
    f.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
    WsRecorder metrics;
    QVERIFY(metrics.open(f.port(), QStringLiteral("/ws/metrics"),
                         f.login(QStringLiteral("o@example.com"))));
    QElapsedTimer clock;
    clock.start();
    QList<qint64> arrivals;
    connect(&metrics.socket(), &QWebSocket::textMessageReceived, this,
            [&] { arrivals.append(clock.elapsed()); });
    const auto worstGapOver = [&](int ms) {
        arrivals.clear();
        QTest::qWait(ms);
        qint64 worst = 0;
        for (qsizetype i = 1; i < arrivals.size(); ++i)
            worst = std::max(worst, arrivals[i] - arrivals[i - 1]);
        return std::make_pair(worst, arrivals.size());
    };
    const auto before = worstGapOver(4000);
    QVERIFY2(before.second >= 3, qPrintable(QString::number(before.second)));
    AlertReceiver hanging;
    QVERIFY(hanging.listen());
    hanging.hang = true;
    AlertReceiver fine;
    QVERIFY(fine.listen());
    auto add = [&](const QString &url) {
        return f.store()
            .alerts()
            .addChannel(
                *mist::alerts::parseChannel(QJsonDocument::fromJson(hookJson(url)).object()))
            ->id;
    };
    const qint64 stuck = add(hanging.url(QStringLiteral("/h")));
    const qint64 ok = add(fine.url(QStringLiteral("/h")));
    const qint64 giveUp = QDateTime::currentSecsSinceEpoch() + 3600;
    QVERIFY(f.store().alerts().enqueue(stuck, "{}", giveUp));
    f.server().alertDelivery().wake();
    QVERIFY(hanging.waitFor(1, 5000));
    for (int i = 0; i < 19; ++i)
        QVERIFY(f.store().alerts().enqueue(stuck, "{}", giveUp));
    QVERIFY(f.store().alerts().enqueue(ok, "{\"ok\":1}", giveUp));
    f.server().alertDelivery().wake();
    QVERIFY(fine.waitFor(1, 5000));
    QElapsedTimer t;
    t.start();
    QCOMPARE(f.http("GET", QStringLiteral("/api/health")).status, 200);
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
    const auto during = worstGapOver(4000);
    qInfo("worst gap between metrics samples: %lld ms before, %lld ms with the hanging channel",
          qlonglong(before.first), qlonglong(during.first));
    QVERIFY(during.second >= 3);
    QVERIFY2(during.first <= std::max<qint64>(before.first, 1000) + 300,
             qPrintable(QStringLiteral("%1 ms, %2 ms before").arg(during.first).arg(before.first)));
    QCOMPARE(hanging.requests.size(), 1); // the channel waits for its first answer
}

void TestAlerts::secretsNeverShown() {
    g_lines.clear();
    const QString secret = QStringLiteral("whsec-never-shown-7");
    const QString password = QStringLiteral("smtp-pass-never-shown-8");
    ServerFixture f;
    f.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
    const QByteArray owner = f.login(QStringLiteral("o@example.com"));
    AlertReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.status = 403; // a failure is logged: without the secret
    QList<QByteArray> answers;
    const auto hook = f.http("POST", QStringLiteral("/api/alerts/channels"),
                             hookJson(receiver.url(QStringLiteral("/h")), secret), owner);
    answers << hook.body;
    QCOMPARE(hook.json().value("data").toObject().value("secretSet"), QJsonValue(true));
    const qint64 id = hook.json().value("data").toObject().value("id").toInteger();
    const QByteArray mail =
        QString::fromUtf8(
            R"j({"name":"m","kind":"email","smtp":{"url":"smtp://127.0.0.1:%1","username":"u","password":"%2","from":"a@b","to":["c@d"]}})j")
            .arg(freePort())
            .arg(password)
            .toUtf8();
    const auto mailAnswer = f.http("POST", QStringLiteral("/api/alerts/channels"), mail, owner);
    QCOMPARE(mailAnswer.status, 201);
    answers << mailAnswer.body;
    answers << f.http("PUT", QStringLiteral("/api/alerts/channels/%1").arg(id),
                      hookJson(receiver.url(QStringLiteral("/h2"))), owner)
                   .body;
    answers << f.http("GET", QStringLiteral("/api/alerts/channels"), {}, owner).body;
    answers
        << f.http("POST", QStringLiteral("/api/alerts/channels/%1/test").arg(id), {}, owner).body;
    QVERIFY(receiver.waitFor(1, 5000));
    // The update kept the secret: the test message is signed with it.
    QCOMPARE(receiver.requests.first().headers.value("x-mist-signature"),
             mist::alerts::signature(receiver.requests.first().body, secret));
    for (const QByteArray &a : answers) {
        QVERIFY2(!a.contains(secret.toUtf8()) && !a.contains(password.toUtf8()), a.constData());
        QVERIFY2(!a.contains("\"secret\"") && !a.contains("password"), a.constData());
    }
    const QString all = g_lines.join(u'\n');
    QVERIFY2(all.contains(QStringLiteral("not delivered: HTTP 403")), qPrintable(all));
    QVERIFY(!all.contains(secret) && !all.contains(password));
}

QTEST_MAIN(TestAlerts)
#include "tst_alerts.moc"
