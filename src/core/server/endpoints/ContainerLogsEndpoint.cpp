// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerLogsEndpoint.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "protocol/Envelope.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"
#include "server/ClientConnection.h"
#include "server/ContainerLogHub.h"
#include "server/ServiceLogHub.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrlQuery>

#include <limits>

namespace mist::server {

namespace {
void refuseForEngine(ClientConnection *client, const engine::EngineError &error) {
    WebSocketEndpoint::refuse(
        client,
        error.unreachable() ? QStringLiteral("Docker engine unavailable: %1").arg(error.message)
                            : QStringLiteral("Docker engine error: %1").arg(error.message),
        QWebSocketProtocol::CloseCodeBadOperation);
}
} // namespace

ContainerLogsEndpoint::ContainerLogsEndpoint(store::Store *store, engine::DockerClient *docker,
                                             QObject *parent)
    : WebSocketEndpoint(parent)
    , m_store(store)
    , m_docker(docker)
    , m_unsharedStreams(qEnvironmentVariableIntValue("MIST_BENCH_UNSHARED_LOG_STREAMS") == 1) {}

ContainerLogsEndpoint::~ContainerLogsEndpoint() = default;

quint64 ContainerLogsEndpoint::linesRelayed() const {
    quint64 total = m_linesRelayedByFinishedHubs;
    for (const ContainerLogHub *hub : m_hubs)
        total += hub->linesRelayed();
    for (const ServiceLogHub *hub : m_serviceHubs)
        total += hub->linesRelayed();
    return total;
}

void ContainerLogsEndpoint::accept(ClientConnection *client) {
    ++m_clients;
    connect(client, &ClientConnection::closed, this, [this] { --m_clients; });

    const QUrlQuery query(client->socket()->requestUrl());
    const auto text = protocol::singleQueryValue(query, QStringLiteral("appId"));
    const auto appId = text ? protocol::parseId(*text) : std::nullopt;
    if (!appId)
        return refuse(client, QStringLiteral("Invalid appId"));
    // Resume: the engine timestamp (`ts`) of the last line the client has.
    std::optional<qint64> sinceNs;
    if (query.hasQueryItem(QStringLiteral("since"))) {
        const auto sinceText = protocol::singleQueryValue(query, QStringLiteral("since"));
        sinceNs = sinceText ? protocol::parseEngineTimestampNs(*sinceText) : std::nullopt;
        if (!sinceNs)
            return refuse(client, QStringLiteral("Invalid since"));
    }
    const auto app = store::orLogged(m_store->apps().byId(*appId));
    if (!app)
        return refuse(client, QStringLiteral("Application not found"));
    if (!store::orLogged(m_store->apps().canAccess(client->user(), *appId)))
        return refuse(client, QStringLiteral("Permission denied"));

    if (!app->swarmServiceName().isEmpty())
        return acceptService(client, app->swarmServiceName(), sinceNs);
    const QString name = engine::appContainerName(*appId, app->containerName);
    QPointer<ClientConnection> guard(client);
    engine::Engine(*m_docker).inspectContainer(
        name, client,
        [this, guard, appId = *appId,
         sinceNs](const engine::EngineResult<engine::ContainerState> &inspected) {
            if (guard && !guard->isClosing())
                onInspected(guard, appId, sinceNs, inspected);
        });
}

void ContainerLogsEndpoint::onInspected(
    ClientConnection *client, qint64 appId, std::optional<qint64> sinceNs,
    const engine::EngineResult<engine::ContainerState> &inspected) {
    if (!inspected && inspected.error().notFound())
        return refuse(client, QStringLiteral("Container not found"),
                      QWebSocketProtocol::CloseCodeNormal);
    // A malformed answer too: "Docker engine error: malformed container inspect".
    if (!inspected)
        return refuseForEngine(client, inspected.error());
    const HubInfo info = hubInfo(appId, *inspected);
    const QString id = info.containerId;
    const QString name = info.name;
    const QString state = inspected->status;

    // The human status ("Up 2 hours") is what the engine's container list
    // shows; ask it rather than re-deriving the engine's wording.
    QPointer<ClientConnection> guard(client);
    engine::Engine(*m_docker).containers(
        {{QStringLiteral("id"), {id}}}, client,
        [this, guard, info, id, name, state,
         sinceNs](const engine::EngineResult<QList<engine::ContainerSummary>> &list) {
            if (!guard || guard->isClosing())
                return;
            if (!list)
                return refuseForEngine(guard, list.error());
            const engine::ContainerSummary row = list->value(0);
            const QString liveState = list->isEmpty() ? state : row.state;
            if (isUpstream(guard)) {
                // Upstream's `state` is its own word (running, stopped, ...)
                // and its `status` the engine's raw state, where ours are the
                // engine's state and what `docker ps` shows ("Up 2 hours").
                const QString upstreamState = protocol::upstream::containerState(liveState);
                guard->send(protocol::statusMessage(QJsonObject{
                    {QStringLiteral("container"), name},
                    {QStringLiteral("state"), upstreamState},
                    {QStringLiteral("status"), liveState},
                }));
                if (upstreamState != u"running")
                    return refuse(guard,
                                  protocol::upstream::containerNotRunningMessage(upstreamState),
                                  QWebSocketProtocol::CloseCodeNormal);
                return hubFor(info)->subscribe(guard, sinceNs);
            }
            guard->send(protocol::statusMessage(QJsonObject{
                {QStringLiteral("container"), name},
                {QStringLiteral("state"), liveState},
                {QStringLiteral("status"), row.status},
            }));
            if (liveState != u"running")
                return refuse(guard, QStringLiteral("Container not running"),
                              QWebSocketProtocol::CloseCodeNormal);
            hubFor(info)->subscribe(guard, sinceNs);
        });
}

void ContainerLogsEndpoint::acceptService(ClientConnection *client, const QString &service,
                                          std::optional<qint64> sinceNs) {
    QPointer<ClientConnection> guard(client);
    engine::Engine(*m_docker).inspectService(
        service, client,
        [this, guard, sinceNs](const engine::EngineResult<engine::SwarmService> &service) {
            if (!guard || guard->isClosing())
                return;
            if (!service && service.error().notFound())
                return refuse(guard, QStringLiteral("Service not found"),
                              QWebSocketProtocol::CloseCodeNormal);
            // 503: the engine is not a manager (or not in a swarm); its own
            // words say which ("This node is not a swarm manager. ...").
            if (!service)
                return refuseForEngine(guard, service.error());
            const QString id = service->id;
            ServiceLogHub *hub = m_serviceHubs.value(id);
            if (!hub) {
                hub = new ServiceLogHub(m_docker, *service, this);
                m_serviceHubs.insert(id, hub);
                connect(hub, &ServiceLogHub::finished, this, [this, id](LogHub *done) {
                    if (m_serviceHubs.value(id) == done)
                        m_serviceHubs.remove(id);
                    m_linesRelayedByFinishedHubs += done->linesRelayed();
                    done->deleteLater();
                });
            }
            hub->subscribe(guard, sinceNs);
        });
}

ContainerLogHub *ContainerLogsEndpoint::followContainer(const HubInfo &info) {
    ContainerLogHub *hub = hubFor(info);
    hub->setPinned(true);
    return hub;
}

ContainerLogHub *ContainerLogsEndpoint::hubFor(const HubInfo &info) {
    // The benchmark's ablation gives every viewer a hub (and engine stream)
    // of its own, as servers without sharing do.
    const QString key = m_unsharedStreams
                            ? info.containerId + u'#' + QString::number(++m_unsharedHubSerial)
                            : info.containerId;
    if (ContainerLogHub *hub = m_hubs.value(key))
        return hub;
    auto *hub = new ContainerLogHub(m_docker, info.containerId, info.tty, this);
    m_hubs.insert(key, hub);
    if (m_hubCreated && !m_unsharedStreams)
        m_hubCreated(hub, info);
    connect(hub, &ContainerLogHub::finished, this, [this, key](LogHub *done) {
        if (m_hubs.value(key) == done)
            m_hubs.remove(key);
        m_linesRelayedByFinishedHubs += done->linesRelayed();
        done->deleteLater();
    });
    return hub;
}

ContainerLogsEndpoint::HubInfo ContainerLogsEndpoint::hubInfo(qint64 appId,
                                                              const engine::ContainerState &state) {
    HubInfo info;
    info.appId = appId;
    info.containerId = state.id;
    info.name = state.name;
    info.tty = state.tty;
    info.deploymentId =
        protocol::parseId(state.labels.value(QStringLiteral("mist.deployment.id"))).value_or(0);
    return info;
}

} // namespace mist::server
