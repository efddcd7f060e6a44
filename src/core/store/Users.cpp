// SPDX-License-Identifier: GPL-3.0-or-later

#include "Users.h"

#include "Database.h"
#include "Validation.h"

namespace mist::store {

std::optional<User> userFromRow(const QSqlQuery &query, int first, QString *error) {
    const auto role = parseRole(query.value(first + 2).toString());
    if (!role) {
        fail(error, QStringLiteral("database error: user %1 has an unknown role")
                        .arg(query.value(first).toLongLong()));
        return std::nullopt;
    }
    return User{query.value(first).toLongLong(), query.value(first + 1).toString(), *role};
}

void Users::setPasswordHasher(const auth::PasswordHasher &hasher) {
    m_hasher = hasher; // its dummyHash() has the new limits, so it costs what a real hash costs
}

std::optional<User> Users::add(const QString &email, Role role, const QByteArray &password,
                               QString *error) {
    const auto normalized = normalizeEmail(email, error);
    if (!normalized || !validatePassword(password, error))
        return std::nullopt;
    const QString duplicate = QStringLiteral("a user with this email already exists");

    // Checked before hashing, so a duplicate fails fast.
    QString dbError;
    if (byEmail(*normalized, &dbError) || !dbError.isEmpty()) {
        fail(error, dbError.isEmpty() ? duplicate : dbError);
        return std::nullopt;
    }
    const QByteArray hash = m_hasher.hash(password);
    if (hash.isEmpty()) {
        fail(error, QStringLiteral("cannot hash the password (out of memory?)"));
        return std::nullopt;
    }
    auto query =
        m_db.exec(QStringLiteral("INSERT INTO users (email, role, password_hash, created_at) "
                                 "VALUES (?, ?, ?, ?)"),
                  {*normalized, roleName(role), QString::fromLatin1(hash), now()}, &dbError);
    if (!query) {
        // Someone may have added the address while we were hashing.
        fail(error, byEmail(*normalized) ? duplicate : dbError);
        return std::nullopt;
    }
    return User{query->lastInsertId().toLongLong(), *normalized, role};
}

std::optional<User> Users::byId(qint64 id, QString *error) {
    auto query =
        m_db.exec(QStringLiteral("SELECT id, email, role FROM users WHERE id = ?"), {id}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    return userFromRow(*query, 0, error);
}

std::optional<User> Users::byEmail(const QString &email, QString *error) {
    const auto normalized = normalizeEmail(email, nullptr);
    if (!normalized)
        return std::nullopt; // no such address can have been stored
    auto query = m_db.exec(QStringLiteral("SELECT id, email, role FROM users WHERE email = ?"),
                           {*normalized}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    return userFromRow(*query, 0, error);
}

QList<User> Users::all(QString *error) {
    QList<User> result;
    auto query =
        m_db.exec(QStringLiteral("SELECT id, email, role FROM users ORDER BY id"), {}, error);
    while (query && nextRow(*query, error)) {
        if (auto user = userFromRow(*query, 0, error))
            result.append(*user);
    }
    return result;
}

SignInRecord Users::signInRecord(const QString &email, QString *error) {
    SignInRecord record;
    const auto normalized = normalizeEmail(email, nullptr);
    if (!normalized)
        return record;
    auto query = m_db.exec(QStringLiteral("SELECT id, email, role, password_hash FROM users "
                                          "WHERE email = ?"),
                           {*normalized}, error);
    if (query && nextRow(*query, error)) {
        record.user = userFromRow(*query, 0, error);
        if (record.user)
            record.passwordHash = query->value(3).toString().toLatin1();
    }
    return record;
}

std::optional<User> Users::authenticate(const QString &email, const QByteArray &password,
                                        QString *error) {
    // Made before the lookup, so even the first call costs the same for known
    // and unknown addresses.
    const QByteArray dummy = m_hasher.dummyHash();
    const SignInRecord record = signInRecord(email, error);
    // Unknown accounts are verified against the dummy hash so that the answer
    // takes as long as for a known account with a wrong password.
    const bool verified = m_hasher.verify(record.user ? record.passwordHash : dummy, password);
    if (record.user && verified)
        return record.user;
    return std::nullopt;
}

bool Users::setPassword(qint64 userId, const QByteArray &password, QString *error) {
    if (!validatePassword(password, error))
        return false;
    const QByteArray hash = m_hasher.hash(password);
    if (hash.isEmpty())
        return fail(error, QStringLiteral("cannot hash the password (out of memory?)"));

    Transaction tx(m_db);
    if (!tx.begin(error))
        return false;
    auto update = m_db.exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                            {QString::fromLatin1(hash), userId}, error);
    if (!update)
        return false;
    if (update->numRowsAffected() == 0)
        return fail(error, QStringLiteral("no such user"));
    // A new password is often the answer to a leaked one: sign out everywhere.
    return m_db.exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {userId}, error) &&
           tx.commit(error);
}

} // namespace mist::store
