// SPDX-License-Identifier: GPL-3.0-or-later

#include "ApiTokens.h"

#include "Database.h"
#include "Sessions.h"

#include <QRegularExpression>

namespace mist::store {

Expected<QByteArray> ApiTokens::create(qint64 userId, const QString &name, int days) {
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!valid.match(name).hasMatch())
        return fail("a token name is 1 to 64 letters, digits, '.', '_' or '-'");
    if (days < 1 || days > 3650)
        return fail("a token lives 1 to 3650 days");
    // A session row like any other, so every check that accepts a session
    // accepts the token; only its lifetime differs.
    const auto token = m_sessions.create(userId);
    if (!token)
        return token;
    if (auto named =
            m_db.exec(QStringLiteral("UPDATE sessions SET api_name = ?, expires_at = created_at + ?"
                                     " WHERE token_hash = ?"),
                      {name, qint64(days) * 86400, tokenHash(*token)});
        !named) {
        if (auto revoked = m_sessions.revoke(*token); !revoked)
            logFailure(revoked.error());
        return fail(named.error().contains(QLatin1String("UNIQUE"))
                        ? QStringLiteral("this user already has a token named %1").arg(name)
                        : named.error());
    }
    return token;
}

Expected<QList<ApiToken>> ApiTokens::all() {
    QList<ApiToken> out;
    auto query = m_db.exec(QStringLiteral("SELECT u.email, s.api_name, s.created_at, s.expires_at,"
                                          " s.last_seen_at FROM sessions s JOIN users u"
                                          " ON u.id = s.user_id WHERE s.api_name IS NOT NULL"
                                          " ORDER BY u.email, s.api_name"));
    if (!query)
        return fail(query.error());
    while (query->next()) {
        out.append({query->value(0).toString(), query->value(1).toString(),
                    QDateTime::fromSecsSinceEpoch(query->value(2).toLongLong(), Qt::UTC),
                    QDateTime::fromSecsSinceEpoch(query->value(3).toLongLong(), Qt::UTC),
                    QDateTime::fromSecsSinceEpoch(query->value(4).toLongLong(), Qt::UTC)});
    }
    return out;
}

Expected<void> ApiTokens::revoke(qint64 userId, const QString &name) {
    auto query = m_db.exec(
        QStringLiteral("DELETE FROM sessions WHERE user_id = ? AND api_name = ?"), {userId, name});
    if (!query)
        return fail(query.error());
    if (query->numRowsAffected() < 1)
        return fail(QStringLiteral("no token named %1").arg(name));
    return {};
}

} // namespace mist::store
