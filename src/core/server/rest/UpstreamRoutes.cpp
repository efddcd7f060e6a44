// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

#include "deploy/DeploymentManager.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"
#include "store/Database.h"

#include <QUrlQuery>

namespace mist::server {

namespace {

// Upstream's handlers.SendResponse: all four fields, whatever the outcome.
http::HttpResponse upstreamAnswer(int status, const QString &message, const QString &error) {
    return http::HttpResponse::json(status, QJsonObject{{QStringLiteral("success"), false},
                                                        {QStringLiteral("data"), QJsonValue()},
                                                        {QStringLiteral("message"), message},
                                                        {QStringLiteral("error"), error}});
}

// The `logs` of upstream's answer: the log file's text, here the lines kept
// for the deployment, joined with newlines, at most UpstreamLogsMaxBytes of
// them (the last ones), after a note when earlier ones were left out.
QString logsText(const store::DeploymentLogTail &tail, qint64 deploymentId) {
    QStringList lines;
    lines.reserve(tail.lines.size() + 1);
    if (tail.omitted > 0)
        lines << QStringLiteral("[Mist Monitor] The first %1 lines of this log are left out: this "
                                "answer holds its last %2 MiB. The whole log: GET "
                                "/api/deployments/%3/logs")
                     .arg(tail.omitted)
                     .arg(UpstreamLogsMaxBytes / (1024 * 1024))
                     .arg(deploymentId);
    for (const store::DeploymentLogLine &line : tail.lines)
        lines << protocol::upstream::logFileLine(line.line, line.error);
    return lines.join(u'\n');
}

// Upstream's GetCompletedDeploymentLogsHandler: a finished deployment and
// its whole log; 400 while it runs, which tells upstream's dashboard to
// open the stream instead. Its messages and order of checks.
void completedDeploymentLogs(RestContext &ctx, RestRouter &router, store::Store &store,
                             deploy::DeploymentManager &manager) {
    const auto user = router.authenticate(ctx.request);
    if (!user) {
        // Upstream's AuthMiddleware.
        const bool credentials =
            !protocol::cookieValue(ctx.request.header("cookie"), SessionCookieName).isEmpty() ||
            ctx.request.hasHeader("authorization");
        ctx.respond(credentials ? upstreamAnswer(401, QStringLiteral("Invalid or expired token"),
                                                 QStringLiteral("invalid or expired session"))
                                : upstreamAnswer(401, QStringLiteral("Authentication required"),
                                                 QStringLiteral("No token provided")));
        return;
    }
    // r.URL.Query().Get("id"): the first one, "" when there is none.
    const QString text = QUrlQuery(ctx.request.url)
                             .allQueryItemValues(QStringLiteral("id"), QUrl::FullyDecoded)
                             .value(0);
    const protocol::upstream::GoInt id = protocol::upstream::parseGoInt64(text);
    if (!id.value) {
        ctx.respond(upstreamAnswer(400, QStringLiteral("invalid deployment id"), id.error));
        return;
    }
    const auto d = store::orLogged(manager.deployments().get(*id.value));
    if (!d) {
        // gorm's ErrRecordNotFound, as upstream passes it on.
        ctx.respond(upstreamAnswer(404, QStringLiteral("deployment not found"),
                                   QStringLiteral("record not found")));
        return;
    }
    if (!store::orLogged(store.apps().canAccess(*user, d->appId))) {
        ctx.respond(upstreamAnswer(403, QStringLiteral("Access denied"),
                                   QStringLiteral("You don't have access to this "
                                                  "deployment")));
        return;
    }
    if (!d->isTerminal()) {
        ctx.respond(upstreamAnswer(
            400, QStringLiteral("deployment is still in progress, use WebSocket endpoint"),
            QString()));
        return;
    }
    // Counted as they go out, error lines in their JSON.
    const auto tail = manager.deployments().logTail(
        d->id, UpstreamLogsMaxBytes, [](const store::DeploymentLogLine &line) {
            return qint64(protocol::upstream::logFileLine(line.line, line.error).toUtf8().size() +
                          1);
        });
    if (!tail) {
        store::logFailure(tail.error());
        ctx.respond(upstreamAnswer(500, QStringLiteral("Failed to read deployment logs"),
                                   QStringLiteral("database error")));
        return;
    }
    protocol::upstream::DeploymentFacts facts;
    // Facts the answer can go without: a failure to read them is logged, not answered.
    if (const auto number = manager.deployments().ordinalInApp(*d))
        facts.number = *number;
    else
        store::logFailure(number.error());
    if (d->createdBy > 0)
        facts.triggeredBy = d->createdBy;
    facts.active = store::orLogged(manager.deployments().latestSuccessful(d->appId)) == d->id;
    QJsonObject data{
        {QStringLiteral("deployment"),
         protocol::upstream::deploymentToUpstream(d->toJson(), facts)},
        {QStringLiteral("logs"), logsText(*tail, d->id)},
    };
    if (tail->omitted > 0)
        data.insert(QStringLiteral("truncated"), true);
    // Upstream writes this answer by hand: no `error` field.
    ctx.respond(http::HttpResponse::json(
        200, QJsonObject{{QStringLiteral("success"), true},
                         {QStringLiteral("data"), data},
                         {QStringLiteral("message"),
                          QStringLiteral("Deployment logs retrieved successfully")}}));
}

} // namespace

void registerUpstreamRoutes(RestRouter &router, store::Store &store,
                            deploy::DeploymentManager &manager) {
    router.add("GET", QStringLiteral("/api/deployments/logs"), RestRouter::Access::Public,
               [&router, &store, &manager](RestContext &ctx) {
                   completedDeploymentLogs(ctx, router, store, manager);
               });
}

} // namespace mist::server
