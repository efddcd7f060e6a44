// SPDX-License-Identifier: GPL-3.0-or-later

// The history answer's direct JSON writer (history/HistoryAnswer.h) against the answer as it
// was built before, a QJsonObject per point printed by QJsonDocument::Compact (kept below as
// the reference): byte for byte, on history recorded by a real server (the fixture), on samples
// with null and missing fields recorded here, on every tier with avg and max, and on blocks
// made to hit the corners (keys that need escaping, a field that is a number at some seconds
// and an object at others, "timestamp" and "max" as field names, numbers Qt prints either way).
#include "TestPaths.h"
#include "history/HistoryAnswer.h"
#include "history/MetricHistory.h"
#include "http/HttpResponse.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace mist::history;

namespace {

// ---- The answer as it was built before the direct writer (MetricHistory.cpp until then). ----
struct Leaf {
    QStringList parts;
    qsizetype column;
};

QJsonObject nest(const QList<Leaf> &leaves, qsizetype begin, qsizetype end, int depth,
                 const Block &block, qsizetype row) {
    QJsonObject object;
    qsizetype i = begin;
    while (i < end) {
        const QString &key = leaves[i].parts[depth];
        if (leaves[i].parts.size() == depth + 1) {
            const Column &c = block.columns[leaves[i].column];
            if (c.present[row])
                object.insert(key, c.values[row]);
            ++i;
            continue;
        }
        qsizetype j = i + 1;
        while (j < end && leaves[j].parts.size() > depth + 1 && leaves[j].parts[depth] == key)
            ++j;
        const QJsonObject inner = nest(leaves, i, j, depth + 1, block, row);
        if (!inner.isEmpty())
            object.insert(key, inner);
        i = j;
    }
    return object;
}

QList<Leaf> leavesOf(const Block &block, ColumnKind kind) {
    QList<Leaf> leaves;
    for (qsizetype c = 0; c < block.columns.size(); ++c)
        if (block.columns[c].kind == kind)
            leaves.append(Leaf{block.columns[c].path.split(u'.'), c});
    std::sort(leaves.begin(), leaves.end(),
              [](const Leaf &a, const Leaf &b) { return a.parts < b.parts; });
    return leaves;
}

QJsonObject oldAnswer(const Block &block, qint64 step, bool aggregated) {
    const QList<Leaf> values = leavesOf(block, aggregated ? ColumnKind::Avg : ColumnKind::Value);
    const QList<Leaf> maxima = leavesOf(block, ColumnKind::Max);
    QJsonArray points;
    for (qsizetype i = 0; i < block.size(); ++i) {
        QJsonObject point = nest(values, 0, values.size(), 0, block, i);
        if (aggregated)
            point.insert(QStringLiteral("max"), nest(maxima, 0, maxima.size(), 0, block, i));
        point.insert(QStringLiteral("timestamp"),
                     QDateTime::fromSecsSinceEpoch(block.times[i], Qt::UTC).toString(Qt::ISODate));
        points.append(point);
    }
    return QJsonObject{{QStringLiteral("step"), double(step)}, {QStringLiteral("points"), points}};
}
// ---- end of the reference ----

QByteArray oldBytes(const Block &block, qint64 step, bool aggregated) {
    return QJsonDocument(oldAnswer(block, step, aggregated)).toJson(QJsonDocument::Compact);
}

QByteArray qtNumber(double v) {
    const QByteArray one = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return one.mid(1, one.size() - 2);
}

QByteArray ourNumber(double v) {
    QByteArray out;
    appendJsonNumber(out, v);
    return out;
}

QByteArray qtTimestamp(qint64 t) {
    const QString s = QDateTime::fromSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODate);
    const QByteArray one = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return one.mid(1, one.size() - 2);
}

// The first place two answers differ, for a readable failure.
QString firstDifference(const QByteArray &a, const QByteArray &b) {
    qsizetype i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    return QStringLiteral("sizes %1 and %2, first difference at %3: ...%4... vs ...%5...")
        .arg(a.size())
        .arg(b.size())
        .arg(i)
        .arg(QString::fromUtf8(a.mid(std::max<qsizetype>(0, i - 40), 80)))
        .arg(QString::fromUtf8(b.mid(std::max<qsizetype>(0, i - 40), 80)));
}

void append(Block &b, qint64 t, const QHash<QString, double> &fields, ColumnKind kind) {
    // Points of several kinds at one time: the first call adds the time.
    if (b.isEmpty() || b.times.last() != t) {
        QVERIFY(b.append(t, fields, kind));
        return;
    }
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        Column &c = b.column(it.key(), kind);
        c.values.last() = it.value();
        c.present.last() = true;
    }
}

} // namespace

class TestHistoryAnswer : public QObject {
    Q_OBJECT

    qint64 nowMs = 0;

    // The answer of `range` three ways: the reference over the points, the writer over them,
    // and MetricHistory's own answer; and the REST body around it both ways.
    void compare(MetricHistory &h, const QString &series, const HistoryRange &range,
                 qsizetype minPoints) {
        const auto points = h.pointsNow(series, range);
        QVERIFY2(points, qPrintable(points ? QString() : points.error()));
        QVERIFY2(points->size() >= minPoints,
                 qPrintable(QStringLiteral("%1 points").arg(points->size())));
        const bool aggregated = range.step > 1;
        const QByteArray expected = oldBytes(*points, range.step, aggregated);
        const QByteArray written = answerJson(*points, range.step, aggregated);
        QVERIFY2(written == expected, qPrintable(firstDifference(written, expected)));
        const auto answered = h.answerNow(series, range);
        QVERIFY(answered);
        QVERIFY2(*answered == expected, qPrintable(firstDifference(*answered, expected)));
        // The REST body: ok() of the old answer, and the envelope written around the new one by
        // the worker, as the route asks for it.
        const auto before =
            mist::http::HttpResponse::ok(oldAnswer(*points, range.step, aggregated));
        const auto envelope = mist::http::HttpResponse::okEnvelope();
        std::optional<QByteArray> body;
        h.query(
            series, range, [&body](mist::Expected<QByteArray> b) { body = b.value_or("failed"); },
            envelope.head, envelope.tail);
        QTRY_VERIFY(body);
        const auto after = mist::http::HttpResponse::jsonBody(200, *body);
        QCOMPARE(after.status, before.status);
        QCOMPARE(after.headers, before.headers);
        QVERIFY2(after.body == before.body, qPrintable(firstDifference(after.body, before.body)));
        QCOMPARE(after.serialize(true), before.serialize(true));
        QCOMPARE(after.head(false) + after.body, before.serialize(false));
    }

private slots:
    void numbersAsQt_data() {
        QTest::addColumn<double>("value");
        const double max = std::numeric_limits<double>::max();
        const double two53 = 9007199254740992.0;
        const QList<QPair<const char *, double>> rows = {
            {"zero", 0.0},
            {"negative zero", -0.0},
            {"one", 1},
            {"minus one", -1},
            {"million", 1e6},
            {"memory bytes", 6442450944.0},
            {"1e15", 1e15},
            {"2^53 - 1", two53 - 1},
            {"2^53", two53},
            {"-2^53", -two53},
            {"2^53 + 2", two53 + 2},
            {"-(2^53 + 2)", -(two53 + 2)},
            {"9.1e15", 9.1e15},
            {"1e16", 1e16},
            {"2^63", 9223372036854775808.0},
            {"-2^63", -9223372036854775808.0},
            {"2^64", 18446744073709551616.0},
            {"1e21", 1e21},
            {"1e300", 1e300},
            {"largest", max},
            {"lowest", -max},
            {"smallest normal", std::numeric_limits<double>::min()},
            {"smallest denormal", std::numeric_limits<double>::denorm_min()},
            {"tenth", 0.1},
            {"one decimal", 12.3},
            {"two decimals", 97.45},
            {"third", 1.0 / 3},
            {"1e-4", 1e-4},
            {"1e-5", 1e-5},
            {"1.5e-7", 1.5e-7},
            {"half past 2^52", 4503599627370495.5},
            {"average", 12345.678901234567},
            {"negative fraction", -3.25},
            {"NaN", std::nan("")},
            {"infinity", std::numeric_limits<double>::infinity()},
            {"minus infinity", -std::numeric_limits<double>::infinity()},
        };
        for (const auto &[name, value] : rows)
            QTest::newRow(name) << value;
    }
    void numbersAsQt() {
        QFETCH(double, value);
        QCOMPARE(ourNumber(value), qtNumber(value));
    }

    // Numbers of every kind the history holds, and random bits.
    void numbersAsQtRandom() {
        QRandomGenerator rng(18);
        int checked = 0;
        for (int i = 0; i < 300000; ++i) {
            double v = 0;
            switch (i % 6) {
            case 0: { // any bits
                const quint64 bits = rng.generate64();
                std::memcpy(&v, &bits, sizeof v);
                break;
            }
            case 1: // whole numbers of any size
                v = std::round(std::ldexp(rng.generateDouble(), rng.bounded(0, 70)));
                break;
            case 2: // decimals with up to six places, as recorded
                v = double(qint64(rng.generate64() % 100000000000)) / std::pow(10, rng.bounded(7));
                break;
            case 3: // averages
                v = double(rng.bounded(1000000)) / double(1 + rng.bounded(3600));
                break;
            case 4: // near 2^53, both sides and both signs
                v = (i % 2 ? -1 : 1) * (9007199254740992.0 + double(rng.bounded(-64, 64)) * 2);
                break;
            default: // 1 to 17 digits times a power of ten: where the plain and the exponent
                     // forms are about as long
                v = double(rng.generate64() % quint64(std::pow(10, rng.bounded(1, 18)))) *
                    std::pow(10, rng.bounded(-30, 30));
            }
            if (ourNumber(v) != qtNumber(v))
                QFAIL(qPrintable(QStringLiteral("%1: %2 vs Qt's %3")
                                     .arg(v, 0, 'g', 17)
                                     .arg(QString::fromLatin1(ourNumber(v)))
                                     .arg(QString::fromLatin1(qtNumber(v)))));
            ++checked;
        }
        QCOMPARE(checked, 300000);
    }

    void timestampsAsQt() {
        QList<qint64> times = {0,
                               1,
                               -1,
                               -86400,
                               -86401,
                               1796515200,
                               1796601599,
                               951782400,    // 2000-02-29
                               253402300799, // 9999-12-31T23:59:59Z
                               253402300800, // year 10000: Qt prints no date
                               -62135596800, // 0001-01-01
                               -62135596801,
                               -62167219200, // year 0
                               -62167219201,
                               qint64(1) << 40,
                               -(qint64(1) << 40)};
        QRandomGenerator rng(6);
        for (int i = 0; i < 20000; ++i)
            times.append(qint64(rng.generate64() % (qint64(2) << 38)) - (qint64(1) << 38));
        for (int i = 0; i < 3 * 86400; i += 7)
            times.append(1796515200 - 86400 + i);
        // One writer over all, as an answer uses it (its day changes often here).
        TimestampWriter writer;
        for (qint64 t : std::as_const(times)) {
            QByteArray ours;
            writer.append(ours, t);
            QVERIFY2(ours == qtTimestamp(t),
                     qPrintable(QStringLiteral("%1: %2 vs %3")
                                    .arg(t)
                                    .arg(QString::fromLatin1(ours))
                                    .arg(QString::fromLatin1(qtTimestamp(t)))));
        }
    }

    // The reference is what clients got: pin it to a literal so that the comparisons below
    // cannot pass by both sides changing.
    void referenceIsWhatClientsGot() {
        Block b;
        append(b, 1796515200, {{"cpu.usage", 12.5}, {"memory.used", 1073741824}}, ColumnKind::Avg);
        append(b, 1796515200, {{"cpu.usage", 97}}, ColumnKind::Max);
        append(b, 1796515260, {{"memory.used", 2e16}}, ColumnKind::Avg);
        const QByteArray expected =
            R"({"points":[{"cpu":{"usage":12.5},"max":{"cpu":{"usage":97}},"memory":{"used":1073741824},)"
            R"("timestamp":"2026-12-06T00:00:00Z"},{"max":{},"memory":{"used":2e+16},)"
            R"("timestamp":"2026-12-06T00:01:00Z"}],"step":60})";
        QCOMPARE(oldBytes(b, 60, true), expected);
        QCOMPARE(answerJson(b, 60, true), expected);
    }

    void sameBytesOnCorners() {
        Block b;
        const QString odd =
            QString::fromUtf8("é\"\\\n\x01/€") + QChar(0x1F600 >> 10 | 0xD800) + QChar(0xDE00);
        append(b, 100, {{"a", 1}, {"b.c", 2.5}, {"timestamp", 7}, {"max", 8}}, ColumnKind::Value);
        append(b, 101, {{"a.x", 3}, {"b.c", 0.1}, {odd, -0.0}, {odd + ".inner", 1e-7}},
               ColumnKind::Value);
        append(b, 102, {{"a", 4}, {"a.x.y", 5}, {"Z", 6}, {"_", 7}, {"timestamp.z", 1}},
               ColumnKind::Value);
        append(b, 103, {}, ColumnKind::Value); // a second with nothing
        append(b, 104, {{"b", 9}, {"b.c", 1e300}, {"deep.a.b.c", 1.0 / 3}}, ColumnKind::Value);
        QCOMPARE(answerJson(b, 1, false), oldBytes(b, 1, false));
        // The same as averages with maxima of other fields, and "max" as a field's name.
        Block a;
        for (const Column &c : std::as_const(b.columns)) {
            Column avg = c, max = c;
            avg.kind = ColumnKind::Avg;
            max.kind = ColumnKind::Max;
            for (double &v : max.values)
                v = v * 2 + 0.5;
            a.columns.append(avg);
            if (!c.path.startsWith(u'a'))
                a.columns.append(max);
        }
        a.times = b.times;
        QCOMPARE(answerJson(a, 3600, true), oldBytes(a, 3600, true));
        QCOMPARE(answerJson(Block{}, 1, false), oldBytes(Block{}, 1, false));
        QCOMPARE(answerJson(Block{}, 300, true), oldBytes(Block{}, 300, true));
    }

    // A server's history.db (recorded by the real server with the real samplers on the build
    // machine: the host, and an app that ran for two minutes), plus an app recorded here that
    // has null and missing fields; answered on every tier and at several steps.
    void sameBytesOnRecordedData() {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(mist::test::sourcePath("tests/history/fixtures/history.db"),
                            dir.filePath("history.db")));
        QFile::setPermissions(dir.filePath("history.db"), QFile::ReadOwner | QFile::WriteOwner);
        const qint64 first = 1796546578, last = 1796553448; // the host's seconds in the file
        nowMs = (last + 30) * 1000;
        MetricHistory h(dir.path(), [this] { return nowMs; });
        QVERIFY(h.open());
        recordApp(h, 900);
        const QString app = appSeries(7);
        compare(h, HostSeries, {first, last, 1, 0}, 6000);
        compare(h, HostSeries, {first + 1234, first + 4321, 1, 0}, 3000);
        compare(h, HostSeries, {first, last, 10, 0}, 600);
        compare(h, HostSeries, {first, last, 60, 1}, 100);
        compare(h, HostSeries, {first, last, 60, 0}, 100);
        compare(h, HostSeries, {first, last, 300, 1}, 20);
        compare(h, HostSeries, {first - 86400, last, 3600, 2}, 2);
        compare(h, appSeries(1), {first, last, 1, 0}, 100);
        compare(h, appSeries(1), {first, last, 60, 1}, 2);
        compare(h, app, {last, last + 900, 1, 0}, 500);
        compare(h, app, {last, last + 900, 7, 0}, 50);
        compare(h, app, {last, last + 900, 60, 1}, 10);
        compare(h, HostSeries, {last + 5000, last + 6000, 1, 0}, 0); // nothing there
        // The 30 days a client asks without a step (the desktop's 30 d window asks 1800).
        QUrlQuery month;
        month.addQueryItem("from", "2026-11-07T00:00:00Z");
        const auto range = parseHistoryRange(month, nowMs);
        QVERIFY(range);
        QCOMPARE(range->step, qint64(60));
        compare(h, HostSeries, *range, 100);
        compare(h, HostSeries, {range->from, range->to, 1800, 1}, 4);
    }

private:
    // 900 s of an app whose container stops (all null: no point), comes back without network
    // figures, and gains a field.
    void recordApp(MetricHistory &h, int seconds) {
        const QString series = appSeries(7);
        for (int i = 0; i < seconds; ++i) {
            const bool stopped = i % 300 >= 200 && i % 300 < 230;
            const QJsonValue null = QJsonValue::Null;
            QJsonObject sample{
                {"cpu", QJsonObject{{"percent", stopped ? null : QJsonValue(i % 97 * 1.01)}}},
                {"memory", QJsonObject{{"used", stopped ? null : QJsonValue(5e7 + 4096 * i)},
                                       {"limit", stopped ? null : QJsonValue(2147483648.0)}}},
                {"network", i % 300 < 100 || stopped
                                ? QJsonValue(null)
                                : QJsonValue(QJsonObject{{"rxBytes", 1000.0 * i},
                                                         {"rxRate", i % 3 ? 0.0 : 1e3}})},
                {"pids", stopped ? null : QJsonValue(12)},
                {"restarts", stopped ? null : QJsonValue(i / 300)},
                {"name", "web"},
                {"state", stopped ? "exited" : "running"},
            };
            if (i > 450 && !stopped)
                sample.insert("blockio", QJsonObject{{"readBytes", 4096.0 * i}});
            h.record(series, nowMs, sample);
            nowMs += 1000;
            if (i % 5 == 4) { // as the flush timer would
                h.flush();
                h.sync();
            }
            if (i % 60 == 59)
                h.maintain();
        }
        nowMs += 120 * 1000;
        h.maintain();
        h.sync();
    }
};

QTEST_GUILESS_MAIN(TestHistoryAnswer)
#include "tst_historyanswer.moc"
