// SPDX-License-Identifier: GPL-3.0-or-later

#include "Thermal.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace mist::metrics {

namespace {

constexpr qint64 MaxTextBytes = 256;
constexpr qint64 MaxReadingBytes = 16;
constexpr qint64 RescanMs = 60 * 1000;

// A small sysfs file, or nothing when it cannot be read; `cap` bounds what a
// file that is not what sysfs would hold (a fixture, a bind mount) costs.
std::optional<QByteArray> readSmall(const QString &path, qint64 cap) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray bytes = f.read(cap + 1);
    if (bytes.size() > cap)
        return std::nullopt;
    return bytes;
}

QString readText(const QString &path) {
    return QString::fromUtf8(readSmall(path, MaxTextBytes).value_or(QByteArray())).trimmed();
}

// Entries `prefix`N of `dir`, by N.
QList<std::pair<int, QString>> numberedEntries(const QString &dir, const QString &prefix, int cap) {
    QList<std::pair<int, QString>> out;
    const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        QRegularExpression::escape(prefix) + QStringLiteral("([0-9]{1,6})")));
    const QStringList names =
        QDir(dir).entryList({prefix + u'*'}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Unsorted);
    for (const QString &name : names) {
        const QRegularExpressionMatch m = pattern.match(name);
        if (m.hasMatch())
            out.append({m.captured(1).toInt(), QDir(dir).filePath(name)});
    }
    std::sort(out.begin(), out.end());
    if (out.size() > cap)
        out.resize(cap);
    return out;
}

std::optional<SensorInventory::Chip> scanChip(const QString &hwmonDir) {
    // Older kernels keep a chip's files in its `device` directory.
    QString dir = hwmonDir;
    QString name = readText(QDir(dir).filePath(QStringLiteral("name")));
    if (name.isEmpty()) {
        dir = QDir(hwmonDir).filePath(QStringLiteral("device"));
        name = readText(QDir(dir).filePath(QStringLiteral("name")));
    }
    if (name.isEmpty())
        return std::nullopt;
    SensorInventory::Chip chip{name, {}};
    static const QRegularExpression input(QStringLiteral("^temp([0-9]{1,6})_input$"));
    QList<std::pair<int, QString>> inputs;
    const QStringList files =
        QDir(dir).entryList({QStringLiteral("temp*_input")}, QDir::Files, QDir::Unsorted);
    for (const QString &file : files) {
        const QRegularExpressionMatch m = input.match(file);
        if (m.hasMatch())
            inputs.append({m.captured(1).toInt(), m.captured(1)});
    }
    std::sort(inputs.begin(), inputs.end());
    if (inputs.size() > MaxSensorsPerChip)
        inputs.resize(MaxSensorsPerChip);
    for (const auto &[index, number] : std::as_const(inputs)) {
        Q_UNUSED(index)
        const QString base = QDir(dir).filePath(QStringLiteral("temp") + number);
        chip.temperatures.append(
            {base + QStringLiteral("_input"), readText(base + QStringLiteral("_label"))});
    }
    return chip;
}

} // namespace

SensorInventory scanSensors(const QString &sysClass) {
    SensorInventory inventory;
    const QString hwmon = QDir(sysClass).filePath(QStringLiteral("hwmon"));
    for (const auto &[n, dir] : numberedEntries(hwmon, QStringLiteral("hwmon"), MaxHwmonChips)) {
        Q_UNUSED(n)
        if (auto chip = scanChip(dir))
            inventory.chips.append(std::move(*chip));
    }
    const QString thermal = QDir(sysClass).filePath(QStringLiteral("thermal"));
    for (const auto &[n, dir] :
         numberedEntries(thermal, QStringLiteral("thermal_zone"), MaxThermalZones)) {
        Q_UNUSED(n)
        const QString type = readText(QDir(dir).filePath(QStringLiteral("type")));
        if (!type.isEmpty())
            inventory.zones.append({type, QDir(dir).filePath(QStringLiteral("temp"))});
    }
    return inventory;
}

QStringList cpuTemperatureInputs(const SensorInventory &inventory) {
    QStringList out;
    for (const SensorInventory::Chip &chip : inventory.chips) {
        if (chip.name != u"coretemp")
            continue;
        for (const SensorInventory::Sensor &s : chip.temperatures)
            if (s.label == u"Package id 0" || s.label == u"Physical id 0" ||
                s.label.startsWith(QLatin1String("Core ")))
                out << s.inputPath;
    }
    if (!out.isEmpty())
        return out;

    for (const SensorInventory::Chip &chip : inventory.chips) {
        if ((chip.name != u"k10temp" && chip.name != u"zenpower") || chip.temperatures.isEmpty())
            continue;
        const auto labelled = [&chip](const char *label) -> const SensorInventory::Sensor * {
            for (const SensorInventory::Sensor &s : chip.temperatures)
                if (s.label == QLatin1String(label))
                    return &s;
            return nullptr;
        };
        // Tctl is the control value, which carries an offset on some
        // models; Tdie, where there is one, is the die's own temperature.
        const SensorInventory::Sensor *s = labelled("Tdie");
        if (!s)
            s = labelled("Tctl");
        out << (s ? s->inputPath : chip.temperatures.first().inputPath);
    }
    if (!out.isEmpty())
        return out;

    for (const SensorInventory::Zone &zone : inventory.zones)
        if (zone.type == u"x86_pkg_temp" || zone.type == u"soc_thermal" ||
            zone.type == u"soc-thermal" || zone.type.contains(u"cpu", Qt::CaseInsensitive))
            out << zone.tempPath;
    return out;
}

std::optional<double> parseMillidegrees(QByteArrayView text) {
    const QByteArrayView t = text.trimmed();
    if (t.isEmpty() || t.size() > MaxReadingBytes)
        return std::nullopt;
    const QByteArrayView digits = t.front() == '-' ? t.sliced(1) : t;
    if (digits.isEmpty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    bool ok = false;
    const qlonglong milli = t.toLongLong(&ok); // 16 bytes cannot overflow, but say so
    if (!ok || milli < -273150 || milli > 200000)
        return std::nullopt;
    return double(milli) / 1000.0;
}

CpuThermometer::CpuThermometer(QString sysClass)
    : m_sysClass(std::move(sysClass)) {}

std::optional<double> CpuThermometer::read() {
    const auto average = [this]() -> std::optional<double> {
        double sum = 0;
        int count = 0;
        for (const QString &path : std::as_const(m_inputs)) {
            const auto bytes = readSmall(path, MaxReadingBytes + 8);
            if (const auto celsius = bytes ? parseMillidegrees(*bytes) : std::nullopt) {
                sum += *celsius;
                ++count;
            }
        }
        return count > 0 ? std::optional<double>(sum / count) : std::nullopt;
    };
    if (m_lastScan.isValid()) {
        if (const auto t = average())
            return t;
        if (m_lastScan.elapsed() < RescanMs)
            return std::nullopt;
    }
    m_lastScan.start();
    m_inputs = cpuTemperatureInputs(scanSensors(m_sysClass));
    return average();
}

} // namespace mist::metrics
