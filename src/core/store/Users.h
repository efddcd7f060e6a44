// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "auth/PasswordHasher.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

class QSqlQuery;

namespace mist::store {

class Database;

// Accounts: e-mail, role and argon2id password hash.
class Users {
public:
    explicit Users(Database &db)
        : m_db(db) {}

    // Hashes for new passwords use these parameters; tests pick minimal().
    void setPasswordHasher(const auth::PasswordHasher &hasher);
    const auth::PasswordHasher &passwordHasher() const { return m_hasher; }

    std::optional<User> add(const QString &email, Role role, const QByteArray &password,
                            QString *error);
    std::optional<User> byId(qint64 id, QString *error = nullptr);
    std::optional<User> byEmail(const QString &email, QString *error = nullptr);
    QList<User> all(QString *error = nullptr);
    // Takes the same time whether or not the account exists.
    std::optional<User> authenticate(const QString &email, const QByteArray &password,
                                     QString *error = nullptr);
    // The first half of authenticate(): the account and its hash, no hashing.
    SignInRecord signInRecord(const QString &email, QString *error = nullptr);
    // Also signs the user out everywhere.
    bool setPassword(qint64 userId, const QByteArray &password, QString *error);

private:
    Database &m_db;
    auth::PasswordHasher m_hasher;
};

// The user in columns first (id), first + 1 (email), first + 2 (role).
std::optional<User> userFromRow(const QSqlQuery &query, int first, QString *error);

} // namespace mist::store
