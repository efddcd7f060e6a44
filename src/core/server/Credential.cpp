// SPDX-License-Identifier: GPL-3.0-or-later

#include "Credential.h"

#include "protocol/Parsing.h"
#include "rest/Routes.h"

namespace mist::server {

std::optional<Credential> presentedCredential(const QByteArray &authorization,
                                              const QByteArray &cookie) {
    if (std::optional<QByteArray> token = protocol::bearerToken(authorization))
        return Credential{Credential::Source::Bearer, std::move(*token)};
    QByteArray token = protocol::cookieValue(cookie, SessionCookieName);
    if (token.isEmpty())
        return std::nullopt;
    return Credential{Credential::Source::Cookie, std::move(token)};
}

} // namespace mist::server
