// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The host's CPU temperature, for upstream's /api/ws/stats (`cpuTemperature`),
// from Linux sysfs: hwmon chips (/sys/class/hwmon/hwmonN/tempK_input, labels
// in tempK_label, the driver in `name`) and thermal zones
// (/sys/class/thermal/thermal_zoneN/temp, the kind in `type`). Scanning the
// tree and choosing the sensors are separate from reading them, so that the
// choice can be proven on fixture trees of machines the tests never run on,
// and so that a sample reads the few chosen files only: some hwmon drivers
// (drivetemp, nvme) ask the disk for each reading.

#include <QByteArrayView>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mist::metrics {

struct SensorInventory {
    struct Sensor {
        QString inputPath; // .../tempK_input
        QString label;     // tempK_label, trimmed; empty when the chip has none
    };
    struct Chip {
        QString name;               // the driver: hwmonN/name, trimmed
        QList<Sensor> temperatures; // by K
    };
    struct Zone {
        QString type;     // thermal_zoneN/type, trimmed
        QString tempPath; // thermal_zoneN/temp
    };
    QList<Chip> chips; // by N
    QList<Zone> zones; // by N
};

// Caps on what a scan takes in, whatever the tree holds.
constexpr int MaxHwmonChips = 256;
constexpr int MaxSensorsPerChip = 64;
constexpr int MaxThermalZones = 256;

// Lists the hwmon chips under sysClass/hwmon (a chip's files may sit in its
// `device` subdirectory, as on older kernels) and the thermal zones under
// sysClass/thermal, reading names, labels and types (at most 256 bytes
// each) but no temperature. A chip without a name is left out. A missing
// or unreadable tree gives an empty inventory.
SensorInventory scanSensors(const QString &sysClass);

// Pure: the inputs whose average is the CPU temperature, by the first rule
// that finds any:
// 1. hwmon `coretemp` (Intel): the inputs labelled "Package id 0" (older
//    kernels: "Physical id 0") and "Core N", over all coretemp chips (the
//    sensors upstream averages);
// 2. hwmon `k10temp` or `zenpower` (AMD): per chip the input labelled
//    "Tdie", else "Tctl", else its first one;
// 3. thermal zones of type `x86_pkg_temp`, `soc_thermal`/`soc-thermal`, or
//    with "cpu" in it (any case: `cpu-thermal` on a Raspberry Pi).
// Empty when none applies (motherboard, disk and NIC sensors never count).
QStringList cpuTemperatureInputs(const SensorInventory &inventory);

// Pure: a sysfs temperature ("45000\n", an integer in millidegrees Celsius)
// in degrees Celsius. nullopt when it is not one (blanks around it aside:
// an optional minus and decimal digits, at most 16 bytes) or lies outside
// -273.15..200 °C, which only a broken sensor reports.
std::optional<double> parseMillidegrees(QByteArrayView text);

// What the metrics sampler asks every sample: the average of the chosen
// inputs' valid readings, nullopt when there is none. Scans at the first
// read, and again (at most once a minute) while nothing can be read.
class CpuThermometer {
public:
    explicit CpuThermometer(QString sysClass = QStringLiteral("/sys/class"));
    std::optional<double> read();

private:
    QString m_sysClass;
    QStringList m_inputs;
    QElapsedTimer m_lastScan;
};

} // namespace mist::metrics
