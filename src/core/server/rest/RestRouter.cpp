// SPDX-License-Identifier: GPL-3.0-or-later

#include "RestRouter.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace mist::server {

std::optional<QJsonObject> RestContext::jsonBody() const {
    // Only JSON: a form or text/plain POST (which a foreign page can send
    // without a CORS preflight) is refused.
    const QByteArray type = request.header("content-type").split(';').value(0).trimmed().toLower();
    if (type != "application/json") {
        respond(
            http::HttpResponse::fail(415, QStringLiteral("Content-Type must be application/json")));
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        respond(
            http::HttpResponse::fail(400, QStringLiteral("Request body must be a JSON object")));
        return std::nullopt;
    }
    return doc.object();
}

void RestRouter::add(const QByteArray &method, const QString &pattern, Access access,
                     Handler handler) {
    m_routes.append({method, QRegularExpression(QRegularExpression::anchoredPattern(pattern)),
                     access, std::move(handler)});
}

void RestRouter::dispatch(const http::HttpRequest &request,
                          const http::HttpServer::Responder &respond) const {
    const QString path = request.path();
    bool pathKnown = false;
    for (const Route &route : m_routes) {
        const QRegularExpressionMatch match = route.pattern.match(path);
        if (!match.hasMatch())
            continue;
        pathKnown = true;
        if (route.method != request.method)
            continue;
        RestContext context{request, std::nullopt, match.capturedTexts().mid(1), respond,
                            std::nullopt};
        if (route.access == Access::SignedIn) {
            context.signedIn = m_authenticate(request);
            if (!context.signedIn) {
                respond(http::HttpResponse::fail(401, QStringLiteral("Not signed in")));
                return;
            }
            context.user = context.signedIn->user;
        }
        route.handler(context);
        return;
    }
    respond(pathKnown ? http::HttpResponse::fail(405, QStringLiteral("Method not allowed"))
                      : http::HttpResponse::fail(404, QStringLiteral("Not found")));
}

} // namespace mist::server
