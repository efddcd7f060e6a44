// SPDX-License-Identifier: GPL-3.0-or-later

// GET /api/metrics/history and GET /api/apps/{id}/stats/history: the metric
// history of the host and of one app (docs/HISTORY.md).

#include "Routes.h"

#include "history/MetricHistory.h"

#include <QUrlQuery>

namespace mist::server {

namespace {
void answer(RestContext &ctx, history::MetricHistory &history, const QString &series) {
    const auto range = history::parseHistoryRange(QUrlQuery(ctx.request.url), history.nowMs());
    if (!range) {
        ctx.respond(http::HttpResponse::fail(400, range.error()));
        return;
    }
    // The answer is read and written as JSON, in its envelope, on the history's worker: this
    // thread only hands the bytes to the socket (shared, not copied).
    const auto envelope = http::HttpResponse::okEnvelope();
    history.query(
        series, *range,
        [respond = ctx.respond](Expected<QByteArray> body) {
            if (!body) {
                respond(http::HttpResponse::fail(503, body.error()));
                return;
            }
            respond(http::HttpResponse::jsonBody(200, *body));
        },
        envelope.head, envelope.tail);
}
} // namespace

void registerHistoryRoutes(RestRouter &router, store::Store &store,
                           history::MetricHistory &history) {
    router.add("GET", QStringLiteral("/api/metrics/history"), RestRouter::Access::SignedIn,
               [&history](RestContext &ctx) { answer(ctx, history, history::HostSeries); });
    router.add("GET", QStringLiteral(R"(/api/apps/([^/]+)/stats/history)"),
               RestRouter::Access::SignedIn, [&store, &history](RestContext &ctx) {
                   // The app routes' checks and texts (appFor): 400, 404, 403.
                   if (const auto app = appFor(ctx, store))
                       answer(ctx, history, history::appSeries(app->id));
               });
}

} // namespace mist::server
