// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

// Pure parsers for the Linux /proc files the metrics sampler reads. They take
// the bytes of the file and never touch the file system, so they can be proven
// on fixtures from machines the tests never run on; reading /proc stays with
// the caller.
namespace mist::metrics {

// Cumulative jiffies from the aggregate "cpu " line of /proc/stat.
struct CpuTicks {
    quint64 user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;

    // user+nice+system+irq+softirq+steal. The kernel already counts guest time
    // inside user/nice, so adding the guest columns would count it twice.
    quint64 busy() const;
    // busy + idle + iowait.
    quint64 total() const;
};

// Parses the aggregate "cpu " line of /proc/stat. nullopt when missing/malformed
// (fewer than 4 numbers, non-numeric, overflow). Columns the kernel does not
// report (pre-2.6 kernels stop after idle) stay 0; columns after steal (guest,
// guest_nice and any future ones) must be numbers but are ignored. A line whose
// total() would overflow is malformed too, so busy()/total() of a parsed value
// never wrap.
std::optional<CpuTicks> parseProcStatCpu(QByteArrayView procStat);

// Number of "cpuN" lines in /proc/stat (online CPUs); 0 when none.
int parseProcStatCpuCount(QByteArrayView procStat);

struct MemInfo {
    quint64 totalBytes = 0;
    quint64 availableBytes = 0;

    // total - available, never negative.
    quint64 usedBytes() const;
};

// Parses /proc/meminfo (values in kB -> bytes). Needs MemTotal; MemAvailable,
// and when absent (old kernels, < 3.14) falls back to MemFree+Buffers+Cached.
// nullopt when MemTotal missing/malformed, or when neither MemAvailable nor
// MemFree is usable (there is nothing to say about free memory then). A value
// must be a decimal number followed by "kB"; a malformed line counts as absent.
// availableBytes is capped at totalBytes.
std::optional<MemInfo> parseMemInfo(QByteArrayView meminfo);

// Turns successive tick samples into a usage percent (0..100) of all cores over
// the interval, like KDE ksystemstats' UsageComputer: keeps the previous sample;
// a counter that went backwards contributes 0 to the delta; first sample or
// zero total delta -> 0.0. Result clamped to [0,100].
class CpuUsageComputer {
public:
    double update(const CpuTicks &now);
    void reset();

private:
    std::optional<CpuTicks> m_previous;
};

// Rounds to one decimal place (used for every percent in the metrics message).
// Halves round away from zero; -0.0 becomes 0.0 so JSON never shows "-0";
// NaN and infinities are returned unchanged.
double roundToOneDecimal(double v);

} // namespace mist::metrics
