// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppStatsTable.h"

#include <QJsonValue>
#include <QStringList>

#include <cmath>

namespace mist::cli {

namespace {

constexpr int TimeWidth = 20; // "2026-12-05T10:00:00Z"
constexpr int StateWidth = 10;
constexpr int CpuWidth = 8;
constexpr int MemWidth = 21; // "1023.9 MiB/1023.9 GiB"
constexpr int RateWidth = 12;
constexpr int PidsWidth = 6;

QString cell(const QString &text, int width, bool right) {
    return right ? text.rightJustified(width) : text.leftJustified(width);
}

QString percentText(const QJsonValue &value) {
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return QStringLiteral("-");
    return QString::number(value.toDouble(), 'f', 1) + u'%';
}

QString rateText(const QJsonValue &value) {
    const QString bytes = humanBytes(value);
    return bytes == u"-" ? bytes : bytes + QStringLiteral("/s");
}

QString countText(const QJsonValue &value) {
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return QStringLiteral("-");
    return QString::number(qint64(std::llround(value.toDouble())));
}

QString memoryText(const QJsonObject &memory) {
    const QString used = humanBytes(memory.value(QStringLiteral("used")));
    if (used == u"-")
        return used;
    const QString limit = humanBytes(memory.value(QStringLiteral("limit")));
    return limit == u"-" ? used : used + u'/' + limit;
}

} // namespace

QString humanBytes(const QJsonValue &bytes) {
    if (!bytes.isDouble())
        return QStringLiteral("-");
    double value = bytes.toDouble();
    // Past 2^64 nothing is counting bytes: a broken or hostile figure.
    if (!std::isfinite(value) || value < 0 || value >= 18446744073709551616.0)
        return QStringLiteral("-");
    if (value < 1024)
        return QString::number(qint64(std::llround(value))) + QStringLiteral(" B");
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = -1;
    while (value >= 1024 && unit < 5) {
        value /= 1024;
        ++unit;
    }
    return QString::number(value, 'f', 1) + u' ' + QLatin1String(units[unit]);
}

QString AppStatsTable::header() const {
    QStringList cells{cell(QStringLiteral("TIME"), TimeWidth, false)};
    if (live)
        cells << cell(QStringLiteral("APP"), nameWidth, false)
              << cell(QStringLiteral("STATE"), StateWidth, false);
    cells << cell(QStringLiteral("CPU"), CpuWidth, true)
          << cell(QStringLiteral("MEM"), MemWidth, true)
          << cell(QStringLiteral("NET RX/s"), RateWidth, true)
          << cell(QStringLiteral("NET TX/s"), RateWidth, true)
          << cell(QStringLiteral("BLK R/s"), RateWidth, true)
          << cell(QStringLiteral("BLK W/s"), RateWidth, true)
          << cell(QStringLiteral("PIDS"), PidsWidth, true) << QStringLiteral("RESTARTS");
    return cells.join(u' ');
}

QString AppStatsTable::row(const QString &time, const QJsonObject &app) const {
    QStringList cells{cell(time, TimeWidth, false)};
    if (live) {
        const QString state = app.value(QStringLiteral("state")).toString();
        cells << cell(app.value(QStringLiteral("name")).toString(), nameWidth, false)
              << cell(state.isEmpty() ? QStringLiteral("-") : state, StateWidth, false);
    }
    const QJsonObject network = app.value(QStringLiteral("network")).toObject();
    const QJsonObject blockio = app.value(QStringLiteral("blockio")).toObject();
    cells << cell(percentText(app.value(QStringLiteral("cpu"))[u"percent"]), CpuWidth, true)
          << cell(memoryText(app.value(QStringLiteral("memory")).toObject()), MemWidth, true)
          << cell(rateText(network.value(QStringLiteral("rxRate"))), RateWidth, true)
          << cell(rateText(network.value(QStringLiteral("txRate"))), RateWidth, true)
          << cell(rateText(blockio.value(QStringLiteral("readRate"))), RateWidth, true)
          << cell(rateText(blockio.value(QStringLiteral("writeRate"))), RateWidth, true)
          << cell(countText(app.value(QStringLiteral("pids"))), PidsWidth, true)
          << cell(countText(app.value(QStringLiteral("restarts"))), 8, true);
    return cells.join(u' ');
}

} // namespace mist::cli
