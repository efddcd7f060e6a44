// SPDX-License-Identifier: GPL-3.0-or-later

// Which credential a request presents (Authorization: Bearer in any case of
// the scheme, else the mist_token cookie), and that logout revokes exactly
// that one: issue #15, items 9 and 13.
#include "TestSupport.h"

#include "protocol/Parsing.h"
#include "server/Credential.h"

#include <QTest>

using namespace mist;
using namespace mist::test;
using server::Credential;

Q_DECLARE_METATYPE(std::optional<QByteArray>)

class TestCredentials : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;

    static QList<QPair<QByteArray, QByteArray>> bearer(const QByteArray &token,
                                                       const QByteArray &scheme = "Bearer") {
        return {{"Authorization", scheme + ' ' + token}};
    }
    int meStatus(const QByteArray &cookie, const QList<QPair<QByteArray, QByteArray>> &headers) {
        return f->http("GET", QStringLiteral("/api/auth/me"), {}, cookie, headers).status;
    }
    QString meEmail(const QByteArray &cookie, const QList<QPair<QByteArray, QByteArray>> &headers) {
        return f->http("GET", QStringLiteral("/api/auth/me"), {}, cookie, headers)
            .json()["data"]
            .toObject()["user"]
            .toObject()["email"]
            .toString();
    }
    HttpResult logout(const QByteArray &cookie,
                      const QList<QPair<QByteArray, QByteArray>> &headers = {}) {
        return f->http("POST", QStringLiteral("/api/auth/logout"), {}, cookie, headers);
    }

private Q_SLOTS:
    void initTestCase() {
        server::ServerConfig config;
        config.pingIntervalSeconds = 1; // sockets of a revoked session end within 1 s
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("alice@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("bob@example.com"), store::Role::User);
    }

    void bearerToken_data() {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<std::optional<QByteArray>>("token");
        const auto none = std::optional<QByteArray>();
        const auto is = [](const QByteArray &t) {
            return std::optional<QByteArray>(t);
        };
        QTest::newRow("Bearer") << QByteArray("Bearer abc") << is("abc");
        QTest::newRow("bearer") << QByteArray("bearer abc") << is("abc");
        QTest::newRow("BEARER") << QByteArray("BEARER abc") << is("abc");
        QTest::newRow("bEaReR") << QByteArray("bEaReR abc") << is("abc");
        QTest::newRow("several spaces") << QByteArray("Bearer    abc") << is("abc");
        QTest::newRow("tab") << QByteArray("Bearer\tabc") << is("abc");
        QTest::newRow("surrounding blanks") << QByteArray("  bearer abc \t") << is("abc");
        QTest::newRow("token68 padding") << QByteArray("Bearer ab+/c==") << is("ab+/c==");
        QTest::newRow("scheme alone") << QByteArray("Bearer") << is("");
        QTest::newRow("scheme and blanks") << QByteArray("bearer   ") << is("");
        QTest::newRow("two words stay one (bad) token")
            << QByteArray("Bearer abc def") << is("abc def");
        QTest::newRow("huge") << QByteArray("Bearer " + QByteArray(100000, 'a'))
                              << is(QByteArray(100000, 'a'));
        QTest::newRow("NUL in token") << QByteArray("Bearer a\0b", 10) << is(QByteArray("a\0b", 3));
        QTest::newRow("empty") << QByteArray() << none;
        QTest::newRow("blanks") << QByteArray("   ") << none;
        QTest::newRow("glued: another scheme") << QByteArray("Bearerabc") << none;
        QTest::newRow("prefix of the scheme") << QByteArray("Bear abc") << none;
        QTest::newRow("Basic") << QByteArray("Basic dXNlcjpwYXNz") << none;
        QTest::newRow("Digest") << QByteArray("Digest username=\"a\"") << none;
        QTest::newRow("non-ASCII scheme") << QByteArray("B\xc3\xa9"
                                                        "arer abc")
                                          << none;
        QTest::newRow("colon") << QByteArray("Bearer: abc") << none;
    }

    void bearerToken() {
        QFETCH(QByteArray, header);
        QFETCH(std::optional<QByteArray>, token);
        QCOMPARE(protocol::bearerToken(header), token);
    }

    void presentedCredential_data() {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QByteArray>("cookie");
        QTest::addColumn<bool>("present");
        QTest::addColumn<bool>("fromBearer");
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("nothing") << QByteArray() << QByteArray() << false << false << QByteArray();
        QTest::newRow("cookie") << QByteArray() << QByteArray("mist_token=c1") << true << false
                                << QByteArray("c1");
        QTest::newRow("other cookies only")
            << QByteArray() << QByteArray("a=b; theme=dark") << false << false << QByteArray();
        QTest::newRow("empty cookie")
            << QByteArray() << QByteArray("mist_token=") << false << false << QByteArray();
        QTest::newRow("bearer") << QByteArray("Bearer b1") << QByteArray() << true << true
                                << QByteArray("b1");
        QTest::newRow("bearer wins over cookie")
            << QByteArray("bearer b1") << QByteArray("mist_token=c1") << true << true
            << QByteArray("b1");
        QTest::newRow("empty bearer still wins: no fallback to the cookie")
            << QByteArray("Bearer") << QByteArray("mist_token=c1") << true << true << QByteArray();
        QTest::newRow("other scheme: the cookie")
            << QByteArray("Basic dXNlcjpwYXNz") << QByteArray("mist_token=c1") << true << false
            << QByteArray("c1");
        QTest::newRow("other scheme, no cookie")
            << QByteArray("Basic dXNlcjpwYXNz") << QByteArray() << false << false << QByteArray();
    }

    void presentedCredential() {
        QFETCH(QByteArray, authorization);
        QFETCH(QByteArray, cookie);
        QFETCH(bool, present);
        QFETCH(bool, fromBearer);
        QFETCH(QByteArray, token);
        const std::optional<Credential> c = server::presentedCredential(authorization, cookie);
        QCOMPARE(c.has_value(), present);
        if (!c)
            return;
        QCOMPARE(c->source == Credential::Source::Bearer, fromBearer);
        QCOMPARE(c->token, token);
    }

    // Item 13: RFC 9110 auth schemes are case-insensitive.
    void anyCaseOfBearerIsAccepted() {
        const QByteArray alice = f->login(QStringLiteral("alice@example.com"));
        QVERIFY(!alice.isEmpty());
        const QList<QByteArray> schemes{"Bearer", "bearer", "BEARER", "bEaReR"};
        for (const QByteArray &scheme : schemes) {
            QCOMPARE(meStatus({}, bearer(alice, scheme)), 200);
            QCOMPARE(
                f->http("GET", QStringLiteral("/metrics"), {}, {}, bearer(alice, scheme)).status,
                200);
        }
        // WebSocket upgrades take the same credentials as REST.
        for (const QByteArray &scheme : schemes) {
            WsRecorder ws;
            QNetworkRequest request(
                QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/metrics").arg(f->port())));
            request.setRawHeader("Authorization", scheme + ' ' + alice);
            ws.socket().open(request);
            QVERIFY2(ws.waitFor([&] { return ws.connected || ws.closed; }, 10000) && ws.connected,
                     scheme.constData());
            QVERIFY(ws.waitForMessages(1)); // the latest metrics sample, at once
        }
        // The bearer header is the credential: a bad one is not rescued by a good cookie.
        QCOMPARE(meStatus(alice, bearer("nonsense", "bearer")), 401);
        QCOMPARE(meStatus(alice, {{"Authorization", "Bearer"}}), 401);
        // Another scheme is not ours: the cookie speaks.
        QCOMPARE(meStatus(alice, {{"Authorization", "Basic dXNlcjpwYXNz"}}), 200);
        WsRecorder refused;
        QNetworkRequest request(
            QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/metrics").arg(f->port())));
        request.setRawHeader("Authorization", "bearer nonsense");
        request.setRawHeader("Cookie", "mist_token=" + alice);
        refused.socket().open(request);
        QVERIFY(refused.waitFor([&] { return refused.connected || refused.closed; }, 10000));
        QVERIFY(!refused.connected);
    }

    // Item 9: a bearer logout ends the bearer's session, nothing else.
    void bearerLogoutRevokesThatToken() {
        const QByteArray token = f->login(QStringLiteral("alice@example.com"));
        QCOMPARE(meStatus({}, bearer(token)), 200);
        const HttpResult out = logout({}, bearer(token));
        QCOMPARE(out.status, 200);
        QCOMPARE(out.json()["message"].toString(), QStringLiteral("Signed out"));
        QCOMPARE(meStatus({}, bearer(token)), 401);
        QCOMPARE(meStatus(token, {}), 401); // the session itself is gone, not only the header use
        QVERIFY(out.header("Set-Cookie").isEmpty()); // no cookie was the credential
        QCOMPARE(logout({}, bearer(token)).status, 401);
    }

    void logoutWithCookieOfOneAndBearerOfAnotherRevokesTheBearers() {
        const QByteArray alice = f->login(QStringLiteral("alice@example.com"));
        const QByteArray bob = f->login(QStringLiteral("bob@example.com"));
        const HttpResult out = logout(alice, bearer(bob));
        QCOMPARE(out.status, 200);
        QCOMPARE(meStatus({}, bearer(bob)), 401);
        QCOMPARE(meEmail(alice, {}), QStringLiteral("alice@example.com"));
        QVERIFY(out.header("Set-Cookie").isEmpty()); // alice's cookie stays in her browser
    }

    void cookieLogoutRevokesTheCookieAndClearsIt() {
        const QByteArray alice = f->login(QStringLiteral("alice@example.com"));
        const QByteArray other = f->login(QStringLiteral("alice@example.com"));
        const HttpResult out = logout(alice);
        QCOMPARE(out.status, 200);
        QVERIFY(out.header("Set-Cookie").startsWith("mist_token=;"));
        QVERIFY(out.header("Set-Cookie").contains("Max-Age=0"));
        QCOMPARE(meStatus(alice, {}), 401);
        QCOMPARE(meStatus(other, {}), 200); // her other session (another browser) lives on
    }

    void logoutWithAnApiTokenRevokesNothing() {
        const store::User bob =
            *f->store().users().byEmail(QStringLiteral("bob@example.com")).value();
        const auto created = f->store().apiTokens().create(bob.id, QStringLiteral("ci"), 30);
        QVERIFY2(created, qPrintable(created.error()));
        const QByteArray api = *created;
        const QByteArray alice = f->login(QStringLiteral("alice@example.com"));
        const HttpResult out = logout(alice, bearer(api));
        QCOMPARE(out.status, 400);
        QCOMPARE(out.json()["error"].toString(),
                 QStringLiteral("API tokens are revoked with 'mist-monitor token revoke'"));
        QVERIFY(out.header("Set-Cookie").isEmpty());
        QCOMPARE(meEmail({}, bearer(api)), QStringLiteral("bob@example.com"));
        QCOMPARE(meEmail(alice, {}), QStringLiteral("alice@example.com"));
        // An API token put into the cookie is still an API token.
        QCOMPARE(logout(api).status, 400);
        QCOMPARE(meStatus({}, bearer(api)), 200);
    }

    void socketOpenedWithBearerEndsWithItsLogout() {
        const QByteArray token = f->login(QStringLiteral("alice@example.com"));
        const QByteArray cookie = f->login(QStringLiteral("alice@example.com"));
        WsRecorder byBearer, byCookie;
        QNetworkRequest request(
            QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/metrics").arg(f->port())));
        request.setRawHeader("Authorization", "bearer " + token);
        byBearer.socket().open(request);
        QVERIFY(byBearer.waitFor([&] { return byBearer.connected || byBearer.closed; }) &&
                byBearer.connected);
        QVERIFY(byCookie.open(f->port(), QStringLiteral("/ws/metrics"), cookie));
        QCOMPARE(logout({}, bearer(token)).status, 200);
        QVERIFY(byBearer.waitForClose(5000)); // at the next ping, one interval (1 s) at most
        QCOMPARE(byBearer.closeCode, 1008);
        QCOMPARE(byBearer.closeReason, QStringLiteral("Session ended"));
        QTest::qWait(1500);
        QVERIFY(!byCookie.closed);
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
