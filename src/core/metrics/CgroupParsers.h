// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArrayView>
#include <QHash>
#include <QString>
#include <QtGlobal>

#include <optional>

// Pure parsers for what a container's cgroup and network namespace say about its resource use
// (issue #18, docs/APP-STATS.md): cgroup v1 (one hierarchy per controller, e.g.
// /sys/fs/cgroup/memory/docker/<id>) and v2 (one unified hierarchy), /proc/<pid>/cgroup,
// /proc/self/mountinfo and /proc/<pid>/net/dev. Like ProcParsers.h they take the bytes of a
// file and never touch the file system; reading stays with CgroupReader.h. Every number is a
// cumulative counter or a gauge as the kernel keeps it; rates come from cgroupRate().
namespace mist::metrics {

// One unsigned decimal number, optionally followed by a newline: cpuacct.usage,
// memory.usage_in_bytes, memory.current, pids.current. nullopt when empty, signed, not a
// number, followed by anything else, or beyond 64 bits.
std::optional<quint64> parseCgroupNumber(QByteArrayView file);

// A memory limit: memory.max (v2: a number or "max") or memory.limit_in_bytes (v1: a number,
// where "no limit" is the page counter's maximum, 0x7FFFFFFFFFFFF000 on 4 KiB pages, so any
// value from 2^62 on means no limit). unlimited is true for "max" and those values.
struct MemoryLimit {
    bool unlimited = true;
    quint64 bytes = 0; // when !unlimited
};
std::optional<MemoryLimit> parseMemoryLimit(QByteArrayView file);

// The value of `key` in a flat keyed file ("key value" per line): memory.stat, cpu.stat.
// nullopt when the key is missing or its value is not a number; other lines may be anything.
std::optional<quint64> parseKeyedValue(QByteArrayView file, QByteArrayView key);

struct IoBytes {
    quint64 read = 0;
    quint64 written = 0;
};

// blkio.throttle.io_service_bytes (v1): "MAJ:MIN Read|Write|Sync|Async|Discard|Total N" per
// device plus a last "Total N"; Read and Write are summed over the devices, as docker stats
// does. A file with only "Total 0" (no I/O yet) is {0, 0}. nullopt when a line is malformed.
std::optional<IoBytes> parseBlkioServiceBytes(QByteArrayView file);

// io.stat (v2): "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device; rbytes
// and wbytes are summed. Keys it does not know are skipped (the kernel adds some). An empty
// file is {0, 0}. nullopt when a line is malformed.
std::optional<IoBytes> parseIoStat(QByteArrayView file);

struct NetBytes {
    quint64 received = 0;
    quint64 sent = 0;
};

// /proc/<pid>/net/dev of a container's process: received and transmitted bytes summed over
// its interfaces except loopback (traffic inside the container is not the container's
// network use; docker stats leaves it out too). nullopt without the two header lines or when
// an interface line is malformed.
std::optional<NetBytes> parseNetDev(QByteArrayView file);

// /proc/<pid>/cgroup: "ID:CONTROLLERS:PATH" per line. v1 lines name their controllers
// ("4:memory:/docker/<id>", "2:cpu,cpuacct:/..."); the v2 line is "0::PATH". Named
// hierarchies ("name=systemd") are kept under their name.
struct CgroupMembership {
    QHash<QString, QString> v1; // controller -> path inside its hierarchy
    std::optional<QString> unified;
};
std::optional<CgroupMembership> parseProcCgroup(QByteArrayView file);

// Where the cgroup hierarchies are mounted, from /proc/self/mountinfo: a v1 mount's super
// options name its controllers ("rw,cpu,cpuacct"); the one cgroup2 mount is the unified
// hierarchy. root is the mount's root inside its hierarchy ("/" on a host; deeper inside a
// container that sees only its own part).
struct CgroupMount {
    QString mountPoint;
    QString root;
};
struct CgroupMounts {
    QHash<QString, CgroupMount> v1; // controller -> its mount
    std::optional<CgroupMount> unified;
};
CgroupMounts parseCgroupMounts(QByteArrayView mountinfo);

// The directories to read one process's counters from. v2 when the unified hierarchy carries
// the memory controller (no v1 memory mount), else v1 with one directory per controller.
struct CgroupLocation {
    enum class Version { V1, V2 } version = Version::V2;
    QString cpu;    // v1: cpuacct.usage; v2: cpu.stat
    QString memory; // v1: memory.usage_in_bytes, memory.limit_in_bytes, memory.stat; v2: memory.*
    QString io;     // v1: blkio.throttle.io_service_bytes; v2: io.stat
    QString pids;   // pids.current
};
// nullopt when the process's cgroup for a needed controller is not under any mount (e.g. a
// process in another cgroup namespace) or a path tries to climb out of its mount ("..").
std::optional<CgroupLocation> locateCgroup(const CgroupMembership &membership,
                                           const CgroupMounts &mounts);

// A counter's change per second between two readings elapsedNs apart. nullopt for the first
// reading, for a non-positive interval, and when the counter went backwards (the container
// restarted and its counters began again): no rate is better than a negative or huge one.
std::optional<double> cgroupRate(std::optional<quint64> previous, quint64 current,
                                 qint64 elapsedNs);

// CPU use in percent of one core, as docker stats shows it, from cumulative CPU nanoseconds.
std::optional<double> cpuPercentOfOneCore(std::optional<quint64> previousNs, quint64 currentNs,
                                          qint64 elapsedNs);

// Memory in use as docker stats counts it: usage minus the inactive file cache (v1:
// total_inactive_file, v2: inactive_file); usage itself when the cache reads as large as the
// usage (the two files are not read at one instant), as the docker CLI does.
quint64 memoryInUse(quint64 usage, quint64 inactiveFile);

} // namespace mist::metrics
