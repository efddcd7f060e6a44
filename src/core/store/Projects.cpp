// SPDX-License-Identifier: GPL-3.0-or-later

#include "Projects.h"

#include "Database.h"
#include "Users.h"
#include "Validation.h"

namespace mist::store {

std::optional<Project> Projects::ensure(const QString &name, QString *error) {
    if (!validateProjectName(name, error))
        return std::nullopt;
    if (!m_db.exec(
            QStringLiteral("INSERT INTO projects (name) VALUES (?) ON CONFLICT (name) DO NOTHING"),
            {name}, error))
        return std::nullopt;
    QString dbError;
    auto project = byName(name, &dbError);
    if (!project)
        fail(error,
             dbError.isEmpty() ? QStringLiteral("database error: project vanished") : dbError);
    return project;
}

std::optional<Project> Projects::byName(const QString &name, QString *error) {
    if (!validateProjectName(name, nullptr))
        return std::nullopt;
    auto query =
        m_db.exec(QStringLiteral("SELECT id, name FROM projects WHERE name = ?"), {name}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    return Project{query->value(0).toLongLong(), query->value(1).toString()};
}

bool Projects::addMember(const QString &project, const QString &email, QString *error) {
    if (!validateProjectName(project, error))
        return false;
    const auto normalized = normalizeEmail(email, error);
    if (!normalized)
        return false;
    QString dbError;
    const auto found = byName(project, &dbError);
    if (!found)
        return fail(error, dbError.isEmpty() ? QStringLiteral("no such project \"%1\"").arg(project)
                                             : dbError);
    const auto user = m_users.byEmail(*normalized, &dbError);
    if (!user)
        return fail(error, dbError.isEmpty()
                               ? QStringLiteral("no such user \"%1\"").arg(*normalized)
                               : dbError);
    return m_db
        .exec(QStringLiteral("INSERT INTO project_members (project_id, user_id) VALUES (?, ?) "
                             "ON CONFLICT DO NOTHING"),
              {found->id, user->id}, error)
        .has_value();
}

} // namespace mist::store
