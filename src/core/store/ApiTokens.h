// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace mist::store {

class Database;
class Sessions;

// API tokens for scripts (Authorization: Bearer): stored hashed like
// sessions, valid for `days` without an idle timeout, named per user.
class ApiTokens {
public:
    ApiTokens(Database &db, Sessions &sessions)
        : m_db(db)
        , m_sessions(sessions) {}

    QByteArray create(qint64 userId, const QString &name, int days, QString *error);
    QList<ApiToken> all(QString *error = nullptr);
    bool revoke(qint64 userId, const QString &name, QString *error = nullptr);

private:
    Database &m_db;
    Sessions &m_sessions;
};

} // namespace mist::store
