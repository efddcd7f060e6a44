// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>

#include <optional>

namespace mist::server {

// What a request offers to prove who it is, before the store has looked at it.
struct Credential {
    enum class Source { Bearer, Cookie };
    Source source = Source::Cookie;
    QByteArray token;
};

// One precedence for REST, /metrics and WebSocket upgrades alike: an
// `Authorization: Bearer` header (scheme in any case) is the credential,
// whatever cookie comes with it, so a script's token is never mixed up with
// a browser session that happens to share the jar; otherwise the mist_token
// cookie. Other Authorization schemes are not ours and are ignored.
std::optional<Credential> presentedCredential(const QByteArray &authorization,
                                              const QByteArray &cookie);

} // namespace mist::server
