// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "base/Expected.h"

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

    Expected<QByteArray> create(qint64 userId, const QString &name, int days);
    Expected<QList<ApiToken>> all();
    Expected<void> revoke(qint64 userId, const QString &name);

private:
    Database &m_db;
    Sessions &m_sessions;
};

} // namespace mist::store
