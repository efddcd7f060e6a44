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

std::optional<App> Apps::add(App app, QString *error) {
    if (!normalizeApp(app, error))
        return std::nullopt;
    Transaction tx(m_db);
    if (!tx.begin(error))
        return std::nullopt;

    if (app.projectId != 0) {
        auto query = m_db.exec(QStringLiteral("SELECT name FROM projects WHERE id = ?"),
                               {app.projectId}, error);
        if (!query)
            return std::nullopt;
        QString dbError;
        if (!nextRow(*query, &dbError)) {
            fail(error, dbError.isEmpty()
                            ? QStringLiteral("no such project (id %1)").arg(app.projectId)
                            : dbError);
            return std::nullopt;
        }
        app.projectName = query->value(0).toString();
    } else {
        const auto project = m_projects.ensure(app.projectName, error);
        if (!project)
            return std::nullopt;
        app.projectId = project->id;
    }

    auto existing =
        m_db.exec(QStringLiteral("SELECT 1 FROM apps WHERE project_id = ? AND name = ?"),
                  {app.projectId, app.name}, error);
    if (!existing)
        return std::nullopt;
    if (existing->next()) {
        fail(error, QStringLiteral("an app named %1 already exists in project %2")
                        .arg(app.name, app.projectName));
        return std::nullopt;
    }
    existing.reset();

    const qint64 createdAt = now();
    auto insert = m_db.exec(
        QStringLiteral("INSERT INTO apps (name, project_id, container_name, git_url, git_branch,"
                       " dockerfile, port, created_at, is_service, replicas)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {app.name, app.projectId,
         nullIfEmpty(app.isService() ? app.serviceName : app.containerName),
         nullIfEmpty(app.gitUrl), nullIfEmpty(app.gitBranch), nullIfEmpty(app.dockerfile), app.port,
         createdAt, app.isService() ? 1 : 0, app.replicas},
        error);
    if (!insert)
        return std::nullopt;
    app.id = insert->lastInsertId().toLongLong();
    app.createdAt = QDateTime::fromSecsSinceEpoch(createdAt, Qt::UTC);
    insert.reset();
    if (!tx.commit(error))
        return std::nullopt;
    return app;
}

QList<App> Apps::where(const QString &tail, const QVariantList &args, QString *error) {
    QList<App> result;
    auto query = m_db.exec(kAppSelect + tail + QStringLiteral(" ORDER BY a.id"), args, error);
    while (query && nextRow(*query, error))
        result.append(appFromRow(*query));
    return result;
}

std::optional<App> Apps::byId(qint64 id, QString *error) {
    const QList<App> found = where(QStringLiteral("WHERE a.id = ?"), {id}, error);
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<App> Apps::all(QString *error) {
    return where(QString(), {}, error);
}

QList<App> Apps::visibleTo(const User &user, QString *error) {
    if (user.role != Role::User)
        return all(error);
    return where(QStringLiteral("JOIN project_members m ON m.project_id = a.project_id "
                                "WHERE m.user_id = ?"),
                 {user.id}, error);
}

bool Apps::canAccess(const User &user, qint64 appId, QString *error) {
    auto query =
        user.role != Role::User
            ? m_db.exec(QStringLiteral("SELECT 1 FROM apps WHERE id = ?"), {appId}, error)
            : m_db.exec(QStringLiteral(
                            "SELECT 1 FROM apps a JOIN project_members m"
                            " ON m.project_id = a.project_id WHERE a.id = ? AND m.user_id = ?"),
                        {appId, user.id}, error);
    return query && nextRow(*query, error);
}

} // namespace mist::store
