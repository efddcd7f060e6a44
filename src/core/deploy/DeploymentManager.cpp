// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentManager.h"

#include "DeployLogging.h"
#include "DeploymentRunner.h"
#include "store/Store.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QUrl>
#include <QtConcurrent>

#include <algorithm>

namespace mist::deploy {

DeploymentManager::DeploymentManager(store::Store &store, engine::DockerClient &docker,
                                     DeployConfig config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_docker(docker)
    , m_config(std::move(config))
    , m_deployments(store) {}

DeploymentManager::~DeploymentManager() {
    // Runners talk to the engine and to us; end them first, quietly. What
    // they leave is failed as "interrupted" by the next start().
    const auto runners = m_running.values();
    m_running.clear();
    for (DeploymentRunner *runner : runners) {
        disconnect(runner, nullptr, this, nullptr);
        delete runner;
    }
}

void DeploymentManager::start() {
    const auto interrupted =
        m_deployments.failInterrupted(QStringLiteral("interrupted by server restart"));
    if (!interrupted)
        qCWarning(lcDeploy).noquote()
            << "cannot mark interrupted deployments:" << interrupted.error();
    else if (*interrupted > 0)
        qCInfo(lcDeploy) << *interrupted
                         << "deployment(s) interrupted by the last stop marked failed";
    removeLeftoverClones();
    recoverSetAsideContainers();
    // A queue from before pending deployments were capped.
    supersedeOlder(store::orLogged(m_deployments.unclaimedPending()));
    schedule();
}

// Nothing runs yet, so every clone under the work directory was left by a
// deployment that a kill or a crash interrupted. They are renamed out of the
// way at once (a new deployment never meets one) and removed in the
// background (a big checkout holds many files).
void DeploymentManager::removeLeftoverClones() {
    QDir work(m_config.workDir);
    if (m_config.workDir.isEmpty() || !work.exists())
        return;
    const QFileInfoList entries =
        work.entryInfoList({QStringLiteral("deploy-*"), QStringLiteral(".stale-*")},
                           QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    QStringList doomed;
    for (const QFileInfo &entry : entries) {
        QString path = entry.filePath();
        if (entry.fileName().startsWith(QLatin1String("deploy-"))) {
            const QString stale = work.filePath(QStringLiteral(".stale-%1-%2")
                                                    .arg(entry.fileName())
                                                    .arg(QDateTime::currentMSecsSinceEpoch()));
            if (!work.rename(entry.fileName(), QFileInfo(stale).fileName())) {
                qCWarning(lcDeploy).noquote() << "cannot move aside" << path;
                continue;
            }
            path = stale;
        }
        doomed << path;
    }
    if (doomed.isEmpty())
        return;
    qCInfo(lcDeploy) << "removing" << doomed.size()
                     << "clone(s) left by deployments interrupted by the last stop";
    // QtConcurrent's pool is waited for at exit, so no removal is cut short.
    (void)QtConcurrent::run([doomed] {
        for (const QString &path : doomed) {
            const QFileInfo info(path);
            // A link is removed, never followed.
            const bool ok = info.isDir() && !info.isSymLink() ? QDir(path).removeRecursively()
                                                              : QFile::remove(path);
            if (!ok)
                qCWarning(lcDeploy).noquote() << "cannot remove" << path;
        }
    });
}

// A stop between stopping_old and completed leaves the old container renamed
// to app-N-previous-M (and stopped). Put things back: if app-N is not running,
// the previous container gets its name back and runs again; otherwise the
// previous one is no longer needed.
void DeploymentManager::recoverSetAsideContainers() {
    engine::Engine(m_docker).containers(
        {{QStringLiteral("name"), {QStringLiteral("^/app-[0-9]+-previous-[0-9]+$")}}}, this,
        [this](const engine::EngineResult<QList<engine::ContainerSummary>> &containers) {
            if (!containers)
                return;
            static const QRegularExpression name(
                QStringLiteral("^(app-([0-9]+))-previous-[0-9]+$"));
            for (const engine::ContainerSummary &c : *containers) {
                const QString previous = c.names.value(0);
                const QRegularExpressionMatch m = name.match(previous);
                // Only our apps: another server sharing the engine may be in
                // the middle of replacing one of its own.
                if (m.hasMatch() &&
                    store::orLogged(m_store.apps().byId(m.captured(2).toLongLong())))
                    restoreSetAside(m.captured(1), previous);
            }
        });
}

void DeploymentManager::restoreSetAside(const QString &app, const QString &aside) {
    engine::Engine(m_docker).inspectContainer(
        app, this, [this, app, aside](const engine::EngineResult<engine::ContainerState> &inspect) {
            const bool running = inspect && inspect->running;
            if (running) {
                qCInfo(lcDeploy).noquote()
                    << "removing" << aside << "left by an interrupted deployment";
                engine::Engine(m_docker).removeContainer(aside, this,
                                                         [](const engine::EngineResult<void> &) {});
                return;
            }
            qCInfo(lcDeploy).noquote()
                << "restoring" << aside << "as" << app << "after an interrupted deployment";
            auto restore = [this, app, aside] {
                engine::Engine(m_docker).renameContainer(
                    aside, app, this, [this, app](const engine::EngineResult<void> &) {
                        engine::Engine(m_docker).startContainer(
                            app, this, [](const engine::EngineResult<void> &) {});
                    });
            };
            if (!inspect && inspect.error().notFound())
                return restore();
            engine::Engine(m_docker).removeContainer(
                app, this, [restore](const engine::EngineResult<void> &) { restore(); });
        });
}

Expected<store::Deployment> DeploymentManager::enqueue(const store::App &app, qint64 userId) {
    if (!app.isGit())
        return fail(QStringLiteral("App %1 adopts an existing container; only apps created from "
                                   "git can be deployed")
                        .arg(app.name));
    auto deployment = m_deployments.create(app.id, userId);
    if (!deployment)
        return deployment;
    Q_EMIT statusChanged(*deployment);
    supersedeOlder(store::orLogged(m_deployments.unclaimedPending(app.id)));
    schedule();
    return deployment;
}

void DeploymentManager::supersedeOlder(const QList<store::Deployment> &pending) {
    QHash<qint64, qint64> newest; // app id -> deployment id
    for (const store::Deployment &d : pending)
        newest[d.appId] = std::max(newest.value(d.appId), d.id);
    for (store::Deployment d : pending) {
        const qint64 winner = newest.value(d.appId);
        if (d.id == winner)
            continue;
        d.status = QStringLiteral("failed");
        d.errorMessage = QStringLiteral("superseded by deployment %1").arg(winner);
        d.message = QStringLiteral("Deployment superseded");
        d.finishedAt = QDateTime::currentDateTimeUtc();
        update(d);
    }
}

Expected<void> DeploymentManager::cancel(qint64 deploymentId) {
    auto found = m_deployments.get(deploymentId);
    if (!found)
        return fail(found.error());
    if (!*found)
        return fail("Deployment not found");
    std::optional<store::Deployment> &d = *found;
    if (d->isTerminal())
        return fail(QStringLiteral("Deployment already finished (%1)").arg(d->status));
    for (DeploymentRunner *runner : std::as_const(m_running)) {
        if (runner->deploymentId() == deploymentId) {
            runner->cancel();
            return {};
        }
    }
    d->status = QStringLiteral("failed");
    d->errorMessage = QStringLiteral("cancelled");
    d->message = QStringLiteral("Deployment cancelled");
    d->finishedAt = QDateTime::currentDateTimeUtc();
    return update(*d);
}

Expected<void> DeploymentManager::update(const store::Deployment &deployment) {
    const auto saved = m_deployments.save(deployment);
    if (!saved) {
        qCWarning(lcDeploy).noquote() << "cannot save deployment" << deployment.id << saved.error();
        return saved;
    }
    Q_EMIT statusChanged(deployment);
    return {};
}

void DeploymentManager::appendLog(qint64 deploymentId, QList<store::DeploymentLogLine> lines) {
    const auto first = m_deployments.appendLogs(deploymentId, lines);
    if (!first || *first <= 0) {
        qCWarning(lcDeploy).noquote()
            << "cannot save log of deployment" << deploymentId << first.error();
        return; // not saved, so not announced either
    }
    for (qsizetype i = 0; i < lines.size(); ++i)
        lines[i].seq = *first + i;
    Q_EMIT logAppended(deploymentId, lines);
}

void DeploymentManager::schedule() {
    // Coalesce: many enqueues in one turn of the event loop schedule once.
    if (m_scheduleQueued)
        return;
    m_scheduleQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_scheduleQueued = false;
            struct Candidate {
                store::Deployment d;
                store::App app;
            };
            QList<Candidate> waiting;
            for (store::Deployment d : store::orLogged(m_deployments.unclaimedPending())) {
                if (m_running.contains(d.appId))
                    continue; // one at a time per app; this one waits its turn
                auto app = store::orLogged(m_store.apps().byId(d.appId));
                if (!app) {
                    d.status = QStringLiteral("failed");
                    d.errorMessage = QStringLiteral("Application not found");
                    update(d);
                    continue;
                }
                waiting.append({std::move(d), std::move(*app)});
            }
            while (m_running.size() < m_config.workers && !waiting.isEmpty()) {
                // The project that got a worker least recently; in it, the
                // oldest deployment (apps take turns too: each has at most
                // one waiting, and a new one queues behind the others).
                const auto next =
                    std::min_element(waiting.cbegin(), waiting.cend(),
                                     [this](const Candidate &a, const Candidate &b) {
                                         const quint64 ta = m_lastServed.value(a.app.projectId);
                                         const quint64 tb = m_lastServed.value(b.app.projectId);
                                         return ta != tb ? ta < tb : a.d.id < b.d.id;
                                     });
                Candidate c = *next;
                waiting.erase(next);
                if (m_running.contains(c.d.appId))
                    continue;
                c.d.claimed = true; // bookkeeping only: nothing a watcher needs to see
                if (const auto saved = m_deployments.save(c.d); !saved) {
                    qCWarning(lcDeploy).noquote()
                        << "cannot claim deployment" << c.d.id << saved.error();
                    continue;
                }
                m_lastServed.insert(c.app.projectId, ++m_turn);
                auto *runner = new DeploymentRunner(*this, m_docker, m_config, c.d, c.app, this);
                m_running.insert(c.d.appId, runner);
                connect(runner, &DeploymentRunner::finished, this,
                        &DeploymentManager::onRunnerFinished);
                runner->start();
            }
        },
        Qt::QueuedConnection);
}

void DeploymentManager::onRunnerFinished(DeploymentRunner *runner) {
    if (m_running.value(runner->appId()) == runner)
        m_running.remove(runner->appId());
    runner->deleteLater();
    schedule();
}

} // namespace mist::deploy
