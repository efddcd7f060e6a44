// SPDX-License-Identifier: GPL-3.0-or-later

#include "Projects.h"

#include "Database.h"
#include "Users.h"
#include "Validation.h"

namespace mist::store {

Expected<Project> Projects::ensure(const QString &name) {
    if (auto valid = validateProjectName(name); !valid)
        return fail(valid.error());
    if (auto inserted = m_db.exec(
            QStringLiteral("INSERT INTO projects (name) VALUES (?) ON CONFLICT (name) DO NOTHING"),
            {name});
        !inserted)
        return fail(inserted.error());
    const auto project = byName(name);
    if (!project)
        return fail(project.error());
    if (!*project)
        return fail("database error: project vanished");
    return **project;
}

Expected<std::optional<Project>> Projects::byName(const QString &name) {
    if (!validateProjectName(name))
        return std::optional<Project>();
    return m_db.firstRow(QStringLiteral("SELECT id, name FROM projects WHERE name = ?"), {name},
                         [](const QSqlQuery &query) {
                             return Project{query.value(0).toLongLong(), query.value(1).toString()};
                         });
}

Expected<void> Projects::addMember(const QString &project, const QString &email) {
    if (auto valid = validateProjectName(project); !valid)
        return valid;
    const auto normalized = normalizeEmail(email);
    if (!normalized)
        return fail(normalized.error());
    const auto found = byName(project);
    if (!found)
        return fail(found.error());
    if (!*found)
        return fail(QStringLiteral("no such project \"%1\"").arg(project));
    const auto user = m_users.byEmail(*normalized);
    if (!user)
        return fail(user.error());
    if (!*user)
        return fail(QStringLiteral("no such user \"%1\"").arg(*normalized));
    if (auto inserted =
            m_db.exec(QStringLiteral("INSERT INTO project_members (project_id, user_id) "
                                     "VALUES (?, ?) ON CONFLICT DO NOTHING"),
                      {(*found)->id, (*user)->id});
        !inserted)
        return fail(inserted.error());
    return {};
}

} // namespace mist::store
