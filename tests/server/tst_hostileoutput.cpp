// SPDX-License-Identifier: GPL-3.0-or-later

// Hostile clients cannot exhaust the server through its output (issue #15,
// items 2, 4 and 8), against the real `mist-monitor --server` binary and the
// real engine: a ping flood from a client that never reads, big replays
// (deployment logs on the socket and over REST, container logs resumed from
// the start) to viewers that never read, the server-wide budget over all
// queued output, and a resume whose gap is larger than one engine reply.
// Each attack is followed by a normal client that must be served, and the
// server's memory must come back.
#include "HostileClients.h"
#include "TestSupport.h"

#include "store/DeploymentStore.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
constexpr qint64 MiB = 1024 * 1024;
#if defined(__SANITIZE_ADDRESS__)
// Redzones, shadow memory and the (shrunk) quarantine: the same bounds,
// with room for what AddressSanitizer adds (and its slower code: the bounds
// on time are 3 times as long too).
constexpr qint64 Slack = 3;
#else
constexpr qint64 Slack = 1;
#endif
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's allocator keeps what is freed in its own pools (and
// malloc_trim does not reach them): whether memory goes back to the system
// is only measured, not asserted, there.
constexpr bool MemoryGoesBack = false;
#else
constexpr bool MemoryGoesBack = true;
#endif
// Catches a server that stops answering while it is attacked, not a slow
// one: the figures are printed (typically tens of milliseconds).
constexpr qint64 HealthBoundMs = 5000 * Slack;

QString containerName(const char *what) {
    static int serial = 0;
    return QStringLiteral("mist-hostile-%1-%2-%3")
        .arg(QCoreApplication::applicationPid())
        .arg(QLatin1String(what))
        .arg(++serial);
}

qint64 addContainerApp(store::Store &store, const QString &container) {
    store::App app;
    app.name = container;
    app.containerName = container;
    const auto created = store.apps().add(app);
    if (!created)
        qFatal("addApp: %s", qPrintable(created.error()));
    return created->id;
}

// A finished deployment whose build log is `lines` lines of `width` bytes.
qint64 addDeploymentLog(store::Store &store, int lines, int width) {
    store::App app;
    static int serial = 0;
    app.name =
        QStringLiteral("big-log-%1-%2").arg(QCoreApplication::applicationPid()).arg(++serial);
    app.gitUrl = QStringLiteral("https://example.com/big.git");
    const auto created = store.apps().add(app);
    if (!created)
        qFatal("addApp: %s", qPrintable(created.error()));
    store::DeploymentStore deployments(store);
    auto d = deployments.create(created->id, 1);
    if (!d)
        qFatal("create: %s", qPrintable(d.error()));
    d->status = QStringLiteral("success");
    d->stage = QStringLiteral("completed");
    d->progress = 100;
    if (const auto saved = deployments.save(*d); !saved)
        qFatal("save: %s", qPrintable(saved.error()));
    const QString pad(width - 8, u'b');
    for (int first = 1; first <= lines; first += 10000) {
        QList<mist::store::DeploymentLogLine> batch;
        for (int i = first; i < first + 10000 && i <= lines; ++i)
            batch.append({0, QStringLiteral("%1 ").arg(i, 7, 10, QLatin1Char('0')) + pad, false});
        if (const auto appended = deployments.appendLogs(d->id, batch); !appended)
            qFatal("appendLogs: %s", qPrintable(appended.error()));
    }
    return d->id;
}

// GET /api/health; its time in ms, or -1 when it did not answer 200.
qint64 healthMs(ServerProcess &server) {
    QElapsedTimer t;
    t.start();
    const HttpResult r = server.http("GET", QStringLiteral("/api/health"));
    return r.status == 200 ? t.elapsed() : -1;
}

int viewers(ServerProcess &server, const QString &endpoint) {
    return server.stats()[QStringLiteral("clients")].toObject()[endpoint].toInt(-1);
}

// A viewer that reads everything and keeps only what the checks need.
class Reader : public QObject {
public:
    explicit Reader(const QString &type = QStringLiteral("log"))
        : m_type(type) {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            const QString type = m[QStringLiteral("type")].toString();
            if (type == m_type) {
                const QString line =
                    m[QStringLiteral("data")].toObject()[QStringLiteral("line")].toString();
                ++count;
                // The numbered tests' lines start with their number.
                const qint64 number = line.section(u' ', 0, 0).toLongLong();
                if (number != lastNumber + 1 && outOfOrder.isEmpty())
                    outOfOrder = QStringLiteral("after line %1 came '%2'")
                                     .arg(lastNumber)
                                     .arg(line.left(40));
                lastNumber = number;
            } else if (type == u"error") {
                errors
                    << m[QStringLiteral("data")].toObject()[QStringLiteral("message")].toString();
            } else if (type == u"end") {
                ended = true;
            }
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
    }
    bool open(quint16 port, const QString &pathAndQuery, const QByteArray &cookie) {
        QNetworkRequest request(
            QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(pathAndQuery)));
        request.setRawHeader("Cookie", "mist_token=" + cookie);
        bool connected = false;
        connect(&socket, &QWebSocket::connected, this, [&connected] { connected = true; });
        socket.open(request);
        WsRecorder wait;
        return wait.waitFor([&] { return connected || closed; }, 10000) && connected;
    }

    QWebSocket socket;
    qint64 count = 0;
    qint64 lastNumber = 0;
    QString outOfOrder;
    QStringList errors;
    bool ended = false;
    bool closed = false;

private:
    QString m_type;
};

bool waitUntil(const std::function<bool()> &predicate, int timeoutMs) {
    WsRecorder w;
    return w.waitFor(predicate, timeoutMs);
}

// Whether the server's RSS came back to within `bound` of `rss0` within 15 s.
bool memoryBack(ServerProcess &server, qint64 rss0, qint64 bound) {
    const bool back = waitUntil([&] { return server.rssBytes() - rss0 <= bound; }, 15000);
    qInfo("RSS 15 s after the attack: %lld MiB above where it started",
          (server.rssBytes() - rss0) / MiB);
    return back || !MemoryGoesBack;
}
} // namespace

class TestHostileOutput : public QObject {
    Q_OBJECT
    QStringList containers;
    QTemporaryDir certDir;

    QString startContainer(const char *what, const QString &script) {
        const QString name = containerName(what);
        containers << name;
        if (runContainer(name, script).isEmpty())
            qFatal("could not start container %s", qPrintable(name));
        return name;
    }

    // Item 2: a member pings a quiet container-logs socket as fast as it can
    // and never reads the pongs (over wss when `tls`).
    void pingFlood(bool tls) {
        const QString c = startContainer("quiet", QStringLiteral("while true; do sleep 1; done"));
        ServerProcess server;
        const qint64 app = addContainerApp(server.store(), c);
        QStringList args;
        if (tls) {
            const auto certificate = makeLoopbackCertificate(certDir.path());
            QVERIFY(certificate);
            const QString cert = certificate->cert;
            const QString key = certificate->key;
            args << QStringLiteral("--tls-cert") << cert << QStringLiteral("--tls-key") << key;
        }
        const auto started = server.start(args);
        QVERIFY2(started, qPrintable(started.error()));
        const QString path = QStringLiteral("/ws/container/logs?appId=%1").arg(app);
        pump(1000);
        const qint64 rss0 = server.rssBytes();

        RawWsClient attacker;
        QVERIFY(attacker.open(server.port(), path, server.cookie(), tls));
        QVERIFY(waitUntil(
            [&] { return viewers(server, QStringLiteral("/ws/container/logs")) == 1; }, 10000));
        QByteArray batch;
        for (int i = 0; i < 1000; ++i)
            batch += RawWsClient::pingFrame(QByteArray(125, 'p'));

        const qint64 bound = 64 * MiB * Slack;
        qint64 peak = rss0, sent = 0, worstHealth = 0;
        bool cut = false;
        QElapsedTimer timer, lastCheck;
        timer.start();
        lastCheck.start();
        while (timer.elapsed() < 30000) {
            if (attacker.isConnected() && attacker.socket().bytesToWrite() < 4 * MiB) {
                attacker.socket().write(batch);
                sent += batch.size();
            }
            pump(10);
            peak = std::max(peak, server.rssBytes());
            if (peak - rss0 > bound)
                break;
            if (lastCheck.elapsed() >= 500) {
                lastCheck.restart();
                const qint64 ms = healthMs(server);
                QVERIFY2(ms >= 0, "/api/health must answer during the flood");
                worstHealth = std::max(worstHealth, ms);
                if (viewers(server, QStringLiteral("/ws/container/logs")) == 0) {
                    cut = true;
                    break;
                }
            }
        }
        qInfo("ping flood%s: %lld MiB of pings sent in %lld ms; server RSS %lld -> peak %lld MiB; "
              "slowest /api/health %lld ms",
              tls ? " over wss" : "", sent / MiB, timer.elapsed(), rss0 / MiB, peak / MiB,
              worstHealth);
        QVERIFY2(peak - rss0 <= bound,
                 qPrintable(QStringLiteral("server RSS grew by %1 MiB under a ping flood")
                                .arg((peak - rss0) / MiB)));
        QVERIFY2(cut, "the flooding client must be closed");
        QVERIFY2(worstHealth < HealthBoundMs, "a normal client must be served meanwhile");
        attacker.socket().abort();

        // A normal viewer is served, and the memory goes back.
        RawWsClient normal;
        QVERIFY(normal.open(server.port(), path, server.cookie(), tls));
        QVERIFY(
            waitUntil([&] { return normal.socket().peek(4096).contains("\"status\""); }, 10000));
        QVERIFY2(memoryBack(server, rss0, 16 * MiB),
                 "the memory must go back once the attack is over");
    }

private Q_SLOTS:
    void initTestCase() { MIST_REQUIRE_DOCKER(); }

    void pingFloodIsCutOff() { pingFlood(false); }
    // Under TLS the queue sits in the socket's encrypted buffer.
    void pingFloodOverTlsIsCutOff() { pingFlood(true); }

    void cleanupTestCase() {
        for (const QString &c : std::as_const(containers))
            removeContainer(c);
    }

    // Item 4: a 50 MB build log, replayed to viewers that never read: five on
    // the socket, five over REST.
    void bigDeploymentLogToStalledViewers() {
        ServerProcess server;
        const int lines = 500000;
        const qint64 id = addDeploymentLog(server.store(), lines, 100);
        const auto started = server.start();
        QVERIFY2(started, qPrintable(started.error()));
        pump(1000);
        const qint64 rss0 = server.rssBytes();
        const qint64 bound = 96 * MiB * Slack;
        qint64 worstHealth = 0;

        std::vector<std::unique_ptr<RawWsClient>> stalled;
        for (int i = 0; i < 5; ++i) {
            stalled.push_back(std::make_unique<RawWsClient>());
            QVERIFY(stalled.back()->open(
                server.port(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                server.cookie()));
            pump(1000);
            worstHealth = std::max(worstHealth, healthMs(server));
            const qint64 grown = server.rssBytes() - rss0;
            QVERIFY2(grown <= bound,
                     qPrintable(QStringLiteral("RSS grew by %1 MiB with %2 stalled viewers of a "
                                               "50 MB deployment log")
                                    .arg(grown / MiB)
                                    .arg(i + 1)));
        }
        for (int i = 0; i < 5; ++i) {
            stalled.push_back(std::make_unique<RawWsClient>());
            QTcpSocket &s = stalled.back()->socket();
            s.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(s.waitForConnected(5000));
            s.write("GET /api/deployments/" + QByteArray::number(id) +
                    "/logs?limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: mist_token=" +
                    server.cookie() + "\r\n\r\n");
            pump(1000);
            worstHealth = std::max(worstHealth, healthMs(server));
            const qint64 grown = server.rssBytes() - rss0;
            QVERIFY2(grown <= bound,
                     qPrintable(QStringLiteral("RSS grew by %1 MiB with %2 stalled REST readers "
                                               "of a 50 MB deployment log")
                                    .arg(grown / MiB)
                                    .arg(i + 1)));
        }
        qInfo("5 stalled viewers + 5 stalled REST readers of a 50 MB log: RSS %lld -> %lld MiB, "
              "slowest /api/health %lld ms",
              rss0 / MiB, server.rssBytes() / MiB, worstHealth);
        QVERIFY(worstHealth >= 0 && worstHealth < HealthBoundMs);

        // A viewer that reads gets every line once, in order, then `end`
        // (under the sanitizers, which serialise far slower, the last
        // 50 000 of them: after= takes the same paged path).
        const int readAfter = Slack > 1 ? lines - 50000 : 0;
        Reader reader;
        reader.lastNumber = readAfter;
        QVERIFY(reader.open(
            server.port(),
            QStringLiteral("/ws/deployment/logs?deploymentId=%1&after=%2").arg(id).arg(readAfter),
            server.cookie()));
        QVERIFY2(waitUntil([&] { return reader.ended || reader.closed; }, 120000),
                 qPrintable(QStringLiteral("got %1 lines").arg(reader.count)));
        QCOMPARE(reader.count, qint64(lines - readAfter));
        QVERIFY2(reader.outOfOrder.isEmpty(), qPrintable(reader.outOfOrder));

        stalled.clear();
        QVERIFY2(memoryBack(server, rss0, 32 * MiB),
                 "the memory must go back once the attack is over");
    }

    // Item 4: viewers resume a 20 MB container log from its start and never read.
    void containerResumeToStalledViewers() {
        const QString c =
            startContainer("resume", QStringLiteral("PAD=$(head -c 1000 /dev/zero | tr '\\0' r); "
                                                    "seq -w 1 20000 | sed \"s/\\$/ $PAD/\"; "
                                                    "while true; do sleep 1; done"));
        ServerProcess server;
        const qint64 app = addContainerApp(server.store(), c);
        const auto started = server.start();
        QVERIFY2(started, qPrintable(started.error()));
        QVERIFY(waitUntil(
            [&] {
                return docker({QStringLiteral("logs"), QStringLiteral("--tail"),
                               QStringLiteral("1"), c})
                    .startsWith(QStringLiteral("20000 "));
            },
            60000));
        const QString path =
            QStringLiteral("/ws/container/logs?appId=%1&since=1970-01-01T00:00:01Z").arg(app);
        pump(1000);
        const qint64 rss0 = server.rssBytes();
        const qint64 bound = 64 * MiB * Slack;
        std::vector<std::unique_ptr<RawWsClient>> stalled;
        for (int i = 0; i < 10; ++i) {
            stalled.push_back(std::make_unique<RawWsClient>());
            QVERIFY(stalled.back()->open(server.port(), path, server.cookie()));
        }
        qint64 peak = rss0;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 5000) {
            pump(100);
            peak = std::max(peak, server.rssBytes());
        }
        const qint64 health = healthMs(server);
        qInfo("10 stalled viewers resuming a 20 MB log from its start: RSS %lld -> peak %lld MiB; "
              "/api/health %lld ms",
              rss0 / MiB, peak / MiB, health);
        QVERIFY2(peak - rss0 <= bound,
                 qPrintable(QStringLiteral("RSS grew by %1 MiB").arg((peak - rss0) / MiB)));
        QVERIFY(health >= 0 && health < HealthBoundMs);

        Reader reader;
        QVERIFY(reader.open(server.port(), path, server.cookie()));
        QVERIFY2(waitUntil([&] { return reader.count >= 20000 || reader.closed; }, 60000),
                 qPrintable(QStringLiteral("got %1 lines").arg(reader.count)));
        pump(300);
        QCOMPARE(reader.count, qint64(20000));
        QVERIFY2(reader.outOfOrder.isEmpty(), qPrintable(reader.outOfOrder));
        QVERIFY2(reader.errors.isEmpty(), qPrintable(reader.errors.join(u'\n')));

        stalled.clear();
        QVERIFY2(memoryBack(server, rss0, 32 * MiB),
                 "the memory must go back once the attack is over");
    }

    // Item 4: all queued output together stays within --max-queued-total;
    // the largest queues are cut first, a reading viewer goes on.
    void budgetCutsTheLargestQueues() {
        const QString c = startContainer(
            "busy", QStringLiteral("while true; do head -c 16000 /dev/zero | tr '\\0' s; echo; "
                                   "done"));
        ServerProcess server;
        const qint64 app = addContainerApp(server.store(), c);
        const auto started =
            server.start({QStringLiteral("--max-queued-total"), QStringLiteral("32M")});
        QVERIFY2(started, qPrintable(started.error()));
        const QString path = QStringLiteral("/ws/container/logs?appId=%1").arg(app);
        Reader reader;
        QVERIFY(reader.open(server.port(), path, server.cookie()));
        QVERIFY(waitUntil([&] { return reader.count > 100; }, 20000));
        const qint64 rss0 = server.rssBytes();
        std::vector<std::unique_ptr<RawWsClient>> stalled;
        for (int i = 0; i < 20; ++i) {
            stalled.push_back(std::make_unique<RawWsClient>());
            QVERIFY(stalled.back()->open(server.port(), path, server.cookie()));
        }
        qint64 peak = rss0;
        const bool allGone = waitUntil(
            [&] {
                peak = std::max(peak, server.rssBytes());
                return viewers(server, QStringLiteral("/ws/container/logs")) == 1;
            },
            60000 * Slack);
        const QJsonObject stats = server.stats();
        const qint64 queuedPeak = qint64(stats[QStringLiteral("outputQueuedPeak")].toDouble());
        qInfo("20 stalled viewers under a 32 MiB budget: RSS %lld -> peak %lld MiB; queued output "
              "peaked at %lld MiB; %d cut by the budget",
              rss0 / MiB, peak / MiB, queuedPeak / MiB,
              stats[QStringLiteral("outputBudgetCuts")].toInt());
        QVERIFY2(allGone, "every stalled viewer must be closed");
        QVERIFY(stats.contains(QStringLiteral("outputQueuedPeak")));
        QVERIFY2(queuedPeak <= 33 * MiB, "queued output stays within the budget (+1 message)");
        QVERIFY(stats[QStringLiteral("outputBudgetCuts")].toInt() >= 1);
        QVERIFY2(peak - rss0 <= (32 + 48) * MiB * Slack,
                 qPrintable(QStringLiteral("RSS grew by %1 MiB").arg((peak - rss0) / MiB)));
        QVERIFY(!reader.closed);
        const qint64 before = reader.count;
        QVERIFY(waitUntil([&] { return reader.count > before + 100; }, 20000));
    }

    // GET /api/deployments/{id}/logs answers a page at a time: the default
    // answer is what it always was for a small log, and a Link header leads
    // through a long one.
    void restLogPages() {
        ServerFixture f;
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QByteArray cookie = f.login(QStringLiteral("owner@example.com"));
        const qint64 small = addDeploymentLog(f.store(), 3, 20);
        const qint64 big = addDeploymentLog(f.store(), 2500, 20);
        const qint64 wide = addDeploymentLog(f.store(), 100, 100000);
        const QString base = QStringLiteral("/api/deployments/%1/logs");

        HttpResult r = f.http("GET", base.arg(small), {}, cookie);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toArray().size(), 3);
        QCOMPARE(r.json()["data"].toArray()[0].toObject()["index"].toInt(), 1);
        QVERIFY(r.json()["data"].toArray()[0].toObject()["line"].toString().startsWith(
            QStringLiteral("0000001 ")));
        QVERIFY(r.header("Link").isEmpty());

        // Follow the Link headers through the whole log.
        for (const auto &[id, lines, pages] :
             {std::tuple{big, 2500, 3}, std::tuple{wide, 100, 3}}) {
            QString next = base.arg(id);
            int seen = 0, requests = 0;
            while (!next.isEmpty()) {
                r = f.http("GET", next, {}, cookie);
                QCOMPARE(r.status, 200);
                ++requests;
                for (const QJsonValue &v : r.json()["data"].toArray())
                    QCOMPARE(v.toObject()["index"].toInt(), ++seen);
                QVERIFY(r.body.size() < 5 * MiB);
                const QRegularExpressionMatch m =
                    QRegularExpression(QStringLiteral(R"(^<([^>]+)>; rel="next"$)"))
                        .match(QString::fromLatin1(r.header("Link")));
                next = m.hasMatch() ? m.captured(1) : QString();
                QVERIFY(requests < 100);
            }
            QCOMPARE(seen, lines);
            QCOMPARE(requests, pages);
        }

        r = f.http("GET", base.arg(big) + QStringLiteral("?after=2400"), {}, cookie);
        QCOMPARE(r.json()["data"].toArray().size(), 100);
        QCOMPARE(r.json()["data"].toArray()[0].toObject()["index"].toInt(), 2401);
        QVERIFY(r.header("Link").isEmpty());
        r = f.http("GET", base.arg(big) + QStringLiteral("?after=10&limit=1"), {}, cookie);
        QCOMPARE(r.json()["data"].toArray().size(), 1);
        QCOMPARE(r.json()["data"].toArray()[0].toObject()["index"].toInt(), 11);
        QCOMPARE(r.header("Link"), QByteArray("</api/deployments/") + QByteArray::number(big) +
                                       "/logs?after=11&limit=1>; rel=\"next\"");
        r = f.http("GET", base.arg(big) + QStringLiteral("?after=99999"), {}, cookie);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toArray().size(), 0);
        r = f.http("GET", base.arg(big) + QStringLiteral("?limit=10000"), {}, cookie);
        QCOMPARE(r.json()["data"].toArray().size(), 2500);
    }

    void restLogPagesBadInput_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("error");
        QTest::newRow("after text") << "after=abc"
                                    << "Invalid after";
        QTest::newRow("after negative") << "after=-1"
                                        << "Invalid after";
        QTest::newRow("after leading zero") << "after=01"
                                            << "Invalid after";
        QTest::newRow("after empty") << "after="
                                     << "Invalid after";
        QTest::newRow("after twice") << "after=1&after=2"
                                     << "Invalid after";
        QTest::newRow("after huge") << "after=" + QString(5000, u'9') << "Invalid after";
        QTest::newRow("limit zero") << "limit=0"
                                    << "Invalid limit";
        QTest::newRow("limit too big") << "limit=10001"
                                       << "Invalid limit";
        QTest::newRow("limit text") << "limit=all"
                                    << "Invalid limit";
        QTest::newRow("limit signed") << "limit=+5"
                                      << "Invalid limit";
        QTest::newRow("limit empty") << "limit="
                                     << "Invalid limit";
        QTest::newRow("limit twice") << "limit=1&limit=2"
                                     << "Invalid limit";
    }

    void restLogPagesBadInput() {
        QFETCH(QString, query);
        QFETCH(QString, error);
        ServerFixture f;
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QByteArray cookie = f.login(QStringLiteral("owner@example.com"));
        const qint64 id = addDeploymentLog(f.store(), 3, 20);
        const HttpResult r =
            f.http("GET", QStringLiteral("/api/deployments/%1/logs?").arg(id) + query, {}, cookie);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json()["error"].toString(), error);
    }

    // Item 8: resume from the start of a 90 MB log, more than one engine
    // reply may hold (64 MiB): every line arrives once, in order.
    void resumeGapLargerThanOneEngineReply() {
        const QString c =
            startContainer("gap", QStringLiteral("PAD=$(head -c 1000 /dev/zero | tr '\\0' g); "
                                                 "seq -w 1 90000 | sed \"s/\\$/ $PAD/\"; "
                                                 "while true; do sleep 1; done"));
        ServerProcess server;
        const qint64 app = addContainerApp(server.store(), c);
        const auto started = server.start();
        QVERIFY2(started, qPrintable(started.error()));
        QVERIFY(waitUntil(
            [&] {
                return docker({QStringLiteral("logs"), QStringLiteral("--tail"),
                               QStringLiteral("1"), c})
                    .startsWith(QStringLiteral("90000 "));
            },
            60000));
        Reader reader;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(reader.open(
            server.port(),
            QStringLiteral("/ws/container/logs?appId=%1&since=1970-01-01T00:00:01Z").arg(app),
            server.cookie()));
        waitUntil([&] { return reader.count >= 90000 || reader.closed; }, 120000);
        pump(500);
        qInfo("resume over a 90 MB gap: %lld lines in %lld ms", reader.count, timer.elapsed());
        QVERIFY2(reader.errors.isEmpty(), qPrintable(reader.errors.join(u'\n')));
        QCOMPARE(reader.count, qint64(90000));
        QVERIFY2(reader.outOfOrder.isEmpty(), qPrintable(reader.outOfOrder));
        QVERIFY(!reader.closed);
    }
};

int main(int argc, char **argv) {
    // Each attack takes up to a minute, several under the sanitizers on a
    // busy machine: QtTest's 5-minute watchdog is not meant for that.
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "900000");
    QCoreApplication app(argc, argv);
    TestHostileOutput test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_hostileoutput.moc"
