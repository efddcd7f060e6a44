// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "engine/EngineApi.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

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

} // namespace mist::store
