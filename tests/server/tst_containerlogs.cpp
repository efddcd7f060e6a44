// SPDX-License-Identifier: GPL-3.0-or-later

// /ws/container/logs against the real engine: status, tail, live lines,
// long lines, stderr, end, fan-out through one engine stream.
#include "TestSupport.h"

#include "engine/DockerClient.h"
#include "server/endpoints/ContainerLogsEndpoint.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
// Keeps a container alive after its scripted output, so lines can be added
// later with `docker exec` writing to PID 1's stdout/stderr.
const QString KeepAlive = QStringLiteral("; while true; do sleep 1; done");

void say(const QString &container, const QString &text, int fd = 1) {
    bool ok = false;
    docker({QStringLiteral("exec"), container, QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("echo '%1' >/proc/1/fd/%2").arg(text).arg(fd)},
           &ok);
    QVERIFY(ok);
}

QStringList linesOf(const QList<QJsonObject> &logs) {
    QStringList out;
    for (const QJsonObject &m : logs)
        out << m["data"].toObject()["line"].toString();
    return out;
}
} // namespace

class TestContainerLogs : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;
    QStringList containers;

    qint64 addContainerApp(const QString &container) {
        store::App app;
        app.name = container;
        app.containerName = container;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        return created->id;
    }

    QString startContainer(const QString &script, const QStringList &extra = {}) {
        const QString name = QStringLiteral("mist-logs-%1-%2")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(containers.size());
        containers << name;
        const QString id = runContainer(name, script, extra);
        if (id.isEmpty())
            qFatal("could not start container");
        return name;
    }

    QString path(qint64 appId) { return QStringLiteral("/ws/container/logs?appId=%1").arg(appId); }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!cookie.isEmpty());
    }

    void cleanupTestCase() {
        for (const QString &c : std::as_const(containers))
            removeContainer(c);
    }

    void statusTailThenLive() {
        const QString c = startContainer(
            QStringLiteral("for i in $(seq 1 150); do echo line$i; done") + KeepAlive);
        const qint64 app = addContainerApp(c);
        QTest::qWait(500); // let the 150 lines reach the engine's log
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForMessages(101));
        const QJsonObject status = ws.messages[0];
        QCOMPARE(status["type"].toString(), QStringLiteral("status"));
        const QJsonObject sd = status["data"].toObject();
        QCOMPARE(sd["container"].toString(), c);
        QCOMPARE(sd["state"].toString(), QStringLiteral("running"));
        QVERIFY2(sd["status"].toString().startsWith(QStringLiteral("Up ")),
                 qPrintable(sd["status"].toString()));

        QStringList expected;
        for (int i = 51; i <= 150; ++i)
            expected << QStringLiteral("line%1").arg(i);
        QCOMPARE(linesOf(ws.messages.mid(1, 100)), expected);
        for (const QJsonObject &m : ws.messages.mid(1, 100)) {
            QCOMPARE(m["type"].toString(), QStringLiteral("log"));
            const QJsonObject d = m["data"].toObject();
            QCOMPARE(d["stream"].toString(), QStringLiteral("stdout"));
            QVERIFY(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$)"))
                        .match(d["ts"].toString())
                        .hasMatch());
        }

        say(c, QStringLiteral("live one"));
        say(c, QStringLiteral("to stderr"), 2);
        QVERIFY(ws.waitForMessages(103));
        QCOMPARE(ws.messages[101]["data"].toObject()["line"].toString(),
                 QStringLiteral("live one"));
        QCOMPARE(ws.messages[101]["data"].toObject()["stream"].toString(),
                 QStringLiteral("stdout"));
        QCOMPARE(ws.messages[102]["data"].toObject()["line"].toString(),
                 QStringLiteral("to stderr"));
        QCOMPARE(ws.messages[102]["data"].toObject()["stream"].toString(),
                 QStringLiteral("stderr"));
        QTest::qWait(300);
        QCOMPARE(ws.messages.size(), 103); // nothing twice

        // Stopping the container ends the stream: `end`, then close 1000.
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"), c});
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.last()["type"].toString(), QStringLiteral("end"));
        QCOMPARE(ws.messages.last()["data"].toObject()["message"].toString(),
                 QStringLiteral("Log stream ended"));
        QCOMPARE(ws.closeCode, 1000);
    }

    void shortLogGivesAllLines() {
        const QString c = startContainer(QStringLiteral("echo a; echo b >&2; echo c") + KeepAlive);
        const qint64 app = addContainerApp(c);
        QTest::qWait(300);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForMessages(4));
        QTest::qWait(200);
        QCOMPARE(ws.messages.size(), 4);
        const QList<QJsonObject> logs = ws.ofType(QStringLiteral("log"));
        const QStringList lines = linesOf(logs);
        const QSet<QString> got(lines.begin(), lines.end());
        QCOMPARE(got, (QSet<QString>{"a", "b", "c"}));
        for (const QJsonObject &m : logs) {
            const QJsonObject d = m["data"].toObject();
            QCOMPARE(d["stream"].toString(), d["line"].toString() == u"b"
                                                 ? QStringLiteral("stderr")
                                                 : QStringLiteral("stdout"));
        }
    }

    void longLines() {
        // 40 KiB arrives whole (the engine stores it as three pieces); 3 MiB is
        // cut at 1 MiB with truncated: true; the line after it is intact.
        const QString c = startContainer(
            QStringLiteral("echo before; head -c 40960 /dev/zero | tr '\\0' b; echo; "
                           "head -c 3145728 /dev/zero | tr '\\0' a; echo; echo after") +
            KeepAlive);
        const qint64 app = addContainerApp(c);
        QTest::qWait(1500);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForMessages(5, 30000));
        const QList<QJsonObject> logs = ws.ofType(QStringLiteral("log"));
        QCOMPARE(logs.size(), 4);
        QCOMPARE(logs[0]["data"].toObject()["line"].toString(), QStringLiteral("before"));
        const QJsonObject forty = logs[1]["data"].toObject();
        QCOMPARE(forty["line"].toString(), QString(40960, u'b'));
        QVERIFY(!forty.contains(QStringLiteral("truncated")));
        const QJsonObject big = logs[2]["data"].toObject();
        QCOMPARE(big["line"].toString().size(), 1024 * 1024);
        QCOMPARE(big["truncated"].toBool(), true);
        QCOMPARE(logs[3]["data"].toObject()["line"].toString(), QStringLiteral("after"));

        // Live, too: the same cut when the long line arrives after connecting.
        docker({QStringLiteral("exec"), c, QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("head -c 2097152 /dev/zero | tr '\\0' z >/proc/1/fd/1; "
                               "echo >/proc/1/fd/1; echo tail-end >/proc/1/fd/1")});
        QVERIFY(ws.waitForMessages(7, 30000));
        const QJsonObject liveBig = ws.messages[5]["data"].toObject();
        QCOMPARE(liveBig["line"].toString().size(), 1024 * 1024);
        QCOMPARE(liveBig["truncated"].toBool(), true);
        QCOMPARE(ws.messages[6]["data"].toObject()["line"].toString(), QStringLiteral("tail-end"));
    }

    void tailCountsLinesNotEngineEntries() {
        // The last 100 lines include a 100 KiB line (7 engine entries): the tail
        // must still be exactly 100 whole lines.
        const QString c = startContainer(
            QStringLiteral("for i in $(seq 1 120); do echo n$i; done; head -c 102400 /dev/zero | "
                           "tr '\\0' q; echo; for i in $(seq 121 140); do echo n$i; done") +
            KeepAlive);
        const qint64 app = addContainerApp(c);
        QTest::qWait(800);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForMessages(101, 20000));
        QTest::qWait(300);
        const QStringList lines = linesOf(ws.ofType(QStringLiteral("log")));
        QCOMPARE(lines.size(), 100);
        QCOMPARE(lines.first(), QStringLiteral("n42"));
        QCOMPARE(lines[78], QStringLiteral("n120"));
        QCOMPARE(lines[79], QString(102400, u'q'));
        QCOMPARE(lines.last(), QStringLiteral("n140"));
    }

    void bigTailIsNotCutOff() {
        // 100 lines of 100 KiB: a 10 MiB tail, more than a connection may
        // queue of live data. A new viewer still gets every line of it.
        const QString c = startContainer(
            QStringLiteral("for i in $(seq 1 100); do head -c 102400 /dev/zero | tr '\\0' x; "
                           "echo; done") +
            KeepAlive);
        const qint64 app = addContainerApp(c);
        QTest::qWait(2000);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForMessages(101, 60000));
        QTest::qWait(300);
        QVERIFY(!ws.closed);
        const QStringList lines = linesOf(ws.ofType(QStringLiteral("log")));
        QCOMPARE(lines.size(), 100);
        for (const QString &l : lines)
            QCOMPARE(l.size(), 102400);
    }

    void restartedContainerFollowedOnSameSocket() {
        const QString c = startContainer(
            QStringLiteral("echo boot-$(cat /proc/uptime | cut -d. -f1)-$$; i=0; "
                           "while true; do i=$((i+1)); echo tick$i; sleep 0.2; done"));
        const qint64 app = addContainerApp(c);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitFor([&] { return ws.ofType(QStringLiteral("log")).size() >= 5; }));
        bool ok = false;
        docker({QStringLiteral("restart"), QStringLiteral("-t"), QStringLiteral("1"), c}, &ok);
        QVERIFY(ok);
        // The restarted script prints tick1 again: it must arrive on this socket.
        const int before = int(ws.ofType(QStringLiteral("log")).size());
        QVERIFY(ws.waitFor(
            [&] {
                const QList<QJsonObject> logs = ws.ofType(QStringLiteral("log"));
                for (int i = before; i < logs.size(); ++i) {
                    if (logs[i]["data"].toObject()["line"].toString() == u"tick3")
                        return true;
                }
                return false;
            },
            30000));
        QVERIFY(!ws.closed);
        QVERIFY(ws.ofType(QStringLiteral("end")).isEmpty());
        QVERIFY(ws.ofType(QStringLiteral("error")).isEmpty());
        // Nothing twice: every line's ts is new.
        QSet<QString> seen;
        for (const QJsonObject &m : ws.ofType(QStringLiteral("log"))) {
            const QString key =
                m["data"].toObject()["ts"].toString() + m["data"].toObject()["line"].toString();
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen.insert(key);
        }
    }

    // A container restarted again and again (as a crash loop is) is followed on the same
    // socket each time; its restarts are not taken for an engine that keeps closing the
    // stream (that error came after the sixth restart).
    void manyRestartsAreNotTheEnginesFault() {
        const QString c = startContainer(QStringLiteral(
            "echo boot-$(cat /proc/uptime | tr -d ' .'); while true; do sleep 1; done"));
        const qint64 app = addContainerApp(c);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        const auto boots = [&] {
            int n = 0;
            for (const QJsonObject &m : ws.ofType(QStringLiteral("log")))
                n += m["data"].toObject()["line"].toString().startsWith(QLatin1String("boot-"));
            return n;
        };
        QVERIFY(ws.waitFor([&] { return boots() == 1; }));
        for (int i = 2; i <= 9; ++i) {
            bool ok = false;
            docker({QStringLiteral("restart"), QStringLiteral("-t"), QStringLiteral("0"), c}, &ok);
            QVERIFY(ok);
            QVERIFY2(
                ws.waitFor(
                    [&] { return boots() == i || !ws.ofType(QStringLiteral("error")).isEmpty(); },
                    30000),
                qPrintable(QStringLiteral("run %1").arg(i)));
            const QList<QJsonObject> errors = ws.ofType(QStringLiteral("error"));
            QVERIFY2(errors.isEmpty(),
                     errors.isEmpty() ? "" : QJsonDocument(errors.first()).toJson().constData());
        }
        QVERIFY(!ws.closed);
        QVERIFY(ws.ofType(QStringLiteral("end")).isEmpty());
    }

    void slowClientIsCutOffOthersUnaffected() {
        // A container that writes fast, a viewer that reads, and one that
        // stops reading: the reader keeps up, the other is closed once its
        // queue passes the limit, instead of the server's memory growing.
        const QString c = startContainer(
            QStringLiteral("while true; do head -c 16000 /dev/zero | tr '\\0' s; echo; done"));
        const qint64 app = addContainerApp(c);
        QTcpSocket stalled;
        stalled.setReadBufferSize(
            4096); // Qt stops draining the kernel buffer: a client that stops reading
        stalled.connectToHost(QHostAddress::LocalHost, f->port());
        QVERIFY(stalled.waitForConnected(5000));
        stalled.write("GET " + path(app).toUtf8() +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      "Cookie: mist_token=" +
                      cookie + "\r\n\r\n");
        WsRecorder reader;
        QVERIFY(reader.open(f->port(), path(app), cookie));
        // The stalled socket cannot notice (it reads nothing); the server's
        // own count of viewers tells when it has let go of it.
        auto viewers = [&] {
            return f->server().stats()["clients"].toObject()["/ws/container/logs"].toInt();
        };
        QVERIFY(reader.waitFor([&] { return viewers() == 2; }, 10000));
        const bool dropped = reader.waitFor([&] { return viewers() == 1; }, 90000);
        const int received = int(reader.ofType(QStringLiteral("log")).size());
        qInfo("the reading client got %d lines of 16 KB while the other stalled", received);
        QVERIFY2(dropped, "a client that stopped reading must be closed");
        QVERIFY(!reader.closed);
        // 8 MiB of queue is ~520 such lines; the reader got far more.
        QVERIFY(received > 600);
        QVERIFY(reader.waitForMessages(reader.messages.size() + 50, 20000));
        removeContainer(c);
    }

    void notRunning() {
        const QString c = startContainer(QStringLiteral("echo bye"));
        const qint64 app = addContainerApp(c);
        docker({QStringLiteral("wait"), c});
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 2);
        QCOMPARE(ws.messages[0]["type"].toString(), QStringLiteral("status"));
        QCOMPARE(ws.messages[0]["data"].toObject()["state"].toString(), QStringLiteral("exited"));
        QVERIFY2(ws.messages[0]["data"].toObject()["status"].toString().startsWith(
                     QStringLiteral("Exited (0)")),
                 qPrintable(ws.messages[0]["data"].toObject()["status"].toString()));
        QCOMPARE(ws.messages[1]["type"].toString(), QStringLiteral("error"));
        QCOMPARE(ws.messages[1]["data"].toObject()["message"].toString(),
                 QStringLiteral("Container not running"));
        QCOMPARE(ws.closeCode, 1000);
    }

    void containerNotFound() {
        const qint64 app = addContainerApp(QStringLiteral("mist-no-such-container"));
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0]["type"].toString(), QStringLiteral("error"));
        QCOMPARE(ws.messages[0]["data"].toObject()["message"].toString(),
                 QStringLiteral("Container not found"));
        QCOMPARE(ws.closeCode, 1000);
    }

    void tenClientsOneEngineStream() {
        const QString c = startContainer(QStringLiteral("echo first") + KeepAlive);
        const qint64 app = addContainerApp(c);
        QTest::qWait(300);
        const quint64 opened = f->server().docker().streamsOpened();
        const int hubsBefore = f->server().containerLogs().hubCount();
        std::vector<std::unique_ptr<WsRecorder>> clients;
        for (int i = 0; i < 10; ++i) {
            clients.push_back(std::make_unique<WsRecorder>());
            QVERIFY(clients.back()->open(f->port(), path(app), cookie));
        }
        for (auto &ws : clients)
            QVERIFY(ws->waitForMessages(2));
        for (int i = 0; i < 50; ++i)
            say(c, QStringLiteral("fan %1").arg(i));
        for (auto &ws : clients)
            QVERIFY(ws->waitForMessages(52));
        const QStringList reference = linesOf(clients[0]->ofType(QStringLiteral("log")));
        QCOMPARE(reference.size(), 51);
        QCOMPARE(reference.first(), QStringLiteral("first"));
        QCOMPARE(reference.last(), QStringLiteral("fan 49"));
        for (auto &ws : clients) {
            QCOMPARE(linesOf(ws->ofType(QStringLiteral("log"))), reference);
            // Same serialisation for everyone: the raw `data` of every live line is identical.
        }
        // One engine follow stream for all ten, proven by the engine client's counter
        // and by the server's own introspection route.
        // None when the server's log archive already follows the container
        // (it pins the same hub), one otherwise; without sharing, ten.
        QVERIFY2(f->server().docker().streamsOpened() - opened <= quint64(1),
                 qPrintable(QString::number(f->server().docker().streamsOpened() - opened)));
        // At most one new hub (an earlier test's hub may end its idle grace meanwhile).
        QVERIFY(f->server().containerLogs().hubCount() >= 1);
        QVERIFY(f->server().containerLogs().hubCount() <= hubsBefore + 1);
        const QJsonObject stats = f->http("GET", QStringLiteral("/api/server/stats"), {}, cookie)
                                      .json()["data"]
                                      .toObject();
        QCOMPARE(stats["clients"].toObject()["/ws/container/logs"].toInt(), 10);
        QVERIFY(stats["engineStreamsActive"].toInt() >= 1);
    }

    void ttyContainer() {
        const QString c =
            startContainer(QStringLiteral("echo tty-line") + KeepAlive, {QStringLiteral("-t")});
        const qint64 app = addContainerApp(c);
        QTest::qWait(300);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), path(app), cookie));
        QVERIFY(ws.waitForMessages(2));
        QCOMPARE(ws.messages[1]["data"].toObject()["line"].toString(), QStringLiteral("tty-line"));
        QCOMPARE(ws.messages[1]["data"].toObject()["stream"].toString(), QStringLiteral("stdout"));
    }
};

QTEST_GUILESS_MAIN(TestContainerLogs)
#include "tst_containerlogs.moc"
