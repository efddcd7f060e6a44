// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "base/Expected.h"

#include <QString>

#include <optional>

namespace mist::store {

class Database;
class Users;

// Projects and who is a member of which.
class Projects {
public:
    Projects(Database &db, Users &users)
        : m_db(db)
        , m_users(users) {}

    // Returns the project, creating it first when it does not exist.
    Expected<Project> ensure(const QString &name);
    // std::nullopt when there is no such project.
    Expected<std::optional<Project>> byName(const QString &name);
    // Idempotent.
    Expected<void> addMember(const QString &project, const QString &email);

private:
    Database &m_db;
    Users &m_users;
};

} // namespace mist::store
