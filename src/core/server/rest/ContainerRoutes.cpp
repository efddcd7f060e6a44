// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "server/LogHub.h"

#include <QJsonArray>

namespace mist::server {

namespace {

// The app that adopts container `c`: a service app by the Swarm label of its tasks' containers,
// any other by the one rule for an app's container name (engine::appContainerName).
QJsonValue adoptingApp(const engine::ContainerSummary &c, const QList<store::App> &apps) {
    const QString service = engine::swarmServiceOf(c.labels);
    for (const store::App &app : apps) {
        const QString appService = app.swarmServiceName();
        if (!appService.isEmpty()) {
            if (!service.isEmpty() && service == appService)
                return double(app.id);
        } else if (c.names.contains(engine::appContainerName(app.id, app.containerName))) {
            return double(app.id);
        }
    }
    return QJsonValue::Null;
}

} // namespace

QJsonArray containerList(const QList<engine::ContainerSummary> &containers,
                         const QList<store::App> &apps) {
    static const QString composeProject = QStringLiteral("com.docker.compose.project");
    QJsonArray list;
    for (const engine::ContainerSummary &c : containers) {
        const auto project = c.labels.constFind(composeProject);
        list.append(QJsonObject{
            {QStringLiteral("id"), c.id},
            {QStringLiteral("name"), c.names.value(0)},
            {QStringLiteral("image"), c.image},
            {QStringLiteral("state"), c.state},
            {QStringLiteral("status"), c.status},
            {QStringLiteral("project"), project != c.labels.constEnd() && !project->isEmpty()
                                            ? QJsonValue(*project)
                                            : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("appId"), adoptingApp(c, apps)},
        });
    }
    return list;
}

void registerContainerRoutes(RestRouter &router, store::Store &store,
                             engine::DockerClient &docker) {
    router.add("GET", QStringLiteral("/api/containers"), RestRouter::Access::SignedIn,
               [&store, &docker](RestContext &ctx) {
                   if (ctx.user->role == store::Role::User) {
                       ctx.respond(
                           http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
                       return;
                   }
                   const auto apps = store.apps().all();
                   if (!apps) {
                       ctx.respond(http::HttpResponse::fail(500, apps.error()));
                       return;
                   }
                   engine::Engine(docker).containers(
                       {}, nullptr,
                       [respond = ctx.respond, apps = *apps](
                           const engine::EngineResult<QList<engine::ContainerSummary>> &listed) {
                           if (!listed) {
                               const engine::EngineError &error = listed.error();
                               respond(http::HttpResponse::fail(error.unreachable() ? 503 : 502,
                                                                engineFailureMessage(error)));
                               return;
                           }
                           respond(http::HttpResponse::ok(containerList(*listed, apps)));
                       });
               });
}

} // namespace mist::server
