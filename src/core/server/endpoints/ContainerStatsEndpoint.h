// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "WebSocketEndpoint.h"

#include <QHash>

namespace mist::store {
class Store;
}

namespace mist::server {

class AppStatsService;
struct AppStatsSample;

// Upstream Mist's /api/ws/container/stats?appId= (docs/APP-STATS.md,
// "Upstream's container stats"), for upstream's dashboard and scripts: the
// same messages upstream sends (`status` {container, state, status}, then a
// `stats` message a second with upstream's fields, `end` "Stats stream
// ended" when the container stops, `error` "Container not found" or
// "Container is not running (state: X)"), but fed by the one AppStatsService
// every client shares -- no engine stream per viewer -- and behind the same
// handshake as every socket here (sign-in, Origin, the app's permission),
// where upstream lets anyone in.
class ContainerStatsEndpoint : public WebSocketEndpoint {
    Q_OBJECT
public:
    ContainerStatsEndpoint(store::Store *store, AppStatsService *service,
                           QObject *parent = nullptr);
    QString path() const override { return QStringLiteral("/api/ws/container/stats"); }
    void accept(ClientConnection *client) override;
    int clientCount() const override { return int(m_clients.size()); }

private:
    struct Watch {
        qint64 appId = 0;
        bool streaming = false; // status sent, the container was running
        int waited = 0;         // samples in which the app's container was not known yet
    };
    // How many samples (seconds) a viewer of a new app, or of an app the
    // engine has not answered about, waits before "Container not found".
    static constexpr int MaxWaitSamples = 10;
    void onSample(const AppStatsSample &sample);
    // The first answer: status, or the error that ends the socket.
    void start(ClientConnection *client, Watch &watch, const AppStatsSample &sample);

    store::Store *m_store;
    AppStatsService *m_service;
    QHash<ClientConnection *, Watch> m_clients;
};

} // namespace mist::server
