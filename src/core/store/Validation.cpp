// SPDX-License-Identifier: GPL-3.0-or-later

#include "Validation.h"

#include <QRegularExpression>

#include <algorithm>

namespace mist::store {

namespace {

constexpr int kEmailMax = 254; // RFC 5321 forward-path limit
constexpr int kPasswordMin = 8;
constexpr int kNameMax = 100;

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

} // namespace

Expected<QString> normalizeEmail(const QString &email) {
    const QString normalized = email.trimmed().toLower();
    if (normalized.isEmpty()) {
        return fail(QStringLiteral("an email address is required"));
    }
    if (normalized.size() > kEmailMax) {
        return fail(QStringLiteral("email address is longer than %1 characters").arg(kEmailMax));
    }
    const qsizetype at = normalized.indexOf(QLatin1Char('@'));
    if (at < 0 || normalized.indexOf(QLatin1Char('@'), at + 1) >= 0) {
        return fail(QStringLiteral("email address must contain exactly one '@'"));
    }
    if (at == 0 || at == normalized.size() - 1) {
        return fail(QStringLiteral("email address needs a name before and a domain after the '@'"));
    }
    if (hasSpaceOrControl(normalized)) {
        return fail(QStringLiteral("email address must not contain spaces or control characters"));
    }
    return normalized;
}

Expected<void> validatePassword(const QByteArray &password) {
    if (password.size() < kPasswordMin || password.size() > MaxPasswordBytes)
        return fail(QStringLiteral("password must be %1 to %2 bytes long")
                        .arg(kPasswordMin)
                        .arg(MaxPasswordBytes));
    return {};
}

Expected<void> validateProjectName(const QString &name) {
    if (name.isEmpty() || name.size() > kNameMax)
        return fail(QStringLiteral("project name must be 1 to %1 characters long").arg(kNameMax));
    if (!matches(QStringLiteral("[A-Za-z0-9 ._-]+"), name))
        return fail(QStringLiteral("project name may contain only letters, digits, "
                                   "spaces, '-', '_' and '.'"));
    // "web" and "web " would look like one project in every listing.
    if (name.startsWith(QLatin1Char(' ')) || name.endsWith(QLatin1Char(' ')))
        return fail(QStringLiteral("project name must not start or end with a space"));
    return {};
}

namespace {

Expected<void> validateGitUrl(const QString &url) {
    if (url.size() > 2048)
        return fail(QStringLiteral("git URL is longer than 2048 characters"));
    // git would read a leading '-' as an option (--upload-pack=...).
    if (url.startsWith(QLatin1Char('-')))
        return fail(QStringLiteral("git URL must not start with '-'"));
    if (hasSpaceOrControl(url))
        return fail(QStringLiteral("git URL must not contain spaces or control characters"));
    // An allow-list of transports keeps out ext:: and friends, which run commands.
    if (!matches(QStringLiteral("(https?|ssh|git)://[^/].*|file:///.+|/.+|"
                                "[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+"),
                 url))
        return fail(QStringLiteral("git URL must be https://, http://, ssh://, git://, "
                                   "file://, an absolute path or user@host:path"));
    return {};
}

Expected<void> validateGitBranch(const QString &branch) {
    // A conservative subset of git-check-ref-format that also cannot be
    // mistaken for a command-line option.
    if (branch.size() > 255 || !matches(QStringLiteral("[A-Za-z0-9_][A-Za-z0-9._/+-]*"), branch) ||
        branch.contains(QLatin1String("..")) || branch.contains(QLatin1String("//")) ||
        branch.endsWith(QLatin1Char('/')) || branch.endsWith(QLatin1Char('.')) ||
        branch.endsWith(QLatin1String(".lock")))
        return fail(QStringLiteral("invalid git branch name"));
    return {};
}

Expected<void> validateDockerfile(const QString &path) {
    const QStringList parts = path.split(QLatin1Char('/'));
    if (path.size() > 1024 || path.startsWith(QLatin1Char('/')) ||
        path.startsWith(QLatin1Char('-')) || hasControlOrFormat(path) ||
        parts.contains(QLatin1String("..")))
        return fail(QStringLiteral("Dockerfile path must be relative and stay inside the "
                                   "repository"));
    return {};
}

} // namespace

Expected<void> normalizeApp(App &app) {
    if (app.name.isEmpty() || app.name.size() > kNameMax ||
        !matches(QStringLiteral("[A-Za-z0-9._-]+"), app.name))
        return fail(QStringLiteral("app name must be 1 to %1 characters of letters, digits, "
                                   "'.', '_' and '-'")
                        .arg(kNameMax));
    if (app.projectId == 0) {
        if (app.projectName.isEmpty())
            app.projectName = QStringLiteral("default");
        if (auto valid = validateProjectName(app.projectName); !valid)
            return valid;
    }
    if (int(!app.containerName.isEmpty()) + int(!app.gitUrl.isEmpty()) +
            int(!app.serviceName.isEmpty()) !=
        1)
        return fail(QStringLiteral("an app needs exactly one of a container name, a "
                                   "service name or a git URL"));
    if (app.replicas < 0 || app.replicas > App::MaxReplicas)
        return fail(QStringLiteral("replicas must be between 0 and %1").arg(App::MaxReplicas));
    if (app.replicas > 0 && !app.isGit())
        return fail(QStringLiteral("replicas apply only to apps built from git (an adopted "
                                   "service has its own)"));
    if (app.isService()) {
        // Docker's own rule for service names: up to 63 letters, digits and
        // '-', '_', '.', starting with a letter or digit.
        if (app.serviceName.size() > 63 ||
            !matches(QStringLiteral("[A-Za-z0-9][A-Za-z0-9_.-]*"), app.serviceName))
            return fail(QStringLiteral("invalid service name"));
        if (!app.gitBranch.isEmpty() || !app.dockerfile.isEmpty() || app.port != 0)
            return fail(QStringLiteral("git branch, Dockerfile and port apply only to apps "
                                       "built from git"));
        return {};
    }
    if (!app.isGit()) {
        if (app.containerName.size() > 255 ||
            !matches(QStringLiteral("[A-Za-z0-9][A-Za-z0-9_.-]*"), app.containerName))
            return fail(QStringLiteral("invalid container name"));
        if (!app.gitBranch.isEmpty() || !app.dockerfile.isEmpty() || app.port != 0)
            return fail(QStringLiteral("git branch, Dockerfile and port apply only to apps "
                                       "built from git"));
        return {};
    }
    if (app.gitBranch.isEmpty())
        app.gitBranch = QStringLiteral("main");
    if (app.dockerfile.isEmpty())
        app.dockerfile = QStringLiteral("Dockerfile");
    if (app.port < 0 || app.port > 65535)
        return fail(QStringLiteral("port must be between 0 and 65535"));
    if (auto valid = validateGitUrl(app.gitUrl); !valid)
        return valid;
    if (auto valid = validateGitBranch(app.gitBranch); !valid)
        return valid;
    return validateDockerfile(app.dockerfile);
}

} // namespace mist::store
