// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "base/Expected.h"

#include <QList>
#include <QString>
#include <QVariantList>

#include <optional>

namespace mist::store {

class Database;
class Projects;

// Apps, each in one project.
class Apps {
public:
    Apps(Database &db, Projects &projects)
        : m_db(db)
        , m_projects(projects) {}

    // The project is app.projectId when non-zero (it must exist); otherwise
    // app.projectName (default "default"), created when missing, in the same
    // transaction as the app so a refused app leaves no empty project behind.
    // Empty gitBranch / dockerfile of git apps default to "main" / "Dockerfile".
    Expected<App> add(App app);
    // std::nullopt when there is no such app.
    Expected<std::optional<App>> byId(qint64 id);
    Expected<QList<App>> all();
    // Owner and admin: every app; user: the apps of their projects.
    Expected<QList<App>> visibleTo(const User &user);
    // False also when the app does not exist.
    Expected<bool> canAccess(const User &user, qint64 appId);
    // Removes the app and its deployments (not its container, nor its archived logs); false
    // when there was no such app. No REST route calls it yet: the per-app figures (#18) drop
    // a removed app from /ws/apps/stats, and their test removes one this way.
    Expected<bool> remove(qint64 appId);

private:
    // `tail` follows "FROM apps a JOIN projects p ...": more joins, a WHERE.
    Expected<QList<App>> where(const QString &tail, const QVariantList &args);

    Database &m_db;
    Projects &m_projects;
};

} // namespace mist::store
