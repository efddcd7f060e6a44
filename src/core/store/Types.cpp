// SPDX-License-Identifier: GPL-3.0-or-later

#include "Types.h"

#include <QJsonValue>
#include <QUrl>

namespace mist::store {

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

} // namespace mist::store
