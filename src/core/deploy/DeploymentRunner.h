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
// building_image (the engine's build API, every output line forwarded),
// stopping_old (the old container is renamed and stopped, not removed),
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
    void cancel();
    qint64 deploymentId() const { return m_d.id; }
    qint64 appId() const { return m_app.id; }

Q_SIGNALS:
    void finished(mist::deploy::DeploymentRunner *runner);

private:
    void setState(const QString &status, const QString &stage, int progress,
                  const QString &message);
    // `error`: the line reports a failure (the store keeps it marked).
    void log(const QString &line, bool error = false);
    void clone();
    void build();
    void sendBuild(const QByteArray &context);
    void onBuildData(const QByteArray &bytes);
    void onBuildFinished(const engine::DockerReply &reply);
    void stopOld();
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
    QString m_previousName; // the old container while the new one starts
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
    QPointer<GitCheckout> m_git;
    QPointer<engine::DockerStream> m_build;
    std::unique_ptr<BuildOutputParser> m_parser;
    bool m_done = false;
    bool m_cancelled = false;
};

} // namespace mist::deploy
