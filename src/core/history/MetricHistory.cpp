// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricHistory.h"

#include "HistoryAnswer.h"
#include "HistoryLogging.h"

#include "store/HistoryStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>
#include <atomic>

namespace mist::history {

namespace {
// A minute (an hour) is downsampled once this long after it ended: its last
// seconds must have been flushed first.
constexpr qint64 SettleSeconds = 2 * MetricHistory::FlushIntervalMs / 1000 + 5;

qint64 floorTo(qint64 t, qint64 step) {
    return (t >= 0 ? t / step : -((-t + step - 1) / step)) * step;
}

// The block cut at `tier`'s window boundaries.
QList<Block> splitByWindow(const Block &block, qint64 window) {
    QList<Block> parts;
    qsizetype first = 0;
    while (first < block.size()) {
        const qint64 end = floorTo(block.times[first], window) + window;
        qsizetype last = first;
        while (last + 1 < block.size() && block.times[last + 1] < end)
            ++last;
        parts.append(sliceBlock(block, block.times[first], block.times[last]));
        first = last + 1;
    }
    return parts;
}
} // namespace

// The thread that owns history.db: writes, downsampling, sealing, expiry and
// queries, in the order they were handed over.
class HistoryWorker : public QObject {
public:
    store::HistoryStore store;
    std::atomic<int> inFlight{0};
    quint64 writes = 0;
    quint64 writeFailures = 0;

    void write(const QString &series, int tier, const Block &points, bool sealed = false);
    void maintain(qint64 now);
    Block points(const QString &series, const HistoryRange &range);

private:
    Block read(const QString &series, int tier, qint64 from, qint64 to);
    void downsampleInto(const QString &series, int tier, qint64 now);
    void seal(int tier, qint64 now);
};

void HistoryWorker::write(const QString &series, int tier, const Block &points, bool sealed) {
    for (const Block &part : splitByWindow(points, Tiers[tier].window)) {
        auto encoded = encodeBlock(part);
        store::HistoryStore::StoredBlock b{0,
                                           series,
                                           tier,
                                           part.times.first(),
                                           part.times.last(),
                                           sealed,
                                           part.size(),
                                           encoded.value_or(QByteArray())};
        const Expected<void> added = encoded ? store.add(b) : Expected<void>(fail(encoded.error()));
        ++writes;
        if (!added) {
            ++writeFailures;
            qCWarning(lcHistory).noquote() << "cannot store history of" << series << added.error();
        }
    }
}

// Every block of (series, tier) in [from, to], merged (later writes win).
Block HistoryWorker::read(const QString &series, int tier, qint64 from, qint64 to) {
    auto stored = store.blocks(series, tier, from, to, from - Tiers[tier].window);
    if (!stored) {
        qCWarning(lcHistory).noquote() << stored.error();
        return {};
    }
    std::sort(stored->begin(), stored->end(),
              [](const auto &a, const auto &b) { return a.id < b.id; });
    QList<Block> blocks;
    for (const auto &s : std::as_const(*stored)) {
        auto block = decodeBlock(s.data);
        if (block)
            blocks.append(std::move(*block));
        else
            qCWarning(lcHistory).noquote()
                << "skipping history block" << s.id << "of" << series << block.error();
    }
    return sliceBlock(mergeBlocks(blocks), from, to);
}

// Tier `tier`'s points for the finished steps since its mark, from tier - 1.
void HistoryWorker::downsampleInto(const QString &series, int tier, qint64 now) {
    const qint64 step = Tiers[tier].step;
    const qint64 upTo = floorTo(now - SettleSeconds, step); // exclusive
    const auto marked = store.mark(series, tier);
    if (!marked) {
        qCWarning(lcHistory).noquote() << marked.error();
        return;
    }
    const qint64 from = std::max(*marked, floorTo(upTo - Tiers[tier - 1].retention, step));
    if (upTo <= from)
        return;
    const Block source = read(series, tier - 1, from, upTo - 1);
    const Block points = downsample(source, step);
    if (!points.isEmpty())
        write(series, tier, points);
    if (auto set = store.setMark(series, tier, upTo); !set)
        qCWarning(lcHistory).noquote() << set.error();
}

// Every finished window of `tier` with unsealed blocks becomes one sealed block.
void HistoryWorker::seal(int tier, qint64 now) {
    const qint64 window = Tiers[tier].window;
    const auto unsealed = store.unsealedBefore(tier, floorTo(now, window));
    if (!unsealed) {
        qCWarning(lcHistory).noquote() << unsealed.error();
        return;
    }
    QSet<QPair<QString, qint64>> windows;
    for (const auto &b : *unsealed)
        windows.insert({b.series, floorTo(b.start, window)});
    for (const auto &[series, start] : std::as_const(windows)) {
        auto stored = store.blocks(series, tier, start, start + window - 1, start);
        if (!stored)
            continue;
        std::sort(stored->begin(), stored->end(),
                  [](const auto &a, const auto &b) { return a.id < b.id; });
        QList<qint64> ids;
        QList<Block> blocks;
        for (const auto &s : std::as_const(*stored)) {
            ids.append(s.id);
            if (auto block = decodeBlock(s.data))
                blocks.append(std::move(*block));
            else
                qCWarning(lcHistory).noquote() << "dropping history block" << s.id << block.error();
        }
        const Block merged = sliceBlock(mergeBlocks(blocks), start, start + window - 1);
        auto encoded = merged.isEmpty() ? Expected<QByteArray>(fail(QStringLiteral("empty")))
                                        : encodeBlock(merged);
        if (!encoded)
            continue;
        const store::HistoryStore::StoredBlock b{
            0,    series,        tier,    merged.times.first(), merged.times.last(),
            true, merged.size(), *encoded};
        if (auto replaced = store.replace(ids, b); !replaced)
            qCWarning(lcHistory).noquote() << replaced.error();
    }
}

void HistoryWorker::maintain(qint64 now) {
    const QStringList series = store.series().value_or(QStringList());
    for (int tier = 1; tier < TierCount; ++tier)
        for (const QString &s : series)
            downsampleInto(s, tier, now);
    for (int tier = 0; tier < TierCount; ++tier) {
        seal(tier, now);
        if (auto expired = store.expire(tier, now - Tiers[tier].retention); !expired)
            qCWarning(lcHistory).noquote() << expired.error();
    }
}

// The answer's points: at step 1 the tier's points, else their averages and maxima per step.
Block HistoryWorker::points(const QString &series, const HistoryRange &range) {
    Block block = read(series, range.tier, range.from, range.to);
    return range.step > 1 ? downsample(block, range.step) : block;
}

// One parameter after another, each with its own 400.
Expected<HistoryRange> parseHistoryRange(const QUrlQuery &query, qint64 nowMs) {
    const qint64 now = floorTo(nowMs, 1000) / 1000;
    const auto time = [&](const char *name) -> std::optional<qint64> {
        const auto ms =
            parseRfc3339Ms(query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded));
        if (!ms)
            return std::nullopt;
        return floorTo(*ms, 1000) / 1000;
    };
    if (!query.hasQueryItem(QStringLiteral("from")))
        return fail(QStringLiteral("from is required (RFC 3339, e.g. 2026-01-31T12:00:00Z)"));
    HistoryRange r;
    const auto from = time("from");
    if (!from)
        return fail(QStringLiteral("from is not an RFC 3339 time (e.g. 2026-01-31T12:00:00Z)"));
    r.from = *from;
    r.to = now;
    if (query.hasQueryItem(QStringLiteral("to"))) {
        const auto to = time("to");
        if (!to)
            return fail(QStringLiteral("to is not an RFC 3339 time (e.g. 2026-01-31T12:00:00Z)"));
        r.to = *to;
    }
    if (r.from > r.to)
        return fail(QStringLiteral("from is after to"));
    const qint64 age = now - r.from;
    if (query.hasQueryItem(QStringLiteral("step"))) {
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,12}$"));
        const QString text = query.queryItemValue(QStringLiteral("step"), QUrl::FullyDecoded);
        r.step = digits.match(text).hasMatch() ? text.toLongLong() : 0;
        if (r.step < 1 || r.step > MaxStep)
            return fail(
                QStringLiteral("step must be a whole number of seconds from 1 to %1").arg(MaxStep));
    } else {
        r.step = age <= Tiers[0].retention   ? Tiers[0].step
                 : age <= Tiers[1].retention ? Tiers[1].step
                                             : Tiers[2].step;
    }
    r.tier = -1;
    for (int k = TierCount - 1; k >= 0 && r.tier < 0; --k)
        if (r.step % Tiers[k].step == 0 && age <= Tiers[k].retention)
            r.tier = k;
    for (int k = TierCount - 1; k >= 0 && r.tier < 0; --k)
        if (r.step % Tiers[k].step == 0)
            r.tier = k;
    const qint64 points = (r.to - r.from) / r.step + 1;
    if (points > MaxPointsPerAnswer)
        return fail(QStringLiteral("from..to at step %1 s is %2 points; at most %3 in one answer "
                                   "(raise step or narrow the range)")
                        .arg(r.step)
                        .arg(points)
                        .arg(MaxPointsPerAnswer));
    return r;
}

MetricHistory::MetricHistory(const QString &dataDir, Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock ? std::move(clock) : [] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_dataDir(dataDir) {
    m_thread.setObjectName(QStringLiteral("history"));
    connect(&m_flushTimer, &QTimer::timeout, this, &MetricHistory::flush);
    connect(&m_maintainTimer, &QTimer::timeout, this, &MetricHistory::maintain);
}

MetricHistory::~MetricHistory() {
    m_flushTimer.stop();
    m_maintainTimer.stop();
    if (m_worker) {
        sync(); // so that the last flush is taken whatever was in flight
        flush();
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker] { w->store.close(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        delete m_worker;
    }
}

Expected<void> MetricHistory::open() {
    if (m_worker)
        return {};
    m_worker = new HistoryWorker;
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    Expected<void> opened;
    QMetaObject::invokeMethod(
        m_worker, [&] { opened = m_worker->store.open(m_dataDir); }, Qt::BlockingQueuedConnection);
    m_open = bool(opened);
    if (m_open) {
        m_flushTimer.start(FlushIntervalMs);
        m_maintainTimer.start(MaintainIntervalMs);
        maintain(); // windows a previous run left unsealed
    }
    return opened;
}

bool MetricHistory::record(const QString &series, qint64 timestampMs, const QJsonObject &sample) {
    if (!m_open)
        return false;
    auto it = m_series.find(series);
    if (it == m_series.end()) {
        if (m_series.size() >= MaxSeries) {
            if (m_seriesRefused++ == 0)
                qCWarning(lcHistory).noquote()
                    << "history keeps" << MaxSeries << "series at most; refusing" << series;
            return false;
        }
        it = m_series.insert(series, Series{});
    }
    Series &s = *it;
    const qint64 second = floorTo(timestampMs, 1000) / 1000;
    if (second < s.last)
        return false;
    QHash<QString, double> fields = flattenSample(sample);
    for (auto f = fields.begin(); f != fields.end();) {
        if (!s.paths.contains(f.key()) && s.paths.size() >= MaxFieldsPerSeries) {
            ++m_fieldsRefused;
            f = fields.erase(f);
            continue;
        }
        s.paths.insert(f.key());
        ++f;
    }
    if (!s.pending.isEmpty() && s.pending.times.last() == second)
        s.pending = s.pending.size() == 1
                        ? Block{}
                        : sliceBlock(s.pending, s.pending.times.first(), second - 1);
    (void)s.pending.append(second, fields);
    s.last = second;
    if (s.pending.size() > MaxPendingPoints) {
        s.pending = sliceBlock(s.pending, s.pending.times[1], second);
        ++m_pointsDropped;
    }
    return true;
}

bool MetricHistory::flushAll() {
    if (!m_worker || !m_open)
        return false;
    // A worker that cannot keep up (a disk that hangs) gets no more work:
    // points wait in memory, within MaxPendingPoints a series.
    if (m_worker->inFlight.load() > MaxJobsInFlight)
        return false;
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        if (it->pending.isEmpty())
            continue;
        m_worker->inFlight.fetch_add(1);
        QMetaObject::invokeMethod(
            m_worker,
            [w = m_worker, series = it.key(), points = std::move(it->pending)] {
                w->write(series, 0, points);
                w->inFlight.fetch_sub(1);
            },
            Qt::QueuedConnection);
        it->pending = Block{};
    }
    return true;
}

void MetricHistory::flush() {
    flushAll();
}

void MetricHistory::maintain() {
    // Downsampling must see every point up to now: not while some wait in
    // memory for a worker that is behind (the next round catches up).
    if (!flushAll())
        return;
    m_worker->inFlight.fetch_add(1);
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, now = m_clock() / 1000] {
            w->maintain(now);
            w->inFlight.fetch_sub(1);
        },
        Qt::QueuedConnection);
}

void MetricHistory::sync() {
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [] {}, Qt::BlockingQueuedConnection);
}

void MetricHistory::query(const QString &series, const HistoryRange &range, Answer done,
                          const QByteArray &before, const QByteArray &after) {
    if (!m_worker || !m_open) {
        done(fail(QStringLiteral("Metric history unavailable")));
        return;
    }
    if (m_queriesQueued >= MaxQueriesQueued) {
        done(fail(QStringLiteral("History busy")));
        return;
    }
    ++m_queriesQueued;
    flush(); // the answer includes the last seconds
    QMetaObject::invokeMethod(
        m_worker,
        [this, w = m_worker, series, range, before, after, done = std::move(done)] {
            Expected<QByteArray> answer =
                answerJson(w->points(series, range), range.step, range.step > 1, before, after);
            QMetaObject::invokeMethod(
                this,
                [this, done, answer = std::move(answer)] {
                    --m_queriesQueued;
                    done(answer);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

Expected<Block> MetricHistory::pointsNow(const QString &series, const HistoryRange &range) {
    if (!m_worker || !m_open)
        return fail(QStringLiteral("Metric history unavailable"));
    flush();
    Block points;
    QMetaObject::invokeMethod(
        m_worker, [&] { points = m_worker->points(series, range); }, Qt::BlockingQueuedConnection);
    return points;
}

Expected<QByteArray> MetricHistory::answerNow(const QString &series, const HistoryRange &range) {
    if (!m_worker || !m_open)
        return fail(QStringLiteral("Metric history unavailable"));
    flush();
    QByteArray answer;
    QMetaObject::invokeMethod(
        m_worker,
        [&] { answer = answerJson(m_worker->points(series, range), range.step, range.step > 1); },
        Qt::BlockingQueuedConnection);
    return answer;
}

Expected<QJsonObject> MetricHistory::queryNow(const QString &series, const HistoryRange &range) {
    const auto answer = answerNow(series, range);
    if (!answer)
        return fail(answer.error());
    return QJsonDocument::fromJson(*answer).object();
}

QJsonObject MetricHistory::stats() {
    QJsonObject out{{QStringLiteral("seriesKept"), m_series.size()},
                    {QStringLiteral("seriesRefused"), double(m_seriesRefused)},
                    {QStringLiteral("fieldsRefused"), double(m_fieldsRefused)},
                    {QStringLiteral("pointsDropped"), double(m_pointsDropped)}};
    if (!m_worker || !m_open)
        return out;
    QMetaObject::invokeMethod(
        m_worker,
        [&] {
            out.insert(QStringLiteral("writes"), double(m_worker->writes));
            out.insert(QStringLiteral("writeFailures"), double(m_worker->writeFailures));
            const auto usage = m_worker->store.usage(TierCount);
            if (!usage)
                return;
            out.insert(QStringLiteral("fileBytes"), double(usage->fileBytes));
            QJsonArray bytes, blocks, points;
            for (int k = 0; k < TierCount; ++k) {
                bytes.append(double(usage->dataBytes[k]));
                blocks.append(double(usage->blocks[k]));
                points.append(double(usage->points[k]));
            }
            out.insert(QStringLiteral("dataBytes"), bytes);
            out.insert(QStringLiteral("blocks"), blocks);
            out.insert(QStringLiteral("storedPoints"), points);
        },
        Qt::BlockingQueuedConnection);
    return out;
}

} // namespace mist::history
