// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "CgroupParsers.h"
#include "CgroupReader.h"

#include <QByteArrayView>

#include <optional>

// One container's figures for a second, from two readings of its counters, whichever way they
// were read: from its cgroup (CgroupReader, on the engine's host) or from the engine's stats API
// (parseEngineStats, for an engine elsewhere). Pure functions; docs/APP-STATS.md.
namespace mist::metrics {

struct ContainerReading {
    qint64 atNs = 0; // when the counters were read (any one clock for both readings)
    CgroupCounters counters;
    std::optional<NetBytes> network; // nullopt: the container has no network of its own
};

struct ContainerFigures {
    std::optional<double> cpuPercent; // of one core; nullopt for the first second or a reset
    quint64 memoryUsed = 0;           // usage minus inactive file cache
    quint64 memoryLimit = 0;          // its limit, or the host's memory when it has none
    double memoryPercent = 0;
    std::optional<NetBytes> network;
    std::optional<double> rxRate, txRate; // bytes/s
    IoBytes io;
    std::optional<double> readRate, writeRate; // bytes/s
    quint64 pids = 0;
};

// The figures at `now`, with rates over the time since `previous` (none without one, or when a
// counter went backwards: the container restarted). hostMemoryBytes stands for the limit of a
// container without one, as in docker stats.
ContainerFigures containerFigures(const std::optional<ContainerReading> &previous,
                                  const ContainerReading &now, quint64 hostMemoryBytes);

// The engine's answer to GET /containers/{id}/stats (one sample): the counters it holds and
// its "read" time. nullopt when it is not such an answer (not JSON, no cpu_stats or
// memory_stats, a counter that is not a non-negative integer).
std::optional<ContainerReading> parseEngineStats(QByteArrayView json);

} // namespace mist::metrics
