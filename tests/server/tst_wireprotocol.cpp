// SPDX-License-Identifier: GPL-3.0-or-later

// Issue #15 item 13 (the HTTP and WebSocket wire): unmasked client frames
// close with 1002 (RFC 6455 §5.1; Qt 6.4 took them), an upgrade that
// QWebSocketServer would drop without a word is answered (414, 431, 400, 426)
// and not counted as 101, and the Host header must name this server:
// loopback, an IP address or an --allowed-host (DNS rebinding), else 421.
#include "HostileClients.h"
#include "TestSupport.h"

#include <QRegularExpression>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
const QByteArray Key = "dGhlIHNhbXBsZSBub25jZQ==";

QByteArray upgradeHead(const QByteArray &requestLine, const QByteArray &headers) {
    return requestLine + "\r\n" + headers + "\r\n";
}
} // namespace

class TestWireProtocol : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;

    double answers(int status) {
        const QByteArray text = f->http("GET", QStringLiteral("/metrics"), {}, cookie).body;
        const QRegularExpression line(
            QStringLiteral("^mist_http_responses_total\\{code=\"%1\"\\} (\\d+)$").arg(status),
            QRegularExpression::MultilineOption);
        const auto m = line.match(QString::fromUtf8(text));
        return m.hasMatch() ? m.captured(1).toDouble() : 0;
    }

    QByteArray standardHeaders(bool withCookie = true) const {
        QByteArray h = "Host: 127.0.0.1:" + QByteArray::number(f->port()) +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: " +
                       Key + "\r\nSec-WebSocket-Version: 13\r\n";
        if (withCookie)
            h += "Cookie: mist_token=" + cookie + "\r\n";
        return h;
    }

private Q_SLOTS:
    void initTestCase() {
        server::ServerConfig config;
        config.allowedHosts = {QStringLiteral("mist.example.com"),
                               QStringLiteral("*.apps.example.com")};
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
    }

    // ---- masking ----

    void unmaskedFrameCloses1002_data() {
        QTest::addColumn<int>("maskedBefore"); // masked frames sent first
        QTest::addColumn<int>("payloadBefore");
        QTest::addColumn<bool>("byteByByte");
        QTest::addColumn<int>("opcode"); // of the unmasked frame
        QTest::newRow("first frame, text") << 0 << 0 << false << 0x1;
        QTest::newRow("after three small masked frames") << 3 << 20 << false << 0x1;
        QTest::newRow("after masked frames of 16-bit length") << 2 << 3000 << false << 0x2;
        QTest::newRow("after a 60 000-byte frame") << 1 << 60000 << false << 0x2;
        QTest::newRow("all byte by byte") << 2 << 200 << true << 0x1;
        QTest::newRow("an unmasked ping") << 1 << 10 << false << 0x9;
        QTest::newRow("an unmasked close") << 1 << 10 << false << 0x8;
    }

    void unmaskedFrameCloses1002() {
        QFETCH(int, maskedBefore);
        QFETCH(int, payloadBefore);
        QFETCH(bool, byteByByte);
        QFETCH(int, opcode);
        const double before = f->server().httpStats()[QStringLiteral("unmaskedFrames")].toDouble();
        RawWebSocket ws;
        QCOMPARE(ws.upgrade(f->port(), QStringLiteral("/ws/metrics"), cookie), 101);
        QVERIFY(ws.next()); // the latest sample
        QByteArray bytes;
        for (int i = 0; i < maskedBefore; ++i)
            bytes += ws.frame(0x2, QByteArray(payloadBefore, char('a' + i)));
        bytes += ws.frame(opcode, opcode == 0x8 ? QByteArray("\x03\xe8", 2) : "unmasked", false);
        if (byteByByte) {
            for (char c : std::as_const(bytes)) {
                ws.send(QByteArray(1, c));
                QTest::qWait(1);
            }
        } else {
            ws.send(bytes);
        }
        std::optional<RawWebSocket::Frame> frame;
        do
            frame = ws.next(5000);
        while (frame && frame->opcode != 0x8);
        QVERIFY2(frame, "no close frame");
        QCOMPARE(frame->closeCode(), 1002);
        QVERIFY(ws.waitDisconnected());
        QCOMPARE(f->server().httpStats()[QStringLiteral("unmaskedFrames")].toDouble(), before + 1);
    }

    void maskedFramesKeepTheConnection() {
        RawWebSocket ws;
        QCOMPARE(ws.upgrade(f->port(), QStringLiteral("/ws/metrics"), cookie), 101);
        QVERIFY(ws.next());
        // Many small ones at once, a large one in pieces, pings: all masked.
        QByteArray bytes;
        for (int i = 0; i < 50; ++i)
            bytes += ws.frame(0x1, "{}");
        ws.send(bytes);
        const QByteArray big = ws.frame(0x2, QByteArray(50000, 'x'));
        for (qsizetype at = 0; at < big.size(); at += 777) {
            ws.send(big.mid(at, 777));
            QTest::qWait(1);
        }
        ws.send(ws.frame(0x9, "still there?"));
        std::optional<RawWebSocket::Frame> frame;
        do
            frame = ws.next(5000);
        while (frame && frame->opcode != 0xA && frame->opcode != 0x8);
        QVERIFY(frame);
        QCOMPARE(frame->opcode, 0xA);
        QCOMPARE(frame->payload, QByteArray("still there?"));
        QVERIFY(ws.socket().state() == QAbstractSocket::ConnectedState);
    }

    void framesBeforeTheAnswerAreRefused() {
        // RFC 6455 §4.1: a client waits for the 101 before it sends frames.
        RawWebSocket ws;
        const QByteArray head =
            upgradeHead("GET /ws/metrics HTTP/1.1", standardHeaders()) + ws.frame(0x1, "early");
        const QByteArray answer = rawHttpExchange(f->port(), head, 5000);
        QCOMPARE(statusOf(answer), 400);
    }

    // ---- handshakes QWebSocketServer would drop ----

    void malformedUpgradeIsAnswered_data() {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("request line of 9 000 bytes")
            << upgradeHead("GET /ws/metrics?pad=" + QByteArray(9000, 'p') + " HTTP/1.1", "STD")
            << 414;
        QTest::newRow("header line of 9 000 bytes")
            << upgradeHead("GET /ws/metrics HTTP/1.1",
                           "STDX-Pad: " + QByteArray(9000, 'p') + "\r\n")
            << 431;
        QByteArray many;
        for (int i = 0; i < 101; ++i)
            many += "X-Field-" + QByteArray::number(i) + ": 1\r\n";
        QTest::newRow("101 header fields")
            << upgradeHead("GET /ws/metrics HTTP/1.1", "STD" + many) << 431;
        QTest::newRow("no key") << upgradeHead("GET /ws/metrics HTTP/1.1", "NOKEY") << 400;
        QTest::newRow("short key") << upgradeHead("GET /ws/metrics HTTP/1.1", "SHORTKEY") << 400;
        QTest::newRow("no Connection: Upgrade")
            << upgradeHead("GET /ws/metrics HTTP/1.1", "NOCONNECTION") << 400;
        QTest::newRow("version 8") << upgradeHead("GET /ws/metrics HTTP/1.1", "VERSION8") << 426;
        QTest::newRow("version garbage")
            << upgradeHead("GET /ws/metrics HTTP/1.1", "VERSIONX") << 400;
        QTest::newRow("HTTP/1.0") << upgradeHead("GET /ws/metrics HTTP/1.0", "STD") << 400;
        QTest::newRow("bare LF lines") << QByteArray("LFONLY") << 400;
    }

    void malformedUpgradeIsAnswered() {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const QByteArray std = standardHeaders();
        QByteArray noKey = std;
        noKey.replace("Sec-WebSocket-Key: " + Key + "\r\n", "");
        QByteArray shortKey = std;
        shortKey.replace(Key, "c2hvcnQ=");
        QByteArray noConnection = std;
        noConnection.replace("Connection: Upgrade\r\n", "");
        QByteArray version8 = std;
        version8.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
        QByteArray versionX = std;
        versionX.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13x");
        // Each row has one placeholder (the cookie could hold any of them).
        const QList<QPair<QByteArray, QByteArray>> placeholders{
            {"NOKEY", noKey},       {"SHORTKEY", shortKey}, {"NOCONNECTION", noConnection},
            {"VERSION8", version8}, {"VERSIONX", versionX}, {"STD", std}};
        for (const auto &[name, value] : placeholders) {
            if (request.contains(name)) {
                request.replace(name, value);
                break;
            }
        }
        if (request == "LFONLY") {
            request = upgradeHead("GET /ws/metrics HTTP/1.1", std);
            request.replace("\r\n", "\n");
        }

        const double upgradesBefore = answers(101);
        const double statusBefore = answers(status);
        const QByteArray answer = rawHttpExchange(f->port(), request, 5000);
        QCOMPARE(statusOf(answer), status);
        if (status == 426)
            QVERIFY(answer.contains("Sec-WebSocket-Version: 13"));
        QCOMPARE(answers(101), upgradesBefore);
        QCOMPARE(answers(status), statusBefore + 1);
        // The good one still upgrades, and counts.
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/metrics"), cookie), 101);
        WsRecorder w;
        QVERIFY(w.waitFor([&] { return answers(101) == upgradesBefore + 1; }, 5000));
    }

    // ---- Host ----

    void hostHeader_data() {
        QTest::addColumn<QByteArray>("host"); // "-": no Host header
        QTest::addColumn<QByteArray>("version");
        QTest::addColumn<int>("status");
        QTest::newRow("loopback address")
            << QByteArray("127.0.0.1:PORT") << QByteArray("1.1") << 200;
        QTest::newRow("localhost") << QByteArray("localhost:PORT") << QByteArray("1.1") << 200;
        QTest::newRow("LOCALHOST.") << QByteArray("LOCALHOST.") << QByteArray("1.1") << 200;
        QTest::newRow("a .localhost name")
            << QByteArray("app.localhost") << QByteArray("1.1") << 200;
        QTest::newRow("IPv6 loopback") << QByteArray("[::1]:PORT") << QByteArray("1.1") << 200;
        QTest::newRow("another IP address") << QByteArray("10.0.0.7") << QByteArray("1.1") << 200;
        QTest::newRow("allowed name") << QByteArray("mist.example.com") << QByteArray("1.1") << 200;
        QTest::newRow("allowed name, other case and dot")
            << QByteArray("Mist.Example.COM.:443") << QByteArray("1.1") << 200;
        QTest::newRow("wildcard, one label")
            << QByteArray("x.apps.example.com") << QByteArray("1.1") << 200;
        QTest::newRow("wildcard, two labels")
            << QByteArray("a.b.apps.example.com") << QByteArray("1.1") << 421;
        QTest::newRow("wildcard's own name")
            << QByteArray("apps.example.com") << QByteArray("1.1") << 421;
        QTest::newRow("a rebinding name")
            << QByteArray("evil.example:PORT") << QByteArray("1.1") << 421;
        QTest::newRow("allowed name as a prefix")
            << QByteArray("mist.example.com.evil.example") << QByteArray("1.1") << 421;
        QTest::newRow("address-looking name")
            << QByteArray("127.0.0.1.evil.example") << QByteArray("1.1") << 421;
        QTest::newRow("no Host, HTTP/1.1") << QByteArray("-") << QByteArray("1.1") << 400;
        QTest::newRow("no Host, HTTP/1.0") << QByteArray("-") << QByteArray("1.0") << 200;
        QTest::newRow("empty Host") << QByteArray("") << QByteArray("1.1") << 400;
        QTest::newRow("user info") << QByteArray("me@127.0.0.1") << QByteArray("1.1") << 400;
        QTest::newRow("bare IPv6") << QByteArray("::1") << QByteArray("1.1") << 400;
        QTest::newRow("port too large")
            << QByteArray("localhost:70000") << QByteArray("1.1") << 400;
        QTest::newRow("huge") << QByteArray(5000, 'a') << QByteArray("1.1") << 400;
    }

    void hostHeader() {
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, version);
        QFETCH(int, status);
        host.replace("PORT", QByteArray::number(f->port()));
        QByteArray request = "GET /api/health HTTP/" + version + "\r\n";
        if (host != "-")
            request += "Host: " + host + "\r\n";
        request += "Connection: close\r\n\r\n";
        const QByteArray answer = rawHttpExchange(f->port(), request, 5000);
        QCOMPARE(statusOf(answer), status);
    }

    void hostCheckedBeforeTheUpgradeGate() {
        // A rebinding page's WebSocket: refused for its Host before anything else.
        QByteArray headers = standardHeaders(false);
        headers.replace("Host: 127.0.0.1:" + QByteArray::number(f->port()), "Host: evil.example");
        QCOMPARE(statusOf(rawHttpExchange(f->port(),
                                          upgradeHead("GET /ws/metrics HTTP/1.1", headers), 5000)),
                 421);
        QCOMPARE(statusOf(rawHttpExchange(f->port(),
                                          upgradeHead("GET /ws/nothing HTTP/1.1", headers), 5000)),
                 421);
    }
};

QTEST_GUILESS_MAIN(TestWireProtocol)
#include "tst_wireprotocol.moc"
