// SPDX-License-Identifier: GPL-3.0-or-later

// Metric history's pure parts: the block format (round trips, refusals,
// hostile input), merging, downsampling, sample flattening, the RFC 3339 and
// query-parameter parsers.
#include "history/HistoryFormat.h"
#include "history/MetricHistory.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

#include <zstd.h>

#include <cmath>
#include <limits>

using namespace mist::history;

Q_DECLARE_METATYPE(mist::history::Block)

namespace {
Block blockOf(const QList<qint64> &times, const QList<QPair<QString, QList<double>>> &columns,
              ColumnKind kind = ColumnKind::Value) {
    Block b;
    b.times = times;
    for (const auto &[path, values] : columns) {
        Column c{path, kind, values, {}};
        for (double v : values)
            c.present.append(!std::isnan(v)); // NaN here marks "absent"
        for (qsizetype i = 0; i < c.values.size(); ++i)
            if (!c.present[i])
                c.values[i] = 0;
        b.columns.append(c);
    }
    return b;
}

QByteArray zstd(const QByteArray &raw) {
    QByteArray out(qsizetype(ZSTD_compressBound(size_t(raw.size()))), Qt::Uninitialized);
    const size_t n =
        ZSTD_compress(out.data(), size_t(out.size()), raw.constData(), size_t(raw.size()), 1);
    out.truncate(qsizetype(n));
    return out;
}

QByteArray unzstd(const QByteArray &stored) {
    QByteArray raw(qsizetype(ZSTD_getFrameContentSize(stored.constData(), size_t(stored.size()))),
                   Qt::Uninitialized);
    ZSTD_decompress(raw.data(), size_t(raw.size()), stored.constData(), size_t(stored.size()));
    return raw;
}

void compareBlocks(const Block &got, const Block &want) {
    QCOMPARE(got.times, want.times);
    QCOMPARE(got.columns.size(), want.columns.size());
    for (qsizetype c = 0; c < want.columns.size(); ++c) {
        QCOMPARE(got.columns[c].path, want.columns[c].path);
        QCOMPARE(int(got.columns[c].kind), int(want.columns[c].kind));
        QCOMPARE(got.columns[c].present, want.columns[c].present);
        for (qsizetype i = 0; i < want.size(); ++i)
            if (want.columns[c].present[i])
                QCOMPARE(got.columns[c].values[i], want.columns[c].values[i]);
    }
}

constexpr double Absent = std::numeric_limits<double>::quiet_NaN();
} // namespace

class TestHistoryFormat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data() {
        QTest::addColumn<Block>("block");
        QTest::newRow("empty") << Block{};
        QTest::newRow("one point") << blockOf({1796511600}, {{"cpu.usage", {12.5}}});
        QTest::newRow("bytes") << blockOf({0, 1, 2, 3},
                                          {{"memory.used", {8e9, 8.001e9, 7.9e9, 8.2e9}}});
        QTest::newRow("one decimal") << blockOf({10, 11, 12}, {{"cpu.usage", {0.1, 99.9, 3.3}}});
        QTest::newRow("huge and tiny") << blockOf(
            {1, 2, 3, 4, 5}, {{"x",
                               {1e300, -1e300, std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::denorm_min(), 9007199254740993.0}}});
        QTest::newRow("integers past 2^53")
            << blockOf({1, 2}, {{"x", {18446744073709551616.0, -9.3e18}}});
        QTest::newRow("irrational") << blockOf({1, 2, 3}, {{"x", {M_PI, M_E, 1.0 / 3}}});
        QTest::newRow("gaps and negative times")
            << blockOf({-86400, -5, 0, 7, 100000}, {{"a", {1, 2, 3, 4, 5}}});
        QTest::newRow("absent values") << blockOf(
            {1, 2, 3, 4, 5, 6, 7, 8, 9},
            {{"a", {1, Absent, 3, Absent, Absent, 6, 7, 8, Absent}},
             {"b", {Absent, Absent, Absent, Absent, Absent, Absent, Absent, Absent, 2}}});
        QTest::newRow("never present") << blockOf({1, 2}, {{"a", {Absent, Absent}}});
        QTest::newRow("linear counter")
            << blockOf({1, 2, 3, 4, 5}, {{"rx", {1000, 2024, 3048, 4072, 5096}}});
        QTest::newRow("constant zero") << blockOf({1, 2, 3}, {{"z", {0, 0, 0}}});
        QTest::newRow("negative zero") << blockOf({1}, {{"z", {-0.0}}});
        Block kinds = blockOf({60, 120}, {{"cpu.usage", {1.5, 2.5}}}, ColumnKind::Avg);
        kinds.columns.append(blockOf({60, 120}, {{"cpu.usage", {9, 8}}}, ColumnKind::Max).columns);
        QTest::newRow("avg and max") << kinds;
        QTest::newRow("unicode path")
            << blockOf({1}, {{QStringLiteral("m\u00e9moire.\u00fc"), {1}}});
        Block many;
        for (qint64 t = 0; t < 86400; ++t)
            many.times.append(1796515200 + t);
        Column c{"cpu.usage", ColumnKind::Value, {}, {}};
        for (qint64 t = 0; t < 86400; ++t) {
            c.values.append(double(QRandomGenerator::global()->bounded(1000)) / 10);
            c.present.append(true);
        }
        many.columns.append(c);
        QTest::newRow("a day of seconds") << many;
    }
    void roundTrip() {
        QFETCH(Block, block);
        const auto stored = encodeBlock(block);
        QVERIFY2(stored, qPrintable(stored.error()));
        const auto decoded = decodeBlock(*stored);
        QVERIFY2(decoded, qPrintable(decoded.error()));
        compareBlocks(*decoded, block);
    }

    void encodeRefuses_data() {
        QTest::addColumn<Block>("block");
        QTest::addColumn<QString>("error");
        Block nan = blockOf({1}, {{"a", {1}}});
        nan.columns[0].values[0] = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("NaN") << nan << "non-finite";
        Block inf = blockOf({1}, {{"a", {std::numeric_limits<double>::infinity()}}});
        QTest::newRow("inf") << inf << "non-finite";
        QTest::newRow("-inf") << blockOf({1}, {{"a", {-std::numeric_limits<double>::infinity()}}})
                              << "non-finite";
        QTest::newRow("times backwards") << blockOf({2, 1}, {{"a", {1, 2}}}) << "not ascending";
        QTest::newRow("same time twice") << blockOf({1, 1}, {{"a", {1, 2}}}) << "not ascending";
        QTest::newRow("short column") << blockOf({1, 2}, {{"a", {1}}}) << "another length";
        QTest::newRow("path too long")
            << blockOf({1}, {{QString(300, u'x'), {1}}}) << "path too long";
        QTest::newRow("time out of range")
            << blockOf({qint64(1) << 50}, {{"a", {1}}}) << "time out of range";
        Block wide = blockOf({1}, {});
        for (int i = 0; i <= MaxColumnsPerBlock; ++i)
            wide.columns.append(blockOf({1}, {{QString::number(i), {1}}}).columns);
        QTest::newRow("too many columns") << wide << "columns";
    }
    void encodeRefuses() {
        QFETCH(Block, block);
        QFETCH(QString, error);
        const auto stored = encodeBlock(block);
        QVERIFY(!stored);
        QVERIFY2(stored.error().contains(error), qPrintable(stored.error()));
    }

    void decodeRefuses_data() {
        QTest::addColumn<QByteArray>("stored");
        QTest::addColumn<QString>("error");
        const QByteArray good = *encodeBlock(blockOf({1, 2, 3}, {{"a", {1, 2.5, Absent}}}));
        const QByteArray raw = unzstd(good);
        QTest::newRow("empty") << QByteArray() << "zstd frame";
        QTest::newRow("not zstd") << QByteArray("hello, world") << "zstd frame";
        QTest::newRow("zstd of text") << zstd("hello, world") << "magic";
        QTest::newRow("other version") << zstd(QByteArray("MH\x02") + raw.mid(3)) << "magic";
        QTest::newRow("trailing bytes") << zstd(raw + "x") << "trailing";
        QTest::newRow("truncated frame") << good.left(good.size() - 1) << "zstd";
        QTest::newRow("body cut short") << zstd(raw.left(raw.size() - 2)) << "truncated";
        QTest::newRow("point count huge")
            << zstd(QByteArray("MH\x01\xff\xff\xff\xff\x0f\x01", 9)) << "over the limits";
        QTest::newRow("column count huge")
            << zstd(QByteArray("MH\x01\x01\xff\xff\xff\x7f", 8)) << "over the limits";
        QTest::newRow("varint overlong")
            << zstd(QByteArray("MH\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 14))
            << "varint too long";
        // One point, no column, times: divisor 0.
        QTest::newRow("zero divisor")
            << zstd(QByteArray("MH\x01\x02\x00\x00\x01\x02\x02", 9)) << "bad integer column";
        QTest::newRow("bad column kind")
            << zstd(QByteArray("MH\x01\x01\x01\x01\x01\x02\x09", 9)) << "column kind";
        QTest::newRow("bad encoding") << zstd(QByteArray("MH\x01\x01\x01\x01\x01\x02\x00\x01"
                                                         "a\x00\x07",
                                                         13))
                                      << "encoding";
        QTest::newRow("bad scale") << zstd(QByteArray("MH\x01\x01\x01\x01\x01\x02\x00\x01"
                                                      "a\x00\x00\x09",
                                                      14))
                                   << "scale";
        QTest::newRow("xor NaN") << zstd(QByteArray("MH\x01\x01\x01\x01\x01\x02\x00\x01"
                                                    "a\x00\x01"
                                                    "\x00\x00\x00\x00\x00\x00\xf8\x7f",
                                                    21))
                                 << "non-finite";
        QTest::newRow("times descending")
            << zstd(QByteArray("MH\x01\x02\x00\x01\x01\x04\x03", 9)) << "not ascending";
        QTest::newRow("integer overflow")
            << zstd(QByteArray("MH\x01\x02\x01\x01\x01\x02\x02\x00\x01"
                               "a\x00\x00\x00\x01\x01"
                               "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01"
                               "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01",
                               37))
            << "overflow";
        QByteArray bomb(65 * 1024 * 1024, '\0');
        QTest::newRow("decoded size over the limit") << zstd(bomb) << "over the limit";
    }
    void decodeRefuses() {
        QFETCH(QByteArray, stored);
        QFETCH(QString, error);
        const auto decoded = decodeBlock(stored);
        QVERIFY(!decoded);
        QVERIFY2(decoded.error().startsWith(u"history block: "), qPrintable(decoded.error()));
        QVERIFY2(decoded.error().contains(error), qPrintable(decoded.error()));
    }

    // Every cut and many changed bytes of a real block: refused or decoded,
    // never a crash (and what decodes is a block that encodes again).
    void hostileMutations() {
        Block b = blockOf({10, 11, 13, 20}, {{"cpu.usage", {1.5, 2.5, Absent, 99.9}},
                                             {"memory.used", {1e9, 2e9, 3e9, 1e300}}});
        const QByteArray good = *encodeBlock(b);
        const QByteArray raw = unzstd(good);
        for (qsizetype n = 0; n < good.size(); ++n)
            QVERIFY(!decodeBlock(good.left(n)));
        for (qsizetype n = 0; n < raw.size(); ++n)
            QVERIFY(!decodeBlock(zstd(raw.left(n))));
        int decoded = 0;
        for (qsizetype i = 0; i < raw.size(); ++i) {
            for (char v : {'\x00', '\x01', '\x7f', '\x80', '\xff'}) {
                QByteArray mutated = raw;
                mutated[i] = v;
                if (const auto d = decodeBlock(zstd(mutated))) {
                    ++decoded;
                    QVERIFY(encodeBlock(*d));
                }
            }
        }
        QVERIFY(decoded > 0); // the loop did reach blocks that still parse
    }

    void merge() {
        const Block older = blockOf({1, 2, 3}, {{"a", {1, 2, 3}}});
        const Block newer = blockOf({3, 4}, {{"a", {30, 40}}, {"b", {Absent, 5}}});
        const Block m = mergeBlocks({older, newer});
        compareBlocks(
            m, blockOf({1, 2, 3, 4}, {{"a", {1, 2, 30, 40}}, {"b", {Absent, Absent, Absent, 5}}}));
        compareBlocks(sliceBlock(m, 2, 3), blockOf({2, 3}, {{"a", {2, 30}}}));
        QVERIFY(sliceBlock(m, 5, 9).isEmpty());
        QVERIFY(mergeBlocks({}).isEmpty());
        // Blocks apart in time, in any order (and an empty one): end to end in time order, the
        // columns in the order the blocks bring them.
        const Block later = blockOf({5, 6}, {{"b", {6, Absent}}, {"a", {50, 60}}});
        compareBlocks(mergeBlocks({later, Block{}, older}),
                      blockOf({1, 2, 3, 5, 6}, {{"b", {Absent, Absent, Absent, 6, Absent}},
                                                {"a", {1, 2, 3, 50, 60}}}));
        // One point in common: the later block's point wins whole (its absent "a" stays absent).
        const Block touching = blockOf({3, 4}, {{"b", {7, 8}}});
        compareBlocks(mergeBlocks({older, later, touching}),
                      blockOf({1, 2, 3, 4, 5, 6}, {{"a", {1, 2, Absent, Absent, 50, 60}},
                                                   {"b", {Absent, Absent, 7, 8, 6, Absent}}}));
    }

    void downsampling_data() {
        QTest::addColumn<Block>("input");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<Block>("want"); // Avg columns then Max columns
        auto aggregated = [](const QList<qint64> &t, const QString &path, const QList<double> &avg,
                             const QList<double> &max) {
            Block b = blockOf(t, {{path, avg}}, ColumnKind::Avg);
            b.columns.append(blockOf(t, {{path, max}}, ColumnKind::Max).columns);
            return b;
        };
        QList<qint64> seconds;
        QList<double> ramp;
        for (int i = 0; i < 120; ++i) {
            seconds.append(1796515200 + i);
            ramp.append(i);
        }
        QTest::newRow("1 s to 1 min")
            << blockOf(seconds, {{"v", ramp}}) << qint64(60)
            << aggregated({1796515200, 1796515260}, "v", {29.5, 89.5}, {59, 119});
        QTest::newRow("gaps in a minute") << blockOf({70, 80}, {{"v", {10, 20}}}) << qint64(60)
                                          << aggregated({60}, "v", {15}, {20});
        QTest::newRow("absent values skipped") << blockOf({0, 1, 2}, {{"v", {4, Absent, 8}}})
                                               << qint64(60) << aggregated({0}, "v", {6}, {8});
        QTest::newRow("negative times floor") << blockOf({-61, -1}, {{"v", {1, 3}}}) << qint64(60)
                                              << aggregated({-120, -60}, "v", {1, 3}, {1, 3});
        QList<qint64> minutes;
        QList<double> avgs, maxes;
        for (int i = 0; i < 60; ++i) {
            minutes.append(3600 + 60 * i);
            avgs.append(i);
            maxes.append(2 * i);
        }
        QTest::newRow("1 min to 1 h: avg of avgs, max of maxes")
            << aggregated(minutes, "v", avgs, maxes) << qint64(3600)
            << aggregated({3600}, "v", {29.5}, {118});
        QTest::newRow("empty") << Block{} << qint64(60) << Block{};
    }
    void downsampling() {
        QFETCH(Block, input);
        QFETCH(qint64, step);
        QFETCH(Block, want);
        compareBlocks(downsample(input, step), want);
    }

    void flatten_data() {
        QTest::addColumn<QJsonObject>("sample");
        QTest::addColumn<QStringList>("paths");
        QTest::newRow("host sample")
            << QJsonObject{{"timestamp", "2026-12-05T23:00:00Z"},
                           {"cpu", QJsonObject{{"usage", 12.5}, {"cores", 8}}},
                           {"memory",
                            QJsonObject{{"used", 1e9}, {"total", 8e9}, {"percent", 12.5}}},
                           {"docker", QJsonValue::Null}}
            << QStringList{"cpu.cores", "cpu.usage", "memory.percent", "memory.total",
                           "memory.used"};
        QTest::newRow("app sample with nulls")
            << QJsonObject{{"cpu", QJsonObject{{"percent", QJsonValue::Null}}},
                           {"memory", QJsonValue::Null},
                           {"network", QJsonObject{{"rxBytes", 1}, {"txRate", 2.5}}},
                           {"pids", 3},
                           {"restarts", 0}}
            << QStringList{"network.rxBytes", "network.txRate", "pids", "restarts"};
        QTest::newRow("strings, booleans, arrays skipped")
            << QJsonObject{{"a", "1"}, {"b", true}, {"c", QJsonArray{1, 2}}, {"d", 4}}
            << QStringList{"d"};
        QTest::newRow("bad keys and reserved names skipped")
            << QJsonObject{{"a.b", 1}, {"", 2}, {QString(65, u'k'), 3}, {"max", 4}, {"ok", 5}}
            << QStringList{"ok"};
        QTest::newRow("deep nesting cut")
            << QJsonObject{{"a",
                            QJsonObject{
                                {"b",
                                 QJsonObject{
                                     {"c", QJsonObject{{"d", 1}, {"e", QJsonObject{{"f", 2}}}}}}}}}}
            << QStringList{"a.b.c.d"};
        QTest::newRow("infinite skipped")
            << QJsonObject{{"a", std::numeric_limits<double>::infinity()}, {"b", 1}}
            << QStringList{"b"};
        QTest::newRow("empty") << QJsonObject{} << QStringList{};
    }
    void flatten() {
        QFETCH(QJsonObject, sample);
        QFETCH(QStringList, paths);
        const QHash<QString, double> fields = flattenSample(sample);
        QStringList got = fields.keys();
        got.sort();
        QCOMPARE(got, paths);
        // Nesting gives back the numeric part of the sample.
        const QJsonObject nested = nestFields(fields);
        QCOMPARE(flattenSample(nested), fields);
    }

    void rfc3339_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms"); // -1: refused
        QTest::newRow("Z") << "2026-12-05T23:00:00Z" << qint64(1796511600000);
        QTest::newRow("lower case") << "2026-12-05t23:00:00z" << qint64(1796511600000);
        QTest::newRow("offset") << "2026-12-06T00:00:00+01:00" << qint64(1796511600000);
        QTest::newRow("negative offset") << "2026-12-05T22:00:00-01:00" << qint64(1796511600000);
        QTest::newRow("milliseconds") << "2026-12-05T23:00:00.250Z" << qint64(1796511600250);
        QTest::newRow("nanoseconds") << "2026-12-05T23:00:00.123456789Z" << qint64(1796511600123);
        QTest::newRow("no zone") << "2026-12-05T23:00:00" << qint64(-1);
        QTest::newRow("date only") << "2026-12-05" << qint64(-1);
        QTest::newRow("month 13") << "2026-13-05T23:00:00Z" << qint64(-1);
        QTest::newRow("hour 25") << "2026-12-05T25:00:00Z" << qint64(-1);
        QTest::newRow("epoch seconds") << "1796511600" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("trailing junk") << "2026-12-05T23:00:00Zjunk" << qint64(-1);
        QTest::newRow("huge") << QString(10000, u'9') << qint64(-1);
    }
    void rfc3339() {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto parsed = parseRfc3339Ms(text);
        QCOMPARE(parsed.value_or(-1), ms);
    }

    void range_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<qint64>("step"); // 0: refused with `error`
        QTest::addColumn<int>("tier");
        QTest::addColumn<QString>("error");
        // now = 2026-12-05T23:00:00Z
        QTest::newRow("last hour, default step")
            << "from=2026-12-05T22:00:00Z&to=2026-12-05T23:00:00Z" << qint64(1) << 0 << "";
        QTest::newRow("to defaults to now") << "from=2026-12-05T22:00:00Z" << qint64(1) << 0 << "";
        QTest::newRow("a week ago: minutes")
            << "from=2026-11-28T23:00:00Z&to=2026-12-05T23:00:00Z" << qint64(60) << 1 << "";
        QTest::newRow("a year ago: hours")
            << "from=2025-12-06T00:00:00Z" << qint64(3600) << 2 << "";
        QTest::newRow("step 60 recent: minute tier")
            << "from=2026-12-05T22:00:00Z&step=60" << qint64(60) << 1 << "";
        QTest::newRow("step 300 a week ago: minute tier")
            << "from=2026-11-28T23:00:00Z&step=300" << qint64(300) << 1 << "";
        QTest::newRow("step 30: seconds tier")
            << "from=2026-12-05T22:00:00Z&step=30" << qint64(30) << 0 << "";
        QTest::newRow("24 h at 1 s fits")
            << "from=2026-12-04T23:00:00Z&step=1" << qint64(1) << 0 << "";
        QTest::newRow("offset encoded")
            << "from=2026-12-05T23:00:00%2B01:00&step=1" << qint64(1) << 0 << "";
        QTest::newRow("no from") << "to=2026-12-05T23:00:00Z" << qint64(0) << 0
                                 << "from is required";
        QTest::newRow("from malformed") << "from=yesterday" << qint64(0) << 0 << "from is not";
        QTest::newRow("to malformed")
            << "from=2026-12-05T22:00:00Z&to=2026-12-05" << qint64(0) << 0 << "to is not";
        QTest::newRow("from after to") << "from=2026-12-05T23:00:00Z&to=2026-12-05T22:00:00Z"
                                       << qint64(0) << 0 << "from is after to";
        for (const char *bad : {"0", "-5", "abc", "1.5", "", "31536001", "99999999999999999999"})
            QTest::newRow(qPrintable(QStringLiteral("step %1").arg(bad)))
                << QStringLiteral("from=2026-12-05T22:00:00Z&step=%1").arg(bad) << qint64(0) << 0
                << "step must be a whole number";
        QTest::newRow("2 days at 1 s")
            << "from=2026-12-03T23:00:00Z&step=1" << qint64(0) << 0 << "at most 100000";
        QTest::newRow("10 years at 1 min")
            << "from=2016-12-05T23:00:00Z&step=60" << qint64(0) << 0 << "at most 100000";
    }
    void range() {
        QFETCH(QString, query);
        QFETCH(qint64, step);
        QFETCH(int, tier);
        QFETCH(QString, error);
        const auto r = parseHistoryRange(QUrlQuery(query), 1796511600000);
        if (step == 0) {
            QVERIFY(!r);
            QVERIFY2(r.error().contains(error), qPrintable(r.error()));
            return;
        }
        QVERIFY2(r, qPrintable(r.error()));
        QCOMPARE(r->step, step);
        QCOMPARE(r->tier, tier);
        QVERIFY(r->from <= r->to);
    }
};

QTEST_GUILESS_MAIN(TestHistoryFormat)
#include "tst_historyformat.moc"
