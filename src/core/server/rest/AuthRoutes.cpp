// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

#include "auth/AuthLogging.h"
#include "auth/LoginThrottle.h"
#include "auth/SignInQueue.h"

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

http::HttpResponse wrongCredentials() {
    return http::HttpResponse::fail(401, QStringLiteral("Invalid email or password"));
}

// Every password-check slot is taken: come back in a moment. Not a failed
// sign-in, so the throttle does not count it.
http::HttpResponse signInBusy() {
    http::HttpResponse busy = http::HttpResponse::fail(
        503, QStringLiteral("Too many sign-ins in progress; try again in 1 s"));
    busy.setHeader("Retry-After", "1");
    return busy;
}

// Answers 429 and returns true when the pair or the address must wait.
bool answerIfThrottled(const auth::LoginThrottle &throttle, const QString &account,
                       const QString &address, const http::HttpServer::Responder &respond) {
    const qint64 wait = throttle.retryAfter(account, address);
    if (wait == 0)
        return false;
    http::HttpResponse busy = http::HttpResponse::fail(
        429, QStringLiteral("Too many failed sign-ins; try again in %1 s").arg(wait));
    busy.setHeader("Retry-After", QByteArray::number(wait));
    qCWarning(lcAuth).noquote() << "sign-in throttled from" << address << "for" << wait << "s";
    respond(busy);
    return true;
}

// The end of a sign-in whose password check ran (or was dropped): a session
// and its cookie, or the one answer for wrong credentials.
void finishSignIn(store::Store &store, auth::LoginThrottle &throttle, const QString &account,
                  const QString &address, const http::HttpServer::Responder &respond,
                  const store::SignInRecord &record, bool secureCookies,
                  auth::SignInQueue::Outcome outcome) {
    if (outcome == auth::SignInQueue::Outcome::Dropped) {
        respond(signInBusy());
        return;
    }
    bool ok = outcome == auth::SignInQueue::Outcome::Match;
    if (ok) {
        // An operator may have changed the password (or removed the
        // account) while the old one was being checked.
        const store::SignInRecord now = store::orLogged(store.users().signInRecord(account));
        ok = now.user && now.user->id == record.user->id && now.passwordHash == record.passwordHash;
    }
    if (!ok) {
        throttle.recordFailure(account, address);
        // The attempted name may be a mistyped password: log none of it.
        qCWarning(lcAuth).noquote() << "failed sign-in from" << address;
        respond(wrongCredentials());
        return;
    }
    throttle.recordSuccess(account, address);
    qCInfo(lcAuth).noquote() << "sign-in of user" << record.user->id << "from" << address;
    const auto created = store.sessions().create(record.user->id);
    if (!created) {
        respond(http::HttpResponse::fail(500, created.error()));
        return;
    }
    const QByteArray &token = *created;
    http::HttpResponse response = http::HttpResponse::ok(
        QJsonObject{{QStringLiteral("user"), userJson(*record.user)}}, QStringLiteral("Signed in"));
    response.setHeader(
        "Set-Cookie", sessionCookie(token, store::Sessions::DefaultAbsoluteTimeout, secureCookies));
    respond(response);
}

void login(RestContext &ctx, store::Store &store, auth::LoginThrottle &throttle,
           auth::SignInQueue &signIns, bool secureCookies) {
    const auto body = ctx.jsonBody();
    if (!body)
        return;
    const QJsonValue emailValue = body->value(QStringLiteral("email"));
    const QJsonValue passwordValue = body->value(QStringLiteral("password"));
    if (!emailValue.isString() || !passwordValue.isString()) {
        ctx.respond(
            http::HttpResponse::fail(400, QStringLiteral("email and password are required")));
        return;
    }
    const QString account = emailValue.toString();
    const QByteArray password = passwordValue.toString().toUtf8();
    const QString address = auth::clientAddressKey(ctx.request.peer);
    const http::HttpServer::Responder respond = ctx.respond;
    if (answerIfThrottled(throttle, account, address, respond))
        return;
    if (password.size() > store::MaxPasswordBytes) {
        // No stored password is this long: refuse without taking a check's
        // slot (or holding a megabyte in the queue). The answer tells nothing
        // about the account.
        throttle.recordFailure(account, address);
        qCWarning(lcAuth).noquote() << "failed sign-in from" << address;
        respond(wrongCredentials());
        return;
    }

    // One answer for an unknown email and a wrong password, so the endpoint
    // does not tell which accounts exist: an unknown one is checked against
    // a dummy hash of the same cost.
    const store::SignInRecord record = store::orLogged(store.users().signInRecord(account));
    auth::SignInQueue::Job job;
    job.address = address;
    job.admit = [&throttle, account, address, respond] {
        // The address may have been blocked while this one waited.
        return !answerIfThrottled(throttle, account, address, respond);
    };
    job.check = [hasher = store.users().passwordHasher(), hash = record.passwordHash, password] {
        // Made first, so even the very first check costs the same for known
        // and unknown accounts.
        const QByteArray dummy = hasher.dummyHash();
        const bool match = hasher.verify(hash.isEmpty() ? dummy : hash, password);
        return match && !hash.isEmpty();
    };
    job.finish = [&store, &throttle, account, address, respond, record,
                  secureCookies](auth::SignInQueue::Outcome outcome) {
        finishSignIn(store, throttle, account, address, respond, record, secureCookies, outcome);
    };
    if (!signIns.enqueue(std::move(job))) {
        qCWarning(lcAuth).noquote() << "sign-in from" << address << "refused: checks busy";
        respond(signInBusy());
    }
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
    if (const auto revoked = store.sessions().revoke(who.credential.token); !revoked) {
        ctx.respond(http::HttpResponse::fail(500, revoked.error()));
        return;
    }
    qCInfo(lcAuth).noquote() << "sign-out of user" << who.user.id << "from"
                             << auth::clientAddressKey(ctx.request.peer);
    http::HttpResponse response =
        http::HttpResponse::ok(QJsonValue::Null, QStringLiteral("Signed out"));
    if (who.credential.source == Credential::Source::Cookie)
        response.setHeader("Set-Cookie", sessionCookie("", 0, secureCookies));
    ctx.respond(response);
}
} // namespace

void registerAuthRoutes(RestRouter &router, store::Store &store, auth::LoginThrottle &throttle,
                        auth::SignInQueue &signIns, bool secureCookies) {
    router.add("POST", QStringLiteral("/api/auth/login"), RestRouter::Access::Public,
               [&store, &throttle, &signIns, secureCookies](RestContext &ctx) {
                   login(ctx, store, throttle, signIns, secureCookies);
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
