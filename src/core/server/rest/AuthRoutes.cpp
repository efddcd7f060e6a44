#include "Routes.h"

#include "auth/LoginThrottle.h"
#include "server/Logging.h"

namespace mist::server {

QJsonObject userJson(const store::User &user) {
    return QJsonObject{{QStringLiteral("id"), double(user.id)},
                       {QStringLiteral("email"), user.email},
                       {QStringLiteral("role"), store::roleName(user.role)}};
}

namespace {
QByteArray sessionCookie(const QByteArray &token, qint64 maxAgeSeconds, bool secure) {
    QByteArray cookie =
        QByteArray(SessionCookieName) + '=' + token +
        "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + QByteArray::number(maxAgeSeconds);
    if (secure)
        cookie += "; Secure";
    return cookie;
}

void login(RestContext &ctx, store::Store &store, auth::LoginThrottle &throttle,
           bool secureCookies) {
    const auto body = ctx.jsonBody();
    if (!body)
        return;
    const QJsonValue email = body->value(QStringLiteral("email"));
    const QJsonValue password = body->value(QStringLiteral("password"));
    if (!email.isString() || !password.isString()) {
        ctx.respond(
            http::HttpResponse::fail(400, QStringLiteral("email and password are required")));
        return;
    }
    const QString address = ctx.request.peer.toString();
    if (const qint64 wait = throttle.retryAfter(email.toString(), address)) {
        http::HttpResponse busy = http::HttpResponse::fail(
            429, QStringLiteral("Too many failed sign-ins; try again in %1 s").arg(wait));
        busy.setHeader("Retry-After", QByteArray::number(wait));
        qCWarning(lcAuth).noquote() << "sign-in throttled from" << address << "for" << wait << "s";
        ctx.respond(busy);
        return;
    }
    // One answer for an unknown email and a wrong password, so
    // the endpoint does not tell which accounts exist.
    const auto user = store.authenticate(email.toString(), password.toString().toUtf8());
    if (user) {
        throttle.recordSuccess(email.toString());
        qCInfo(lcAuth).noquote() << "sign-in of user" << user->id << "from" << address;
    } else {
        throttle.recordFailure(email.toString(), address);
        // The attempted name may be a mistyped password: log none of it.
        qCWarning(lcAuth).noquote() << "failed sign-in from" << address;
    }
    if (!user) {
        ctx.respond(http::HttpResponse::fail(401, QStringLiteral("Invalid email or password")));
        return;
    }
    QString error;
    const QByteArray token = store.createSession(user->id, &error);
    if (token.isEmpty()) {
        ctx.respond(http::HttpResponse::fail(500, error));
        return;
    }
    http::HttpResponse response = http::HttpResponse::ok(
        QJsonObject{{QStringLiteral("user"), userJson(*user)}}, QStringLiteral("Signed in"));
    response.setHeader("Set-Cookie",
                       sessionCookie(token, store::Store::DefaultAbsoluteTimeout, secureCookies));
    ctx.respond(response);
}

// Revokes exactly the credential that signed this request in: a bearer
// session leaves the browser's cookie session alone (it may be another
// user's), and only a cookie credential gets its cookie cleared.
void logout(RestContext &ctx, store::Store &store, bool secureCookies) {
    const SignedIn &who = *ctx.signedIn;
    if (who.apiToken) {
        // Long-lived and shared with scripts: not something a stray logout
        // call should end. The operator revokes it by name.
        ctx.respond(http::HttpResponse::fail(
            400, QStringLiteral("API tokens are revoked with 'mist-monitor token revoke'")));
        return;
    }
    QString error;
    if (!store.revokeSession(who.credential.token, &error)) {
        ctx.respond(http::HttpResponse::fail(500, error));
        return;
    }
    qCInfo(lcAuth).noquote() << "sign-out of user" << who.user.id << "from"
                             << ctx.request.peer.toString();
    http::HttpResponse response =
        http::HttpResponse::ok(QJsonValue::Null, QStringLiteral("Signed out"));
    if (who.credential.source == Credential::Source::Cookie)
        response.setHeader("Set-Cookie", sessionCookie("", 0, secureCookies));
    ctx.respond(response);
}
} // namespace

void registerAuthRoutes(RestRouter &router, store::Store &store, auth::LoginThrottle &throttle,
                        bool secureCookies) {
    router.add("POST", QStringLiteral("/api/auth/login"), RestRouter::Access::Public,
               [&store, &throttle, secureCookies](RestContext &ctx) {
                   login(ctx, store, throttle, secureCookies);
               });
    router.add("POST", QStringLiteral("/api/auth/logout"), RestRouter::Access::SignedIn,
               [&store, secureCookies](RestContext &ctx) { logout(ctx, store, secureCookies); });
    router.add(
        "GET", QStringLiteral("/api/auth/me"), RestRouter::Access::SignedIn, [](RestContext &ctx) {
            ctx.respond(
                http::HttpResponse::ok(QJsonObject{{QStringLiteral("user"), userJson(*ctx.user)}}));
        });
}

} // namespace mist::server
