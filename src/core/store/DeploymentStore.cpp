// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentStore.h"

#include "Database.h"
#include "Store.h"
#include "StoreLogging.h"
#include "text/Utf8.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace mist::store {

namespace {
// The longest beginning of `text` within `bytes` bytes of UTF-8, never half
// a character.
QString utf8Prefix(const QString &text, qint64 bytes) {
    const QByteArray utf8 = text.toUtf8();
    return QString::fromUtf8(utf8.first(text::utf8SafeCut(utf8, qsizetype(bytes))));
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
    : m_db(store.database()) {}

Expected<Deployment> DeploymentStore::create(qint64 appId, qint64 userId) {
    qint64 id = 0;
    {
        const auto q = m_db.exec(
            QStringLiteral("INSERT INTO deployments (app_id, status, created_by, created_at)"
                           " VALUES (?, 'pending', ?, ?)"),
            {appId, userId > 0 ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)),
             now()});
        if (!q)
            return fail(q.error());
        id = q->lastInsertId().toLongLong();
    }
    const auto created = get(id);
    if (!created)
        return fail(created.error());
    if (!*created)
        return fail(QStringLiteral("database error: deployment %1 vanished").arg(id));
    return **created;
}

Expected<std::optional<Deployment>> DeploymentStore::get(qint64 id) {
    auto q = m_db.exec(
        QStringLiteral("SELECT %1 FROM deployments WHERE id = ?").arg(QLatin1String(Columns)),
        {id});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return std::optional<Deployment>();
    return std::optional<Deployment>(fromRow(*q));
}

Expected<QList<Deployment>> DeploymentStore::forApp(qint64 appId, int limit) {
    QList<Deployment> out;
    auto q = m_db.exec(
        QStringLiteral("SELECT %1 FROM deployments WHERE app_id = ? ORDER BY id DESC LIMIT ?")
            .arg(QLatin1String(Columns)),
        {appId, limit});
    if (!q)
        return fail(q.error());
    while (q->next())
        out.append(fromRow(*q));
    return out;
}

Expected<QList<Deployment>> DeploymentStore::unclaimedPending(qint64 appId) {
    QList<Deployment> out;
    auto q = m_db.exec(
        QStringLiteral("SELECT %1 FROM deployments WHERE status = 'pending' AND claimed = 0"
                       " AND (? = 0 OR app_id = ?) ORDER BY id")
            .arg(QLatin1String(Columns)),
        {appId, appId});
    if (!q)
        return fail(q.error());
    while (q->next())
        out.append(fromRow(*q));
    return out;
}

Expected<void> DeploymentStore::save(const Deployment &d) {
    const auto q = m_db.exec(
        QStringLiteral(
            "UPDATE deployments SET status = ?, stage = ?, progress = ?, message = ?,"
            " error_message = ?, claimed = ?, commit_hash = ?, commit_message = ?,"
            " commit_author = ?, image_id = ?, started_at = ?, finished_at = ? WHERE id = ?"),
        {d.status, d.stage, d.progress, d.message, d.errorMessage, d.claimed ? 1 : 0, d.commitHash,
         d.commitMessage, d.commitAuthor, d.imageId, timeOrNull(d.startedAt),
         timeOrNull(d.finishedAt), d.id});
    if (!q)
        return fail(q.error());
    if (q->numRowsAffected() != 1)
        return fail(QStringLiteral("deployment %1 no longer exists").arg(d.id));
    return {};
}

qint64 DeploymentStore::storedLineBytes(qint64 textBytes) const {
    if (m_pageSize == 0) {
        auto q = m_db.exec(QStringLiteral("PRAGMA page_size"));
        if (!q)
            logFailure(q.error());
        m_pageSize = q && q->next() ? std::max<qint64>(q->value(0).toLongLong(), 512) : 4096;
    }
    // deployment_logs is a WITHOUT ROWID table: its rows are cells of an index
    // b-tree, whose rules (sqlite.org/fileformat2.html, "Cell Payload
    // Overflow Pages") keep at most X bytes of a record on the leaf page; the
    // rest fills whole overflow pages of U - 4 bytes each. So a 1 000-byte
    // line takes a 4 KiB page of its own, and a limit counting only text
    // would let the database grow five times past it.
    const qint64 u = m_pageSize;
    const qint64 record = textBytes + 24; // header, ids, seq, time
    const qint64 maxLocal = (u - 12) * 64 / 255 - 23;
    const qint64 cellOverhead = 8; // payload size varint, cell pointer
    if (record <= maxLocal)
        return record + cellOverhead;
    const qint64 minLocal = (u - 12) * 32 / 255 - 23;
    const qint64 k = minLocal + (record - minLocal) % (u - 4);
    const qint64 local = k <= maxLocal ? k : minLocal;
    const qint64 overflowPages = (record - local + u - 5) / (u - 4);
    return local + cellOverhead + 4 + overflowPages * u;
}

Expected<qint64> DeploymentStore::appendLogs(qint64 deploymentId,
                                             const QList<DeploymentLogLine> &lines) {
    if (lines.isEmpty())
        return 0;
    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return fail(begun.error());
    qint64 first = 0;
    {
        auto last = m_db.exec(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM deployment_logs"
                                             " WHERE deployment_id = ?"),
                              {deploymentId});
        if (!last)
            return fail(last.error());
        if (auto row = expectRow(*last); !row)
            return fail(row.error());
        first = last->value(0).toLongLong() + 1;
    }
    {
        // One statement prepared once for the whole batch.
        auto insert = m_db.prepare(QStringLiteral(
            "INSERT INTO deployment_logs (deployment_id, seq, line, created_at, is_error)"
            " VALUES (?, ?, ?, ?, ?)"));
        if (!insert)
            return fail(insert.error());
        const qint64 t = now();
        qint64 seq = first;
        for (const DeploymentLogLine &line : lines) {
            insert->bindValue(0, deploymentId);
            insert->bindValue(1, seq++);
            insert->bindValue(2, line.line);
            insert->bindValue(3, t);
            insert->bindValue(4, line.error ? 1 : 0);
            if (!insert->exec())
                return dbFail(insert->lastError());
        }
    }
    if (auto committed = tx.commit(); !committed)
        return fail(committed.error());
    return first;
}

Expected<QList<DeploymentLogLine>> DeploymentStore::logPage(qint64 deploymentId, qint64 afterSeq,
                                                            int maxLines, qint64 maxChars) {
    QList<DeploymentLogLine> out;
    auto q = m_db.exec(QStringLiteral("SELECT seq, line, is_error FROM deployment_logs"
                                      " WHERE deployment_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
                       {deploymentId, afterSeq, std::max(1, maxLines)});
    if (!q)
        return fail(q.error());
    qint64 chars = 0;
    while (q->next()) {
        const QString line = q->value(1).toString();
        if (!out.isEmpty() && chars + line.size() > maxChars)
            break;
        chars += line.size();
        out.append({q->value(0).toLongLong(), line, q->value(2).toBool()});
    }
    return out;
}

Expected<DeploymentLogTail>
DeploymentStore::logTail(qint64 deploymentId, qint64 maxBytes,
                         const std::function<qint64(const DeploymentLogLine &)> &bytesOf) {
    auto q = m_db.exec(QStringLiteral("SELECT seq, line, is_error FROM deployment_logs"
                                      " WHERE deployment_id = ? ORDER BY seq DESC"),
                       {deploymentId});
    if (!q)
        return fail(q.error());
    DeploymentLogTail tail;
    qint64 used = 0;
    for (;;) {
        const auto more = nextRow(*q);
        if (!more)
            return fail(more.error());
        if (!*more)
            break;
        DeploymentLogLine line{q->value(0).toLongLong(), q->value(1).toString(),
                               q->value(2).toBool()};
        const qint64 bytes = bytesOf ? bytesOf(line) : line.line.toUtf8().size() + 1;
        if (used + bytes > maxBytes) {
            if (tail.lines.isEmpty() && maxBytes > 1) {
                // Even the last line alone is too long: its beginning.
                line.line = utf8Prefix(line.line, maxBytes - 1);
                tail.lines.append(line);
                tail.omitted = line.seq - 1;
            } else {
                tail.omitted = line.seq; // seq runs 1..n without gaps
            }
            break;
        }
        used += bytes;
        tail.lines.append(std::move(line));
    }
    std::reverse(tail.lines.begin(), tail.lines.end());
    return tail;
}

Expected<qint64> DeploymentStore::ordinalInApp(const Deployment &deployment) {
    auto q =
        m_db.exec(QStringLiteral("SELECT COUNT(*) FROM deployments WHERE app_id = ? AND id <= ?"),
                  {deployment.appId, deployment.id});
    if (!q)
        return fail(q.error());
    if (auto row = expectRow(*q); !row)
        return fail(row.error());
    return q->value(0).toLongLong();
}

Expected<std::optional<qint64>> DeploymentStore::latestSuccessful(qint64 appId) {
    auto q = m_db.exec(
        QStringLiteral("SELECT MAX(id) FROM deployments WHERE app_id = ? AND status = 'success'"),
        {appId});
    if (!q)
        return fail(q.error());
    if (auto row = expectRow(*q); !row)
        return fail(row.error());
    if (q->value(0).isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(q->value(0).toLongLong());
}

Expected<qint64> DeploymentStore::logCount(qint64 deploymentId) {
    auto q =
        m_db.exec(QStringLiteral("SELECT COUNT(*) FROM deployment_logs WHERE deployment_id = ?"),
                  {deploymentId});
    if (!q)
        return fail(q.error());
    if (auto row = expectRow(*q); !row)
        return fail(row.error());
    return q->value(0).toLongLong();
}

Expected<QHash<QString, qint64>> DeploymentStore::countByStatus() {
    QHash<QString, qint64> out;
    auto q = m_db.exec(QStringLiteral("SELECT status, COUNT(*) FROM deployments GROUP BY status"));
    if (!q)
        return fail(q.error());
    while (q->next())
        out.insert(q->value(0).toString(), q->value(1).toLongLong());
    return out;
}

Expected<int> DeploymentStore::failInterrupted(const QString &message) {
    const auto q = m_db.exec(
        QStringLiteral("UPDATE deployments SET status = 'failed', error_message = ?, message = ?,"
                       " finished_at = ? WHERE status IN ('building', 'deploying')"
                       " OR (status = 'pending' AND claimed = 1)"),
        {message, QStringLiteral("Deployment failed"), now()});
    if (!q)
        return fail(q.error());
    return q->numRowsAffected();
}

} // namespace mist::store
