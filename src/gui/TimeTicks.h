// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QList>
#include <QString>
#include <QTimeZone>

class QCategoryAxis;

namespace mist::gui {

// A labelled tick of a time axis.
struct TimeTick {
    qint64 ms = 0; // since the epoch
    QString label;
    bool operator==(const TimeTick &o) const { return ms == o.ms && label == o.label; }
};

// The ticks of a time axis over [fromMs, toMs] at round wall-clock times of `zone` (issue #18:
// "axis ticks at round times"): the finest of 1, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2,
// 3, 6, 12 h, 1 and 2 days, a week (Mondays), 1, 3 and 6 months and 1 year that gives at most
// maxTicks ticks. Hours fall on the hour of the day (06:00, 12:00), days on midnight, months on
// their first day, so a clock change moves no tick off the hour. Labels: "HH:mm:ss" under a
// minute, "HH:mm" under a day, "d MMM" for days and weeks, "MMM yyyy" for months, "yyyy" for
// years (month names in English: locale-independent, as the rest of the axis); a day tick
// under a day's interval says its date instead ("6 Dec") so midnight reads as the new day.
// Empty when the range is empty, inverted or over 1000 years, or maxTicks < 1. Pure:
// tests/gui/tst_timeticks.cpp has the rows.
QList<TimeTick> timeTicks(qint64 fromMs, qint64 toMs, int maxTicks,
                          const QTimeZone &zone = QTimeZone::systemTimeZone());

// Shows [fromMs, toMs] on a category axis used as a time axis (x in ms since the epoch), with
// the ticks of timeTicks() as its grid and labels (local time); the labels are rebuilt only
// when they change.
void showTimeRange(QCategoryAxis *axis, qint64 fromMs, qint64 toMs, int maxTicks = 5);

} // namespace mist::gui
