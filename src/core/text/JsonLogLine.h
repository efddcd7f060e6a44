// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// A structured log line (one JSON object, as zap, logrus, pino, slog, bunyan and Serilog write
// them) read for reading: its level, its message, then its other fields in their order. Pure.
//
// A line is one when, after blanks, it starts with '{', ends with '}', is at most MaxBytes long
// and parses as a JSON object. The level is the first of "level", "lvl", "severity",
// "log.level", "loglevel" that is a string (or, for pino and bunyan, a number: 10 trace, 20
// debug, 30 info, 40 warn, 50 error, 60 fatal); the message the first of "msg", "message",
// "text", "log", "@message" that is a string. Every other field follows as key=value: strings
// as they are (quoted when they hold a blank or are empty), other values as compact JSON.
// At most MaxFields fields are listed (then "…").

#include <QList>
#include <QPair>
#include <QString>
#include <QStringView>

#include <optional>

namespace mist::text {

struct JsonLogLine {
    QString level;   // as written ("info", "ERROR", "30" -> "info"); empty: none
    QString message; // empty: none
    QList<QPair<QString, QString>> fields; // the rest, key and shown value, in the line's order
    bool moreFields = false;               // fields were left out after MaxFields

    // "ERROR  connection refused  host=db port=5432"
    QString shown() const;
    // The object pretty-printed (for a tooltip).
    QString pretty;
};

constexpr qsizetype MaxJsonLogBytes = 64 * 1024;
constexpr int MaxJsonLogFields = 64;

std::optional<JsonLogLine> parseJsonLogLine(QStringView line);

} // namespace mist::text
