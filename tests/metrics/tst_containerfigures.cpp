// SPDX-License-Identifier: GPL-3.0-or-later

// A container's figures from two readings (src/core/metrics/ContainerFigures.h), and the
// engine's stats answer read into the same counters, on data rows and a real answer of the
// build machines' engine (tests/metrics/fixtures/cgroup/engine-stats-v1.json).

#include "TestPaths.h"
#include "metrics/ContainerFigures.h"

#include <QFile>
#include <QTest>

using namespace mist::metrics;

namespace {

constexpr qint64 Second = 1000000000;
constexpr quint64 MiB = 1024 * 1024;

ContainerReading reading(qint64 atNs, quint64 cpuNs, quint64 usage, quint64 inactive,
                         std::optional<quint64> limit, quint64 ioRead, quint64 ioWritten,
                         std::optional<NetBytes> net = std::nullopt) {
    ContainerReading r;
    r.atNs = atNs;
    r.counters.cpuNs = cpuNs;
    r.counters.memoryUsage = usage;
    r.counters.memoryInactiveFile = inactive;
    r.counters.memoryLimit = limit ? MemoryLimit{false, *limit} : MemoryLimit{};
    r.counters.io = {ioRead, ioWritten};
    r.counters.pids = 3;
    r.network = net;
    return r;
}

QByteArray realEngineAnswer() {
    QFile f(mist::test::sourcePath(
        QStringLiteral("tests/metrics/fixtures/cgroup/engine-stats-v1.json")));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("engine-stats-v1.json not found");
    return f.readAll();
}

} // namespace

class TestContainerFigures : public QObject {
    Q_OBJECT

private slots:
    void firstReadingHasNoRates();
    void ratesOverTheInterval();
    void restartResetsCountersWithoutNegativeRates();
    void noLimitMeansTheHostsMemory();
    void realEngineAnswer_();
    void engineAnswers_data();
    void engineAnswers();
};

void TestContainerFigures::firstReadingHasNoRates() {
    const ContainerFigures f = containerFigures(
        std::nullopt,
        reading(5 * Second, 9 * Second, 100 * MiB, 20 * MiB, 256 * MiB, 7, 8, NetBytes{10, 20}),
        16 * 1024 * MiB);
    QVERIFY(!f.cpuPercent);
    QVERIFY(!f.readRate && !f.writeRate && !f.rxRate && !f.txRate);
    QCOMPARE(f.memoryUsed, 80 * MiB);
    QCOMPARE(f.memoryLimit, 256 * MiB);
    QCOMPARE(f.memoryPercent, 31.25);
    QCOMPARE(f.io.read, quint64(7));
    QCOMPARE(f.network->sent, quint64(20));
    QCOMPARE(f.pids, quint64(3));
}

void TestContainerFigures::ratesOverTheInterval() {
    const ContainerReading a =
        reading(10 * Second, 4 * Second, 50 * MiB, 0, 100 * MiB, 0, 0, NetBytes{1000, 0});
    const ContainerReading b = reading(12 * Second, 5 * Second, 50 * MiB, 0, 100 * MiB, 2 * MiB,
                                       10 * MiB, NetBytes{3000, 500});
    const ContainerFigures f = containerFigures(a, b, 0);
    QCOMPARE(*f.cpuPercent, 50.0); // one CPU-second in two seconds
    QCOMPARE(*f.readRate, double(MiB));
    QCOMPARE(*f.writeRate, double(5 * MiB));
    QCOMPARE(*f.rxRate, 1000.0);
    QCOMPARE(*f.txRate, 250.0);
}

void TestContainerFigures::restartResetsCountersWithoutNegativeRates() {
    const ContainerReading before = reading(10 * Second, 40 * Second, 50 * MiB, 0, 100 * MiB,
                                            9 * MiB, 9 * MiB, NetBytes{900, 900});
    const ContainerReading after =
        reading(11 * Second, Second / 10, 5 * MiB, 0, 100 * MiB, 0, 4096, NetBytes{10, 10});
    const ContainerFigures f = containerFigures(before, after, 0);
    QVERIFY(!f.cpuPercent);
    QVERIFY(!f.readRate && !f.writeRate && !f.rxRate && !f.txRate);
    QCOMPARE(f.memoryUsed, 5 * MiB);
    // A network that appeared or went away gives no rate either.
    QVERIFY(!containerFigures(reading(0, 0, 0, 0, 1, 0, 0),
                              reading(Second, 0, 0, 0, 1, 0, 0, NetBytes{5, 5}), 0)
                 .rxRate);
}

void TestContainerFigures::noLimitMeansTheHostsMemory() {
    const ContainerFigures f =
        containerFigures(std::nullopt, reading(0, 0, 4 * MiB, 0, std::nullopt, 0, 0), 16 * MiB);
    QCOMPARE(f.memoryLimit, 16 * MiB);
    QCOMPARE(f.memoryPercent, 25.0);
    // Not even the host's memory known: 0 %, not a division by zero.
    QCOMPARE(containerFigures(std::nullopt, reading(0, 0, 4 * MiB, 0, std::nullopt, 0, 0), 0)
                 .memoryPercent,
             0.0);
}

void TestContainerFigures::realEngineAnswer_() {
    const std::optional<ContainerReading> r = parseEngineStats(realEngineAnswer());
    QVERIFY(r);
    QCOMPARE(r->counters.cpuNs, quint64(662043141));
    QCOMPARE(r->counters.memoryUsage, quint64(20496384));
    QCOMPARE(r->counters.memoryInactiveFile, quint64(0));
    QVERIFY(!r->counters.memoryLimit.unlimited);
    QCOMPARE(r->counters.memoryLimit.bytes, 128 * MiB);
    QCOMPARE(r->counters.version, CgroupLocation::Version::V1);
    QCOMPARE(r->counters.pids, quint64(1));
    QVERIFY(!r->network); // the test engine's containers have no network
    QCOMPARE(r->atNs % Second, qint64(670144282));
}

void TestContainerFigures::engineAnswers_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("inactive");
    QTest::addColumn<quint64>("ioWritten");
    QTest::addColumn<quint64>("received");
    const QByteArray base =
        R"("read":"2026-12-05T20:48:26.5Z","cpu_stats":{"cpu_usage":{"total_usage":5}},)";
    auto answer = [&](const QByteArray &memory, const QByteArray &rest = {}) {
        return "{" + base + R"("memory_stats":)" + memory + rest + "}";
    };
    QTest::newRow("v2: inactive_file")
        << answer(R"({"usage":100,"limit":1000,"stats":{"inactive_file":40}})") << true
        << quint64(40) << quint64(0) << quint64(0);
    QTest::newRow("block I/O summed, ops in any case")
        << answer(
               R"({"usage":1,"limit":2})",
               R"(,"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Write","value":100},{"major":8,"minor":16,"op":"write","value":28},{"op":"Read","value":5},{"op":"Total","value":133}]})")
        << true << quint64(0) << quint64(128) << quint64(0);
    QTest::newRow("networks summed")
        << answer(
               R"({"usage":1,"limit":2})",
               R"(,"networks":{"eth0":{"rx_bytes":10,"tx_bytes":1},"eth1":{"rx_bytes":32,"tx_bytes":2}})")
        << true << quint64(0) << quint64(0) << quint64(42);
    QTest::newRow("stats missing: no inactive cache")
        << answer(R"({"usage":1,"limit":2})") << true << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("not JSON") << QByteArray("{nope") << false << quint64(0) << quint64(0)
                              << quint64(0);
    QTest::newRow("an array") << QByteArray("[]") << false << quint64(0) << quint64(0)
                              << quint64(0);
    QTest::newRow("empty") << QByteArray() << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("a stopped container's empty answer")
        << QByteArray(
               R"({"read":"0001-01-01T00:00:00Z","cpu_stats":{"cpu_usage":{}},"memory_stats":{}})")
        << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("negative usage")
        << answer(R"({"usage":-1,"limit":2})") << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("fractional usage")
        << answer(R"({"usage":1.5,"limit":2})") << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("usage as a string")
        << answer(R"({"usage":"1","limit":2})") << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("huge usage") << answer(R"({"usage":1e300,"limit":2})") << false << quint64(0)
                                << quint64(0) << quint64(0);
    QTest::newRow("bad read time")
        << QByteArray(
               R"({"read":"yesterday","cpu_stats":{"cpu_usage":{"total_usage":5}},"memory_stats":{"usage":1,"limit":2}})")
        << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("bad network counter")
        << answer(R"({"usage":1,"limit":2})",
                  R"(,"networks":{"eth0":{"rx_bytes":"x","tx_bytes":1}})")
        << false << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("bad block I/O value")
        << answer(R"({"usage":1,"limit":2})",
                  R"(,"blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":null}]})")
        << false << quint64(0) << quint64(0) << quint64(0);
}

void TestContainerFigures::engineAnswers() {
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    QFETCH(quint64, inactive);
    QFETCH(quint64, ioWritten);
    QFETCH(quint64, received);
    const std::optional<ContainerReading> r = parseEngineStats(json);
    QCOMPARE(r.has_value(), ok);
    if (!ok)
        return;
    QCOMPARE(r->counters.memoryInactiveFile, inactive);
    QCOMPARE(r->counters.io.written, ioWritten);
    QCOMPARE(r->network.value_or(NetBytes{}).received, received);
}

QTEST_GUILESS_MAIN(TestContainerFigures)
#include "tst_containerfigures.moc"
