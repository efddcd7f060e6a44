// SPDX-License-Identifier: GPL-3.0-or-later

// CgroupReader on real containers of the private engine: a CPU burner, a container holding
// 64 MiB, a container receiving 2 MiB over its network, and one that is gone. Figures are
// compared with the engine's own (docker stats) where the two can be read at one moment.

#include "TestSupport.h"
#include "metrics/CgroupReader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <unistd.h>

using namespace mist::metrics;
using mist::test::docker;

namespace {

QString uniqueName(const char *what) {
    return QStringLiteral("mist-cgroup-%1-%2")
        .arg(QLatin1String(what))
        .arg(QCoreApplication::applicationPid());
}

qint64 initPid(const QString &name) {
    return docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                   QStringLiteral("{{.State.Pid}}"), name})
        .toLongLong();
}

// The engine's memory figure for the container, in bytes, as the docker CLI computes it.
double engineMemoryInUse(const QString &name) {
    const QString json =
        docker({QStringLiteral("stats"), QStringLiteral("--no-stream"), QStringLiteral("--format"),
                QStringLiteral("{{.MemUsage}}"), name});
    // "66.41MiB / 256MiB"
    const QString used = json.section(QLatin1Char('/'), 0, 0).trimmed();
    static const QList<QPair<QString, double>> units = {
        {QStringLiteral("GiB"), 1024.0 * 1024 * 1024},
        {QStringLiteral("MiB"), 1024.0 * 1024},
        {QStringLiteral("KiB"), 1024.0},
        {QStringLiteral("B"), 1.0}};
    for (const auto &[unit, factor] : units)
        if (used.endsWith(unit))
            return used.chopped(unit.size()).toDouble() * factor;
    return -1;
}

// utime + stime of every process in the cgroup directory `dir` (cgroup.procs), in clock ticks.
double processTicks(const QString &dir) {
    QFile procs(dir + QStringLiteral("/cgroup.procs"));
    if (!procs.open(QIODevice::ReadOnly))
        return -1;
    double ticks = 0;
    for (const QByteArray &pid : procs.readAll().split('\n')) {
        if (pid.isEmpty())
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(QString::fromLatin1(pid)));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 12)
            ticks += f[11].toDouble() + f[12].toDouble();
    }
    return ticks;
}

} // namespace

class TestCgroupReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { MIST_REQUIRE_DOCKER(); }
    void cpuOfABusyContainer();
    void memoryHeldByAContainer();
    void networkReceivedByAContainer();
    void containerThatIsGone();
    void cleanupTestCase();

private:
    CgroupReader m_reader;
    QStringList m_containers;
    QString m_network;
};

void TestCgroupReader::cpuOfABusyContainer() {
    const QString name = uniqueName("yes");
    m_containers << name;
    QVERIFY(!mist::test::runContainer(name, QStringLiteral("yes > /dev/null")).isEmpty());
    const mist::Expected<CgroupLocation> location = m_reader.locate(initPid(name));
    QVERIFY2(location, qPrintable(location.error()));

    // The same interval measured a second way: the kernel's per-process CPU times of the
    // cgroup's processes (/proc/<pid>/stat, in clock ticks). On a loaded machine yes gets less
    // than a core, and both ways must agree on how much.
    const mist::Expected<CgroupCounters> first = m_reader.read(*location);
    QVERIFY2(first, qPrintable(first.error()));
    const double ticksBefore = processTicks(location->cpu);
    QElapsedTimer clock;
    clock.start();
    QThread::msleep(3000);
    const mist::Expected<CgroupCounters> second = m_reader.read(*location);
    const double ticksAfter = processTicks(location->cpu);
    const qint64 elapsed = clock.nsecsElapsed();
    QVERIFY2(second, qPrintable(second.error()));
    const std::optional<double> percent = cpuPercentOfOneCore(first->cpuNs, second->cpuNs, elapsed);
    QVERIFY(percent);
    const double byProcesses =
        (ticksAfter - ticksBefore) / double(sysconf(_SC_CLK_TCK)) * 1e9 / double(elapsed) * 100;
    QVERIFY2(*percent > 1, qPrintable(QString::number(*percent)));
    // Ticks are 10 ms: allow their granularity plus a quarter.
    QVERIFY2(
        qAbs(*percent - byProcesses) <= qMax(3.0, 0.25 * byProcesses),
        qPrintable(QStringLiteral("cgroup %1 %, processes %2 %").arg(*percent).arg(byProcesses)));
    QVERIFY(second->pids >= 2); // the init process and yes
}

void TestCgroupReader::memoryHeldByAContainer() {
    const QString name = uniqueName("mem");
    m_containers << name;
    // 64 MiB in a tmpfs file: memory the container holds that is not reclaimable file cache.
    QVERIFY(
        !mist::test::runContainer(name,
                                  QStringLiteral("head -c 67108864 /dev/zero > /dev/shm/fill && "
                                                 "echo filled && sleep 600"),
                                  {QStringLiteral("-m"), QStringLiteral("256m"),
                                   QStringLiteral("--shm-size"), QStringLiteral("128m")})
             .isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(
        docker({QStringLiteral("logs"), name}).contains(QStringLiteral("filled")), 30000);
    const mist::Expected<CgroupLocation> location = m_reader.locate(initPid(name));
    QVERIFY2(location, qPrintable(location.error()));
    const mist::Expected<CgroupCounters> c = m_reader.read(*location);
    QVERIFY2(c, qPrintable(c.error()));
    const quint64 inUse = memoryInUse(c->memoryUsage, c->memoryInactiveFile);
    QVERIFY2(inUse >= quint64(64) << 20, qPrintable(QString::number(inUse)));
    QVERIFY(!c->memoryLimit.unlimited);
    QCOMPARE(c->memoryLimit.bytes, quint64(256) << 20);

    // The engine's figure of the same container (read a moment later; the container is idle).
    const double engine = engineMemoryInUse(name);
    QVERIFY(engine > 0);
    QVERIFY2(qAbs(engine - double(inUse)) / engine < 0.02,
             qPrintable(QStringLiteral("cgroup %1, engine %2").arg(inUse).arg(engine)));
}

void TestCgroupReader::networkReceivedByAContainer() {
    const QString name = uniqueName("net");
    m_containers << name;
    // A bridge network of the test's own (the engines of parallel work on one host share the
    // default docker_gwbridge device and its addresses), and a listener that swallows what it
    // gets.
    const qint64 own = QCoreApplication::applicationPid();
    m_network = uniqueName("net");
    docker({QStringLiteral("network"), QStringLiteral("rm"), m_network});
    bool ok = false;
    docker({QStringLiteral("network"), QStringLiteral("create"), QStringLiteral("--subnet"),
            QStringLiteral("10.%1.%2.0/24").arg(200 + own % 50).arg(own / 50 % 250), m_network},
           &ok);
    QVERIFY(ok);
    mist::test::removeContainer(name);
    docker({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), name,
            QStringLiteral("--network"), m_network, QStringLiteral("mist-test-base:latest"),
            QStringLiteral("sh"), QStringLiteral("-c"),
            // nc ends a connection when its own input ends: give it one that does not.
            QStringLiteral("sleep 600 | nc -l -p 9000 > /dev/null")},
           &ok);
    QVERIFY(ok);
    const qint64 pid = initPid(name);
    const mist::Expected<NetBytes> before = m_reader.readNetwork(pid);
    QVERIFY2(before, qPrintable(before.error()));
    const QString ip =
        docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                QStringLiteral("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"), name});
    QTcpSocket socket;
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
    socket.disconnectFromHost();
    QTRY_VERIFY_WITH_TIMEOUT(m_reader.readNetwork(pid).value_or(NetBytes{}).received >=
                                 before->received + quint64(payload.size()),
                             20000);
}

void TestCgroupReader::containerThatIsGone() {
    const QString name = uniqueName("gone");
    QVERIFY(!mist::test::runContainer(name, QStringLiteral("sleep 600")).isEmpty());
    const qint64 pid = initPid(name);
    const mist::Expected<CgroupLocation> location = m_reader.locate(pid);
    QVERIFY2(location, qPrintable(location.error()));
    mist::test::removeContainer(name);
    // Its cgroup directory is removed with it: a read says which file, never returns zeros.
    QTRY_VERIFY_WITH_TIMEOUT(!m_reader.read(*location), 10000);
    QVERIFY(!m_reader.read(*location).error().isEmpty());
}

void TestCgroupReader::cleanupTestCase() {
    for (const QString &name : std::as_const(m_containers))
        mist::test::removeContainer(name);
    if (!m_network.isEmpty())
        docker({QStringLiteral("network"), QStringLiteral("rm"), m_network});
}

QTEST_GUILESS_MAIN(TestCgroupReader)
#include "tst_cgroupreader.moc"
