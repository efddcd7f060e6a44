// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

namespace mist::server {

void registerServerRoutes(RestRouter &router, std::function<QJsonObject()> stats) {
    router.add("GET", QStringLiteral("/api/health"), RestRouter::Access::Public,
               [](RestContext &ctx) {
                   ctx.respond(http::HttpResponse::ok(
                       QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                   {QStringLiteral("version"), QStringLiteral(MIST_VERSION)}}));
               });

    // Introspection for operators and tests: clients per endpoint, engine
    // log streams open and opened, lines relayed.
    router.add("GET", QStringLiteral("/api/server/stats"), RestRouter::Access::SignedIn,
               [stats = std::move(stats)](RestContext &ctx) {
                   if (ctx.user->role == store::Role::User) {
                       ctx.respond(
                           http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
                       return;
                   }
                   ctx.respond(http::HttpResponse::ok(stats()));
               });
}

} // namespace mist::server
