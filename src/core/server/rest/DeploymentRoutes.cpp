// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

#include "deploy/DeploymentManager.h"
#include "protocol/Parsing.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace mist::server {

namespace {
constexpr qint64 DefaultLogPageLines = 1000;
constexpr qint64 MaxLogPageLines = 10000;
constexpr qint64 MaxLogPageChars = 4 * 1024 * 1024;

// Resolves a deployment id from the path; answers 400/404/403 itself.
std::optional<store::Deployment> deploymentFor(RestContext &ctx, store::Store &store,
                                               deploy::DeploymentManager &manager) {
    const auto id = protocol::parseId(ctx.captures.value(0));
    if (!id) {
        ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid deploymentId")));
        return std::nullopt;
    }
    const auto d = store::orLogged(manager.deployments().get(*id));
    if (!d) {
        ctx.respond(http::HttpResponse::fail(404, QStringLiteral("Deployment not found")));
        return std::nullopt;
    }
    if (!store::orLogged(store.apps().canAccess(*ctx.user, d->appId))) {
        ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
        return std::nullopt;
    }
    return d;
}

void queueDeployment(RestContext &ctx, store::Store &store, deploy::DeploymentManager &manager) {
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
    const auto app = store::orLogged(store.apps().byId(qint64(raw)));
    if (!app) {
        ctx.respond(http::HttpResponse::fail(404, QStringLiteral("Application not found")));
        return;
    }
    if (!store::orLogged(store.apps().canAccess(*ctx.user, app->id))) {
        ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
        return;
    }
    const auto d = manager.enqueue(*app, ctx.user->id);
    if (!d) {
        ctx.respond(http::HttpResponse::fail(app->isGit() ? 500 : 400, d.error()));
        return;
    }
    ctx.respond(http::HttpResponse::ok(d->toJson(), QStringLiteral("Deployment queued"), 201));
}

// A page of the log (docs/PROTOCOL.md): `after` the last index the client
// has (default 0), `limit` lines (default 1000, at most 10000), and never
// more than 4 Mi characters of text; a `Link: <...>; rel="next"` header
// names the next page while there is one.
void deploymentLogPage(RestContext &ctx, store::Store &store, deploy::DeploymentManager &manager) {
    const QUrlQuery query(ctx.request.url);
    qint64 after = 0;
    if (query.hasQueryItem(QStringLiteral("after"))) {
        const auto text = protocol::singleQueryValue(query, QStringLiteral("after"));
        const auto parsed = text && *text == u"0"
                                ? std::optional<qint64>(0)
                                : (text ? protocol::parseId(*text) : std::nullopt);
        if (!parsed) {
            ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid after")));
            return;
        }
        after = *parsed;
    }
    qint64 limit = DefaultLogPageLines;
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        const auto text = protocol::singleQueryValue(query, QStringLiteral("limit"));
        const auto parsed = text ? protocol::parseId(*text) : std::nullopt;
        if (!parsed || *parsed > MaxLogPageLines) {
            ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid limit")));
            return;
        }
        limit = *parsed;
    }
    const auto d = deploymentFor(ctx, store, manager);
    if (!d)
        return;
    // One line more than asked tells whether another page follows.
    QList<store::DeploymentLogLine> page = store::orLogged(
        manager.deployments().logPage(d->id, after, int(limit) + 1, MaxLogPageChars));
    const bool more =
        page.size() > limit || (!page.isEmpty() && [&] {
            return !store::orLogged(manager.deployments().logPage(d->id, page.last().seq, 1, 1))
                        .isEmpty();
        }());
    if (page.size() > limit)
        page.removeLast();
    QJsonArray lines;
    for (const store::DeploymentLogLine &l : std::as_const(page))
        lines.append(QJsonObject{{QStringLiteral("index"), double(l.seq)},
                                 {QStringLiteral("line"), l.line}});
    http::HttpResponse response = http::HttpResponse::ok(lines);
    if (more)
        response.setHeader("Link", QStringLiteral("</api/deployments/%1/logs?after=%2&"
                                                  "limit=%3>; rel=\"next\"")
                                       .arg(d->id)
                                       .arg(page.last().seq)
                                       .arg(limit)
                                       .toLatin1());
    ctx.respond(response);
}

void cancelDeployment(RestContext &ctx, store::Store &store, deploy::DeploymentManager &manager) {
    const auto d = deploymentFor(ctx, store, manager);
    if (!d)
        return;
    if (const auto cancelled = manager.cancel(d->id); !cancelled) {
        ctx.respond(http::HttpResponse::fail(409, cancelled.error()));
        return;
    }
    ctx.respond(http::HttpResponse::ok(QJsonValue::Null, QStringLiteral("Cancellation requested")));
}

void appDeployments(RestContext &ctx, store::Store &store, deploy::DeploymentManager &manager) {
    const auto app = appFor(ctx, store);
    if (!app)
        return;
    QJsonArray list;
    for (const store::Deployment &d : store::orLogged(manager.deployments().forApp(app->id)))
        list.append(d.toJson());
    ctx.respond(http::HttpResponse::ok(list));
}

} // namespace

void registerDeploymentRoutes(RestRouter &router, store::Store &store,
                              deploy::DeploymentManager &manager) {
    router.add("POST", QStringLiteral("/api/deployments"), RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) { queueDeployment(ctx, store, manager); });

    router.add("GET", QStringLiteral("/api/deployments/([^/]+)"), RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) {
                   if (const auto d = deploymentFor(ctx, store, manager))
                       ctx.respond(http::HttpResponse::ok(d->toJson()));
               });

    router.add("GET", QStringLiteral("/api/deployments/([^/]+)/logs"), RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) { deploymentLogPage(ctx, store, manager); });

    router.add("POST", QStringLiteral("/api/deployments/([^/]+)/cancel"),
               RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) { cancelDeployment(ctx, store, manager); });

    router.add("GET", QStringLiteral("/api/apps/([^/]+)/deployments"), RestRouter::Access::SignedIn,
               [&store, &manager](RestContext &ctx) { appDeployments(ctx, store, manager); });
}

} // namespace mist::server
