// SPDX-License-Identifier: GPL-3.0-or-later

#include "Apps.h"

#include "Database.h"
#include "Projects.h"
#include "Validation.h"

#include <QSqlQuery>

namespace mist::store {

namespace {

const QString kAppSelect = QStringLiteral(
    "SELECT a.id, a.name, a.project_id, p.name, a.container_name, a.git_url, a.git_branch,"
    " a.dockerfile, a.port, a.created_at, a.is_service, a.replicas FROM apps a"
    " JOIN projects p ON p.id = a.project_id ");

App appFromRow(const QSqlQuery &query) {
    App app;
    app.id = query.value(0).toLongLong();
    app.name = query.value(1).toString();
    app.projectId = query.value(2).toLongLong();
    app.projectName = query.value(3).toString();
    app.containerName = query.value(4).toString();
    app.gitUrl = query.value(5).toString();
    app.gitBranch = query.value(6).toString();
    app.dockerfile = query.value(7).toString();
    app.port = query.value(8).toInt();
    app.createdAt = QDateTime::fromSecsSinceEpoch(query.value(9).toLongLong(), Qt::UTC);
    if (query.value(10).toInt() == 1)
        std::swap(app.serviceName, app.containerName);
    app.replicas = query.value(11).toInt();
    return app;
}

} // namespace

Expected<App> Apps::add(App app) {
    if (auto valid = normalizeApp(app); !valid)
        return fail(valid.error());
    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return fail(begun.error());

    if (app.projectId != 0) {
        const auto name =
            m_db.firstRow(QStringLiteral("SELECT name FROM projects WHERE id = ?"), {app.projectId},
                          [](const QSqlQuery &row) { return row.value(0).toString(); });
        if (!name)
            return fail(name.error());
        if (!*name)
            return fail(QStringLiteral("no such project (id %1)").arg(app.projectId));
        app.projectName = **name;
    } else {
        const auto project = m_projects.ensure(app.projectName);
        if (!project)
            return fail(project.error());
        app.projectId = project->id;
    }

    {
        auto existing =
            m_db.exec(QStringLiteral("SELECT 1 FROM apps WHERE project_id = ? AND name = ?"),
                      {app.projectId, app.name});
        if (!existing)
            return fail(existing.error());
        if (existing->next())
            return fail(QStringLiteral("an app named %1 already exists in project %2")
                            .arg(app.name, app.projectName));
    }

    const qint64 createdAt = now();
    {
        auto insert = m_db.exec(
            QStringLiteral("INSERT INTO apps (name, project_id, container_name, git_url,"
                           " git_branch, dockerfile, port, created_at, is_service, replicas)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {app.name, app.projectId,
             nullIfEmpty(app.isService() ? app.serviceName : app.containerName),
             nullIfEmpty(app.gitUrl), nullIfEmpty(app.gitBranch), nullIfEmpty(app.dockerfile),
             app.port, createdAt, app.isService() ? 1 : 0, app.replicas});
        if (!insert)
            return fail(insert.error());
        app.id = insert->lastInsertId().toLongLong();
    }
    app.createdAt = QDateTime::fromSecsSinceEpoch(createdAt, Qt::UTC);
    if (auto committed = tx.commit(); !committed)
        return fail(committed.error());
    return app;
}

Expected<QList<App>> Apps::where(const QString &tail, const QVariantList &args) {
    return m_db.mapRows(kAppSelect + tail + QStringLiteral(" ORDER BY a.id"), args, appFromRow);
}

Expected<std::optional<App>> Apps::byId(qint64 id) {
    const auto found = where(QStringLiteral("WHERE a.id = ?"), {id});
    if (!found)
        return fail(found.error());
    if (found->isEmpty())
        return std::optional<App>();
    return std::optional<App>(found->first());
}

Expected<QList<App>> Apps::all() {
    return where(QString(), {});
}

Expected<QList<App>> Apps::visibleTo(const User &user) {
    if (user.role != Role::User)
        return all();
    return where(QStringLiteral("JOIN project_members m ON m.project_id = a.project_id "
                                "WHERE m.user_id = ?"),
                 {user.id});
}

Expected<bool> Apps::canAccess(const User &user, qint64 appId) {
    auto query =
        user.role != Role::User
            ? m_db.exec(QStringLiteral("SELECT 1 FROM apps WHERE id = ?"), {appId})
            : m_db.exec(QStringLiteral(
                            "SELECT 1 FROM apps a JOIN project_members m"
                            " ON m.project_id = a.project_id WHERE a.id = ? AND m.user_id = ?"),
                        {appId, user.id});
    if (!query)
        return fail(query.error());
    return nextRow(*query);
}

Expected<bool> Apps::remove(qint64 appId) {
    auto query = m_db.exec(QStringLiteral("DELETE FROM apps WHERE id = ?"), {appId});
    if (!query)
        return fail(query.error());
    return query->numRowsAffected() > 0;
}

} // namespace mist::store
