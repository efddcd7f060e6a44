// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerSwapStrategy.h"

#include "ContainerDrain.h"
#include "DeployLogging.h"
#include "DeploymentManager.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"

#include <QTimer>

#include <utility>

namespace mist::deploy {

ContainerSwapStrategy::ContainerSwapStrategy(DeployPipeline &pipeline, engine::DockerClient &docker,
                                             const DeployConfig &config, DeployTarget target,
                                             QObject *parent)
    : DeployStrategy(pipeline, docker, config, std::move(target), parent) {
    m_drainBound.setSingleShot(true);
    connect(&m_drainBound, &QTimer::timeout, this, [this] { drained(false); });
}

void ContainerSwapStrategy::run() {
    if (failIfStopping())
        return;
    m_pipeline.setState(QStringLiteral("deploying"), QStringLiteral("stopping_old"),
                        ProgressStopping, QStringLiteral("Stopping previous container..."));
    engine::Engine(m_docker).inspectContainer(
        m_target.name, this, [this](const engine::EngineResult<engine::ContainerState> &inspect) {
            if (!alive())
                return;
            if (!inspect && inspect.error().notFound()) {
                log(QStringLiteral("No previous container"));
                return startNew();
            }
            if (!inspect)
                return fail(engineFailure(QStringLiteral("looking for the previous container"),
                                          inspect.error()));
            m_oldContainerId = inspect->id;
            // Stopped before it is renamed: renaming a running container
            // renames its network sandbox too, which an engine without a
            // bridge network may have lost after a restart of the container
            // ("sandbox ... not found"), and then no deployment could ever
            // replace it.
            log(QStringLiteral("Stopping previous container"));
            engine::Engine(m_docker).stopContainer(
                m_target.name, m_config.stopTimeoutSeconds, this,
                [this](const engine::EngineResult<void> &stopped) {
                    if (!alive())
                        return;
                    if (!stopped)
                        return fail(engineFailure(QStringLiteral("stopping the previous container"),
                                                  stopped.error()));
                    m_oldStopped = true;
                    startDrain();
                    setOldAside();
                });
        });
}

// Renamed rather than removed: if the new one does not come up, it comes back.
void ContainerSwapStrategy::setOldAside() {
    if (failIfStopping())
        return;
    const QString aside =
        QStringLiteral("%1-previous-%2").arg(m_target.name).arg(m_target.deploymentId);
    engine::Engine(m_docker).renameContainer(
        m_target.name, aside, this, [this, aside](const engine::EngineResult<void> &renamed) {
            if (!alive())
                return;
            if (!renamed && renamed.error().unreachable())
                return fail(engineFailure(QStringLiteral("renaming the previous container"),
                                          renamed.error()));
            if (!renamed)
                return removeOld(renamed.error().message);
            m_previousName = aside;
            m_oldStopped = false;
            startNew();
        });
}

// The engine refuses to rename the old container. Failing here would fail
// every later deployment of the app the same way; instead the old container
// goes, and this deployment alone has nothing to roll back to.
void ContainerSwapStrategy::removeOld(const QString &renameError) {
    log(QStringLiteral("Warning: the engine cannot rename the previous container (%1); removing it "
                       "instead, so a failure of this deployment cannot bring it back")
            .arg(renameError));
    whenDrained([this] {
        if (failIfStopping())
            return;
        engine::Engine(m_docker).removeContainer(
            m_target.name, this, [this](const engine::EngineResult<void> &removed) {
                if (!alive())
                    return;
                if (!removed && !removed.error().notFound())
                    return fail(engineFailure(QStringLiteral("removing the previous container"),
                                              removed.error()));
                m_oldStopped = false;
                startNew();
            });
    });
}

void ContainerSwapStrategy::startNew() {
    if (failIfStopping())
        return;
    m_pipeline.setState(QStringLiteral("deploying"), QStringLiteral("starting_new"),
                        ProgressStarting, QStringLiteral("Starting new container..."));
    createContainer();
}

void ContainerSwapStrategy::createContainer() {
    engine::ContainerSpec spec;
    spec.image = m_target.imageId;
    spec.labels = {{QStringLiteral("mist.app.id"), QString::number(m_target.app.id)},
                   {QStringLiteral("mist.deployment.id"), QString::number(m_target.deploymentId)},
                   {QStringLiteral("mist.managed"), QStringLiteral("true")}};
    spec.init = true;
    // No restarts while we check that it stays up (a restart would hide the exit code);
    // unless-stopped is set once it passed.
    spec.restartPolicy = QStringLiteral("no");
    spec.network = m_config.network;
    spec.tcpPort = std::max(0, m_target.app.port);
    // Published on a free host port (docker ps shows which); not possible without a network.
    spec.publishOnFreeHostPort = m_config.network != u"none";
    log(QStringLiteral("Creating container %1").arg(m_target.name));
    engine::Engine(m_docker).createContainer(
        m_target.name, spec, this, [this](const engine::EngineResult<QString> &created) {
            if (!alive())
                return;
            if (!created)
                return fail(
                    engineFailure(QStringLiteral("creating the container"), created.error()));
            m_newContainerId = *created;
            engine::Engine(m_docker).startContainer(
                m_newContainerId, this, [this](const engine::EngineResult<void> &started) {
                    if (!alive())
                        return;
                    if (!started)
                        return fail(QStringLiteral("Container failed to start: %1")
                                        .arg(started.error().message));
                    m_pipeline.setState(QStringLiteral("deploying"), QStringLiteral("starting_new"),
                                        ProgressStarted,
                                        QStringLiteral("Container started, checking..."));
                    QTimer::singleShot(m_config.startupCheckMs, this, [this] { checkStarted(); });
                });
        });
}

void ContainerSwapStrategy::checkStarted() {
    if (failIfStopping())
        return;
    engine::Engine(m_docker).inspectContainer(
        m_newContainerId, this, [this](const engine::EngineResult<engine::ContainerState> &state) {
            if (!alive())
                return;
            if (!state)
                return fail(
                    engineFailure(QStringLiteral("checking the new container"), state.error()));
            // A container that died and was restarted by its policy in the
            // meantime counts as dead.
            const bool running = state->running && !state->restarting && state->restartCount == 0;
            if (!running)
                return failWithOutput(QStringLiteral("Container exited immediately (exit code %1)")
                                          .arg(state->exitCode));
            setRestartPolicy();
        });
}

// Why it died is usually in what it printed ("FATAL: missing env ..."): its
// last lines go into the deployment's log before the failure, so every
// viewer of the deployment sees them. The rollback removes the container.
void ContainerSwapStrategy::failWithOutput(const QString &errorMessage) {
    engine::LogsQuery query;
    query.tail = LastOutput::MaxLines;
    engine::Engine(m_docker).containerLogs(
        m_newContainerId, query, this,
        [this, errorMessage](const engine::EngineResult<QByteArray> &logs) {
            if (!alive())
                return;
            const QStringList lines = logs ? lastContainerOutput(*logs) : QStringList();
            if (!lines.isEmpty()) {
                log(QStringLiteral("Last output of the container:"));
                for (const QString &line : lines)
                    log(line);
            }
            fail(errorMessage);
        });
}

void ContainerSwapStrategy::setRestartPolicy() {
    engine::Engine(m_docker).setRestartPolicy(
        m_newContainerId, QStringLiteral("unless-stopped"), this,
        [this](const engine::EngineResult<void> &updated) {
            if (!alive())
                return;
            if (!updated)
                return fail(
                    engineFailure(QStringLiteral("setting the restart policy"), updated.error()));
            removePrevious();
        });
}

// Only now, with the new container up, does the old one go.
void ContainerSwapStrategy::removePrevious() {
    if (m_previousName.isEmpty())
        return m_pipeline.complete();
    whenDrained([this] {
        if (!alive())
            return;
        log(QStringLiteral("Removing previous container"));
        engine::Engine(m_docker).removeContainer(
            m_previousName, this, [this](const engine::EngineResult<void> &removed) {
                if (!removed && !removed.error().notFound())
                    log(QStringLiteral("Warning: could not remove %1: %2")
                            .arg(m_previousName, removed.error().message),
                        true);
                m_pipeline.complete();
            });
    });
}

// Started as soon as the old container has stopped, so that the archive reads
// its last output while the new one starts; only its removal waits.
void ContainerSwapStrategy::startDrain() {
    if (!m_config.containerDrain || m_oldContainerId.isEmpty())
        return;
    m_draining = true;
    m_drainBound.start(DrainBoundMs);
    m_config.containerDrain->drain(m_target.app.id, m_oldContainerId, this,
                                   [this] { drained(true); });
}

void ContainerSwapStrategy::drained(bool inTime) {
    if (!m_draining)
        return;
    m_draining = false;
    m_drainBound.stop();
    if (!inTime && alive()) {
        qCWarning(lcDeploy) << "deployment" << m_target.deploymentId
                            << ": the log archive did not take the previous container's output in"
                            << DrainBoundMs << "ms";
        log(QStringLiteral("Warning: the log archive did not take the previous container's last "
                           "output within %1 s; removing it anyway")
                .arg(DrainBoundMs / 1000),
            true);
    }
    if (m_afterDrain)
        std::exchange(m_afterDrain, nullptr)();
}

void ContainerSwapStrategy::whenDrained(std::function<void()> then) {
    if (!m_draining)
        return then();
    m_afterDrain = std::move(then);
}

void ContainerSwapStrategy::rollback(std::function<void()> then) {
    // The old container comes back: nothing waits for its drain any more.
    m_draining = false;
    m_drainBound.stop();
    m_afterDrain = nullptr;
    if (m_newContainerId.isEmpty())
        return restoreOld(std::move(then));
    engine::Engine(m_docker).removeContainer(
        m_newContainerId, this,
        [this, then](const engine::EngineResult<void> &) { restoreOld(then); });
}

void ContainerSwapStrategy::restoreOld(std::function<void()> then) {
    if (m_oldStopped) {
        // Stopped, but its name was never changed.
        log(QStringLiteral("Starting previous container again"));
        engine::Engine(m_docker).startContainer(
            m_target.name, this, [then](const engine::EngineResult<void> &) { then(); });
        return;
    }
    if (m_previousName.isEmpty())
        return then();
    log(QStringLiteral("Restoring previous container"));
    engine::Engine(m_docker).renameContainer(
        m_previousName, m_target.name, this, [this, then](const engine::EngineResult<void> &) {
            engine::Engine(m_docker).startContainer(
                m_target.name, this, [then](const engine::EngineResult<void> &) { then(); });
        });
}

} // namespace mist::deploy
