// SPDX-License-Identifier: GPL-3.0-or-later

#include "TimeTicks.h"

#include <QCategoryAxis>
#include <QDateTime>

#include <array>

namespace mist::gui {

namespace {

enum class Unit { Second, Day, Month };

struct Interval {
    Unit unit;
    qint64 count; // seconds (also for hours), days or months
};

constexpr std::array<Interval, 23> Intervals{{
    {Unit::Second, 1},    {Unit::Second, 5},     {Unit::Second, 10},    {Unit::Second, 15},
    {Unit::Second, 30},   {Unit::Second, 60},    {Unit::Second, 120},   {Unit::Second, 300},
    {Unit::Second, 600},  {Unit::Second, 900},   {Unit::Second, 1800},  {Unit::Second, 3600},
    {Unit::Second, 7200}, {Unit::Second, 10800}, {Unit::Second, 21600}, {Unit::Second, 43200},
    {Unit::Day, 1},       {Unit::Day, 2},        {Unit::Day, 7},        {Unit::Month, 1},
    {Unit::Month, 3},     {Unit::Month, 6},      {Unit::Month, 12},
}};

// About how many milliseconds apart an interval's ticks are (to pick one).
qint64 approxMs(const Interval &i) {
    switch (i.unit) {
    case Unit::Second:
        return i.count * 1000;
    case Unit::Day:
        return i.count * 86400000LL;
    case Unit::Month:
        return i.count * 30 * 86400000LL;
    }
    return 0;
}

const char *const MonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

QString dayLabel(const QDate &d) {
    return QStringLiteral("%1 %2").arg(d.day()).arg(QLatin1String(MonthNames[d.month() - 1]));
}

// The round times of the sub-day interval `seconds` on the wall clock of `zone`, day by day.
void wallClockTicks(qint64 from, qint64 to, qint64 seconds, const QTimeZone &zone,
                    QList<TimeTick> *out) {
    const QString format = seconds < 60 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    QDate day = QDateTime::fromMSecsSinceEpoch(from, zone).date();
    const QDate last = QDateTime::fromMSecsSinceEpoch(to, zone).date();
    for (; day <= last; day = day.addDays(1)) {
        const qint64 dayStart = day.startOfDay(zone).toMSecsSinceEpoch();
        // Second by wall-clock second of the day; a tick that a clock change skips is left out.
        // (An hour early: on the day the clock goes back, wall-clock seconds lag the elapsed.)
        const qint64 firstSecond =
            std::max<qint64>(0, ((from - dayStart) / 1000 - 3600) / seconds * seconds);
        for (qint64 s = firstSecond; s < 86400; s += seconds) {
            const QTime time = QTime(0, 0).addSecs(int(s));
            const QDateTime at(day, time, zone);
            if (!at.isValid() || at.time() != time)
                continue;
            const qint64 ms = at.toMSecsSinceEpoch();
            if (ms > to)
                break;
            if (ms >= from && (out->isEmpty() || out->last().ms < ms))
                out->append({ms, s == 0 ? dayLabel(day) : at.toString(format)});
        }
    }
}

} // namespace

QList<TimeTick> timeTicks(qint64 fromMs, qint64 toMs, int maxTicks, const QTimeZone &zone) {
    QList<TimeTick> out;
    // More than MaxSpanYears has no use on a chart and would walk every year of it.
    constexpr qint64 MaxSpanYears = 1000;
    if (toMs <= fromMs || maxTicks < 1 || toMs - fromMs > MaxSpanYears * 366 * 86400000LL)
        return out;
    const qint64 span = toMs - fromMs;
    const Interval *pick = &Intervals.back();
    for (const Interval &i : Intervals)
        if (span / approxMs(i) + 1 <= maxTicks) {
            pick = &i;
            break;
        }
    if (pick->unit == Unit::Second) {
        wallClockTicks(fromMs, toMs, pick->count, zone, &out);
        return out;
    }
    QDate d = QDateTime::fromMSecsSinceEpoch(fromMs, zone).date();
    if (pick->unit == Unit::Month)
        d = QDate(d.year(), d.month(), 1);
    const QDate last = QDateTime::fromMSecsSinceEpoch(toMs, zone).date();
    for (; d <= last; d = pick->unit == Unit::Day ? d.addDays(1) : d.addMonths(1)) {
        bool round = false;
        QString label;
        if (pick->unit == Unit::Day) {
            // Every other day counted through months (not from each 1st: the 31st and the 1st).
            round = pick->count == 7 ? d.dayOfWeek() == 1 : d.toJulianDay() % pick->count == 0;
            label = dayLabel(d);
        } else {
            round = (d.month() - 1) % pick->count == 0;
            label = pick->count == 12 ? QString::number(d.year())
                                      : QStringLiteral("%1 %2")
                                            .arg(QLatin1String(MonthNames[d.month() - 1]))
                                            .arg(d.year());
        }
        const qint64 ms = d.startOfDay(zone).toMSecsSinceEpoch();
        if (round && ms >= fromMs && ms <= toMs)
            out.append({ms, label});
    }
    return out;
}

void showTimeRange(QCategoryAxis *axis, qint64 fromMs, qint64 toMs, int maxTicks) {
    QList<TimeTick> ticks = timeTicks(fromMs, toMs, maxTicks);
    // A category axis keys its categories by label: a label seen before (12:00 on two days)
    // gets zero-width spaces after it, not dropped.
    QStringList labels;
    for (TimeTick &t : ticks) {
        while (labels.contains(t.label))
            t.label += QChar(0x200B);
        labels << t.label;
    }
    bool same = axis->categoriesLabels() == labels;
    for (qsizetype i = 0; same && i < ticks.size(); ++i)
        same = qint64(axis->endValue(ticks[i].label)) == ticks[i].ms;
    if (!same) {
        for (const QString &label : axis->categoriesLabels())
            axis->remove(label);
        for (const TimeTick &t : ticks)
            axis->append(t.label, double(t.ms));
    }
    axis->setStartValue(double(fromMs));
    axis->setRange(double(fromMs), double(toMs));
}

} // namespace mist::gui
