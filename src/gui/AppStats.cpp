// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppStats.h"

#include "MetricsView.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>

#include <cmath>

namespace mist::gui {

namespace {
double number(const QJsonObject &o, const char *group, const char *field) {
    const QJsonValue v = o.value(QLatin1String(group)).toObject().value(QLatin1String(field));
    if (!v.isDouble())
        return 0;
    const double d = v.toDouble();
    return std::isfinite(d) && d > 0 ? d : 0;
}

qint64 count(const QJsonValue &v) {
    const double d = v.toDouble(0);
    return std::isfinite(d) && d > 0 && d < 9e15 ? qint64(d) : 0;
}
} // namespace

std::optional<AppStats> parseAppStats(const QJsonValue &entry) {
    if (!entry.isObject())
        return std::nullopt;
    const QJsonObject o = entry.toObject();
    const QJsonValue id = o.value(QStringLiteral("appId"));
    const double d = id.toDouble(-1);
    if (!id.isDouble() || !std::isfinite(d) || d < 1 || d > 9e15 || d != std::floor(d))
        return std::nullopt;
    AppStats s;
    s.appId = qint64(d);
    s.name = o.value(QStringLiteral("name")).toString();
    s.project = o.value(QStringLiteral("project")).toString();
    s.state = o.value(QStringLiteral("state")).toString();
    const QJsonValue cpu =
        o.value(QStringLiteral("cpu")).toObject().value(QStringLiteral("percent"));
    s.live = cpu.isDouble() && std::isfinite(cpu.toDouble());
    s.cpuPercent = number(o, "cpu", "percent");
    s.memoryUsed = number(o, "memory", "used");
    s.memoryLimit = number(o, "memory", "limit");
    s.rxRate = number(o, "network", "rxRate");
    s.txRate = number(o, "network", "txRate");
    s.readRate = number(o, "blockio", "readRate");
    s.writeRate = number(o, "blockio", "writeRate");
    s.pids = count(o.value(QStringLiteral("pids")));
    s.restarts = count(o.value(QStringLiteral("restarts")));
    return s;
}

std::optional<QList<AppStats>> parseAppStatsMessage(const QJsonObject &message) {
    if (message.value(QStringLiteral("type")).toString() != u"stats")
        return std::nullopt;
    const QJsonValue apps =
        message.value(QStringLiteral("data")).toObject().value(QStringLiteral("apps"));
    if (!apps.isArray())
        return std::nullopt;
    QList<AppStats> out;
    const QJsonArray array = apps.toArray();
    for (int i = 0; i < array.size() && i < MaxApps; ++i)
        if (const auto s = parseAppStats(array.at(i)))
            out.append(*s);
    return out;
}

QString formatRate(double bytesPerSecond) {
    return QCoreApplication::translate("mist::gui::AppStats", "%1/s")
        .arg(formatBytes(bytesPerSecond));
}

QString formatPercent(double percent) {
    return QCoreApplication::translate("mist::gui::AppStats", "%1 %")
        .arg(QLocale().toString(percent, 'f', 1));
}

} // namespace mist::gui
