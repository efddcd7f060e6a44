// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <optional>
#include <type_traits>
#include <utility>

class QSqlError;

namespace mist::store {

// Moves to the next row: true on a row, false at the end, a failure on error.
Expected<bool> nextRow(QSqlQuery &query);

namespace detail {
// What a row mapper gives: a T, or an Expected<T> when a row can be bad.
template <typename R> struct Mapped {
    using type = R;
    static Expected<R> wrap(R value) { return value; }
};
template <typename R> struct Mapped<Expected<R>> {
    using type = R;
    static Expected<R> wrap(Expected<R> value) { return value; }
};
template <typename Fn>
using MappedRow = Mapped<std::decay_t<std::invoke_result_t<Fn &, const QSqlQuery &>>>;
} // namespace detail

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
    // Another database file of the data directory (history.db), set up as mist.db is (modes,
    // WAL, busy timeout) but without mist.db's schema: its owner creates its own tables.
    Expected<void> openFile(const QString &dataDir, const QString &fileName);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }
    QString connectionName() const { return m_connectionName; }
    // The schema version of the open database (0 when closed).
    int schemaVersion() const { return m_schemaVersion; }
    static int latestSchemaVersion();

    // Prepares and runs one statement with positional (?) parameters; fails
    // with "database error: ...".
    Expected<QSqlQuery> exec(const QString &sql, const QVariantList &args = {}) const;
    // A statement to bind and run many times (a batch of inserts).
    Expected<QSqlQuery> prepare(const QString &sql) const;

    // Runs a statement and maps every row through mapRow (a T or an
    // Expected<T> from a const QSqlQuery &): the rows in order, or the first
    // failure of the statement, a row or the mapping.
    template <typename Fn>
    Expected<QList<typename detail::MappedRow<Fn>::type>>
    mapRows(const QString &sql, const QVariantList &args, Fn mapRow) const {
        auto query = exec(sql, args);
        if (!query)
            return fail(query.error());
        QList<typename detail::MappedRow<Fn>::type> result;
        for (;;) {
            const auto row = nextRow(*query);
            if (!row)
                return fail(row.error());
            if (!*row)
                return result;
            auto value = detail::MappedRow<Fn>::wrap(mapRow(std::as_const(*query)));
            if (!value)
                return fail(value.error());
            result.append(std::move(value).value());
        }
    }
    // The same for the first row only: std::nullopt when there is none.
    template <typename Fn>
    Expected<std::optional<typename detail::MappedRow<Fn>::type>>
    firstRow(const QString &sql, const QVariantList &args, Fn mapRow) const {
        using T = typename detail::MappedRow<Fn>::type;
        auto query = exec(sql, args);
        if (!query)
            return fail(query.error());
        const auto row = nextRow(*query);
        if (!row)
            return fail(row.error());
        if (!*row)
            return std::optional<T>();
        auto value = detail::MappedRow<Fn>::wrap(mapRow(std::as_const(*query)));
        if (!value)
            return fail(value.error());
        return std::optional<T>(std::move(value).value());
    }

private:
    // A forward-only query on the connection (exec and prepare start from it).
    QSqlQuery query() const;
    Expected<void> setUp(const QString &dataDir, const QString &fileName);
    Expected<void> migrate();

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

    Expected<void> begin();
    Expected<void> commit();

private:
    const Database &m_db;
    bool m_active = false;
};

// "database error: ...".
Unexpected<QString> dbFail(const QSqlError &sqlError);
// For a caller that carries on after a failure nobody else will see: the
// store's log has it, rather than it vanishing.
void logFailure(const QString &message);
// For a caller that treats a failure as "nothing": logs it and gives an empty
// T (std::nullopt, an empty list).
template <typename T> T orLogged(Expected<T> result) {
    if (!result) {
        logFailure(result.error());
        return T{};
    }
    return std::move(result).value();
}
// For statements that always yield a row, such as PRAGMA reads.
Expected<void> expectRow(QSqlQuery &query);
// Seconds since the epoch: how the tables store time.
qint64 now();
QVariant nullIfEmpty(const QString &value);

} // namespace mist::store
