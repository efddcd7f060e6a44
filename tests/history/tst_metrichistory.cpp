// SPDX-License-Identifier: GPL-3.0-or-later

// MetricHistory on a real history.db with the clock moved by the test: what
// is recorded comes back in the sample's shape, minutes and hours are
// downsampled as they end, old points expire per tier, a restart keeps
// everything flushed, and the series and field bounds hold.
#include "history/MetricHistory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace mist::history;

namespace {
constexpr qint64 Day0 = 1796515200; // 2026-12-06T00:00:00Z

QJsonObject sample(int i) {
    return QJsonObject{
        {"timestamp", "ignored"},
        {"cpu", QJsonObject{{"usage", double(i % 100) / 10}, {"cores", 8}}},
        {"memory", QJsonObject{{"used", 1e9 + 1024.0 * i}, {"total", 8e9}}},
        {"docker", QJsonValue::Null},
    };
}

HistoryRange range(qint64 from, qint64 to, qint64 step, int tier) {
    return HistoryRange{from, to, step, tier};
}

QJsonArray points(MetricHistory &h, const QString &series, const HistoryRange &r) {
    const auto answer = h.queryNow(series, r);
    if (!answer)
        qWarning() << answer.error();
    return answer ? answer->value("points").toArray() : QJsonArray();
}

double at(const QJsonObject &o, const QString &a, const QString &b) {
    return o.value(a).toObject().value(b).toDouble(-1);
}
} // namespace

class TestMetricHistory : public QObject {
    Q_OBJECT
    qint64 nowMs = Day0 * 1000;

    std::unique_ptr<MetricHistory> open(const QString &dir) {
        auto h = std::make_unique<MetricHistory>(dir, [this] { return nowMs; });
        const auto opened = h->open();
        if (!opened)
            qWarning() << opened.error();
        return h;
    }
    // One sample a second from now for `seconds`, maintenance each minute.
    void run(MetricHistory &h, const QString &series, int seconds, int offset = 0) {
        for (int i = 0; i < seconds; ++i) {
            QVERIFY(h.record(series, nowMs, sample(offset + i)));
            nowMs += 1000;
            if (nowMs % 60000 == 0) {
                h.maintain();
                h.sync(); // a minute apart, as the timer runs it
            }
        }
        h.flush();
        h.sync();
    }

private Q_SLOTS:
    void init() { nowMs = Day0 * 1000; }

    void recordedComesBackInShape() {
        QTemporaryDir dir;
        auto h = open(dir.path());
        run(*h, "host", 120);
        const QJsonArray p = points(*h, "host", range(Day0, Day0 + 119, 1, 0));
        QCOMPARE(p.size(), 120);
        const QJsonObject first = p[0].toObject();
        QCOMPARE(first.value("timestamp").toString(), QStringLiteral("2026-12-06T00:00:00Z"));
        QCOMPARE(at(first, "cpu", "cores"), 8.0);
        QCOMPARE(at(p[57].toObject(), "cpu", "usage"), 5.7);
        QCOMPARE(at(p[119].toObject(), "memory", "used"), 1e9 + 1024.0 * 119);
        QVERIFY(!first.contains("docker")); // null leaves are not kept
        QVERIFY(!first.contains("max"));
        // At 60 s from the seconds: avg and a "max" object of the same shape.
        const QJsonArray m = points(*h, "host", range(Day0, Day0 + 119, 60, 0));
        QCOMPARE(m.size(), 2);
        QCOMPARE(at(m[0].toObject(), "cpu", "usage"), 2.95);
        QCOMPARE(at(m[0].toObject().value("max").toObject(), "cpu", "usage"), 5.9);
        QCOMPARE(at(m[1].toObject(), "memory", "used"), 1e9 + 1024.0 * 89.5);
        // The minute tier, computed as the minutes ended, says the same.
        nowMs += 60000;
        h->maintain();
        h->sync();
        const QJsonArray t1 = points(*h, "host", range(Day0, Day0 + 119, 60, 1));
        QCOMPARE(t1, m);
        // Another series is apart.
        QCOMPARE(points(*h, appSeries(7), range(Day0, Day0 + 119, 1, 0)).size(), 0);
    }

    void sameSecondReplacesAndBackwardsIsRefused() {
        QTemporaryDir dir;
        auto h = open(dir.path());
        QVERIFY(h->record("s", nowMs, QJsonObject{{"v", 1}}));
        QVERIFY(h->record("s", nowMs + 500, QJsonObject{{"v", 2}}));
        QVERIFY(!h->record("s", nowMs - 1000, QJsonObject{{"v", 3}}));
        const QJsonArray p = points(*h, "s", range(Day0 - 5, Day0 + 5, 1, 0));
        QCOMPARE(p.size(), 1);
        QCOMPARE(p[0].toObject().value("v").toDouble(), 2.0);
    }

    // Two hours a second, then the clock moved past each tier's retention.
    void tiersDownsampleAndExpire() {
        QTemporaryDir dir;
        auto h = open(dir.path());
        run(*h, "host", 7200);
        nowMs += 60000;
        h->maintain();
        h->sync();
        const QJsonArray hours = points(*h, "host", range(Day0, Day0 + 7199, 3600, 2));
        QCOMPARE(hours.size(), 2);
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 7199, 60, 1)).size(), 120);
        // cpu.usage cycles 0.0 .. 9.9 every 100 s; over an hour of minute
        // averages the mean of minute means, the max the max.
        QCOMPARE(at(hours[0].toObject().value("max").toObject(), "cpu", "usage"), 9.9);
        QCOMPARE(at(hours[1].toObject(), "memory", "used"), 1e9 + 1024.0 * 5399.5);
        QJsonObject stats = h->stats();
        // The first hour of seconds is sealed into one block.
        QVERIFY2(stats.value("blocks").toArray()[0].toDouble() < 20,
                 qPrintable(QJsonDocument(stats).toJson()));
        QCOMPARE(stats.value("storedPoints").toArray()[0].toDouble(), 7200.0);

        nowMs += qint64(25) * 3600 * 1000; // past the seconds' 24 h
        h->maintain();
        h->sync();
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 7199, 1, 0)).size(), 0);
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 7199, 60, 1)).size(), 120);
        nowMs += qint64(30) * 24 * 3600 * 1000; // past the minutes' 30 days
        h->maintain();
        h->sync();
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 7199, 60, 1)).size(), 0);
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 7199, 3600, 2)).size(), 2);
        nowMs += qint64(366) * 24 * 3600 * 1000; // past the hours' year
        h->maintain();
        h->sync();
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 7199, 3600, 2)).size(), 0);
        stats = h->stats();
        for (const QJsonValue &n : stats.value("blocks").toArray())
            QCOMPARE(n.toDouble(), 0.0);
    }

    void restartKeepsFlushedPoints() {
        QTemporaryDir dir;
        {
            auto h = open(dir.path());
            run(*h, "host", 90);
            QVERIFY(
                h->record("host", nowMs, sample(90))); // only in memory: the destructor writes it
        }
        nowMs += 30000;
        auto h = open(dir.path());
        run(*h, "host", 60, 91);
        const QJsonArray p = points(*h, "host", range(Day0, Day0 + 300, 1, 0));
        QCOMPARE(p.size(), 151);
        QCOMPARE(p[90].toObject().value("timestamp").toString(),
                 QStringLiteral("2026-12-06T00:01:30Z"));
        // The minutes on both sides of the restart were downsampled.
        nowMs += 120000;
        h->maintain();
        h->sync();
        QCOMPARE(points(*h, "host", range(Day0, Day0 + 300, 60, 1)).size(), 3); // 0:00, 0:01, 0:02
    }

    void seriesAndFieldBounds() {
        QTemporaryDir dir;
        auto h = open(dir.path());
        for (int i = 0; i < MetricHistory::MaxSeries; ++i)
            QVERIFY(h->record(appSeries(i), nowMs, QJsonObject{{"v", i}}));
        QVERIFY(!h->record(appSeries(MetricHistory::MaxSeries), nowMs, QJsonObject{{"v", 1}}));
        QVERIFY(h->record(appSeries(3), nowMs + 1000, QJsonObject{{"v", 1}})); // known ones go on
        QJsonObject wide;
        for (int i = 0; i < 100; ++i)
            wide.insert(QStringLiteral("f%1").arg(i), i);
        QVERIFY(h->record(appSeries(5), nowMs + 1000, wide));
        const QJsonObject stats = h->stats();
        QCOMPARE(stats.value("seriesKept").toInt(), MetricHistory::MaxSeries);
        QCOMPARE(stats.value("seriesRefused").toDouble(), 1.0);
        // "v" and 63 of the f's.
        QCOMPARE(stats.value("fieldsRefused").toDouble(),
                 100.0 - (MetricHistory::MaxFieldsPerSeries - 1));
        const QJsonArray p = points(*h, appSeries(5), range(Day0 + 1, Day0 + 1, 1, 0));
        QCOMPARE(p.size(), 1);
        QCOMPARE(p[0].toObject().size(), MetricHistory::MaxFieldsPerSeries - 1 + 1); // + timestamp
    }

    void pendingPointsAreBounded() {
        QTemporaryDir dir;
        auto h = open(dir.path());
        // Never flushed (no event loop runs the timer): memory keeps the last ones.
        for (int i = 0; i < 3 * MetricHistory::MaxPendingPoints; ++i)
            QVERIFY(h->record("s", nowMs + 1000 * i, QJsonObject{{"v", i}}));
        QCOMPARE(h->stats().value("pointsDropped").toDouble(),
                 2.0 * MetricHistory::MaxPendingPoints);
    }

    // Queries waiting for the worker are bounded over all callers: past the bound one fails at
    // once with "History busy", and the slots come back as answers go out.
    void queriesBounded() {
        QTemporaryDir dir;
        auto h = open(dir.path());
        run(*h, "host", 120);
        int answered = 0, busy = 0;
        const auto ask = [&] {
            h->query("host", range(Day0, Day0 + 120, 1, 0), [&](mist::Expected<QByteArray> r) {
                if (r)
                    ++answered;
                else if (r.error() == u"History busy")
                    ++busy;
            });
        };
        for (int i = 0; i < 3 * MetricHistory::MaxQueriesQueued; ++i)
            ask();
        QCOMPARE(busy, 2 * MetricHistory::MaxQueriesQueued); // at once, not later
        QTRY_COMPARE(answered, MetricHistory::MaxQueriesQueued);
        ask();
        QTRY_COMPARE(answered, MetricHistory::MaxQueriesQueued + 1);
        QCOMPARE(busy, 2 * MetricHistory::MaxQueriesQueued);
    }

    void unopenedRefuses() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath("file"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        MetricHistory h(dir.filePath("file/data"));
        QVERIFY(!h.open());
        QVERIFY(!h.record("host", nowMs, sample(1)));
        QVERIFY(!h.queryNow("host", range(Day0, Day0, 1, 0)));
    }
};

QTEST_GUILESS_MAIN(TestMetricHistory)
#include "tst_metrichistory.moc"
