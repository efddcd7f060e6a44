// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "store/Store.h"

#include <QByteArrayView>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace mist::engine {
class DockerClient;
struct EngineError;
} // namespace mist::engine

namespace mist::deploy {

struct DeployConfig;

// Progress of the flow in docs/DEPLOYMENTS.md, "Status, stage, progress".
inline constexpr int ProgressCloning = 25;
inline constexpr int ProgressBuildStart = 30;
inline constexpr int ProgressBuildEnd = 75;
inline constexpr int ProgressStopping = 80;
inline constexpr int ProgressStarting = 85;
inline constexpr int ProgressStarted = 90;
inline constexpr int ProgressRolledOut = 99;

// "Docker engine unavailable while ...: ..." or "Docker engine error while ...: ...".
QString engineFailure(const QString &what, const engine::EngineError &error);

// What a container that died at start said last, for the deployment's log: the
// body of the engine's logs endpoint (multiplexed frames with timestamps, as
// asked with tail=MaxLines) as at most MaxLines lines of text, oldest first,
// each cut at MaxLineBytes of UTF-8 on a character boundary (marked with
// "…"), without escape sequences or control characters (tabs kept); bytes that
// are not UTF-8 become U+FFFD. The engine's tail counts entries, and a long
// line is several: the first line may then be the end of a longer one. Pure.
struct LastOutput {
    static constexpr int MaxLines = 50;
    static constexpr qsizetype MaxLineBytes = 2048;
};
QStringList lastContainerOutput(QByteArrayView logsBody);

// What a strategy may ask of the pipeline that runs it: the pipeline keeps
// the deployment's record, its log and the reason it has to stop.
class DeployPipeline {
public:
    virtual void setState(const QString &status, const QString &stage, int progress,
                          const QString &message) = 0;
    virtual void log(const QString &line, bool error) = 0;
    // Rolls back (through the strategy) and ends the deployment as failed.
    virtual void fail(const QString &errorMessage) = 0;
    // The new version runs: the deployment ends as a success.
    virtual void complete() = 0;
    // False once the deployment failed or completed: no further step runs.
    virtual bool alive() const = 0;
    // Cancel, timeout or log limit: the error to fail with; empty while the
    // deployment may go on.
    virtual QString stopReason() const = 0;

protected:
    ~DeployPipeline() = default;
};

// What the pipeline built and where it goes.
struct DeployTarget {
    store::App app;
    qint64 deploymentId = 0;
    QString imageId;  // the image the build produced
    QString imageTag; // mist-app-{appId}:{deploymentId}
    QString name;     // app-{appId}: the container or the Swarm service
};

// How a built image replaces what runs: the second half of a deployment,
// after the shared clone and build. Each strategy keeps only its own state
// and knows how to undo its own steps.
class DeployStrategy : public QObject {
    Q_OBJECT
public:
    DeployStrategy(DeployPipeline &pipeline, engine::DockerClient &docker,
                   const DeployConfig &config, DeployTarget target, QObject *parent);

    // From stopping_old on: ends in the pipeline's complete() or fail().
    virtual void run() = 0;
    // Undoes what run() did so far, then calls `then`. The pipeline calls it
    // once, after a failure, when no further step of run() goes on.
    virtual void rollback(std::function<void()> then) = 0;

protected:
    void log(const QString &line, bool error = false) { m_pipeline.log(line, error); }
    void fail(const QString &errorMessage) { m_pipeline.fail(errorMessage); }
    bool alive() const { return m_pipeline.alive(); }
    // True (and the deployment failed) when a cancel, timeout or limit came
    // in between two steps.
    bool failIfStopping();

    DeployPipeline &m_pipeline;
    engine::DockerClient &m_docker;
    const DeployConfig &m_config;
    const DeployTarget m_target;
};

} // namespace mist::deploy
