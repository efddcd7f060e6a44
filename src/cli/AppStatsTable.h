// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QString>

namespace mist::cli {

// The aligned table of `mist-monitor stats` (pure): one row per app and
// second from a /ws/apps/stats app object, or per point of an app's history.
// Columns: TIME, then (live only) APP and STATE, then CPU, MEM (used/limit),
// NET RX/s, NET TX/s, BLK R/s, BLK W/s, PIDS, RESTARTS. A figure that is
// null or missing (no running container, a gap) shows as "-".
struct AppStatsTable {
    bool live = true;  // the APP and STATE columns
    int nameWidth = 4; // the APP column's width (at least "APP" + 1)

    QString header() const;
    // `time`: the sample's (live) or the point's timestamp.
    QString row(const QString &time, const QJsonObject &app) const;
};

// Bytes as "512 B", "1.5 KiB", "64.0 MiB", "1.9 GiB" (binary units, one
// decimal); "-" for a value that is not a number from 0 to 2^64.
QString humanBytes(const QJsonValue &bytes);

} // namespace mist::cli
