// SPDX-License-Identifier: GPL-3.0-or-later

// The CPU temperature for upstream's /api/ws/stats, read from sysfs trees of
// machines the tests never run on (tests/metrics/fixtures/thermal/: copies
// of /sys/class/hwmon and /sys/class/thermal, values included), and from
// trees made here to be huge or hostile.
#include "TestPaths.h"
#include "metrics/MetricsSampler.h"
#include "metrics/Thermal.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace mist::metrics;

Q_DECLARE_METATYPE(std::optional<double>)

namespace QTest {
template <> inline char *toString(const std::optional<double> &value) {
    return value ? QTest::toString(*value) : qstrdup("nullopt");
}
} // namespace QTest

namespace {

// By the source tree's path (TestPaths.h): QFINDTESTDATA goes by __FILE__, which a
// ccache with base_dir makes relative to a directory it cannot know.
QString fixture(const QString &name) {
    const QString path =
        mist::test::sourcePath(QStringLiteral("tests/metrics/fixtures/thermal/")) + name;
    if (!QFileInfo(path).isDir())
        qFatal("fixture %s not found", qPrintable(name));
    return path;
}

bool write(const QString &path, const QByteArray &content) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size();
}

} // namespace

class TestThermal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parseMillidegrees_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<std::optional<double>>("celsius");
        QTest::newRow("as sysfs writes it") << QByteArray("45000\n") << std::optional(45.0);
        QTest::newRow("no newline") << QByteArray("47236") << std::optional(47.236);
        QTest::newRow("blanks around") << QByteArray("  51250 \n") << std::optional(51.25);
        QTest::newRow("below zero") << QByteArray("-5000\n") << std::optional(-5.0);
        QTest::newRow("zero") << QByteArray("0\n") << std::optional(0.0);
        QTest::newRow("hottest accepted") << QByteArray("200000") << std::optional(200.0);
        QTest::newRow("coldest accepted") << QByteArray("-273150") << std::optional(-273.15);
        QTest::newRow("hotter than silicon") << QByteArray("200001") << std::optional<double>();
        QTest::newRow("below absolute zero") << QByteArray("-273151") << std::optional<double>();
        QTest::newRow("empty") << QByteArray() << std::optional<double>();
        QTest::newRow("only a newline") << QByteArray("\n") << std::optional<double>();
        QTest::newRow("text") << QByteArray("N/A\n") << std::optional<double>();
        QTest::newRow("a fraction") << QByteArray("45.5\n") << std::optional<double>();
        QTest::newRow("plus sign") << QByteArray("+45000") << std::optional<double>();
        QTest::newRow("minus only") << QByteArray("-") << std::optional<double>();
        QTest::newRow("two numbers") << QByteArray("45000 46000") << std::optional<double>();
        QTest::newRow("hex") << QByteArray("0xafc8") << std::optional<double>();
        QTest::newRow("overflow") << QByteArray("99999999999999999999") << std::optional<double>();
        QTest::newRow("huge") << QByteArray(1024 * 1024, '4') << std::optional<double>();
        QTest::newRow("binary") << QByteArray("\x00\xff\x34\x35", 4) << std::optional<double>();
        QTest::newRow("NUL after the number")
            << QByteArray("45000\0", 6) << std::optional<double>();
    }
    void parseMillidegrees() {
        QFETCH(QByteArray, text);
        QFETCH(std::optional<double>, celsius);
        QCOMPARE(mist::metrics::parseMillidegrees(text), celsius);
    }

    // Each tree read as the sampler reads the host's.
    void fixtureTrees_data() {
        QTest::addColumn<QString>("tree");
        QTest::addColumn<std::optional<double>>("celsius");
        // Package id 0 and Core 0..3: (48+46+50+47+49)/5. Upstream's library
        // also lists the max, crit and crit_alarm files under the same
        // "coretemp_core..." keys, and upstream averages them in (57 here).
        QTest::newRow("Intel, coretemp") << "intel-coretemp" << std::optional(48.0);
        // Package 0 and the cores of both packages, as upstream chooses.
        QTest::newRow("Intel, two sockets") << "intel-two-sockets" << std::optional(64.0);
        QTest::newRow("Intel, files under device/, older labels")
            << "device-subdirectory" << std::optional(47.0);
        QTest::newRow("AMD with Tdie") << "amd-k10temp-tdie" << std::optional(51.25);
        QTest::newRow("AMD Tctl only") << "amd-k10temp-tctl" << std::optional(45.125);
        QTest::newRow("AMD without labels") << "amd-k10temp-unlabelled" << std::optional(40.0);
        QTest::newRow("AMD, zenpower") << "amd-zenpower" << std::optional(55.5);
        QTest::newRow("Raspberry Pi") << "raspberry-pi" << std::optional(47.236);
        QTest::newRow("thermal zones only: x86_pkg_temp")
            << "thermal-zones-only" << std::optional(55.0);
        QTest::newRow("ARM: soc and cpu zones, not the gpu")
            << "arm-cpu-zones" << std::optional(45.0);
        QTest::newRow("no CPU sensor: none") << "no-cpu-sensor" << std::optional<double>();
        QTest::newRow("broken readings are skipped") << "broken-readings" << std::optional(52.0);
        QTest::newRow("all readings broken: none") << "all-broken" << std::optional<double>();
        QTest::newRow("nameless chip and typeless zone left out")
            << "nameless" << std::optional(42.0);
    }
    void fixtureTrees() {
        QFETCH(QString, tree);
        QFETCH(std::optional<double>, celsius);
        CpuThermometer thermometer(fixture(tree));
        QCOMPARE(thermometer.read(), celsius);
        QCOMPARE(thermometer.read(), celsius); // again, from the same inputs
    }

    void missingTree() {
        QTemporaryDir dir;
        CpuThermometer nothing(dir.filePath(QStringLiteral("no-such-dir")));
        QCOMPARE(nothing.read(), std::optional<double>());
        QVERIFY(scanSensors(dir.path()).chips.isEmpty());
    }

    void inventoryOfATree() {
        const SensorInventory inventory = scanSensors(fixture(QStringLiteral("intel-coretemp")));
        QCOMPARE(inventory.chips.size(), 4);
        QCOMPARE(inventory.chips.at(2).name, QStringLiteral("coretemp"));
        QCOMPARE(inventory.chips.at(2).temperatures.size(), 5); // inputs only
        QCOMPARE(inventory.chips.at(2).temperatures.at(1).label, QStringLiteral("Core 0"));
        QCOMPARE(inventory.zones.size(), 2);
        QCOMPARE(inventory.zones.at(1).type, QStringLiteral("x86_pkg_temp"));
        // The disk's and the Wi-Fi card's sensors are never read.
        const QStringList inputs = cpuTemperatureInputs(inventory);
        QCOMPARE(inputs.size(), 5);
        for (const QString &input : inputs)
            QVERIFY2(input.contains(QStringLiteral("hwmon2/")), qPrintable(input));
    }

    // Files far larger than sysfs writes, and more chips, sensors and zones
    // than any machine has: each read is bounded, each list capped.
    void hugeAndMany() {
        QTemporaryDir dir;
        const QString hwmon = dir.filePath(QStringLiteral("hwmon"));
        // hwmon0: a 1 MiB name; hwmon1: a 1 MiB label and a 1 MiB reading
        // beside a sound core.
        QVERIFY(write(hwmon + QStringLiteral("/hwmon0/name"), QByteArray(1024 * 1024, 'c')));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon0/temp1_input"), "90000\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/name"), "coretemp\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/temp1_label"), QByteArray(1024 * 1024, 'P')));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/temp1_input"), "90000\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/temp2_label"), "Core 0\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/temp2_input"), QByteArray(1024 * 1024, '4')));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/temp3_label"), "Core 1\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon1/temp3_input"), "41000\n"));
        // hwmon2: 100 sensors; those beyond the 64th are not taken in.
        for (int i = 1; i <= 100; ++i) {
            const QString base = hwmon + QStringLiteral("/hwmon2/temp%1").arg(i);
            QVERIFY(write(base + QStringLiteral("_label"),
                          QByteArray("Core ") + QByteArray::number(i)));
            QVERIFY(write(base + QStringLiteral("_input"), i <= 64 ? "41000" : "99000"));
        }
        QVERIFY(write(hwmon + QStringLiteral("/hwmon2/name"), "coretemp\n"));
        // 300 chips: those beyond the 256th are not taken in.
        for (int n = 3; n < 300; ++n) {
            const QString chip = hwmon + QStringLiteral("/hwmon%1").arg(n);
            QVERIFY(write(chip + QStringLiteral("/name"), "coretemp\n"));
            QVERIFY(write(chip + QStringLiteral("/temp1_label"), "Core 0\n"));
            QVERIFY(write(chip + QStringLiteral("/temp1_input"),
                          n < MaxHwmonChips ? "41000" : "99000"));
        }
        // Names that only look like chips and zones.
        QVERIFY(write(hwmon + QStringLiteral("/hwmonX/name"), "coretemp\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmonX/temp1_input"), "99000\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon9999999/name"), "coretemp\n"));
        QVERIFY(write(hwmon + QStringLiteral("/hwmon9999999/temp1_input"), "99000\n"));
        for (int n = 0; n < 300; ++n)
            QVERIFY(write(dir.filePath(QStringLiteral("thermal/thermal_zone%1/type").arg(n)),
                          "acpitz\n"));

        const SensorInventory inventory = scanSensors(dir.path());
        QCOMPARE(inventory.chips.size(), MaxHwmonChips - 1); // hwmon0 has no usable name
        for (const SensorInventory::Chip &chip : inventory.chips)
            QVERIFY(chip.temperatures.size() <= MaxSensorsPerChip);
        QCOMPARE(inventory.zones.size(), MaxThermalZones);
        QCOMPARE(inventory.chips.at(0).temperatures.at(0).label, QString()); // unreadable
        CpuThermometer thermometer(dir.path());
        QCOMPARE(thermometer.read(), std::optional(41.0));
    }

    // Inputs are read at every sample; the tree is scanned again only while
    // nothing can be read, and at most once a minute.
    void readsEverySampleScansSeldom() {
        QTemporaryDir dir;
        const QString input = dir.filePath(QStringLiteral("thermal/thermal_zone0/temp"));
        QVERIFY(write(dir.filePath(QStringLiteral("thermal/thermal_zone0/type")), "x86_pkg_temp"));
        QVERIFY(write(input, "50000\n"));
        CpuThermometer thermometer(dir.path());
        QCOMPARE(thermometer.read(), std::optional(50.0));
        QVERIFY(write(input, "61000\n"));
        QCOMPARE(thermometer.read(), std::optional(61.0));
        // A sensor that appears later is not looked for at every sample.
        QVERIFY(QFile::remove(input));
        QVERIFY(write(dir.filePath(QStringLiteral("thermal/thermal_zone1/type")), "cpu-thermal"));
        QVERIFY(write(dir.filePath(QStringLiteral("thermal/thermal_zone1/temp")), "40000"));
        QCOMPARE(thermometer.read(), std::optional<double>());
        // A new thermometer scans at once.
        QCOMPARE(CpuThermometer(dir.path()).read(), std::optional(40.0));
    }

    // The sampler takes it with every sample; the published object (the
    // page's schema) does not carry it.
    void samplerWiresIt() {
        QTemporaryDir data;
        MetricsSampler sampler(nullptr, data.path(), nullptr,
                               fixture(QStringLiteral("amd-zenpower")));
        QCOMPARE(sampler.cpuTemperature(), std::optional<double>());
        sampler.sampleNow();
        QCOMPARE(sampler.cpuTemperature(), std::optional(55.5));
        QVERIFY(!sampler.latestObject().contains(QStringLiteral("cpuTemperature")));
        QVERIFY(!sampler.latest().contains(QStringLiteral("emperature")));
        MetricsSampler none(nullptr, data.path(), nullptr,
                            fixture(QStringLiteral("no-cpu-sensor")));
        none.sampleNow();
        QCOMPARE(none.cpuTemperature(), std::optional<double>());
    }
};

QTEST_GUILESS_MAIN(TestThermal)
#include "tst_thermal.moc"
