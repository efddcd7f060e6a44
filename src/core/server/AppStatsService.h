// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "engine/EngineApi.h"
#include "engine/EventStream.h"
#include "metrics/ContainerFigures.h"
#include "store/Types.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <optional>

namespace mist::engine {
class DockerClient;
class DockerStream;
struct EngineEvent;
} // namespace mist::engine
namespace mist::metrics {
class ContainerSampler;
}
namespace mist::store {
class Store;
}

namespace mist::server {

// One app's line of a second's sample (docs/APP-STATS.md, "The service").
struct AppStats {
    qint64 appId = 0;
    QString name;
    QString project;
    QString container; // the container's name (app-<id> or the adopted one)
    std::optional<QString>
        state;                   // the engine's word ("running", "exited", ...); none: no container
    std::optional<int> restarts; // the container's RestartCount; none: no container
    // None while the app has no running container (or it has not been measured yet).
    std::optional<metrics::ContainerFigures> figures;
    // Whether the engine has answered about the app's container yet: until then a missing
    // state means "not known yet", not "no container".
    bool looked = false;
};

struct AppStatsSample {
    qint64 timestampMs = 0; // when the sample was taken (ms since the epoch, UTC)
    QList<AppStats> apps;   // every app in the store, by id
};

// An app's object of /ws/apps/stats (and of its history): {"appId", "name", "project",
// "container", "state", "cpu": {"percent"}, "memory": {"used", "limit", "percent"},
// "network": {"rxBytes", "txBytes", "rxRate", "txRate"}, "blockio": {"readBytes",
// "writeBytes", "readRate", "writeRate"}, "pids", "restarts"}; the figures null without any.
// Pure.
QJsonObject appStatsJson(const AppStats &stats);

// Keeps, for every app in the store, its container (found by the app's container name through
// the engine), the container's init pid, state and RestartCount, and once a second produces a
// sample of every app's figures (sampled()). The figures come from the container's cgroup
// (metrics::ContainerSampler) when the server shares the engine's host, from the engine's stats
// API (one one-shot request per running container a second, at most MaxStatsInFlight at once)
// for a tcp:// engine. What it knows of the apps is kept up to date by the engine's events
// (start, die, destroy, rename), by reading the store's app list every second (an app added or
// removed) and by a sweep of the container list every SweepMs.
class AppStatsService : public QObject {
    Q_OBJECT
public:
    enum class Source { Auto, Cgroup, EngineApi };

    AppStatsService(store::Store *store, engine::DockerClient *docker, QObject *parent = nullptr);
    ~AppStatsService() override;

    // Auto (the default): cgroups for a unix-socket engine, the engine's API for tcp://.
    // Before start().
    void setSource(Source source) { m_source = source; }
    bool readsEngineApi() const;
    void start();
    void stop();

    const AppStatsSample &latest() const { return m_latest; }

    static constexpr int IntervalMs = 1000;
    static constexpr int SweepMs = 10000;
    static constexpr int MaxLooksInFlight = 8;
    static constexpr int MaxStatsInFlight = 16;
    // Engine-API figures older than this are dropped (the container stopped answering).
    static constexpr qint64 StaleFiguresMs = 5000;
    static constexpr int RetryMinMs = 1000;
    static constexpr int RetryMaxMs = 30000;

    int appsTracked() const { return int(m_apps.size()); }
    int looksQueued() const { return int(m_lookQueue.size()); }
    int looksInFlight() const { return int(m_looking.size()); }
    int statsInFlight() const { return m_statsInFlight; }
    quint64 samplesTaken() const { return m_samples; }
    // Seconds in which some running container got no stats request (all slots were busy).
    quint64 statsSkipped() const { return m_statsSkipped; }
    QJsonObject stats() const;

Q_SIGNALS:
    void sampled(const mist::server::AppStatsSample &sample);
    // An engine event of an app's container (start, die, oom, "health_status: unhealthy", ...)
    // with the actor's attributes (exitCode ...), for the alert rules.
    void appEvent(qint64 appId, const QString &action, const QMap<QString, QString> &attributes);
    // The engine's event stream was refused a connection (false) or is flowing again (true):
    // emitted on a change only.
    void engineReachable(bool reachable);

private:
    struct Tracked {
        store::App app;
        QString containerId;
        qint64 pid = 0;
        std::optional<QString> state;
        std::optional<int> restarts;
        bool looked = false; // the engine answered an inspection once
        // Engine-API source: the last reading and the figures it gave.
        std::optional<metrics::ContainerReading> previous;
        std::optional<metrics::ContainerFigures> figures;
        qint64 figuresAtMs = 0;
        qint64 askedAtMs = -1; // when its last stats request went out
        bool statsPending = false;
    };

    void tick();
    void refreshApps();
    AppStatsSample makeSample(qint64 nowMs) const;
    std::optional<metrics::ContainerFigures> figuresOf(const Tracked &t, qint64 nowMs) const;
    void feedSampler();
    void requestEngineStats();
    void onEngineStats(qint64 appId, const QString &containerId,
                       const engine::EngineResult<QByteArray> &stats);

    void queueLook(qint64 appId);
    void startLooks();
    void onLooked(qint64 appId, const engine::EngineResult<engine::ContainerState> &inspected);

    void openEvents();
    void onEventsStarted();
    void onEventsFinished(const engine::EngineResult<void> &ended);
    void onEvent(const engine::EngineEvent &event);
    void sweep();
    void onListed(const engine::EngineResult<QList<engine::ContainerSummary>> &listed);

    store::Store *m_store;
    engine::DockerClient *m_docker;
    Source m_source = Source::Auto;
    metrics::ContainerSampler *m_sampler = nullptr; // cgroup source only
    QTimer m_tick;
    QTimer m_sweepTimer;
    QTimer m_retry;
    int m_retryMs = RetryMinMs;
    QPointer<engine::EventStream> m_events;
    std::optional<bool> m_engineReachable;
    bool m_sweeping = false;

    QHash<qint64, Tracked> m_apps; // by app id: every app of the store
    QList<qint64> m_lookQueue;     // apps to inspect, each at most once
    QSet<qint64> m_looking;        // inspections in flight
    QSet<qint64> m_lookAgain;      // asked again while in flight
    int m_statsInFlight = 0;
    quint64 m_statsSkipped = 0;
    quint64 m_samples = 0;
    QElapsedTimer m_clock;
    AppStatsSample m_latest;
};

} // namespace mist::server

Q_DECLARE_METATYPE(mist::server::AppStatsSample)
