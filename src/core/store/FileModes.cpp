// SPDX-License-Identifier: GPL-3.0-or-later

#include "FileModes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mist::store {

namespace {

QString systemError(int errnum) {
    return QString::fromLocal8Bit(std::strerror(errnum));
}

// Removes group and other permission bits; an owner-only mode stays as it is.
Expected<void> restrictToOwner(const QString &path, mode_t allowed) {
    const QByteArray native = QFile::encodeName(path);
    struct stat st;
    if (::stat(native.constData(), &st) != 0)
        return fail(QStringLiteral("cannot inspect %1: %2").arg(path, systemError(errno)));
    if ((st.st_mode & ~allowed & 0777) == 0)
        return {};
    if (::chmod(native.constData(), st.st_mode & allowed) != 0)
        return fail(QStringLiteral("cannot restrict the permissions of %1: %2")
                        .arg(path, systemError(errno)));
    return {};
}

} // namespace

Expected<void> ensurePrivateDirectory(const QString &dir) {
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return fail(QStringLiteral("data directory %1 exists and is not a directory").arg(dir));
    if (!info.exists()) {
        // Parents get ordinary permissions (they may be shared, like
        // ~/.local/share); only the data directory itself is private. A failure
        // here shows up, with its reason, in the mkdir below.
        QDir().mkpath(info.absolutePath());
        if (::mkdir(QFile::encodeName(dir).constData(), 0700) != 0 && errno != EEXIST)
            return fail(
                QStringLiteral("cannot create data directory %1: %2").arg(dir, systemError(errno)));
    }
    return restrictToOwner(dir, 0700);
}

// Creating the file ourselves, rather than letting SQLite do it under the
// process umask, means the password hashes are never readable by others, not
// even for a moment. SQLite gives its -wal and -shm files the same mode.
//
// An existing file is never opened here: closing any descriptor of a file
// drops every POSIX lock this process holds on it, so a second connection
// opened in a process that has one already (the server's alert sender) would
// strip the first of its locks; another process closing its own connection
// would then take itself for the last one and delete the WAL under the
// first, whose commits would go to a deleted file.
Expected<void> ensurePrivateDatabaseFile(const QString &path) {
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
        return fail(
            QStringLiteral("cannot create database file %1: %2").arg(path, systemError(errno)));
    if (fd >= 0)
        ::close(fd);
    for (const QString &file :
         {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        if (file != path && !QFileInfo::exists(file))
            continue;
        if (auto restricted = restrictToOwner(file, 0600); !restricted)
            return restricted;
    }
    return {};
}

} // namespace mist::store
