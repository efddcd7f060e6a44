// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentLogsEndpoint.h"

#include "deploy/DeploymentManager.h"
#include "protocol/Envelope.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"
#include "server/ClientConnection.h"
#include "store/Store.h"

#include <QUrlQuery>

namespace mist::server {

QString deploymentLogMessage(const QString &line, qint64 index) {
    return protocol::envelope(u"log", QJsonObject{{QStringLiteral("line"), line},
                                                  {QStringLiteral("index"), double(index)}});
}

namespace {
// Upstream's build-log message: {line, stream, timestamp}. The build's output
// is one merged log here; a line is "stderr" when it reports an error of the
// build, the engine or the pipeline, or when upstream's keywords say so
// (protocol::upstream::deploymentLogStream). The timestamp is the send time.
QString upstreamLogMessage(const store::DeploymentLogLine &line) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return protocol::envelope(
        u"log",
        QJsonObject{{QStringLiteral("line"), line.line},
                    {QStringLiteral("stream"),
                     protocol::upstream::deploymentLogStream(line.line, line.error)},
                    {QStringLiteral("timestamp"), protocol::rfc3339Seconds(now)}},
        now);
}
} // namespace

QString DeploymentLogsEndpoint::statusFor(const ClientConnection *client,
                                          const store::Deployment &deployment) const {
    return isUpstream(client)
               ? protocol::envelope(u"status", protocol::upstream::deploymentStatusToUpstream(
                                                   deployment.statusData()))
               : protocol::statusMessage(deployment.statusData());
}

DeploymentLogsEndpoint::DeploymentLogsEndpoint(store::Store *store,
                                               deploy::DeploymentManager *manager, QObject *parent)
    : WebSocketEndpoint(parent)
    , m_store(store)
    , m_manager(manager) {
    connect(m_manager, &deploy::DeploymentManager::statusChanged, this,
            &DeploymentLogsEndpoint::onStatus);
    connect(m_manager, &deploy::DeploymentManager::logAppended, this,
            &DeploymentLogsEndpoint::onLog);
}

void DeploymentLogsEndpoint::accept(ClientConnection *client) {
    ++m_clients;
    connect(client, &ClientConnection::closed, this, [this] { --m_clients; });

    const QUrlQuery query(client->socket()->requestUrl());
    // Upstream's route names the deployment `id`.
    const bool upstream = isUpstream(client);
    const auto text = protocol::singleQueryValue(query, upstream ? QStringLiteral("id")
                                                                 : QStringLiteral("deploymentId"));
    const auto id = text ? protocol::parseId(*text) : std::nullopt;
    if (!id)
        return refuse(client, QStringLiteral("Invalid deploymentId"));
    qint64 after = 0;
    if (query.hasQueryItem(QStringLiteral("after"))) {
        const auto afterText = protocol::singleQueryValue(query, QStringLiteral("after"));
        if (afterText && *afterText == u"0")
            after = 0;
        else if (const auto parsed = afterText ? protocol::parseId(*afterText) : std::nullopt)
            after = *parsed;
        else
            return refuse(client, QStringLiteral("Invalid after"));
    }
    const auto deployment = store::orLogged(m_manager->deployments().get(*id));
    if (!deployment)
        return refuse(client, QStringLiteral("Deployment not found"));
    if (!store::orLogged(m_store->apps().canAccess(client->user(), deployment->appId)))
        return refuse(client, QStringLiteral("Permission denied"));

    client->send(statusFor(client, *deployment));
    m_replays.insert(client, Replay{*id, after, {}, 0, deployment->statusData()});
    connect(client, &ClientConnection::closed, this,
            [this](ClientConnection *c) { m_replays.remove(c); });
    connect(client, &ClientConnection::replayRoom, this, [this, client] { pump(client); });
    pump(client);
}

void DeploymentLogsEndpoint::pump(ClientConnection *client) {
    const auto it = m_replays.find(client);
    if (it == m_replays.end())
        return;
    Replay &r = *it;
    const bool upstream = isUpstream(client);
    for (;;) {
        if (r.next >= r.page.size()) {
            r.page = store::orLogged(
                m_manager->deployments().logPage(r.deploymentId, r.after, PageLines, PageChars));
            r.next = 0;
            if (r.page.isEmpty()) {
                const Replay done = std::move(r);
                m_replays.erase(it);
                return caughtUp(client, done);
            }
        }
        if (!client->hasReplayRoom())
            return; // replayRoom() brings us back
        const store::DeploymentLogLine &l = r.page[r.next++];
        r.after = l.seq;
        // A write that fails closes the client at once, and its closed()
        // takes it out of m_replays: look it up again rather than trust `r`.
        if (!client->sendReplay(upstream ? upstreamLogMessage(l)
                                         : deploymentLogMessage(l.line, l.seq))) {
            m_replays.remove(client);
            return;
        }
    }
}

void DeploymentLogsEndpoint::caughtUp(ClientConnection *client, const Replay &replay) {
    // In the same turn as the read that found no more lines: every line the
    // manager announces from now on is new to this client.
    const qint64 id = replay.deploymentId;
    const auto deployment = store::orLogged(m_manager->deployments().get(id));
    if (!deployment)
        return refuse(client, QStringLiteral("Deployment not found"));
    if (deployment->isTerminal())
        return sendTerminal(client, *deployment);
    if (deployment->statusData() != replay.statusSent)
        client->send(statusFor(client, *deployment));
    auto &watchers = m_watchers[id];
    watchers.append(client);
    connect(client, &ClientConnection::closed, this, [this, id](ClientConnection *c) {
        auto it = m_watchers.find(id);
        if (it == m_watchers.end())
            return;
        it->removeIf([c](const QPointer<ClientConnection> &w) { return !w || w.data() == c; });
        if (it->isEmpty())
            m_watchers.erase(it);
    });
}

void DeploymentLogsEndpoint::onStatus(const store::Deployment &deployment) {
    const auto it = m_watchers.constFind(deployment.id);
    if (it == m_watchers.constEnd())
        return;
    const QList<QPointer<ClientConnection>> watchers = *it;
    if (deployment.isTerminal())
        m_watchers.remove(deployment.id);
    for (const QPointer<ClientConnection> &c : watchers) {
        if (!c)
            continue;
        if (deployment.isTerminal())
            sendTerminal(c, deployment);
        else
            c->send(statusFor(c, deployment));
    }
}

void DeploymentLogsEndpoint::onLog(qint64 deploymentId,
                                   const QList<store::DeploymentLogLine> &lines) {
    const auto it = m_watchers.constFind(deploymentId);
    if (it == m_watchers.constEnd())
        return;
    const QList<QPointer<ClientConnection>> watchers = *it;
    for (const store::DeploymentLogLine &line : lines) {
        // Each shape serialised once for all its watchers.
        QString ours, theirs;
        for (const QPointer<ClientConnection> &c : watchers) {
            if (!c)
                continue;
            const bool upstream = isUpstream(c);
            QString &message = upstream ? theirs : ours;
            if (message.isEmpty())
                message =
                    upstream ? upstreamLogMessage(line) : deploymentLogMessage(line.line, line.seq);
            c->send(message);
        }
    }
}

void DeploymentLogsEndpoint::sendTerminal(ClientConnection *client,
                                          const store::Deployment &deployment) {
    client->send(statusFor(client, deployment));
    if (isUpstream(client)) {
        // Upstream's route ends with the last status: no error, no end.
        client->close(QWebSocketProtocol::CloseCodeNormal);
        return;
    }
    if (deployment.status == u"failed")
        client->send(protocol::errorMessage(deployment.errorMessage));
    client->send(protocol::endMessage(deployment.status == u"success"
                                          ? QStringLiteral("Deployment completed")
                                          : QStringLiteral("Deployment failed")));
    client->close(QWebSocketProtocol::CloseCodeNormal);
}

} // namespace mist::server
