// SPDX-License-Identifier: GPL-3.0-or-later

// E-mail channels against a real SMTP server on loopback (aiosmtpd, run by
// tests/support/smtp_receiver.py): a test message and a queued alert
// arrive with the envelope, credentials and headers the channel says;
// a wrong password, a refused recipient, an untrusted certificate and a
// server without STARTTLS each fail with the server's own words; a changed
// server never gets the old password; nothing secret reaches an answer.

#include "AlertReceiver.h"
#include "TestPaths.h"
#include "TestSupport.h"

#include "alerts/AlertFormats.h"
#include "alerts/AlertRules.h"
#include "server/AlertDelivery.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {

// One aiosmtpd server; its messages land in dir() as NNNN.eml.
class SmtpServer {
public:
    bool start(const QStringList &extra = {}) {
        m_port = freePort();
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        // Debian's Python, which has python3-aiosmtpd (not a python3 of
        // another origin earlier on PATH).
        m_process.start(QStringLiteral("/usr/bin/python3"),
                        QStringList{sourcePath(QStringLiteral("tests/support/smtp_receiver.py")),
                                    QStringLiteral("--port"), QString::number(m_port),
                                    QStringLiteral("--out"), m_dir.path()} +
                            extra);
        if (!m_process.waitForStarted(10000))
            return false;
        QElapsedTimer t;
        t.start();
        while (!m_process.canReadLine() && t.elapsed() < 20000 &&
               m_process.state() == QProcess::Running)
            m_process.waitForReadyRead(200);
        return m_process.readLine().startsWith("ready");
    }
    ~SmtpServer() {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    quint16 port() const { return m_port; }
    QStringList messages() const {
        QStringList out;
        const QDir d(m_dir.path());
        for (const QString &name : d.entryList({QStringLiteral("*.eml")}, QDir::Files, QDir::Name))
            out << d.filePath(name);
        return out;
    }
    bool waitFor(int count, int timeoutMs) const {
        QElapsedTimer t;
        t.start();
        while (messages().size() < count && t.elapsed() < timeoutMs)
            QTest::qWait(50);
        return messages().size() >= count;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

QByteArray readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray header(const QByteArray &message, const QByteArray &name) {
    for (const QByteArray &line : message.split('\n')) {
        if (line.startsWith(name + ": "))
            return line.mid(name.size() + 2).trimmed();
        if (line.trimmed().isEmpty())
            break;
    }
    return {};
}

QByteArray mailChannel(quint16 port, const QString &extra) {
    return QStringLiteral("{\"name\":\"mail\",\"kind\":\"email\",\"smtp\":{\"url\":\"smtp://"
                          "127.0.0.1:%1\",\"from\":\"mist@example.com\",\"to\":["
                          "\"ops@example.com\",\"dev@example.com\"]%2}}")
        .arg(port)
        .arg(extra)
        .toUtf8();
}

const QString password = QStringLiteral("s3cret-smtp-pass");

} // namespace

class TestAlertEmail : public QObject {
    Q_OBJECT
private slots:
    void init() {
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("o@example.com"), store::Role::Owner);
        owner = f->login(QStringLiteral("o@example.com"));
    }
    void cleanup() { f.reset(); }
    void testMessageArrivesWithAuth();
    void queuedAlertArrives();
    void failuresInTheServersWords_data();
    void failuresInTheServersWords();
    void untrustedCertificateRefused();
    void starttlsWithTheOperatorsCa();
    void wrongCredentialsOnTheChannelsStatus();
    void newServerNeverGetsOldPassword();

private:
    qint64 addChannel(const QByteArray &json) {
        const auto r = f->http("POST", QStringLiteral("/api/alerts/channels"), json, owner);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value("data").toObject().value("id").toInteger();
    }
    HttpResult test(qint64 id) {
        return f->http("POST", QStringLiteral("/api/alerts/channels/%1/test").arg(id), {}, owner);
    }
    std::unique_ptr<ServerFixture> f;
    QByteArray owner;
};

void TestAlertEmail::testMessageArrivesWithAuth() {
    SmtpServer smtp;
    QVERIFY(smtp.start({QStringLiteral("--user"), QStringLiteral("mist"),
                        QStringLiteral("--password"), password}));
    const qint64 id = addChannel(mailChannel(
        smtp.port(), QStringLiteral(",\"username\":\"mist\",\"password\":\"%1\"").arg(password)));
    QVERIFY(id > 0);
    const auto tested = test(id);
    QVERIFY2(tested.status == 200, tested.body.constData());
    QVERIFY(!tested.body.contains(password.toUtf8()));
    QVERIFY(smtp.waitFor(1, 10000));
    const QByteArray m = readAll(smtp.messages().first());
    QCOMPARE(header(m, "X-Envelope-From"), QByteArray("mist@example.com"));
    QCOMPARE(header(m, "X-Envelope-To"), QByteArray("ops@example.com,dev@example.com"));
    QCOMPARE(header(m, "X-Auth"), QByteArray("mist"));
    QCOMPARE(header(m, "Subject"), QByteArray("[FIRING] Test message"));
    QCOMPARE(header(m, "To"), QByteArray("<ops@example.com>, <dev@example.com>"));
    const QByteArray body = QByteArray::fromBase64(m.mid(m.indexOf("\r\n\r\n") + 4));
    QVERIFY2(body.contains("Mist Monitor can reach the channel \"mail\"."), body.constData());
}

// A message from the queue (as a fired alert is queued) with a title that
// tries to add a header: it arrives once, the title encoded, no Bcc.
void TestAlertEmail::queuedAlertArrives() {
    SmtpServer smtp;
    QVERIFY(smtp.start());
    const qint64 id = addChannel(mailChannel(smtp.port(), {}));
    QVERIFY(id > 0);
    const QJsonObject data{{QStringLiteral("id"), 5},
                           {QStringLiteral("ruleId"), 2},
                           {QStringLiteral("state"), QStringLiteral("resolved")},
                           {QStringLiteral("severity"), QStringLiteral("warning")},
                           {QStringLiteral("title"), QStringLiteral("Web über\r\nBcc: x@evil.com")},
                           {QStringLiteral("message"), QStringLiteral("memory back to 40 %")},
                           {QStringLiteral("appId"), 9},
                           {QStringLiteral("since"), QStringLiteral("2026-12-06T03:00:00Z")}};
    QVERIFY(f->store().alerts().enqueue(id, alerts::webhookBody(data, QStringLiteral("h1")),
                                        QDateTime::currentSecsSinceEpoch() + 3600));
    f->server().alertDelivery().wake();
    QVERIFY(smtp.waitFor(1, 10000));
    QTest::qWait(1500);
    QCOMPARE(smtp.messages().size(), 1);
    const QByteArray m = readAll(smtp.messages().first());
    QVERIFY(header(m, "Subject").startsWith("=?UTF-8?B?"));
    QCOMPARE(header(m, "Bcc"), QByteArray());
    QCOMPARE(header(m, "X-Envelope-To"), QByteArray("ops@example.com,dev@example.com"));
    const QByteArray body = QByteArray::fromBase64(m.mid(m.indexOf("\r\n\r\n") + 4));
    QVERIFY2(body.contains("[RESOLVED] Web \xc3\xbc"
                           "ber"),
             body.constData());
    QVERIFY(body.contains("memory back to 40 %"));
}

void TestAlertEmail::failuresInTheServersWords_data() {
    QTest::addColumn<QStringList>("serverArgs");
    QTest::addColumn<QString>("channelExtra");
    QTest::addColumn<QString>("error");
    const QStringList auth{QStringLiteral("--user"), QStringLiteral("mist"),
                           QStringLiteral("--password"), password};
    QTest::newRow("wrong password")
        << auth << QStringLiteral(",\"username\":\"mist\",\"password\":\"wrong\"")
        << QStringLiteral("Login denied");
    QTest::newRow("no credentials") << auth << QString() << QStringLiteral("530");
    QTest::newRow("refused recipient")
        << QStringList{QStringLiteral("--reject"), QStringLiteral("dev@example.com")} << QString()
        << QStringLiteral("RCPT failed: 550");
    QTest::newRow("starttls not offered")
        << QStringList{} << QStringLiteral(",\"starttls\":true") << QStringLiteral("STARTTLS");
}

void TestAlertEmail::failuresInTheServersWords() {
    QFETCH(QStringList, serverArgs);
    QFETCH(QString, channelExtra);
    QFETCH(QString, error);
    SmtpServer smtp;
    QVERIFY(smtp.start(serverArgs));
    const qint64 id = addChannel(mailChannel(smtp.port(), channelExtra));
    QVERIFY(id > 0);
    const auto tested = test(id);
    QCOMPARE(tested.status, 502);
    const QString said = tested.json().value("error").toString();
    QVERIFY2(said.startsWith(QStringLiteral("Test message not delivered: ")) &&
                 said.contains(error),
             qPrintable(said));
    QVERIFY(!said.contains(password));
    QCOMPARE(smtp.messages().size(), 0);
}

// STARTTLS to a server whose certificate no CA of the system signed: the
// delivery fails on verification; nothing is sent, no password in clear.
void TestAlertEmail::untrustedCertificateRefused() {
    QTemporaryDir certs;
    const auto certificate = makeLoopbackCertificate(certs.path());
    QVERIFY(certificate);
    const QString cert = certificate->cert;
    const QString key = certificate->key;
    SmtpServer smtp;
    QVERIFY(smtp.start({QStringLiteral("--cert"), cert, QStringLiteral("--key"), key,
                        QStringLiteral("--user"), QStringLiteral("mist"),
                        QStringLiteral("--password"), password}));
    const qint64 id = addChannel(mailChannel(
        smtp.port(), QStringLiteral(",\"starttls\":true,\"username\":\"mist\",\"password\":\"%1\"")
                         .arg(password)));
    const auto tested = test(id);
    QCOMPARE(tested.status, 502);
    const QString said = tested.json().value("error").toString();
    QVERIFY2(said.contains(QStringLiteral("certificate"), Qt::CaseInsensitive), qPrintable(said));
    QCOMPARE(smtp.messages().size(), 0);
}

// STARTTLS to a server whose certificate the operator's own CA signed (SSL_CERT_FILE names
// it, as OpenSSL's tools read it): verified, signed in, delivered.
void TestAlertEmail::starttlsWithTheOperatorsCa() {
    QTemporaryDir certs;
    const auto certificate = makeLoopbackCertificate(certs.path());
    QVERIFY(certificate);
    SmtpServer smtp;
    QVERIFY(smtp.start({QStringLiteral("--cert"), certificate->cert, QStringLiteral("--key"),
                        certificate->key, QStringLiteral("--user"), QStringLiteral("mist"),
                        QStringLiteral("--password"), password}));
    qputenv("SSL_CERT_FILE", QFile::encodeName(certificate->cert));
    const auto unset = qScopeGuard([] { qunsetenv("SSL_CERT_FILE"); });
    f.reset(); // a server started with it
    f = std::make_unique<ServerFixture>();
    f->addUser(QStringLiteral("o@example.com"), store::Role::Owner);
    owner = f->login(QStringLiteral("o@example.com"));
    const qint64 id = addChannel(mailChannel(
        smtp.port(), QStringLiteral(",\"starttls\":true,\"username\":\"mist\",\"password\":\"%1\"")
                         .arg(password)));
    const auto tested = test(id);
    QVERIFY2(tested.status == 200, tested.body.constData());
    QVERIFY(smtp.waitFor(1, 10000));
    const QByteArray m = readAll(smtp.messages().first());
    QCOMPARE(header(m, "X-Auth"), QByteArray("mist"));
    QCOMPARE(header(m, "Subject"), QByteArray("[FIRING] Test message"));
}

// A queued alert on a channel whose password is wrong: the channel's status says why and
// that the message waits (retried, not dropped); once the password is put right it arrives,
// once, and the status is clear again.
void TestAlertEmail::wrongCredentialsOnTheChannelsStatus() {
    SmtpServer smtp;
    QVERIFY(smtp.start({QStringLiteral("--user"), QStringLiteral("mist"),
                        QStringLiteral("--password"), password}));
    const QByteArray wrong =
        mailChannel(smtp.port(), QStringLiteral(",\"username\":\"mist\",\"password\":\"wrong\""));
    const qint64 id = addChannel(wrong);
    QVERIFY(id > 0);
    const auto status = [&] {
        const auto listed = f->http("GET", QStringLiteral("/api/alerts/channels"), {}, owner);
        for (const QJsonValue &c : listed.json().value("data").toArray())
            if (c[u"id"].toInteger() == id)
                return c[u"status"].toObject();
        return QJsonObject();
    };
    QCOMPARE(status().value("pending").toInt(), 0);
    QVERIFY(status().value("lastDeliveredAt").isNull());
    QVERIFY(f->store().alerts().enqueue(
        id,
        alerts::webhookBody(
            QJsonObject{{QStringLiteral("id"), 8},
                        {QStringLiteral("state"), QStringLiteral("firing")},
                        {QStringLiteral("severity"), QStringLiteral("critical")},
                        {QStringLiteral("title"), QStringLiteral("disk full")},
                        {QStringLiteral("message"), QStringLiteral("92 %")},
                        {QStringLiteral("since"), QStringLiteral("2026-12-06T03:00:00Z")}},
            QStringLiteral("h1")),
        QDateTime::currentSecsSinceEpoch() + 3600));
    f->server().alertDelivery().wake();
    QVERIFY(QTest::qWaitFor([&] { return status().value("attempts").toInt() >= 1; }, 10000));
    const QJsonObject failing = status();
    QCOMPARE(failing.value("pending").toInt(), 1);
    QVERIFY2(failing.value("lastError").toString().contains(QStringLiteral("Login denied")),
             qPrintable(failing.value("lastError").toString()));
    QVERIFY(!failing.value("lastError").toString().contains(QStringLiteral("wrong")));
    QVERIFY(failing.value("nextAttemptAt").isString());
    QCOMPARE(smtp.messages().size(), 0);
    // Put right (same server and user, the right password): the waiting message arrives.
    QCOMPARE(
        f->http("PUT", QStringLiteral("/api/alerts/channels/%1").arg(id),
                mailChannel(
                    smtp.port(),
                    QStringLiteral(",\"username\":\"mist\",\"password\":\"%1\"").arg(password)),
                owner)
            .status,
        200);
    f->server().alertDelivery().wake();
    QVERIFY(smtp.waitFor(1, 30000));
    QVERIFY(QTest::qWaitFor([&] { return status().value("pending").toInt() == 0; }, 10000));
    const QJsonObject fine = status();
    QCOMPARE(fine.value("lastError").toString(), QString());
    QCOMPARE(fine.value("attempts").toInt(), 0);
    QVERIFY(fine.value("lastDeliveredAt").isString());
    QCOMPARE(fine.value("failed").toInt(), 0);
    QTest::qWait(1500);
    QCOMPARE(smtp.messages().size(), 1); // once
}

// PUT with another server (or user name) and no password: refused, so the
// stored password never goes to a server it was not given for.
void TestAlertEmail::newServerNeverGetsOldPassword() {
    const qint64 id = addChannel(mailChannel(
        4025, QStringLiteral(",\"username\":\"mist\",\"password\":\"%1\"").arg(password)));
    QVERIFY(id > 0);
    const QString path = QStringLiteral("/api/alerts/channels/%1").arg(id);
    const auto moved =
        f->http("PUT", path, mailChannel(4026, QStringLiteral(",\"username\":\"mist\"")), owner);
    QCOMPARE(moved.status, 400);
    QCOMPARE(moved.json().value("error").toString(), QStringLiteral("Invalid smtp.password"));
    const auto renamed =
        f->http("PUT", path, mailChannel(4025, QStringLiteral(",\"username\":\"other\"")), owner);
    QCOMPARE(renamed.status, 400);
    // Same server and user: the password stays (the channel's name changes).
    QByteArray same = mailChannel(4025, QStringLiteral(",\"username\":\"mist\""));
    same.replace("\"name\":\"mail\"", "\"name\":\"mail 2\"");
    QCOMPARE(f->http("PUT", path, same, owner).status, 200);
    QCOMPARE((*f->store().alerts().channel(id))->smtp.password, password);
    // STARTTLS turned off keeps no password either (127.0.0.1 may be signed in to in clear).
    const auto tlsOn = f->http(
        "PUT", path, mailChannel(4025, QStringLiteral(",\"username\":\"mist\",\"starttls\":true")),
        owner);
    QCOMPARE(tlsOn.status, 200);
    const auto tlsOff = f->http(
        "PUT", path, mailChannel(4025, QStringLiteral(",\"username\":\"mist\",\"starttls\":false")),
        owner);
    QCOMPARE(tlsOff.status, 400);
    QCOMPARE(tlsOff.json().value("error").toString(), QStringLiteral("Invalid smtp.password"));
    // A new server with the password given again is fine.
    const auto given = f->http(
        "PUT", path,
        mailChannel(4026, QStringLiteral(",\"username\":\"mist\",\"password\":\"new-pass\"")),
        owner);
    QCOMPARE(given.status, 200);
    QCOMPARE((*f->store().alerts().channel(id))->smtp.password, QStringLiteral("new-pass"));
    QCOMPARE((*f->store().alerts().channel(id))->smtp.url, QStringLiteral("smtp://127.0.0.1:4026"));
}

QTEST_MAIN(TestAlertEmail)
#include "tst_alertemail.moc"
