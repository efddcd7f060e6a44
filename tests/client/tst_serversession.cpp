// SPDX-License-Identifier: GPL-3.0-or-later

// The client core's REST side against a real in-process server: sign-in,
// its errors, URL forms, REST calls carrying the session cookie, TLS.
#include "TestSupport.h"

#include "client/ServerSession.h"

#include <QJsonArray>
#include <QProcess>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTest>

using namespace mist;
using namespace mist::test;
using mist::client::ServerSession;

namespace {

struct LoginResult {
    bool finished = false;
    bool ok = false;
    QString error;
};

LoginResult login(ServerSession &session, const QString &email, const QByteArray &password) {
    LoginResult result;
    session.login(email, password, [&](const mist::Expected<void> &r) {
        result.finished = true;
        result.ok = r.has_value();
        result.error = r ? QString() : r.error();
    });
    if (!QTest::qWaitFor([&] { return result.finished; }, 20000))
        result.error = QStringLiteral("test: no answer");
    return result;
}

ServerSession::Reply call(ServerSession &session, const QByteArray &method, const QString &path,
                          const QJsonObject &body = {}) {
    ServerSession::Reply reply;
    bool finished = false;
    auto done = [&](const ServerSession::Reply &r) {
        reply = r;
        finished = true;
    };
    if (method == "GET")
        session.get(path, nullptr, done);
    else
        session.post(path, body, nullptr, done);
    if (!QTest::qWaitFor([&] { return finished; }, 20000))
        reply.error = QStringLiteral("test: no answer");
    return reply;
}

// A port nothing listens on.
quint16 closedPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

class TestServerSession : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;

    QUrl url() const { return f->server().httpUrl(); }

private Q_SLOTS:
    void initTestCase() {
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
    }

    void normalizeUrl_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("http") << "http://example.com:8080"
                              << "http://example.com:8080";
        QTest::newRow("https path dropped") << "https://example.com/mist/?x=1#y"
                                            << "https://example.com";
        QTest::newRow("ws") << "ws://127.0.0.1:9000/ws/metrics"
                            << "http://127.0.0.1:9000";
        QTest::newRow("wss") << "wss://example.com:8443"
                             << "https://example.com:8443";
        QTest::newRow("upper-case scheme") << "WSS://example.com"
                                           << "https://example.com";
        QTest::newRow("credentials dropped") << "http://user:pw@example.com:1"
                                             << "http://example.com:1";
        QTest::newRow("ftp") << "ftp://example.com"
                             << "";
        QTest::newRow("no host") << "http://"
                                 << "";
        QTest::newRow("no scheme") << "example.com:8080"
                                   << "";
        QTest::newRow("empty") << ""
                               << "";
    }
    void normalizeUrl() {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(ServerSession::normalizeUrl(QUrl(input)).toString(), expected);
        QCOMPARE(ServerSession(QUrl(input)).baseUrl().toString(), expected);
    }

    void loginOk() {
        ServerSession session(url());
        QVERIFY(session.token().isEmpty());
        const LoginResult r =
            login(session, QStringLiteral("owner@example.com"), "correct horse battery");
        QVERIFY(r.finished);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.error, QString());
        QCOMPARE(session.token().size(), 43); // 32 random bytes, base64url
        QVERIFY(f->store().sessions().userFor(session.token()).value().has_value());
    }

    void loginRefused_data() {
        QTest::addColumn<QString>("email");
        QTest::addColumn<QByteArray>("password");
        QTest::newRow("wrong password") << "owner@example.com" << QByteArray("wrong horse");
        QTest::newRow("unknown email")
            << "nobody@example.com" << QByteArray("correct horse battery");
        QTest::newRow("empty password") << "owner@example.com" << QByteArray();
    }
    void loginRefused() {
        QFETCH(QString, email);
        QFETCH(QByteArray, password);
        ServerSession session(url());
        const LoginResult r = login(session, email, password);
        QVERIFY(r.finished);
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("Invalid email or password"));
        QVERIFY(session.token().isEmpty());
    }

    void unreachableHost() {
        const quint16 port = closedPort();
        ServerSession session(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        const LoginResult r = login(session, QStringLiteral("owner@example.com"), "x");
        QVERIFY(r.finished);
        QVERIFY(!r.ok);
        QCOMPARE(r.error,
                 QStringLiteral("Cannot reach http://127.0.0.1:%1: Connection refused").arg(port));
        const ServerSession::Reply reply = call(session, "GET", QStringLiteral("/api/health"));
        QCOMPARE(reply.status, 0);
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error,
                 QStringLiteral("Cannot reach http://127.0.0.1:%1: Connection refused").arg(port));
    }

    void invalidUrl() {
        ServerSession session(QUrl(QStringLiteral("gopher://x")));
        const LoginResult r = login(session, QStringLiteral("owner@example.com"), "x");
        QVERIFY(r.finished);
        QCOMPARE(r.error, QStringLiteral("Invalid server URL"));
        QCOMPARE(call(session, "GET", QStringLiteral("/api/health")).error,
                 QStringLiteral("Invalid server URL"));
    }

    void webSocketUrlAccepted_data() {
        QTest::addColumn<QString>("form");
        QTest::newRow("ws") << "ws://127.0.0.1:%1";
        QTest::newRow("ws with path") << "ws://127.0.0.1:%1/ws/metrics";
        QTest::newRow("http with slash") << "http://127.0.0.1:%1/";
    }
    void webSocketUrlAccepted() {
        QFETCH(QString, form);
        ServerSession session(QUrl(form.arg(f->port())));
        QCOMPARE(session.baseUrl(), url());
        const LoginResult r =
            login(session, QStringLiteral("owner@example.com"), "correct horse battery");
        QVERIFY2(r.ok, qPrintable(r.error));

        const QNetworkRequest ws =
            session.webSocketRequest(QStringLiteral("/ws/container/logs?appId=7"));
        QCOMPARE(ws.url().toString(),
                 QStringLiteral("ws://127.0.0.1:%1/ws/container/logs?appId=7").arg(f->port()));
        QCOMPARE(ws.rawHeader("Cookie"), "mist_token=" + session.token());
        // And the server takes it.
        WsRecorder rec;
        QNetworkRequest request = ws;
        request.setUrl(session.webSocketUrl(QStringLiteral("/ws/metrics")));
        rec.socket().open(request);
        QVERIFY(rec.waitForMessages(1, 10000));
        QVERIFY(rec.messages[0].contains(QStringLiteral("cpu")));
    }

    void restWithCookie() {
        ServerSession session(url());
        // Without a session: the server's own refusal, readable.
        ServerSession::Reply r = call(session, "GET", QStringLiteral("/api/auth/me"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.error, QStringLiteral("Not signed in"));
        QVERIFY(!r.ok());

        QVERIFY(login(session, QStringLiteral("owner@example.com"), "correct horse battery").ok);
        r = call(session, "GET", QStringLiteral("/api/auth/me"));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.data[u"user"][u"email"].toString(), QStringLiteral("owner@example.com"));

        r = call(session, "POST", QStringLiteral("/api/apps"),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("web")},
                             {QStringLiteral("container"), QStringLiteral("some-container")}});
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.status, 201);
        const qint64 id = r.data[u"id"].toInteger();
        QVERIFY(id > 0);

        r = call(session, "GET", QStringLiteral("/api/apps"));
        QVERIFY(r.ok());
        const QJsonArray apps = r.data.toArray();
        QVERIFY(std::any_of(apps.begin(), apps.end(),
                            [id](const QJsonValue &a) { return a[u"id"].toInteger() == id; }));

        // A server-side refusal keeps the status and the server's words.
        r = call(session, "POST", QStringLiteral("/api/apps"),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("web")},
                             {QStringLiteral("container"), QStringLiteral("some-container")}});
        QCOMPARE(r.status, 409);
        QVERIFY(!r.error.isEmpty());
        r = call(session, "GET", QStringLiteral("/api/apps/abc"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error, QStringLiteral("Invalid appId"));
    }

    void existingTokenAndLogout() {
        const QByteArray token = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!token.isEmpty());
        ServerSession session(url());
        session.setToken(token);
        QCOMPARE(session.token(), token);
        QVERIFY(call(session, "GET", QStringLiteral("/api/auth/me")).ok());

        bool loggedOut = false;
        session.logout([&] { loggedOut = true; });
        QVERIFY(session.token().isEmpty());
        QVERIFY(QTest::qWaitFor([&] { return loggedOut; }, 10000));
        // Revoked on the server, not only forgotten here.
        QVERIFY(!f->store().sessions().userFor(token).value().has_value());
        QCOMPARE(f->http("GET", QStringLiteral("/api/auth/me"), {}, token).status, 401);
    }

    void contextGoneMeansNoCallback() {
        ServerSession session(url());
        bool called = false;
        {
            QObject context;
            session.get(QStringLiteral("/api/health"), &context,
                        [&](const ServerSession::Reply &) { called = true; });
        }
        QTest::qWait(500);
        QVERIFY(!called);
    }

    void tls() {
        QTemporaryDir certDir;
        const auto certificate = makeLoopbackCertificate(certDir.path());
        QVERIFY(certificate);
        const QString cert = certificate->cert;
        const QString key = certificate->key;
        server::ServerConfig config;
        config.tlsCert = cert;
        config.tlsKey = key;
        ServerFixture tlsServer(config);
        QVERIFY2(tlsServer.ok(), qPrintable(tlsServer.error()));
        tlsServer.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QString base = QStringLiteral("https://127.0.0.1:%1").arg(tlsServer.port());

        // Not trusted: the reasons spelled out.
        ServerSession untrusting(QUrl(QStringLiteral("wss://127.0.0.1:%1").arg(tlsServer.port())));
        QCOMPARE(untrusting.baseUrl().toString(), base);
        LoginResult r =
            login(untrusting, QStringLiteral("owner@example.com"), "correct horse battery");
        QVERIFY(!r.ok);
        QVERIFY2(
            r.error.startsWith(QStringLiteral("TLS error with ") + base + QStringLiteral(": ")),
            qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("self signed"), Qt::CaseInsensitive) ||
                     r.error.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
                 qPrintable(r.error));

        // With the CA pinned: signed in, and the wss request carries the pin.
        QSslConfiguration pinned = QSslConfiguration::defaultConfiguration();
        pinned.setCaCertificates(QSslCertificate::fromPath(cert));
        ServerSession session{QUrl(base)};
        session.setSslConfiguration(pinned);
        r = login(session, QStringLiteral("owner@example.com"), "correct horse battery");
        QVERIFY2(r.ok, qPrintable(r.error));
        const QNetworkRequest ws = session.webSocketRequest(QStringLiteral("/ws/metrics"));
        QCOMPARE(ws.url().scheme(), QStringLiteral("wss"));
        QCOMPARE(ws.sslConfiguration().caCertificates(), pinned.caCertificates());
    }
};

QTEST_GUILESS_MAIN(TestServerSession)
#include "tst_serversession.moc"
