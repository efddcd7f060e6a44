// SPDX-License-Identifier: GPL-3.0-or-later

// The pure parts of the HTTP layer's hostile-input checks: Host headers
// (DNS rebinding), --allowed-host names, and what a WebSocket handshake must
// look like for QWebSocketServer to take it.
#include "http/HostPolicy.h"
#include "http/HttpRequest.h"

#include <QTest>

using namespace mist::http;

class TestHostPolicy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ip");
        QTest::addColumn<int>("port"); // -1: none
        QTest::newRow("name") << QByteArray("example.com") << true << "example.com" << false << -1;
        QTest::newRow("name:port")
            << QByteArray("Example.COM:8080") << true << "example.com" << false << 8080;
        QTest::newRow("trailing dot")
            << QByteArray("example.com.") << true << "example.com" << false << -1;
        QTest::newRow("empty port")
            << QByteArray("example.com:") << true << "example.com" << false << -1;
        QTest::newRow("v4") << QByteArray("192.168.1.20:80") << true << "192.168.1.20" << true
                            << 80;
        QTest::newRow("v6") << QByteArray("[2001:db8::1]:443") << true << "2001:db8::1" << true
                            << 443;
        QTest::newRow("v6 no port") << QByteArray("[::1]") << true << "::1" << true << -1;
        QTest::newRow("v4 with 300") << QByteArray("1.2.3.300") << false << "" << false << -1;
        QTest::newRow("short v4") << QByteArray("127.1") << false << "" << false << -1;
        QTest::newRow("bare v6") << QByteArray("::1") << false << "" << false << -1;
        QTest::newRow("v6 zone") << QByteArray("[fe80::1%eth0]") << false << "" << false << -1;
        QTest::newRow("v4 in brackets") << QByteArray("[127.0.0.1]") << false << "" << false << -1;
        QTest::newRow("junk after bracket") << QByteArray("[::1]x") << false << "" << false << -1;
        QTest::newRow("port 65536") << QByteArray("a:65536") << false << "" << false << -1;
        QTest::newRow("port sign") << QByteArray("a:+80") << false << "" << false << -1;
        QTest::newRow("space") << QByteArray("a b") << false << "" << false << -1;
        QTest::newRow("control") << QByteArray("a\x01") << false << "" << false << -1;
        QTest::newRow("high byte")
            << QByteArray("caf\xc3\xa9.example") << false << "" << false << -1;
        QTest::newRow("user info") << QByteArray("u@h") << false << "" << false << -1;
        QTest::newRow("empty label") << QByteArray("a..b") << false << "" << false << -1;
        QTest::newRow("leading hyphen") << QByteArray("-a.b") << false << "" << false << -1;
        QTest::newRow("label of 64") << QByteArray(64, 'a') << false << "" << false << -1;
        QTest::newRow("empty") << QByteArray() << false << "" << false << -1;
        QTest::newRow("huge") << QByteArray(100000, 'a') << false << "" << false << -1;
    }

    void parse() {
        QFETCH(QByteArray, value);
        QFETCH(bool, ok);
        QFETCH(QString, name);
        QFETCH(bool, ip);
        QFETCH(int, port);
        const auto parsed = parseHostHeader(value);
        QCOMPARE(parsed.has_value(), ok);
        if (!ok)
            return;
        QCOMPARE(parsed->name, name);
        QCOMPARE(parsed->ipLiteral, ip);
        QCOMPARE(parsed->port ? int(*parsed->port) : -1, port);
    }

    void allowedHostNames_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("normalized"); // empty: refused
        QTest::newRow("name") << "Mist.Example.com."
                              << "mist.example.com";
        QTest::newRow("wildcard") << "*.Example.com"
                                  << "*.example.com";
        QTest::newRow("address") << "10.0.0.1"
                                 << "10.0.0.1";
        QTest::newRow("with port") << "mist.example.com:443"
                                   << "";
        QTest::newRow("url") << "https://mist.example.com"
                             << "";
        QTest::newRow("inner wildcard") << "a.*.example.com"
                                        << "";
        QTest::newRow("bare wildcard") << "*"
                                       << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void allowedHostNames() {
        QFETCH(QString, input);
        QFETCH(QString, normalized);
        const auto n = normalizeAllowedHost(input);
        QCOMPARE(n.value_or(QString()), normalized);
    }

    void verdict_data() {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("verdict");
        const int allowed = int(HostVerdict::Allowed);
        const int refused = int(HostVerdict::NotAllowed);
        const int malformed = int(HostVerdict::Malformed);
        QTest::newRow("loopback v4") << QByteArray("127.0.0.1:8080") << allowed;
        QTest::newRow("any v4") << QByteArray("203.0.113.9") << allowed;
        QTest::newRow("v6") << QByteArray("[::1]:8080") << allowed;
        QTest::newRow("localhost") << QByteArray("localhost") << allowed;
        QTest::newRow("x.localhost") << QByteArray("x.localhost:1") << allowed;
        QTest::newRow("localhost.evil") << QByteArray("localhost.evil.example") << refused;
        QTest::newRow("configured") << QByteArray("mist.example.com") << allowed;
        QTest::newRow("wildcard") << QByteArray("ci.apps.example.com") << allowed;
        QTest::newRow("wildcard, deeper") << QByteArray("a.ci.apps.example.com") << refused;
        QTest::newRow("other") << QByteArray("evil.example") << refused;
        QTest::newRow("malformed") << QByteArray("[::1") << malformed;
    }

    void verdict() {
        QFETCH(QByteArray, host);
        QFETCH(int, verdict);
        HostPolicy policy;
        policy.names = {QStringLiteral("mist.example.com"), QStringLiteral("*.apps.example.com")};
        QCOMPARE(int(checkHost(host, policy)), verdict);
    }

    void handshake_data() {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status"); // 0: fine
        const QByteArray good =
            "Host: h\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n";
        QTest::newRow("good") << "GET /ws/x HTTP/1.1\r\n" + good + "\r\n" << 0;
        QTest::newRow("several versions")
            << "GET /ws/x HTTP/1.1\r\n" +
                   QByteArray(good).replace("Version: 13", "Version: 8, 13") + "\r\n"
            << 0;
        QTest::newRow("request line 7 999 bytes")
            << "GET /ws/x?" + QByteArray(7999 - 21, 'a') + " HTTP/1.1\r\n" + good + "\r\n"
            << 0;
        QTest::newRow("request line 8 001 bytes")
            << "GET /ws/x?" + QByteArray(8001 - 21, 'a') + " HTTP/1.1\r\n" + good + "\r\n"
            << 414;
        QTest::newRow("folded field too long")
            << "GET /ws/x HTTP/1.1\r\n" + good + "X: " + QByteArray(5000, 'a') + "\r\n " +
                   QByteArray(5000, 'b') + "\r\n\r\n"
            << 431;
        QTest::newRow("no key") << "GET /ws/x HTTP/1.1\r\n" +
                                       QByteArray(good).replace(
                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "") +
                                       "\r\n"
                                << 400;
        QTest::newRow("bad key") << "GET /ws/x HTTP/1.1\r\n" +
                                        QByteArray(good).replace("dGhlIHNhbXBsZSBub25jZQ==",
                                                                 "!!!!") +
                                        "\r\n"
                                 << 400;
        QTest::newRow("no host") << "GET /ws/x HTTP/1.1\r\n" +
                                        QByteArray(good).replace("Host: h\r\n", "") + "\r\n"
                                 << 400;
        QTest::newRow("version 12")
            << "GET /ws/x HTTP/1.1\r\n" + QByteArray(good).replace("Version: 13", "Version: 12") +
                   "\r\n"
            << 426;
    }

    void handshake() {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        const HttpParseResult parsed = parseHttpRequest(head);
        QCOMPARE(int(parsed.state), int(HttpParseResult::State::Complete));
        const auto problem = webSocketHandshakeProblem(parsed.request, head);
        QCOMPARE(problem ? problem->status : 0, status);
        if (problem)
            QVERIFY(!problem->message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHostPolicy)
#include "tst_hostpolicy.moc"
