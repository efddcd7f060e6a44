// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <optional>

namespace mist::cli {

// A point in time as an operator types it on the command line (logs --since
// and --until): RFC 3339 as the server takes it ("2026-12-05T10:00:00Z",
// with a fraction or an offset), or an age before `nowNs` ("90s", "15m",
// "2h", "7d"). Nanoseconds since the Unix epoch; nullopt for anything else,
// for an age of more than 100 years, or for a time before 1970.
std::optional<qint64> parseTimeArgument(QStringView text, qint64 nowNs);

} // namespace mist::cli
