// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertsEndpoint.h"

#include "protocol/Envelope.h"
#include "server/AlertEvaluator.h"
#include "server/ClientConnection.h"
#include "server/Logging.h"
#include "store/Store.h"

#include <QHash>

namespace mist::server {

AlertsEndpoint::AlertsEndpoint(store::Store *store, AlertEvaluator *evaluator, QObject *parent)
    : WebSocketEndpoint(parent)
    , m_store(store) {
    connect(evaluator, &AlertEvaluator::alerted, this, &AlertsEndpoint::broadcast);
}

void AlertsEndpoint::accept(ClientConnection *client) {
    m_clients.append(client);
    connect(client, &ClientConnection::closed, this,
            [this](ClientConnection *c) { m_clients.removeOne(c); });
}

void AlertsEndpoint::broadcast(const store::FiredAlert &alert) {
    const QString message = protocol::envelope(u"alert", alert.toJson());
    // Whether each user may see the alert's app, asked once per user.
    QHash<qint64, bool> allowed;
    const auto maysee = [&](const store::User &user) {
        if (user.role != store::Role::User)
            return true;
        // Users read the alerts that concern their apps (decided); a host alert names the
        // apps of every project that use the most, so it is not theirs.
        if (!alert.appId)
            return false;
        const auto known = allowed.constFind(user.id);
        if (known != allowed.constEnd())
            return *known;
        const auto apps = m_store->apps().visibleTo(user);
        if (!apps)
            qCWarning(lcServer) << "alerts: cannot read the apps of user" << user.id << ":"
                                << apps.error();
        bool ok = false;
        for (const store::App &app : apps ? *apps : QList<store::App>())
            ok = ok || app.id == *alert.appId;
        allowed.insert(user.id, ok);
        return ok;
    };
    // send() may close a client that cannot keep up, which edits the list.
    const auto clients = m_clients;
    for (ClientConnection *c : clients) {
        if (maysee(c->user()))
            c->send(message);
    }
}

} // namespace mist::server
