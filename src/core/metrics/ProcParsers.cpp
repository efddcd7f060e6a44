// SPDX-License-Identifier: GPL-3.0-or-later

#include "ProcParsers.h"

#include <QtNumeric>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

namespace mist::metrics {

namespace {

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Walks the text one line at a time without copying. The last line need not
// end in '\n' (a truncated read, or a hand-written fixture).
class LineReader {
public:
    explicit LineReader(QByteArrayView text)
        : m_rest(text) {}

    std::optional<QByteArrayView> next() {
        if (m_rest.isEmpty())
            return std::nullopt;
        const qsizetype end = m_rest.indexOf('\n');
        if (end < 0)
            return std::exchange(m_rest, QByteArrayView());
        const QByteArrayView line = m_rest.first(end);
        m_rest = m_rest.sliced(end + 1);
        return line;
    }

private:
    QByteArrayView m_rest;
};

// Splits one line into blank-separated tokens without copying.
class TokenReader {
public:
    explicit TokenReader(QByteArrayView line)
        : m_rest(line) {}

    std::optional<QByteArrayView> next() {
        const auto begin = std::find_if_not(m_rest.begin(), m_rest.end(), isBlank);
        const auto end = std::find_if(begin, m_rest.end(), isBlank);
        if (begin == end)
            return std::nullopt;
        const QByteArrayView token(begin, end);
        m_rest = QByteArrayView(end, m_rest.end());
        return token;
    }

private:
    QByteArrayView m_rest;
};

// Plain decimal digits only: no sign, no base prefix, no blanks, so that
// whatever the kernel did not write is rejected rather than guessed at.
std::optional<quint64> parseDecimal(QByteArrayView token) {
    if (token.isEmpty())
        return std::nullopt;
    quint64 value = 0;
    for (const char c : token) {
        if (!isDigit(c))
            return std::nullopt;
        if (qMulOverflow(value, quint64(10), &value) ||
            qAddOverflow(value, quint64(c - '0'), &value))
            return std::nullopt;
    }
    return value;
}

std::optional<CpuTicks> parseCpuColumns(TokenReader &tokens) {
    CpuTicks ticks;
    quint64 *const columns[] = {&ticks.user,   &ticks.nice, &ticks.system,  &ticks.idle,
                                &ticks.iowait, &ticks.irq,  &ticks.softirq, &ticks.steal};
    constexpr qsizetype minimumColumns = 4; // user nice system idle: what 2.4 kernels wrote
    qsizetype count = 0;
    while (const auto token = tokens.next()) {
        const auto value = parseDecimal(*token);
        if (!value)
            return std::nullopt;
        if (count < qsizetype(std::size(columns)))
            *columns[count] = *value;
        ++count;
    }
    if (count < minimumColumns)
        return std::nullopt;

    quint64 total = 0;
    for (const quint64 *column : columns) {
        if (qAddOverflow(total, *column, &total))
            return std::nullopt;
    }
    return ticks;
}

bool isPerCpuLabel(QByteArrayView label) {
    const QByteArrayView prefix("cpu");
    return label.size() > prefix.size() && label.startsWith(prefix) &&
           std::all_of(label.begin() + prefix.size(), label.end(), isDigit);
}

// "<number> kB" and nothing else.
std::optional<quint64> parseKilobytesAsBytes(QByteArrayView value) {
    TokenReader tokens(value);
    const auto number = tokens.next();
    const auto unit = tokens.next();
    if (!number || !unit || *unit != QByteArrayView("kB") || tokens.next())
        return std::nullopt;
    const auto kilobytes = parseDecimal(*number);
    quint64 bytes = 0;
    if (!kilobytes || qMulOverflow(*kilobytes, quint64(1024), &bytes))
        return std::nullopt;
    return bytes;
}

quint64 saturatingAdd(quint64 a, quint64 b) {
    quint64 sum = 0;
    return qAddOverflow(a, b, &sum) ? std::numeric_limits<quint64>::max() : sum;
}

} // namespace

quint64 CpuTicks::busy() const {
    return user + nice + system + irq + softirq + steal;
}

quint64 CpuTicks::total() const {
    return busy() + idle + iowait;
}

std::optional<CpuTicks> parseProcStatCpu(QByteArrayView procStat) {
    LineReader lines(procStat);
    while (const auto line = lines.next()) {
        TokenReader tokens(*line);
        const auto label = tokens.next();
        // Only the first aggregate line counts: a malformed one is not
        // replaced by a later line that happens to look right.
        if (label && *label == QByteArrayView("cpu"))
            return parseCpuColumns(tokens);
    }
    return std::nullopt;
}

int parseProcStatCpuCount(QByteArrayView procStat) {
    int count = 0;
    LineReader lines(procStat);
    while (const auto line = lines.next()) {
        const auto label = TokenReader(*line).next();
        if (label && isPerCpuLabel(*label) && count < std::numeric_limits<int>::max())
            ++count;
    }
    return count;
}

quint64 MemInfo::usedBytes() const {
    return totalBytes > availableBytes ? totalBytes - availableBytes : 0;
}

std::optional<MemInfo> parseMemInfo(QByteArrayView meminfo) {
    std::optional<quint64> total, available, memFree, buffers, cached;
    const std::pair<QByteArrayView, std::optional<quint64> *> wanted[] = {
        {"MemTotal", &total},
        {"MemAvailable", &available},
        {"MemFree", &memFree},
        {"Buffers", &buffers},
        {"Cached", &cached}};

    LineReader lines(meminfo);
    while (const auto line = lines.next()) {
        const qsizetype colon = line->indexOf(':');
        if (colon < 0)
            continue;
        const QByteArrayView key = line->first(colon);
        for (const auto &[name, field] : wanted) {
            if (key == name && !*field)
                *field = parseKilobytesAsBytes(line->sliced(colon + 1));
        }
    }

    if (!total)
        return std::nullopt;
    if (!available) {
        // Kernels before 3.14 have no MemAvailable; this is the estimate tools
        // such as free(1) used then.
        if (!memFree)
            return std::nullopt;
        available = saturatingAdd(saturatingAdd(*memFree, buffers.value_or(0)), cached.value_or(0));
    }

    MemInfo info;
    info.totalBytes = *total;
    info.availableBytes = std::min(*available, *total);
    return info;
}

double CpuUsageComputer::update(const CpuTicks &now) {
    const std::optional<CpuTicks> previous = std::exchange(m_previous, now);
    if (!previous)
        return 0.0;

    // Per-CPU counters can step back (e.g. iowait, or a CPU going offline and
    // its ticks leaving the sum); such a counter adds nothing this interval.
    // Deltas are summed as doubles so that hostile values cannot wrap.
    const auto delta = [](quint64 later, quint64 earlier) {
        return later > earlier ? double(later - earlier) : 0.0;
    };
    const double busy = delta(now.user, previous->user) + delta(now.nice, previous->nice) +
                        delta(now.system, previous->system) + delta(now.irq, previous->irq) +
                        delta(now.softirq, previous->softirq) + delta(now.steal, previous->steal);
    const double total =
        busy + delta(now.idle, previous->idle) + delta(now.iowait, previous->iowait);
    if (!(total > 0.0))
        return 0.0;
    return std::clamp(100.0 * busy / total, 0.0, 100.0);
}

void CpuUsageComputer::reset() {
    m_previous.reset();
}

double roundToOneDecimal(double v) {
    // From 2^52 on every double is a whole number already, and v * 10 could
    // overflow near the top of the range.
    constexpr double alreadyWhole = 4503599627370496.0;
    if (!std::isfinite(v) || std::abs(v) >= alreadyWhole)
        return v;
    const double rounded = std::round(v * 10.0) / 10.0;
    return rounded == 0.0 ? 0.0 : rounded;
}

} // namespace mist::metrics
