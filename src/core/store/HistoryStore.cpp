// SPDX-License-Identifier: GPL-3.0-or-later

#include "HistoryStore.h"

#include "Database.h"
#include "FileModes.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

namespace mist::store {

namespace {
Expected<QSqlQuery> run(const QString &connection, const QString &sql,
                        const QVariantList &args = {}) {
    QSqlQuery q(QSqlDatabase::database(connection, false));
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return dbFail(q.lastError());
    for (const QVariant &a : args)
        q.addBindValue(a);
    if (!q.exec())
        return dbFail(q.lastError());
    return q;
}

HistoryStore::StoredBlock blockFrom(const QSqlQuery &q, bool withData) {
    HistoryStore::StoredBlock b;
    b.id = q.value(0).toLongLong();
    b.series = q.value(1).toString();
    b.tier = q.value(2).toInt();
    b.start = q.value(3).toLongLong();
    b.end = q.value(4).toLongLong();
    b.sealed = q.value(5).toBool();
    b.points = q.value(6).toLongLong();
    if (withData)
        b.data = q.value(7).toByteArray();
    return b;
}

Expected<QList<HistoryStore::StoredBlock>> collect(Expected<QSqlQuery> q, bool withData) {
    if (!q)
        return fail(q.error());
    QList<HistoryStore::StoredBlock> out;
    while (true) {
        const auto row = nextRow(*q);
        if (!row)
            return fail(row.error());
        if (!*row)
            return out;
        out.append(blockFrom(*q, withData));
    }
}
} // namespace

HistoryStore::HistoryStore() {
    static std::atomic<quint64> counter{0};
    m_connectionName = QStringLiteral("mist-history-%1").arg(++counter);
}

HistoryStore::~HistoryStore() {
    close();
}

Expected<void> HistoryStore::open(const QString &dataDir) {
    close();
    const QString dir = QDir::cleanPath(QDir(dataDir).absolutePath());
    const QString path = dir + QStringLiteral("/history.db");
    if (auto made = ensurePrivateDirectory(dir); !made)
        return made;
    if (auto made = ensurePrivateDatabaseFile(path); !made)
        return made;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    if (!db.open())
        return dbFail(db.lastError());
    m_path = path;
    // WAL and NORMAL: a killed process loses nothing committed (docs/HISTORY.md).
    const char *setup[] = {
        "PRAGMA busy_timeout = 5000",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "CREATE TABLE IF NOT EXISTS blocks ("
        " id INTEGER PRIMARY KEY,"
        " series TEXT NOT NULL,"
        " tier INTEGER NOT NULL,"
        " start INTEGER NOT NULL,"
        " end INTEGER NOT NULL,"
        " sealed INTEGER NOT NULL CHECK (sealed IN (0, 1)),"
        " points INTEGER NOT NULL,"
        " data BLOB NOT NULL)",
        "CREATE INDEX IF NOT EXISTS blocks_by_series ON blocks(series, tier, start)",
        "CREATE INDEX IF NOT EXISTS blocks_unsealed ON blocks(tier, sealed, start)",
        "CREATE TABLE IF NOT EXISTS marks ("
        " series TEXT NOT NULL,"
        " tier INTEGER NOT NULL,"
        " upto INTEGER NOT NULL,"
        " PRIMARY KEY (series, tier)) WITHOUT ROWID",
    };
    for (const char *sql : setup) {
        if (auto done = run(m_connectionName, QString::fromLatin1(sql)); !done) {
            close();
            return fail(QStringLiteral("%1: %2").arg(path, done.error()));
        }
    }
    return {};
}

void HistoryStore::close() {
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_path.clear();
}

Expected<void> HistoryStore::add(const StoredBlock &b) {
    const auto done = run(m_connectionName,
                          QStringLiteral("INSERT INTO blocks (series, tier, start, end, sealed, "
                                         "points, data) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                          {b.series, b.tier, b.start, b.end, int(b.sealed), b.points, b.data});
    if (!done)
        return fail(done.error());
    return {};
}

Expected<QList<HistoryStore::StoredBlock>> HistoryStore::blocks(const QString &series, int tier,
                                                                qint64 from, qint64 to,
                                                                qint64 minStart) const {
    return collect(run(m_connectionName,
                       QStringLiteral("SELECT id, series, tier, start, end, sealed, points, data "
                                      "FROM blocks WHERE series = ? AND tier = ? AND start >= ? "
                                      "AND start <= ? AND end >= ? ORDER BY start, id"),
                       {series, tier, minStart, to, from}),
                   true);
}

Expected<QList<HistoryStore::StoredBlock>> HistoryStore::unsealedBefore(int tier,
                                                                        qint64 before) const {
    return collect(run(m_connectionName,
                       QStringLiteral("SELECT id, series, tier, start, end, sealed, points FROM "
                                      "blocks WHERE tier = ? AND sealed = 0 AND start < ? "
                                      "ORDER BY series, start"),
                       {tier, before}),
                   false);
}

Expected<void> HistoryStore::replace(const QList<qint64> &ids, const StoredBlock &block) {
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return dbFail(db.lastError());
    for (qint64 id : ids) {
        if (auto done =
                run(m_connectionName, QStringLiteral("DELETE FROM blocks WHERE id = ?"), {id});
            !done) {
            db.rollback();
            return fail(done.error());
        }
    }
    if (auto added = add(block); !added) {
        db.rollback();
        return added;
    }
    if (!db.commit())
        return dbFail(db.lastError());
    return {};
}

Expected<qint64> HistoryStore::expire(int tier, qint64 before) {
    auto done =
        run(m_connectionName, QStringLiteral("DELETE FROM blocks WHERE tier = ? AND end < ?"),
            {tier, before});
    if (!done)
        return fail(done.error());
    return qint64(done->numRowsAffected());
}

Expected<QStringList> HistoryStore::series() const {
    auto q = run(m_connectionName, QStringLiteral("SELECT DISTINCT series FROM blocks"));
    if (!q)
        return fail(q.error());
    QStringList out;
    while (q->next())
        out.append(q->value(0).toString());
    return out;
}

Expected<qint64> HistoryStore::mark(const QString &series, int tier) const {
    auto q =
        run(m_connectionName,
            QStringLiteral("SELECT upto FROM marks WHERE series = ? AND tier = ?"), {series, tier});
    if (!q)
        return fail(q.error());
    const auto row = nextRow(*q);
    if (!row)
        return fail(row.error());
    return *row ? q->value(0).toLongLong() : qint64(0);
}

Expected<void> HistoryStore::setMark(const QString &series, int tier, qint64 upto) {
    const auto done =
        run(m_connectionName,
            QStringLiteral("INSERT INTO marks (series, tier, upto) VALUES (?, ?, ?) "
                           "ON CONFLICT (series, tier) DO UPDATE SET upto = excluded.upto"),
            {series, tier, upto});
    if (!done)
        return fail(done.error());
    return {};
}

Expected<HistoryStore::Usage> HistoryStore::usage(int tiers) const {
    Usage u;
    u.dataBytes.fill(0, tiers);
    u.blocks.fill(0, tiers);
    u.points.fill(0, tiers);
    auto q = run(m_connectionName,
                 QStringLiteral("SELECT tier, SUM(LENGTH(data)), COUNT(*), SUM(points) FROM blocks "
                                "GROUP BY tier"));
    if (!q)
        return fail(q.error());
    while (q->next()) {
        const int tier = q->value(0).toInt();
        if (tier < 0 || tier >= tiers)
            continue;
        u.dataBytes[tier] = q->value(1).toLongLong();
        u.blocks[tier] = q->value(2).toLongLong();
        u.points[tier] = q->value(3).toLongLong();
    }
    for (const QString &suffix : {QString(), QStringLiteral("-wal")})
        u.fileBytes += QFileInfo(m_path + suffix).size();
    return u;
}

} // namespace mist::store
