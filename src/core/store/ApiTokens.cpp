// SPDX-License-Identifier: GPL-3.0-or-later

#include "ApiTokens.h"

#include "Database.h"
#include "Sessions.h"

#include <QRegularExpression>

namespace mist::store {

QByteArray ApiTokens::create(qint64 userId, const QString &name, int days, QString *error) {
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!valid.match(name).hasMatch()) {
        fail(error, QStringLiteral("a token name is 1 to 64 letters, digits, '.', '_' or '-'"));
        return {};
    }
    if (days < 1 || days > 3650) {
        fail(error, QStringLiteral("a token lives 1 to 3650 days"));
        return {};
    }
    // A session row like any other, so every check that accepts a session
    // accepts the token; only its lifetime differs.
    const QByteArray token = m_sessions.create(userId, error);
    if (token.isEmpty())
        return {};
    QString dbError;
    if (!m_db.exec(QStringLiteral("UPDATE sessions SET api_name = ?, expires_at = created_at + ?"
                                  " WHERE token_hash = ?"),
                   {name, qint64(days) * 86400, tokenHash(token)}, &dbError)) {
        m_sessions.revoke(token);
        fail(error, dbError.contains(QLatin1String("UNIQUE"))
                        ? QStringLiteral("this user already has a token named %1").arg(name)
                        : dbError);
        return {};
    }
    return token;
}

QList<ApiToken> ApiTokens::all(QString *error) {
    QList<ApiToken> out;
    auto query = m_db.exec(QStringLiteral("SELECT u.email, s.api_name, s.created_at, s.expires_at,"
                                          " s.last_seen_at FROM sessions s JOIN users u"
                                          " ON u.id = s.user_id WHERE s.api_name IS NOT NULL"
                                          " ORDER BY u.email, s.api_name"),
                           {}, error);
    if (!query)
        return out;
    while (query->next()) {
        out.append({query->value(0).toString(), query->value(1).toString(),
                    QDateTime::fromSecsSinceEpoch(query->value(2).toLongLong(), Qt::UTC),
                    QDateTime::fromSecsSinceEpoch(query->value(3).toLongLong(), Qt::UTC),
                    QDateTime::fromSecsSinceEpoch(query->value(4).toLongLong(), Qt::UTC)});
    }
    return out;
}

bool ApiTokens::revoke(qint64 userId, const QString &name, QString *error) {
    auto query =
        m_db.exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ? AND api_name = ?"),
                  {userId, name}, error);
    if (!query)
        return false;
    if (query->numRowsAffected() < 1)
        return fail(error, QStringLiteral("no token named %1").arg(name));
    return true;
}

} // namespace mist::store
