// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppStatsEndpoint.h"

#include "protocol/Envelope.h"
#include "server/AppStatsService.h"
#include "server/ClientConnection.h"
#include "server/Logging.h"
#include "store/Store.h"

#include <QJsonArray>

namespace mist::server {

AppStatsEndpoint::AppStatsEndpoint(store::Store *store, AppStatsService *service, QObject *parent)
    : WebSocketEndpoint(parent)
    , m_store(store)
    , m_service(service) {
    connect(m_service, &AppStatsService::sampled, this, &AppStatsEndpoint::broadcast);
}

void AppStatsEndpoint::accept(ClientConnection *client) {
    m_clients.append(client);
    connect(client, &ClientConnection::closed, this,
            [this](ClientConnection *c) { m_clients.removeOne(c); });
    if (m_service->latest().timestampMs == 0)
        return;
    Made made;
    client->send(messageFor(client->user(), m_service->latest(), made));
}

void AppStatsEndpoint::broadcast(const AppStatsSample &sample) {
    Made made;
    // send() may close a client that cannot keep up, which edits the list.
    const auto clients = m_clients;
    for (ClientConnection *c : clients)
        c->send(messageFor(c->user(), sample, made));
}

QString AppStatsEndpoint::messageFor(const store::User &user, const AppStatsSample &sample,
                                     Made &made) {
    // The apps of GET /api/apps: the same rule, asked once per user and second.
    auto ids = made.visible.find(user.id);
    if (ids == made.visible.end()) {
        const auto visible = m_store->apps().visibleTo(user);
        if (!visible)
            qCWarning(lcServer) << "app stats: cannot read the apps of user" << user.id << ":"
                                << visible.error();
        QSet<qint64> set;
        for (const store::App &app : visible ? *visible : QList<store::App>())
            set.insert(app.id);
        ids = made.visible.insert(user.id, set);
    }
    QString key;
    for (const AppStats &a : sample.apps)
        if (ids->contains(a.appId))
            key += QString::number(a.appId) + u',';
    // Users who see the same apps (every owner and admin) share one message.
    if (const auto it = made.messages.constFind(key); it != made.messages.constEnd())
        return *it;
    QJsonArray apps;
    for (const AppStats &a : sample.apps)
        if (ids->contains(a.appId))
            apps.append(appStatsJson(a));
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(sample.timestampMs, Qt::UTC);
    const QString message =
        protocol::envelope(u"stats",
                           QJsonObject{{QStringLiteral("timestamp"), protocol::rfc3339Seconds(at)},
                                       {QStringLiteral("apps"), apps}},
                           at);
    made.messages.insert(key, message);
    return message;
}

} // namespace mist::server
