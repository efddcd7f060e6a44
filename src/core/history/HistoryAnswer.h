// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The JSON of a history answer (docs/HISTORY.md, "REST"), written straight
// from the points' columns: no QJsonObject per point. It is byte for byte
// what QJsonDocument::Compact printed of the answer built as QJsonObjects
// (tests/history/tst_historyanswer.cpp keeps that builder and compares).

#include "HistoryFormat.h"

#include <QByteArray>

namespace mist::history {

// {"points":[{...},...],"step":S}: each point the sample's shape (the dotted
// paths nested, keys in QJsonObject's order, a field absent where it has no
// value, an object absent when all its fields are), its "timestamp" (RFC 3339,
// UTC) and, when `aggregated`, the Avg columns as the values and a "max"
// object of the Max columns (present even when empty); else the Value columns.
// `before` and `after` go around it in the same buffer (the REST envelope: no copy of the
// answer to make one).
QByteArray answerJson(const Block &points, qint64 step, bool aggregated,
                      const QByteArray &before = {}, const QByteArray &after = {});

// A number as QJsonDocument::Compact prints a QJsonValue(double) in Qt 6.4:
// a whole number within ±2^53 with all its digits, any other finite one as
// QByteArray::number(v, 'g', QLocale::FloatingPointShortest), NaN and the
// infinities as null.
void appendJsonNumber(QByteArray &out, double value);

// A time (seconds since the epoch) as the answer's "timestamp" prints it: a
// JSON string of QDateTime::fromSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODate).
// Keeps the last day's date so that a day of points formats it once.
class TimestampWriter {
public:
    void append(QByteArray &out, qint64 seconds);

private:
    qint64 m_day = 0;
    bool m_known = false; // m_day and m_date hold a day
    QByteArray m_date;    // "\"2026-12-06T" when the day prints as Qt's usual 20 characters
};

} // namespace mist::history
