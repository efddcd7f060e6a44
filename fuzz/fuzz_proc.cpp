// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: the /proc parsers (metrics/ProcParsers.h) and the CPU usage computation.
//
// The input is a sequence of /proc files separated by NUL bytes (a NUL never appears in
// /proc/stat or /proc/meminfo). Every piece is parsed as /proc/stat and as /proc/meminfo, and
// the results are compared with a reference parse written from the header's contract
// (QByteArray::simplified/split and toULongLong instead of the parser's own token reader):
// - parseProcStatCpu: the first line whose first token is "cpu"; its columns all decimal, at
//   least 4, the first 8 kept, their sum without overflow; total() and busy() never wrap;
// - parseProcStatCpuCount: the number of lines whose first token is cpu<digits>;
// - parseMemInfo: the first well-formed "<number> kB" value of each key, MemAvailable or
//   MemFree+Buffers+Cached (saturating), capped at MemTotal; usedBytes() <= totalBytes;
// - CpuUsageComputer over the successive samples: 0 for the first, always finite and in
//   0..100, equal to the reference busy/total delta, 0 again after reset();
// - roundToOneDecimal of every percentage: within 0.05 of it, one decimal, never -0.

#include "FuzzSupport.h"

#include "metrics/ProcParsers.h"

#include <QList>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace mist;
using metrics::CpuTicks;
using mist::fuzz::show;

namespace {

bool allDigits(const QByteArray &token) {
    return !token.isEmpty() &&
           std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<quint64> decimal(const QByteArray &token) {
    if (!allDigits(token))
        return std::nullopt;
    bool ok = false;
    const quint64 v = token.toULongLong(&ok, 10);
    return ok ? std::optional<quint64>(v) : std::nullopt;
}

// Tokens of one line, split at the blanks the parser knows (' ', \t, \r, \v, \f).
QList<QByteArray> tokensOf(const QByteArray &line) {
    QList<QByteArray> tokens;
    for (const QByteArray &t : line.simplified().split(' ')) {
        if (!t.isEmpty())
            tokens.append(t);
    }
    return tokens;
}

std::optional<CpuTicks> referenceCpu(const QByteArray &text) {
    for (const QByteArray &line : text.split('\n')) {
        const QList<QByteArray> tokens = tokensOf(line);
        if (tokens.isEmpty() || tokens.front() != "cpu")
            continue;
        if (tokens.size() - 1 < 4)
            return std::nullopt;
        quint64 values[8] = {};
        unsigned __int128 sum = 0;
        for (qsizetype i = 1; i < tokens.size(); ++i) {
            const auto v = decimal(tokens[i]);
            if (!v)
                return std::nullopt;
            if (i - 1 < 8) {
                values[i - 1] = *v;
                sum += *v;
            }
        }
        if (sum > std::numeric_limits<quint64>::max())
            return std::nullopt;
        CpuTicks t;
        t.user = values[0];
        t.nice = values[1];
        t.system = values[2];
        t.idle = values[3];
        t.iowait = values[4];
        t.irq = values[5];
        t.softirq = values[6];
        t.steal = values[7];
        return t;
    }
    return std::nullopt;
}

int referenceCpuCount(const QByteArray &text) {
    int count = 0;
    for (const QByteArray &line : text.split('\n')) {
        const QList<QByteArray> tokens = tokensOf(line);
        if (!tokens.isEmpty() && tokens.front().size() > 3 && tokens.front().startsWith("cpu") &&
            allDigits(tokens.front().mid(3)))
            ++count;
    }
    return count;
}

std::optional<metrics::MemInfo> referenceMemInfo(const QByteArray &text) {
    const char *const keys[] = {"MemTotal", "MemAvailable", "MemFree", "Buffers", "Cached"};
    std::optional<quint64> found[5];
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray key = line.left(colon);
        for (int k = 0; k < 5; ++k) {
            if (key != keys[k] || found[k])
                continue;
            const QList<QByteArray> tokens = tokensOf(line.mid(colon + 1));
            if (tokens.size() != 2 || tokens[1] != "kB")
                continue;
            const auto kb = decimal(tokens[0]);
            if (kb && *kb <= std::numeric_limits<quint64>::max() / 1024)
                found[k] = *kb * 1024;
        }
    }
    if (!found[0])
        return std::nullopt;
    unsigned __int128 available;
    if (found[1]) {
        available = *found[1];
    } else if (found[2]) {
        available = (unsigned __int128)*found[2] + found[3].value_or(0) + found[4].value_or(0);
        available = std::min<unsigned __int128>(available, std::numeric_limits<quint64>::max());
    } else {
        return std::nullopt;
    }
    metrics::MemInfo info;
    info.totalBytes = *found[0];
    info.availableBytes = quint64(std::min<unsigned __int128>(available, *found[0]));
    return info;
}

QByteArray showTicks(const CpuTicks &t) {
    return QByteArray::number(t.user) + ' ' + QByteArray::number(t.nice) + ' ' +
           QByteArray::number(t.system) + ' ' + QByteArray::number(t.idle) + ' ' +
           QByteArray::number(t.iowait) + ' ' + QByteArray::number(t.irq) + ' ' +
           QByteArray::number(t.softirq) + ' ' + QByteArray::number(t.steal);
}

bool sameTicks(const CpuTicks &a, const CpuTicks &b) {
    return a.user == b.user && a.nice == b.nice && a.system == b.system && a.idle == b.idle &&
           a.iowait == b.iowait && a.irq == b.irq && a.softirq == b.softirq && a.steal == b.steal;
}

double referenceUsage(const CpuTicks &prev, const CpuTicks &now) {
    auto d = [](quint64 later, quint64 earlier) {
        return later > earlier ? double(later - earlier) : 0.0;
    };
    const double busy = d(now.user, prev.user) + d(now.nice, prev.nice) +
                        d(now.system, prev.system) + d(now.irq, prev.irq) +
                        d(now.softirq, prev.softirq) + d(now.steal, prev.steal);
    const double total = busy + d(now.idle, prev.idle) + d(now.iowait, prev.iowait);
    return total > 0 ? std::clamp(100.0 * busy / total, 0.0, 100.0) : 0.0;
}

void checkRounding(double v) {
    const double r = metrics::roundToOneDecimal(v);
    if (!std::isfinite(v)) {
        FUZZ_CHECK(std::isnan(v) ? std::isnan(r) : r == v, "roundToOneDecimal(%g) = %g", v, r);
        return;
    }
    FUZZ_CHECK(std::abs(r - v) <= 0.05 + 1e-9 * std::abs(v), "roundToOneDecimal(%.17g) = %.17g", v,
               r);
    FUZZ_CHECK(!(r == 0.0 && std::signbit(r)), "roundToOneDecimal(%.17g) = -0", v);
    if (std::abs(v) < 1e6)
        FUZZ_CHECK(std::abs(r * 10 - std::round(r * 10)) < 1e-6,
                   "roundToOneDecimal(%.17g) = %.17g has more than one decimal", v, r);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    metrics::CpuUsageComputer computer;
    std::optional<CpuTicks> previous;
    int samples = 0;

    for (const QByteArray &file : input.split('\0')) {
        const std::optional<CpuTicks> cpu = metrics::parseProcStatCpu(file);
        const std::optional<CpuTicks> want = referenceCpu(file);
        FUZZ_CHECK(cpu.has_value() == want.has_value(), "parseProcStatCpu(%s): %s",
                   show(file).constData(), cpu ? "parsed a malformed line" : "refused a good line");
        if (cpu) {
            FUZZ_CHECK(sameTicks(*cpu, *want), "parseProcStatCpu(%s) = %s, expected %s",
                       show(file).constData(), showTicks(*cpu).constData(),
                       showTicks(*want).constData());
            const unsigned __int128 busy = (unsigned __int128)cpu->user + cpu->nice + cpu->system +
                                           cpu->irq + cpu->softirq + cpu->steal;
            FUZZ_CHECK(cpu->busy() == busy && cpu->total() == busy + cpu->idle + cpu->iowait,
                       "busy()/total() wrap for %s", showTicks(*cpu).constData());

            const double usage = computer.update(*cpu);
            FUZZ_CHECK(std::isfinite(usage) && usage >= 0.0 && usage <= 100.0, "usage %g after %s",
                       usage, showTicks(*cpu).constData());
            const double expected = previous ? referenceUsage(*previous, *cpu) : 0.0;
            FUZZ_CHECK(std::abs(usage - expected) < 1e-9, "usage %.17g, expected %.17g", usage,
                       expected);
            checkRounding(usage);
            previous = cpu;
            ++samples;
        }

        const int cores = metrics::parseProcStatCpuCount(file);
        FUZZ_CHECK(cores == referenceCpuCount(file), "parseProcStatCpuCount(%s) = %d, expected %d",
                   show(file).constData(), cores, referenceCpuCount(file));

        const std::optional<metrics::MemInfo> mem = metrics::parseMemInfo(file);
        const std::optional<metrics::MemInfo> wantMem = referenceMemInfo(file);
        FUZZ_CHECK(mem.has_value() == wantMem.has_value(), "parseMemInfo(%s): %s",
                   show(file).constData(), mem ? "parsed" : "refused");
        if (mem) {
            FUZZ_CHECK(mem->totalBytes == wantMem->totalBytes &&
                           mem->availableBytes == wantMem->availableBytes,
                       "parseMemInfo(%s) = %llu/%llu, expected %llu/%llu", show(file).constData(),
                       (unsigned long long)mem->totalBytes, (unsigned long long)mem->availableBytes,
                       (unsigned long long)wantMem->totalBytes,
                       (unsigned long long)wantMem->availableBytes);
            FUZZ_CHECK(mem->availableBytes <= mem->totalBytes &&
                           mem->usedBytes() == mem->totalBytes - mem->availableBytes,
                       "used %llu of %llu", (unsigned long long)mem->usedBytes(),
                       (unsigned long long)mem->totalBytes);
            if (mem->totalBytes > 0) {
                const double percent = 100.0 * double(mem->usedBytes()) / double(mem->totalBytes);
                FUZZ_CHECK(percent >= 0.0 && percent <= 100.0, "memory %g%%", percent);
                checkRounding(percent);
            }
        }
    }

    if (samples > 0) {
        computer.reset();
        FUZZ_CHECK(computer.update(*previous) == 0.0, "first sample after reset() not 0");
    }
    // Hostile doubles through the rounding (the sampler rounds every percentage it sends).
    if (size >= 8) {
        double v;
        std::memcpy(&v, data, sizeof v);
        checkRounding(v);
    }
    return 0;
}
