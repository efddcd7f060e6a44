// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "DeployStrategy.h"
#include "store/DeploymentStore.h"
#include "store/Store.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace mist::engine {
class DockerClient;
class DockerStream;
struct EngineError;
} // namespace mist::engine

namespace mist::deploy {

class DeploymentManager;
class GitCheckout;
class BuildOutputParser;
struct DeployConfig;

// Runs one deployment through its stages. The pipeline here owns what every
// deployment shares: cloning_repo (shallow clone), building_image (the
// engine's build API, every output line forwarded, within the build timeout
// and the log limit), the record's status, stage and progress, the log,
// cancellation, and the end (completed or failed). From stopping_old on it
// hands over to the strategy of the app's target, which also undoes its own
// steps when the deployment fails:
// - ContainerSwapStrategy: one container app-{appId}, swapped for the new one;
// - SwarmUpdateStrategy (git apps with replicas > 0): a rolling update of the
//   Swarm service app-{appId} (docs/SCALING.md).
class DeploymentRunner : public QObject, private DeployPipeline {
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
                  const QString &message) override;
    // The pipeline's own lines: few, always kept. `error`: the line reports a
    // failure (the store keeps it marked).
    void log(const QString &line, bool error = false) override;
    // Output of git and the engine: counted against the log limit.
    void output(QList<store::DeploymentLogLine> lines);
    // Server paths (the clone's directory) replaced by neutral names.
    QString scrub(QString text) const;
    // Ends the pipeline with `reason` as the error: at once while git or the
    // build stream runs, else at the next step.
    void stop(const QString &reason);
    bool stopping() const { return !m_stopReason.isEmpty(); }
    QString stopReason() const override { return m_stopReason; }
    void clone();
    void build();
    void sendBuild(const QByteArray &context);
    void onBuildData(const QByteArray &bytes);
    void onBuildFinished(const Expected<void, engine::EngineError> &built);
    void complete() override;
    void fail(const QString &errorMessage) override;
    void rollback(std::function<void()> then);
    void done();
    bool alive() const override { return !m_done; }

    DeploymentManager &m_manager;
    engine::DockerClient &m_docker;
    const DeployConfig &m_config;
    store::Deployment m_d;
    store::App m_app;
    QString m_containerName;
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
    DeployStrategy *m_strategy = nullptr; // from stopping_old on; a child
    bool m_done = false;
    QString m_stopReason; // cancel, timeout or log limit: the error to fail with
};

} // namespace mist::deploy
