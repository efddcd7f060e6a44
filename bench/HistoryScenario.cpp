// SPDX-License-Identifier: GPL-3.0-or-later

// 10. Metric history (src/core/history) on its own, in this process, with its
// clock moved forward: bytes on disk per stored 1 s point for a host series
// and two app series, and the time to answer 24 h at 1 s for one series and
// 30 days for the host (on the history's worker, and what the server's thread
// adds to it). No engine and no server: the figures are the
// history's (docs/HISTORY.md).

#include "Scenarios.h"

#include "history/HistoryFormat.h"
#include "history/MetricHistory.h"
#include "http/HttpResponse.h"
#include "store/HistoryStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <cmath>
#include <limits>
#include <optional>

namespace mist::bench {

namespace {

using namespace mist::history;

Figure historyFigure(const QString &name, double value, const QString &unit,
                     const QString &target = {}, int met = -1, const QString &note = {}) {
    return Figure{QStringLiteral("history"), name, value, unit, target, met, note};
}

double round1(double v) {
    return std::round(v * 10) / 10;
}

// Samples shaped and moving like real ones: CPU a noisy walk with one
// decimal, memory used a walk in KiB (as /proc/meminfo counts it), disk
// growing by pages, counters rising at a varying rate.
class SampleMaker {
public:
    explicit SampleMaker(quint32 seed)
        : m_rng(seed) {}
    QJsonObject host() {
        m_cpu = std::clamp(m_cpu + (m_rng.bounded(6.0) - 3.0), 0.0, 100.0);
        m_mem = std::max(1e9, m_mem + 1024.0 * double(m_rng.bounded(-200, 201)));
        m_disk += 4096.0 * double(m_rng.bounded(0, 8));
        const double memTotal = 16.0 * 1024 * 1024 * 1024, diskTotal = 500e9;
        return QJsonObject{
            {"timestamp", "2026-12-06T00:00:00Z"},
            {"cpu", QJsonObject{{"usage", round1(m_cpu)}, {"cores", 8}}},
            {"memory", QJsonObject{{"used", m_mem},
                                   {"total", memTotal},
                                   {"percent", round1(m_mem / memTotal * 100)}}},
            {"disk", QJsonObject{{"used", m_disk},
                                 {"total", diskTotal},
                                 {"percent", round1(m_disk / diskTotal * 100)}}},
            {"docker", QJsonObject{{"containers", 14}, {"running", 12}, {"images", 31}}},
        };
    }
    // A busy app (rates vary every second) or an idle one (flat, counters still).
    QJsonObject app(bool busy) {
        const double rate = busy ? double(m_rng.bounded(0, 200000)) : 0;
        m_rx += rate;
        m_tx += rate / 3;
        m_read += busy ? 4096.0 * double(m_rng.bounded(0, 4)) : 0;
        m_appCpu = busy ? std::clamp(m_appCpu + (m_rng.bounded(4.0) - 2.0), 0.0, 400.0) : 0.02;
        const double used = busy ? 300e6 + 4096.0 * double(m_rng.bounded(0, 2000)) : 52428800;
        return QJsonObject{
            {"cpu", QJsonObject{{"percent", std::round(m_appCpu * 100) / 100}}},
            {"memory", QJsonObject{{"used", used},
                                   {"limit", 2147483648.0},
                                   {"percent", std::round(used / 2147483648.0 * 10000) / 100}}},
            {"network", QJsonObject{{"rxBytes", m_rx},
                                    {"txBytes", std::round(m_tx)},
                                    {"rxRate", rate},
                                    {"txRate", std::round(rate / 3)}}},
            {"blockio",
             QJsonObject{
                 {"readBytes", m_read}, {"writeBytes", 0}, {"readRate", 0}, {"writeRate", 0}}},
            {"pids", busy ? 12 + m_rng.bounded(0, 3) : 1},
            {"restarts", 0},
        };
    }

private:
    QRandomGenerator m_rng;
    double m_cpu = 20, m_mem = 6e9, m_disk = 200e9;
    double m_rx = 0, m_tx = 0, m_read = 0, m_appCpu = 50;
};

struct Clock {
    qint64 ms = 0;
};

// `seconds` of samples a `every` seconds for the series, flushing as the
// timer would and maintaining every `maintainEvery` seconds.
void feed(MetricHistory &h, Clock &clock, SampleMaker &make, const QStringList &series,
          qint64 seconds, qint64 every, qint64 maintainEvery) {
    for (qint64 s = 0; s < seconds; s += every) {
        for (const QString &name : series) {
            const QJsonObject sample =
                name == HostSeries ? make.host() : make.app(name.endsWith(u'1'));
            h.record(name, clock.ms, sample);
        }
        clock.ms += every * 1000;
        if ((clock.ms / 1000) % 5 < every) {
            h.flush();
            h.sync();
        }
        if ((clock.ms / 1000) % maintainEvery < every)
            h.maintain();
    }
    h.flush();
    h.sync();
}

// Bytes of sealed 1 s blocks per stored 1 s point, after the windows end.
double bytesPerPoint(MetricHistory &h, Clock &clock) {
    clock.ms += 2 * 3600 * 1000;
    h.maintain();
    h.sync();
    const QJsonObject stats = h.stats();
    const double points = stats.value("storedPoints").toArray()[0].toDouble();
    return points > 0 ? stats.value("dataBytes").toArray()[0].toDouble() / points : 0;
}

// What the sealed 1 s blocks of a data directory's history.db cost, per kind of series (host,
// app): bytes per point of a whole sample, and per point of one metric series, one field as
// Prometheus counts a series (cpu.usage of the host, memory.used of app 3, ...); and each
// field's own share: the block encoded with that column alone, less the block of its times.
struct KindCost {
    qint64 points = 0;      // samples in sealed 1 s blocks
    qint64 bytes = 0;       // their blocks' bytes as stored
    qint64 fieldPoints = 0; // points of every field (a field present at a point counts once)
    QMap<QString, QPair<qint64, qint64>> fields; // path -> its bytes, its points
    double perSample() const { return points ? double(bytes) / double(points) : 0; }
    double perSeriesPoint() const { return fieldPoints ? double(bytes) / double(fieldPoints) : 0; }
    // The field whose points cost the most, as "path (x.xx B)".
    QString costliest() const {
        QString name;
        double most = -1;
        for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
            const double perPoint = double(it->first) / double(std::max<qint64>(1, it->second));
            if (perPoint > most) {
                most = perPoint;
                name = it.key();
            }
        }
        return QStringLiteral("%1 (%2 B)").arg(name).arg(most, 0, 'f', 2);
    }
};

void addBlockCost(KindCost &cost, const Block &block, qint64 storedBytes) {
    cost.points += block.size();
    cost.bytes += storedBytes;
    Block times;
    times.times = block.times;
    const qint64 timesBytes = encodeBlock(times).value_or(QByteArray()).size();
    for (const Column &c : block.columns) {
        const qint64 present = c.present.count(true);
        cost.fieldPoints += present;
        Block one = times;
        one.columns = {c};
        const qint64 bytes = encodeBlock(one).value_or(QByteArray()).size() - timesBytes;
        auto &field = cost.fields[c.path];
        field.first += std::max<qint64>(0, bytes);
        field.second += present;
    }
}

struct BlockCosts {
    KindCost host;
    KindCost apps;
};

Expected<BlockCosts> sealedCosts(const QString &dataDir) {
    store::HistoryStore store;
    if (auto opened = store.open(dataDir); !opened)
        return fail(opened.error());
    const auto series = store.series();
    if (!series)
        return fail(series.error());
    BlockCosts costs;
    for (const QString &name : *series) {
        const auto blocks = store.blocks(name, 0, 0, std::numeric_limits<qint64>::max(), 0);
        if (!blocks)
            return fail(blocks.error());
        for (const auto &stored : *blocks) {
            if (!stored.sealed)
                continue;
            const auto block = decodeBlock(stored.data);
            if (!block)
                return fail(block.error());
            addBlockCost(name == HostSeries ? costs.host : costs.apps, *block, stored.data.size());
        }
    }
    return costs;
}

// The figures of one kind of series: a metric series' point (judged: the issue's "≤ 1 byte per
// stored 1 s point per series on average") and a whole sample's (reported).
void addCosts(Report &r, const KindCost &cost, const QString &kind, const QString &what) {
    if (cost.points == 0)
        return r.fail(QStringLiteral("history"),
                      QStringLiteral("no sealed 1 s block of %1 series in %2").arg(kind, what));
    const double perSeries = cost.perSeriesPoint();
    r.add(historyFigure(QStringLiteral("bytes per 1 s point per series, %1").arg(kind), perSeries,
                        QStringLiteral("B"), QStringLiteral("≤ 1"), metIf(perSeries <= 1),
                        QStringLiteral("%1: %2 fields, %3 samples; costliest field %4")
                            .arg(what)
                            .arg(cost.fields.size())
                            .arg(cost.points)
                            .arg(cost.costliest())));
    r.add(historyFigure(QStringLiteral("bytes per 1 s sample, %1 (all fields)").arg(kind),
                        cost.perSample(), QStringLiteral("B"), {}, -1, what));
}

// ms to answer as the route does: the worker reads the points and writes the JSON in its
// envelope; `serverMs`, what the server's thread then does with it (the response's head; the
// body goes to the socket shared, not copied).
double answerMs(MetricHistory &h, const QString &series, const HistoryRange &range,
                qsizetype *points, qsizetype *bytes, double *serverMs) {
    const auto envelope = http::HttpResponse::okEnvelope();
    std::optional<QByteArray> body;
    const qint64 t0 = monotonicNs();
    h.query(
        series, range, [&body](Expected<QByteArray> b) { body = b.value_or(QByteArray()); },
        envelope.head, envelope.tail);
    while (!body)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    const qint64 t1 = monotonicNs();
    const auto response = http::HttpResponse::jsonBody(200, *body);
    const QByteArray head = response.head(true);
    const qint64 t2 = monotonicNs();
    const QJsonObject answer = QJsonDocument::fromJson(*body).object();
    *points = answer.value("data").toObject().value("points").toArray().size();
    *bytes = body->size() - envelope.head.size() - envelope.tail.size();
    *serverMs = double(t2 - t1) / 1e6;
    return double(t1 - t0) / 1e6;
}

void measureApps(const Options &o, Report &r, qint64 seconds) {
    QTemporaryDir dir;
    Clock clock{qint64(1796515200) * 1000};
    MetricHistory h(dir.path(), [&clock] { return clock.ms; });
    if (auto opened = h.open(); !opened)
        return r.fail(QStringLiteral("history"), opened.error());
    SampleMaker make(7);
    feed(h, clock, make, {appSeries(1), appSeries(2)}, seconds, 1, 600);
    bytesPerPoint(h, clock);
    const auto costs = sealedCosts(dir.path());
    if (!costs)
        return r.fail(QStringLiteral("history"), costs.error());
    addCosts(r, costs->apps, QStringLiteral("apps"),
             QStringLiteral("synthetic: a busy and an idle app, %1 h").arg(seconds / 3600));
    (void)o;
}

// A server's own history.db (--history-dir): what real samples cost. Read from a copy (the
// file and its write-ahead log), so a running server's file, or a fixture, is left as it is.
void measureDataDir(const Options &o, Report &r) {
    QTemporaryDir copy;
    for (const char *name : {"history.db", "history.db-wal"}) {
        const QString from = QDir(o.historyDir).filePath(QLatin1String(name));
        if (QFile::exists(from) && !QFile::copy(from, copy.filePath(QLatin1String(name))))
            return r.fail(QStringLiteral("history"), QStringLiteral("cannot copy %1").arg(from));
    }
    const auto costs = sealedCosts(copy.path());
    if (!costs)
        return r.fail(QStringLiteral("history"), costs.error());
    const QString what = QStringLiteral("real samples in %1").arg(o.historyDir);
    addCosts(r, costs->host, QStringLiteral("host"), what);
    if (costs->apps.points > 0)
        addCosts(r, costs->apps, QStringLiteral("apps"), what);
}

} // namespace

void history(const Options &o, Report &r) {
    heading("history", QStringLiteral("metric history: bytes per point, answer times"));
    const qint64 day = o.smoke ? 3600 : 24 * 3600;
    const qint64 month = o.smoke ? 24 * 3600 : 30 * 24 * 3600;
    QTemporaryDir dir;
    const qint64 end = qint64(1796515200) * 1000; // 2026-12-06T00:00:00Z
    Clock clock{end - (month + day) * 1000};
    MetricHistory h(dir.path(), [&clock] { return clock.ms; });
    if (auto opened = h.open(); !opened)
        return r.fail(QStringLiteral("history"), opened.error());
    SampleMaker make(1);
    // The month before at one sample a minute (its minute points are what
    // a 30-day answer reads), then the last day at one a second.
    feed(h, clock, make, {HostSeries}, month, 60, 3600);
    feed(h, clock, make, {HostSeries}, day, 1, 600);
    const qint64 now = clock.ms / 1000;
    h.maintain();
    h.sync();
    qsizetype points = 0, bytes = 0;
    double serverMs = 0;
    double ms =
        answerMs(h, HostSeries, HistoryRange{now - day, now - 1, 1, 0}, &points, &bytes, &serverMs);
    if (points < day - 2)
        r.fail(QStringLiteral("history"), QStringLiteral("24 h at 1 s gave %1 points").arg(points));
    r.add(historyFigure(QStringLiteral("answer 24 h at 1 s, one series"), ms, QStringLiteral("ms"),
                        {}, -1,
                        QStringLiteral("%1 points, %2 MB of JSON (host, 13 fields)")
                            .arg(points)
                            .arg(double(bytes) / 1e6, 0, 'f', 1)));
    r.add(historyFigure(QStringLiteral("server thread per 24 h answer"), serverMs,
                        QStringLiteral("ms"), {}, -1,
                        QStringLiteral("the response's head; the JSON and its envelope are "
                                       "written on the history's worker")));
    const QUrlQuery month30(QStringLiteral("from=%1").arg(
        QDateTime::fromSecsSinceEpoch(now - month, Qt::UTC).toString(Qt::ISODate)));
    const auto range = parseHistoryRange(month30, clock.ms);
    if (!range)
        return r.fail(QStringLiteral("history"), range.error());
    ms = answerMs(h, HostSeries, *range, &points, &bytes, &serverMs);
    r.add(historyFigure(QStringLiteral("answer 30 d, host (default step)"), ms,
                        QStringLiteral("ms"), {}, -1,
                        QStringLiteral("step %1 s, %2 points (avg and max), %3 MB of JSON")
                            .arg(range->step)
                            .arg(points)
                            .arg(double(bytes) / 1e6, 0, 'f', 1)));
    bytesPerPoint(h, clock);
    if (const auto costs = sealedCosts(dir.path()); costs)
        addCosts(r, costs->host, QStringLiteral("host"),
                 QStringLiteral("synthetic: %1 h of random-walk CPU and memory, every figure "
                                "changing every second (a pessimistic case)")
                     .arg(day / 3600));
    else
        r.fail(QStringLiteral("history"), costs.error());
    const QJsonObject stats = h.stats();
    r.add(historyFigure(
        QStringLiteral("history.db per 1 s point, host"),
        stats.value("fileBytes").toDouble() /
            std::max(1.0, stats.value("storedPoints").toArray()[0].toDouble()),
        QStringLiteral("B"), {}, -1,
        QStringLiteral("the whole file (all tiers, SQLite pages, WAL) / 1 s points")));
    measureApps(o, r, o.smoke ? 3600 : 6 * 3600);
    if (!o.historyDir.isEmpty())
        measureDataDir(o, r);
}

} // namespace mist::bench
