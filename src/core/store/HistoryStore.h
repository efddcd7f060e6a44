// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Database.h"
#include "base/Expected.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace mist::store {

// Metric history's blocks (docs/HISTORY.md) in their own SQLite file,
// <dataDir>/history.db, apart from mist.db: its writes (a few a second,
// from a worker thread) never wait on or hold up the main database. The
// blocks are opaque here (history/HistoryFormat.h encodes them).
//
// Use one HistoryStore from one thread: the thread that opened it.
class HistoryStore {
public:
    struct StoredBlock {
        qint64 id = 0;
        QString series;
        int tier = 0;
        qint64 start = 0; // first point, seconds since the epoch
        qint64 end = 0;   // last point
        bool sealed = false;
        qint64 points = 0;
        QByteArray data;
    };

    HistoryStore();
    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    // Creates <dataDir>/history.db (mode 0600) and its tables.
    Expected<void> open(const QString &dataDir);
    void close();
    QString path() const { return m_db.path(); }

    Expected<void> add(const StoredBlock &block);
    // Blocks of (series, tier) with a point in [from, to] whose start is not
    // before minStart (no block spans more than a window), start ascending.
    Expected<QList<StoredBlock>> blocks(const QString &series, int tier, qint64 from, qint64 to,
                                        qint64 minStart) const;
    // Unsealed blocks of `tier` that start before `before` (data not read).
    Expected<QList<StoredBlock>> unsealedBefore(int tier, qint64 before) const;
    // In one transaction: removes `ids` and adds `block`.
    Expected<void> replace(const QList<qint64> &ids, const StoredBlock &block);
    // Removes the blocks of `tier` whose last point is before `before`; how many.
    Expected<qint64> expire(int tier, qint64 before);
    // Every series with a block.
    Expected<QStringList> series() const;
    // How far a series' tier has been computed from the finer one (0: never).
    Expected<qint64> mark(const QString &series, int tier) const;
    Expected<void> setMark(const QString &series, int tier, qint64 upto);
    // Bytes of block data and blocks stored, per tier (index = tier).
    struct Usage {
        qint64 fileBytes = 0;
        QList<qint64> dataBytes;
        QList<qint64> blocks;
        QList<qint64> points;
    };
    Expected<Usage> usage(int tiers) const;

private:
    Database m_db; // history.db, opened as mist.db is
};

} // namespace mist::store
