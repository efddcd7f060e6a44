// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "WebSocketEndpoint.h"
#include "engine/EngineApi.h"

#include <QHash>

#include <functional>

#include <optional>

namespace mist::store {
class Store;
}

namespace mist::server {

class ContainerLogHub;
class ServiceLogHub;

// /ws/container/logs?appId=N: validates the query and the user's access to
// the app, looks the container up, sends `status`, and subscribes the client
// to the container's shared ContainerLogHub. For an app that is a Swarm
// service, the service's shared ServiceLogHub (all tasks, all nodes).
class ContainerLogsEndpoint : public WebSocketEndpoint {
    Q_OBJECT
public:
    ContainerLogsEndpoint(store::Store *store, engine::DockerClient *docker,
                          QObject *parent = nullptr);
    ~ContainerLogsEndpoint() override;

    QString path() const override { return QStringLiteral("/ws/container/logs"); }
    // Same query and messages (a superset of upstream's: `ts` added, whole
    // lines instead of 16 KiB pieces), but the `status` message in
    // upstream's words (`state` running/stopped/..., `status` the engine's
    // raw state) and a container that does not run refused with upstream's
    // "Container is not running (state: X)" (see protocol::upstream::
    // containerState: a paused or restarting one counts as running there).
    QString upstreamPath() const override { return QStringLiteral("/api/ws/container/logs"); }
    void accept(ClientConnection *client) override;
    int clientCount() const override { return m_clients; }

    // What a container hub is for.
    struct HubInfo {
        qint64 appId = 0;
        QString containerId;
        QString name;
        qint64 deploymentId = 0; // from the container's mist.deployment.id label; 0: none
        bool tty = false;
    };
    // Called once for every container hub made, before its first event-loop
    // turn (the log archive attaches its line sink here).
    using HubCreated = std::function<void(ContainerLogHub *hub, const HubInfo &info)>;
    void setHubCreated(HubCreated hook) { m_hubCreated = std::move(hook); }
    static HubInfo hubInfo(qint64 appId, const engine::ContainerState &state);
    // The container's hub, made if needed and pinned: it follows the
    // container without viewers until the container stops.
    ContainerLogHub *followContainer(const HubInfo &info);
    bool hasHub(const QString &containerId) const { return m_hubs.contains(containerId); }

    int hubCount() const { return int(m_hubs.size() + m_serviceHubs.size()); }
    quint64 linesRelayed() const;

private:
    void onInspected(ClientConnection *client, qint64 appId, std::optional<qint64> sinceNs,
                     const engine::EngineResult<engine::ContainerState> &inspected);
    ContainerLogHub *hubFor(const HubInfo &info);
    void acceptService(ClientConnection *client, const QString &service,
                       std::optional<qint64> sinceNs);

    store::Store *m_store;
    engine::DockerClient *m_docker;
    HubCreated m_hubCreated;
    QHash<QString, ContainerLogHub *> m_hubs;
    QHash<QString, ServiceLogHub *> m_serviceHubs; // by service id
    // MIST_BENCH_UNSHARED_LOG_STREAMS=1 (benchmark ablation only, see
    // docs/PERFORMANCE.md): one hub per viewer instead of one per container.
    bool m_unsharedStreams = false;
    quint64 m_unsharedHubSerial = 0;
    int m_clients = 0;
    quint64 m_linesRelayedByFinishedHubs = 0;
};

} // namespace mist::server
