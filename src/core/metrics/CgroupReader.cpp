// SPDX-License-Identifier: GPL-3.0-or-later

#include "CgroupReader.h"

#include <QFile>

namespace mist::metrics {

namespace {

// cgroup and proc files are small; a file past this is not one of them.
constexpr qint64 MaxFileBytes = 1 << 20;

Expected<QByteArray> readSmallFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.read(MaxFileBytes + 1);
    if (bytes.size() > MaxFileBytes)
        return fail(QStringLiteral("%1: larger than %2 bytes").arg(path).arg(MaxFileBytes));
    return bytes;
}

template <typename T, typename Parse> Expected<T> parseFile(const QString &path, Parse parse) {
    const Expected<QByteArray> bytes = readSmallFile(path);
    if (!bytes)
        return fail(bytes.error());
    const std::optional<T> value = parse(*bytes);
    if (!value)
        return fail(QStringLiteral("%1: unexpected content").arg(path));
    return *value;
}

} // namespace

CgroupReader::CgroupReader(QString procRoot)
    : m_procRoot(std::move(procRoot)) {}

Expected<CgroupLocation> CgroupReader::locate(qint64 pid) const {
    const QString cgroupPath = QStringLiteral("%1/%2/cgroup").arg(m_procRoot).arg(pid);
    const Expected<CgroupMembership> membership =
        parseFile<CgroupMembership>(cgroupPath, parseProcCgroup);
    if (!membership)
        return fail(membership.error());
    const QString mountsPath = m_procRoot + QStringLiteral("/self/mountinfo");
    const Expected<QByteArray> mountinfo = readSmallFile(mountsPath);
    if (!mountinfo)
        return fail(mountinfo.error());
    const std::optional<CgroupLocation> location =
        locateCgroup(*membership, parseCgroupMounts(*mountinfo));
    if (!location)
        return fail(QStringLiteral("%1: no mounted cgroup hierarchy holds it").arg(cgroupPath));
    return *location;
}

Expected<CgroupCounters> CgroupReader::read(const CgroupLocation &location) const {
    const bool v1 = location.version == CgroupLocation::Version::V1;
    auto file = [](const QString &dir, const char *name) {
        return dir + QLatin1Char('/') + QLatin1String(name);
    };
    CgroupCounters c;
    c.version = location.version;
    const QString memoryStat = file(location.memory, "memory.stat");
    if (v1) {
        const auto cpu = parseFile<quint64>(file(location.cpu, "cpuacct.usage"), parseCgroupNumber);
        const auto usage =
            parseFile<quint64>(file(location.memory, "memory.usage_in_bytes"), parseCgroupNumber);
        const auto limit = parseFile<MemoryLimit>(file(location.memory, "memory.limit_in_bytes"),
                                                  parseMemoryLimit);
        const auto inactive = parseFile<quint64>(
            memoryStat, [](QByteArrayView f) { return parseKeyedValue(f, "total_inactive_file"); });
        const auto io = parseFile<IoBytes>(file(location.io, "blkio.throttle.io_service_bytes"),
                                           parseBlkioServiceBytes);
        for (const QString *error :
             {&cpu.error(), &usage.error(), &limit.error(), &inactive.error(), &io.error()})
            if (!error->isEmpty())
                return fail(*error);
        c.cpuNs = *cpu;
        c.memoryUsage = *usage;
        c.memoryLimit = *limit;
        c.memoryInactiveFile = *inactive;
        c.io = *io;
    } else {
        const auto cpuUsec =
            parseFile<quint64>(file(location.cpu, "cpu.stat"),
                               [](QByteArrayView f) { return parseKeyedValue(f, "usage_usec"); });
        const auto usage =
            parseFile<quint64>(file(location.memory, "memory.current"), parseCgroupNumber);
        const auto limit =
            parseFile<MemoryLimit>(file(location.memory, "memory.max"), parseMemoryLimit);
        const auto inactive = parseFile<quint64>(
            memoryStat, [](QByteArrayView f) { return parseKeyedValue(f, "inactive_file"); });
        // io.stat exists only where the io controller is enabled for the cgroup.
        const auto io = parseFile<IoBytes>(file(location.io, "io.stat"), parseIoStat);
        for (const QString *error :
             {&cpuUsec.error(), &usage.error(), &limit.error(), &inactive.error()})
            if (!error->isEmpty())
                return fail(*error);
        c.cpuNs = *cpuUsec * 1000;
        c.memoryUsage = *usage;
        c.memoryLimit = *limit;
        c.memoryInactiveFile = *inactive;
        c.io = io.value_or(IoBytes{});
    }
    const auto pids = parseFile<quint64>(file(location.pids, "pids.current"), parseCgroupNumber);
    if (!pids)
        return fail(pids.error());
    c.pids = *pids;
    return c;
}

Expected<NetBytes> CgroupReader::readNetwork(qint64 pid) const {
    return parseFile<NetBytes>(QStringLiteral("%1/%2/net/dev").arg(m_procRoot).arg(pid),
                               parseNetDev);
}

} // namespace mist::metrics
