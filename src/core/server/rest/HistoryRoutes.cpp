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
    // The answer is read and written as JSON on the history's worker; here it only gets the
    // envelope (a copy of the bytes, milliseconds for the largest answer).
    history.query(series, *range, [respond = ctx.respond](Expected<QByteArray> data) {
        if (!data) {
            respond(http::HttpResponse::fail(503, data.error()));
            return;
        }
        respond(http::HttpResponse::okJson(*data));
    });
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
