// SPDX-License-Identifier: GPL-3.0-or-later

// GET /api/apps/{id}/logs: one page of an app's archived lines and events
// (docs/ARCHIVE.md, "Search").

#include "Routes.h"

#include "archive/ArchiveQuery.h"
#include "protocol/Parsing.h"
#include "server/ArchiveService.h"

#include <QUrlQuery>

namespace mist::server {

void registerAppLogsRoute(RestRouter &router, store::Store &store, ArchiveService &archive) {
    router.add("GET", QStringLiteral(R"(/api/apps/([^/]+)/logs)"), RestRouter::Access::SignedIn,
               [&store, &archive](RestContext &ctx) {
                   // The same checks, texts and order as the app's log socket
                   // (ContainerLogsEndpoint), answered as HTTP statuses.
                   const auto app = appFor(ctx, store);
                   if (!app)
                       return;
                   auto query = archive::parseSearchQuery(app->id, QUrlQuery(ctx.request.url));
                   if (!query) {
                       ctx.respond(http::HttpResponse::fail(400, query.error()));
                       return;
                   }
                   // 503 rather than an empty page: a client must be able to tell
                   // "no history kept" from "nothing happened" (and say so).
                   switch (archive.state()) {
                   case ArchiveService::State::Off:
                       ctx.respond(http::HttpResponse::fail(
                           503, QStringLiteral("Log archive is off (--log-retention 0)")));
                       return;
                   case ArchiveService::State::Unavailable:
                       ctx.respond(http::HttpResponse::fail(
                           503, QStringLiteral("Log archive unavailable")));
                       return;
                   case ArchiveService::State::Open:
                       break;
                   }
                   archive.search(std::move(*query), [respond = ctx.respond](
                                                         Expected<archive::SearchResult> result) {
                       if (!result) {
                           respond(http::HttpResponse::fail(503, result.error()));
                           return;
                       }
                       respond(http::HttpResponse::ok(archive::searchResultJson(*result)));
                   });
               });
}

} // namespace mist::server
