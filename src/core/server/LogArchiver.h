// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "archive/ArchiveFormat.h"
#include "archive/ArchiveQuery.h"
#include "deploy/ContainerDrain.h"
#include "engine/EngineApi.h"
#include "engine/EventStream.h"
#include "server/endpoints/ContainerLogsEndpoint.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace mist::engine {
class DockerClient;
class DockerStream;
struct EngineEvent;
struct ContainerSummary;
} // namespace mist::engine
namespace mist::archive {
class LogArchive;
}
namespace mist::store {
class Store;
struct App;
} // namespace mist::store

namespace mist::server {

class ArchiveBackfill;
class ContainerLogHub;

// Keeps every app's container output in the log archive, whether anyone
// watches or not (docs/ARCHIVE.md, "In the server"):
// - every container hub (a viewer's or its own) gets a line sink into the
//   archive; the archiver pins a hub on each running app container, so a
//   watched container still costs one engine stream;
// - what a hub did not read (lines from before the server started, or from
//   while the engine or the server was away) is read from the engine's own
//   log by an ArchiveBackfill, since the newest archived line;
// - the engine's event stream gives the lifecycle entries (started, died
//   with its exit code, OOM, restarted, removed, replaced by deployment N)
//   and, when it breaks, "engine lost" / "engine back" for the followed
//   containers;
// - a sweep (at start, when the engine comes back, and every SweepMs) finds
//   app containers the events did not announce (an app added for a
//   container already running).
// - a deployment that stopped an old container asks for a drain() before it
//   removes it: the container's hub reads to the end of its stream, then a
//   backfill reads whatever the hub did not, and only then is it answered.
// - a Swarm service app's task containers on this engine's node are followed
//   like any app container (tasks on other nodes are not: docs/ARCHIVE.md).
class LogArchiver : public QObject, public deploy::ContainerDrain {
    Q_OBJECT
public:
    LogArchiver(store::Store *store, engine::DockerClient *docker, archive::LogArchive *archive,
                ContainerLogsEndpoint *endpoint, QObject *parent = nullptr);
    ~LogArchiver() override;

    void start();

    static constexpr int SweepMs = 10000;
    static constexpr int RelookMs = 2000; // after a hub of an app container ended
    static constexpr int MaxConcurrentBackfills = 4;
    static constexpr int RetryMinMs = 1000;
    static constexpr int RetryMaxMs = 30000;

    bool engineUp() const { return m_engineUp; }
    // Backfills waiting for a slot, at most (beyond: dropped, and the next
    // sweep asks again).
    static constexpr int MaxQueuedBackfills = 1024;

    // deploy::ContainerDrain: for a stopped container.
    void drain(qint64 appId, const QString &containerId, QObject *context,
               std::function<void()> done) override;
    // Containers being drained at once, at most (one per deployment running;
    // beyond: answered at once, unread).
    static constexpr int MaxDrains = 256;
    int drainsPending() const { return int(m_drains.size()); }

    // Told every live line as it is archived (not the backfilled ones), on
    // this thread, with the engine's time stamp (ns since the epoch): the
    // alert rules' log feed. Empty: none.
    using LineObserver = std::function<void(qint64 appId, const QString &line, qint64 tsNs)>;
    void setLineObserver(LineObserver observer) { *m_lineObserver = std::move(observer); }

Q_SIGNALS:
    // A sweep has looked at every app container (tests wait for it).
    void swept();

private:
    using HubInfo = ContainerLogsEndpoint::HubInfo;
    // A death is written once the container's last lines are in (its hub or
    // backfill done, its next start, or DeathSettleMs), dated after them: the
    // engine stamps a line when it reads it, which may be after the exit.
    struct PendingDeath {
        int exitCode = 0;
        qint64 ns = 0;
        bool oom = false;
    };
    struct Known {
        HubInfo info;
        std::optional<int> lastExit; // its last death, until it starts again
        qint64 lastDeathNs = 0;      // when that death was dated
        bool oom = false;
        std::optional<PendingDeath> pendingDeath;
    };
    static constexpr int DeathSettleMs = 2000;
    // The engine emits `start` just after the process began, so a run's first
    // lines may carry earlier times than the event: a started/restarted entry
    // is dated this much before the event (never before the death it
    // follows), so that it sorts before the run's lines.
    static constexpr qint64 StartSlackNs = 1000000000LL;

    void attach(ContainerLogHub *hub, const HubInfo &info);
    void openEvents();
    void onEventsStarted();
    void onEventsFinished(const engine::EngineResult<void> &ended);
    void onEvent(const engine::EngineEvent &event);
    void onStarted(const engine::EngineEvent &event, Known &known);
    void sweep();
    void onListed(const engine::EngineResult<QList<engine::ContainerSummary>> &listed);
    // Inspects the container, then follows it (running) or reads what it
    // left (stopped). fromSweep: nothing announced it (no start event).
    // `then` gets whether it runs (false also when it is gone).
    void look(qint64 appId, const QString &containerId, bool fromSweep,
              std::function<void(bool running)> then = {});
    bool lookedAt(const engine::EngineResult<engine::ContainerState> &inspected, qint64 appId,
                  bool fromSweep);
    void follow(Known &known, bool fromSweep, const QString &startedAt);
    void catchUpStopped(Known &known, const QString &finishedAt, int exitCode, bool fromSweep);
    // The app whose container this is (by its mist.app.id label or its name);
    // A Swarm app's are its tasks' containers (com.docker.swarm.service.name).
    static std::optional<qint64> appFor(const QList<store::App> &apps, const QString &name,
                                        const QMap<QString, QString> &labels);
    void record(const HubInfo &info, archive::Record record);
    void settleDeath(const QString &containerId);
    void backfill(const HubInfo &info, std::optional<qint64> afterNs, qint64 beforeNs);
    void startQueuedBackfills();
    // One step of a drain: waits for the container's hub to end, then for
    // its backfills, looks once more (a backfill of what is left) and
    // answers when nothing more is to be read.
    void drainStep(const QString &containerId);
    void drainStepLater(const QString &containerId);
    bool backfillPending(const QString &containerId) const;
    void finishDrain(const QString &containerId);
    void engineLost(const QString &why);
    void retryLater();

    store::Store *m_store;
    engine::DockerClient *m_docker;
    archive::LogArchive *m_archive;
    // Shared with the hubs' sinks, which may outlive a change of observer.
    std::shared_ptr<LineObserver> m_lineObserver = std::make_shared<LineObserver>();
    QPointer<ContainerLogsEndpoint> m_endpoint;

    QPointer<engine::EventStream> m_events;
    qint64 m_lastEventNs = 0;
    bool m_engineUp = false;
    bool m_everUp = false;
    int m_retryMs = RetryMinMs;
    QTimer m_retry;
    QTimer m_sweepTimer;
    bool m_sweeping = false;

    QHash<QString, Known> m_known;    // app containers seen, by container id
    QHash<qint64, QString> m_current; // each app's newest container
    QSet<QString> m_caughtUp;         // stopped containers already read to their end

    struct PendingBackfill {
        HubInfo info;
        std::optional<qint64> afterNs;
        qint64 beforeNs = 0;
    };
    std::deque<PendingBackfill> m_queue; // at most one per container
    QList<QPointer<ArchiveBackfill>> m_running;
    QHash<QString, qint64> m_backfilledUntil; // container id -> end of its last backfill
    int m_looksPending = 0;

    struct Drain {
        qint64 appId = 0;
        bool looked = false;
        QList<QPair<QPointer<QObject>, std::function<void()>>> waiters;
    };
    QHash<QString, Drain> m_drains; // by container id
};

} // namespace mist::server
