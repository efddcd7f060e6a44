// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "WebSocketEndpoint.h"

#include <QList>

namespace mist::store {
class Store;
struct FiredAlert;
} // namespace mist::store

namespace mist::server {

class AlertEvaluator;

// /ws/alerts (docs/ALERTS.md): every alert as it fires or resolves, an
// `alert` message whose `data` is {"id", "ruleId", "state", "severity",
// "title", "message", "appId", "since"}. A user gets the alerts of the apps
// they may see (the rule of GET /api/alerts) and every host alert; owners
// and admins get all. Nothing is replayed on connecting (GET /api/alerts
// has the history). A client that does not read is closed like on every
// other socket (ClientConnection's bounds).
class AlertsEndpoint : public WebSocketEndpoint {
    Q_OBJECT
public:
    AlertsEndpoint(store::Store *store, AlertEvaluator *evaluator, QObject *parent = nullptr);
    QString path() const override { return QStringLiteral("/ws/alerts"); }
    void accept(ClientConnection *client) override;
    int clientCount() const override { return int(m_clients.size()); }

private:
    void broadcast(const store::FiredAlert &alert);

    store::Store *m_store;
    QList<ClientConnection *> m_clients;
};

} // namespace mist::server
