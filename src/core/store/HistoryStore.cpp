// SPDX-License-Identifier: GPL-3.0-or-later

#include "HistoryStore.h"

#include <QFileInfo>
#include <QSqlQuery>

namespace mist::store {

namespace {
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

HistoryStore::HistoryStore() = default;

HistoryStore::~HistoryStore() = default;

Expected<void> HistoryStore::open(const QString &dataDir) {
    if (auto opened = m_db.openFile(dataDir, QStringLiteral("history.db")); !opened)
        return opened;
    // Database set up WAL and NORMAL: a killed process loses nothing committed
    // (docs/HISTORY.md).
    const char *setup[] = {
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
        if (auto done = m_db.exec(QString::fromLatin1(sql)); !done) {
            const QString path = m_db.path();
            close();
            return fail(QStringLiteral("%1: %2").arg(path, done.error()));
        }
    }
    return {};
}

void HistoryStore::close() {
    m_db.close();
}

Expected<void> HistoryStore::add(const StoredBlock &b) {
    const auto done =
        m_db.exec(QStringLiteral("INSERT INTO blocks (series, tier, start, end, sealed, "
                                 "points, data) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                  {b.series, b.tier, b.start, b.end, int(b.sealed), b.points, b.data});
    if (!done)
        return fail(done.error());
    return {};
}

Expected<QList<HistoryStore::StoredBlock>> HistoryStore::blocks(const QString &series, int tier,
                                                                qint64 from, qint64 to,
                                                                qint64 minStart) const {
    return collect(
        m_db.exec(QStringLiteral("SELECT id, series, tier, start, end, sealed, points, data "
                                 "FROM blocks WHERE series = ? AND tier = ? AND start >= ? "
                                 "AND start <= ? AND end >= ? ORDER BY start, id"),
                  {series, tier, minStart, to, from}),
        true);
}

Expected<QList<HistoryStore::StoredBlock>> HistoryStore::unsealedBefore(int tier,
                                                                        qint64 before) const {
    return collect(
        m_db.exec(QStringLiteral("SELECT id, series, tier, start, end, sealed, points FROM "
                                 "blocks WHERE tier = ? AND sealed = 0 AND start < ? "
                                 "ORDER BY series, start"),
                  {tier, before}),
        false);
}

Expected<void> HistoryStore::replace(const QList<qint64> &ids, const StoredBlock &block) {
    Transaction tx(m_db); // rolled back unless committed
    if (auto begun = tx.begin(); !begun)
        return begun;
    for (qint64 id : ids) {
        if (auto done = m_db.exec(QStringLiteral("DELETE FROM blocks WHERE id = ?"), {id}); !done)
            return fail(done.error());
    }
    if (auto added = add(block); !added)
        return added;
    return tx.commit();
}

Expected<qint64> HistoryStore::expire(int tier, qint64 before) {
    auto done =
        m_db.exec(QStringLiteral("DELETE FROM blocks WHERE tier = ? AND end < ?"), {tier, before});
    if (!done)
        return fail(done.error());
    return qint64(done->numRowsAffected());
}

Expected<QStringList> HistoryStore::series() const {
    auto q = m_db.exec(QStringLiteral("SELECT DISTINCT series FROM blocks"));
    if (!q)
        return fail(q.error());
    QStringList out;
    while (q->next())
        out.append(q->value(0).toString());
    return out;
}

Expected<qint64> HistoryStore::mark(const QString &series, int tier) const {
    auto q = m_db.exec(QStringLiteral("SELECT upto FROM marks WHERE series = ? AND tier = ?"),
                       {series, tier});
    if (!q)
        return fail(q.error());
    const auto row = nextRow(*q);
    if (!row)
        return fail(row.error());
    return *row ? q->value(0).toLongLong() : qint64(0);
}

Expected<void> HistoryStore::setMark(const QString &series, int tier, qint64 upto) {
    const auto done =
        m_db.exec(QStringLiteral("INSERT INTO marks (series, tier, upto) VALUES (?, ?, ?) "
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
    auto q = m_db.exec(
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
        u.fileBytes += QFileInfo(m_db.path() + suffix).size();
    return u;
}

} // namespace mist::store
