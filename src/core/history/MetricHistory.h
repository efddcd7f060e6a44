// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The server's metric history (docs/HISTORY.md): the host's samples and every
// app's, 1 s points for 24 h, 1 min points (avg and max) for 30 days, 1 h
// points (avg and max) for a year, in <dataDir>/history.db.

#include "HistoryFormat.h"

#include "base/Expected.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

namespace mist::history {

struct Tier {
    qint64 step;      // seconds between points
    qint64 retention; // seconds kept
    qint64 window;    // seconds a sealed block spans (aligned to the epoch)
};
constexpr Tier Tiers[] = {
    {1, 24 * 3600, 3600},
    {60, 30 * 24 * 3600, 24 * 3600},
    {3600, 365 * 24 * 3600, 30 * 24 * 3600},
};
constexpr int TierCount = 3;

// A history request's parameters, checked (pure; the REST routes' 400s).
struct HistoryRange {
    qint64 from = 0; // seconds since the epoch
    qint64 to = 0;
    qint64 step = 1;
    int tier = 0; // the tier the points come from
};
constexpr qint64 MaxStep = 365 * 24 * 3600;
constexpr qint64 MaxPointsPerAnswer = 100000;
// from (required) and to (default now) RFC 3339, step whole seconds from 1 to
// MaxStep (default: the finest tier whose retention covers `from`). The
// points come from the coarsest tier whose step divides `step` and whose
// retention covers `from` (else the finest that divides it). Fails with the
// 400 message for malformed or missing times, from > to, a bad step, or more
// than MaxPointsPerAnswer points.
Expected<HistoryRange> parseHistoryRange(const QUrlQuery &query, qint64 nowMs);

// The series names: the host's, and each app's ("app/<id>").
inline const QString HostSeries = QStringLiteral("host");
inline QString appSeries(qint64 appId) {
    return QStringLiteral("app/%1").arg(appId);
}

class HistoryWorker;

class MetricHistory : public QObject {
    Q_OBJECT
public:
    // Milliseconds since the epoch; tests move it forward.
    using Clock = std::function<qint64()>;
    // An answer's `data`, written as compact JSON (HistoryAnswer.h).
    using Answer = std::function<void(Expected<QByteArray>)>;

    // Bounds (docs/HISTORY.md, "Bounds"): series kept at once, numeric
    // fields per series, points waiting in memory per series for the worker.
    static constexpr int MaxSeries = 1024;
    static constexpr int MaxFieldsPerSeries = 64;
    static constexpr int MaxPendingPoints = 60;
    // Points in memory go to disk this often (kill -9 loses at most this much).
    static constexpr int FlushIntervalMs = 5000;
    // Downsampling, sealing and expiry run this often.
    static constexpr int MaintainIntervalMs = 60000;
    // Jobs (flushes, maintenance) handed to the worker and not done yet, at
    // most; past it the points wait in memory.
    static constexpr int MaxJobsInFlight = 4;
    // Queries handed to the worker and not answered yet, at most, over all clients: past it a
    // query fails at once with "History busy" (503), so that clients who ask and hang up
    // cannot pile up work and memory on the server.
    static constexpr int MaxQueriesQueued = 4;

    explicit MetricHistory(const QString &dataDir, Clock clock = {}, QObject *parent = nullptr);
    // Writes what is in memory, then stops the worker.
    ~MetricHistory() override;

    // Opens <dataDir>/history.db on the worker thread and starts the timers.
    Expected<void> open();
    bool isOpen() const { return m_open; }

    // One sample of `series` ("host", "app/<id>"): its numeric leaves
    // (flattenSample) at the second of timestampMs. A second already
    // recorded for the series is replaced. False when refused: history not
    // open, a new series past MaxSeries, a time before the series' last.
    bool record(const QString &series, qint64 timestampMs, const QJsonObject &sample);

    // Points of `series` in the range: {"points": [{..., "timestamp"}], "step"} as JSON, read
    // and written on the worker thread, between `before` and `after` (the REST envelope).
    // `done` is called on this object's thread (never if it is destroyed first); at once with
    // "History busy" when MaxQueriesQueued are waiting.
    void query(const QString &series, const HistoryRange &range, Answer done,
               const QByteArray &before = {}, const QByteArray &after = {});
    // The same, waiting for it (tests, the bench): the JSON, and parsed.
    Expected<QByteArray> answerNow(const QString &series, const HistoryRange &range);
    Expected<QJsonObject> queryNow(const QString &series, const HistoryRange &range);
    // The points an answer is written from (tests).
    Expected<Block> pointsNow(const QString &series, const HistoryRange &range);

    // Hands the points in memory to the worker (the timer does it every FlushIntervalMs).
    void flush();
    // Downsampling, sealing of finished windows and expiry, as of the clock's now.
    void maintain();
    // Waits until the worker has done everything handed to it so far.
    void sync();

    qint64 nowMs() const { return m_clock(); }
    // seriesKept, seriesRefused, fieldsRefused, pointsDropped, flushes, writeFailures,
    // fileBytes, dataBytes and blocks per tier, storedPoints per tier.
    QJsonObject stats();

private:
    // False when the worker is too far behind to take more.
    bool flushAll();

    struct Series {
        Block pending; // 1 s points not yet handed to the worker
        qint64 last = -1;
        QSet<QString> paths;
    };

    Clock m_clock;
    QString m_dataDir;
    bool m_open = false;
    QHash<QString, Series> m_series;
    quint64 m_seriesRefused = 0;
    quint64 m_fieldsRefused = 0;
    int m_queriesQueued = 0; // on this object's thread
    quint64 m_pointsDropped = 0;
    QThread m_thread;
    HistoryWorker *m_worker = nullptr;
    QTimer m_flushTimer;
    QTimer m_maintainTimer;
};

} // namespace mist::history
