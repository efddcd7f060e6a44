// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mist::gui {

// One app's figures from a /ws/apps/stats message (docs/APP-STATS.md, "/ws/apps/stats"):
// `live` is false while it has no running container (the figures are null then; state and
// restart count are still known).
struct AppStats {
    qint64 appId = 0;
    QString name;
    QString project;
    QString state;
    bool live = false;
    double cpuPercent = 0;
    double memoryUsed = 0;
    double memoryLimit = 0;
    double rxRate = 0; // bytes/s
    double txRate = 0;
    double readRate = 0;
    double writeRate = 0;
    qint64 pids = 0;
    qint64 restarts = 0;
};

// One entry of the message's `data.apps`; nullopt when it is no object or has no positive
// integral `appId`. A figure that is missing, negative or not finite counts as 0; without a
// `cpu.percent` number the app is not live.
std::optional<AppStats> parseAppStats(const QJsonValue &entry);
// Every well-formed entry of a `type: "stats"` message (nullopt: another type or no apps
// array). At most MaxApps entries are read.
std::optional<QList<AppStats>> parseAppStatsMessage(const QJsonObject &message);
constexpr int MaxApps = 10000;

// "12.0 KiB/s" (bytes as MetricsView.h's formatBytes() writes them)
QString formatRate(double bytesPerSecond);
// "12.3 %"
QString formatPercent(double percent);

} // namespace mist::gui
