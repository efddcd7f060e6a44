// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "auth/PasswordHasher.h"
#include "engine/EngineApi.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <optional>

namespace mist::store {

enum class Role { Owner, Admin, User };

// "owner", "admin", "user": the spelling used on the command line, in the
// database and in JSON.
QString roleName(Role role);
// Case-insensitive; surrounding whitespace ignored.
std::optional<Role> parseRole(const QString &name);

struct User {
    qint64 id = 0;
    QString email;
    Role role = Role::User;
};

struct Project {
    qint64 id = 0;
    QString name;
};

// An app is one of: an existing container (containerName), an existing
// Docker Swarm service (serviceName; the server must run on a manager), or
// something built from git (gitUrl, gitBranch, dockerfile, port).
struct App {
    qint64 id = 0;
    QString name;
    qint64 projectId = 0;
    QString projectName;
    QString containerName;
    QString serviceName;
    QString gitUrl;
    QString gitBranch;
    QString dockerfile;
    int port = 0;
    // A git app deployed as a Swarm service of this many replicas (the
    // service app-{id}); 0: as one container (docs/SCALING.md).
    int replicas = 0;
    QDateTime createdAt;

    static constexpr int MaxReplicas = 1000;
    bool isGit() const { return !gitUrl.isEmpty(); }
    bool isService() const { return !serviceName.isEmpty(); }
    // The Swarm service whose logs and state are this app's: the adopted
    // one, or app-{id} for a git app deployed with replicas; empty otherwise.
    QString swarmServiceName() const {
        if (isService())
            return serviceName;
        return isGit() && replicas > 0 ? engine::appContainerName(id) : QString();
    }
    // camelCase keys; fields that do not apply to this kind of app are null.
    QJsonObject toJson() const;
    QString redactedGitUrl() const;
};

// A valid session or API token and whose it is.
struct Session {
    User user;
    bool apiToken = false; // made by `mist-monitor token create`, not by a sign-in
};

// What a sign-in needs from the database, read on the Store's thread so that
// the slow part (verifying the password) can run on another one.
struct SignInRecord {
    std::optional<User> user; // empty for an unknown or malformed address
    QByteArray passwordHash;  // the user's; empty when there is no user
};

// A named API token, as listed (the token itself is never stored).
struct ApiToken {
    QString email;
    QString name;
    QDateTime createdAt;
    QDateTime expiresAt;
    QDateTime lastUsedAt;
};

// The server's persistent state in one SQLite file, <dataDir>/mist.db.
//
// Use one Store from one thread (Qt SQL connections are per thread). Several
// Stores, also in several processes (server plus an operator command), may
// share one data directory: WAL mode and a busy timeout let them take turns.
//
// Every method that can fail reports why through `error`; when a caller passes
// none, database failures are logged instead. Messages repeat only input that
// passed validation, so hostile values cannot flood logs or terminals.
class Store {
public:
    Store();
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Creates dataDir (mode 0700; an existing one is tightened to 0700) and
    // mist.db (mode 0600), then brings the schema up to date.
    bool open(const QString &dataDir, QString *error);
    void close();
    bool isOpen() const;
    QString databasePath() const { return m_databasePath; }
    // The Qt SQL connection name, for callers that need direct SQL access.
    QString connectionName() const { return m_connectionName; }

    // The schema version of the open database (0 when closed).
    int schemaVersion() const { return m_schemaVersion; }
    static int latestSchemaVersion();

    // Hashes for new passwords use these parameters; tests pick minimal().
    void setPasswordHasher(const auth::PasswordHasher &hasher);
    const auth::PasswordHasher &passwordHasher() const { return m_hasher; }

    // Longest password addUser/setPassword accept; a longer one cannot match.
    static constexpr int MaxPasswordBytes = 1024;

    // Input rules, also usable before a Store is open (the CLI checks its
    // arguments before touching the data directory).
    // Trimmed and lower-cased; std::nullopt when not a plausible address.
    static std::optional<QString> normalizeEmail(const QString &email, QString *error);
    static bool validatePassword(const QByteArray &password, QString *error);
    static bool validateProjectName(const QString &name, QString *error);
    // Fills in an app's defaults and checks its fields as addApp() does.
    static bool normalizeApp(App &app, QString *error);

    // --- users
    std::optional<User> addUser(const QString &email, Role role, const QByteArray &password,
                                QString *error);
    std::optional<User> userById(qint64 id, QString *error = nullptr);
    std::optional<User> userByEmail(const QString &email, QString *error = nullptr);
    QList<User> users(QString *error = nullptr);
    // Takes the same time whether or not the account exists.
    std::optional<User> authenticate(const QString &email, const QByteArray &password,
                                     QString *error = nullptr);
    // The first half of authenticate(): the account and its hash, no hashing.
    SignInRecord signInRecord(const QString &email, QString *error = nullptr);
    // Also signs the user out everywhere.
    bool setPassword(qint64 userId, const QByteArray &password, QString *error);

    // --- projects
    // Returns the project, creating it first when it does not exist.
    std::optional<Project> ensureProject(const QString &name, QString *error);
    std::optional<Project> projectByName(const QString &name, QString *error = nullptr);
    // Idempotent.
    bool addMember(const QString &project, const QString &email, QString *error);

    // --- apps
    // The project is app.projectId when non-zero (it must exist); otherwise
    // app.projectName (default "default"), created when missing, in the same
    // transaction as the app so a refused app leaves no empty project behind.
    // Empty gitBranch / dockerfile of git apps default to "main" / "Dockerfile".
    std::optional<App> addApp(App app, QString *error);
    std::optional<App> app(qint64 id, QString *error = nullptr);
    QList<App> allApps(QString *error = nullptr);
    // Owner and admin: every app; user: the apps of their projects.
    QList<App> appsVisibleTo(const User &user, QString *error = nullptr);
    // False also when the app does not exist.
    bool canAccessApp(const User &user, qint64 appId, QString *error = nullptr);

    // --- sessions
    // A session ends after idleTimeout seconds without use or absoluteTimeout
    // seconds after sign-in, whichever comes first. Use is recorded at most
    // once a minute (more often only when the idle timeout is under two
    // minutes), so idle expiry is exact to that granularity. Changed
    // timeouts reach an existing session when it is next used.
    static constexpr qint64 DefaultIdleTimeout = 7 * 24 * 3600;
    static constexpr qint64 DefaultAbsoluteTimeout = 30 * 24 * 3600;
    void setSessionIdleTimeout(qint64 seconds);
    void setSessionAbsoluteTimeout(qint64 seconds);

    // A fresh 256-bit token, base64url without padding (43 characters); only
    // its SHA-256 is stored. Empty on failure.
    QByteArray createSession(qint64 userId, QString *error = nullptr);
    // Deletes the session when it has expired.
    std::optional<Session> session(const QByteArray &token, QString *error = nullptr);
    std::optional<User> userForSession(const QByteArray &token, QString *error = nullptr);
    bool revokeSession(const QByteArray &token, QString *error = nullptr);
    // API tokens for scripts (Authorization: Bearer): stored hashed like
    // sessions, valid for `days` without an idle timeout, named per user.
    QByteArray createApiToken(qint64 userId, const QString &name, int days, QString *error);
    QList<ApiToken> apiTokens(QString *error = nullptr);
    bool revokeApiToken(qint64 userId, const QString &name, QString *error = nullptr);
    bool revokeSessionsOf(qint64 userId, QString *error = nullptr);

private:
    bool openDatabase(const QString &dataDir, QString *error);
    bool migrate(QString *error);
    // Prepares and runs one statement with positional (?) parameters.
    std::optional<QSqlQuery> exec(const QString &sql, const QVariantList &args,
                                  QString *error) const;
    // `tail` follows "FROM apps a JOIN projects p ...": more joins, a WHERE.
    QList<App> appsWhere(const QString &tail, const QVariantList &args, QString *error);

    QString m_connectionName;
    QString m_databasePath;
    int m_schemaVersion = 0;
    auth::PasswordHasher m_hasher;
    qint64 m_idleTimeout = DefaultIdleTimeout;
    qint64 m_absoluteTimeout = DefaultAbsoluteTimeout;
};

} // namespace mist::store
