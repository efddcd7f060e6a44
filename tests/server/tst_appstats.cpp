// SPDX-License-Identifier: GPL-3.0-or-later

// Per-app figures (#18): AppStatsService on a real server and the private engine, /ws/apps/stats
// and the per-app Prometheus series. A CPU-burning container shows about one core, a
// memory-filling one its 64 MiB, a container on a network of the test's own the bytes sent to
// it; apps added and removed show on an open socket; a user sees their apps only; strangers get
// 401 before the upgrade; a stopped app has null figures; the engine's stats API gives the same
// figures, a bounded number of requests at a time.
#include "TestSupport.h"

#include "engine/DockerClient.h"
#include "server/AppStatsService.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <algorithm>

#include <unistd.h>

using namespace mist;
using namespace mist::test;

namespace {

QString uniqueName(const QString &what) {
    return QStringLiteral("mist-appstats-%1-%2").arg(what).arg(QCoreApplication::applicationPid());
}

// The app's object in the newest `stats` message; empty when it is not in it.
QJsonObject appIn(const WsRecorder &ws, qint64 appId) {
    const QList<QJsonObject> stats = ws.ofType(QStringLiteral("stats"));
    if (stats.isEmpty())
        return {};
    const QJsonArray apps = stats.last()
                                .value(QStringLiteral("data"))
                                .toObject()
                                .value(QStringLiteral("apps"))
                                .toArray();
    for (const QJsonValue &v : apps)
        if (v.toObject().value(QStringLiteral("appId")).toDouble() == double(appId))
            return v.toObject();
    return {};
}

double figure(const QJsonObject &app, const char *group, const char *field) {
    const QJsonValue v = app.value(QLatin1String(group)).toObject().value(QLatin1String(field));
    return v.isDouble() ? v.toDouble() : -1;
}

QString containerIp(const QString &name) {
    return docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                   QStringLiteral("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"),
                   name});
}

// utime + stime of the processes `pids` (host pids) so far, in seconds, from /proc/<pid>/stat.
double processCpuSeconds(const QStringList &pids) {
    double ticks = 0;
    for (const QString &pid : pids) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // After the command's closing parenthesis: state, ppid, ... utime (14th), stime (15th).
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 12)
            ticks += fields.at(11).toDouble() + fields.at(12).toDouble();
    }
    return ticks / double(sysconf(_SC_CLK_TCK));
}

// A plain TCP front of the private engine's unix socket (bytes copied both ways, nothing
// read or changed): an engine "elsewhere", at tcp://127.0.0.1:port.
class TcpToUnix : public QObject {
public:
    explicit TcpToUnix(QString socketPath)
        : m_socketPath(std::move(socketPath)) {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *tcp = m_server.nextPendingConnection()) {
                auto *unix = new QLocalSocket(tcp);
                connect(tcp, &QTcpSocket::readyRead, unix,
                        [tcp, unix] { unix->write(tcp->readAll()); });
                connect(unix, &QLocalSocket::readyRead, tcp,
                        [tcp, unix] { tcp->write(unix->readAll()); });
                connect(unix, &QLocalSocket::connected, tcp,
                        [tcp, unix] { unix->write(tcp->readAll()); });
                connect(unix, &QLocalSocket::disconnected, tcp, &QTcpSocket::disconnectFromHost);
                connect(tcp, &QTcpSocket::disconnected, tcp, &QObject::deleteLater);
                unix->connectToServer(m_socketPath);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QString m_socketPath;
    QTcpServer m_server;
};

QJsonArray samplesJson(const QList<server::AppStatsSample> &samples) {
    QJsonArray out;
    if (samples.isEmpty())
        return out;
    for (const server::AppStats &a : samples.last().apps)
        out.append(server::appStatsJson(a));
    return out;
}

} // namespace

class TestAppStats : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    ServerFixture::TwoProjects two;
    QStringList m_containers;
    QString m_network;

    // POST /api/apps adopting `container` in project "stats"; the new app's id (0: failed).
    qint64 addApp(const QString &name, const QString &container,
                  const QString &project = QStringLiteral("stats")) {
        const QJsonObject body{{QStringLiteral("name"), name},
                               {QStringLiteral("project"), project},
                               {QStringLiteral("container"), container}};
        const HttpResult r = f->http("POST", QStringLiteral("/api/apps"),
                                     QJsonDocument(body).toJson(QJsonDocument::Compact), two.owner);
        return r.status == 201 ? qint64(r.json()["data"].toObject()["id"].toDouble()) : 0;
    }
    QString run(const QString &what, const QString &script, const QStringList &extra = {}) {
        const QString name = uniqueName(what);
        m_containers << name;
        const QString id = runContainer(name, script, extra);
        return id.isEmpty() ? QString() : name;
    }
    // The container's processes' CPU use (percent of one core) over the time `waited` takes.
    static double processesPercent(const QString &container, const std::function<void()> &waited) {
        const QStringList pids =
            docker({QStringLiteral("top"), container, QStringLiteral("-o"), QStringLiteral("pid")})
                .split(u'\n')
                .mid(1);
        QElapsedTimer clock;
        clock.start();
        const double before = processCpuSeconds(pids);
        waited();
        return (processCpuSeconds(pids) - before) * 1000.0 / double(clock.elapsed()) * 100.0;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        two = f->addTwoProjects();
        QVERIFY(two.alphaApp > 0 && two.betaApp > 0 && !two.owner.isEmpty() && !two.user.isEmpty());
    }

    // What an app's figures are sent and kept with (docs/APP-STATS.md, "Precision"): CPU
    // percent to two decimals, memory percent to three significant digits, rates in whole
    // bytes a second; counters and bytes as they are.
    void jsonPrecision_data() {
        QTest::addColumn<double>("cpu");
        QTest::addColumn<double>("memory");
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("cpuSent");
        QTest::addColumn<double>("memorySent");
        QTest::addColumn<double>("rateSent");
        QTest::newRow("busy") << 97.6649 << 45.6789 << 1234.5678 << 97.66 << 45.7 << 1235.0;
        QTest::newRow("idle, no limit") << 0.004 << 0.0038243 << 0.4 << 0.0 << 0.00382 << 0.0;
        QTest::newRow("two cores") << 199.999 << 99.96 << 0.5 << 200.0 << 100.0 << 1.0;
        QTest::newRow("exact") << 12.5 << 3.25 << 2048.0 << 12.5 << 3.25 << 2048.0;
        QTest::newRow("zero") << 0.0 << 0.0 << 0.0 << 0.0 << 0.0 << 0.0;
        QTest::newRow("tiny") << 1e-9 << 1.23456e-7 << 1e-9 << 0.0 << 1.23e-7 << 0.0;
    }
    void jsonPrecision() {
        QFETCH(double, cpu);
        QFETCH(double, memory);
        QFETCH(double, rate);
        server::AppStats a;
        a.appId = 3;
        metrics::ContainerFigures f;
        f.cpuPercent = cpu;
        f.memoryUsed = 123456789;
        f.memoryLimit = 987654321;
        f.memoryPercent = memory;
        f.network = metrics::NetBytes{1001, 2002};
        f.rxRate = f.txRate = f.readRate = f.writeRate = rate;
        a.figures = f;
        const QJsonObject o = server::appStatsJson(a);
        QTEST(o["cpu"]["percent"].toDouble(), "cpuSent");
        QTEST(o["memory"]["percent"].toDouble(), "memorySent");
        for (const char *path :
             {"network/rxRate", "network/txRate", "blockio/readRate", "blockio/writeRate"}) {
            const QStringList p = QString::fromLatin1(path).split(u'/');
            QTEST(o[p[0]][p[1]].toDouble(), "rateSent");
        }
        QCOMPARE(o["memory"]["used"].toDouble(), 123456789.0);
        QCOMPARE(o["network"]["rxBytes"].toDouble(), 1001.0);
    }

    void cleanupTestCase() {
        for (const QString &c : std::as_const(m_containers))
            removeContainer(c);
        if (!m_network.isEmpty())
            docker({QStringLiteral("network"), QStringLiteral("rm"), m_network});
    }

    void strangersGet401BeforeUpgrade() {
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/apps/stats"), {}), 401);
        QCOMPARE(f->rawUpgradeStatus(QStringLiteral("/ws/apps/stats"), "mist_token=forged"), 401);
        QCOMPARE(
            f->rawUpgradeStatus(QStringLiteral("/ws/apps/stats"), two.owner, "http://evil.example"),
            403);
        // Plain GET of the socket's path: upgrade required, as for the other sockets.
        QCOMPARE(f->http("GET", QStringLiteral("/ws/apps/stats"), {}, two.owner).status, 426);
    }

    // The socket takes no parameters and reads nothing: a query and whatever a client sends are
    // ignored, and the stream goes on.
    void hostileInputIsIgnored() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats?appId=%00&appId=-1&x=%FF"),
                        two.user));
        QVERIFY(ws.waitForMessages(1));
        ws.socket().sendTextMessage(QStringLiteral("{\"type\":\"subscribe\",\"appId\":1}"));
        ws.socket().sendTextMessage(QString(60000, u'{'));
        ws.socket().sendBinaryMessage(QByteArray(1000, '\xff'));
        for (int i = 0; i < 200; ++i)
            ws.socket().sendTextMessage(QStringLiteral("junk %1").arg(i));
        const qsizetype before = ws.messages.size();
        QVERIFY(ws.waitFor([&] { return ws.messages.size() >= before + 2; }, 10000));
        QVERIFY(!ws.closed);
        // Still the user's apps only.
        const QJsonArray apps =
            ws.ofType(QStringLiteral("stats")).last()["data"].toObject()["apps"].toArray();
        QCOMPARE(apps.size(), 1);
        QCOMPARE(apps.first()["appId"].toDouble(), double(two.alphaApp));
    }

    // About one core, as far as the box lets it have one: the figures over five seconds agree
    // with the CPU time the container's processes were given meanwhile (their own
    // /proc/<pid>/stat), and on a box with a core to spare that is 60-130 %.
    void burningContainerShowsOneCore() {
        const QString name = run(QStringLiteral("burn"), QStringLiteral("while :; do :; done"));
        QVERIFY(!name.isEmpty());
        const qint64 app = addApp(QStringLiteral("burn"), name);
        QVERIFY(app > 0);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(ws.waitFor([&] { return figure(appIn(ws, app), "cpu", "percent") >= 0; }, 20000));
        const qsizetype first = ws.ofType(QStringLiteral("stats")).size();
        const double processes = processesPercent(
            name, [&] { QVERIFY(ws.waitForMessages(int(ws.messages.size()) + 5, 15000)); });
        double sum = 0;
        int n = 0;
        const QList<QJsonObject> stats = ws.ofType(QStringLiteral("stats"));
        for (qsizetype i = first; i < stats.size(); ++i) {
            for (const QJsonValue &v : stats.at(i)["data"].toObject()["apps"].toArray()) {
                const QJsonObject o = v.toObject();
                if (o["appId"].toDouble() == double(app) && figure(o, "cpu", "percent") >= 0) {
                    sum += figure(o, "cpu", "percent");
                    ++n;
                }
            }
        }
        QVERIFY(n >= 4);
        const double cpu = sum / n;
        const QString both = QStringLiteral("figures %1 %, processes %2 %").arg(cpu).arg(processes);
        qInfo().noquote() << both;
        QVERIFY2(processes >= 15, qPrintable(both)); // it does burn
        QVERIFY2(qAbs(cpu - processes) <= std::max(15.0, processes * 0.25), qPrintable(both));
        if (processes >= 60)
            QVERIFY2(cpu >= 60 && cpu <= 130, qPrintable(both));
        const QJsonObject o = appIn(ws, app);
        QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(o.value(QStringLiteral("container")).toString(), name);
        QCOMPARE(o.value(QStringLiteral("project")).toString(), QStringLiteral("stats"));
        QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("burn"));
        QCOMPARE(o.value(QStringLiteral("restarts")).toInt(-1), 0);
        QVERIFY(o.value(QStringLiteral("pids")).toDouble() >= 1);
        QVERIFY(figure(o, "memory", "limit") > 0);
        QVERIFY(figure(o, "blockio", "readBytes") >= 0);
        // --network none: loopback only, which is not counted.
        QCOMPARE(figure(o, "network", "rxBytes"), 0.0);
        const QJsonObject envelope = ws.ofType(QStringLiteral("stats")).last();
        QVERIFY(envelope.value(QStringLiteral("data"))
                    .toObject()
                    .value(QStringLiteral("timestamp"))
                    .toString()
                    .endsWith(u'Z'));
    }

    void memoryFillingContainerShowsIt() {
        const QString name =
            run(QStringLiteral("mem"),
                QStringLiteral("head -c 67108864 /dev/zero > /dev/shm/fill && echo filled && "
                               "sleep 600"),
                {QStringLiteral("-m"), QStringLiteral("256m"), QStringLiteral("--shm-size"),
                 QStringLiteral("128m")});
        QVERIFY(!name.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            docker({QStringLiteral("logs"), name}).contains(QStringLiteral("filled")), 30000);
        const qint64 app = addApp(QStringLiteral("mem"), name);
        QVERIFY(app > 0);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(ws.waitFor([&] { return figure(appIn(ws, app), "memory", "used") >= 0; }, 20000));
        const QJsonObject o = appIn(ws, app);
        QVERIFY2(figure(o, "memory", "used") >= 60.0 * 1024 * 1024,
                 qPrintable(QString::number(figure(o, "memory", "used"))));
        QCOMPARE(figure(o, "memory", "limit"), 256.0 * 1024 * 1024);
        const double percent = figure(o, "memory", "percent");
        QVERIFY2(percent >= 23 && percent <= 30, qPrintable(QString::number(percent)));

        // The same figures go into the app's history, second by second.
        const QString from = QDateTime::currentDateTimeUtc().addSecs(-120).toString(Qt::ISODate);
        const QString path =
            QStringLiteral("/api/apps/%1/stats/history?from=%2&step=1").arg(app).arg(from);
        QJsonArray points;
        QTRY_VERIFY_WITH_TIMEOUT((points = f->http("GET", path, {}, two.owner)
                                               .json()
                                               .value(QStringLiteral("data"))
                                               .toObject()
                                               .value(QStringLiteral("points"))
                                               .toArray(),
                                  points.size() >= 2),
                                 15000);
        const double used = points.last()
                                .toObject()
                                .value(QStringLiteral("memory"))
                                .toObject()
                                .value(QStringLiteral("used"))
                                .toDouble();
        QVERIFY2(used >= 60.0 * 1024 * 1024, qPrintable(QString::number(used)));
    }

    // A container writing 50 MiB to a file shows block writes, as many as the engine's own
    // stats count. Direct I/O: buffered writes reach the disk later from the kernel's flusher,
    // which cgroup v1 does not charge to the container. Where the kernel charges no block I/O
    // to any cgroup (some virtual machines: the engine's stats say 0 B as well) there is
    // nothing to compare with, and the test says so and skips.
    void blockWritesShow() {
        const QString name = run(QStringLiteral("write"),
                                 QStringLiteral("dd if=/dev/zero of=/written bs=1M count=50 "
                                                "oflag=direct && echo written && sleep 600"));
        QVERIFY(!name.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            docker({QStringLiteral("logs"), name}).contains(QStringLiteral("written")), 60000);
        // The engine's figure: "0B / 52.4MB" (decimal units), written after the slash.
        const QString engineIo =
            docker({QStringLiteral("stats"), QStringLiteral("--no-stream"),
                    QStringLiteral("--format"), QStringLiteral("{{.BlockIO}}"), name})
                .trimmed();
        const QString written = engineIo.section(u'/', 1).trimmed();
        qInfo().noquote() << "engine's block I/O:" << engineIo;
        const qint64 app = addApp(QStringLiteral("write"), name);
        QVERIFY(app > 0);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(ws.waitFor([&] { return figure(appIn(ws, app), "blockio", "writeBytes") >= 0; },
                           20000));
        const double ours = figure(appIn(ws, app), "blockio", "writeBytes");
        if (written == u"0B") {
            QCOMPARE(ours, 0.0); // nothing either way
            QSKIP("this host's kernel charges no block I/O to containers (docker stats: 0B)");
        }
        QVERIFY2(ours >= 50.0 * 1024 * 1024 && ours <= 60.0 * 1024 * 1024,
                 qPrintable(QStringLiteral("ours %1, engine %2").arg(ours).arg(engineIo)));
    }

    void networkOfAContainerIsCounted() {
        // A bridge network of the test's own: the private engines on this host share
        // docker_gwbridge and the default bridge's addresses.
        const qint64 own = QCoreApplication::applicationPid();
        m_network = uniqueName(QStringLiteral("net"));
        docker({QStringLiteral("network"), QStringLiteral("rm"), m_network});
        bool ok = false;
        docker({QStringLiteral("network"), QStringLiteral("create"), QStringLiteral("--subnet"),
                QStringLiteral("10.%1.%2.0/24").arg(150 + own % 50).arg(own / 50 % 250), m_network},
               &ok);
        QVERIFY(ok);
        const QString name = uniqueName(QStringLiteral("net"));
        m_containers << name;
        removeContainer(name);
        docker({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), name,
                QStringLiteral("--network"), m_network, QStringLiteral("mist-test-base:latest"),
                QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("sleep 600 | nc -l -p 9000 > /dev/null")},
               &ok);
        QVERIFY(ok);
        const qint64 app = addApp(QStringLiteral("net"), name);
        QVERIFY(app > 0);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(
            ws.waitFor([&] { return figure(appIn(ws, app), "network", "rxBytes") >= 0; }, 20000));
        const double before = figure(appIn(ws, app), "network", "rxBytes");
        QTcpSocket socket;
        const QString ip = containerIp(name);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                if (socket.state() != QAbstractSocket::ConnectedState) {
                    socket.abort();
                    socket.connectToHost(ip, 9000);
                    socket.waitForConnected(1000);
                }
                return socket.state() == QAbstractSocket::ConnectedState;
            }(),
            20000);
        const QByteArray payload(2 << 20, 'x');
        socket.write(payload);
        while (socket.bytesToWrite() > 0)
            QVERIFY2(socket.waitForBytesWritten(10000), qPrintable(socket.errorString()));
        double peakRate = 0;
        QVERIFY2(ws.waitFor(
                     [&] {
                         const QJsonObject o = appIn(ws, app);
                         peakRate = std::max(peakRate, figure(o, "network", "rxRate"));
                         return figure(o, "network", "rxBytes") >= before + payload.size() &&
                                peakRate > 0;
                     },
                     20000),
                 qPrintable(QJsonDocument(appIn(ws, app)).toJson()));
        socket.disconnectFromHost();
    }

    void appsComeAndGoOnAnOpenSocket() {
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(ws.waitForMessages(1));
        // An app for a container that does not exist: there, with no state and null figures.
        const qint64 app = addApp(QStringLiteral("comes-and-goes"), uniqueName("never"));
        QVERIFY(app > 0);
        QVERIFY(ws.waitFor([&] { return !appIn(ws, app).isEmpty(); }, 10000));
        const QJsonObject o = appIn(ws, app);
        QVERIFY(o.value(QStringLiteral("state")).isNull());
        QVERIFY(o.value(QStringLiteral("container")).isNull());
        QVERIFY(o.value(QStringLiteral("restarts")).isNull());
        for (const char *k : {"cpu", "memory", "network", "blockio", "pids"})
            QVERIFY2(o.value(QLatin1String(k)).isNull(), k);
        const Expected<bool> removed = f->store().apps().remove(app);
        QVERIFY(removed && *removed);
        QVERIFY(ws.waitFor(
            [&] {
                return !ws.ofType(QStringLiteral("stats")).isEmpty() && appIn(ws, app).isEmpty() &&
                       !appIn(ws, two.alphaApp).isEmpty();
            },
            10000));
        QVERIFY(!ws.closed); // the same socket all along
    }

    void userSeesOnlyTheirApps() {
        WsRecorder user, owner;
        QVERIFY(user.open(f->port(), QStringLiteral("/ws/apps/stats"), two.user));
        QVERIFY(owner.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(user.waitForMessages(2));
        QVERIFY(owner.waitForMessages(2));
        for (const QJsonObject &m : user.ofType(QStringLiteral("stats"))) {
            const QJsonArray apps =
                m.value(QStringLiteral("data")).toObject().value(QStringLiteral("apps")).toArray();
            QCOMPARE(apps.size(), 1);
            QCOMPARE(apps.first().toObject().value(QStringLiteral("appId")).toDouble(),
                     double(two.alphaApp));
        }
        QVERIFY(!appIn(owner, two.alphaApp).isEmpty());
        QVERIFY(!appIn(owner, two.betaApp).isEmpty());
        // A new app in the user's project shows on their socket; one elsewhere does not.
        const qint64 mine =
            addApp(QStringLiteral("mine"), uniqueName("mine"), QStringLiteral("alpha"));
        const qint64 theirs =
            addApp(QStringLiteral("theirs"), uniqueName("theirs"), QStringLiteral("beta"));
        QVERIFY(mine > 0 && theirs > 0);
        QVERIFY(user.waitFor([&] { return !appIn(user, mine).isEmpty(); }, 10000));
        QVERIFY(owner.waitFor([&] { return !appIn(owner, theirs).isEmpty(); }, 10000));
        QVERIFY(appIn(user, theirs).isEmpty());
    }

    void stoppedContainerHasNullFigures() {
        const QString name = run(QStringLiteral("stopped"), QStringLiteral("sleep 600"));
        QVERIFY(!name.isEmpty());
        const qint64 app = addApp(QStringLiteral("stopped"), name);
        QVERIFY(app > 0);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(), QStringLiteral("/ws/apps/stats"), two.owner));
        QVERIFY(ws.waitFor([&] { return figure(appIn(ws, app), "memory", "used") >= 0; }, 20000));
        bool ok = false;
        docker({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("0"), name}, &ok);
        QVERIFY(ok);
        // The die event makes it look again at once, well within the sweep's 10 s.
        QVERIFY(ws.waitFor(
            [&] {
                return appIn(ws, app).value(QStringLiteral("state")).toString() ==
                       QStringLiteral("exited");
            },
            8000));
        const QJsonObject o = appIn(ws, app);
        for (const char *k : {"cpu", "memory", "network", "blockio", "pids"})
            QVERIFY2(o.value(QLatin1String(k)).isNull(), k);
        QCOMPARE(o.value(QStringLiteral("container")).toString(), name);
        QCOMPARE(o.value(QStringLiteral("restarts")).toInt(-1), 0);
    }

    void prometheusHasPerAppSeries() {
        const QString name = uniqueName(QStringLiteral("burn"));
        QTRY_VERIFY_WITH_TIMEOUT(
            QString::fromUtf8(f->http("GET", QStringLiteral("/metrics"), {}, two.owner).body)
                .contains(QStringLiteral("mist_app_cpu_percent{app=\"burn\",project=\"stats\"} ")),
            10000);
        const QString text =
            QString::fromUtf8(f->http("GET", QStringLiteral("/metrics"), {}, two.owner).body);
        for (const char *series :
             {"# TYPE mist_app_cpu_percent gauge",
              "mist_app_running{app=\"burn\",project=\"stats\"} 1",
              "mist_app_running{app=\"a1\",project=\"alpha\"} 0",
              "mist_app_memory_used_bytes{app=\"mem\",project=\"stats\"} ",
              "mist_app_memory_limit_bytes{app=\"mem\",project=\"stats\"} 268435456",
              "mist_app_network_receive_bytes_total{app=\"net\",project=\"stats\"} ",
              "# TYPE mist_app_network_receive_bytes_total counter",
              "mist_app_blockio_write_bytes_total{app=\"burn\",project=\"stats\"} ",
              "mist_app_pids{app=\"burn\",project=\"stats\"} ",
              "mist_app_restarts{app=\"burn\",project=\"stats\"} 0"})
            QVERIFY2(text.contains(QLatin1String(series)), series);
        // No figures for an app without a running container.
        QVERIFY(!text.contains(QStringLiteral("mist_app_cpu_percent{app=\"a1\"")));
        QVERIFY(!text.contains(QStringLiteral("mist_app_cpu_percent{app=\"stopped\"")));
        // Users get no /metrics (unchanged).
        QCOMPARE(f->http("GET", QStringLiteral("/metrics"), {}, two.user).status, 403);
    }

    // A server whose engine is at a tcp:// address reads the engine's stats API by itself
    // (Auto), and shows the same figures.
    void tcpEngineIsReadThroughItsApi() {
        const QString dockerHost = qEnvironmentVariable("DOCKER_HOST");
        QVERIFY(dockerHost.startsWith(QStringLiteral("unix://")));
        TcpToUnix front(dockerHost.mid(7));
        QVERIFY(front.port() != 0);
        server::ServerConfig config;
        config.dockerHost = QStringLiteral("tcp://127.0.0.1:%1").arg(front.port());
        ServerFixture remote(config);
        QVERIFY2(remote.ok(), qPrintable(remote.error()));
        QVERIFY(remote.server().appStats().readsEngineApi());
        remote.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QByteArray owner = remote.login(QStringLiteral("owner@example.com"));
        QVERIFY(!owner.isEmpty());
        store::App app;
        app.name = QStringLiteral("mem");
        app.projectName = QStringLiteral("remote");
        app.containerName = uniqueName(QStringLiteral("mem"));
        const auto added = remote.store().apps().add(app);
        QVERIFY(added);
        WsRecorder ws;
        QVERIFY(ws.open(remote.port(), QStringLiteral("/ws/apps/stats"), owner));
        QVERIFY(ws.waitFor(
            [&] {
                const QJsonObject o = appIn(ws, added->id);
                return figure(o, "memory", "used") >= 0 && figure(o, "cpu", "percent") >= 0;
            },
            20000));
        const QJsonObject o = appIn(ws, added->id);
        QVERIFY2(figure(o, "memory", "used") >= 60.0 * 1024 * 1024,
                 qPrintable(QJsonDocument(o).toJson()));
        QCOMPARE(figure(o, "memory", "limit"), 256.0 * 1024 * 1024);
        QCOMPARE(o["state"].toString(), QStringLiteral("running"));
        QCOMPARE(remote.http("GET", QStringLiteral("/api/server/stats"), {}, owner)
                     .json()["data"]
                     .toObject()["appStats"]
                     .toObject()["source"]
                     .toString(),
                 QStringLiteral("engine"));
    }

    // The engine's stats API (what a tcp:// engine is read through) gives the same figures; at
    // most MaxStatsInFlight requests at a time, MaxLooksInFlight inspections.
    void engineApiSourceIsBounded() {
        QVERIFY(!f->server().appStats().readsEngineApi()); // unix socket: cgroups
        {
            // An engine elsewhere (tcp://) is read through its API (nothing is asked here).
            const auto remoteHost =
                engine::DockerHost::parse(QStringLiteral("tcp://192.0.2.1:2375"), {}, false);
            QVERIFY(remoteHost);
            engine::DockerClient remote(*remoteHost);
            QVERIFY(server::AppStatsService(&f->store(), &remote).readsEngineApi());
        }
        const int extra = server::AppStatsService::MaxStatsInFlight + 4;
        for (int i = 0; i < extra; ++i) {
            const QString name = run(QStringLiteral("idle%1").arg(i), QStringLiteral("sleep 600"));
            QVERIFY(!name.isEmpty());
            QVERIFY(addApp(QStringLiteral("idle%1").arg(i), name) > 0);
        }
        server::AppStatsService service(&f->store(), &f->server().docker());
        service.setSource(server::AppStatsService::Source::EngineApi);
        QVERIFY(service.readsEngineApi());
        int peakStats = 0, peakLooks = 0;
        QList<server::AppStatsSample> samples;
        connect(&service, &server::AppStatsService::sampled, this,
                [&](const server::AppStatsSample &s) {
                    peakStats = std::max(peakStats, service.statsInFlight());
                    peakLooks = std::max(peakLooks, service.looksInFlight());
                    samples << s;
                });
        service.start();
        const QString burn = uniqueName(QStringLiteral("burn"));
        auto cpuOf = [&](const server::AppStatsSample &s) -> double {
            for (const server::AppStats &a : s.apps)
                if (a.container == burn && a.figures && a.figures->cpuPercent)
                    return *a.figures->cpuPercent;
            return -1;
        };
        auto allIdleMeasured = [&] {
            if (samples.isEmpty())
                return false;
            int measured = 0;
            for (const server::AppStats &a : samples.last().apps)
                if (a.name.startsWith(QStringLiteral("idle")) && a.figures)
                    ++measured;
            return measured == extra;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(allIdleMeasured(),
                                  qPrintable(QJsonDocument(service.stats()).toJson() +
                                             QJsonDocument(samplesJson(samples)).toJson()),
                                  30000);
        // The burning container's figures from the engine's answers agree with its processes'
        // CPU time over the same seconds, as the cgroup's do.
        const qsizetype first = samples.size();
        const double processes = processesPercent(
            burn, [&] { QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= first + 8, 20000); });
        double sum = 0;
        int n = 0;
        for (qsizetype i = first; i < samples.size(); ++i)
            if (cpuOf(samples.at(i)) >= 0) {
                sum += cpuOf(samples.at(i));
                ++n;
            }
        QVERIFY(n >= 3);
        const QString both =
            QStringLiteral("engine figures %1 %, processes %2 %").arg(sum / n).arg(processes);
        qInfo().noquote() << both;
        QVERIFY2(processes >= 15, qPrintable(both));
        QVERIFY2(qAbs(sum / n - processes) <= std::max(15.0, processes * 0.25), qPrintable(both));
        QVERIFY2(peakStats <= server::AppStatsService::MaxStatsInFlight,
                 qPrintable(QString::number(peakStats)));
        QVERIFY(peakLooks <= server::AppStatsService::MaxLooksInFlight);
        // More running containers than request slots: some seconds had to leave some out.
        QVERIFY(service.statsSkipped() > 0);
        service.stop();
    }
};

QTEST_MAIN(TestAppStats)
#include "tst_appstats.moc"
