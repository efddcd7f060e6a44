// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "CgroupParsers.h"
#include "base/Expected.h"

#include <QString>

// Reads one container's counters from its cgroup and network namespace, through the parsers of
// CgroupParsers.h. This is how the server measures a container when it shares the engine's host
// (a unix socket): no engine call, no stats stream. Blocking file reads of a few hundred bytes
// each; the caller decides which thread.
namespace mist::metrics {

struct CgroupCounters {
    CgroupLocation::Version version = CgroupLocation::Version::V2;
    quint64 cpuNs = 0; // cumulative CPU time of the cgroup
    quint64 memoryUsage = 0;
    quint64 memoryInactiveFile = 0;
    MemoryLimit memoryLimit;
    IoBytes io;
    quint64 pids = 0;
};

// procRoot is /proc on a real host; tests may point it and sysRoot at a copy.
class CgroupReader {
public:
    explicit CgroupReader(QString procRoot = QStringLiteral("/proc"));

    // Where the cgroup of process `pid` is (from /proc/<pid>/cgroup and the mounts this process
    // sees). A failure names the file and what was wrong with it.
    Expected<CgroupLocation> locate(qint64 pid) const;

    // The counters under `location`. A failure names the file: a container that stopped between
    // the list and the read has no cgroup directory any more.
    Expected<CgroupCounters> read(const CgroupLocation &location) const;

    // Received and sent bytes of the network namespace process `pid` is in.
    Expected<NetBytes> readNetwork(qint64 pid) const;

private:
    QString m_procRoot;
};

} // namespace mist::metrics
