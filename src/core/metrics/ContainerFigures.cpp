// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerFigures.h"

#include "protocol/Parsing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace mist::metrics {

namespace {

// A JSON counter: an integral, non-negative number that a double holds exactly (below 2^53,
// which is what the engine's JSON can carry without loss anyway).
std::optional<quint64> counter(const QJsonValue &v) {
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!(d >= 0) || d >= 9007199254740992.0 || std::floor(d) != d)
        return std::nullopt;
    return quint64(d);
}

std::optional<double> rate(std::optional<quint64> before, std::optional<quint64> now,
                           qint64 elapsedNs) {
    if (!now)
        return std::nullopt;
    return cgroupRate(before, *now, elapsedNs);
}

} // namespace

ContainerFigures containerFigures(const std::optional<ContainerReading> &previous,
                                  const ContainerReading &now, quint64 hostMemoryBytes) {
    const CgroupCounters &c = now.counters;
    const qint64 elapsed = previous ? now.atNs - previous->atNs : 0;
    auto before = [&](auto field) -> std::optional<quint64> {
        return previous ? std::optional<quint64>(field(*previous)) : std::nullopt;
    };
    ContainerFigures f;
    f.cpuPercent = cpuPercentOfOneCore(
        before([](const ContainerReading &r) { return r.counters.cpuNs; }), c.cpuNs, elapsed);
    f.memoryUsed = memoryInUse(c.memoryUsage, c.memoryInactiveFile);
    f.memoryLimit = c.memoryLimit.unlimited ? hostMemoryBytes : c.memoryLimit.bytes;
    f.memoryPercent = f.memoryLimit > 0 ? double(f.memoryUsed) * 100.0 / double(f.memoryLimit) : 0;
    f.io = c.io;
    f.readRate = rate(before([](const ContainerReading &r) { return r.counters.io.read; }),
                      c.io.read, elapsed);
    f.writeRate = rate(before([](const ContainerReading &r) { return r.counters.io.written; }),
                       c.io.written, elapsed);
    f.network = now.network;
    if (now.network && previous && previous->network) {
        f.rxRate = cgroupRate(previous->network->received, now.network->received, elapsed);
        f.txRate = cgroupRate(previous->network->sent, now.network->sent, elapsed);
    }
    f.pids = c.pids;
    return f;
}

std::optional<ContainerReading> parseEngineStats(QByteArrayView json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    const QJsonObject cpu = o.value(QLatin1String("cpu_stats")).toObject();
    const QJsonObject memory = o.value(QLatin1String("memory_stats")).toObject();
    const std::optional<qint64> at =
        protocol::parseEngineTimestampNs(o.value(QLatin1String("read")).toString());
    const std::optional<quint64> cpuNs = counter(
        cpu.value(QLatin1String("cpu_usage")).toObject().value(QLatin1String("total_usage")));
    const std::optional<quint64> usage = counter(memory.value(QLatin1String("usage")));
    const std::optional<quint64> limit = counter(memory.value(QLatin1String("limit")));
    if (!at || !cpuNs || !usage || !limit)
        return std::nullopt;
    ContainerReading r;
    r.atNs = *at;
    r.counters.cpuNs = *cpuNs;
    r.counters.memoryUsage = *usage;
    // The engine reports "no limit" as the host's memory; a v1 "no limit" value as itself.
    r.counters.memoryLimit =
        *limit >= (quint64(1) << 62) ? MemoryLimit{} : MemoryLimit{false, *limit};
    // As the docker CLI: v1 total_inactive_file, else v2 inactive_file.
    const QJsonObject stats = memory.value(QLatin1String("stats")).toObject();
    const QJsonValue inactive = stats.contains(QLatin1String("total_inactive_file"))
                                    ? stats.value(QLatin1String("total_inactive_file"))
                                    : stats.value(QLatin1String("inactive_file"));
    r.counters.memoryInactiveFile = counter(inactive).value_or(0);
    r.counters.version = stats.contains(QLatin1String("total_inactive_file"))
                             ? CgroupLocation::Version::V1
                             : CgroupLocation::Version::V2;
    const QJsonArray io = o.value(QLatin1String("blkio_stats"))
                              .toObject()
                              .value(QLatin1String("io_service_bytes_recursive"))
                              .toArray();
    for (const QJsonValue &entry : io) {
        const QString op = entry.toObject().value(QLatin1String("op")).toString().toLower();
        const std::optional<quint64> value =
            counter(entry.toObject().value(QLatin1String("value")));
        if (!value)
            return std::nullopt;
        if (op == QLatin1String("read"))
            r.counters.io.read += *value;
        else if (op == QLatin1String("write"))
            r.counters.io.written += *value;
    }
    r.counters.pids =
        counter(o.value(QLatin1String("pids_stats")).toObject().value(QLatin1String("current")))
            .value_or(0);
    const QJsonObject networks = o.value(QLatin1String("networks")).toObject();
    if (!networks.isEmpty()) {
        NetBytes net;
        for (auto it = networks.begin(); it != networks.end(); ++it) {
            const std::optional<quint64> rx =
                counter(it.value().toObject().value(QLatin1String("rx_bytes")));
            const std::optional<quint64> tx =
                counter(it.value().toObject().value(QLatin1String("tx_bytes")));
            if (!rx || !tx)
                return std::nullopt;
            net.received += *rx;
            net.sent += *tx;
        }
        r.network = net;
    }
    return r;
}

} // namespace mist::metrics
