// SPDX-License-Identifier: GPL-3.0-or-later

// REST: health, login/logout/me, apps, and hostile input on every route.
#include "TestSupport.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestRest : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray owner, user;
    qint64 alphaApp = 0, betaApp = 0;

    QByteArray rawExchange(const QByteArray &bytes) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, f->port());
        if (!s.waitForConnected(5000))
            return {};
        s.write(bytes);
        QByteArray answer;
        WsRecorder waiter;
        waiter.waitFor(
            [&] {
                answer += s.readAll();
                return answer.contains("\r\n\r\n") || s.state() != QAbstractSocket::ConnectedState;
            },
            10000);
        return answer;
    }

private Q_SLOTS:
    void initTestCase() {
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        const ServerFixture::TwoProjects two = f->addTwoProjects();
        alphaApp = two.alphaApp;
        betaApp = two.betaApp;
        owner = two.owner;
        user = two.user;
        QVERIFY(alphaApp > 0 && betaApp > 0);
        QVERIFY(!owner.isEmpty() && !user.isEmpty());
    }

    void health() {
        const HttpResult r = f->http("GET", QStringLiteral("/api/health"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["success"].toBool(), true);
        QCOMPARE(r.json()["data"].toObject()["status"].toString(), QStringLiteral("ok"));
        QCOMPARE(r.json()["data"].toObject()["version"].toString(), QStringLiteral(MIST_VERSION));
    }

    void loginCookieAttributes() {
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/auth/login"),
                    "{\"email\":\"Owner@Example.com \",\"password\":\"correct horse battery\"}");
        QCOMPARE(r.status, 200);
        const QByteArray cookie = r.header("Set-Cookie");
        QVERIFY(cookie.startsWith("mist_token="));
        QVERIFY(cookie.contains("HttpOnly"));
        QVERIFY(cookie.contains("SameSite=Strict"));
        QVERIFY(cookie.contains("Path=/"));
        QVERIFY(!cookie.contains("Secure")); // plain http
        const QByteArray token = cookie.mid(11, cookie.indexOf(';') - 11);
        QVERIFY(token.size() >= 43); // 256 bits, base64url
        QCOMPARE(r.json()["data"].toObject()["user"].toObject()["role"].toString(),
                 QStringLiteral("owner"));
        QVERIFY(!r.body.contains("password"));
    }

    void wrongPasswordAndUnknownUserLookAlike() {
        const HttpResult wrong =
            f->http("POST", QStringLiteral("/api/auth/login"),
                    "{\"email\":\"owner@example.com\",\"password\":\"nope nope\"}");
        const HttpResult unknown =
            f->http("POST", QStringLiteral("/api/auth/login"),
                    "{\"email\":\"ghost@example.com\",\"password\":\"nope nope\"}");
        QCOMPARE(wrong.status, 401);
        QCOMPARE(unknown.status, 401);
        QCOMPARE(wrong.body, unknown.body);
        QVERIFY(wrong.header("Set-Cookie").isEmpty());
    }

    void me() {
        const HttpResult r = f->http("GET", QStringLiteral("/api/auth/me"), {}, user);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toObject()["user"].toObject()["email"].toString(),
                 QStringLiteral("user@example.com"));
        QCOMPARE(f->http("GET", QStringLiteral("/api/auth/me")).status, 401);
    }

    void appsVisibility() {
        const QJsonArray all =
            f->http("GET", QStringLiteral("/api/apps"), {}, owner).json()["data"].toArray();
        QCOMPARE(all.size(), 2);
        const QJsonArray mine =
            f->http("GET", QStringLiteral("/api/apps"), {}, user).json()["data"].toArray();
        QCOMPARE(mine.size(), 1);
        QCOMPARE(mine[0].toObject()["id"].toInteger(), alphaApp);
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps/%1").arg(alphaApp), {}, user).status,
                 200);
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps/%1").arg(betaApp), {}, user).status, 403);
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps/987654"), {}, owner).status, 404);
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps/abc"), {}, owner).status, 400);
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps"), {}).status, 401);
    }

    void createApp() {
        HttpResult r =
            f->http("POST", QStringLiteral("/api/apps"),
                    "{\"name\":\"web\",\"project\":\"gamma\",\"container\":\"web-1\"}", owner);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json()["data"].toObject()["name"].toString(), QStringLiteral("web"));
        r = f->http("POST", QStringLiteral("/api/apps"),
                    "{\"name\":\"web\",\"project\":\"gamma\",\"container\":\"web-1\"}", owner);
        QCOMPARE(r.status, 409);
        QCOMPARE(f->http("POST", QStringLiteral("/api/apps"),
                         "{\"name\":\"x\",\"container\":\"y\"}", user)
                     .status,
                 403);
    }

    void createAppRejects_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("{nope");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("no name") << QByteArray("{\"container\":\"x\"}");
        QTest::newRow("neither container nor git") << QByteArray("{\"name\":\"x\"}");
        QTest::newRow("both") << QByteArray(
            "{\"name\":\"x\",\"container\":\"c\",\"git\":\"/tmp/r\"}");
        QTest::newRow("bad port") << QByteArray(
            "{\"name\":\"x\",\"git\":\"/tmp/r\",\"port\":70000}");
        QTest::newRow("port string")
            << QByteArray("{\"name\":\"x\",\"git\":\"/tmp/r\",\"port\":\"80\"}");
        QTest::newRow("fraction port")
            << QByteArray("{\"name\":\"x\",\"git\":\"/tmp/r\",\"port\":80.5}");
        QTest::newRow("sql in name")
            << QByteArray("{\"name\":\"x\\u0027; DROP TABLE apps;--\",\"container\":\"c\"}");
        QTest::newRow("huge name")
            << ("{\"name\":\"" + QByteArray(100000, 'n') + "\",\"container\":\"c\"}");
    }

    void createAppRejects() {
        QFETCH(QByteArray, body);
        const HttpResult r = f->http("POST", QStringLiteral("/api/apps"), body, owner);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json()["success"].toBool(), false);
        QVERIFY(!r.json()["error"].toString().isEmpty());
        // Nothing was half-created.
        QCOMPARE(
            f->http("GET", QStringLiteral("/api/apps"), {}, owner).json()["data"].toArray().size(),
            3);
    }

    void loginRejects_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("\x01\x02garbage") << 400;
        QTest::newRow("missing password") << QByteArray("{\"email\":\"owner@example.com\"}") << 400;
        QTest::newRow("number email") << QByteArray("{\"email\":5,\"password\":\"x\"}") << 400;
        QTest::newRow("huge password") << ("{\"email\":\"owner@example.com\",\"password\":\"" +
                                           QByteArray(500000, 'p') + "\"}")
                                       << 401;
    }

    void loginRejects() {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QCOMPARE(f->http("POST", QStringLiteral("/api/auth/login"), body).status, status);
    }

    void unknownRouteAndMethod() {
        QCOMPARE(f->http("GET", QStringLiteral("/api/nothing")).status, 404);
        QCOMPARE(f->http("GET", QStringLiteral("/")).status, 404);
        QCOMPARE(f->http("DELETE", QStringLiteral("/api/health")).status, 405);
        QCOMPARE(f->http("GET", QStringLiteral("/api/auth/login")).status, 405);
    }

    void malformedHttp() {
        QVERIFY(rawExchange("GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400"));
        QVERIFY(rawExchange("GET /api/health HTTP/1.1\r\nX: " + QByteArray(20000, 'a') + "\r\n\r\n")
                    .startsWith("HTTP/1.1 431"));
        QVERIFY(rawExchange("POST /api/auth/login HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n")
                    .startsWith("HTTP/1.1 413"));
        QVERIFY(
            rawExchange("GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 400"));
        // Two requests on one connection both get answers (keep-alive).
        const QByteArray two = rawExchange("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET "
                                           "/api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(two.startsWith("HTTP/1.1 200"));
        // Bare-LF heads are complete requests too, and an upgrade carries no body.
        QVERIFY(rawExchange("GET /api/health HTTP/1.1\nHost: localhost\n\n")
                    .startsWith("HTTP/1.1 200"));
        QVERIFY(rawExchange("GET /ws/metrics HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nContent-Length: 10\r\n\r\n0123456789")
                    .startsWith("HTTP/1.1 400"));
        // The server is still fine afterwards.
        QCOMPARE(f->http("GET", QStringLiteral("/api/health")).status, 200);
    }

    void crossSiteWritesRefused() {
        // A page on another origin may not change anything, even with the cookie.
        const HttpResult foreign =
            f->http("POST", QStringLiteral("/api/apps"), "{\"name\":\"csrf\",\"container\":\"c\"}",
                    owner, {{"Origin", "http://127.0.0.1:1"}});
        QCOMPARE(foreign.status, 403);
        const HttpResult logout = f->http("POST", QStringLiteral("/api/auth/logout"), {}, owner,
                                          {{"Origin", "https://evil.example"}});
        QCOMPARE(logout.status, 403);
        QCOMPARE(f->http("GET", QStringLiteral("/api/auth/me"), {}, owner).status, 200);
        // Forms and text/plain (no CORS preflight) are not JSON requests.
        const HttpResult plain =
            f->http("POST", QStringLiteral("/api/apps"), "{\"name\":\"csrf\",\"container\":\"c\"}",
                    owner, {{"Content-Type", "text/plain"}});
        QCOMPARE(plain.status, 415);
        // Our own origin is fine.
        const QByteArray own = "http://127.0.0.1:" + QByteArray::number(f->port());
        QCOMPARE(f->http("GET", QStringLiteral("/api/apps"), {}, owner, {{"Origin", own}}).status,
                 200);
    }

    void bodyInSmallPiecesAndChunked() {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, f->port());
        QVERIFY(s.waitForConnected(5000));
        const QByteArray body =
            "{\"email\":\"owner@example.com\",\"password\":\"correct horse battery\"}";
        s.write(
            "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n");
        QByteArray answer;
        WsRecorder w;
        for (int i = 0; i < body.size(); i += 7) {
            s.write(body.mid(i, 7));
            w.waitFor([] { return false; }, 5);
        }
        QVERIFY(w.waitFor(
            [&] {
                answer += s.readAll();
                return answer.contains("\r\n\r\n");
            },
            5000));
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        QVERIFY(
            rawExchange("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        "Content-Type: application/json\r\n\r\n5\r\nhello\r\n")
                .startsWith("HTTP/1.1 411"));
    }

    void loginThrottled() {
        // Its own server: the throttle must not slow down the other tests.
        ServerFixture g;
        QVERIFY2(g.ok(), qPrintable(g.error()));
        g.addUser(QStringLiteral("victim@example.com"), store::Role::User);
        const QByteArray wrong = "{\"email\":\"victim@example.com\",\"password\":\"guess guess\"}";
        for (int i = 0; i < 5; ++i)
            QCOMPARE(g.http("POST", QStringLiteral("/api/auth/login"), wrong).status, 401);
        QCOMPARE(g.http("POST", QStringLiteral("/api/auth/login"), wrong).status,
                 401); // 6th: now blocked 1 s
        const HttpResult blocked = g.http("POST", QStringLiteral("/api/auth/login"), wrong);
        QCOMPARE(blocked.status, 429);
        QVERIFY(blocked.header("Retry-After").toInt() >= 1);
        // Blocked means blocked: the right password waits too.
        QCOMPARE(g.http("POST", QStringLiteral("/api/auth/login"),
                        "{\"email\":\"victim@example.com\",\"password\":\"correct horse battery\"}")
                     .status,
                 429);
        QTest::qWait(int(blocked.header("Retry-After").toInt()) * 1000 + 200);
        QCOMPARE(g.http("POST", QStringLiteral("/api/auth/login"),
                        "{\"email\":\"victim@example.com\",\"password\":\"correct horse battery\"}")
                     .status,
                 200);
    }

    void statsNeedAdmin() {
        QCOMPARE(f->http("GET", QStringLiteral("/api/server/stats"), {}, user).status, 403);
        const HttpResult r = f->http("GET", QStringLiteral("/api/server/stats"), {}, owner);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json()["data"].toObject().contains(QStringLiteral("engineStreamsOpened")));
    }
};

QTEST_GUILESS_MAIN(TestRest)
#include "tst_rest.moc"
