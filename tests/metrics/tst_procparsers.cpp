// SPDX-License-Identifier: GPL-3.0-or-later

#include "TestPaths.h"
#include "metrics/ProcParsers.h"

#include <QFile>
#include <QList>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <cmath>
#include <limits>

using namespace mist::metrics;

Q_DECLARE_METATYPE(mist::metrics::CpuTicks)

namespace {

constexpr quint64 kMax = std::numeric_limits<quint64>::max();
constexpr quint64 KiB = 1024;

// A missing fixture is a broken checkout, not a parser result: stop loudly
// instead of feeding the parser an empty buffer that some rows expect to reject.
QByteArray readFixture(const QString &name) {
    const QString path = mist::test::sourcePath(QStringLiteral("tests/metrics/fixtures/") + name);
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        qFatal("fixture %s not found", qPrintable(name));
    return file.readAll();
}

QByteArray readProcFile(const char *path) {
    QFile file(QString::fromLatin1(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

CpuTicks ticks(quint64 user, quint64 nice, quint64 system, quint64 idle, quint64 iowait = 0,
               quint64 irq = 0, quint64 softirq = 0, quint64 steal = 0) {
    CpuTicks t;
    t.user = user;
    t.nice = nice;
    t.system = system;
    t.idle = idle;
    t.iowait = iowait;
    t.irq = irq;
    t.softirq = softirq;
    t.steal = steal;
    return t;
}

QList<quint64> columnsOf(const CpuTicks &t) {
    return {t.user, t.nice, t.system, t.idle, t.iowait, t.irq, t.softirq, t.steal};
}

const QStringList kAllFixtures = {
    QStringLiteral("stat-4cpu.txt"),
    QStringLiteral("stat-2cpu-kernel-2.6.9.txt"),
    QStringLiteral("stat-1cpu-old-kernel.txt"),
    QStringLiteral("stat-no-trailing-newline.txt"),
    QStringLiteral("stat-too-few-columns.txt"),
    QStringLiteral("stat-non-numeric.txt"),
    QStringLiteral("stat-negative.txt"),
    QStringLiteral("stat-huge-number.txt"),
    QStringLiteral("stat-sum-overflow.txt"),
    QStringLiteral("stat-no-aggregate.txt"),
    QStringLiteral("stat-garbage.txt"),
    QStringLiteral("stat-binary.bin"),
    QStringLiteral("stat-empty.txt"),
    QStringLiteral("meminfo-normal.txt"),
    QStringLiteral("meminfo-no-memavailable.txt"),
    QStringLiteral("meminfo-no-trailing-newline.txt"),
    QStringLiteral("meminfo-missing-total.txt"),
    QStringLiteral("meminfo-huge-total.txt"),
    QStringLiteral("meminfo-malformed-total.txt"),
    QStringLiteral("meminfo-garbage.txt"),
    QStringLiteral("meminfo-empty.txt"),
};

// Every invariant a caller may rely on, whatever the input was. Returns what
// broke, or an empty string.
QString invariantViolation(QByteArrayView input) {
    if (const auto cpu = parseProcStatCpu(input)) {
        if (cpu->busy() > cpu->total() || cpu->idle > cpu->total())
            return QStringLiteral("cpu ticks: busy or idle above total");
    }
    if (parseProcStatCpuCount(input) < 0)
        return QStringLiteral("negative cpu count");
    if (const auto mem = parseMemInfo(input)) {
        if (mem->availableBytes > mem->totalBytes)
            return QStringLiteral("meminfo: available above total");
        if (mem->usedBytes() != mem->totalBytes - mem->availableBytes)
            return QStringLiteral("meminfo: used is not total - available");
    }
    return {};
}

} // namespace

class TestProcParsers : public QObject {
    Q_OBJECT

private slots:
    void fixturesArePresent();

    void parsesProcStatCpu_data();
    void parsesProcStatCpu();

    void countsOnlineCpus_data();
    void countsOnlineCpus();

    void parsesMemInfo_data();
    void parsesMemInfo();

    void usedBytesNeverNegative_data();
    void usedBytesNeverNegative();

    void computesCpuUsage_data();
    void computesCpuUsage();
    void resetForgetsPreviousSample();

    void roundsToOneDecimal_data();
    void roundsToOneDecimal();

    void survivesTruncatedFixtures_data();
    void survivesTruncatedFixtures();
    void survivesRandomBytes();

    void readsThisMachine();
};

void TestProcParsers::fixturesArePresent() {
    for (const QString &name : kAllFixtures)
        QVERIFY2(QFileInfo::exists(
                     mist::test::sourcePath(QStringLiteral("tests/metrics/fixtures/") + name)),
                 qPrintable(name));
}

void TestProcParsers::parsesProcStatCpu_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("valid");
    // user nice system idle iowait irq softirq steal
    QTest::addColumn<QList<quint64>>("columns");
    QTest::addColumn<quint64>("busy");
    QTest::addColumn<quint64>("total");

    // guest (5830) and guest_nice (42) are in the file but already inside user/nice.
    QTest::newRow("4 cpus, 10 columns")
        << readFixture("stat-4cpu.txt") << true
        << QList<quint64>{816505, 4382, 240625, 15400356, 16833, 0, 20276, 1216} << quint64(1083004)
        << quint64(16500193);
    QTest::newRow("kernel 2.6.9, 7 columns")
        << readFixture("stat-2cpu-kernel-2.6.9.txt") << true
        << QList<quint64>{101110, 599, 39999, 1964690, 4468, 221, 857, 0} << quint64(142786)
        << quint64(2111944);
    QTest::newRow("kernel 2.4, 4 columns")
        << readFixture("stat-1cpu-old-kernel.txt") << true
        << QList<quint64>{1947, 0, 1362, 1239034, 0, 0, 0, 0} << quint64(3309) << quint64(1242343);
    QTest::newRow("no trailing newline")
        << readFixture("stat-no-trailing-newline.txt") << true
        << QList<quint64>{3026, 0, 1463, 44958, 303, 0, 41, 8} << quint64(4538) << quint64(49799);
    QTest::newRow("single line, no newline")
        << QByteArray("cpu 1 2 3 4 5 6 7 8") << true << QList<quint64>{1, 2, 3, 4, 5, 6, 7, 8}
        << quint64(27) << quint64(36);
    QTest::newRow("CRLF line endings")
        << QByteArray("cpu  10 20 30 40\r\ncpu0 10 20 30 40\r\n") << true
        << QList<quint64>{10, 20, 30, 40, 0, 0, 0, 0} << quint64(60) << quint64(100);
    QTest::newRow("tabs between columns")
        << QByteArray("cpu\t10\t20\t30\t40\t50\n") << true
        << QList<quint64>{10, 20, 30, 40, 50, 0, 0, 0} << quint64(60) << quint64(150);
    QTest::newRow("future kernel, extra columns ignored")
        << QByteArray("cpu 1 2 3 4 5 6 7 8 9 10 11 12\n") << true
        << QList<quint64>{1, 2, 3, 4, 5, 6, 7, 8} << quint64(27) << quint64(36);
    QTest::newRow("aggregate after other lines")
        << QByteArray("ctxt 5\ncpu0 1 1 1 1\ncpu 4 4 4 4\n") << true
        << QList<quint64>{4, 4, 4, 4, 0, 0, 0, 0} << quint64(12) << quint64(16);
    QTest::newRow("largest total that fits")
        << QByteArray("cpu 18446744073709551614 0 0 1\n") << true
        << QList<quint64>{kMax - 1, 0, 0, 1, 0, 0, 0, 0} << kMax - 1 << kMax;
    QTest::newRow("leading zeros")
        << QByteArray("cpu 000000000000000000000000007 0 0 3\n") << true
        << QList<quint64>{7, 0, 0, 3, 0, 0, 0, 0} << quint64(7) << quint64(10);

    const QList<quint64> none;
    const auto invalid = [&](const char *tag, const QByteArray &input) {
        QTest::newRow(tag) << input << false << none << quint64(0) << quint64(0);
    };
    invalid("too few columns", readFixture("stat-too-few-columns.txt"));
    invalid("non-numeric column", readFixture("stat-non-numeric.txt"));
    invalid("negative column", readFixture("stat-negative.txt"));
    invalid("column is 2^64", readFixture("stat-huge-number.txt"));
    invalid("columns sum past 2^64", readFixture("stat-sum-overflow.txt"));
    invalid("only per-cpu lines", readFixture("stat-no-aggregate.txt"));
    invalid("garbage text", readFixture("stat-garbage.txt"));
    invalid("binary garbage", readFixture("stat-binary.bin"));
    invalid("empty file", readFixture("stat-empty.txt"));
    invalid("label without columns", QByteArray("cpu\n"));
    invalid("label without columns, no newline", QByteArray("cpu"));
    invalid("trailing junk column", QByteArray("cpu 1 2 3 4 x\n"));
    invalid("embedded NUL", QByteArray("cpu 1 2\0 3 4\n", 13));
    invalid("hex column", QByteArray("cpu 0x10 1 2 3\n"));
    invalid("plus sign", QByteArray("cpu +1 1 2 3\n"));
    invalid("decimal point", QByteArray("cpu 1.5 1 2 3\n"));
    invalid("30-digit column", QByteArray("cpu 123456789012345678901234567890 1 2 3\n"));
    invalid("malformed aggregate not replaced by a later one",
            QByteArray("cpu 1 2\ncpu 1 2 3 4\n"));
    invalid("label glued to number", QByteArray("cpu1 2 3 4\n"));
}

void TestProcParsers::parsesProcStatCpu() {
    QFETCH(QByteArray, input);
    QFETCH(bool, valid);
    QFETCH(QList<quint64>, columns);
    QFETCH(quint64, busy);
    QFETCH(quint64, total);

    const std::optional<CpuTicks> parsed = parseProcStatCpu(input);
    QCOMPARE(parsed.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(columnsOf(*parsed), columns);
    QCOMPARE(parsed->busy(), busy);
    QCOMPARE(parsed->total(), total);
}

void TestProcParsers::countsOnlineCpus_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("count");

    QTest::newRow("4 cpus") << readFixture("stat-4cpu.txt") << 4;
    QTest::newRow("kernel 2.6.9") << readFixture("stat-2cpu-kernel-2.6.9.txt") << 2;
    QTest::newRow("kernel 2.4") << readFixture("stat-1cpu-old-kernel.txt") << 1;
    QTest::newRow("no trailing newline") << readFixture("stat-no-trailing-newline.txt") << 2;
    QTest::newRow("no aggregate line") << readFixture("stat-no-aggregate.txt") << 2;
    QTest::newRow("garbage text") << readFixture("stat-garbage.txt") << 0;
    QTest::newRow("binary garbage") << readFixture("stat-binary.bin") << 0;
    QTest::newRow("empty file") << readFixture("stat-empty.txt") << 0;
    QTest::newRow("aggregate only") << QByteArray("cpu 1 2 3 4\n") << 0;
    QTest::newRow("multi-digit ids, sparse")
        << QByteArray("cpu 1 2 3 4\ncpu0 1 1 1 1\ncpu17 1 1 1 1\ncpu128 1 1 1 1") << 3;
    QTest::newRow("lookalike labels")
        << QByteArray("cpufreq 1 2 3 4\ncpu-1 1 2 3 4\ncpu1a 1 2 3 4\nxcpu1 1 2 3 4\n") << 0;
}

void TestProcParsers::countsOnlineCpus() {
    QFETCH(QByteArray, input);
    QFETCH(int, count);

    QCOMPARE(parseProcStatCpuCount(input), count);
}

void TestProcParsers::parsesMemInfo_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("total");
    QTest::addColumn<quint64>("available");
    QTest::addColumn<quint64>("used");

    QTest::newRow("normal") << readFixture("meminfo-normal.txt") << true << 24684092 * KiB
                            << 24293268 * KiB << (24684092 - 24293268) * KiB;
    QTest::newRow("no MemAvailable: MemFree+Buffers+Cached")
        << readFixture("meminfo-no-memavailable.txt") << true << 8061404 * KiB
        << (2413196 + 312460 + 3484420) * KiB << (8061404 - 2413196 - 312460 - 3484420) * KiB;
    QTest::newRow("no trailing newline")
        << readFixture("meminfo-no-trailing-newline.txt") << true << 4039876 * KiB << 2931208 * KiB
        << (4039876 - 2931208) * KiB;
    QTest::newRow("MemAvailable wins over the fallback")
        << QByteArray("MemTotal: 1000 kB\nMemFree: 10 kB\nMemAvailable: 600 kB\nCached: 20 kB\n")
        << true << 1000 * KiB << 600 * KiB << 400 * KiB;
    QTest::newRow("fallback without Buffers and Cached")
        << QByteArray("MemTotal: 1000 kB\nMemFree: 250 kB\n") << true << 1000 * KiB << 250 * KiB
        << 750 * KiB;
    QTest::newRow("malformed MemAvailable falls back")
        << QByteArray("MemTotal: 1000 kB\nMemAvailable: lots\nMemFree: 100 kB\nBuffers: 10 kB\n"
                      "Cached: 40 kB\n")
        << true << 1000 * KiB << 150 * KiB << 850 * KiB;
    QTest::newRow("MemAvailable above MemTotal is capped")
        << QByteArray("MemTotal: 1000 kB\nMemAvailable: 2000 kB\n") << true << 1000 * KiB
        << 1000 * KiB << quint64(0);
    QTest::newRow("fallback above MemTotal is capped")
        << QByteArray("MemTotal: 1000 kB\nMemFree: 900 kB\nBuffers: 100 kB\nCached: 100 kB\n")
        << true << 1000 * KiB << 1000 * KiB << quint64(0);
    QTest::newRow("fallback sum past 2^64 saturates")
        << QByteArray("MemTotal: 18014398509481983 kB\nMemFree: 18014398509481983 kB\n"
                      "Buffers: 18014398509481983 kB\n")
        << true << (kMax - 1023) << (kMax - 1023) << quint64(0);
    QTest::newRow("largest MemTotal that fits in bytes")
        << QByteArray("MemTotal: 18014398509481983 kB\nMemAvailable: 1 kB\n") << true
        << (kMax - 1023) << KiB << (kMax - 1023 - KiB);
    QTest::newRow("zero memory") << QByteArray("MemTotal: 0 kB\nMemAvailable: 0 kB\n") << true
                                 << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("CRLF and tabs") << QByteArray("MemTotal:\t2048 kB\r\nMemAvailable:\t1024 kB\r\n")
                                   << true << 2048 * KiB << 1024 * KiB << 1024 * KiB;

    const auto invalid = [](const char *tag, const QByteArray &input) {
        QTest::newRow(tag) << input << false << quint64(0) << quint64(0) << quint64(0);
    };
    invalid("MemTotal missing", readFixture("meminfo-missing-total.txt"));
    invalid("MemTotal overflows in bytes", readFixture("meminfo-huge-total.txt"));
    invalid("MemTotal not in kB", readFixture("meminfo-malformed-total.txt"));
    invalid("garbage", readFixture("meminfo-garbage.txt"));
    invalid("binary garbage", readFixture("stat-binary.bin"));
    invalid("empty file", readFixture("meminfo-empty.txt"));
    invalid("neither MemAvailable nor MemFree",
            QByteArray("MemTotal: 1000 kB\nBuffers: 10 kB\nCached: 20 kB\n"));
    invalid("MemTotal without unit", QByteArray("MemTotal: 1000\nMemAvailable: 500 kB\n"));
    invalid("MemTotal negative", QByteArray("MemTotal: -1000 kB\nMemAvailable: 500 kB\n"));
    invalid("MemTotal with trailing junk", QByteArray("MemTotal: 1000 kB extra\nMemFree: 5 kB\n"));
    invalid("MemTotal 30 digits",
            QByteArray("MemTotal: 123456789012345678901234567890 kB\nMemFree: 5 kB\n"));
    invalid("key must match exactly", QByteArray("MemTotalX: 1000 kB\nMemFree: 5 kB\n"));
}

void TestProcParsers::parsesMemInfo() {
    QFETCH(QByteArray, input);
    QFETCH(bool, valid);
    QFETCH(quint64, total);
    QFETCH(quint64, available);
    QFETCH(quint64, used);

    const std::optional<MemInfo> parsed = parseMemInfo(input);
    QCOMPARE(parsed.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(parsed->totalBytes, total);
    QCOMPARE(parsed->availableBytes, available);
    QCOMPARE(parsed->usedBytes(), used);
}

void TestProcParsers::usedBytesNeverNegative_data() {
    QTest::addColumn<quint64>("total");
    QTest::addColumn<quint64>("available");
    QTest::addColumn<quint64>("used");

    QTest::newRow("some used") << quint64(100) << quint64(30) << quint64(70);
    QTest::newRow("none used") << quint64(100) << quint64(100) << quint64(0);
    QTest::newRow("available above total") << quint64(100) << quint64(130) << quint64(0);
    QTest::newRow("all zero") << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("extremes") << kMax << quint64(0) << kMax;
    QTest::newRow("extremes reversed") << quint64(0) << kMax << quint64(0);
}

void TestProcParsers::usedBytesNeverNegative() {
    QFETCH(quint64, total);
    QFETCH(quint64, available);
    QFETCH(quint64, used);

    MemInfo info;
    info.totalBytes = total;
    info.availableBytes = available;
    QCOMPARE(info.usedBytes(), used);
}

void TestProcParsers::computesCpuUsage_data() {
    QTest::addColumn<QList<CpuTicks>>("samples");
    // The percent update() returns after each sample.
    QTest::addColumn<QList<double>>("percents");

    const CpuTicks zero;

    QTest::newRow("first sample is 0")
        << QList<CpuTicks>{ticks(500, 0, 500, 0)} << QList<double>{0.0};
    QTest::newRow("half busy") << QList<CpuTicks>{zero, ticks(50, 0, 0, 50)}
                               << QList<double>{0.0, 50.0};
    QTest::newRow("fully busy") << QList<CpuTicks>{zero, ticks(10, 10, 10, 0, 0, 10, 10, 10)}
                                << QList<double>{0.0, 100.0};
    QTest::newRow("fully idle") << QList<CpuTicks>{zero, ticks(0, 0, 0, 100)}
                                << QList<double>{0.0, 0.0};
    // Every busy column counts; iowait is time the CPU was free to run something else.
    QTest::newRow("busy columns vs idle and iowait")
        << QList<CpuTicks>{zero, ticks(10, 10, 10, 30, 10, 10, 10, 10)} << QList<double>{0.0, 60.0};
    QTest::newRow("only iowait") << QList<CpuTicks>{zero, ticks(0, 0, 0, 0, 40)}
                                 << QList<double>{0.0, 0.0};
    QTest::newRow("thirds") << QList<CpuTicks>{zero, ticks(1, 0, 0, 2)}
                            << QList<double>{0.0, 100.0 / 3};
    QTest::newRow("uses the interval, not the totals since boot")
        << QList<CpuTicks>{ticks(9000, 0, 0, 1000), ticks(9025, 0, 0, 1075),
                           ticks(9100, 0, 0, 1100), ticks(9100, 0, 0, 1200)}
        << QList<double>{0.0, 25.0, 75.0, 0.0};
    QTest::newRow("identical samples") << QList<CpuTicks>{ticks(300, 1, 200, 4000, 5, 6, 7, 8),
                                                          ticks(300, 1, 200, 4000, 5, 6, 7, 8),
                                                          ticks(300, 1, 200, 4000, 5, 6, 7, 8)}
                                       << QList<double>{0.0, 0.0, 0.0};
    QTest::newRow("busy counter went backwards")
        << QList<CpuTicks>{ticks(100, 0, 0, 100), ticks(50, 0, 0, 200), ticks(100, 0, 0, 250)}
        << QList<double>{0.0, 0.0, 50.0};
    QTest::newRow("iowait went backwards")
        << QList<CpuTicks>{ticks(100, 0, 0, 100, 80), ticks(130, 0, 0, 130, 20)}
        << QList<double>{0.0, 50.0};
    // With idle's step back counted as -100, busy/total would be 100/0.
    QTest::newRow("idle went backwards stays at 100")
        << QList<CpuTicks>{ticks(0, 0, 0, 1000), ticks(100, 0, 0, 900)}
        << QList<double>{0.0, 100.0};
    QTest::newRow("all counters went backwards (counter reset)")
        << QList<CpuTicks>{ticks(900, 90, 900, 9000, 90, 9, 9, 9), ticks(9, 0, 9, 90, 0, 0, 0, 0),
                           ticks(19, 0, 9, 100, 0, 0, 0, 0)}
        << QList<double>{0.0, 0.0, 50.0};
    QTest::newRow("deltas too large to add up in 64 bits")
        << QList<CpuTicks>{zero, ticks(kMax, kMax, kMax, kMax, kMax, kMax, kMax, kMax)}
        << QList<double>{0.0, 75.0};
}

void TestProcParsers::computesCpuUsage() {
    QFETCH(QList<CpuTicks>, samples);
    QFETCH(QList<double>, percents);
    QCOMPARE(samples.size(), percents.size());

    CpuUsageComputer computer;
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const double percent = computer.update(samples.at(i));
        QVERIFY2(percent >= 0.0 && percent <= 100.0, qPrintable(QString::number(percent)));
        QVERIFY2(qFuzzyCompare(percent + 1.0, percents.at(i) + 1.0),
                 qPrintable(QStringLiteral("sample %1: got %2, expected %3")
                                .arg(i)
                                .arg(percent)
                                .arg(percents.at(i))));
    }
}

void TestProcParsers::resetForgetsPreviousSample() {
    CpuUsageComputer computer;
    QCOMPARE(computer.update(ticks(0, 0, 0, 0)), 0.0);
    QCOMPARE(computer.update(ticks(50, 0, 0, 50)), 50.0);

    computer.reset();
    // A first sample again, however far it is from the one before the reset.
    QCOMPARE(computer.update(ticks(1000, 0, 0, 0)), 0.0);
    QCOMPARE(computer.update(ticks(1010, 0, 0, 30)), 25.0);
}

void TestProcParsers::roundsToOneDecimal_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("rounded");

    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("zero") << 0.0 << 0.0;
    QTest::newRow("down") << 12.34 << 12.3;
    QTest::newRow("up") << 12.36 << 12.4;
    QTest::newRow("half away from zero") << 0.25 << 0.3;
    QTest::newRow("third") << 100.0 / 3 << 33.3;
    QTest::newRow("two thirds") << 200.0 / 3 << 66.7;
    QTest::newRow("up to a whole number") << 99.96 << 100.0;
    QTest::newRow("hundred") << 100.0 << 100.0;
    QTest::newRow("tiny") << 0.04 << 0.0;
    QTest::newRow("tiny negative is plain zero") << -0.04 << 0.0;
    QTest::newRow("negative zero is plain zero") << -0.0 << 0.0;
    QTest::newRow("negative") << -12.36 << -12.4;
    QTest::newRow("huge") << 1e300 << 1e300;
    QTest::newRow("largest double")
        << std::numeric_limits<double>::max() << std::numeric_limits<double>::max();
    QTest::newRow("infinity") << inf << inf;
    QTest::newRow("NaN") << qQNaN() << qQNaN();
}

void TestProcParsers::roundsToOneDecimal() {
    QFETCH(double, value);
    QFETCH(double, rounded);

    const double result = roundToOneDecimal(value);
    QCOMPARE(result, rounded);
    if (rounded == 0.0)
        QVERIFY(!std::signbit(result));
}

void TestProcParsers::survivesTruncatedFixtures_data() {
    QTest::addColumn<QByteArray>("input");
    for (const QString &name : kAllFixtures)
        QTest::newRow(qPrintable(name)) << readFixture(name);
}

// A read of /proc can be cut short anywhere; no prefix may crash or break an invariant.
void TestProcParsers::survivesTruncatedFixtures() {
    QFETCH(QByteArray, input);
    for (qsizetype length = 0; length <= input.size(); ++length) {
        const QString violation = invariantViolation(QByteArrayView(input).first(length));
        QVERIFY2(violation.isEmpty(),
                 qPrintable(QStringLiteral("first %1 bytes: %2").arg(length).arg(violation)));
    }
}

void TestProcParsers::survivesRandomBytes() {
    QRandomGenerator random(20241128); // fixed seed: a failure must be reproducible
    const QByteArray base = readFixture("stat-4cpu.txt") + readFixture("meminfo-normal.txt");
    static const char alphabetBytes[] = "cpu0123456789 \t\r\n:kBMemTotalAvailableFree-+x\0";
    const QByteArray alphabet(alphabetBytes, sizeof alphabetBytes - 1);
    for (int round = 0; round < 2000; ++round) {
        QByteArray input = base;
        const int mutations = random.bounded(1, 16);
        for (int m = 0; m < mutations; ++m) {
            const qsizetype at = random.bounded(input.size());
            // Mostly bytes the parsers look for, so the mutants get past the first check.
            input[at] = random.bounded(4) == 0 ? char(random.bounded(256))
                                               : alphabet.at(random.bounded(alphabet.size()));
        }
        if (round % 2)
            input.truncate(random.bounded(input.size() + 1));
        const QString violation = invariantViolation(input);
        QVERIFY2(violation.isEmpty(),
                 qPrintable(QStringLiteral("round %1: %2 in %3")
                                .arg(round)
                                .arg(violation, QString::fromLatin1(input.toPercentEncoding()))));
    }
}

void TestProcParsers::readsThisMachine() {
    const QByteArray stat = readProcFile("/proc/stat");
    const QByteArray meminfo = readProcFile("/proc/meminfo");
    if (stat.isEmpty() || meminfo.isEmpty())
        QSKIP("no readable /proc/stat and /proc/meminfo here");

    const std::optional<CpuTicks> first = parseProcStatCpu(stat);
    QVERIFY(first);
    QVERIFY(first->total() > 0);
    QVERIFY(first->busy() <= first->total());
    QVERIFY(parseProcStatCpuCount(stat) >= 1);

    CpuUsageComputer computer;
    QCOMPARE(computer.update(*first), 0.0);
    QThread::msleep(100);
    const std::optional<CpuTicks> second = parseProcStatCpu(readProcFile("/proc/stat"));
    QVERIFY(second);
    const double percent = computer.update(*second);
    QVERIFY2(percent >= 0.0 && percent <= 100.0, qPrintable(QString::number(percent)));

    const std::optional<MemInfo> mem = parseMemInfo(meminfo);
    QVERIFY(mem);
    QVERIFY(mem->totalBytes > 0);
    QVERIFY(mem->availableBytes <= mem->totalBytes);
    QCOMPARE(mem->usedBytes(), mem->totalBytes - mem->availableBytes);
}

QTEST_GUILESS_MAIN(TestProcParsers)
#include "tst_procparsers.moc"
