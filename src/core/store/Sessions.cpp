// SPDX-License-Identifier: GPL-3.0-or-later

#include "Sessions.h"

#include "Database.h"
#include "Users.h"

#include "auth/PasswordHasher.h"

#include <QCryptographicHash>

#include <sodium.h>

namespace mist::store {

namespace {

constexpr int kTokenBytes = 32;
constexpr int kTokenLength = 43; // base64url of 32 bytes, unpadded

} // namespace

QByteArray tokenHash(const QByteArray &token) {
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

void Sessions::setIdleTimeout(qint64 seconds) {
    m_idleTimeout = qMax<qint64>(1, seconds);
}

void Sessions::setAbsoluteTimeout(qint64 seconds) {
    m_absoluteTimeout = qMax<qint64>(1, seconds);
}

QByteArray Sessions::create(qint64 userId, QString *error) {
    if (!auth::ensureSodium()) {
        fail(error, QStringLiteral("libsodium cannot be initialised; no random tokens"));
        return {};
    }
    QByteArray secret(kTokenBytes, '\0');
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
    const QByteArray token =
        secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    sodium_memzero(secret.data(), static_cast<size_t>(secret.size()));

    const qint64 t = now();
    // Sign-ins are rare enough to tidy up on: abandoned sessions would
    // otherwise stay in the table for ever.
    if (!m_db.exec(QStringLiteral("DELETE FROM sessions WHERE expires_at < ?"), {t}, error))
        return {};
    QString dbError;
    if (!m_db.exec(
            QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at,"
                           " expires_at) VALUES (?, ?, ?, ?, ?)"),
            {tokenHash(token), userId, t, t, t + qMin(m_idleTimeout, m_absoluteTimeout)},
            &dbError)) {
        fail(error, m_users.byId(userId) ? dbError : QStringLiteral("no such user"));
        return {};
    }
    return token;
}

std::optional<User> Sessions::userFor(const QByteArray &token, QString *error) {
    const std::optional<Session> found = find(token, error);
    if (!found)
        return std::nullopt;
    return found->user;
}

std::optional<Session> Sessions::find(const QByteArray &token, QString *error) {
    if (token.size() != kTokenLength)
        return std::nullopt; // not one of ours; spare the lookup
    const QByteArray hash = tokenHash(token);
    auto query =
        m_db.exec(QStringLiteral("SELECT u.id, u.email, u.role, s.last_seen_at, s.expires_at,"
                                 " s.api_name IS NOT NULL"
                                 " FROM sessions s JOIN users u ON u.id = s.user_id"
                                 " WHERE s.token_hash = ?"),
                  {hash}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    const auto user = userFromRow(*query, 0, error);
    const qint64 lastSeen = query->value(3).toLongLong();
    const qint64 expiresAt = query->value(4).toLongLong();
    const bool apiToken = query->value(5).toBool();
    query.reset();

    const qint64 t = now();
    if (t > expiresAt) {
        m_db.exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), {hash}, error);
        return std::nullopt;
    }
    // Writing on every request would turn each read into a write; once a
    // minute is plenty for a 7-day idle timeout. Short (test) timeouts need
    // finer steps, or use would not keep the session alive.
    if (t - lastSeen >= qMin<qint64>(60, m_idleTimeout / 2)) {
        // A failed write only costs precision; the session itself is valid.
        m_db.exec(QStringLiteral("UPDATE sessions SET last_seen_at = ?,"
                                 " expires_at = CASE WHEN api_name IS NULL"
                                 "  THEN MIN(created_at + ?, ?) ELSE expires_at END"
                                 " WHERE token_hash = ?"),
                  {t, m_absoluteTimeout, t + m_idleTimeout, hash}, nullptr);
    }
    if (!user)
        return std::nullopt;
    return Session{*user, apiToken};
}

bool Sessions::revoke(const QByteArray &token, QString *error) {
    return m_db
        .exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), {tokenHash(token)},
              error)
        .has_value();
}

bool Sessions::revokeAllOf(qint64 userId, QString *error) {
    return m_db.exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {userId}, error)
        .has_value();
}

} // namespace mist::store
