// SPDX-License-Identifier: GPL-3.0-or-later

#include "TimeArgument.h"

#include "archive/ArchiveQuery.h"

namespace mist::cli {

namespace {
constexpr qint64 NsPerSecond = 1000000000LL;
constexpr qint64 MaxAgeSeconds = 100LL * 366 * 24 * 3600;

std::optional<qint64> secondsPerUnit(QChar unit) {
    switch (unit.unicode()) {
    case 's':
        return 1;
    case 'm':
        return 60;
    case 'h':
        return 3600;
    case 'd':
        return 86400;
    default:
        return std::nullopt;
    }
}
} // namespace

std::optional<qint64> parseTimeArgument(QStringView text, qint64 nowNs) {
    if (text.size() >= 2 && text.size() <= 12) {
        const auto unit = secondsPerUnit(text.back());
        bool ok = false;
        const qint64 amount = text.chopped(1).toLongLong(&ok);
        if (unit && ok && text.front().isDigit()) {
            if (amount * *unit > MaxAgeSeconds)
                return std::nullopt;
            const qint64 at = nowNs - amount * *unit * NsPerSecond;
            return at >= 0 ? std::optional<qint64>(at) : std::nullopt;
        }
    }
    // The server's own rule for since/until.
    const auto parsed = archive::parseSince(text.toString());
    if (!parsed || !*parsed)
        return std::nullopt;
    return **parsed;
}

} // namespace mist::cli
