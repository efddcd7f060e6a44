// SPDX-License-Identifier: GPL-3.0-or-later

#include "LogArchiver.h"

#include "archive/LogArchive.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "protocol/Parsing.h"
#include "server/ArchiveBackfill.h"
#include "server/ContainerLogHub.h"
#include "server/Logging.h"
#include "store/Store.h"

#include <QDateTime>

#include <algorithm>
#include <limits>
#include <utility>

namespace mist::server {

namespace {
constexpr qint64 NoFloor = std::numeric_limits<qint64>::min();

qint64 nowNs() {
    return QDateTime::currentMSecsSinceEpoch() * 1000000LL;
}

QString exitText(const QString &what, std::optional<int> exitCode, bool oom) {
    QString details;
    if (exitCode)
        details = QStringLiteral("exit %1").arg(*exitCode);
    if (oom)
        details += details.isEmpty() ? QStringLiteral("OOM") : QStringLiteral(", OOM");
    return details.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, details);
}
} // namespace

LogArchiver::LogArchiver(store::Store *store, engine::DockerClient *docker,
                         archive::LogArchive *archive, ContainerLogsEndpoint *endpoint,
                         QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_docker(docker)
    , m_archive(archive)
    , m_endpoint(endpoint) {
    m_endpoint->setHubCreated(
        [this](ContainerLogHub *hub, const HubInfo &info) { attach(hub, info); });
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &LogArchiver::openEvents);
    m_sweepTimer.setInterval(SweepMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, [this] {
        if (m_engineUp)
            sweep();
    });
}

LogArchiver::~LogArchiver() {
    if (m_endpoint)
        m_endpoint->setHubCreated({});
    if (m_events)
        m_events->abort();
}

void LogArchiver::start() {
    m_sweepTimer.start();
    openEvents();
}

// --- hubs -------------------------------------------------------------------

void LogArchiver::attach(ContainerLogHub *hub, const HubInfo &info) {
    // What the archive holds already, or a backfill is about to write, is not
    // archived again.
    const qint64 floor = std::max(
        m_archive->newestLineTs(info.appId, info.containerId).value_or(NoFloor),
        m_backfilledUntil.contains(info.containerId) ? m_backfilledUntil.value(info.containerId) - 1
                                                     : NoFloor);
    hub->setLineSink([archive = m_archive, observer = m_lineObserver, info,
                      floor](const engine::LogLine &line, qint64 ts) {
        if (ts <= floor)
            return;
        if (*observer)
            (*observer)(info.appId, line.line, ts);
        const auto stream =
            line.stream == u"stderr" ? archive::Stream::Stderr : archive::Stream::Stdout;
        archive->append(info.appId, archive::ContainerRef{info.containerId, info.name},
                        info.deploymentId,
                        archive::Record::line(ts, stream, line.line, line.truncated));
    });
    connect(hub, &ContainerLogHub::sinkStartsAt, this, [this, info, floor](qint64 ns) {
        // 0: the hub read the whole log. Else the engine's log may hold
        // lines between the archive's newest and the hub's first.
        if (ns == 0 || (floor != NoFloor && ns <= floor + 1))
            return;
        backfill(info, floor == NoFloor ? std::nullopt : std::optional<qint64>(floor), ns);
    });
    if (!m_known.contains(info.containerId))
        m_known.insert(info.containerId, Known{info, std::nullopt, 0, false, std::nullopt});
    // A hub ends when its container stops (or the engine fails it); a
    // container that ran again in between, too briefly for the hub's
    // second look, would be missed: look once more, a moment later.
    connect(hub, &LogHub::finished, this, [this, info] {
        settleDeath(info.containerId);
        // After the endpoint has let go of the hub (its slot runs after this one).
        drainStepLater(info.containerId);
        QTimer::singleShot(RelookMs, this, [this, info] {
            if (!m_known.contains(info.containerId) || m_endpoint->hasHub(info.containerId))
                return;
            m_caughtUp.remove(info.containerId);
            look(info.appId, info.containerId, true);
        });
    });
}

// --- the engine's events ----------------------------------------------------

void LogArchiver::openEvents() {
    if (m_events) {
        m_events->abort();
        m_events->deleteLater();
    }
    engine::EventsQuery query;
    query.filters = {{QStringLiteral("type"), {QStringLiteral("container")}},
                     {QStringLiteral("event"),
                      {QStringLiteral("start"), QStringLiteral("die"), QStringLiteral("oom"),
                       QStringLiteral("destroy")}}};
    // After an outage, the engine repeats what happened meanwhile (what it
    // still remembers; the sweep covers the rest).
    if (m_lastEventNs > 0)
        query.since = protocol::engineSinceParameter(m_lastEventNs + 1);
    m_events = engine::Engine(*m_docker).streamEvents(query);
    m_events->setParent(this);
    connect(m_events, &engine::EventStream::opened, this, &LogArchiver::onEventsStarted);
    connect(m_events, &engine::EventStream::event, this, &LogArchiver::onEvent);
    connect(m_events, &engine::EventStream::malformed, this, [](const QString &why) {
        qCWarning(lcServer).noquote() << "archive: engine events:" << why;
    });
    connect(m_events, &engine::EventStream::finished, this, &LogArchiver::onEventsFinished);
}

void LogArchiver::onEventsStarted() {
    if (!m_engineUp && m_everUp) {
        for (auto it = m_current.cbegin(); it != m_current.cend(); ++it)
            if (m_known.contains(it.value()))
                record(m_known.value(it.value()).info,
                       archive::Record::makeEvent(nowNs(), archive::EventKind::EngineBack,
                                                  QStringLiteral("engine back")));
    }
    m_engineUp = m_everUp = true;
    m_retryMs = RetryMinMs;
    sweep();
}

void LogArchiver::onEventsFinished(const engine::EngineResult<void> &ended) {
    if (m_events)
        m_events->deleteLater();
    m_events = nullptr;
    engineLost(ended ? QStringLiteral("the engine ended its event stream")
                     : engineFailureMessage(ended.error()));
    retryLater();
}

void LogArchiver::engineLost(const QString &why) {
    if (!m_engineUp)
        return;
    m_engineUp = false;
    qCWarning(lcServer) << "archive: engine lost:" << why;
    for (auto it = m_current.cbegin(); it != m_current.cend(); ++it)
        if (m_known.contains(it.value()))
            record(m_known.value(it.value()).info,
                   archive::Record::makeEvent(nowNs(), archive::EventKind::EngineLost,
                                              QStringLiteral("engine lost: %1").arg(why)));
}

void LogArchiver::retryLater() {
    m_retry.start(m_retryMs);
    m_retryMs = std::min(m_retryMs * 2, RetryMaxMs);
}

void LogArchiver::onEvent(const engine::EngineEvent &event) {
    m_lastEventNs = std::max(m_lastEventNs, event.timeNs);
    if (event.type != u"container")
        return;
    const auto appId = appFor(store::orLogged(m_store->apps().all()),
                              event.attributes.value(QStringLiteral("name")), event.attributes);
    if (!appId)
        return;
    auto it = m_known.find(event.actorId);
    if (it == m_known.end()) {
        HubInfo info;
        info.appId = *appId;
        info.containerId = event.actorId;
        info.name = event.attributes.value(QStringLiteral("name"));
        // The actor's attributes carry its labels.
        info.deploymentId =
            protocol::parseId(event.attributes.value(QStringLiteral("mist.deployment.id")))
                .value_or(0);
        it = m_known.insert(event.actorId, Known{info, std::nullopt, 0, false, std::nullopt});
    }
    Known &k = it.value();
    if (event.action == u"start") {
        onStarted(event, k);
    } else if (event.action == u"oom") {
        k.oom = true;
        record(k.info, archive::Record::makeEvent(event.timeNs, archive::EventKind::Oom,
                                                  QStringLiteral("out of memory")));
    } else if (event.action == u"die") {
        const int exitCode =
            event.attributes.value(QStringLiteral("exitCode")).toInt(); // 0 when absent
        k.lastExit = exitCode;
        k.pendingDeath = PendingDeath{exitCode, event.timeNs, k.oom};
        // Whatever the container printed last is read by its hub (the
        // engine ends a follow stream after the last line) or, without one,
        // by the next look; the death is written after it.
        m_caughtUp.remove(event.actorId);
        QTimer::singleShot(DeathSettleMs, this, [this, id = event.actorId] { settleDeath(id); });
    } else if (event.action == u"destroy") {
        settleDeath(event.actorId);
        record(k.info, archive::Record::makeEvent(event.timeNs, archive::EventKind::Removed,
                                                  QStringLiteral("removed")));
        if (m_current.value(k.info.appId) == event.actorId)
            m_current.remove(k.info.appId);
        m_caughtUp.remove(event.actorId);
        m_backfilledUntil.remove(event.actorId);
        m_known.erase(it);
        finishDrain(event.actorId); // nothing more can be read
    }
}

// --- looking at containers --------------------------------------------------

void LogArchiver::sweep() {
    if (m_sweeping)
        return;
    m_sweeping = true;
    engine::Engine(*m_docker).containers(
        {}, this, [this](const engine::EngineResult<QList<engine::ContainerSummary>> &listed) {
            onListed(listed);
        });
}

void LogArchiver::onListed(const engine::EngineResult<QList<engine::ContainerSummary>> &listed) {
    m_sweeping = false;
    if (!listed) {
        qCWarning(lcServer) << "archive: cannot list containers:" << listed.error().message;
        return;
    }
    const QList<store::App> apps = store::orLogged(m_store->apps().all());
    for (const engine::ContainerSummary &c : *listed) {
        const auto appId = appFor(apps, c.names.value(0), c.labels);
        if (!appId)
            continue;
        const bool running = c.state == u"running" || c.state == u"restarting";
        if (running ? m_endpoint->hasHub(c.id) : m_caughtUp.contains(c.id))
            continue;
        look(*appId, c.id, true);
    }
    if (m_looksPending == 0)
        Q_EMIT swept();
}

void LogArchiver::onStarted(const engine::EngineEvent &event, Known &known) {
    // Decided here, in the events' order: a container that dies at once is
    // inspected only after its next start.
    settleDeath(known.info.containerId);
    const HubInfo info = known.info;
    const qint64 after = known.lastExit
                             ? known.lastDeathNs
                             : m_archive->newestTs(info.appId, info.containerId).value_or(0);
    const qint64 at = std::max(after + 1, event.timeNs - StartSlackNs);
    if (known.lastExit)
        record(info, archive::Record::makeEvent(
                         at, archive::EventKind::Restarted,
                         exitText(QStringLiteral("restarted"), known.lastExit, known.oom),
                         known.lastExit));
    else
        record(info, archive::Record::makeEvent(at, archive::EventKind::Started,
                                                QStringLiteral("started")));
    known.lastExit.reset();
    known.oom = false;
    const QString previous = m_current.value(info.appId);
    // (Not a service's other replica, nor a task the engine replaced: the same deployment.)
    if (!previous.isEmpty() && previous != info.containerId && info.deploymentId > 0 &&
        m_known.contains(previous) &&
        m_known.value(previous).info.deploymentId != info.deploymentId)
        record(m_known.value(previous).info,
               archive::Record::makeEvent(
                   event.timeNs, archive::EventKind::Replaced,
                   QStringLiteral("replaced by deployment #%1").arg(info.deploymentId),
                   std::nullopt, info.deploymentId));
    m_current.insert(info.appId, info.containerId);
    m_caughtUp.remove(info.containerId);
    look(info.appId, info.containerId, false);
}

void LogArchiver::look(qint64 appId, const QString &containerId, bool fromSweep,
                       std::function<void(bool running)> then) {
    ++m_looksPending;
    engine::Engine(*m_docker).inspectContainer(
        containerId, this,
        [this, appId, fromSweep,
         then = std::move(then)](const engine::EngineResult<engine::ContainerState> &inspected) {
            const bool running = lookedAt(inspected, appId, fromSweep);
            if (then)
                then(running);
            if (--m_looksPending == 0 && !m_sweeping)
                Q_EMIT swept();
        });
}

bool LogArchiver::lookedAt(const engine::EngineResult<engine::ContainerState> &state, qint64 appId,
                           bool fromSweep) {
    if (!state)
        return false; // gone meanwhile (its destroy event says so), or the engine failed
    const HubInfo info = ContainerLogsEndpoint::hubInfo(appId, *state);
    auto it = m_known.find(info.containerId);
    if (it == m_known.end())
        it = m_known.insert(info.containerId, Known{info, std::nullopt, 0, false, std::nullopt});
    else
        it->info = info;
    if (state->running)
        follow(*it, fromSweep, state->startedAt);
    else
        catchUpStopped(*it, state->finishedAt, state->exitCode, fromSweep);
    return state->running;
}

void LogArchiver::follow(Known &known, bool fromSweep, const QString &startedAt) {
    const HubInfo &info = known.info;
    if (fromSweep) {
        // It started while no one was looking (before the server did, or
        // while the engine was away); a start already archived (from the
        // event, which comes after StartedAt) is newer than the threshold.
        // Dated as the start event would be (StartSlackNs before it).
        const qint64 ns = protocol::parseEngineTimestampNs(startedAt).value_or(0);
        const auto newest = m_archive->newestTs(info.appId, info.containerId);
        if (ns > 0 && (!newest || *newest < ns - StartSlackNs))
            record(info, archive::Record::makeEvent(
                             std::max(newest.value_or(0) + 1, ns - StartSlackNs),
                             archive::EventKind::Started, QStringLiteral("started")));
        if (!m_current.contains(info.appId))
            m_current.insert(info.appId, info.containerId);
    }
    m_caughtUp.remove(info.containerId);
    if (m_endpoint)
        m_endpoint->followContainer(info);
}

void LogArchiver::catchUpStopped(Known &known, const QString &finishedAt, int exitCode,
                                 bool fromSweep) {
    const HubInfo &info = known.info;
    if (m_caughtUp.contains(info.containerId))
        return;
    m_caughtUp.insert(info.containerId);
    if (!m_current.contains(info.appId))
        m_current.insert(info.appId, info.containerId);
    const qint64 finished = protocol::parseEngineTimestampNs(finishedAt).value_or(0);
    const auto newest = m_archive->newestTs(info.appId, info.containerId);
    const auto newestLine = m_archive->newestLineTs(info.appId, info.containerId);
    // A death the events did not report (it happened before the server
    // started): recorded once, at the engine's own time.
    if (fromSweep && !known.lastExit && finished > 0 && (!newest || *newest < finished)) {
        known.lastExit = exitCode;
        known.pendingDeath = PendingDeath{exitCode, finished, false};
    }
    if (m_endpoint && m_endpoint->hasHub(info.containerId))
        return; // its hub reads to the end (and then settles the death)
    if (backfillPending(info.containerId)) {
        // A sweep's look and a drain's can meet here: a second backfill from the same newest
        // line would archive the log twice. The one under way reads on; the next sweep looks
        // again for anything it was not meant to read (a catch-up from then is a no-op).
        m_caughtUp.remove(info.containerId);
        return;
    }
    backfill(info, newestLine, nowNs());
}

std::optional<qint64> LogArchiver::appFor(const QList<store::App> &apps, const QString &name,
                                          const QMap<QString, QString> &labels) {
    const auto labelled = protocol::parseId(labels.value(QStringLiteral("mist.app.id")));
    const QString service = engine::swarmServiceOf(labels);
    for (const store::App &app : apps) {
        // A service app's containers are its tasks' (on this engine's node).
        if (const QString appService = app.swarmServiceName(); !appService.isEmpty()) {
            if (service == appService || (labelled && *labelled == app.id))
                return app.id;
            continue;
        }
        if (!service.isEmpty())
            continue;
        if (labelled
                ? app.id == *labelled
                : !name.isEmpty() && engine::appContainerName(app.id, app.containerName) == name)
            return app.id;
    }
    return std::nullopt;
}

// --- writing ----------------------------------------------------------------

void LogArchiver::record(const HubInfo &info, archive::Record record) {
    m_archive->append(info.appId, archive::ContainerRef{info.containerId, info.name},
                      info.deploymentId, std::move(record));
}

void LogArchiver::settleDeath(const QString &containerId) {
    const auto it = m_known.find(containerId);
    if (it == m_known.end() || !it->pendingDeath)
        return;
    const PendingDeath death = *std::exchange(it->pendingDeath, std::nullopt);
    const qint64 at =
        std::max(death.ns, m_archive->newestLineTs(it->info.appId, containerId).value_or(0) + 1);
    it->lastDeathNs = at;
    record(it->info,
           archive::Record::makeEvent(at, archive::EventKind::Died,
                                      exitText(QStringLiteral("died"), death.exitCode, death.oom),
                                      death.exitCode));
}

void LogArchiver::backfill(const HubInfo &info, std::optional<qint64> afterNs, qint64 beforeNs) {
    if (beforeNs > 0)
        m_backfilledUntil.insert(info.containerId,
                                 std::max(m_backfilledUntil.value(info.containerId), beforeNs));
    if (m_queue.size() >= size_t(MaxQueuedBackfills)) {
        qCWarning(lcServer) << "archive: backfill queue full; container" << info.containerId
                            << "waits for the next sweep";
        m_caughtUp.remove(info.containerId);
        return;
    }
    m_queue.push_back({info, afterNs, beforeNs});
    startQueuedBackfills();
}

void LogArchiver::startQueuedBackfills() {
    m_running.removeIf([](const QPointer<ArchiveBackfill> &b) { return b.isNull(); });
    while (m_running.size() < MaxConcurrentBackfills && !m_queue.empty()) {
        const PendingBackfill next = std::move(m_queue.front());
        m_queue.pop_front();
        ArchiveBackfill::Target target{next.info.appId,
                                       archive::ContainerRef{next.info.containerId, next.info.name},
                                       next.info.deploymentId, next.info.tty};
        auto *b =
            new ArchiveBackfill(m_docker, m_archive, target, next.afterNs, next.beforeNs, this);
        m_running.append(b);
        connect(b, &ArchiveBackfill::finished, this, [this, b](const QString &error) {
            if (!error.isEmpty()) {
                qCWarning(lcServer)
                    << "archive: backfill of" << b->target().container.id << "failed:" << error;
                m_caughtUp.remove(b->target().container.id); // the next sweep tries again
            }
            m_running.removeAll(b);
            settleDeath(b->target().container.id);
            drainStepLater(b->target().container.id);
            // After the backfill has deleted itself.
            QMetaObject::invokeMethod(this, &LogArchiver::startQueuedBackfills,
                                      Qt::QueuedConnection);
        });
        b->start();
    }
}

// --- draining before a removal ----------------------------------------------

void LogArchiver::drain(qint64 appId, const QString &containerId, QObject *context,
                        std::function<void()> done) {
    auto it = m_drains.find(containerId);
    if (it == m_drains.end()) {
        if (m_drains.size() >= MaxDrains) {
            // Those nobody waits for any more (their deployment went on).
            m_drains.removeIf([](const QHash<QString, Drain>::iterator d) {
                return std::none_of(d->waiters.cbegin(), d->waiters.cend(),
                                    [](const auto &w) { return !w.first.isNull(); });
            });
        }
        if (m_drains.size() >= MaxDrains) {
            qCWarning(lcServer) << "archive: too many containers being drained; not waiting for"
                                << containerId;
            QMetaObject::invokeMethod(context, std::move(done), Qt::QueuedConnection);
            return;
        }
        it = m_drains.insert(containerId, Drain{appId, false, {}});
    }
    it->waiters.append({QPointer<QObject>(context), std::move(done)});
    drainStepLater(containerId);
}

void LogArchiver::drainStepLater(const QString &containerId) {
    if (m_drains.contains(containerId))
        QMetaObject::invokeMethod(
            this, [this, containerId] { drainStep(containerId); }, Qt::QueuedConnection);
}

void LogArchiver::drainStep(const QString &containerId) {
    const auto it = m_drains.find(containerId);
    if (it == m_drains.end())
        return;
    // The hub reads the stream to its end (the engine ends it after the
    // stopped container's last line) and then ends: its finished() comes back here.
    if (m_endpoint && m_endpoint->hasHub(containerId))
        return;
    if (backfillPending(containerId))
        return; // its end comes back here
    if (it->looked)
        return finishDrain(containerId);
    it->looked = true;
    // What no reader has yet (no hub was there, or it failed before the
    // end): a backfill since the newest archived line, to the log's end.
    m_caughtUp.remove(containerId);
    look(it->appId, containerId, false, [this, containerId](bool running) {
        if (running)
            finishDrain(containerId); // started again: there is no end to wait for
        else
            drainStep(containerId);
    });
}

bool LogArchiver::backfillPending(const QString &containerId) const {
    for (const QPointer<ArchiveBackfill> &b : m_running)
        if (b && b->target().container.id == containerId)
            return true;
    return std::any_of(m_queue.cbegin(), m_queue.cend(),
                       [&](const PendingBackfill &p) { return p.info.containerId == containerId; });
}

void LogArchiver::finishDrain(const QString &containerId) {
    const auto it = m_drains.find(containerId);
    if (it == m_drains.end())
        return;
    const auto waiters = std::move(it->waiters);
    m_drains.erase(it);
    for (const auto &[context, done] : waiters)
        if (context)
            QMetaObject::invokeMethod(context, done, Qt::QueuedConnection);
}

} // namespace mist::server
