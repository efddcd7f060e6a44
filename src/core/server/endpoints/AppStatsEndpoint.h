// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "WebSocketEndpoint.h"

#include <QHash>
#include <QList>
#include <QSet>

namespace mist::store {
class Store;
struct User;
} // namespace mist::store

namespace mist::server {

class AppStatsService;
struct AppStatsSample;

// /ws/apps/stats: every second a `stats` message with every app the client's user may see
// (store::Apps::visibleTo, the rule of GET /api/apps) and its figures; the latest sample at
// once on connecting. The apps are looked up per user and second, so an app added or removed,
// or a membership changed, shows in the next message. Clients that see the same apps share
// one serialised message.
class AppStatsEndpoint : public WebSocketEndpoint {
    Q_OBJECT
public:
    AppStatsEndpoint(store::Store *store, AppStatsService *service, QObject *parent = nullptr);
    QString path() const override { return QStringLiteral("/ws/apps/stats"); }
    void accept(ClientConnection *client) override;
    int clientCount() const override { return int(m_clients.size()); }

private:
    // What one second's messages have found out so far: the apps each user may see, and the
    // messages made (by the apps they carry).
    struct Made {
        QHash<qint64, QSet<qint64>> visible;
        QHash<QString, QString> messages;
    };
    void broadcast(const AppStatsSample &sample);
    // The sample's message as `user` may see it; what `made` holds already is reused.
    QString messageFor(const store::User &user, const AppStatsSample &sample, Made &made);

    store::Store *m_store;
    AppStatsService *m_service;
    QList<ClientConnection *> m_clients;
};

} // namespace mist::server
