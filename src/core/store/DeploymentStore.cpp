#include "DeploymentStore.h"

#include "Store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace mist::store {

namespace {
qint64 now() {
    return QDateTime::currentSecsSinceEpoch();
}

QVariant timeOrNull(const QDateTime &t) {
    return t.isValid() ? QVariant(t.toSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QDateTime timeFrom(const QVariant &v) {
    return v.isNull() ? QDateTime() : QDateTime::fromSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QString rfc3339(const QDateTime &t) {
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

bool failWith(const QSqlQuery &q, QString *error) {
    if (error)
        *error = QStringLiteral("database error: %1").arg(q.lastError().text().trimmed());
    return false;
}

const char *const Columns =
    "id, app_id, status, stage, progress, message, error_message, claimed, commit_hash,"
    " commit_message, commit_author, image_id, created_by, created_at, started_at, finished_at";

Deployment fromRow(const QSqlQuery &q) {
    Deployment d;
    d.id = q.value(0).toLongLong();
    d.appId = q.value(1).toLongLong();
    d.status = q.value(2).toString();
    d.stage = q.value(3).toString();
    d.progress = q.value(4).toInt();
    d.message = q.value(5).toString();
    d.errorMessage = q.value(6).toString();
    d.claimed = q.value(7).toBool();
    d.commitHash = q.value(8).toString();
    d.commitMessage = q.value(9).toString();
    d.commitAuthor = q.value(10).toString();
    d.imageId = q.value(11).toString();
    d.createdBy = q.value(12).toLongLong();
    d.createdAt = timeFrom(q.value(13));
    d.startedAt = timeFrom(q.value(14));
    d.finishedAt = timeFrom(q.value(15));
    return d;
}
} // namespace

QJsonObject Deployment::statusData() const {
    return QJsonObject{{QStringLiteral("deployment_id"), double(id)},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("stage"), stage},
                       {QStringLiteral("progress"), progress},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("error_message"), errorMessage}};
}

QJsonObject Deployment::toJson() const {
    QJsonObject o = statusData();
    o.insert(QStringLiteral("id"), double(id));
    o.insert(QStringLiteral("app_id"), double(appId));
    o.insert(QStringLiteral("commit_hash"), commitHash);
    o.insert(QStringLiteral("commit_message"), commitMessage);
    o.insert(QStringLiteral("commit_author"), commitAuthor);
    o.insert(QStringLiteral("image_id"), imageId);
    o.insert(QStringLiteral("created_at"), rfc3339(createdAt));
    o.insert(QStringLiteral("started_at"),
             startedAt.isValid() ? QJsonValue(rfc3339(startedAt)) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("finished_at"),
             finishedAt.isValid() ? QJsonValue(rfc3339(finishedAt)) : QJsonValue(QJsonValue::Null));
    return o;
}

DeploymentStore::DeploymentStore(Store &store)
    : m_connection(store.connectionName()) {}

std::optional<Deployment> DeploymentStore::create(qint64 appId, qint64 userId, QString *error) {
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO deployments (app_id, status, created_by, created_at)"
                             " VALUES (?, 'pending', ?, ?)"));
    q.addBindValue(appId);
    q.addBindValue(userId > 0 ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)));
    q.addBindValue(now());
    if (!q.exec()) {
        failWith(q, error);
        return std::nullopt;
    }
    return get(q.lastInsertId().toLongLong(), error);
}

std::optional<Deployment> DeploymentStore::get(qint64 id, QString *error) {
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(
        QStringLiteral("SELECT %1 FROM deployments WHERE id = ?").arg(QLatin1String(Columns)));
    q.addBindValue(id);
    if (!q.exec()) {
        failWith(q, error);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return fromRow(q);
}

QList<Deployment> DeploymentStore::forApp(qint64 appId, int limit, QString *error) {
    QList<Deployment> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM deployments WHERE app_id = ? ORDER BY id DESC LIMIT ?")
                  .arg(QLatin1String(Columns)));
    q.addBindValue(appId);
    q.addBindValue(limit);
    if (!q.exec()) {
        failWith(q, error);
        return out;
    }
    while (q.next())
        out.append(fromRow(q));
    return out;
}

QList<Deployment> DeploymentStore::unclaimedPending(QString *error) {
    QList<Deployment> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT %1 FROM deployments WHERE status = 'pending' AND claimed = 0"
                               " ORDER BY id")
                    .arg(QLatin1String(Columns)))) {
        failWith(q, error);
        return out;
    }
    while (q.next())
        out.append(fromRow(q));
    return out;
}

bool DeploymentStore::save(const Deployment &d, QString *error) {
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "UPDATE deployments SET status = ?, stage = ?, progress = ?, message = ?,"
        " error_message = ?, claimed = ?, commit_hash = ?, commit_message = ?, commit_author = ?,"
        " image_id = ?, started_at = ?, finished_at = ? WHERE id = ?"));
    q.addBindValue(d.status);
    q.addBindValue(d.stage);
    q.addBindValue(d.progress);
    q.addBindValue(d.message);
    q.addBindValue(d.errorMessage);
    q.addBindValue(d.claimed ? 1 : 0);
    q.addBindValue(d.commitHash);
    q.addBindValue(d.commitMessage);
    q.addBindValue(d.commitAuthor);
    q.addBindValue(d.imageId);
    q.addBindValue(timeOrNull(d.startedAt));
    q.addBindValue(timeOrNull(d.finishedAt));
    q.addBindValue(d.id);
    if (!q.exec())
        return failWith(q, error);
    if (q.numRowsAffected() != 1) {
        if (error)
            *error = QStringLiteral("deployment %1 no longer exists").arg(d.id);
        return false;
    }
    return true;
}

qint64 DeploymentStore::appendLogs(qint64 deploymentId, const QStringList &lines, QString *error) {
    if (lines.isEmpty())
        return 0;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        if (error)
            *error = QStringLiteral("database error: %1").arg(db.lastError().text());
        return 0;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT COALESCE(MAX(seq), 0) FROM deployment_logs WHERE deployment_id = ?"));
    q.addBindValue(deploymentId);
    if (!q.exec() || !q.next()) {
        failWith(q, error);
        db.rollback();
        return 0;
    }
    const qint64 first = q.value(0).toLongLong() + 1;
    q.finish();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral(
        "INSERT INTO deployment_logs (deployment_id, seq, line, created_at) VALUES (?, ?, ?, ?)"));
    const qint64 t = now();
    qint64 seq = first;
    for (const QString &line : lines) {
        insert.bindValue(0, deploymentId);
        insert.bindValue(1, seq++);
        insert.bindValue(2, line);
        insert.bindValue(3, t);
        if (!insert.exec()) {
            failWith(insert, error);
            db.rollback();
            return 0;
        }
    }
    if (!db.commit()) {
        if (error)
            *error = QStringLiteral("database error: %1").arg(db.lastError().text());
        db.rollback();
        return 0;
    }
    return first;
}

QList<DeploymentLogLine> DeploymentStore::logPage(qint64 deploymentId, qint64 afterSeq,
                                                  int maxLines, qint64 maxChars, QString *error) {
    QList<DeploymentLogLine> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT seq, line FROM deployment_logs WHERE deployment_id = ?"
                             " AND seq > ? ORDER BY seq LIMIT ?"));
    q.addBindValue(deploymentId);
    q.addBindValue(afterSeq);
    q.addBindValue(std::max(1, maxLines));
    if (!q.exec()) {
        failWith(q, error);
        return out;
    }
    qint64 chars = 0;
    while (q.next()) {
        const QString line = q.value(1).toString();
        if (!out.isEmpty() && chars + line.size() > maxChars)
            break;
        chars += line.size();
        out.append({q.value(0).toLongLong(), line});
    }
    return out;
}

qint64 DeploymentStore::logCount(qint64 deploymentId, QString *error) {
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM deployment_logs WHERE deployment_id = ?"));
    q.addBindValue(deploymentId);
    if (!q.exec() || !q.next()) {
        failWith(q, error);
        return -1;
    }
    return q.value(0).toLongLong();
}

QHash<QString, qint64> DeploymentStore::countByStatus(QString *error) {
    QHash<QString, qint64> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT status, COUNT(*) FROM deployments GROUP BY status"))) {
        failWith(q, error);
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toLongLong());
    return out;
}

int DeploymentStore::failInterrupted(const QString &message, QString *error) {
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(
        QStringLiteral("UPDATE deployments SET status = 'failed', error_message = ?, message = ?,"
                       " finished_at = ? WHERE status IN ('building', 'deploying')"
                       " OR (status = 'pending' AND claimed = 1)"));
    q.addBindValue(message);
    q.addBindValue(QStringLiteral("Deployment failed"));
    q.addBindValue(now());
    if (!q.exec()) {
        failWith(q, error);
        return -1;
    }
    return q.numRowsAffected();
}

} // namespace mist::store
