// SPDX-License-Identifier: GPL-3.0-or-later

#include "WebSocketEndpoint.h"

#include "server/ClientConnection.h"

namespace mist::server {

bool WebSocketEndpoint::isUpstream(const ClientConnection *client) const {
    return !upstreamPath().isEmpty() && client->endpoint() == upstreamPath();
}

} // namespace mist::server
