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

// A sessions row joined with its user; a bad user row is kept as its failure.
struct SessionRow {
    Expected<User> user;
    qint64 lastSeen = 0;
    qint64 expiresAt = 0;
    bool apiToken = false;
};

SessionRow sessionRowFrom(const QSqlQuery &query) {
    return SessionRow{userFromRow(query, 0), query.value(3).toLongLong(),
                      query.value(4).toLongLong(), query.value(5).toBool()};
}

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

Expected<QByteArray> Sessions::create(qint64 userId) {
    if (!auth::ensureSodium())
        return fail("libsodium cannot be initialised; no random tokens");
    QByteArray secret(kTokenBytes, '\0');
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
    const QByteArray token =
        secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    sodium_memzero(secret.data(), static_cast<size_t>(secret.size()));

    const qint64 t = now();
    // Sign-ins are rare enough to tidy up on: abandoned sessions would
    // otherwise stay in the table for ever.
    if (auto tidied = m_db.exec(QStringLiteral("DELETE FROM sessions WHERE expires_at < ?"), {t});
        !tidied)
        return fail(tidied.error());
    auto inserted = m_db.exec(
        QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at,"
                       " expires_at) VALUES (?, ?, ?, ?, ?)"),
        {tokenHash(token), userId, t, t, t + qMin(m_idleTimeout, m_absoluteTimeout)});
    if (!inserted) {
        const auto user = m_users.byId(userId);
        return fail(user && *user ? inserted.error() : QStringLiteral("no such user"));
    }
    return token;
}

Expected<std::optional<User>> Sessions::userFor(const QByteArray &token) {
    const auto found = find(token);
    if (!found)
        return fail(found.error());
    if (!*found)
        return std::optional<User>();
    return std::optional<User>((*found)->user);
}

Expected<std::optional<Session>> Sessions::find(const QByteArray &token) {
    if (token.size() != kTokenLength)
        return std::optional<Session>(); // not one of ours; spare the lookup
    const QByteArray hash = tokenHash(token);
    const auto found =
        m_db.firstRow(QStringLiteral("SELECT u.id, u.email, u.role, s.last_seen_at, s.expires_at,"
                                     " s.api_name IS NOT NULL"
                                     " FROM sessions s JOIN users u ON u.id = s.user_id"
                                     " WHERE s.token_hash = ?"),
                      {hash}, sessionRowFrom);
    if (!found)
        return fail(found.error());
    if (!*found)
        return std::optional<Session>();
    // A bad user row fails only after an expired session is gone.
    const Expected<User> &user = (*found)->user;
    const qint64 lastSeen = (*found)->lastSeen;
    const qint64 expiresAt = (*found)->expiresAt;
    const bool apiToken = (*found)->apiToken;

    const qint64 t = now();
    if (t > expiresAt) {
        if (auto deleted =
                m_db.exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), {hash});
            !deleted)
            return fail(deleted.error());
        if (!user)
            return fail(user.error());
        return std::optional<Session>();
    }
    // Writing on every request would turn each read into a write; once a
    // minute is plenty for a 7-day idle timeout. Short (test) timeouts need
    // finer steps, or use would not keep the session alive.
    if (t - lastSeen >= qMin<qint64>(60, m_idleTimeout / 2)) {
        // A failed write only costs precision; the session itself is valid.
        auto touched = m_db.exec(QStringLiteral("UPDATE sessions SET last_seen_at = ?,"
                                                " expires_at = CASE WHEN api_name IS NULL"
                                                "  THEN MIN(created_at + ?, ?) ELSE expires_at END"
                                                " WHERE token_hash = ?"),
                                 {t, m_absoluteTimeout, t + m_idleTimeout, hash});
        if (!touched)
            logFailure(touched.error());
    }
    if (!user)
        return fail(user.error());
    return std::optional<Session>(Session{*user, apiToken});
}

Expected<void> Sessions::revoke(const QByteArray &token) {
    if (auto deleted = m_db.exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"),
                                 {tokenHash(token)});
        !deleted)
        return fail(deleted.error());
    return {};
}

Expected<void> Sessions::revokeAllOf(qint64 userId) {
    if (auto deleted =
            m_db.exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {userId});
        !deleted)
        return fail(deleted.error());
    return {};
}

} // namespace mist::store
