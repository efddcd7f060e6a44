// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "auth/PasswordHasher.h"
#include "base/Expected.h"

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

    Expected<User> add(const QString &email, Role role, const QByteArray &password);
    // std::nullopt when there is no such user.
    Expected<std::optional<User>> byId(qint64 id);
    Expected<std::optional<User>> byEmail(const QString &email);
    Expected<QList<User>> all();
    // Takes the same time whether or not the account exists; std::nullopt
    // when the address or the password does not match.
    Expected<std::optional<User>> authenticate(const QString &email, const QByteArray &password);
    // The first half of authenticate(): the account and its hash, no hashing.
    Expected<SignInRecord> signInRecord(const QString &email);
    // Also signs the user out everywhere.
    Expected<void> setPassword(qint64 userId, const QByteArray &password);

private:
    Database &m_db;
    auth::PasswordHasher m_hasher;
};

// The user in columns first (id), first + 1 (email), first + 2 (role).
Expected<User> userFromRow(const QSqlQuery &query, int first);

} // namespace mist::store
