// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "base/Expected.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace mist::store {

class Database;
class Users;

// Sign-in sessions (and the rows behind API tokens): only the SHA-256 of a
// token is stored.
class Sessions {
public:
    Sessions(Database &db, Users &users)
        : m_db(db)
        , m_users(users) {}

    // A session ends after idleTimeout seconds without use or absoluteTimeout
    // seconds after sign-in, whichever comes first. Use is recorded at most
    // once a minute (more often only when the idle timeout is under two
    // minutes), so idle expiry is exact to that granularity. Changed
    // timeouts reach an existing session when it is next used.
    static constexpr qint64 DefaultIdleTimeout = 7 * 24 * 3600;
    static constexpr qint64 DefaultAbsoluteTimeout = 30 * 24 * 3600;
    void setIdleTimeout(qint64 seconds);
    void setAbsoluteTimeout(qint64 seconds);

    // A fresh 256-bit token, base64url without padding (43 characters); only
    // its SHA-256 is stored.
    Expected<QByteArray> create(qint64 userId);
    // Deletes the session when it has expired; std::nullopt for an unknown
    // or expired token.
    Expected<std::optional<Session>> find(const QByteArray &token);
    Expected<std::optional<User>> userFor(const QByteArray &token);
    Expected<void> revoke(const QByteArray &token);
    Expected<void> revokeAllOf(qint64 userId);

private:
    Database &m_db;
    Users &m_users;
    qint64 m_idleTimeout = DefaultIdleTimeout;
    qint64 m_absoluteTimeout = DefaultAbsoluteTimeout;
};

// What the sessions table keys a token by.
QByteArray tokenHash(const QByteArray &token);

} // namespace mist::store
