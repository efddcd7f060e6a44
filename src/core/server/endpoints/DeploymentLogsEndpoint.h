// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "WebSocketEndpoint.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointer>

#include "store/DeploymentStore.h"

namespace mist::deploy {
class DeploymentManager;
}
namespace mist::store {
class Store;
struct Deployment;
struct DeploymentLogLine;
} // namespace mist::store

namespace mist::server {

// /ws/deployment/logs?deploymentId=N[&after=K]: the current `status`, every
// log line so far (after line K when resuming), then live lines and status
// changes; at the end `status`, `error` (on failure) and `end`, close 1000.
// Lines and states come from the database first and from the manager's
// announcements after, in one turn of the event loop, so a watcher never
// misses or repeats a line. The lines so far are read and sent a page at a
// time, each only when the client's queue has room (a 200 MB build log is
// never loaded or queued whole); status changes meanwhile are summed up in
// one `status` once the client has caught up.
//
// Under upstream's route (/api/deployments/logs/stream?id=N) the same stream
// in upstream's shapes, for upstream's dashboard and scripts: `status` as
// upstream's deployer writes it (protocol::upstream::deploymentStatusToUpstream),
// `log` as {line, stream, timestamp} with stderr for the lines that report
// an error, and at the end only the last `status` and a close 1000: upstream
// sends no `error` or `end` on this route (the failure is in
// status.error_message).
class DeploymentLogsEndpoint : public WebSocketEndpoint {
    Q_OBJECT
public:
    DeploymentLogsEndpoint(store::Store *store, deploy::DeploymentManager *manager,
                           QObject *parent = nullptr);
    QString upstreamPath() const override {
        return QStringLiteral("/api/deployments/logs/stream"); // ?id=N
    }
    QString path() const override { return QStringLiteral("/ws/deployment/logs"); }
    void accept(ClientConnection *client) override;
    int clientCount() const override { return m_clients; }

    // A replay page: lines, and characters of text at most.
    static constexpr int PageLines = 1000;
    static constexpr qint64 PageChars = 1024 * 1024;

private:
    struct Replay {
        qint64 deploymentId = 0;
        qint64 after = 0; // the last line sent
        QList<store::DeploymentLogLine> page;
        qsizetype next = 0; // in page
        QJsonObject statusSent;
    };
    void pump(ClientConnection *client);
    void caughtUp(ClientConnection *client, const Replay &replay);
    void onStatus(const store::Deployment &deployment);
    void onLog(qint64 deploymentId, const QList<store::DeploymentLogLine> &lines);
    void sendTerminal(ClientConnection *client, const store::Deployment &deployment);
    QString statusFor(const ClientConnection *client, const store::Deployment &deployment) const;

    store::Store *m_store;
    deploy::DeploymentManager *m_manager;
    QHash<qint64, QList<QPointer<ClientConnection>>> m_watchers;
    QHash<ClientConnection *, Replay> m_replays;
    int m_clients = 0;
};

// A deployment `log` message: {line, index}.
QString deploymentLogMessage(const QString &line, qint64 index);

} // namespace mist::server
