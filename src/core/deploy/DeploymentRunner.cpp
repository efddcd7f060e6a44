// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentRunner.h"

#include "BuildContext.h"
#include "BuildOutputParser.h"
#include "ContainerSwapStrategy.h"
#include "DeploymentManager.h"
#include "GitCheckout.h"
#include "SwarmUpdateStrategy.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"

#include <QDir>
#include <QFutureWatcher>
#include <QRegularExpression>
#include <QtConcurrent>

namespace mist::deploy {

namespace {
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
    using Packed = Expected<QByteArray>;
    auto *watcher = new QFutureWatcher<Packed>(this);
    connect(watcher, &QFutureWatcher<Packed>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Packed packed = watcher->result();
        if (!alive())
            return;
        if (stopping())
            return fail(m_stopReason);
        if (!packed)
            return fail(QStringLiteral("Cannot pack the build context: %1").arg(packed.error()));
        sendBuild(*packed);
    });
    watcher->setFuture(QtConcurrent::run([source] { return packBuildContext(source); }));
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
    m_build = engine::Engine(m_docker).build(
        query, context, [this](const QByteArray &bytes) { onBuildData(bytes); },
        [this](const engine::EngineResult<void> &built) { onBuildFinished(built); });
    m_build->setParent(this);
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

void DeploymentRunner::onBuildFinished(const engine::EngineResult<void> &built) {
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
    if (!built)
        return fail(built.error().unreachable()
                        ? engineFailure(QStringLiteral("building"), built.error())
                        : QStringLiteral("Docker build failed: %1").arg(built.error().message));
    if (m_parser->failed())
        return fail(buildFailureMessage(*m_parser));
    if (m_parser->imageId().isEmpty())
        return fail(QStringLiteral("Docker build failed: the engine reported no image"));
    m_d.imageId = m_parser->imageId();
    setState(QStringLiteral("building"), QStringLiteral("building_image"), ProgressBuildEnd,
             QStringLiteral("Image built"));
    DeployTarget target{m_app, m_d.id, m_d.imageId, m_imageTag, m_containerName};
    if (m_app.replicas > 0)
        m_strategy = new SwarmUpdateStrategy(*this, m_docker, m_config, std::move(target), this);
    else
        m_strategy = new ContainerSwapStrategy(*this, m_docker, m_config, std::move(target), this);
    m_strategy->run();
}

void DeploymentRunner::complete() {
    log(QStringLiteral("Deployment complete: %1 runs %2").arg(m_containerName, m_imageTag));
    m_d.finishedAt = QDateTime::currentDateTimeUtc();
    setState(QStringLiteral("success"), QStringLiteral("completed"), 100,
             QStringLiteral("Deployment complete"));
    done();
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
    // Before the build ended nothing was deployed: nothing to undo.
    if (!m_strategy)
        return then();
    m_strategy->rollback(std::move(then));
}

void DeploymentRunner::done() {
    m_done = true;
    QDir(m_workDir).removeRecursively();
    Q_EMIT finished(this);
}

} // namespace mist::deploy
