// SPDX-License-Identifier: GPL-3.0-or-later

// Upstream's per-container stats socket (/api/ws/container/stats?appId=)
// both ways: this server's /ws/apps/stats app object in upstream's `stats`
// data, and upstream's data as the figures of such an object.

#include "UpstreamDialect.h"

#include <QJsonValue>

#include <cmath>

namespace mist::protocol::upstream {

namespace {

constexpr double Mebibyte = 1024.0 * 1024.0;

double number(const QJsonObject &o, const char *group, const char *field) {
    const QJsonValue v = o.value(QLatin1String(group)).toObject().value(QLatin1String(field));
    return v.isDouble() && std::isfinite(v.toDouble()) ? v.toDouble() : 0.0;
}

// The fields of upstream's data in the order they are checked, with where
// each goes in the published object and whether it is in MiB.
struct Field {
    const char *upstream;
    const char *group; // nullptr: a top-level field
    const char *field;
    bool mebibytes;
};
constexpr Field Fields[] = {
    {"cpu_percent", "cpu", "percent", false},
    {"memory_used_mb", "memory", "used", true},
    {"memory_limit_mb", "memory", "limit", true},
    {"memory_percent", "memory", "percent", false},
    {"network_rx_mb", "network", "rxBytes", true},
    {"network_tx_mb", "network", "txBytes", true},
    {"block_read_mb", "blockio", "readBytes", true},
    {"block_write_mb", "blockio", "writeBytes", true},
    {"pids", nullptr, "pids", false},
};

// Largest byte count kept exact in a JSON number (2^53).
constexpr double MaxExact = 9007199254740992.0;

QJsonValue rate(const QJsonObject &now, const QJsonObject &previous, const char *group,
                const char *field, double seconds) {
    const QJsonValue before =
        previous.value(QLatin1String(group)).toObject().value(QLatin1String(field));
    const double after = number(now, group, field);
    if (!before.isDouble() || !(seconds > 0) || after < before.toDouble())
        return QJsonValue::Null;
    return std::round((after - before.toDouble()) / seconds);
}

} // namespace

QJsonObject containerStatsToUpstream(const QJsonObject &app) {
    QJsonObject out;
    for (const Field &f : Fields) {
        const double v =
            f.group ? number(app, f.group, f.field) : app.value(QLatin1String(f.field)).toDouble(0);
        out.insert(QLatin1String(f.upstream), f.mebibytes ? v / Mebibyte : v);
    }
    return out;
}

Expected<QJsonObject> containerStatsFromUpstream(const QJsonObject &data,
                                                 const QJsonObject &previous, double seconds) {
    QJsonObject groups[4]; // cpu, memory, network, blockio
    const char *names[4] = {"cpu", "memory", "network", "blockio"};
    QJsonObject out;
    for (const Field &f : Fields) {
        const QJsonValue v = data.value(QLatin1String(f.upstream));
        const double x = v.toDouble(-1);
        const double value = f.mebibytes ? std::round(x * Mebibyte) : x;
        if (!v.isDouble() || !std::isfinite(x) || x < 0 || value > MaxExact)
            return fail(QStringLiteral("Invalid upstream container stats: %1")
                            .arg(QLatin1String(f.upstream)));
        if (!f.group) {
            out.insert(QLatin1String(f.field), std::round(value));
            continue;
        }
        for (int g = 0; g < 4; ++g)
            if (qstrcmp(names[g], f.group) == 0)
                groups[g].insert(QLatin1String(f.field), value);
    }
    for (int g = 0; g < 4; ++g)
        out.insert(QLatin1String(names[g]), groups[g]);
    QJsonObject network = out.value(QStringLiteral("network")).toObject();
    network.insert(QStringLiteral("rxRate"), rate(out, previous, "network", "rxBytes", seconds));
    network.insert(QStringLiteral("txRate"), rate(out, previous, "network", "txBytes", seconds));
    out.insert(QStringLiteral("network"), network);
    QJsonObject blockio = out.value(QStringLiteral("blockio")).toObject();
    blockio.insert(QStringLiteral("readRate"),
                   rate(out, previous, "blockio", "readBytes", seconds));
    blockio.insert(QStringLiteral("writeRate"),
                   rate(out, previous, "blockio", "writeBytes", seconds));
    out.insert(QStringLiteral("blockio"), blockio);
    return out;
}

} // namespace mist::protocol::upstream
