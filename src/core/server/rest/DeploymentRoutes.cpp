#include "Routes.h"

#include "deploy/DeploymentManager.h"
#include "protocol/Parsing.h"

#include <QJsonArray>

namespace mist::server {

namespace {
// Resolves a deployment id from the path; answers 400/404/403 itself.
std::optional<store::Deployment> deploymentFor(RestContext &ctx, store::Store &store,
                                               deploy::DeploymentManager &manager) {
    const auto id = protocol::parseId(ctx.captures.value(0));
    if (!id) {
        ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid deploymentId")));
        return std::nullopt;
    }
    const auto d = manager.deployments().get(*id);
    if (!d) {
        ctx.respond(http::HttpResponse::fail(404, QStringLiteral("Deployment not found")));
        return std::nullopt;
    }
    if (!store.canAccessApp(*ctx.user, d->appId)) {
        ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
        return std::nullopt;
    }
    return d;
}
} // namespace

void registerDeploymentRoutes(RestRouter &router, store::Store &store,
                              deploy::DeploymentManager &manager) {
    router.add(
        "POST", QStringLiteral("/api/deployments"), RestRouter::Access::SignedIn,
        [&store, &manager](RestContext &ctx) {
            const auto body = ctx.jsonBody();
            if (!body)
                return;
            const QJsonValue appIdValue = body->value(QStringLiteral("appId"));
            const double raw = appIdValue.toDouble(-1);
            if (!appIdValue.isDouble() || raw < 1 || raw > double(protocol::MaxId) ||
                raw != double(qint64(raw))) {
                ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid appId")));
                return;
            }
            const auto app = store.app(qint64(raw));
            if (!app) {
                ctx.respond(http::HttpResponse::fail(404, QStringLiteral("Application not found")));
                return;
            }
            if (!store.canAccessApp(*ctx.user, app->id)) {
                ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
                return;
            }
            QString error;
            const auto d = manager.enqueue(*app, ctx.user->id, &error);
            if (!d) {
                ctx.respond(http::HttpResponse::fail(app->isGit() ? 500 : 400, error));
                return;
            }
            ctx.respond(
                http::HttpResponse::ok(d->toJson(), QStringLiteral("Deployment queued"), 201));
        });

    router.add("GET", QStringLiteral("/api/deployments/([^/]+)"), RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) {
                   if (const auto d = deploymentFor(ctx, store, manager))
                       ctx.respond(http::HttpResponse::ok(d->toJson()));
               });

    router.add("GET", QStringLiteral("/api/deployments/([^/]+)/logs"), RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) {
                   const auto d = deploymentFor(ctx, store, manager);
                   if (!d)
                       return;
                   QJsonArray lines;
                   for (const store::DeploymentLogLine &l : manager.deployments().logs(d->id))
                       lines.append(QJsonObject{{QStringLiteral("index"), double(l.seq)},
                                                {QStringLiteral("line"), l.line}});
                   ctx.respond(http::HttpResponse::ok(lines));
               });

    router.add("POST", QStringLiteral("/api/deployments/([^/]+)/cancel"),
               RestRouter::Access::SignedIn, [&store, &manager](RestContext &ctx) {
                   const auto d = deploymentFor(ctx, store, manager);
                   if (!d)
                       return;
                   QString error;
                   if (!manager.cancel(d->id, &error)) {
                       ctx.respond(http::HttpResponse::fail(409, error));
                       return;
                   }
                   ctx.respond(http::HttpResponse::ok(QJsonValue::Null,
                                                      QStringLiteral("Cancellation requested")));
               });

    router.add(
        "GET", QStringLiteral("/api/apps/([^/]+)/deployments"), RestRouter::Access::SignedIn,
        [&store, &manager](RestContext &ctx) {
            const auto id = protocol::parseId(ctx.captures.value(0));
            if (!id) {
                ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid appId")));
                return;
            }
            if (!store.app(*id)) {
                ctx.respond(http::HttpResponse::fail(404, QStringLiteral("Application not found")));
                return;
            }
            if (!store.canAccessApp(*ctx.user, *id)) {
                ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
                return;
            }
            QJsonArray list;
            for (const store::Deployment &d : manager.deployments().forApp(*id))
                list.append(d.toJson());
            ctx.respond(http::HttpResponse::ok(list));
        });
}

} // namespace mist::server
