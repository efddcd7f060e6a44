// SPDX-License-Identifier: GPL-3.0-or-later

#include "Users.h"

#include "Database.h"
#include "Validation.h"

namespace mist::store {

Expected<User> userFromRow(const QSqlQuery &query, int first) {
    const auto role = parseRole(query.value(first + 2).toString());
    if (!role)
        return fail(QStringLiteral("database error: user %1 has an unknown role")
                        .arg(query.value(first).toLongLong()));
    return User{query.value(first).toLongLong(), query.value(first + 1).toString(), *role};
}

namespace {

Expected<User> userFromFirstColumns(const QSqlQuery &query) {
    return userFromRow(query, 0);
}

} // namespace

void Users::setPasswordHasher(const auth::PasswordHasher &hasher) {
    m_hasher = hasher; // its dummyHash() has the new limits, so it costs what a real hash costs
}

Expected<User> Users::add(const QString &email, Role role, const QByteArray &password) {
    const auto normalized = normalizeEmail(email);
    if (!normalized)
        return fail(normalized.error());
    if (auto valid = validatePassword(password); !valid)
        return fail(valid.error());
    const QString duplicate = QStringLiteral("a user with this email already exists");

    // Checked before hashing, so a duplicate fails fast.
    const auto existing = byEmail(*normalized);
    if (!existing)
        return fail(existing.error());
    if (*existing)
        return fail(duplicate);
    const QByteArray hash = m_hasher.hash(password);
    if (hash.isEmpty())
        return fail("cannot hash the password (out of memory?)");
    auto query =
        m_db.exec(QStringLiteral("INSERT INTO users (email, role, password_hash, created_at) "
                                 "VALUES (?, ?, ?, ?)"),
                  {*normalized, roleName(role), QString::fromLatin1(hash), now()});
    if (!query) {
        // Someone may have added the address while we were hashing.
        const auto raced = byEmail(*normalized);
        return fail(raced && *raced ? duplicate : query.error());
    }
    return User{query->lastInsertId().toLongLong(), *normalized, role};
}

Expected<std::optional<User>> Users::byId(qint64 id) {
    return m_db.firstRow(QStringLiteral("SELECT id, email, role FROM users WHERE id = ?"), {id},
                         userFromFirstColumns);
}

Expected<std::optional<User>> Users::byEmail(const QString &email) {
    const auto normalized = normalizeEmail(email);
    if (!normalized)
        return std::optional<User>(); // no such address can have been stored
    return m_db.firstRow(QStringLiteral("SELECT id, email, role FROM users WHERE email = ?"),
                         {*normalized}, userFromFirstColumns);
}

Expected<QList<User>> Users::all() {
    return m_db.mapRows(QStringLiteral("SELECT id, email, role FROM users ORDER BY id"), {},
                        userFromFirstColumns);
}

Expected<SignInRecord> Users::signInRecord(const QString &email) {
    const auto normalized = normalizeEmail(email);
    if (!normalized)
        return SignInRecord();
    const auto found = m_db.firstRow(
        QStringLiteral("SELECT id, email, role, password_hash FROM users WHERE email = ?"),
        {*normalized}, [](const QSqlQuery &query) -> Expected<SignInRecord> {
            auto user = userFromRow(query, 0);
            if (!user)
                return fail(user.error());
            return SignInRecord{*user, query.value(3).toString().toLatin1()};
        });
    if (!found)
        return fail(found.error());
    return found->value_or(SignInRecord());
}

Expected<std::optional<User>> Users::authenticate(const QString &email,
                                                  const QByteArray &password) {
    // Made before the lookup, so even the first call costs the same for known
    // and unknown addresses.
    const QByteArray dummy = m_hasher.dummyHash();
    const auto found = signInRecord(email);
    const SignInRecord record = found ? *found : SignInRecord();
    // Unknown accounts are verified against the dummy hash so that the answer
    // takes as long as for a known account with a wrong password.
    const bool verified = m_hasher.verify(record.user ? record.passwordHash : dummy, password);
    if (!found)
        return fail(found.error());
    if (record.user && verified)
        return record.user;
    return std::optional<User>();
}

Expected<void> Users::setPassword(qint64 userId, const QByteArray &password) {
    if (auto valid = validatePassword(password); !valid)
        return valid;
    const QByteArray hash = m_hasher.hash(password);
    if (hash.isEmpty())
        return fail("cannot hash the password (out of memory?)");

    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return begun;
    {
        auto update = m_db.exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                                {QString::fromLatin1(hash), userId});
        if (!update)
            return fail(update.error());
        if (update->numRowsAffected() == 0)
            return fail("no such user");
    }
    // A new password is often the answer to a leaked one: sign out everywhere.
    if (auto deleted =
            m_db.exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {userId});
        !deleted)
        return fail(deleted.error());
    return tx.commit();
}

} // namespace mist::store
