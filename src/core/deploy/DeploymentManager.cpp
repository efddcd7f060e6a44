#include "DeploymentManager.h"

#include "DeploymentRunner.h"
#include "store/Store.h"

#include "engine/DockerClient.h"
#include "text/UrlEncoding.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QUrl>

Q_LOGGING_CATEGORY(lcDeploy, "mist.deploy")

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
    QString error;
    const int interrupted =
        m_deployments.failInterrupted(QStringLiteral("interrupted by server restart"), &error);
    if (interrupted < 0)
        qCWarning(lcDeploy).noquote() << "cannot mark interrupted deployments:" << error;
    else if (interrupted > 0)
        qCInfo(lcDeploy) << interrupted
                         << "deployment(s) interrupted by the last stop marked failed";
    recoverSetAsideContainers();
    schedule();
}

// A stop between stopping_old and completed leaves the old container renamed
// to app-N-previous-M (and stopped). Put things back: if app-N is not running,
// the previous container gets its name back and runs again; otherwise the
// previous one is no longer needed.
void DeploymentManager::recoverSetAsideContainers() {
    const QString filter = QStringLiteral("{\"name\":[\"^/app-[0-9]+-previous-[0-9]+$\"]}");
    m_docker.request(
        "GET",
        QStringLiteral("/containers/json?all=1&filters=%1").arg(text::percentEncoded(filter)), this,
        [this](const engine::DockerReply &reply) {
            if (!reply.ok())
                return;
            static const QRegularExpression name(QStringLiteral("^/(app-[0-9]+)-previous-[0-9]+$"));
            for (const QJsonValue &c : reply.json().array()) {
                const QString previous =
                    c.toObject().value(QStringLiteral("Names")).toArray().first().toString();
                const QRegularExpressionMatch m = name.match(previous);
                if (m.hasMatch())
                    restoreSetAside(m.captured(1), previous.mid(1));
            }
        });
}

void DeploymentManager::restoreSetAside(const QString &app, const QString &aside) {
    m_docker.request(
        "GET", QStringLiteral("/containers/%1/json").arg(app), this,
        [this, app, aside](const engine::DockerReply &inspect) {
            const bool running = inspect.ok() && inspect.json()
                                                     .object()
                                                     .value(QStringLiteral("State"))
                                                     .toObject()
                                                     .value(QStringLiteral("Running"))
                                                     .toBool();
            if (running) {
                qCInfo(lcDeploy).noquote()
                    << "removing" << aside << "left by an interrupted deployment";
                m_docker.request("DELETE", QStringLiteral("/containers/%1?force=1").arg(aside),
                                 this, [](const engine::DockerReply &) {});
                return;
            }
            qCInfo(lcDeploy).noquote()
                << "restoring" << aside << "as" << app << "after an interrupted deployment";
            auto restore = [this, app, aside] {
                m_docker.request(
                    "POST", QStringLiteral("/containers/%1/rename?name=%2").arg(aside, app), this,
                    [this, app](const engine::DockerReply &) {
                        m_docker.request("POST", QStringLiteral("/containers/%1/start").arg(app),
                                         this, [](const engine::DockerReply &) {});
                    });
            };
            if (inspect.httpStatus == 404)
                return restore();
            m_docker.request("DELETE", QStringLiteral("/containers/%1?force=1").arg(app), this,
                             [restore](const engine::DockerReply &) { restore(); });
        });
}

std::optional<store::Deployment> DeploymentManager::enqueue(const store::App &app, qint64 userId,
                                                            QString *error) {
    if (!app.isGit()) {
        *error = QStringLiteral("App %1 adopts an existing container; only apps created from git "
                                "can be deployed")
                     .arg(app.name);
        return std::nullopt;
    }
    auto deployment = m_deployments.create(app.id, userId, error);
    if (!deployment)
        return std::nullopt;
    Q_EMIT statusChanged(*deployment);
    schedule();
    return deployment;
}

bool DeploymentManager::cancel(qint64 deploymentId, QString *error) {
    auto d = m_deployments.get(deploymentId, error);
    if (!d) {
        if (error && error->isEmpty())
            *error = QStringLiteral("Deployment not found");
        return false;
    }
    if (d->isTerminal()) {
        *error = QStringLiteral("Deployment already finished (%1)").arg(d->status);
        return false;
    }
    for (DeploymentRunner *runner : std::as_const(m_running)) {
        if (runner->deploymentId() == deploymentId) {
            runner->cancel();
            return true;
        }
    }
    d->status = QStringLiteral("failed");
    d->errorMessage = QStringLiteral("cancelled");
    d->message = QStringLiteral("Deployment cancelled");
    d->finishedAt = QDateTime::currentDateTimeUtc();
    return update(*d);
}

bool DeploymentManager::update(const store::Deployment &deployment) {
    QString error;
    if (!m_deployments.save(deployment, &error)) {
        qCWarning(lcDeploy).noquote() << "cannot save deployment" << deployment.id << error;
        return false;
    }
    Q_EMIT statusChanged(deployment);
    return true;
}

void DeploymentManager::appendLog(qint64 deploymentId, const QStringList &lines) {
    QString error;
    const qint64 first = m_deployments.appendLogs(deploymentId, lines, &error);
    if (first <= 0) {
        qCWarning(lcDeploy).noquote() << "cannot save log of deployment" << deploymentId << error;
        return; // not saved, so not announced either
    }
    Q_EMIT logAppended(deploymentId, first, lines);
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
            QString error;
            for (store::Deployment d : m_deployments.unclaimedPending(&error)) {
                if (m_running.size() >= m_config.workers)
                    break;
                if (m_running.contains(d.appId))
                    continue; // one at a time per app; this one waits its turn
                const auto app = m_store.app(d.appId);
                if (!app) {
                    d.status = QStringLiteral("failed");
                    d.errorMessage = QStringLiteral("Application not found");
                    update(d);
                    continue;
                }
                d.claimed = true; // bookkeeping only: nothing a watcher needs to see
                QString saveError;
                if (!m_deployments.save(d, &saveError))
                    continue;
                auto *runner = new DeploymentRunner(*this, m_docker, m_config, d, *app, this);
                m_running.insert(d.appId, runner);
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
