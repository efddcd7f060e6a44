// SPDX-License-Identifier: GPL-3.0-or-later

#include "Store.h"

#include "StoreLogging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QUrl>

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mist::store {

namespace {

constexpr int kEmailMax = 254; // RFC 5321 forward-path limit
constexpr int kPasswordMin = 8;
constexpr int kPasswordMax = Store::MaxPasswordBytes;
constexpr int kNameMax = 100;
constexpr int kTokenBytes = 32;
constexpr int kTokenLength = 43; // base64url of 32 bytes, unpadded

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
    };
    return steps;
}

bool fail(QString *error, const QString &message) {
    if (error)
        *error = message;
    return false;
}

bool dbFail(const QSqlError &sqlError, QString *error) {
    const QString message = QStringLiteral("database error: %1").arg(sqlError.text().trimmed());
    // A caller that takes the error reports it; otherwise it would vanish.
    if (!error)
        qCWarning(lcStore).noquote() << message;
    return fail(error, message);
}

QString systemError(int errnum) {
    return QString::fromLocal8Bit(std::strerror(errnum));
}

qint64 now() {
    return QDateTime::currentSecsSinceEpoch();
}

QVariant nullIfEmpty(const QString &value) {
    return value.isEmpty() ? QVariant() : QVariant(value);
}

// Invisible characters have no business in identifiers an operator reads.
bool hasControlOrFormat(const QString &value) {
    return std::any_of(value.cbegin(), value.cend(), [](QChar ch) {
        return ch.category() == QChar::Other_Control || ch.category() == QChar::Other_Format;
    });
}

bool hasSpaceOrControl(const QString &value) {
    return hasControlOrFormat(value) ||
           std::any_of(value.cbegin(), value.cend(), [](QChar ch) { return ch.isSpace(); });
}

bool matches(const QString &pattern, const QString &value) {
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(value).hasMatch();
}

// Removes group and other permission bits; an owner-only mode stays as it is.
bool restrictToOwner(const QString &path, mode_t allowed, QString *error) {
    const QByteArray native = QFile::encodeName(path);
    struct stat st;
    if (::stat(native.constData(), &st) != 0)
        return fail(error, QStringLiteral("cannot inspect %1: %2").arg(path, systemError(errno)));
    if ((st.st_mode & ~allowed & 0777) == 0)
        return true;
    if (::chmod(native.constData(), st.st_mode & allowed) != 0)
        return fail(error, QStringLiteral("cannot restrict the permissions of %1: %2")
                               .arg(path, systemError(errno)));
    return true;
}

bool ensurePrivateDirectory(const QString &dir, QString *error) {
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return fail(error,
                    QStringLiteral("data directory %1 exists and is not a directory").arg(dir));
    if (!info.exists()) {
        // Parents get ordinary permissions (they may be shared, like
        // ~/.local/share); only the data directory itself is private. A failure
        // here shows up, with its reason, in the mkdir below.
        QDir().mkpath(info.absolutePath());
        if (::mkdir(QFile::encodeName(dir).constData(), 0700) != 0 && errno != EEXIST)
            return fail(
                error,
                QStringLiteral("cannot create data directory %1: %2").arg(dir, systemError(errno)));
    }
    return restrictToOwner(dir, 0700, error);
}

// Creating the file ourselves, rather than letting SQLite do it under the
// process umask, means the password hashes are never readable by others, not
// even for a moment. SQLite gives its -wal and -shm files the same mode.
bool ensurePrivateDatabaseFile(const QString &path, QString *error) {
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(
            error,
            QStringLiteral("cannot create database file %1: %2").arg(path, systemError(errno)));
    ::close(fd);
    for (const QString &file :
         {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        if ((file == path || QFileInfo::exists(file)) && !restrictToOwner(file, 0600, error))
            return false;
    }
    return true;
}

// BEGIN IMMEDIATE takes the write lock up front, so a check followed by a
// write inside the transaction cannot race another process doing the same.
class Transaction {
public:
    explicit Transaction(const QString &connectionName)
        : m_db(QSqlDatabase::database(connectionName, false)) {}
    ~Transaction() {
        if (m_active)
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool begin(QString *error) {
        if (!m_db.isOpen())
            return fail(error, QStringLiteral("the database is not open"));
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return dbFail(query.lastError(), error);
        m_active = true;
        return true;
    }
    bool commit(QString *error) {
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("COMMIT")))
            return dbFail(query.lastError(), error);
        m_active = false;
        return true;
    }

private:
    QSqlDatabase m_db;
    bool m_active = false;
};

// Moves to the next row; false at the end and on error (then with `error` set).
bool nextRow(QSqlQuery &query, QString *error) {
    if (query.next())
        return true;
    if (query.lastError().isValid())
        dbFail(query.lastError(), error);
    return false;
}

// For statements that always yield a row, such as PRAGMA reads.
bool expectRow(QSqlQuery &query, QString *error) {
    if (query.next())
        return true;
    if (query.lastError().isValid())
        return dbFail(query.lastError(), error);
    return fail(error, QStringLiteral("database error: %1 returned no row").arg(query.lastQuery()));
}

std::optional<User> userFromRow(const QSqlQuery &query, int first, QString *error) {
    const auto role = parseRole(query.value(first + 2).toString());
    if (!role) {
        fail(error, QStringLiteral("database error: user %1 has an unknown role")
                        .arg(query.value(first).toLongLong()));
        return std::nullopt;
    }
    return User{query.value(first).toLongLong(), query.value(first + 1).toString(), *role};
}

QByteArray tokenHash(const QByteArray &token) {
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

} // namespace

QString roleName(Role role) {
    switch (role) {
    case Role::Owner:
        return QStringLiteral("owner");
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::User:
        break;
    }
    return QStringLiteral("user");
}

std::optional<Role> parseRole(const QString &name) {
    const QString normalized = name.trimmed().toLower();
    for (Role role : {Role::Owner, Role::Admin, Role::User}) {
        if (normalized == roleName(role))
            return role;
    }
    return std::nullopt;
}

QString App::redactedGitUrl() const {
    QUrl url(gitUrl);
    if (!gitUrl.contains(QLatin1String("://")) || !url.isValid() || url.password().isEmpty())
        return gitUrl;
    url.setPassword(QStringLiteral("***"));
    return url.toString();
}

QJsonObject App::toJson() const {
    const auto orNull = [](const QString &value) {
        return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
    };
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("projectId"), projectId},
        {QStringLiteral("projectName"), projectName},
        {QStringLiteral("containerName"), orNull(containerName)},
        {QStringLiteral("serviceName"), orNull(swarmServiceName())},
        {QStringLiteral("replicas"), isGit() ? QJsonValue(replicas) : QJsonValue(QJsonValue::Null)},
        // A token in the URL (https://user:TOKEN@host/...) is for git, not for
        // everyone who may list the app.
        {QStringLiteral("gitUrl"), orNull(redactedGitUrl())},
        {QStringLiteral("gitBranch"), orNull(gitBranch)},
        {QStringLiteral("dockerfile"), orNull(dockerfile)},
        {QStringLiteral("port"), isGit() ? QJsonValue(port) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("createdAt"), createdAt.isValid()
                                          ? QJsonValue(createdAt.toUTC().toString(Qt::ISODate))
                                          : QJsonValue(QJsonValue::Null)},
    };
}

Store::Store() {
    static std::atomic<quint64> counter{0};
    m_connectionName = QStringLiteral("mist-store-%1").arg(++counter);
}

Store::~Store() {
    close();
}

bool Store::open(const QString &dataDir, QString *error) {
    close();
    if (openDatabase(dataDir, error) && migrate(error))
        return true;
    close();
    return false;
}

void Store::close() {
    if (QSqlDatabase::contains(m_connectionName)) {
        // Every handle on the connection must be gone before removeDatabase().
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_schemaVersion = 0;
    m_databasePath.clear();
}

bool Store::isOpen() const {
    return QSqlDatabase::database(m_connectionName, false).isOpen();
}

int Store::latestSchemaVersion() {
    return static_cast<int>(migrations().size());
}

bool Store::openDatabase(const QString &dataDir, QString *error) {
    if (dataDir.isEmpty())
        return fail(error, QStringLiteral("no data directory given"));
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(error, QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));

    const QString dir = QDir::cleanPath(QDir(dataDir).absolutePath());
    const QString path = dir + QStringLiteral("/mist.db");
    if (!ensurePrivateDirectory(dir, error) || !ensurePrivateDatabaseFile(path, error))
        return false;

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    if (!db.open())
        return dbFail(db.lastError(), error);
    m_databasePath = path;

    // The server and an operator command may write at the same time; waiting
    // a little beats failing with "database is locked".
    if (!exec(QStringLiteral("PRAGMA busy_timeout = 5000"), {}, error) ||
        !exec(QStringLiteral("PRAGMA foreign_keys = ON"), {}, error))
        return false;
    // WAL lets readers (WebSocket handshakes) proceed while someone writes.
    auto mode = exec(QStringLiteral("PRAGMA journal_mode = WAL"), {}, error);
    if (!mode || !expectRow(*mode, error))
        return false;
    if (mode->value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        return fail(error, QStringLiteral("cannot switch %1 to WAL journal mode (it stays in %2)")
                               .arg(path, mode->value(0).toString()));
    // In WAL mode NORMAL loses nothing when the process dies (only on power
    // loss can the last commits go), and spares an fsync per deployment log line.
    return exec(QStringLiteral("PRAGMA synchronous = NORMAL"), {}, error).has_value();
}

bool Store::migrate(QString *error) {
    const int latest = latestSchemaVersion();
    for (;;) {
        Transaction tx(m_connectionName);
        if (!tx.begin(error))
            return false;
        // Read inside the transaction: another process may have just migrated.
        auto versionQuery = exec(QStringLiteral("PRAGMA user_version"), {}, error);
        if (!versionQuery || !expectRow(*versionQuery, error))
            return false;
        const int version = versionQuery->value(0).toInt();
        versionQuery.reset();
        if (version > latest)
            return fail(error, QStringLiteral("%1 has schema version %2, but this program knows "
                                              "only up to %3; use a newer mist-monitor")
                                   .arg(m_databasePath)
                                   .arg(version)
                                   .arg(latest));
        if (version == latest) {
            m_schemaVersion = version;
            return tx.commit(error);
        }
        for (const QString &statement : migrations().at(version)) {
            QString stepError;
            if (!exec(statement, {}, &stepError))
                return fail(error, QStringLiteral("migration to schema version %1 failed: %2")
                                       .arg(version + 1)
                                       .arg(stepError));
        }
        // PRAGMA takes no bound parameters; the value is our own integer.
        if (!exec(QStringLiteral("PRAGMA user_version = %1").arg(version + 1), {}, error) ||
            !tx.commit(error))
            return false;
    }
}

std::optional<QSqlQuery> Store::exec(const QString &sql, const QVariantList &args,
                                     QString *error) const {
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.isOpen()) {
        fail(error, QStringLiteral("the database is not open"));
        return std::nullopt;
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        dbFail(query.lastError(), error);
        return std::nullopt;
    }
    for (const QVariant &arg : args)
        query.addBindValue(arg);
    if (!query.exec()) {
        dbFail(query.lastError(), error);
        return std::nullopt;
    }
    return query;
}

void Store::setPasswordHasher(const auth::PasswordHasher &hasher) {
    m_hasher = hasher; // its dummyHash() has the new limits, so it costs what a real hash costs
}

// --- validation

std::optional<QString> Store::normalizeEmail(const QString &email, QString *error) {
    const QString normalized = email.trimmed().toLower();
    if (normalized.isEmpty()) {
        fail(error, QStringLiteral("an email address is required"));
        return std::nullopt;
    }
    if (normalized.size() > kEmailMax) {
        fail(error, QStringLiteral("email address is longer than %1 characters").arg(kEmailMax));
        return std::nullopt;
    }
    const qsizetype at = normalized.indexOf(QLatin1Char('@'));
    if (at < 0 || normalized.indexOf(QLatin1Char('@'), at + 1) >= 0) {
        fail(error, QStringLiteral("email address must contain exactly one '@'"));
        return std::nullopt;
    }
    if (at == 0 || at == normalized.size() - 1) {
        fail(error, QStringLiteral("email address needs a name before and a domain after the '@'"));
        return std::nullopt;
    }
    if (hasSpaceOrControl(normalized)) {
        fail(error, QStringLiteral("email address must not contain spaces or control characters"));
        return std::nullopt;
    }
    return normalized;
}

bool Store::validatePassword(const QByteArray &password, QString *error) {
    if (password.size() < kPasswordMin || password.size() > kPasswordMax)
        return fail(error, QStringLiteral("password must be %1 to %2 bytes long")
                               .arg(kPasswordMin)
                               .arg(kPasswordMax));
    return true;
}

bool Store::validateProjectName(const QString &name, QString *error) {
    if (name.isEmpty() || name.size() > kNameMax)
        return fail(error,
                    QStringLiteral("project name must be 1 to %1 characters long").arg(kNameMax));
    if (!matches(QStringLiteral("[A-Za-z0-9 ._-]+"), name))
        return fail(error, QStringLiteral("project name may contain only letters, digits, "
                                          "spaces, '-', '_' and '.'"));
    // "web" and "web " would look like one project in every listing.
    if (name.startsWith(QLatin1Char(' ')) || name.endsWith(QLatin1Char(' ')))
        return fail(error, QStringLiteral("project name must not start or end with a space"));
    return true;
}

namespace {

bool validateGitUrl(const QString &url, QString *error) {
    if (url.size() > 2048)
        return fail(error, QStringLiteral("git URL is longer than 2048 characters"));
    // git would read a leading '-' as an option (--upload-pack=...).
    if (url.startsWith(QLatin1Char('-')))
        return fail(error, QStringLiteral("git URL must not start with '-'"));
    if (hasSpaceOrControl(url))
        return fail(error, QStringLiteral("git URL must not contain spaces or control characters"));
    // An allow-list of transports keeps out ext:: and friends, which run commands.
    if (!matches(QStringLiteral("(https?|ssh|git)://[^/].*|file:///.+|/.+|"
                                "[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+"),
                 url))
        return fail(error, QStringLiteral("git URL must be https://, http://, ssh://, git://, "
                                          "file://, an absolute path or user@host:path"));
    return true;
}

bool validateGitBranch(const QString &branch, QString *error) {
    // A conservative subset of git-check-ref-format that also cannot be
    // mistaken for a command-line option.
    if (branch.size() > 255 || !matches(QStringLiteral("[A-Za-z0-9_][A-Za-z0-9._/+-]*"), branch) ||
        branch.contains(QLatin1String("..")) || branch.contains(QLatin1String("//")) ||
        branch.endsWith(QLatin1Char('/')) || branch.endsWith(QLatin1Char('.')) ||
        branch.endsWith(QLatin1String(".lock")))
        return fail(error, QStringLiteral("invalid git branch name"));
    return true;
}

bool validateDockerfile(const QString &path, QString *error) {
    const QStringList parts = path.split(QLatin1Char('/'));
    if (path.size() > 1024 || path.startsWith(QLatin1Char('/')) ||
        path.startsWith(QLatin1Char('-')) || hasControlOrFormat(path) ||
        parts.contains(QLatin1String("..")))
        return fail(error, QStringLiteral("Dockerfile path must be relative and stay inside the "
                                          "repository"));
    return true;
}

} // namespace

bool Store::normalizeApp(App &app, QString *error) {
    if (app.name.isEmpty() || app.name.size() > kNameMax ||
        !matches(QStringLiteral("[A-Za-z0-9._-]+"), app.name))
        return fail(error, QStringLiteral("app name must be 1 to %1 characters of letters, digits, "
                                          "'.', '_' and '-'")
                               .arg(kNameMax));
    if (app.projectId == 0) {
        if (app.projectName.isEmpty())
            app.projectName = QStringLiteral("default");
        if (!validateProjectName(app.projectName, error))
            return false;
    }
    if (int(!app.containerName.isEmpty()) + int(!app.gitUrl.isEmpty()) +
            int(!app.serviceName.isEmpty()) !=
        1)
        return fail(error, QStringLiteral("an app needs exactly one of a container name, a "
                                          "service name or a git URL"));
    if (app.replicas < 0 || app.replicas > App::MaxReplicas)
        return fail(error,
                    QStringLiteral("replicas must be between 0 and %1").arg(App::MaxReplicas));
    if (app.replicas > 0 && !app.isGit())
        return fail(error, QStringLiteral("replicas apply only to apps built from git (an adopted "
                                          "service has its own)"));
    if (app.isService()) {
        // Docker's own rule for service names: up to 63 letters, digits and
        // '-', '_', '.', starting with a letter or digit.
        if (app.serviceName.size() > 63 ||
            !matches(QStringLiteral("[A-Za-z0-9][A-Za-z0-9_.-]*"), app.serviceName))
            return fail(error, QStringLiteral("invalid service name"));
        if (!app.gitBranch.isEmpty() || !app.dockerfile.isEmpty() || app.port != 0)
            return fail(error, QStringLiteral("git branch, Dockerfile and port apply only to apps "
                                              "built from git"));
        return true;
    }
    if (!app.isGit()) {
        if (app.containerName.size() > 255 ||
            !matches(QStringLiteral("[A-Za-z0-9][A-Za-z0-9_.-]*"), app.containerName))
            return fail(error, QStringLiteral("invalid container name"));
        if (!app.gitBranch.isEmpty() || !app.dockerfile.isEmpty() || app.port != 0)
            return fail(error, QStringLiteral("git branch, Dockerfile and port apply only to apps "
                                              "built from git"));
        return true;
    }
    if (app.gitBranch.isEmpty())
        app.gitBranch = QStringLiteral("main");
    if (app.dockerfile.isEmpty())
        app.dockerfile = QStringLiteral("Dockerfile");
    if (app.port < 0 || app.port > 65535)
        return fail(error, QStringLiteral("port must be between 0 and 65535"));
    return validateGitUrl(app.gitUrl, error) && validateGitBranch(app.gitBranch, error) &&
           validateDockerfile(app.dockerfile, error);
}

// --- users

std::optional<User> Store::addUser(const QString &email, Role role, const QByteArray &password,
                                   QString *error) {
    const auto normalized = normalizeEmail(email, error);
    if (!normalized || !validatePassword(password, error))
        return std::nullopt;
    const QString duplicate = QStringLiteral("a user with this email already exists");

    // Checked before hashing, so a duplicate fails fast.
    QString dbError;
    if (userByEmail(*normalized, &dbError) || !dbError.isEmpty()) {
        fail(error, dbError.isEmpty() ? duplicate : dbError);
        return std::nullopt;
    }
    const QByteArray hash = m_hasher.hash(password);
    if (hash.isEmpty()) {
        fail(error, QStringLiteral("cannot hash the password (out of memory?)"));
        return std::nullopt;
    }
    auto query = exec(QStringLiteral("INSERT INTO users (email, role, password_hash, created_at) "
                                     "VALUES (?, ?, ?, ?)"),
                      {*normalized, roleName(role), QString::fromLatin1(hash), now()}, &dbError);
    if (!query) {
        // Someone may have added the address while we were hashing.
        fail(error, userByEmail(*normalized) ? duplicate : dbError);
        return std::nullopt;
    }
    return User{query->lastInsertId().toLongLong(), *normalized, role};
}

std::optional<User> Store::userById(qint64 id, QString *error) {
    auto query =
        exec(QStringLiteral("SELECT id, email, role FROM users WHERE id = ?"), {id}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    return userFromRow(*query, 0, error);
}

std::optional<User> Store::userByEmail(const QString &email, QString *error) {
    const auto normalized = normalizeEmail(email, nullptr);
    if (!normalized)
        return std::nullopt; // no such address can have been stored
    auto query = exec(QStringLiteral("SELECT id, email, role FROM users WHERE email = ?"),
                      {*normalized}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    return userFromRow(*query, 0, error);
}

QList<User> Store::users(QString *error) {
    QList<User> result;
    auto query = exec(QStringLiteral("SELECT id, email, role FROM users ORDER BY id"), {}, error);
    while (query && nextRow(*query, error)) {
        if (auto user = userFromRow(*query, 0, error))
            result.append(*user);
    }
    return result;
}

SignInRecord Store::signInRecord(const QString &email, QString *error) {
    SignInRecord record;
    const auto normalized = normalizeEmail(email, nullptr);
    if (!normalized)
        return record;
    auto query = exec(QStringLiteral("SELECT id, email, role, password_hash FROM users "
                                     "WHERE email = ?"),
                      {*normalized}, error);
    if (query && nextRow(*query, error)) {
        record.user = userFromRow(*query, 0, error);
        if (record.user)
            record.passwordHash = query->value(3).toString().toLatin1();
    }
    return record;
}

std::optional<User> Store::authenticate(const QString &email, const QByteArray &password,
                                        QString *error) {
    // Made before the lookup, so even the first call costs the same for known
    // and unknown addresses.
    const QByteArray dummy = m_hasher.dummyHash();
    const SignInRecord record = signInRecord(email, error);
    // Unknown accounts are verified against the dummy hash so that the answer
    // takes as long as for a known account with a wrong password.
    const bool verified = m_hasher.verify(record.user ? record.passwordHash : dummy, password);
    if (record.user && verified)
        return record.user;
    return std::nullopt;
}

bool Store::setPassword(qint64 userId, const QByteArray &password, QString *error) {
    if (!validatePassword(password, error))
        return false;
    const QByteArray hash = m_hasher.hash(password);
    if (hash.isEmpty())
        return fail(error, QStringLiteral("cannot hash the password (out of memory?)"));

    Transaction tx(m_connectionName);
    if (!tx.begin(error))
        return false;
    auto update = exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                       {QString::fromLatin1(hash), userId}, error);
    if (!update)
        return false;
    if (update->numRowsAffected() == 0)
        return fail(error, QStringLiteral("no such user"));
    // A new password is often the answer to a leaked one: sign out everywhere.
    return exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {userId}, error) &&
           tx.commit(error);
}

// --- projects

std::optional<Project> Store::ensureProject(const QString &name, QString *error) {
    if (!validateProjectName(name, error))
        return std::nullopt;
    if (!exec(
            QStringLiteral("INSERT INTO projects (name) VALUES (?) ON CONFLICT (name) DO NOTHING"),
            {name}, error))
        return std::nullopt;
    QString dbError;
    auto project = projectByName(name, &dbError);
    if (!project)
        fail(error,
             dbError.isEmpty() ? QStringLiteral("database error: project vanished") : dbError);
    return project;
}

std::optional<Project> Store::projectByName(const QString &name, QString *error) {
    if (!validateProjectName(name, nullptr))
        return std::nullopt;
    auto query =
        exec(QStringLiteral("SELECT id, name FROM projects WHERE name = ?"), {name}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    return Project{query->value(0).toLongLong(), query->value(1).toString()};
}

bool Store::addMember(const QString &project, const QString &email, QString *error) {
    if (!validateProjectName(project, error))
        return false;
    const auto normalized = normalizeEmail(email, error);
    if (!normalized)
        return false;
    QString dbError;
    const auto found = projectByName(project, &dbError);
    if (!found)
        return fail(error, dbError.isEmpty() ? QStringLiteral("no such project \"%1\"").arg(project)
                                             : dbError);
    const auto user = userByEmail(*normalized, &dbError);
    if (!user)
        return fail(error, dbError.isEmpty()
                               ? QStringLiteral("no such user \"%1\"").arg(*normalized)
                               : dbError);
    return exec(QStringLiteral("INSERT INTO project_members (project_id, user_id) VALUES (?, ?) "
                               "ON CONFLICT DO NOTHING"),
                {found->id, user->id}, error)
        .has_value();
}

// --- apps

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

std::optional<App> Store::addApp(App app, QString *error) {
    if (!normalizeApp(app, error))
        return std::nullopt;
    Transaction tx(m_connectionName);
    if (!tx.begin(error))
        return std::nullopt;

    if (app.projectId != 0) {
        auto query =
            exec(QStringLiteral("SELECT name FROM projects WHERE id = ?"), {app.projectId}, error);
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
        const auto project = ensureProject(app.projectName, error);
        if (!project)
            return std::nullopt;
        app.projectId = project->id;
    }

    auto existing = exec(QStringLiteral("SELECT 1 FROM apps WHERE project_id = ? AND name = ?"),
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
    auto insert = exec(
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

QList<App> Store::appsWhere(const QString &tail, const QVariantList &args, QString *error) {
    QList<App> result;
    auto query = exec(kAppSelect + tail + QStringLiteral(" ORDER BY a.id"), args, error);
    while (query && nextRow(*query, error))
        result.append(appFromRow(*query));
    return result;
}

std::optional<App> Store::app(qint64 id, QString *error) {
    const QList<App> found = appsWhere(QStringLiteral("WHERE a.id = ?"), {id}, error);
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<App> Store::allApps(QString *error) {
    return appsWhere(QString(), {}, error);
}

QList<App> Store::appsVisibleTo(const User &user, QString *error) {
    if (user.role != Role::User)
        return allApps(error);
    return appsWhere(QStringLiteral("JOIN project_members m ON m.project_id = a.project_id "
                                    "WHERE m.user_id = ?"),
                     {user.id}, error);
}

bool Store::canAccessApp(const User &user, qint64 appId, QString *error) {
    auto query = user.role != Role::User
                     ? exec(QStringLiteral("SELECT 1 FROM apps WHERE id = ?"), {appId}, error)
                     : exec(QStringLiteral(
                                "SELECT 1 FROM apps a JOIN project_members m"
                                " ON m.project_id = a.project_id WHERE a.id = ? AND m.user_id = ?"),
                            {appId, user.id}, error);
    return query && nextRow(*query, error);
}

// --- sessions

void Store::setSessionIdleTimeout(qint64 seconds) {
    m_idleTimeout = qMax<qint64>(1, seconds);
}

void Store::setSessionAbsoluteTimeout(qint64 seconds) {
    m_absoluteTimeout = qMax<qint64>(1, seconds);
}

QByteArray Store::createSession(qint64 userId, QString *error) {
    if (!auth::ensureSodium()) {
        fail(error, QStringLiteral("libsodium cannot be initialised; no random tokens"));
        return {};
    }
    QByteArray secret(kTokenBytes, '\0');
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
    const QByteArray token =
        secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    sodium_memzero(secret.data(), static_cast<size_t>(secret.size()));

    const qint64 t = now();
    // Sign-ins are rare enough to tidy up on: abandoned sessions would
    // otherwise stay in the table for ever.
    if (!exec(QStringLiteral("DELETE FROM sessions WHERE expires_at < ?"), {t}, error))
        return {};
    QString dbError;
    if (!exec(QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at,"
                             " expires_at) VALUES (?, ?, ?, ?, ?)"),
              {tokenHash(token), userId, t, t, t + qMin(m_idleTimeout, m_absoluteTimeout)},
              &dbError)) {
        fail(error, userById(userId) ? dbError : QStringLiteral("no such user"));
        return {};
    }
    return token;
}

std::optional<User> Store::userForSession(const QByteArray &token, QString *error) {
    const std::optional<Session> found = session(token, error);
    if (!found)
        return std::nullopt;
    return found->user;
}

std::optional<Session> Store::session(const QByteArray &token, QString *error) {
    if (token.size() != kTokenLength)
        return std::nullopt; // not one of ours; spare the lookup
    const QByteArray hash = tokenHash(token);
    auto query = exec(QStringLiteral("SELECT u.id, u.email, u.role, s.last_seen_at, s.expires_at,"
                                     " s.api_name IS NOT NULL"
                                     " FROM sessions s JOIN users u ON u.id = s.user_id"
                                     " WHERE s.token_hash = ?"),
                      {hash}, error);
    if (!query || !nextRow(*query, error))
        return std::nullopt;
    const auto user = userFromRow(*query, 0, error);
    const qint64 lastSeen = query->value(3).toLongLong();
    const qint64 expiresAt = query->value(4).toLongLong();
    const bool apiToken = query->value(5).toBool();
    query.reset();

    const qint64 t = now();
    if (t > expiresAt) {
        exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), {hash}, error);
        return std::nullopt;
    }
    // Writing on every request would turn each read into a write; once a
    // minute is plenty for a 7-day idle timeout. Short (test) timeouts need
    // finer steps, or use would not keep the session alive.
    if (t - lastSeen >= qMin<qint64>(60, m_idleTimeout / 2)) {
        // A failed write only costs precision; the session itself is valid.
        exec(QStringLiteral("UPDATE sessions SET last_seen_at = ?,"
                            " expires_at = CASE WHEN api_name IS NULL"
                            "  THEN MIN(created_at + ?, ?) ELSE expires_at END"
                            " WHERE token_hash = ?"),
             {t, m_absoluteTimeout, t + m_idleTimeout, hash}, nullptr);
    }
    if (!user)
        return std::nullopt;
    return Session{*user, apiToken};
}

QByteArray Store::createApiToken(qint64 userId, const QString &name, int days, QString *error) {
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!valid.match(name).hasMatch()) {
        fail(error, QStringLiteral("a token name is 1 to 64 letters, digits, '.', '_' or '-'"));
        return {};
    }
    if (days < 1 || days > 3650) {
        fail(error, QStringLiteral("a token lives 1 to 3650 days"));
        return {};
    }
    // A session row like any other, so every check that accepts a session
    // accepts the token; only its lifetime differs.
    const QByteArray token = createSession(userId, error);
    if (token.isEmpty())
        return {};
    QString dbError;
    if (!exec(QStringLiteral("UPDATE sessions SET api_name = ?, expires_at = created_at + ?"
                             " WHERE token_hash = ?"),
              {name, qint64(days) * 86400, tokenHash(token)}, &dbError)) {
        revokeSession(token);
        fail(error, dbError.contains(QLatin1String("UNIQUE"))
                        ? QStringLiteral("this user already has a token named %1").arg(name)
                        : dbError);
        return {};
    }
    return token;
}

QList<ApiToken> Store::apiTokens(QString *error) {
    QList<ApiToken> out;
    auto query = exec(QStringLiteral("SELECT u.email, s.api_name, s.created_at, s.expires_at,"
                                     " s.last_seen_at FROM sessions s JOIN users u"
                                     " ON u.id = s.user_id WHERE s.api_name IS NOT NULL"
                                     " ORDER BY u.email, s.api_name"),
                      {}, error);
    if (!query)
        return out;
    while (query->next()) {
        out.append({query->value(0).toString(), query->value(1).toString(),
                    QDateTime::fromSecsSinceEpoch(query->value(2).toLongLong(), Qt::UTC),
                    QDateTime::fromSecsSinceEpoch(query->value(3).toLongLong(), Qt::UTC),
                    QDateTime::fromSecsSinceEpoch(query->value(4).toLongLong(), Qt::UTC)});
    }
    return out;
}

bool Store::revokeApiToken(qint64 userId, const QString &name, QString *error) {
    auto query = exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ? AND api_name = ?"),
                      {userId, name}, error);
    if (!query)
        return false;
    if (query->numRowsAffected() < 1)
        return fail(error, QStringLiteral("no token named %1").arg(name));
    return true;
}

bool Store::revokeSession(const QByteArray &token, QString *error) {
    return exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), {tokenHash(token)},
                error)
        .has_value();
}

bool Store::revokeSessionsOf(qint64 userId, QString *error) {
    return exec(QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {userId}, error)
        .has_value();
}

} // namespace mist::store
