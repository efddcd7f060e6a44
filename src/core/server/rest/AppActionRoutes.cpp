// SPDX-License-Identifier: GPL-3.0-or-later

// POST /api/apps/{id}/start|stop|restart: the app's container (or Swarm service) through the
// engine's typed door, answered with the state it has afterwards (docs/ACTIONS.md).

#include "Routes.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "engine/SwarmState.h"

#include <QJsonObject>
#include <QSet>

#include <memory>

namespace mist::server {

namespace {

enum class Action { Start, Stop, Restart };

// What happens to an action's answer: one respond, and the app's slot freed with it.
struct Pending {
    http::HttpServer::Responder respond;
    std::shared_ptr<QSet<qint64>> busy;
    qint64 appId = 0;
    void answer(const http::HttpResponse &response) const {
        busy->remove(appId);
        respond(response);
    }
    void engineFailed(const engine::EngineError &e, const QString &what) const {
        if (e.unreachable())
            return answer(http::HttpResponse::fail(
                502, QStringLiteral("Docker engine unreachable: %1").arg(e.message)));
        answer(http::HttpResponse::fail(
            502, QStringLiteral("The engine refused to %1: %2").arg(what, e.message)));
    }
};

QString verb(Action a) {
    switch (a) {
    case Action::Start:
        return QStringLiteral("start");
    case Action::Stop:
        return QStringLiteral("stop");
    case Action::Restart:
        break;
    }
    return QStringLiteral("restart");
}

QJsonObject containerJson(const engine::ContainerState &c) {
    return QJsonObject{{QStringLiteral("container"), c.name},
                       {QStringLiteral("state"), c.status},
                       {QStringLiteral("running"), c.running},
                       {QStringLiteral("exitCode"), c.exitCode},
                       {QStringLiteral("restartCount"), c.restartCount},
                       {QStringLiteral("startedAt"), c.startedAt},
                       {QStringLiteral("finishedAt"), c.finishedAt}};
}

// After the action: the container's state as the engine now tells it.
void answerContainer(engine::DockerClient &docker, const QString &name, const Pending &p,
                     Action a) {
    engine::Engine(docker).inspectContainer(
        name, nullptr, [p, a](const engine::EngineResult<engine::ContainerState> &state) {
            if (!state)
                return p.engineFailed(state.error(), QStringLiteral("inspect"));
            QJsonObject data = containerJson(*state);
            data.insert(QStringLiteral("appId"), p.appId);
            p.answer(http::HttpResponse::ok(data, QStringLiteral("Container %1")
                                                      .arg(a == Action::Stop    ? "stopped"
                                                           : a == Action::Start ? "started"
                                                                                : "restarted")));
        });
}

void containerAction(engine::DockerClient &docker, const QString &name, Action a, int stopSeconds,
                     const Pending &p) {
    auto done = [&docker, name, a, p](const engine::EngineResult<void> &r) {
        // 304: already started (a stop's 304 counts as done in the engine door).
        if (!r && r.error().httpStatus != 304) {
            if (r.error().notFound())
                return p.answer(http::HttpResponse::fail(
                    409, QStringLiteral("The app has no container (%1 does not exist): deploy "
                                        "it or adopt a container first")
                             .arg(name)));
            return p.engineFailed(r.error(), verb(a));
        }
        answerContainer(docker, name, p, a);
    };
    engine::Engine engine(docker);
    if (a == Action::Start)
        engine.startContainer(name, nullptr, std::move(done));
    else if (a == Action::Stop)
        engine.stopContainer(name, stopSeconds, nullptr, std::move(done));
    else
        engine.restartContainer(name, stopSeconds, nullptr, std::move(done));
}

// After the action: the service's state as /api/apps and the log socket's status give it.
void answerService(engine::DockerClient &docker, const QString &name, const Pending &p) {
    engine::Engine(docker).inspectService(
        name, nullptr, [&docker, p](const engine::EngineResult<engine::SwarmService> &service) {
            if (!service)
                return p.engineFailed(service.error(), QStringLiteral("inspect"));
            engine::Engine(docker).tasks(
                {{QStringLiteral("service"), {service->id}}}, nullptr,
                [p,
                 service = *service](const engine::EngineResult<QList<engine::SwarmTask>> &tasks) {
                    QJsonObject data =
                        engine::serviceStatus(service, tasks.value_or(QList<engine::SwarmTask>()));
                    data.insert(QStringLiteral("appId"), p.appId);
                    p.answer(http::HttpResponse::ok(data));
                });
        });
}

void serviceAction(engine::DockerClient &docker, const store::App &app, Action a,
                   const Pending &p) {
    const QString name = app.swarmServiceName();
    auto failed = [name, a, p](const engine::EngineError &e) {
        if (e.notFound())
            return p.answer(http::HttpResponse::fail(
                409, QStringLiteral("The app's service %1 does not exist").arg(name)));
        p.engineFailed(e, verb(a));
    };
    engine::Engine engine(docker);
    if (a == Action::Restart) {
        return engine.forceUpdateService(
            name, nullptr, [&docker, name, p, failed](const engine::EngineResult<void> &r) {
                r ? answerService(docker, name, p) : failed(r.error());
            });
    }
    // A git app's own service starts at the app's replicas; an adopted one at what it had.
    const int replicas = a == Action::Stop ? 0
                         : app.isService() ? engine::Engine::RestoreReplicas
                                           : app.replicas;
    engine.scaleService(name, replicas, nullptr,
                        [&docker, name, p, failed](const engine::EngineResult<int> &r) {
                            r ? answerService(docker, name, p) : failed(r.error());
                        });
}

bool isAdmin(const store::User &user) {
    return user.role == store::Role::Owner || user.role == store::Role::Admin;
}

} // namespace

void registerAppActionRoutes(RestRouter &router, store::Store &store, engine::DockerClient &docker,
                             int stopSeconds) {
    // Apps with an action under way: a second one for the same app is refused (409) rather
    // than queued, so no client can pile up engine calls behind a slow stop.
    auto busy = std::make_shared<QSet<qint64>>();
    const QList<QPair<QString, Action>> actions{{QStringLiteral("start"), Action::Start},
                                                {QStringLiteral("stop"), Action::Stop},
                                                {QStringLiteral("restart"), Action::Restart}};
    for (const auto &[word, action] : actions) {
        router.add(
            "POST", QStringLiteral("/api/apps/([^/]+)/") + word, RestRouter::Access::SignedIn,
            [&store, &docker, busy, stopSeconds, a = action](RestContext &ctx) {
                const auto app = appFor(ctx, store);
                if (!app)
                    return;
                if (!isAdmin(*ctx.user))
                    return ctx.respond(http::HttpResponse::fail(
                        403,
                        QStringLiteral("Only owners and admins may start, stop or restart apps")));
                if (busy->contains(app->id))
                    return ctx.respond(
                        http::HttpResponse::fail(409, QStringLiteral("Action in progress")));
                busy->insert(app->id);
                const Pending p{ctx.respond, busy, app->id};
                if (!app->swarmServiceName().isEmpty())
                    return serviceAction(docker, *app, a, p);
                containerAction(docker, engine::appContainerName(app->id, app->containerName), a,
                                stopSeconds, p);
            });
    }
}

} // namespace mist::server
