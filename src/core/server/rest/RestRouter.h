// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "http/HttpServer.h"
#include "server/Credential.h"
#include "store/Store.h"

#include <QRegularExpression>

#include <functional>
#include <optional>

namespace mist::server {

// Who a request is, once its credential passed the store.
struct SignedIn {
    store::User user;
    Credential credential; // the one that proved it
    bool apiToken = false;
};

// What a REST handler gets: the request, the signed-in user (when the route
// needs one), the path's captured ids, and the way to answer. Only `respond`
// may be kept for an answer given later (it is safe to call after the client
// left); the request and the context itself are gone when the handler returns.
struct RestContext {
    const http::HttpRequest &request;
    std::optional<store::User> user;
    QStringList captures;
    http::HttpServer::Responder respond;
    std::optional<SignedIn> signedIn; // with `user`, on routes that need one

    // The body as a JSON object; answers 400 itself and returns nullopt when it is not one.
    std::optional<QJsonObject> jsonBody() const;
};

class RestRouter {
public:
    enum class Access { Public, SignedIn };
    using Handler = std::function<void(RestContext &)>;
    using Authenticator = std::function<std::optional<SignedIn>(const http::HttpRequest &)>;

    explicit RestRouter(Authenticator authenticate)
        : m_authenticate(std::move(authenticate)) {}
    // `pattern` is a full-path regular expression, e.g. R"(/api/apps/(\d+))".
    void add(const QByteArray &method, const QString &pattern, Access access, Handler handler);
    // 404 for an unknown path, 405 for a known path with another method, 401
    // for a signed-in route without a valid session.
    void dispatch(const http::HttpRequest &request,
                  const http::HttpServer::Responder &respond) const;
    // The signed-in user of a request, for Public routes that answer a
    // stranger in a shape of their own (upstream's routes).
    std::optional<store::User> authenticate(const http::HttpRequest &request) const {
        if (auto who = m_authenticate(request))
            return std::move(who->user);
        return std::nullopt;
    }

private:
    struct Route {
        QByteArray method;
        QRegularExpression pattern;
        Access access;
        Handler handler;
    };
    QList<Route> m_routes;
    Authenticator m_authenticate;
};

} // namespace mist::server
