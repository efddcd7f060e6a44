// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerStatsEndpoint.h"

#include "protocol/Envelope.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"
#include "server/AppStatsService.h"
#include "server/ClientConnection.h"
#include "store/Store.h"

#include <QUrlQuery>

namespace mist::server {

namespace {

const AppStats *find(const AppStatsSample &sample, qint64 appId) {
    for (const AppStats &a : sample.apps)
        if (a.appId == appId)
            return &a;
    return nullptr;
}

} // namespace

ContainerStatsEndpoint::ContainerStatsEndpoint(store::Store *store, AppStatsService *service,
                                               QObject *parent)
    : WebSocketEndpoint(parent)
    , m_store(store)
    , m_service(service) {
    connect(m_service, &AppStatsService::sampled, this, &ContainerStatsEndpoint::onSample);
}

void ContainerStatsEndpoint::accept(ClientConnection *client) {
    const QUrlQuery query(client->socket()->requestUrl());
    const auto text = protocol::singleQueryValue(query, QStringLiteral("appId"));
    const auto appId = text ? protocol::parseId(*text) : std::nullopt;
    if (!appId)
        return refuse(client, QStringLiteral("Invalid appId"));
    if (!store::orLogged(m_store->apps().byId(*appId)))
        return refuse(client, QStringLiteral("Application not found"));
    if (!store::orLogged(m_store->apps().canAccess(client->user(), *appId)))
        return refuse(client, QStringLiteral("Permission denied"));
    Watch &watch = m_clients[client];
    watch.appId = *appId;
    connect(client, &ClientConnection::closed, this,
            [this](ClientConnection *c) { m_clients.remove(c); });
    // Before the service's first sample the container is not known yet:
    // the first sample answers.
    if (m_service->latest().timestampMs != 0)
        start(client, watch, m_service->latest());
}

void ContainerStatsEndpoint::start(ClientConnection *client, Watch &watch,
                                   const AppStatsSample &sample) {
    const AppStats *app = find(sample, watch.appId);
    // An app added a moment ago, or one the engine has not answered about:
    // its container is not known yet.
    if ((!app || !app->looked) && ++watch.waited < MaxWaitSamples)
        return;
    if (!app || !app->state)
        return refuse(client, QStringLiteral("Container not found"),
                      QWebSocketProtocol::CloseCodeNormal);
    const QString state = protocol::upstream::containerState(*app->state);
    client->send(protocol::statusMessage({{QStringLiteral("container"), app->container},
                                          {QStringLiteral("state"), state},
                                          {QStringLiteral("status"), *app->state}}));
    if (state != u"running")
        return refuse(client, protocol::upstream::containerNotRunningMessage(state),
                      QWebSocketProtocol::CloseCodeNormal);
    // send() may have closed a client that cannot keep up, which removes its watch: look again.
    if (const auto it = m_clients.find(client); it != m_clients.end() && !client->isClosing())
        it->streaming = true;
}

void ContainerStatsEndpoint::onSample(const AppStatsSample &sample) {
    // One message per app and second, shared by its viewers.
    QHash<qint64, QString> messages;
    const auto clients = m_clients.keys(); // send() or close() may edit the hash
    for (ClientConnection *client : clients) {
        auto it = m_clients.find(client);
        if (it == m_clients.end() || client->isClosing())
            continue;
        if (!it->streaming) {
            start(client, *it, sample);
            continue;
        }
        const AppStats *app = find(sample, it->appId);
        if (!app || app->state.value_or(QString()) != u"running") {
            client->send(protocol::endMessage(QStringLiteral("Stats stream ended")));
            client->close(QWebSocketProtocol::CloseCodeNormal);
            continue;
        }
        if (!app->figures)
            continue; // running, not measured yet
        auto message = messages.find(app->appId);
        if (message == messages.end())
            message = messages.insert(
                app->appId,
                protocol::envelope(
                    u"stats", protocol::upstream::containerStatsToUpstream(appStatsJson(*app))));
        client->send(*message);
    }
}

} // namespace mist::server
