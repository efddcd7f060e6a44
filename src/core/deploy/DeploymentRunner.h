// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "store/DeploymentStore.h"
#include "store/Store.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace mist::engine {
class DockerClient;
class DockerStream;
struct DockerReply;
} // namespace mist::engine

namespace mist::deploy {

class DeploymentManager;
class GitCheckout;
class BuildOutputParser;
struct DeployConfig;

// Runs one deployment through its stages: cloning_repo (shallow clone),
// building_image (the engine's build API, every output line forwarded, within
// the build timeout and the log limit), stopping_old (the old container is
// stopped, then renamed aside, not removed),
// starting_new (create and start app-{appId}; it must still be running after
// a short check), completed (only now is the old container removed).
// Any failure rolls back: the new container goes, the old one gets its name
// back and runs again, so an app is never left half-deployed.
//
// A git app with replicas > 0 is a Swarm service app-{appId} instead: after
// the build, stopping_old submits the rolling update (service create the
// first time), and starting_new follows the engine's own rollout, "k/N tasks
// updated", to its end; a rollout the engine pauses or rolls back fails the
// deployment with the engine's message (docs/SCALING.md).
class DeploymentRunner : public QObject {
    Q_OBJECT
public:
    DeploymentRunner(DeploymentManager &manager, engine::DockerClient &docker,
                     const DeployConfig &config, store::Deployment deployment, store::App app,
                     QObject *parent = nullptr);
    ~DeploymentRunner() override;

    void start();
    // Pending steps stop; git or the engine's build are killed; the deployment
    // fails with "cancelled" after its rollback.
    void cancel();
    qint64 deploymentId() const { return m_d.id; }
    qint64 appId() const { return m_app.id; }

Q_SIGNALS:
    void finished(mist::deploy::DeploymentRunner *runner);

private:
    void setState(const QString &status, const QString &stage, int progress,
                  const QString &message);
    // The pipeline's own lines: few, always kept. `error`: the line reports a
    // failure (the store keeps it marked).
    void log(const QString &line, bool error = false);
    // Output of git and the engine: counted against the log limit.
    void output(QList<store::DeploymentLogLine> lines);
    // Server paths (the clone's directory) replaced by neutral names.
    QString scrub(QString text) const;
    // Ends the pipeline with `reason` as the error: at once while git or the
    // build stream runs, else at the next step.
    void stop(const QString &reason);
    bool stopping() const { return !m_stopReason.isEmpty(); }
    void clone();
    void build();
    void sendBuild(const QByteArray &context);
    void onBuildData(const QByteArray &bytes);
    void onBuildFinished(const engine::DockerReply &reply);
    void stopOld();
    void setOldAside();
    void removeOld(const QString &renameError);
    void startNew();
    void createContainer();
    void checkStarted(const QString &containerId);
    void complete();
    // Swarm service apps.
    void rollOutService();
    void submitService(const QJsonObject &existing);
    void pollRollout();
    void onRolloutTasks(const QJsonObject &service, const QJsonArray &tasks);
    void pollFailed(const engine::DockerReply &reply);
    QJsonObject serviceSpec(const QJsonObject &previousSpec) const;
    void fail(const QString &errorMessage);
    void rollback(std::function<void()> then);
    void done();
    bool alive() const { return !m_done; }

    DeploymentManager &m_manager;
    engine::DockerClient &m_docker;
    const DeployConfig &m_config;
    store::Deployment m_d;
    store::App m_app;
    QString m_containerName;
    QString m_previousName;    // the old container while the new one starts
    bool m_oldStopped = false; // stopped and still named m_containerName
    QString m_newContainerId;
    QString m_serviceId;           // the app's Swarm service (service apps)
    bool m_serviceCreated = false; // by this deployment: removed again on failure
    QString m_rolloutLast;         // the last rollout message logged
    QString m_rollbackReason;      // the engine's message when its rollback began
    QElapsedTimer m_rollout;
    QElapsedTimer m_allRunning; // a new service: since all its tasks run
    int m_failedWhenAllRan = 0;
    int m_pollErrors = 0;
    bool m_engineRolledBack = false; // the engine rolled the update back itself
    QString m_nodeId;                // this engine's swarm node (placement)
    QString m_imageTag;
    QString m_workDir;
    QString m_dockerfile;                             // resolved inside the checkout
    QList<std::pair<QString, QString>> m_hiddenPaths; // server path -> what the log shows
    QTimer m_buildTimer;
    qint64 m_logBytes = 0;     // counted against config.logLimitBytes
    qint64 m_droppedBytes = 0; // output not kept once the limit was reached
    QPointer<GitCheckout> m_git;
    QPointer<engine::DockerStream> m_build;
    std::unique_ptr<BuildOutputParser> m_parser;
    bool m_done = false;
    QString m_stopReason; // cancel, timeout or log limit: the error to fail with
};

} // namespace mist::deploy
