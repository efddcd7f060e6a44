// SPDX-License-Identifier: GPL-3.0-or-later

// Time axes' ticks at round times (pure): which interval a range gets, where its ticks fall on
// the wall clock (also on the days a clock changes) and what they say, and hostile ranges.

#include "TimeTicks.h"

#include <QCategoryAxis>
#include <QDateTime>
#include <QTest>

using namespace mist::gui;

namespace {

qint64 at(const char *iso) {
    return QDateTime::fromString(QLatin1String(iso), Qt::ISODate).toMSecsSinceEpoch();
}

// "<UTC time>|<label>" per tick.
QStringList rendered(const QList<TimeTick> &ticks) {
    QStringList out;
    for (const TimeTick &t : ticks)
        out << QDateTime::fromMSecsSinceEpoch(t.ms, Qt::UTC).toString(Qt::ISODate) +
                   QLatin1Char('|') + t.label;
    return out;
}

} // namespace

class TestTimeTicks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ticks_data() {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<int>("maxTicks");
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QStringList>("expected");
        const QByteArray utc("UTC"), berlin("Europe/Berlin");
        QTest::newRow("an hour: every 15 minutes")
            << at("2026-12-06T10:07:13Z") << at("2026-12-06T11:07:13Z") << 5 << utc
            << QStringList{"2026-12-06T10:15:00Z|10:15", "2026-12-06T10:30:00Z|10:30",
                           "2026-12-06T10:45:00Z|10:45", "2026-12-06T11:00:00Z|11:00"};
        QTest::newRow("30 s: every 10 s, with seconds")
            << at("2026-12-06T10:00:07Z") << at("2026-12-06T10:00:37Z") << 5 << utc
            << QStringList{"2026-12-06T10:00:10Z|10:00:10", "2026-12-06T10:00:20Z|10:00:20",
                           "2026-12-06T10:00:30Z|10:00:30"};
        QTest::newRow("a day: every 6 hours, midnight as the date")
            << at("2026-12-05T10:30:00Z") << at("2026-12-06T10:30:00Z") << 5 << utc
            << QStringList{"2026-12-05T12:00:00Z|12:00", "2026-12-05T18:00:00Z|18:00",
                           "2026-12-06T00:00:00Z|6 Dec", "2026-12-06T06:00:00Z|06:00"};
        QTest::newRow("a day in Berlin: local hours")
            << at("2026-12-05T10:30:00Z") << at("2026-12-06T10:30:00Z") << 5 << berlin
            << QStringList{"2026-12-05T11:00:00Z|12:00", "2026-12-05T17:00:00Z|18:00",
                           "2026-12-05T23:00:00Z|6 Dec", "2026-12-06T05:00:00Z|06:00"};
        QTest::newRow("a week: every other day")
            << at("2026-11-29T12:00:00Z") << at("2026-12-06T12:00:00Z") << 5 << utc
            << QStringList{"2026-12-01T00:00:00Z|1 Dec", "2026-12-03T00:00:00Z|3 Dec",
                           "2026-12-05T00:00:00Z|5 Dec"};
        QTest::newRow("30 days: Mondays")
            << at("2026-11-06T12:00:00Z") << at("2026-12-06T12:00:00Z") << 5 << utc
            << QStringList{"2026-11-09T00:00:00Z|9 Nov", "2026-11-16T00:00:00Z|16 Nov",
                           "2026-11-23T00:00:00Z|23 Nov", "2026-11-30T00:00:00Z|30 Nov"};
        QTest::newRow("a year: quarters")
            << at("2025-12-06T12:00:00Z") << at("2026-12-06T12:00:00Z") << 5 << utc
            << QStringList{"2026-01-01T00:00:00Z|Jan 2026", "2026-04-01T00:00:00Z|Apr 2026",
                           "2026-07-01T00:00:00Z|Jul 2026", "2026-10-01T00:00:00Z|Oct 2026"};
        QTest::newRow("five years: years")
            << at("2022-06-01T00:00:00Z") << at("2026-12-06T00:00:00Z") << 5 << utc
            << QStringList{"2023-01-01T00:00:00Z|2023", "2024-01-01T00:00:00Z|2024",
                           "2025-01-01T00:00:00Z|2025", "2026-01-01T00:00:00Z|2026"};
        // 25 Oct 2026, Berlin: 03:00 CEST becomes 02:00 CET. Ticks stay on the even hours.
        QTest::newRow("clock goes back: ticks on the hour")
            << at("2026-10-24T22:00:00Z") << at("2026-10-25T04:00:00Z") << 5
            << berlin
            // (02:00 happens twice: Qt takes the second, CET.)
            << QStringList{"2026-10-24T22:00:00Z|25 Oct", "2026-10-25T01:00:00Z|02:00",
                           "2026-10-25T03:00:00Z|04:00"};
        // 29 Mar 2026, Berlin: 02:00 CET becomes 03:00 CEST; 02:00 does not exist.
        QTest::newRow("clock goes forward: the missing hour has no tick")
            << at("2026-03-28T23:00:00Z") << at("2026-03-29T03:00:00Z") << 5 << berlin
            << QStringList{"2026-03-28T23:00:00Z|29 Mar", "2026-03-29T00:00:00Z|01:00",
                           "2026-03-29T01:00:00Z|03:00", "2026-03-29T02:00:00Z|04:00",
                           "2026-03-29T03:00:00Z|05:00"};
        QTest::newRow("ends included")
            << at("2026-12-06T10:00:00Z") << at("2026-12-06T11:00:00Z") << 5 << utc
            << QStringList{"2026-12-06T10:00:00Z|10:00", "2026-12-06T10:15:00Z|10:15",
                           "2026-12-06T10:30:00Z|10:30", "2026-12-06T10:45:00Z|10:45",
                           "2026-12-06T11:00:00Z|11:00"};
        QTest::newRow("one tick allowed: the hour")
            << at("2026-12-06T10:50:00Z") << at("2026-12-06T11:20:00Z") << 1 << utc
            << QStringList{"2026-12-06T11:00:00Z|11:00"};
        QTest::newRow("empty range") << at("2026-12-06T10:00:00Z") << at("2026-12-06T10:00:00Z")
                                     << 5 << utc << QStringList{};
        QTest::newRow("inverted range") << at("2026-12-06T11:00:00Z") << at("2026-12-06T10:00:00Z")
                                        << 5 << utc << QStringList{};
        QTest::newRow("no ticks allowed")
            << at("2026-12-06T10:00:00Z") << at("2026-12-06T11:00:00Z") << 0 << utc
            << QStringList{};
        QTest::newRow("negative ticks") << at("2026-12-06T10:00:00Z") << at("2026-12-06T11:00:00Z")
                                        << -3 << utc << QStringList{};
        QTest::newRow("the whole of time")
            << std::numeric_limits<qint64>::min() / 2 << std::numeric_limits<qint64>::max() / 2 << 5
            << utc << QStringList{};
    }

    void ticks() {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(int, maxTicks);
        QFETCH(QByteArray, zone);
        QFETCH(QStringList, expected);
        const QTimeZone tz(zone);
        QVERIFY(tz.isValid());
        QCOMPARE(rendered(timeTicks(from, to, maxTicks, tz)), expected);
    }

    // Every window the charts offer, ending at any second: never more than asked, always at
    // least two ticks, ascending, each at a whole second and inside the range.
    void everyWindowStaysWithinItsBounds() {
        const QTimeZone berlin("Europe/Berlin");
        const qint64 windows[] = {60, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400};
        qint64 end = at("2026-03-29T00:59:59Z");
        for (int k = 0; k < 400; ++k, end += 7919 * 1000 + 13) {
            for (qint64 w : windows) {
                const qint64 from = end - w * 1000;
                const QList<TimeTick> ticks = timeTicks(from, end, 5, berlin);
                QVERIFY2(ticks.size() >= 2 && ticks.size() <= 5,
                         qPrintable(QStringLiteral("%1 ticks for %2 s").arg(ticks.size()).arg(w)));
                for (qsizetype i = 0; i < ticks.size(); ++i) {
                    QVERIFY(ticks[i].ms >= from && ticks[i].ms <= end);
                    QCOMPARE(ticks[i].ms % 1000, 0);
                    QVERIFY(!ticks[i].label.isEmpty());
                    if (i > 0)
                        QVERIFY(ticks[i].ms > ticks[i - 1].ms);
                }
            }
        }
    }

    // On a chart's axis: the ticks as categories with their labels at their times, the range as
    // given; moving the range by a second keeps the labels, moving it by an hour changes them.
    void categoryAxis() {
        QCategoryAxis axis;
        const qint64 from = at("2026-12-06T10:07:13Z"), to = at("2026-12-06T11:07:13Z");
        showTimeRange(&axis, from, to);
        const QList<TimeTick> ticks = timeTicks(from, to, 5);
        QCOMPARE(axis.categoriesLabels().size(), ticks.size());
        for (const TimeTick &t : ticks)
            QCOMPARE(qint64(axis.endValue(t.label)), t.ms);
        QCOMPARE(qint64(axis.min()), from);
        QCOMPARE(qint64(axis.max()), to);
        const QStringList before = axis.categoriesLabels();
        showTimeRange(&axis, from + 1000, to + 1000);
        QCOMPARE(axis.categoriesLabels(), before);
        QCOMPARE(qint64(axis.min()), from + 1000);
        showTimeRange(&axis, from + 3600000, to + 3600000);
        QCOMPARE(axis.categoriesLabels().size(), timeTicks(from + 3600000, to + 3600000, 5).size());
        QVERIFY(axis.categoriesLabels() != before);
        // Two days at 12 h: noon twice, both kept (a category axis keys by label).
        const qint64 twoDays = at("2026-12-04T06:00:00Z");
        showTimeRange(&axis, twoDays, twoDays + 48 * 3600000LL, 5);
        QCOMPARE(axis.categoriesLabels().size(),
                 timeTicks(twoDays, twoDays + 48 * 3600000LL, 5).size());
        QCOMPARE(axis.categoriesLabels().size(), 4);
        showTimeRange(&axis, twoDays + 1000, twoDays + 1000 + 48 * 3600000LL, 5);
        QCOMPARE(axis.categoriesLabels().size(), 4);
    }

    // Every other day goes on through the end of a month: never the 31st and the 1st.
    void everyOtherDayAcrossMonths() {
        const QList<TimeTick> ticks =
            timeTicks(at("2026-12-27T12:00:00Z"), at("2027-01-03T12:00:00Z"), 5, QTimeZone("UTC"));
        QVERIFY(ticks.size() >= 3 && ticks.size() <= 5);
        for (qsizetype i = 1; i < ticks.size(); ++i)
            QCOMPARE(ticks[i].ms - ticks[i - 1].ms, 2 * 86400000LL);
    }
};

QTEST_MAIN(TestTimeTicks)
#include "tst_timeticks.moc"
