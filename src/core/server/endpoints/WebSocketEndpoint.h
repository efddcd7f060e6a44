// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QObject>
#include <QString>
#include <QWebSocketProtocol>

namespace mist::server {

class ClientConnection;

// One /ws/... route. The server has already checked path, Origin and session
// before the upgrade; the endpoint validates its query and permissions and
// then streams.
class WebSocketEndpoint : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QString path() const = 0;
    // The same stream under upstream Mist's route (empty: none), for
    // scripts and dashboards written for upstream; same checks as path().
    virtual QString upstreamPath() const { return {}; }
    bool serves(const QString &requestPath) const {
        return requestPath == path() ||
               (!upstreamPath().isEmpty() && requestPath == upstreamPath());
    }
    // Whether `client` came in under upstreamPath() (and so wants upstream's shapes).
    bool isUpstream(const ClientConnection *client) const;
    virtual void accept(ClientConnection *client) = 0;
    // The one way a socket is refused after its upgrade: an `error` message with `message`,
    // then a close with `code` and the same text as its reason (docs/PROTOCOL.md).
    static void
    refuse(ClientConnection *client, const QString &message,
           QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodePolicyViolated);
    virtual int clientCount() const = 0;
};

} // namespace mist::server
