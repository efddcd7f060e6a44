// SPDX-License-Identifier: GPL-3.0-or-later

#include "WebSocketEndpoint.h"

#include "protocol/Envelope.h"
#include "server/ClientConnection.h"

namespace mist::server {

void WebSocketEndpoint::refuse(ClientConnection *client, const QString &message,
                               QWebSocketProtocol::CloseCode code) {
    client->send(protocol::errorMessage(message));
    client->close(code, message);
}

bool WebSocketEndpoint::isUpstream(const ClientConnection *client) const {
    return !upstreamPath().isEmpty() && client->endpoint() == upstreamPath();
}

} // namespace mist::server
