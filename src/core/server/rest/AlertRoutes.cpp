// SPDX-License-Identifier: GPL-3.0-or-later

// The alert routes of docs/ALERTS.md: rules, channels, a channel's test
// message and the fired alerts.

#include "Routes.h"

#include "alerts/AlertFormats.h"
#include "protocol/Envelope.h"
#include "protocol/Parsing.h"
#include "server/AlertDelivery.h"
#include "store/Alerts.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>

namespace mist::server {

namespace {

bool isAdmin(const store::User &user) {
    return user.role == store::Role::Owner || user.role == store::Role::Admin;
}

// The store's failures: the client's ("Invalid ...", "Too many ...",
// "... not found") or the database's.
int statusFor(const QString &error) {
    if (error.startsWith(u"Invalid"))
        return 400;
    if (error.startsWith(u"Too many"))
        return 409;
    if (error.endsWith(u"not found"))
        return 404;
    return 500;
}

void answerFailure(RestContext &ctx, const QString &error) {
    ctx.respond(http::HttpResponse::fail(statusFor(error), error));
}

bool adminOnly(RestContext &ctx, const QString &what) {
    if (isAdmin(*ctx.user))
        return true;
    ctx.respond(
        http::HttpResponse::fail(403, QStringLiteral("Only owners and admins may %1").arg(what)));
    return false;
}

std::optional<qint64> idFrom(RestContext &ctx) {
    const auto id = protocol::parseId(ctx.captures.value(0));
    if (!id)
        ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid id")));
    return id;
}

template <typename T> QJsonArray listJson(const QList<T> &items) {
    QJsonArray list;
    for (const T &item : items)
        list.append(item.toJson());
    return list;
}

QJsonValue secondsJson(const std::optional<qint64> &seconds) {
    return seconds ? QJsonValue(
                         protocol::rfc3339Seconds(QDateTime::fromSecsSinceEpoch(*seconds, Qt::UTC)))
                   : QJsonValue();
}

// docs/ALERTS.md, "Channel JSON": how its deliveries stand.
QJsonObject channelStatusJson(const store::ChannelStatus &s) {
    return QJsonObject{{QStringLiteral("pending"), s.pending},
                       {QStringLiteral("attempts"), s.attempts},
                       {QStringLiteral("lastError"), s.lastError},
                       {QStringLiteral("nextAttemptAt"), secondsJson(s.nextAttemptAt)},
                       {QStringLiteral("lastDeliveredAt"), secondsJson(s.lastDeliveredAt)},
                       {QStringLiteral("failed"), s.failed}};
}

void writeRule(RestContext &ctx, store::Store &store, bool update,
               const std::function<void()> &changed) {
    if (!adminOnly(ctx, QStringLiteral("write alert rules")))
        return;
    std::optional<qint64> id;
    if (update && !(id = idFrom(ctx)))
        return;
    const auto body = ctx.jsonBody();
    if (!body)
        return;
    auto rule = alerts::parseRule(*body);
    if (!rule)
        return ctx.respond(http::HttpResponse::fail(400, rule.error()));
    rule->id = id.value_or(0);
    const auto saved = update ? store.alerts().updateRule(*rule) : store.alerts().addRule(*rule);
    if (!saved)
        return answerFailure(ctx, saved.error());
    changed();
    ctx.respond(http::HttpResponse::ok(saved->toJson(), {}, update ? 200 : 201));
}

void writeChannel(RestContext &ctx, store::Store &store, bool update) {
    if (!adminOnly(ctx, QStringLiteral("read or write alert channels")))
        return;
    std::optional<qint64> id;
    if (update && !(id = idFrom(ctx)))
        return;
    const auto body = ctx.jsonBody();
    if (!body)
        return;
    auto channel = alerts::parseChannel(*body);
    if (!channel)
        return ctx.respond(http::HttpResponse::fail(400, channel.error()));
    channel->id = id.value_or(0);
    const auto saved =
        update ? store.alerts().updateChannel(*channel) : store.alerts().addChannel(*channel);
    if (!saved)
        return answerFailure(ctx, saved.error());
    ctx.respond(http::HttpResponse::ok(saved->toJson(), {}, update ? 200 : 201));
}

void listAlerts(RestContext &ctx, store::Store &store) {
    const QUrlQuery query(ctx.request.url.query());
    int limit = 100;
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            return ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid limit")));
    }
    const auto fired = store.alerts().alertsVisibleTo(*ctx.user, limit);
    if (!fired)
        return answerFailure(ctx, fired.error());
    ctx.respond(http::HttpResponse::ok(listJson(*fired)));
}

// Test messages waiting for their one attempt, answered when it is done.
class PendingTests : public QObject {
public:
    static constexpr int MaxPending = 16;
    static constexpr int WaitMs = 30000;

    explicit PendingTests(AlertDelivery &delivery)
        : QObject(&delivery) {
        connect(&delivery, &AlertDelivery::attempted, this,
                [this](qint64 id, bool delivered, const QString &error) {
                    finish(id, delivered ? 200 : 502, error);
                });
    }
    bool full() const { return m_waiting.size() >= MaxPending; }
    void wait(qint64 id, http::HttpServer::Responder respond) {
        m_waiting.insert(id, std::move(respond));
        QTimer::singleShot(WaitMs, this, [this, id] {
            finish(id, 504, QStringLiteral("still queued (the channel's rate cap)"));
        });
    }

private:
    void finish(qint64 id, int status, const QString &error) {
        const auto respond = m_waiting.take(id);
        if (!respond)
            return;
        if (status == 200)
            respond(http::HttpResponse::ok(QJsonObject{{QStringLiteral("delivered"), true}},
                                           QStringLiteral("Test message delivered")));
        else
            respond(http::HttpResponse::fail(
                status, QStringLiteral("Test message not delivered: %1").arg(error)));
    }
    QHash<qint64, http::HttpServer::Responder> m_waiting;
};

void testChannel(RestContext &ctx, store::Store &store, AlertDelivery &delivery,
                 PendingTests &pending) {
    if (!adminOnly(ctx, QStringLiteral("read or write alert channels")))
        return;
    const auto id = idFrom(ctx);
    if (!id)
        return;
    const auto channel = store.alerts().channel(*id);
    if (!channel)
        return answerFailure(ctx, channel.error());
    if (!*channel)
        return answerFailure(ctx, QStringLiteral("Channel not found"));
    if (pending.full())
        return ctx.respond(
            http::HttpResponse::fail(429, QStringLiteral("Too many tests in progress")));
    const QByteArray body =
        alerts::webhookBody(AlertDelivery::testData((*channel)->name), delivery.options().host);
    // One attempt: its deadline is now.
    const auto queued = store.alerts().enqueue(*id, body, QDateTime::currentSecsSinceEpoch());
    if (!queued)
        return answerFailure(ctx, queued.error());
    pending.wait(*queued, ctx.respond);
    delivery.wake();
}

// DELETE of one rule or channel (owner and admin): `remove` with the id from the path.
void addDelete(RestRouter &router, const QString &path, const QString &what, const QString &deleted,
               std::function<Expected<void>(qint64)> remove) {
    router.add("DELETE", path, RestRouter::Access::SignedIn,
               [what, deleted, remove = std::move(remove)](RestContext &ctx) {
                   if (!adminOnly(ctx, what))
                       return;
                   if (const auto id = idFrom(ctx)) {
                       if (auto removed = remove(*id); !removed)
                           return answerFailure(ctx, removed.error());
                       ctx.respond(http::HttpResponse::ok(QJsonValue(), deleted));
                   }
               });
}

void registerChannelRoutes(RestRouter &router, store::Store &store, AlertDelivery &delivery) {
    const QString one = QStringLiteral("/api/alerts/channels/([^/]+)");
    router.add("GET", QStringLiteral("/api/alerts/channels"), RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) {
                   if (!adminOnly(ctx, QStringLiteral("read or write alert channels")))
                       return;
                   const auto channels = store.alerts().channels();
                   if (!channels)
                       return answerFailure(ctx, channels.error());
                   QJsonArray list;
                   for (const alerts::Channel &c : *channels) {
                       const auto status = store.alerts().channelStatus(c.id);
                       if (!status)
                           return answerFailure(ctx, status.error());
                       QJsonObject o = c.toJson();
                       o.insert(QStringLiteral("status"), channelStatusJson(*status));
                       list.append(o);
                   }
                   ctx.respond(http::HttpResponse::ok(list));
               });
    router.add("POST", QStringLiteral("/api/alerts/channels"), RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) { writeChannel(ctx, store, false); });
    router.add("PUT", one, RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) { writeChannel(ctx, store, true); });
    addDelete(router, one, QStringLiteral("read or write alert channels"),
              QStringLiteral("Channel deleted"),
              [&store](qint64 id) { return store.alerts().removeChannel(id); });
    auto *pending = new PendingTests(delivery);
    router.add("POST", one + QStringLiteral("/test"), RestRouter::Access::SignedIn,
               [&store, &delivery, pending](RestContext &ctx) {
                   testChannel(ctx, store, delivery, *pending);
               });
}

} // namespace

void registerAlertRoutes(RestRouter &router, store::Store &store, AlertDelivery &delivery,
                         std::function<void()> rulesChanged) {
    const QString one = QStringLiteral("/api/alerts/rules/([^/]+)");
    router.add("GET", QStringLiteral("/api/alerts/rules"), RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) {
                   const auto rules = store.alerts().rulesVisibleTo(*ctx.user);
                   if (!rules)
                       return answerFailure(ctx, rules.error());
                   ctx.respond(http::HttpResponse::ok(listJson(*rules)));
               });
    router.add(
        "POST", QStringLiteral("/api/alerts/rules"), RestRouter::Access::SignedIn,
        [&store, rulesChanged](RestContext &ctx) { writeRule(ctx, store, false, rulesChanged); });
    router.add("PUT", one, RestRouter::Access::SignedIn, [&store, rulesChanged](RestContext &ctx) {
        writeRule(ctx, store, true, rulesChanged);
    });
    addDelete(router, one, QStringLiteral("write alert rules"), QStringLiteral("Rule deleted"),
              [&store, rulesChanged](qint64 id) {
                  auto removed = store.alerts().removeRule(id);
                  if (removed)
                      rulesChanged();
                  return removed;
              });
    registerChannelRoutes(router, store, delivery);
    router.add("GET", QStringLiteral("/api/alerts"), RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) { listAlerts(ctx, store); });
}

} // namespace mist::server
