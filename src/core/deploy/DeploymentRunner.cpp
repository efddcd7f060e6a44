// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentRunner.h"

#include "BuildContext.h"
#include "BuildOutputParser.h"
#include "DeploymentManager.h"
#include "GitCheckout.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"

#include <QDir>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtConcurrent>

namespace mist::deploy {

namespace {
// Progress of the flow in docs/DEPLOYMENTS.md, "Status, stage, progress".
constexpr int ProgressCloning = 25;
constexpr int ProgressBuildStart = 30;
constexpr int ProgressBuildEnd = 75;
constexpr int ProgressStopping = 80;
constexpr int ProgressStarting = 85;
constexpr int ProgressStarted = 90;

qint64 utf8Size(QStringView text) {
    qint64 bytes = 0;
    for (const QChar c : text)
        bytes += c.unicode() < 0x80 ? 1 : c.unicode() < 0x800 || c.isSurrogate() ? 2 : 3;
    return bytes; // a surrogate pair: 2 + 2, the 4 bytes of its UTF-8
}

// "64 MiB", "512 KiB", "1000000 bytes": as an operator would write the limit.
QString sizeText(qint64 bytes) {
    static const struct {
        int shift;
        const char *unit;
    } units[] = {{30, "GiB"}, {20, "MiB"}, {10, "KiB"}};
    for (const auto &u : units) {
        if (bytes >= (qint64(1) << u.shift) && bytes % (qint64(1) << u.shift) == 0)
            return QStringLiteral("%1 %2").arg(bytes >> u.shift).arg(QLatin1String(u.unit));
    }
    return QStringLiteral("%1 bytes").arg(bytes);
}

// "30 min", "2 h", "90 s".
QString durationText(int seconds) {
    if (seconds % 3600 == 0)
        return QStringLiteral("%1 h").arg(seconds / 3600);
    if (seconds % 60 == 0)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 s").arg(seconds);
}

QString engineFailure(const QString &what, const engine::DockerReply &reply) {
    return reply.httpStatus == 0
               ? QStringLiteral("Docker engine unavailable while %1: %2").arg(what, reply.error)
               : QStringLiteral("Docker engine error while %1: %2").arg(what, reply.error);
}
} // namespace

DeploymentRunner::DeploymentRunner(DeploymentManager &manager, engine::DockerClient &docker,
                                   const DeployConfig &config, store::Deployment deployment,
                                   store::App app, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_docker(docker)
    , m_config(config)
    , m_d(std::move(deployment))
    , m_app(std::move(app))
    , m_containerName(engine::appContainerName(m_app.id))
    , m_imageTag(QStringLiteral("mist-app-%1:%2").arg(m_app.id).arg(m_d.id))
    , m_workDir(QDir(QDir(config.workDir).absolutePath())
                    .filePath(QStringLiteral("deploy-%1").arg(m_d.id))) {
    m_buildTimer.setSingleShot(true);
    connect(&m_buildTimer, &QTimer::timeout, this, [this] {
        stop(QStringLiteral("Build timed out after %1")
                 .arg(durationText(m_config.buildTimeoutSeconds)));
    });
}

DeploymentRunner::~DeploymentRunner() {
    if (m_git)
        delete m_git;
    if (m_build)
        m_build->abort();
    QDir(m_workDir).removeRecursively();
}

void DeploymentRunner::start() {
    m_d.startedAt = QDateTime::currentDateTimeUtc();
    clone();
}

void DeploymentRunner::cancel() {
    stop(QStringLiteral("cancelled"));
}

void DeploymentRunner::stop(const QString &reason) {
    if (!alive() || stopping())
        return;
    m_stopReason = reason;
    if (m_git) {
        // Its finished() comes once git is gone and its files removed; then we fail.
        m_git->cancel();
    } else if (m_build) {
        // Closing the request makes the engine cancel the build and kill its RUN.
        m_build->abort();
        m_build->deleteLater();
        m_build = nullptr;
        fail(reason);
    }
    // Between engine calls (or while the context is packed): the next step sees it.
}

void DeploymentRunner::setState(const QString &status, const QString &stage, int progress,
                                const QString &message) {
    m_d.status = status;
    m_d.stage = stage;
    m_d.progress = std::max(m_d.progress, progress); // never goes back
    m_d.message = message;
    m_manager.update(m_d);
}

void DeploymentRunner::log(const QString &line, bool error) {
    const QString kept = scrub(line);
    m_logBytes += m_manager.deployments().storedLineBytes(utf8Size(kept));
    m_manager.appendLog(m_d.id, {store::DeploymentLogLine{0, kept, error}});
}

void DeploymentRunner::output(QList<store::DeploymentLogLine> lines) {
    if (!alive())
        return; // what a killed git or an aborted build still said
    qsizetype kept = 0;
    for (store::DeploymentLogLine &line : lines) {
        line.line = scrub(line.line);
        const qint64 bytes = utf8Size(line.line);
        // The limit is on what the log takes on disk: a build printing
        // millions of short lines, or lines just too long for a database
        // page, cannot slip past it.
        const qint64 cost = m_manager.deployments().storedLineBytes(bytes);
        // Once one line did not fit, none after it is kept either: the log
        // keeps its order, and the marker says how much is missing.
        if (m_droppedBytes > 0 || m_logBytes + cost > m_config.logLimitBytes) {
            m_droppedBytes += bytes + 1;
            continue;
        }
        m_logBytes += cost;
        lines[kept++] = line;
    }
    lines.resize(kept);
    if (!lines.isEmpty())
        m_manager.appendLog(m_d.id, lines);
    // The rest of a runaway build would only fill the disk: end it now. fail()
    // says how much was dropped, once nothing more can come.
    if (m_droppedBytes > 0)
        stop(QStringLiteral("Build log exceeded %1 (deploy-log-limit)")
                 .arg(sizeText(m_config.logLimitBytes)));
}

QString DeploymentRunner::scrub(QString text) const {
    for (const auto &[path, shown] : m_hiddenPaths)
        text.replace(path, shown);
    return text;
}

void DeploymentRunner::clone() {
    setState(QStringLiteral("building"), QStringLiteral("cloning_repo"), ProgressCloning,
             QStringLiteral("Cloning repository..."));
    log(QStringLiteral("Cloning %1 (branch %2)").arg(redactUrl(m_app.gitUrl), m_app.gitBranch));
    // The log is for the app's users: git and error messages name the clone's
    // directory, which tells them where the server keeps its data.
    const QString checkout = QDir(m_workDir).filePath(QStringLiteral("src"));
    m_hiddenPaths = {{checkout, QStringLiteral("<checkout>")},
                     {m_workDir, QStringLiteral("<workdir>")}};
    QDir(m_workDir).removeRecursively();
    if (!QDir().mkpath(m_workDir))
        return fail(QStringLiteral("Cannot create work directory %1").arg(m_workDir));
    // git reports the real path when the data directory is reached through a link.
    const QString real = QDir(m_workDir).canonicalPath();
    if (!real.isEmpty() && real != m_workDir)
        m_hiddenPaths +=
            {{QDir(real).filePath(QStringLiteral("src")), QStringLiteral("<checkout>")},
             {real, QStringLiteral("<workdir>")}};
    m_git = new GitCheckout(this);
    connect(m_git, &GitCheckout::progress, this, [this](const QString &line) {
        // git redraws its counters hundreds of times; keep only the final
        // "..., done." of each and every other message.
        static const QRegularExpression counter(QStringLiteral(R"(\d+% \(\d+/\d+\))"));
        if (!counter.match(line).hasMatch() || line.endsWith(QStringLiteral("done.")))
            output({store::DeploymentLogLine{0, line, false}});
    });
    connect(m_git, &GitCheckout::finished, this, [this](bool ok, const QString &error) {
        const CommitInfo commit = m_git->commit();
        m_git->deleteLater();
        m_git = nullptr;
        if (!alive())
            return;
        if (!ok)
            return fail(stopping() ? m_stopReason : error);
        m_d.commitHash = commit.hash;
        m_d.commitMessage = commit.message;
        m_d.commitAuthor = commit.author;
        log(QStringLiteral("Commit %1: %2 (%3)")
                .arg(commit.hash.left(12), commit.message, commit.author));
        build();
    });
    m_git->start(m_app.gitUrl, m_app.gitBranch, checkout);
}

void DeploymentRunner::build() {
    if (stopping())
        return fail(m_stopReason);
    setState(QStringLiteral("building"), QStringLiteral("building_image"), ProgressBuildStart,
             QStringLiteral("Building Docker image..."));
    m_buildTimer.start(m_config.buildTimeoutSeconds * 1000);
    const QString source = QDir(m_workDir).filePath(QStringLiteral("src"));
    // Looked up inside the checkout only: a link to "/" must not tell the
    // repository which of the server's files exist.
    const auto dockerfile = resolveDockerfile(source, m_app.dockerfile);
    if (!dockerfile)
        return fail(QStringLiteral("Dockerfile not found: %1").arg(m_app.dockerfile));
    m_dockerfile = *dockerfile;
    // Packing a large tree takes a while: off the event loop.
    struct Packed {
        std::optional<QByteArray> archive;
        QString error;
    };
    auto *watcher = new QFutureWatcher<Packed>(this);
    connect(watcher, &QFutureWatcher<Packed>::finished, this, [this, watcher] {
        watcher->deleteLater();
        Packed packed = watcher->result();
        if (!alive())
            return;
        if (stopping())
            return fail(m_stopReason);
        if (!packed.archive)
            return fail(QStringLiteral("Cannot pack the build context: %1").arg(packed.error));
        sendBuild(*packed.archive);
    });
    watcher->setFuture(QtConcurrent::run([source] {
        Packed p;
        p.archive = packBuildContext(source, &p.error);
        return p;
    }));
}

void DeploymentRunner::sendBuild(const QByteArray &context) {
    log(QStringLiteral("Sending build context to the Docker engine (%1 KiB)")
            .arg((context.size() + 1023) / 1024));

    engine::BuildQuery query;
    query.tag = m_imageTag;
    query.dockerfile = m_dockerfile;
    query.labels = {{QStringLiteral("mist.app.id"), QString::number(m_app.id)},
                    {QStringLiteral("mist.deployment.id"), QString::number(m_d.id)}};
    m_parser = std::make_unique<BuildOutputParser>();
    m_build = engine::Engine(m_docker).build(query, context);
    m_build->setParent(this);
    connect(m_build, &engine::DockerStream::data, this, &DeploymentRunner::onBuildData);
    connect(m_build, &engine::DockerStream::finished, this, &DeploymentRunner::onBuildFinished);
}

void DeploymentRunner::onBuildData(const QByteArray &bytes) {
    QList<BuildEvent> events;
    m_parser->feed(bytes, events);
    QList<store::DeploymentLogLine> lines;
    int progress = m_d.progress;
    for (const BuildEvent &e : std::as_const(events)) {
        lines << store::DeploymentLogLine{0, e.line, e.kind == BuildEvent::Kind::Error};
        if (e.totalSteps > 0) {
            // Rises with the build's steps: step n of N has started.
            const int p = ProgressBuildStart +
                          (ProgressBuildEnd - ProgressBuildStart) * (e.step - 1) / e.totalSteps;
            progress = std::max(progress, std::min(p, ProgressBuildEnd));
        }
    }
    output(lines);
    if (!alive() || stopping())
        return;
    if (progress != m_d.progress)
        setState(m_d.status, m_d.stage, progress, m_d.message);
}

void DeploymentRunner::onBuildFinished(const engine::DockerReply &reply) {
    if (m_build)
        m_build->deleteLater();
    m_build = nullptr;
    if (!alive())
        return;
    QList<BuildEvent> events;
    m_parser->finish(events);
    QList<store::DeploymentLogLine> lines;
    for (const BuildEvent &e : std::as_const(events))
        lines << store::DeploymentLogLine{0, e.line, e.kind == BuildEvent::Kind::Error};
    output(lines);
    if (stopping())
        return fail(m_stopReason);
    m_buildTimer.stop();
    if (!reply.ok())
        return fail(reply.httpStatus == 0
                        ? engineFailure(QStringLiteral("building"), reply)
                        : QStringLiteral("Docker build failed: %1").arg(reply.error));
    if (m_parser->failed())
        return fail(buildFailureMessage(*m_parser));
    if (m_parser->imageId().isEmpty())
        return fail(QStringLiteral("Docker build failed: the engine reported no image"));
    m_d.imageId = m_parser->imageId();
    setState(QStringLiteral("building"), QStringLiteral("building_image"), ProgressBuildEnd,
             QStringLiteral("Image built"));
    if (m_app.replicas > 0)
        return rollOutService();
    stopOld();
}

void DeploymentRunner::stopOld() {
    if (stopping())
        return fail(m_stopReason);
    setState(QStringLiteral("deploying"), QStringLiteral("stopping_old"), ProgressStopping,
             QStringLiteral("Stopping previous container..."));
    engine::Engine(m_docker).inspectContainer(
        m_containerName, this, [this](const engine::DockerReply &inspect) {
            if (!alive())
                return;
            if (inspect.httpStatus == 404) {
                log(QStringLiteral("No previous container"));
                return startNew();
            }
            if (!inspect.ok())
                return fail(
                    engineFailure(QStringLiteral("looking for the previous container"), inspect));
            // Stopped before it is renamed: renaming a running container
            // renames its network sandbox too, which an engine without a
            // bridge network may have lost after a restart of the container
            // ("sandbox ... not found"), and then no deployment could ever
            // replace it.
            log(QStringLiteral("Stopping previous container"));
            engine::Engine(m_docker).stopContainer(
                m_containerName, m_config.stopTimeoutSeconds, this,
                [this](const engine::DockerReply &stopped) {
                    if (!alive())
                        return;
                    // 304: it was not running; fine.
                    if (!stopped.ok() && stopped.httpStatus != 304)
                        return fail(engineFailure(QStringLiteral("stopping the previous container"),
                                                  stopped));
                    m_oldStopped = true;
                    setOldAside();
                });
        });
}

// Renamed rather than removed: if the new one does not come up, it comes back.
void DeploymentRunner::setOldAside() {
    if (stopping())
        return fail(m_stopReason);
    const QString aside = QStringLiteral("%1-previous-%2").arg(m_containerName).arg(m_d.id);
    engine::Engine(m_docker).renameContainer(
        m_containerName, aside, this, [this, aside](const engine::DockerReply &renamed) {
            if (!alive())
                return;
            if (renamed.httpStatus == 0)
                return fail(
                    engineFailure(QStringLiteral("renaming the previous container"), renamed));
            if (!renamed.ok())
                return removeOld(renamed.error);
            m_previousName = aside;
            m_oldStopped = false;
            startNew();
        });
}

// The engine refuses to rename the old container. Failing here would fail
// every later deployment of the app the same way; instead the old container
// goes, and this deployment alone has nothing to roll back to.
void DeploymentRunner::removeOld(const QString &renameError) {
    log(QStringLiteral("Warning: the engine cannot rename the previous container (%1); removing it "
                       "instead, so a failure of this deployment cannot bring it back")
            .arg(renameError));
    engine::Engine(m_docker).removeContainer(
        m_containerName, this, [this](const engine::DockerReply &removed) {
            if (!alive())
                return;
            if (!removed.ok() && removed.httpStatus != 404)
                return fail(
                    engineFailure(QStringLiteral("removing the previous container"), removed));
            m_oldStopped = false;
            startNew();
        });
}

void DeploymentRunner::startNew() {
    if (stopping())
        return fail(m_stopReason);
    setState(QStringLiteral("deploying"), QStringLiteral("starting_new"), ProgressStarting,
             QStringLiteral("Starting new container..."));
    createContainer();
}

void DeploymentRunner::createContainer() {
    QJsonObject hostConfig{
        {QStringLiteral("Init"), true},
        // No restarts while we check that it stays up (a restart would hide
        // the exit code); unless-stopped is set once it passed.
        {QStringLiteral("RestartPolicy"),
         QJsonObject{{QStringLiteral("Name"), QStringLiteral("no")}}},
    };
    QJsonObject body{
        {QStringLiteral("Image"), m_d.imageId},
        {QStringLiteral("Labels"),
         QJsonObject{{QStringLiteral("mist.app.id"), QString::number(m_app.id)},
                     {QStringLiteral("mist.deployment.id"), QString::number(m_d.id)},
                     {QStringLiteral("mist.managed"), QStringLiteral("true")}}},
    };
    if (!m_config.network.isEmpty())
        hostConfig.insert(QStringLiteral("NetworkMode"), m_config.network);
    if (m_app.port > 0) {
        const QString port = QStringLiteral("%1/tcp").arg(m_app.port);
        body.insert(QStringLiteral("ExposedPorts"), QJsonObject{{port, QJsonObject()}});
        // Published on a free host port (docker ps shows which); not possible
        // without a network.
        if (m_config.network != u"none")
            hostConfig.insert(QStringLiteral("PortBindings"),
                              QJsonObject{{port, QJsonArray{QJsonObject{
                                                     {QStringLiteral("HostPort"), QString()}}}}});
    }
    body.insert(QStringLiteral("HostConfig"), hostConfig);
    log(QStringLiteral("Creating container %1").arg(m_containerName));
    engine::Engine(m_docker).createContainer(
        m_containerName, this,
        [this](const engine::DockerReply &created) {
            if (!alive())
                return;
            if (!created.ok())
                return fail(engineFailure(QStringLiteral("creating the container"), created));
            m_newContainerId = created.json().object().value(QStringLiteral("Id")).toString();
            engine::Engine(m_docker).startContainer(
                m_newContainerId, this, [this](const engine::DockerReply &started) {
                    if (!alive())
                        return;
                    if (!started.ok())
                        return fail(
                            QStringLiteral("Container failed to start: %1").arg(started.error));
                    setState(QStringLiteral("deploying"), QStringLiteral("starting_new"),
                             ProgressStarted, QStringLiteral("Container started, checking..."));
                    QTimer::singleShot(m_config.startupCheckMs, this,
                                       [this] { checkStarted(m_newContainerId); });
                });
        },
        QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void DeploymentRunner::checkStarted(const QString &containerId) {
    if (stopping())
        return fail(m_stopReason);
    engine::Engine(m_docker).inspectContainer(
        containerId, this, [this](const engine::DockerReply &inspect) {
            if (!alive())
                return;
            if (!inspect.ok())
                return fail(engineFailure(QStringLiteral("checking the new container"), inspect));
            const QJsonObject container = inspect.json().object();
            const QJsonObject state = container.value(QStringLiteral("State")).toObject();
            // RestartCount sits beside State, not in it. A container that died
            // and was restarted by its policy in the meantime counts as dead.
            const bool running = state.value(QStringLiteral("Running")).toBool() &&
                                 !state.value(QStringLiteral("Restarting")).toBool() &&
                                 container.value(QStringLiteral("RestartCount")).toInt() == 0;
            if (!running)
                return fail(QStringLiteral("Container exited immediately (exit code %1)")
                                .arg(state.value(QStringLiteral("ExitCode")).toInt()));
            const QByteArray policy =
                QJsonDocument(QJsonObject{{QStringLiteral("RestartPolicy"),
                                           QJsonObject{{QStringLiteral("Name"),
                                                        QStringLiteral("unless-stopped")}}}})
                    .toJson(QJsonDocument::Compact);
            engine::Engine(m_docker).updateContainer(
                m_newContainerId, this,
                [this](const engine::DockerReply &updated) {
                    if (!alive())
                        return;
                    if (!updated.ok())
                        return fail(
                            engineFailure(QStringLiteral("setting the restart policy"), updated));
                    complete();
                },
                policy);
        });
}

// --- Swarm service apps ---------------------------------------------------

namespace {
constexpr int ProgressRolledOut = 99;
constexpr int RolloutPollMs = 500;
constexpr int MaxFailedTasks = 3; // a first rollout whose tasks keep failing
constexpr int MaxPollErrors = 5;  // engine calls in a row that may fail while following

qint64 nanoseconds(int ms) {
    return qint64(ms) * 1000000;
}
} // namespace

QJsonObject DeploymentRunner::serviceSpec(const QJsonObject &previous) const {
    const QJsonObject labels{{QStringLiteral("mist.app.id"), QString::number(m_app.id)},
                             {QStringLiteral("mist.deployment.id"), QString::number(m_d.id)},
                             {QStringLiteral("mist.managed"), QStringLiteral("true")}};
    const int force = previous.value(QStringLiteral("TaskTemplate"))
                          .toObject()
                          .value(QStringLiteral("ForceUpdate"))
                          .toInt();
    QJsonObject spec{
        {QStringLiteral("Name"), m_containerName},
        {QStringLiteral("Labels"), labels},
        {QStringLiteral("TaskTemplate"),
         QJsonObject{
             {QStringLiteral("ContainerSpec"), QJsonObject{{QStringLiteral("Image"), m_imageTag},
                                                           {QStringLiteral("Init"), true},
                                                           {QStringLiteral("Labels"), labels}}},
             {QStringLiteral("RestartPolicy"),
              QJsonObject{{QStringLiteral("Condition"), QStringLiteral("any")},
                          {QStringLiteral("Delay"), double(nanoseconds(1000))}}},
             {QStringLiteral("ForceUpdate"), force + 1},
             {QStringLiteral("Placement"),
              m_nodeId.isEmpty()
                  ? QJsonObject()
                  : QJsonObject{{QStringLiteral("Constraints"),
                                 QJsonArray{QStringLiteral("node.id==") + m_nodeId}}}},
         }},
        {QStringLiteral("Mode"),
         QJsonObject{{QStringLiteral("Replicated"),
                      QJsonObject{{QStringLiteral("Replicas"), m_app.replicas}}}}},
        // One task at a time, each watched for a moment; a task that fails
        // makes the engine roll the whole service back.
        {QStringLiteral("UpdateConfig"),
         QJsonObject{{QStringLiteral("Parallelism"), 1},
                     {QStringLiteral("FailureAction"), QStringLiteral("rollback")},
                     {QStringLiteral("Monitor"), double(nanoseconds(m_config.rolloutMonitorMs))},
                     {QStringLiteral("MaxFailureRatio"), 0},
                     {QStringLiteral("Order"), QStringLiteral("stop-first")}}},
        {QStringLiteral("RollbackConfig"),
         QJsonObject{{QStringLiteral("Parallelism"), 0},
                     {QStringLiteral("FailureAction"), QStringLiteral("pause")},
                     {QStringLiteral("Monitor"), double(nanoseconds(m_config.rolloutMonitorMs))},
                     {QStringLiteral("Order"), QStringLiteral("stop-first")}}},
    };
    // Published through the swarm's routing mesh (not possible without a network).
    if (m_app.port > 0 && m_config.network != u"none")
        spec.insert(
            QStringLiteral("EndpointSpec"),
            QJsonObject{{QStringLiteral("Ports"),
                         QJsonArray{QJsonObject{{QStringLiteral("Protocol"), QStringLiteral("tcp")},
                                                {QStringLiteral("TargetPort"), m_app.port}}}}});
    return spec;
}

void DeploymentRunner::rollOutService() {
    if (stopping())
        return fail(m_stopReason);
    setState(QStringLiteral("deploying"), QStringLiteral("stopping_old"), ProgressStopping,
             QStringLiteral("Updating service %1...").arg(m_containerName));
    // The image exists on this engine only (no registry): its tasks are
    // placed on this node (docs/SCALING.md).
    engine::Engine(m_docker).info(this, [this](const engine::DockerReply &info) {
        if (!alive())
            return;
        if (!info.ok())
            return fail(engineFailure(QStringLiteral("asking the engine for its node"), info));
        m_nodeId = info.json()
                       .object()
                       .value(QStringLiteral("Swarm"))
                       .toObject()
                       .value(QStringLiteral("NodeID"))
                       .toString();
        engine::Engine(m_docker).inspectService(
            m_containerName, this, [this](const engine::DockerReply &inspect) {
                if (!alive())
                    return;
                if (stopping())
                    return fail(m_stopReason);
                if (inspect.httpStatus == 404)
                    return submitService({});
                if (!inspect.ok())
                    return fail(engineFailure(QStringLiteral("looking for the service"), inspect));
                submitService(inspect.json().object());
            });
    });
}

void DeploymentRunner::submitService(const QJsonObject &existing) {
    const bool create = existing.isEmpty();
    const QJsonObject spec = serviceSpec(existing.value(QStringLiteral("Spec")).toObject());
    const QString id = existing.value(QStringLiteral("ID")).toString();
    const qint64 version = qint64(existing.value(QStringLiteral("Version"))
                                      .toObject()
                                      .value(QStringLiteral("Index"))
                                      .toDouble());
    auto submit = [this, create, id, version](engine::Engine::Callback cb, const QByteArray &body) {
        if (create)
            engine::Engine(m_docker).createService(this, std::move(cb), body);
        else
            engine::Engine(m_docker).updateService(id, version, this, std::move(cb), body);
    };
    log(create ? QStringLiteral("Creating service %1: %2 replicas of %3")
                     .arg(m_containerName)
                     .arg(m_app.replicas)
                     .arg(m_imageTag)
               : QStringLiteral("Rolling update of service %1 to %2, one task at a time")
                     .arg(m_containerName, m_imageTag));
    submit(
        [this, create, existing](const engine::DockerReply &r) {
            if (!alive())
                return;
            if (!r.ok())
                return fail(engineFailure(create ? QStringLiteral("creating the service")
                                                 : QStringLiteral("updating the service"),
                                          r));
            m_serviceId = create ? r.json().object().value(QStringLiteral("ID")).toString()
                                 : existing.value(QStringLiteral("ID")).toString();
            m_serviceCreated = create;
            for (const QJsonValue &w :
                 r.json().object().value(QStringLiteral("Warnings")).toArray())
                log(QStringLiteral("Engine: %1").arg(w.toString().simplified()));
            setState(QStringLiteral("deploying"), QStringLiteral("starting_new"), ProgressStarting,
                     QStringLiteral("Rolling out: 0/%1 tasks updated").arg(m_app.replicas));
            m_rollout.start();
            pollRollout();
        },
        QJsonDocument(spec).toJson(QJsonDocument::Compact));
}

void DeploymentRunner::pollRollout() {
    if (!alive())
        return;
    if (stopping())
        return fail(m_stopReason);
    if (m_rollout.elapsed() > m_config.rolloutTimeoutMs)
        return fail(QStringLiteral("Rollout did not finish within %1 s")
                        .arg(m_config.rolloutTimeoutMs / 1000));
    engine::Engine(m_docker).inspectService(
        m_serviceId, this, [this](const engine::DockerReply &service) {
            if (!alive())
                return;
            if (!service.ok())
                return pollFailed(service);
            engine::Engine(m_docker).tasks(
                {{QStringLiteral("service"), {m_serviceId}}}, this,
                [this, svc = service.json().object()](const engine::DockerReply &t) {
                    if (!alive())
                        return;
                    if (!t.ok())
                        return fail(engineFailure(QStringLiteral("following the rollout"), t));
                    onRolloutTasks(svc, t.json().array());
                });
        });
}

void DeploymentRunner::pollFailed(const engine::DockerReply &reply) {
    // A manager may not answer for a moment (a leader election): a few
    // misses in a row are waited out.
    if (++m_pollErrors < MaxPollErrors) {
        QTimer::singleShot(RolloutPollMs * 2, this, &DeploymentRunner::pollRollout);
        return;
    }
    fail(engineFailure(QStringLiteral("following the rollout"), reply));
}

namespace {
struct TaskCount {
    int updated = 0; // running, as desired
    int failed = 0;  // failed or rejected
    QString lastError;
};

// The service's tasks that run `image` (the new one), as the engine lists them.
TaskCount countTasksOf(const QString &image, const QJsonArray &tasks) {
    TaskCount count;
    for (const QJsonValue &v : tasks) {
        const QJsonObject task = v.toObject();
        const QString taskImage = task.value(QStringLiteral("Spec"))
                                      .toObject()
                                      .value(QStringLiteral("ContainerSpec"))
                                      .toObject()
                                      .value(QStringLiteral("Image"))
                                      .toString()
                                      .section(u'@', 0, 0);
        if (taskImage != image)
            continue;
        const QJsonObject status = task.value(QStringLiteral("Status")).toObject();
        const QString taskState = status.value(QStringLiteral("State")).toString();
        if (task.value(QStringLiteral("DesiredState")).toString() == u"running" &&
            taskState == u"running")
            ++count.updated;
        if (taskState == u"failed" || taskState == u"rejected") {
            ++count.failed;
            count.lastError = status.value(QStringLiteral("Err")).toString();
        }
    }
    return count;
}
} // namespace

void DeploymentRunner::onRolloutTasks(const QJsonObject &service, const QJsonArray &tasks) {
    const QJsonObject update = service.value(QStringLiteral("UpdateStatus")).toObject();
    const QString state = update.value(QStringLiteral("State")).toString();
    const QString engineMessage = update.value(QStringLiteral("Message")).toString();
    const auto [updated, failed, lastError] = countTasksOf(m_imageTag, tasks);
    const int total = std::max(1, m_app.replicas);
    const QString text =
        QStringLiteral("Rolling out: %1/%2 tasks updated").arg(std::min(updated, total)).arg(total);
    const QString line = state.isEmpty() ? text : QStringLiteral("%1 (%2)").arg(text, state);
    if (line != m_rolloutLast) {
        m_rolloutLast = line;
        log(line);
        setState(QStringLiteral("deploying"), QStringLiteral("starting_new"),
                 ProgressStarting +
                     (ProgressRolledOut - ProgressStarting) * std::min(updated, total) / total,
                 text);
    }
    // The engine's own verdicts on an update. Its message at the end of a
    // rollback is just "rollback completed": the reason came with its start.
    if (state == u"rollback_started" && m_rollbackReason.isEmpty())
        m_rollbackReason = engineMessage;
    if (state == u"rollback_paused" || state == u"rollback_completed")
        m_engineRolledBack = true; // its verdict, its rollback: nothing more to undo
    if (state == u"paused" || state == u"rollback_paused" || state == u"rollback_completed") {
        QString why = m_rollbackReason.isEmpty() ? engineMessage : m_rollbackReason;
        // The engine's task errors read "task: non-zero exit (3)": say "task:" once.
        QString taskError = lastError;
        if (taskError.startsWith(QLatin1String("task: ")))
            taskError.remove(0, 6);
        if (!taskError.isEmpty() && !why.contains(taskError))
            why += QStringLiteral(" (task: %1)").arg(taskError);
        return fail(QStringLiteral("Rollout failed, %1: %2").arg(state, why));
    }
    if (state == u"rollback_started") {
        const QString rolling = QStringLiteral("Rolling back: %1").arg(engineMessage);
        if (m_rolloutLast != rolling) {
            m_rolloutLast = rolling;
            log(rolling);
        }
        QTimer::singleShot(RolloutPollMs, this, &DeploymentRunner::pollRollout);
        return;
    }
    if (state == u"completed" && updated >= total)
        return complete();
    // A new service has no update status: all its tasks must keep running
    // for the monitor period, as each task of an update must.
    if (m_serviceCreated && state.isEmpty()) {
        if (updated < total || failed > m_failedWhenAllRan)
            m_allRunning.invalidate();
        else if (!m_allRunning.isValid()) {
            m_allRunning.start();
            m_failedWhenAllRan = failed;
        } else if (m_allRunning.elapsed() >= m_config.rolloutMonitorMs) {
            return complete();
        }
    }
    // A first rollout has no update status: tasks that keep failing end it.
    if (m_serviceCreated && failed >= MaxFailedTasks)
        return fail(QStringLiteral("Tasks of the new service keep failing: %1").arg(lastError));
    QTimer::singleShot(RolloutPollMs, this, &DeploymentRunner::pollRollout);
}

void DeploymentRunner::complete() {
    auto finish = [this] {
        log(QStringLiteral("Deployment complete: %1 runs %2").arg(m_containerName, m_imageTag));
        m_d.finishedAt = QDateTime::currentDateTimeUtc();
        setState(QStringLiteral("success"), QStringLiteral("completed"), 100,
                 QStringLiteral("Deployment complete"));
        done();
    };
    if (m_previousName.isEmpty())
        return finish();
    log(QStringLiteral("Removing previous container"));
    engine::Engine(m_docker).removeContainer(
        m_previousName, this, [this, finish](const engine::DockerReply &removed) {
            if (!removed.ok() && removed.httpStatus != 404)
                log(QStringLiteral("Warning: could not remove %1: %2")
                        .arg(m_previousName, removed.error),
                    true);
            finish();
        });
}

void DeploymentRunner::fail(const QString &errorMessage) {
    if (!alive())
        return;
    m_buildTimer.stop();
    if (m_droppedBytes > 0)
        m_manager.appendLog(m_d.id, {store::DeploymentLogLine{
                                        0,
                                        QStringLiteral("\u2026 %1 bytes of build output dropped "
                                                       "(deploy-log-limit %2)")
                                            .arg(m_droppedBytes)
                                            .arg(sizeText(m_config.logLimitBytes)),
                                        false}});
    const QString error = scrub(errorMessage);
    log(QStringLiteral("Error: %1").arg(error), true);
    rollback([this, errorMessage = error] {
        m_d.status = QStringLiteral("failed");
        m_d.errorMessage = errorMessage;
        m_d.message = errorMessage == u"cancelled" ? QStringLiteral("Deployment cancelled")
                                                   : QStringLiteral("Deployment failed");
        m_d.finishedAt = QDateTime::currentDateTimeUtc();
        m_manager.update(m_d); // stage and progress stay where it failed
        done();
    });
}

void DeploymentRunner::rollback(std::function<void()> then) {
    m_done = true; // no further step runs; only the rollback below
    auto restoreOld = [this, then] {
        if (m_oldStopped) {
            // Stopped, but its name was never changed.
            log(QStringLiteral("Starting previous container again"));
            engine::Engine(m_docker).startContainer(
                m_containerName, this, [then](const engine::DockerReply &) { then(); });
            return;
        }
        if (m_previousName.isEmpty())
            return then();
        log(QStringLiteral("Restoring previous container"));
        engine::Engine(m_docker).renameContainer(
            m_previousName, m_containerName, this, [this, then](const engine::DockerReply &) {
                engine::Engine(m_docker).startContainer(
                    m_containerName, this, [then](const engine::DockerReply &) { then(); });
            });
    };
    if (!m_serviceCreated && !m_serviceId.isEmpty() && !m_engineRolledBack) {
        // Our own failure (cancel, timeout, the engine not answering): the
        // engine would go on with the update; ask it to roll back instead.
        log(QStringLiteral("Rolling the service back"));
        engine::Engine(m_docker).inspectService(
            m_serviceId, this, [this, then](const engine::DockerReply &svc) {
                if (!svc.ok())
                    return then();
                const QJsonObject service = svc.json().object();
                engine::Engine(m_docker).rollbackService(
                    m_serviceId,
                    qint64(service.value(QStringLiteral("Version"))
                               .toObject()
                               .value(QStringLiteral("Index"))
                               .toDouble()),
                    this,
                    [this, then](const engine::DockerReply &r) {
                        if (!r.ok())
                            log(QStringLiteral("Warning: the engine refused the rollback: %1")
                                    .arg(r.error),
                                true);
                        then();
                    },
                    QJsonDocument(service.value(QStringLiteral("Spec")).toObject())
                        .toJson(QJsonDocument::Compact));
            });
        return;
    }
    if (m_serviceCreated && !m_serviceId.isEmpty()) {
        // A service this deployment created goes again; an update that
        // failed was rolled back (or paused) by the engine itself.
        log(QStringLiteral("Removing the new service"));
        engine::Engine(m_docker).removeService(m_serviceId, this,
                                               [then](const engine::DockerReply &) { then(); });
        return;
    }
    if (m_newContainerId.isEmpty())
        return restoreOld();
    engine::Engine(m_docker).removeContainer(
        m_newContainerId, this, [restoreOld](const engine::DockerReply &) { restoreOld(); });
}

void DeploymentRunner::done() {
    m_done = true;
    QDir(m_workDir).removeRecursively();
    Q_EMIT finished(this);
}

} // namespace mist::deploy
