// SPDX-License-Identifier: GPL-3.0-or-later

// The per-app sampler's parsers (src/core/metrics/CgroupParsers.h) on data rows and on the
// fixture files of tests/metrics/fixtures/cgroup (README there: which are copies of a real
// container's files), and CgroupReader on a copy of those trees laid out as /proc and
// /sys/fs/cgroup are.

#include "TestPaths.h"
#include "metrics/CgroupParsers.h"
#include "metrics/CgroupReader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace mist::metrics;

namespace {

QByteArray fixture(const QString &name) {
    QFile f(mist::test::sourcePath(QStringLiteral("tests/metrics/fixtures/cgroup/")) + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("fixture %s not found", qPrintable(name));
    return f.readAll();
}

const QByteArray NetDevHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n";

} // namespace

class TestCgroupParsers : public QObject {
    Q_OBJECT

private slots:
    void number_data();
    void number();
    void memoryLimit_data();
    void memoryLimit();
    void keyedValue_data();
    void keyedValue();
    void blkio_data();
    void blkio();
    void ioStat_data();
    void ioStat();
    void netDev_data();
    void netDev();
    void procCgroup_data();
    void procCgroup();
    void locate_data();
    void locate();
    void rates_data();
    void rates();
    void memoryInUseAsDockerStats();
    void hostileBytesNeverCrash();
    void readerOnRealV1Files();
    void readerOnV2Files();
    void readerSaysWhichFileFailed();
};

void TestCgroupParsers::number_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("value");
    QTest::newRow("plain") << QByteArray("159429587\n") << true << quint64(159429587);
    QTest::newRow("no newline") << QByteArray("2") << true << quint64(2);
    QTest::newRow("zero") << QByteArray("0\n") << true << quint64(0);
    QTest::newRow("max u64") << QByteArray("18446744073709551615\n") << true
                             << std::numeric_limits<quint64>::max();
    QTest::newRow("overflow") << QByteArray("18446744073709551616\n") << false << quint64(0);
    QTest::newRow("huge") << QByteArray(4096, '9') << false << quint64(0);
    QTest::newRow("empty") << QByteArray() << false << quint64(0);
    QTest::newRow("only newline") << QByteArray("\n") << false << quint64(0);
    QTest::newRow("negative") << QByteArray("-1\n") << false << quint64(0);
    QTest::newRow("plus sign") << QByteArray("+1\n") << false << quint64(0);
    QTest::newRow("blank before") << QByteArray(" 12\n") << false << quint64(0);
    QTest::newRow("two lines") << QByteArray("12\n13\n") << false << quint64(0);
    QTest::newRow("trailing garbage") << QByteArray("12kB\n") << false << quint64(0);
    QTest::newRow("nul inside") << QByteArray("1\0002", 3) << false << quint64(0);
    QTest::newRow("max word") << QByteArray("max\n") << false << quint64(0);
    QTest::newRow("real v1 cpuacct.usage")
        << fixture(QStringLiteral("v1-busybox-256m/cpuacct.usage")) << true << quint64(581469398);
}

void TestCgroupParsers::number() {
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(quint64, value);
    const std::optional<quint64> parsed = parseCgroupNumber(input);
    QCOMPARE(parsed.has_value(), ok);
    if (ok)
        QCOMPARE(*parsed, value);
}

void TestCgroupParsers::memoryLimit_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("unlimited");
    QTest::addColumn<quint64>("bytes");
    QTest::newRow("v2 max") << QByteArray("max\n") << true << true << quint64(0);
    QTest::newRow("v2 number") << QByteArray("268435456\n") << true << false << quint64(268435456);
    QTest::newRow("v1 no limit (4 KiB pages)")
        << QByteArray("9223372036854771712\n") << true << true << quint64(0);
    QTest::newRow("v1 no limit (64 KiB pages)")
        << QByteArray("9223372036854710272\n") << true << true << quint64(0);
    QTest::newRow("just under 2^62")
        << QByteArray("4611686018427387903") << true << false << quint64(4611686018427387903ULL);
    QTest::newRow("real v1 256m") << fixture(
                                         QStringLiteral("v1-busybox-256m/memory.limit_in_bytes"))
                                  << true << false << quint64(256) * 1024 * 1024;
    QTest::newRow("MAX upper case") << QByteArray("MAX\n") << false << false << quint64(0);
    QTest::newRow("empty") << QByteArray() << false << false << quint64(0);
    QTest::newRow("negative") << QByteArray("-1\n") << false << false << quint64(0);
    QTest::newRow("max with garbage") << QByteArray("max 1\n") << false << false << quint64(0);
}

void TestCgroupParsers::memoryLimit() {
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(bool, unlimited);
    QFETCH(quint64, bytes);
    const std::optional<MemoryLimit> limit = parseMemoryLimit(input);
    QCOMPARE(limit.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(limit->unlimited, unlimited);
    if (!unlimited)
        QCOMPARE(limit->bytes, bytes);
}

void TestCgroupParsers::keyedValue_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("value");
    QTest::newRow("v1 total_inactive_file")
        << fixture(QStringLiteral("v1-busybox-256m/memory.stat"))
        << QByteArray("total_inactive_file") << true << quint64(19283968);
    QTest::newRow("v2 inactive_file") << fixture(QStringLiteral("v2-kernel-docs/memory.stat"))
                                      << QByteArray("inactive_file") << true << quint64(10428416);
    QTest::newRow("v2 usage_usec") << fixture(QStringLiteral("v2-kernel-docs/cpu.stat"))
                                   << QByteArray("usage_usec") << true << quint64(2318417);
    QTest::newRow("prefix of another key is not it")
        << QByteArray("inactive_file_x 5\ninactive_file 7\n") << QByteArray("inactive_file") << true
        << quint64(7);
    QTest::newRow("missing key") << QByteArray("anon 1\nfile 2\n") << QByteArray("inactive_file")
                                 << false << quint64(0);
    QTest::newRow("value not a number")
        << QByteArray("inactive_file lots\n") << QByteArray("inactive_file") << false << quint64(0);
    QTest::newRow("value negative")
        << QByteArray("inactive_file -4\n") << QByteArray("inactive_file") << false << quint64(0);
    QTest::newRow("no trailing newline")
        << QByteArray("a 1\ninactive_file 9") << QByteArray("inactive_file") << true << quint64(9);
    QTest::newRow("garbage lines around") << QByteArray("\x01\x02 ::\n\ninactive_file 3\n\xff\xfe")
                                          << QByteArray("inactive_file") << true << quint64(3);
    QTest::newRow("empty") << QByteArray() << QByteArray("inactive_file") << false << quint64(0);
}

void TestCgroupParsers::keyedValue() {
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, key);
    QFETCH(bool, ok);
    QFETCH(quint64, value);
    const std::optional<quint64> parsed = parseKeyedValue(input, key);
    QCOMPARE(parsed.has_value(), ok);
    if (ok)
        QCOMPARE(*parsed, value);
}

void TestCgroupParsers::blkio_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("read");
    QTest::addColumn<quint64>("written");
    QTest::newRow("real v1, no I/O yet")
        << fixture(QStringLiteral("v1-busybox-256m/blkio.throttle.io_service_bytes")) << true
        << quint64(0) << quint64(0);
    QTest::newRow("two devices summed") << fixture(QStringLiteral("blkio-v1-two-devices")) << true
                                        << quint64(1458176 + 4096) << quint64(52428800 + 8192);
    QTest::newRow("empty") << QByteArray() << true << quint64(0) << quint64(0);
    QTest::newRow("unknown operation ignored")
        << QByteArray("8:0 Frobnicate 5\n8:0 Read 1\nTotal 6\n") << true << quint64(1)
        << quint64(0);
    QTest::newRow("device not MAJ:MIN")
        << QByteArray("sda Read 1\n") << false << quint64(0) << quint64(0);
    QTest::newRow("value not a number")
        << QByteArray("8:0 Read x\n") << false << quint64(0) << quint64(0);
    QTest::newRow("too few fields")
        << QByteArray("8:0 Read\n") << false << quint64(0) << quint64(0);
    QTest::newRow("sum overflows") << QByteArray("8:0 Read 18446744073709551615\n8:1 Read 1\n")
                                   << false << quint64(0) << quint64(0);
}

void TestCgroupParsers::blkio() {
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(quint64, read);
    QFETCH(quint64, written);
    const std::optional<IoBytes> io = parseBlkioServiceBytes(input);
    QCOMPARE(io.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(io->read, read);
    QCOMPARE(io->written, written);
}

void TestCgroupParsers::ioStat_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("read");
    QTest::addColumn<quint64>("written");
    QTest::newRow("v2 two devices") << fixture(QStringLiteral("v2-kernel-docs/io.stat")) << true
                                    << quint64(1458176 + 4096) << quint64(52428800 + 8192);
    QTest::newRow("empty: no I/O yet") << QByteArray() << true << quint64(0) << quint64(0);
    QTest::newRow("unknown key skipped")
        << QByteArray("8:0 rbytes=1 wbytes=2 newkey=3\n") << true << quint64(1) << quint64(2);
    QTest::newRow("key without value")
        << QByteArray("8:0 rbytes= wbytes=2\n") << false << quint64(0) << quint64(0);
    QTest::newRow("no equals") << QByteArray("8:0 rbytes\n") << false << quint64(0) << quint64(0);
    QTest::newRow("no device") << QByteArray("rbytes=1\n") << false << quint64(0) << quint64(0);
    QTest::newRow("negative") << QByteArray("8:0 rbytes=-1\n") << false << quint64(0) << quint64(0);
}

void TestCgroupParsers::ioStat() {
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(quint64, read);
    QFETCH(quint64, written);
    const std::optional<IoBytes> io = parseIoStat(input);
    QCOMPARE(io.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(io->read, read);
    QCOMPARE(io->written, written);
}

void TestCgroupParsers::netDev_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("received");
    QTest::addColumn<quint64>("sent");
    QTest::newRow("real container, loopback only")
        << fixture(QStringLiteral("v1-busybox-256m/net-dev")) << true << quint64(0) << quint64(0);
    QTest::newRow("loopback left out") << fixture(QStringLiteral("v2-kernel-docs/net-dev")) << true
                                       << quint64(1073741824) << quint64(2097152);
    QTest::newRow("real host: interfaces summed, long names")
        << fixture(QStringLiteral("net-dev-host-with-bridge")) << true << quint64(112932633)
        << quint64(533050 + 2340);
    QTest::newRow("headers only") << NetDevHeader << true << quint64(0) << quint64(0);
    QTest::newRow("no headers") << QByteArray("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n")
                                << false << quint64(0) << quint64(0);
    QTest::newRow("too few columns") << NetDevHeader + "  eth0: 1 2 3 4 5 6 7 8 9 10\n"
                                     << false << quint64(0) << quint64(0);
    QTest::newRow("non-numeric column")
        << NetDevHeader + "  eth0: 1 2 3 4 5 6 7 x 9 10 11 12 13 14 15 16\n"
        << false << quint64(0) << quint64(0);
    QTest::newRow("no colon") << NetDevHeader + "  eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
                              << false << quint64(0) << quint64(0);
    QTest::newRow("empty") << QByteArray() << false << quint64(0) << quint64(0);
}

void TestCgroupParsers::netDev() {
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(quint64, received);
    QFETCH(quint64, sent);
    const std::optional<NetBytes> net = parseNetDev(input);
    QCOMPARE(net.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(net->received, received);
    QCOMPARE(net->sent, sent);
}

void TestCgroupParsers::procCgroup_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("memoryPath");
    QTest::addColumn<QString>("unifiedPath");
    const QString dockerV1 =
        QStringLiteral("/docker/caf1023637481e019378998bcb138b8a2a0a567ae004d8d9085ecfe39d7fe95e");
    QTest::newRow("real v1 (hybrid)") << fixture(QStringLiteral("v1-busybox-256m/proc-pid-cgroup"))
                                      << true << dockerV1 << dockerV1;
    QTest::newRow("v2 only") << fixture(QStringLiteral("v2-kernel-docs/proc-pid-cgroup")) << true
                             << QString()
                             << QStringLiteral(
                                    "/system.slice/docker-4f1c2a0e9b7d3c6a5e8f0b1d2c3a4e5f"
                                    "6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d.scope");
    QTest::newRow("combined controllers") << QByteArray("3:cpu,cpuacct:/a\n2:memory:/b\n") << true
                                          << QStringLiteral("/b") << QString();
    QTest::newRow("path with colon kept whole")
        << QByteArray("0::/x:y\n") << true << QString() << QStringLiteral("/x:y");
    QTest::newRow("relative path") << QByteArray("0::x\n") << false << QString() << QString();
    QTest::newRow("no id") << QByteArray(":memory:/a\n") << false << QString() << QString();
    QTest::newRow("one colon") << QByteArray("4:memory\n") << false << QString() << QString();
    QTest::newRow("empty") << QByteArray() << false << QString() << QString();
}

void TestCgroupParsers::procCgroup() {
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(QString, memoryPath);
    QFETCH(QString, unifiedPath);
    const std::optional<CgroupMembership> m = parseProcCgroup(input);
    QCOMPARE(m.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(m->v1.value(QStringLiteral("memory")), memoryPath);
    QCOMPARE(m->unified.value_or(QString()), unifiedPath);
}

void TestCgroupParsers::locate_data() {
    QTest::addColumn<QByteArray>("procCgroup");
    QTest::addColumn<QByteArray>("mountinfo");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("v1");
    QTest::addColumn<QString>("memoryDir");
    QTest::addColumn<QString>("cpuDir");
    const QString id =
        QStringLiteral("caf1023637481e019378998bcb138b8a2a0a567ae004d8d9085ecfe39d7fe95e");
    QTest::newRow("real v1 hybrid host")
        << fixture(QStringLiteral("v1-busybox-256m/proc-pid-cgroup"))
        << fixture(QStringLiteral("v1-busybox-256m/mountinfo")) << true << true
        << QStringLiteral("/sys/fs/cgroup/memory/docker/") + id
        << QStringLiteral("/sys/fs/cgroup/cpuacct/docker/") + id;
    const QString scope =
        QStringLiteral("/sys/fs/cgroup/system.slice/"
                       "docker-4f1c2a0e9b7d3c6a5e8f0b1d2c3a4e5f6a7b8c9d0e1f2a3b4c5d6e7f"
                       "8a9b0c1d.scope");
    QTest::newRow("v2 host") << fixture(QStringLiteral("v2-kernel-docs/proc-pid-cgroup"))
                             << fixture(QStringLiteral("v2-kernel-docs/mountinfo")) << true << false
                             << scope << scope;
    QTest::newRow("combined cpu,cpuacct mount")
        << QByteArray("2:cpu,cpuacct:/docker/a\n3:memory:/docker/a\n4:blkio:/docker/a\n"
                      "5:pids:/docker/a\n")
        << QByteArray("31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                      "34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                      "37 30 0:34 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio\n"
                      "38 30 0:35 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n")
        << true << true << QStringLiteral("/sys/fs/cgroup/memory/docker/a")
        << QStringLiteral("/sys/fs/cgroup/cpu,cpuacct/docker/a");
    QTest::newRow("mount root inside the hierarchy (server in a container)")
        << QByteArray("0::/docker/abc/inner\n")
        << QByteArray("35 24 0:30 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n") << true
        << false << QStringLiteral("/sys/fs/cgroup/inner")
        << QStringLiteral("/sys/fs/cgroup/inner");
    QTest::newRow("process outside the mount's root")
        << QByteArray("0::/elsewhere\n")
        << QByteArray("35 24 0:30 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n") << false
        << false << QString() << QString();
    QTest::newRow("path climbing out") << QByteArray("0::/docker/../../etc\n")
                                       << fixture(QStringLiteral("v2-kernel-docs/mountinfo"))
                                       << false << false << QString() << QString();
    QTest::newRow("mount point with escaped blank")
        << QByteArray("0::/a\n")
        << QByteArray("35 24 0:30 / /mnt/c\\040g rw shared:9 - cgroup2 cgroup2 rw\n") << true
        << false << QStringLiteral("/mnt/c g/a") << QStringLiteral("/mnt/c g/a");
    QTest::newRow("no cgroup mounts") << fixture(QStringLiteral("v2-kernel-docs/proc-pid-cgroup"))
                                      << QByteArray("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n")
                                      << false << false << QString() << QString();
    QTest::newRow("v1 without a pids mount")
        << QByteArray("2:cpuacct:/d\n3:memory:/d\n4:blkio:/d\n")
        << QByteArray("31 30 0:28 / /c rw - cgroup cgroup rw,cpuacct\n"
                      "34 30 0:31 / /m rw - cgroup cgroup rw,memory\n"
                      "37 30 0:34 / /b rw - cgroup cgroup rw,blkio\n")
        << false << true << QString() << QString();
    QTest::newRow("garbage mountinfo")
        << fixture(QStringLiteral("v2-kernel-docs/proc-pid-cgroup"))
        << QByteArray("- - - -\n\n\xff cgroup2 -\n") << false << false << QString() << QString();
}

void TestCgroupParsers::locate() {
    QFETCH(QByteArray, procCgroup);
    QFETCH(QByteArray, mountinfo);
    QFETCH(bool, ok);
    QFETCH(bool, v1);
    QFETCH(QString, memoryDir);
    QFETCH(QString, cpuDir);
    const std::optional<CgroupMembership> membership = parseProcCgroup(procCgroup);
    QVERIFY(membership);
    const std::optional<CgroupLocation> location =
        locateCgroup(*membership, parseCgroupMounts(mountinfo));
    QCOMPARE(location.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(location->version == CgroupLocation::Version::V1, v1);
    QCOMPARE(location->memory, memoryDir);
    QCOMPARE(location->cpu, cpuDir);
}

void TestCgroupParsers::rates_data() {
    QTest::addColumn<bool>("hasPrevious");
    QTest::addColumn<quint64>("previous");
    QTest::addColumn<quint64>("current");
    QTest::addColumn<qint64>("elapsedNs");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<double>("cpuPercent");
    const qint64 second = 1000000000;
    QTest::newRow("one core busy for a second")
        << true << quint64(5) * second << quint64(6) * second << second << true << 100.0;
    QTest::newRow("two cores busy")
        << true << quint64(0) << quint64(2) * second << second << true << 200.0;
    QTest::newRow("half a core over two seconds")
        << true << quint64(0) << quint64(second) << 2 * second << true << 50.0;
    QTest::newRow("idle") << true << quint64(7) << quint64(7) << second << true << 0.0;
    QTest::newRow("first reading") << false << quint64(0) << quint64(5) << second << false << 0.0;
    QTest::newRow("counter reset (restart)")
        << true << quint64(9) * second << quint64(1) << second << false << 0.0;
    QTest::newRow("no time passed")
        << true << quint64(0) << quint64(5) << qint64(0) << false << 0.0;
    QTest::newRow("clock went back") << true << quint64(0) << quint64(5) << -second << false << 0.0;
}

void TestCgroupParsers::rates() {
    QFETCH(bool, hasPrevious);
    QFETCH(quint64, previous);
    QFETCH(quint64, current);
    QFETCH(qint64, elapsedNs);
    QFETCH(bool, ok);
    QFETCH(double, cpuPercent);
    const std::optional<quint64> before =
        hasPrevious ? std::optional<quint64>(previous) : std::nullopt;
    const std::optional<double> percent = cpuPercentOfOneCore(before, current, elapsedNs);
    QCOMPARE(percent.has_value(), ok);
    QCOMPARE(cgroupRate(before, current, elapsedNs).has_value(), ok);
    if (ok)
        QCOMPARE(*percent, cpuPercent);
}

void TestCgroupParsers::memoryInUseAsDockerStats() {
    // The v1 fixture: usage_in_bytes minus total_inactive_file, as the docker CLI shows it.
    QCOMPARE(memoryInUse(21946368, 19283968), quint64(2662400));
    QCOMPARE(memoryInUse(100, 100), quint64(100));
    QCOMPARE(memoryInUse(100, 400), quint64(100));
    QCOMPARE(memoryInUse(0, 0), quint64(0));
}

void TestCgroupParsers::hostileBytesNeverCrash() {
    // Random and pathological inputs: any answer is fine, no crash, no sanitizer report.
    QList<QByteArray> inputs = {QByteArray(1 << 20, ':'), QByteArray(1 << 20, '\n'),
                                QByteArray(1 << 20, '='), QByteArray(100000, '|'),
                                QByteArray("\\\\\\\\\\"), QByteArray("0::\n0::\n0::")};
    quint32 seed = 12345;
    for (int i = 0; i < 200; ++i) {
        QByteArray random(1 + (i * 37) % 600, '\0');
        for (char &c : random) {
            seed = seed * 1103515245 + 12345;
            c = "0123456789: =\n-|\\/abcx"[(seed >> 16) % 23];
        }
        inputs.append(random);
    }
    for (const QByteArray &in : inputs) {
        (void)parseCgroupNumber(in);
        (void)parseMemoryLimit(in);
        (void)parseKeyedValue(in, "inactive_file");
        (void)parseBlkioServiceBytes(in);
        (void)parseIoStat(in);
        (void)parseNetDev(NetDevHeader + in);
        if (const std::optional<CgroupMembership> m = parseProcCgroup(in))
            (void)locateCgroup(*m, parseCgroupMounts(in));
    }
}

namespace {

// Lays out `dirName`'s fixture files as a host shows them: <root>/proc/<pid>/{cgroup,net/dev},
// <root>/proc/self/mountinfo (mount points moved under root) and the cgroup files in the
// directories mountinfo and /proc/<pid>/cgroup name.
bool layOut(const QString &root, const QString &dirName, qint64 pid,
            const QList<QPair<QString, QStringList>> &filesByController) {
    const QString src = mist::test::sourcePath(QStringLiteral("tests/metrics/fixtures/cgroup/")) +
                        dirName + QLatin1Char('/');
    QDir().mkpath(root + QStringLiteral("/proc/self"));
    QDir().mkpath(QStringLiteral("%1/proc/%2/net").arg(root).arg(pid));
    if (!QFile::copy(src + QStringLiteral("proc-pid-cgroup"),
                     QStringLiteral("%1/proc/%2/cgroup").arg(root).arg(pid)) ||
        !QFile::copy(src + QStringLiteral("net-dev"),
                     QStringLiteral("%1/proc/%2/net/dev").arg(root).arg(pid)))
        return false;
    QByteArray mountinfo = fixture(dirName + QStringLiteral("/mountinfo"));
    mountinfo.replace(" /sys/fs/cgroup", " " + root.toUtf8() + "/sys/fs/cgroup");
    QFile out(root + QStringLiteral("/proc/self/mountinfo"));
    if (!out.open(QIODevice::WriteOnly) || out.write(mountinfo) != mountinfo.size())
        return false;
    out.close();
    CgroupReader reader(root + QStringLiteral("/proc"));
    const mist::Expected<CgroupLocation> location = reader.locate(pid);
    if (!location)
        return false;
    for (const auto &[controller, files] : filesByController) {
        const QString dir = controller == QLatin1String("cpu")      ? location->cpu
                            : controller == QLatin1String("memory") ? location->memory
                            : controller == QLatin1String("io")     ? location->io
                                                                    : location->pids;
        QDir().mkpath(dir);
        for (const QString &file : files)
            if (!QFile::exists(dir + QLatin1Char('/') + file) &&
                !QFile::copy(src + file, dir + QLatin1Char('/') + file))
                return false;
    }
    return true;
}

} // namespace

void TestCgroupParsers::readerOnRealV1Files() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(layOut(tmp.path(), QStringLiteral("v1-busybox-256m"), 4242,
                   {{QStringLiteral("cpu"), {QStringLiteral("cpuacct.usage")}},
                    {QStringLiteral("memory"),
                     {QStringLiteral("memory.usage_in_bytes"),
                      QStringLiteral("memory.limit_in_bytes"), QStringLiteral("memory.stat")}},
                    {QStringLiteral("io"), {QStringLiteral("blkio.throttle.io_service_bytes")}},
                    {QStringLiteral("pids"), {QStringLiteral("pids.current")}}}));
    CgroupReader reader(tmp.path() + QStringLiteral("/proc"));
    const mist::Expected<CgroupLocation> location = reader.locate(4242);
    QVERIFY2(location, qPrintable(location.error()));
    QCOMPARE(location->version, CgroupLocation::Version::V1);
    const mist::Expected<CgroupCounters> c = reader.read(*location);
    QVERIFY2(c, qPrintable(c.error()));
    QCOMPARE(c->cpuNs, quint64(581469398));
    QCOMPARE(c->memoryUsage, quint64(21946368));
    QCOMPARE(c->memoryInactiveFile, quint64(19283968));
    QVERIFY(!c->memoryLimit.unlimited);
    QCOMPARE(c->memoryLimit.bytes, quint64(256) * 1024 * 1024);
    QCOMPARE(c->io.read, quint64(0));
    QCOMPARE(c->pids, quint64(2));
    const mist::Expected<NetBytes> net = reader.readNetwork(4242);
    QVERIFY2(net, qPrintable(net.error()));
    QCOMPARE(net->received, quint64(0));
}

void TestCgroupParsers::readerOnV2Files() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(layOut(tmp.path(), QStringLiteral("v2-kernel-docs"), 7,
                   {{QStringLiteral("cpu"),
                     {QStringLiteral("cpu.stat"), QStringLiteral("memory.current"),
                      QStringLiteral("memory.max"), QStringLiteral("memory.stat"),
                      QStringLiteral("io.stat"), QStringLiteral("pids.current")}}}));
    CgroupReader reader(tmp.path() + QStringLiteral("/proc"));
    const mist::Expected<CgroupLocation> location = reader.locate(7);
    QVERIFY2(location, qPrintable(location.error()));
    QCOMPARE(location->version, CgroupLocation::Version::V2);
    const mist::Expected<CgroupCounters> c = reader.read(*location);
    QVERIFY2(c, qPrintable(c.error()));
    QCOMPARE(c->cpuNs, quint64(2318417) * 1000);
    QCOMPARE(c->memoryUsage, quint64(73400320));
    QCOMPARE(c->memoryInactiveFile, quint64(10428416));
    QVERIFY(c->memoryLimit.unlimited);
    QCOMPARE(c->io.written, quint64(52428800 + 8192));
    QCOMPARE(c->pids, quint64(3));
    QCOMPARE(reader.readNetwork(7)->sent, quint64(2097152));

    // Without the io controller the cgroup has no io.stat: no I/O figures, not a failure.
    QVERIFY(QFile::remove(location->io + QStringLiteral("/io.stat")));
    const mist::Expected<CgroupCounters> withoutIo = reader.read(*location);
    QVERIFY2(withoutIo, qPrintable(withoutIo.error()));
    QCOMPARE(withoutIo->io.written, quint64(0));
}

void TestCgroupParsers::readerSaysWhichFileFailed() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(layOut(tmp.path(), QStringLiteral("v2-kernel-docs"), 9,
                   {{QStringLiteral("cpu"),
                     {QStringLiteral("cpu.stat"), QStringLiteral("memory.current"),
                      QStringLiteral("memory.max"), QStringLiteral("memory.stat"),
                      QStringLiteral("pids.current")}}}));
    CgroupReader reader(tmp.path() + QStringLiteral("/proc"));
    const CgroupLocation location = *reader.locate(9);

    // A malformed file is named.
    QFile bad(location.memory + QStringLiteral("/memory.current"));
    QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
    bad.write("lots\n");
    bad.close();
    mist::Expected<CgroupCounters> c = reader.read(location);
    QVERIFY(!c);
    QVERIFY2(c.error().contains(QStringLiteral("memory.current: unexpected content")),
             qPrintable(c.error()));

    // A file past 1 MiB is refused, not read whole.
    QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
    bad.write(QByteArray((1 << 20) + 10, '7'));
    bad.close();
    c = reader.read(location);
    QVERIFY(!c);
    QVERIFY2(c.error().contains(QStringLiteral("larger than")), qPrintable(c.error()));

    // A container that went away between list and read: its directory is gone.
    QVERIFY(QDir(location.memory).removeRecursively());
    c = reader.read(location);
    QVERIFY(!c);
    QVERIFY2(c.error().contains(QStringLiteral("cpu.stat")) ||
                 c.error().contains(QStringLiteral("memory")),
             qPrintable(c.error()));

    // A process that is gone: /proc/<pid> is missing.
    const mist::Expected<CgroupLocation> gone = reader.locate(123456);
    QVERIFY(!gone);
    QVERIFY2(gone.error().contains(QStringLiteral("/123456/cgroup")), qPrintable(gone.error()));
}

QTEST_GUILESS_MAIN(TestCgroupParsers)
#include "tst_cgroupparsers.moc"
