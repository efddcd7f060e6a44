// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <optional>

class QSqlError;

namespace mist::store {

// The one SQLite connection of a Store, <dataDir>/mist.db, and the one way to
// run SQL on it: every table class (users, projects, apps, sessions, API
// tokens, deployments) goes through exec(), so SQL errors are worded and
// logged in one place.
//
// Use it from one thread (Qt SQL connections are per thread). Several of them,
// also in several processes, may share one data directory: WAL mode and a busy
// timeout let them take turns.
class Database {
public:
    Database();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Creates dataDir (mode 0700; an existing one is tightened to 0700) and
    // mist.db (mode 0600), then brings the schema up to date.
    Expected<void> open(const QString &dataDir);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }
    QString connectionName() const { return m_connectionName; }
    // The schema version of the open database (0 when closed).
    int schemaVersion() const { return m_schemaVersion; }
    static int latestSchemaVersion();

    // Prepares and runs one statement with positional (?) parameters. Errors
    // go to `error`; when a caller passes none, they are logged instead.
    std::optional<QSqlQuery> exec(const QString &sql, const QVariantList &args,
                                  QString *error) const;
    // A statement to bind and run many times (a batch of inserts).
    std::optional<QSqlQuery> prepare(const QString &sql, QString *error) const;
    // A forward-only query on the connection, for callers that word their own errors.
    QSqlQuery query() const;

private:
    bool openFile(const QString &dataDir, QString *error);
    bool migrate(QString *error);

    QString m_connectionName;
    QString m_path;
    int m_schemaVersion = 0;
};

// BEGIN IMMEDIATE takes the write lock up front, so a check followed by a
// write inside the transaction cannot race another process doing the same.
class Transaction {
public:
    explicit Transaction(const Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool begin(QString *error);
    bool commit(QString *error);

private:
    const Database &m_db;
    bool m_active = false;
};

// Sets *error (when given) and returns false.
bool fail(QString *error, const QString &message);
// "database error: ..."; logged when the caller takes no error, else it would vanish.
bool dbFail(const QSqlError &sqlError, QString *error);
// Moves to the next row; false at the end and on error (then with `error` set).
bool nextRow(QSqlQuery &query, QString *error);
// For statements that always yield a row, such as PRAGMA reads.
bool expectRow(QSqlQuery &query, QString *error);
// Seconds since the epoch: how the tables store time.
qint64 now();
QVariant nullIfEmpty(const QString &value);

} // namespace mist::store
