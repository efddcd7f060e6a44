// SPDX-License-Identifier: GPL-3.0-or-later

#include "Database.h"

#include "FileModes.h"
#include "StoreLogging.h"

#include <QDateTime>
#include <QDir>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>

#include <atomic>

namespace mist::store {

namespace {

// Migration N (1-based) brings the schema from version N-1 to N. Append only:
// a released step never changes, because databases in the field already ran it.
// long-function: the schema's history is one table of SQL, read top to bottom.
const QList<QStringList> &migrations() {
    static const QList<QStringList> steps = {
        {
            QStringLiteral("CREATE TABLE users ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                           " role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'user')),"
                           " password_hash TEXT NOT NULL,"
                           " created_at INTEGER NOT NULL)"),
            QStringLiteral("CREATE TABLE projects ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " name TEXT NOT NULL UNIQUE)"),
            QStringLiteral("CREATE TABLE project_members ("
                           " project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
                           " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                           " PRIMARY KEY (project_id, user_id))"),
            QStringLiteral("CREATE INDEX project_members_by_user ON project_members(user_id)"),
            // AUTOINCREMENT: app ids end up in URLs and container names
            // (app-{id}), so a deleted app's id must never come back.
            QStringLiteral("CREATE TABLE apps ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " name TEXT NOT NULL,"
                           " project_id INTEGER NOT NULL REFERENCES projects(id),"
                           " container_name TEXT,"
                           " git_url TEXT,"
                           " git_branch TEXT,"
                           " dockerfile TEXT,"
                           " port INTEGER NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),"
                           " created_at INTEGER NOT NULL,"
                           " UNIQUE (project_id, name),"
                           " CHECK ((container_name IS NULL) <> (git_url IS NULL)))"),
            QStringLiteral(
                "CREATE TABLE sessions ("
                " token_hash BLOB PRIMARY KEY," // SHA-256 of the token; the token itself never
                " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " created_at INTEGER NOT NULL,"
                " last_seen_at INTEGER NOT NULL,"
                " expires_at INTEGER NOT NULL)"),
            QStringLiteral("CREATE INDEX sessions_by_user ON sessions(user_id)"),
        },
        {
            // Deployments of git apps. `claimed` marks a pending deployment a
            // runner has taken: after a crash such a row is failed, not re-run.
            QStringLiteral(
                "CREATE TABLE deployments ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,"
                " status TEXT NOT NULL CHECK (status IN"
                "  ('pending', 'building', 'deploying', 'success', 'failed')),"
                " stage TEXT NOT NULL DEFAULT '',"
                " progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),"
                " message TEXT NOT NULL DEFAULT '',"
                " error_message TEXT NOT NULL DEFAULT '',"
                " claimed INTEGER NOT NULL DEFAULT 0,"
                " commit_hash TEXT NOT NULL DEFAULT '',"
                " commit_message TEXT NOT NULL DEFAULT '',"
                " commit_author TEXT NOT NULL DEFAULT '',"
                " image_id TEXT NOT NULL DEFAULT '',"
                " created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
                " created_at INTEGER NOT NULL,"
                " started_at INTEGER,"
                " finished_at INTEGER)"),
            QStringLiteral("CREATE INDEX deployments_by_app ON deployments(app_id, id)"),
            QStringLiteral("CREATE INDEX deployments_by_status ON deployments(status)"),
            QStringLiteral("CREATE TABLE deployment_logs ("
                           " deployment_id INTEGER NOT NULL REFERENCES deployments(id)"
                           "  ON DELETE CASCADE,"
                           " seq INTEGER NOT NULL," // 1-based line index within the deployment
                           " line TEXT NOT NULL,"
                           " created_at INTEGER NOT NULL,"
                           " PRIMARY KEY (deployment_id, seq)) WITHOUT ROWID"),
        },
        {
            // API tokens for scripts: sessions with a name, a fixed lifetime
            // and no idle timeout. Browser sessions keep api_name NULL.
            QStringLiteral("ALTER TABLE sessions ADD COLUMN api_name TEXT"),
            QStringLiteral("CREATE UNIQUE INDEX sessions_api_name ON sessions(user_id, api_name)"
                           " WHERE api_name IS NOT NULL"),
        },
        {
            // Apps that are Swarm services: container_name then holds the
            // service's name (so the one-of CHECK above still holds).
            QStringLiteral("ALTER TABLE apps ADD COLUMN is_service INTEGER NOT NULL DEFAULT 0"
                           " CHECK (is_service IN (0, 1))"),
        },
        {
            // Git apps deployed as a Swarm service of N replicas (0: one container).
            QStringLiteral("ALTER TABLE apps ADD COLUMN replicas INTEGER NOT NULL DEFAULT 0"
                           " CHECK (replicas BETWEEN 0 AND 1000)"),
        },
        {
            // Build-log lines that report an error of the build, the engine
            // or the pipeline (upstream's routes send them as stderr).
            QStringLiteral("ALTER TABLE deployment_logs ADD COLUMN is_error INTEGER NOT NULL"
                           " DEFAULT 0 CHECK (is_error IN (0, 1))"),
        },
        {
            // Alerts (docs/ALERTS.md). A rule or channel is kept as its
            // checked JSON (alerts::parseRule/parseChannel read it back); the
            // channel's secret (webhook secret or SMTP password) apart, so
            // that no answer built from `spec` can carry it.
            QStringLiteral("CREATE TABLE IF NOT EXISTS alert_channels ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " name TEXT NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " spec TEXT NOT NULL,"
                           " secret TEXT NOT NULL DEFAULT '',"
                           " created_at INTEGER NOT NULL)"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS alert_rules ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " name TEXT NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " app_id INTEGER REFERENCES apps(id) ON DELETE CASCADE,"
                           " spec TEXT NOT NULL,"
                           " created_at INTEGER NOT NULL)"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS alert_rule_channels ("
                           " rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,"
                           " channel_id INTEGER NOT NULL REFERENCES alert_channels(id)"
                           "  ON DELETE CASCADE,"
                           " position INTEGER NOT NULL,"
                           " PRIMARY KEY (rule_id, channel_id)) WITHOUT ROWID"),
            QStringLiteral("CREATE INDEX IF NOT EXISTS alert_rule_channels_by_channel"
                           " ON alert_rule_channels(channel_id)"),
            // Fired and resolved alerts, the /ws/alerts `data` objects.
            QStringLiteral("CREATE TABLE IF NOT EXISTS alerts ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " rule_id INTEGER REFERENCES alert_rules(id) ON DELETE SET NULL,"
                           " app_id INTEGER REFERENCES apps(id) ON DELETE SET NULL,"
                           " state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),"
                           " severity TEXT NOT NULL,"
                           " title TEXT NOT NULL,"
                           " message TEXT NOT NULL,"
                           " since INTEGER NOT NULL,"
                           " created_at INTEGER NOT NULL)"),
            QStringLiteral("CREATE INDEX IF NOT EXISTS alerts_by_app ON alerts(app_id, id)"),
            // The delivery queue: one row per message and channel, delivered
            // in id order per channel. `payload` is the webhook body
            // (the alert's data plus "host"), formatted per kind when sent.
            QStringLiteral("CREATE TABLE IF NOT EXISTS alert_deliveries ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " channel_id INTEGER NOT NULL REFERENCES alert_channels(id)"
                           "  ON DELETE CASCADE,"
                           " alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,"
                           " payload BLOB NOT NULL,"
                           " state TEXT NOT NULL DEFAULT 'pending'"
                           "  CHECK (state IN ('pending', 'delivered', 'failed')),"
                           " attempts INTEGER NOT NULL DEFAULT 0,"
                           " last_error TEXT NOT NULL DEFAULT '',"
                           " created_at INTEGER NOT NULL,"
                           " next_attempt_at INTEGER NOT NULL,"
                           " give_up_at INTEGER NOT NULL,"
                           // A sender's claim, so that two processes on one
                           // data directory never send the same message.
                           " lease_until INTEGER NOT NULL DEFAULT 0,"
                           " finished_at INTEGER)"),
            QStringLiteral("CREATE INDEX IF NOT EXISTS alert_deliveries_pending"
                           " ON alert_deliveries(channel_id, id) WHERE state = 'pending'"),
            QStringLiteral("CREATE INDEX IF NOT EXISTS alert_deliveries_finished"
                           " ON alert_deliveries(channel_id, finished_at)"),
        },
    };
    return steps;
}

} // namespace

Unexpected<QString> dbFail(const QSqlError &sqlError) {
    return fail(QStringLiteral("database error: %1").arg(sqlError.text().trimmed()));
}

void logFailure(const QString &message) {
    qCWarning(lcStore).noquote() << message;
}

qint64 now() {
    return QDateTime::currentSecsSinceEpoch();
}

QVariant nullIfEmpty(const QString &value) {
    return value.isEmpty() ? QVariant() : QVariant(value);
}

Expected<bool> nextRow(QSqlQuery &query) {
    if (query.next())
        return true;
    if (query.lastError().isValid())
        return dbFail(query.lastError());
    return false;
}

Expected<void> expectRow(QSqlQuery &query) {
    if (query.next())
        return {};
    if (query.lastError().isValid())
        return dbFail(query.lastError());
    return fail(QStringLiteral("database error: %1 returned no row").arg(query.lastQuery()));
}

Transaction::Transaction(const Database &db)
    : m_db(db) {}

Transaction::~Transaction() {
    if (m_active) {
        if (auto rolledBack = m_db.exec(QStringLiteral("ROLLBACK")); !rolledBack)
            logFailure(rolledBack.error());
    }
}

Expected<void> Transaction::begin() {
    if (auto begun = m_db.exec(QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return fail(begun.error());
    m_active = true;
    return {};
}

Expected<void> Transaction::commit() {
    if (auto committed = m_db.exec(QStringLiteral("COMMIT")); !committed)
        return fail(committed.error());
    m_active = false;
    return {};
}

Database::Database() {
    static std::atomic<quint64> counter{0};
    m_connectionName = QStringLiteral("mist-store-%1").arg(++counter);
}

Database::~Database() {
    close();
}

Expected<void> Database::open(const QString &dataDir) {
    close();
    Expected<void> opened = setUp(dataDir, QStringLiteral("mist.db"));
    if (opened)
        opened = migrate();
    if (!opened)
        close();
    return opened;
}

Expected<void> Database::openFile(const QString &dataDir, const QString &fileName) {
    close();
    Expected<void> opened = setUp(dataDir, fileName);
    if (!opened)
        close();
    return opened;
}

void Database::close() {
    if (QSqlDatabase::contains(m_connectionName)) {
        // Every handle on the connection must be gone before removeDatabase().
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_schemaVersion = 0;
    m_path.clear();
}

bool Database::isOpen() const {
    return QSqlDatabase::database(m_connectionName, false).isOpen();
}

int Database::latestSchemaVersion() {
    return static_cast<int>(migrations().size());
}

Expected<void> Database::setUp(const QString &dataDir, const QString &fileName) {
    if (dataDir.isEmpty())
        return fail("no data directory given");
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail("the Qt SQLite driver (QSQLITE) is not installed");

    const QString dir = QDir::cleanPath(QDir(dataDir).absolutePath());
    const QString path = dir + u'/' + fileName;
    if (auto made = ensurePrivateDirectory(dir); !made)
        return made;
    if (auto made = ensurePrivateDatabaseFile(path); !made)
        return made;

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    if (!db.open())
        return dbFail(db.lastError());
    m_path = path;

    // The server and an operator command may write at the same time; waiting
    // a little beats failing with "database is locked".
    for (const char *pragma : {"PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON"}) {
        if (auto set = exec(QString::fromLatin1(pragma)); !set)
            return fail(set.error());
    }
    // WAL lets readers (WebSocket handshakes) proceed while someone writes.
    auto mode = exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    if (!mode)
        return fail(mode.error());
    if (auto row = expectRow(*mode); !row)
        return row;
    if (mode->value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        return fail(QStringLiteral("cannot switch %1 to WAL journal mode (it stays in %2)")
                        .arg(path, mode->value(0).toString()));
    // In WAL mode NORMAL loses nothing when the process dies (only on power
    // loss can the last commits go), and spares an fsync per deployment log line.
    if (auto set = exec(QStringLiteral("PRAGMA synchronous = NORMAL")); !set)
        return fail(set.error());
    return {};
}

Expected<void> Database::migrate() {
    const int latest = latestSchemaVersion();
    for (;;) {
        Transaction tx(*this);
        if (auto begun = tx.begin(); !begun)
            return begun;
        int version = 0;
        {
            // Read inside the transaction: another process may have just migrated.
            auto versionQuery = exec(QStringLiteral("PRAGMA user_version"));
            if (!versionQuery)
                return fail(versionQuery.error());
            if (auto row = expectRow(*versionQuery); !row)
                return row;
            version = versionQuery->value(0).toInt();
        }
        if (version > latest)
            return fail(QStringLiteral("%1 has schema version %2, but this program knows "
                                       "only up to %3; use a newer mist-monitor")
                            .arg(m_path)
                            .arg(version)
                            .arg(latest));
        if (version == latest) {
            m_schemaVersion = version;
            return tx.commit();
        }
        for (const QString &statement : migrations().at(version)) {
            if (auto step = exec(statement); !step)
                return fail(QStringLiteral("migration to schema version %1 failed: %2")
                                .arg(version + 1)
                                .arg(step.error()));
        }
        // PRAGMA takes no bound parameters; the value is our own integer.
        if (auto set = exec(QStringLiteral("PRAGMA user_version = %1").arg(version + 1)); !set)
            return fail(set.error());
        if (auto committed = tx.commit(); !committed)
            return committed;
    }
}

QSqlQuery Database::query() const {
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    return query;
}

Expected<QSqlQuery> Database::prepare(const QString &sql) const {
    if (!isOpen())
        return fail("the database is not open");
    QSqlQuery statement = query();
    if (!statement.prepare(sql))
        return dbFail(statement.lastError());
    return statement;
}

Expected<QSqlQuery> Database::exec(const QString &sql, const QVariantList &args) const {
    auto query = prepare(sql);
    if (!query)
        return query;
    for (const QVariant &arg : args)
        query->addBindValue(arg);
    if (!query->exec())
        return dbFail(query->lastError());
    return query;
}

} // namespace mist::store
