// SPDX-License-Identifier: GPL-3.0-or-later

#include "SwarmUpdateStrategy.h"

#include "DeploymentManager.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"

#include <QTimer>

namespace mist::deploy {

namespace {
constexpr int RolloutPollMs = 500;
constexpr int MaxFailedTasks = 3; // a first rollout whose tasks keep failing
constexpr int MaxPollErrors = 5;  // engine calls in a row that may fail while following

struct TaskCount {
    int updated = 0; // running, as desired
    int failed = 0;  // failed or rejected
    QString lastError;
};

// The service's tasks that run `image` (the new one), as the engine lists them.
TaskCount countTasksOf(const QString &image, const QList<engine::SwarmTask> &tasks) {
    TaskCount count;
    for (const engine::SwarmTask &task : tasks) {
        if (task.image != image)
            continue;
        if (task.wanted() && task.state == u"running")
            ++count.updated;
        if (task.failed()) {
            ++count.failed;
            count.lastError = task.error;
        }
    }
    return count;
}
} // namespace

engine::ServiceSpec SwarmUpdateStrategy::serviceSpec(int previousForceUpdate) const {
    engine::ServiceSpec spec;
    spec.name = m_target.name;
    spec.image = m_target.imageTag;
    spec.labels = {{QStringLiteral("mist.app.id"), QString::number(m_target.app.id)},
                   {QStringLiteral("mist.deployment.id"), QString::number(m_target.deploymentId)},
                   {QStringLiteral("mist.managed"), QStringLiteral("true")}};
    spec.init = true;
    spec.replicas = m_target.app.replicas;
    spec.nodeId = m_nodeId;
    spec.forceUpdate = previousForceUpdate + 1;
    spec.restartDelayMs = 1000;
    // One task at a time, each watched for a moment; a task that fails makes the engine roll
    // the whole service back.
    spec.monitorMs = m_config.rolloutMonitorMs;
    // Published through the swarm's routing mesh (not possible without a network).
    if (m_config.network != u"none")
        spec.publishedTcpPort = std::max(0, m_target.app.port);
    return spec;
}

void SwarmUpdateStrategy::run() {
    if (failIfStopping())
        return;
    m_pipeline.setState(QStringLiteral("deploying"), QStringLiteral("stopping_old"),
                        ProgressStopping,
                        QStringLiteral("Updating service %1...").arg(m_target.name));
    // The image exists on this engine only (no registry): its tasks are
    // placed on this node (docs/SCALING.md).
    engine::Engine(m_docker).info(this, [this](
                                            const engine::EngineResult<engine::EngineInfo> &info) {
        if (!alive())
            return;
        if (!info)
            return fail(
                engineFailure(QStringLiteral("asking the engine for its node"), info.error()));
        m_nodeId = info->swarmNodeId;
        engine::Engine(m_docker).inspectService(
            m_target.name, this, [this](const engine::EngineResult<engine::SwarmService> &inspect) {
                if (!alive() || failIfStopping())
                    return;
                if (!inspect && inspect.error().notFound())
                    return submitService(std::nullopt);
                if (!inspect)
                    return fail(
                        engineFailure(QStringLiteral("looking for the service"), inspect.error()));
                submitService(*inspect);
            });
    });
}

void SwarmUpdateStrategy::submitService(const std::optional<engine::SwarmService> &existing) {
    const bool create = !existing;
    const engine::ServiceSpec spec = serviceSpec(existing ? existing->forceUpdate : 0);
    log(create ? QStringLiteral("Creating service %1: %2 replicas of %3")
                     .arg(m_target.name)
                     .arg(m_target.app.replicas)
                     .arg(m_target.imageTag)
               : QStringLiteral("Rolling update of service %1 to %2, one task at a time")
                     .arg(m_target.name, m_target.imageTag));
    const QString existingId = existing ? existing->id : QString();
    auto submitted = [this, create,
                      existingId](const engine::EngineResult<engine::ServiceSubmitted> &r) {
        onSubmitted(create, existingId, r);
    };
    if (create)
        engine::Engine(m_docker).createService(spec, this, std::move(submitted));
    else
        engine::Engine(m_docker).updateService(existing->id, existing->version, spec, this,
                                               std::move(submitted));
}

void SwarmUpdateStrategy::onSubmitted(bool create, const QString &existingId,
                                      const engine::EngineResult<engine::ServiceSubmitted> &r) {
    if (!alive())
        return;
    if (!r)
        return fail(engineFailure(create ? QStringLiteral("creating the service")
                                         : QStringLiteral("updating the service"),
                                  r.error()));
    m_serviceId = create ? r->id : existingId;
    m_serviceCreated = create;
    for (const QString &w : r->warnings)
        log(QStringLiteral("Engine: %1").arg(w.simplified()));
    m_pipeline.setState(
        QStringLiteral("deploying"), QStringLiteral("starting_new"), ProgressStarting,
        QStringLiteral("Rolling out: 0/%1 tasks updated").arg(m_target.app.replicas));
    m_rollout.start();
    pollRollout();
}

void SwarmUpdateStrategy::pollRollout() {
    if (!alive() || failIfStopping())
        return;
    if (m_rollout.elapsed() > m_config.rolloutTimeoutMs)
        return fail(QStringLiteral("Rollout did not finish within %1 s")
                        .arg(m_config.rolloutTimeoutMs / 1000));
    engine::Engine(m_docker).inspectService(
        m_serviceId, this, [this](const engine::EngineResult<engine::SwarmService> &service) {
            if (!alive())
                return;
            if (!service)
                return pollFailed(service.error());
            engine::Engine(m_docker).tasks(
                {{QStringLiteral("service"), {m_serviceId}}}, this,
                [this,
                 svc = *service](const engine::EngineResult<QList<engine::SwarmTask>> &tasks) {
                    if (!alive())
                        return;
                    if (!tasks)
                        return fail(
                            engineFailure(QStringLiteral("following the rollout"), tasks.error()));
                    onRolloutTasks(svc, *tasks);
                });
        });
}

void SwarmUpdateStrategy::pollFailed(const engine::EngineError &error) {
    // A manager may not answer for a moment (a leader election): a few
    // misses in a row are waited out.
    if (++m_pollErrors < MaxPollErrors) {
        QTimer::singleShot(RolloutPollMs * 2, this, &SwarmUpdateStrategy::pollRollout);
        return;
    }
    fail(engineFailure(QStringLiteral("following the rollout"), error));
}

void SwarmUpdateStrategy::onRolloutTasks(const engine::SwarmService &service,
                                         const QList<engine::SwarmTask> &tasks) {
    const QString state = service.updateState;
    const QString engineMessage = service.updateMessage;
    const auto [updated, failed, lastError] = countTasksOf(m_target.imageTag, tasks);
    const int total = std::max(1, m_target.app.replicas);
    const QString text =
        QStringLiteral("Rolling out: %1/%2 tasks updated").arg(std::min(updated, total)).arg(total);
    const QString line = state.isEmpty() ? text : QStringLiteral("%1 (%2)").arg(text, state);
    if (line != m_rolloutLast) {
        m_rolloutLast = line;
        log(line);
        m_pipeline.setState(QStringLiteral("deploying"), QStringLiteral("starting_new"),
                            ProgressStarting + (ProgressRolledOut - ProgressStarting) *
                                                   std::min(updated, total) / total,
                            text);
    }
    if (engineVerdict(state, engineMessage, lastError))
        return;
    if (state == u"rollback_started") {
        const QString rolling = QStringLiteral("Rolling back: %1").arg(engineMessage);
        if (m_rolloutLast != rolling) {
            m_rolloutLast = rolling;
            log(rolling);
        }
        QTimer::singleShot(RolloutPollMs, this, &SwarmUpdateStrategy::pollRollout);
        return;
    }
    if (state == u"completed" && updated >= total)
        return m_pipeline.complete();
    if (m_serviceCreated && state.isEmpty() && firstRolloutDone(updated, failed, total))
        return m_pipeline.complete();
    // A first rollout has no update status: tasks that keep failing end it.
    if (m_serviceCreated && failed >= MaxFailedTasks)
        return fail(QStringLiteral("Tasks of the new service keep failing: %1").arg(lastError));
    QTimer::singleShot(RolloutPollMs, this, &SwarmUpdateStrategy::pollRollout);
}

// The engine's own verdicts on an update. Its message at the end of a
// rollback is just "rollback completed": the reason came with its start.
bool SwarmUpdateStrategy::engineVerdict(const QString &state, const QString &engineMessage,
                                        const QString &lastError) {
    if (state == u"rollback_started" && m_rollbackReason.isEmpty())
        m_rollbackReason = engineMessage;
    if (state == u"rollback_paused" || state == u"rollback_completed")
        m_engineRolledBack = true; // its verdict, its rollback: nothing more to undo
    if (state != u"paused" && state != u"rollback_paused" && state != u"rollback_completed")
        return false;
    QString why = m_rollbackReason.isEmpty() ? engineMessage : m_rollbackReason;
    // The engine's task errors read "task: non-zero exit (3)": say "task:" once.
    QString taskError = lastError;
    if (taskError.startsWith(QLatin1String("task: ")))
        taskError.remove(0, 6);
    if (!taskError.isEmpty() && !why.contains(taskError))
        why += QStringLiteral(" (task: %1)").arg(taskError);
    fail(QStringLiteral("Rollout failed, %1: %2").arg(state, why));
    return true;
}

// All tasks of a new service must keep running for the monitor period, as
// each task of an update must.
bool SwarmUpdateStrategy::firstRolloutDone(int updated, int failed, int total) {
    if (updated < total || failed > m_failedWhenAllRan) {
        m_allRunning.invalidate();
    } else if (!m_allRunning.isValid()) {
        m_allRunning.start();
        m_failedWhenAllRan = failed;
    } else if (m_allRunning.elapsed() >= m_config.rolloutMonitorMs) {
        return true;
    }
    return false;
}

void SwarmUpdateStrategy::rollback(std::function<void()> then) {
    if (m_serviceId.isEmpty())
        return then();
    if (m_serviceCreated) {
        // A service this deployment created goes again.
        log(QStringLiteral("Removing the new service"));
        engine::Engine(m_docker).removeService(
            m_serviceId, this, [then](const engine::EngineResult<void> &) { then(); });
        return;
    }
    // An update that failed was rolled back (or paused) by the engine itself.
    if (m_engineRolledBack)
        return then();
    askEngineToRollBack(std::move(then));
}

// Our own failure (cancel, timeout, the engine not answering): the engine
// would go on with the update; ask it to roll back instead.
void SwarmUpdateStrategy::askEngineToRollBack(std::function<void()> then) {
    log(QStringLiteral("Rolling the service back"));
    engine::Engine(m_docker).rollbackService(
        m_serviceId, this, [this, then](const engine::EngineResult<void> &r) {
            // A service that is gone has nothing to roll back.
            if (!r && !r.error().notFound())
                log(QStringLiteral("Warning: the service could not be rolled back: %1")
                        .arg(r.error().message),
                    true);
            then();
        });
}

} // namespace mist::deploy
