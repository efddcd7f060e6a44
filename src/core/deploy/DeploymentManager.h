// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"
#include "store/DeploymentStore.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>

namespace mist::engine {
class DockerClient;
}
namespace mist::store {
class Store;
struct App;
} // namespace mist::store

namespace mist::deploy {

class ContainerDrain;
class DeploymentRunner;

struct DeployConfig {
    int workers = 2;               // deployments of different apps that may run at once
    QString workDir;               // clones live under here while they build
    QString network;               // network for app containers; empty: the engine's default
    int startupCheckMs = 1500;     // a new container must still run this long after start
    int stopTimeoutSeconds = 10;   // grace for the old container's stop
    int rolloutTimeoutMs = 600000; // a Swarm service's rollout must end within this
    int rolloutMonitorMs = 3000;   // each updated task must run this long (the engine's Monitor)
    int buildTimeoutSeconds = 30 * 60; // packing the context and building the image
    qint64 logLimitBytes = 64LL << 20; // what a deployment's log may take in the database
    // The log archive, when the server keeps one (ContainerDrain.h).
    ContainerDrain *containerDrain = nullptr;
};

// Queues deployments, runs them (one per app at a time, at most `workers` at
// once), and is the only writer of deployment state: every change is saved
// in the database *before* it is announced, so a watcher never sees
// anything a restart could take back.
//
// The queue is bounded and fair: an app has at most one pending deployment
// (a newer one supersedes it), so the queue never holds more entries than
// there are apps, which only owners and admins create; and a free worker goes
// to the project served least recently, so one project's flood of
// deployments delays another project's by at most the deployments already
// running.
class DeploymentManager : public QObject {
    Q_OBJECT
public:
    DeploymentManager(store::Store &store, engine::DockerClient &docker, DeployConfig config,
                      QObject *parent = nullptr);
    ~DeploymentManager() override;

    // Marks what a previous run left unfinished as failed, removes the clones
    // it left behind and schedules the pending deployments nobody had claimed.
    void start();

    Expected<store::Deployment> enqueue(const store::App &app, qint64 userId);
    // Pending: fails at once; running: stops the pipeline, rolls back, fails.
    Expected<void> cancel(qint64 deploymentId);

    store::DeploymentStore &deployments() { return m_deployments; }
    const DeployConfig &config() const { return m_config; }
    // Asked before an old container is removed (nullptr: no one keeps logs).
    void setContainerDrain(ContainerDrain *drain) { m_config.containerDrain = drain; }

    // Used by runners: persist (a failure is logged), then announce.
    Expected<void> update(const store::Deployment &deployment);
    // Lines as the store takes them (their `seq` is set here).
    void appendLog(qint64 deploymentId, QList<store::DeploymentLogLine> lines);

Q_SIGNALS:
    void statusChanged(const mist::store::Deployment &deployment);
    // The lines just saved, with their seq.
    void logAppended(qint64 deploymentId, const QList<mist::store::DeploymentLogLine> &lines);

private:
    void schedule();
    // Leaves each app of `pending` only its newest deployment.
    void supersedeOlder(const QList<store::Deployment> &pending);
    void removeLeftoverClones();
    void recoverSetAsideContainers();
    void restoreSetAside(const QString &app, const QString &aside);
    void onRunnerFinished(DeploymentRunner *runner);

    store::Store &m_store;
    engine::DockerClient &m_docker;
    DeployConfig m_config;
    store::DeploymentStore m_deployments;
    QHash<qint64, DeploymentRunner *> m_running; // by app id
    QHash<qint64, quint64> m_lastServed;         // project id -> turn it last got a worker
    quint64 m_turn = 0;
    bool m_scheduleQueued = false;
};

} // namespace mist::deploy
