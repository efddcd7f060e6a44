// SPDX-License-Identifier: GPL-3.0-or-later

#include "deploy/BuildContext.h"

#include <QFile>
#include <QList>
#include <QRegularExpression>
#include <QStringList>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mist::deploy {

namespace {

constexpr int MaxDepth = 256;                    // one open descriptor per level while walking
constexpr qint64 MaxDockerignoreBytes = 1 << 20; // far above any real one
constexpr qsizetype ReadChunk = 256 * 1024;

QString errnoText(int err) {
    return QString::fromLocal8Bit(std::strerror(err));
}

// A file descriptor closed when it goes out of scope.
class Fd {
public:
    explicit Fd(int fd = -1)
        : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

// The docker CLI's .dockerignore rules (github.com/docker/docker/builder/dockerignore and
// pkg/fileutils, engine 20.10), as described in BuildContext.h.
class DockerIgnore {
public:
    Expected<void> parse(const QByteArray &content) {
        QList<QByteArray> lines = content.split('\n');
        if (!lines.isEmpty() && lines.first().startsWith("\xEF\xBB\xBF"))
            lines.first().remove(0, 3); // a UTF-8 byte order mark, as some editors write
        for (const QByteArray &raw : std::as_const(lines)) {
            QString line = QString::fromUtf8(raw).trimmed();
            if (line.isEmpty() || line.startsWith(u'#'))
                continue;
            const bool exception = line.startsWith(u'!');
            if (exception) {
                line = line.mid(1).trimmed();
                if (line.isEmpty())
                    return fail(".dockerignore: illegal exclusion pattern: \"!\"");
            }
            const QString cleaned = cleanPattern(line);
            if (cleaned.isEmpty() || cleaned == u".." || cleaned.startsWith(u"../"))
                continue; // names the root or something above it: matches no file
            QRegularExpression re(globToRegex(cleaned), QRegularExpression::DontCaptureOption);
            if (!re.isValid())
                return fail(QStringLiteral(".dockerignore: invalid pattern: %1").arg(line));
            re.optimize();
            m_patterns.append({re, exception});
            m_hasExceptions = m_hasExceptions || exception;
        }
        return {};
    }

    bool hasExceptions() const { return m_hasExceptions; }

    // `path`: relative to root, '/'-separated. The last matching pattern decides; a pattern
    // matching a directory above the path matches the path. Without exceptions the walk never
    // enters an excluded directory, so only the path itself needs checking then.
    bool excluded(const QString &path) const {
        bool result = false;
        for (const Pattern &p : m_patterns) {
            bool match = p.re.match(path).hasMatch();
            for (qsizetype slash = path.indexOf(u'/'); !match && m_hasExceptions && slash > 0;
                 slash = path.indexOf(u'/', slash + 1))
                match = p.re.match(QStringView(path).left(slash)).hasMatch();
            if (match)
                result = !p.exception;
        }
        return result;
    }

private:
    struct Pattern {
        QRegularExpression re;
        bool exception = false;
    };

    // Go's filepath.Clean, then the leading '/' dropped (patterns are relative to the root).
    static QString cleanPattern(const QString &pattern) {
        const bool absolute = pattern.startsWith(u'/');
        QStringList out;
        for (const QString &segment : pattern.split(u'/')) {
            if (segment.isEmpty() || segment == u".")
                continue;
            if (segment == u"..") {
                if (!out.isEmpty() && out.last() != u"..")
                    out.removeLast();
                else if (!absolute)
                    out.append(segment);
                continue;
            }
            out.append(segment);
        }
        return out.join(u'/');
    }

    // The docker CLI's translation: '*' -> [^/]*, '?' -> [^/], "**" -> any number of
    // directories ("**/" also matches none; a final "**" matches everything below).
    static QString globToRegex(const QString &glob) {
        QString re = QStringLiteral("^");
        const qsizetype n = glob.size();
        for (qsizetype i = 0; i < n; ++i) {
            const QChar c = glob.at(i);
            if (c == u'*') {
                if (i + 1 < n && glob.at(i + 1) == u'*') {
                    ++i;
                    if (i + 1 < n && glob.at(i + 1) == u'/')
                        ++i;
                    re += (i + 1 >= n) ? QStringLiteral(".*") : QStringLiteral("(?:.*/)?");
                } else {
                    re += QStringLiteral("[^/]*");
                }
            } else if (c == u'?') {
                re += QStringLiteral("[^/]");
            } else if (c == u'\\' && i + 1 < n) {
                re += QRegularExpression::escape(glob.at(++i));
            } else if (c == u'[') {
                const qsizetype end = classEnd(glob, i);
                if (end < 0) {
                    re += QStringLiteral("\\[");
                    continue;
                }
                qsizetype j = i + 1;
                re += u'[';
                if (glob.at(j) == u'!' || glob.at(j) == u'^') {
                    re += QStringLiteral("^/"); // like filepath.Match: never matches a '/'
                    ++j;
                }
                for (; j < end; ++j) {
                    const QChar k = glob.at(j);
                    if (k == u'\\' && j + 1 < end)
                        re += QRegularExpression::escape(glob.at(++j));
                    else if (k == u'-' || k.isLetterOrNumber())
                        re += k;
                    else
                        re += QRegularExpression::escape(k);
                }
                re += u']';
                i = end;
            } else {
                re += QRegularExpression::escape(c);
            }
        }
        re += u'$';
        return re;
    }

    // Index of the ']' closing the class opened at `open`, or -1 (then '[' is a literal).
    static qsizetype classEnd(const QString &glob, qsizetype open) {
        qsizetype j = open + 1;
        if (j < glob.size() && (glob.at(j) == u'!' || glob.at(j) == u'^'))
            ++j;
        if (j < glob.size() && glob.at(j) == u']')
            ++j; // a ']' right at the start is a member, not the end
        for (; j < glob.size(); ++j) {
            if (glob.at(j) == u'\\')
                ++j;
            else if (glob.at(j) == u']')
                return j;
        }
        return -1;
    }

    QList<Pattern> m_patterns;
    bool m_hasExceptions = false;
};

// Where libarchive's output goes: memory, up to the limit. Past it, output is dropped and
// tooBig set, but the callback still reports success: a failing write callback puts the
// archive in its fatal state, and libarchive 3.6 then never frees its output buffer.
struct Sink {
    QByteArray data;
    qint64 maxBytes = 0;
    bool tooBig = false;
};

la_ssize_t writeToSink(struct archive *, void *client, const void *buffer, size_t length) {
    auto *sink = static_cast<Sink *>(client);
    if (!sink->tooBig && sink->data.size() + qint64(length) > sink->maxBytes) {
        sink->tooBig = true;
        sink->data.clear();
    }
    if (!sink->tooBig)
        sink->data.append(static_cast<const char *>(buffer), qsizetype(length));
    return la_ssize_t(length);
}

class Packer {
public:
    explicit Packer(const BuildContextLimits &limits)
        : m_limits(limits) {
        m_sink.maxBytes = limits.maxBytes;
        m_entry = archive_entry_new();
        m_buffer.resize(ReadChunk);
    }
    ~Packer() {
        archive_entry_free(m_entry);
        if (m_archive)
            archive_write_free(m_archive);
    }
    Packer(const Packer &) = delete;
    Packer &operator=(const Packer &) = delete;

    Expected<QByteArray> run(const QString &root) {
        if (!pack(root))
            return mist::fail(m_error);
        return std::move(m_sink.data);
    }

private:
    bool fail(const QString &message) {
        if (m_error.isEmpty())
            m_error = message;
        return false;
    }
    bool failIo(const QByteArray &rel, int err) {
        return fail(
            QStringLiteral("cannot read %1: %2").arg(QFile::decodeName(rel), errnoText(err)));
    }
    bool failArchive() {
        return fail(QStringLiteral("cannot write the build context archive: %1")
                        .arg(QString::fromLocal8Bit(archive_error_string(m_archive))));
    }
    bool failTooBig() {
        return fail(QStringLiteral("build context is larger than %1 bytes").arg(m_limits.maxBytes));
    }

    bool pack(const QString &root) {
        const QByteArray rootPath = QFile::encodeName(root);
        if (rootPath.isEmpty())
            return fail(QStringLiteral("no build context directory given"));
        Fd rootFd(::open(rootPath.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (rootFd.get() < 0) {
            const int err = errno;
            if (err == ENOENT)
                return fail(QStringLiteral("build context directory does not exist: %1").arg(root));
            if (err == ENOTDIR)
                return fail(QStringLiteral("build context is not a directory: %1").arg(root));
            return fail(QStringLiteral("cannot open build context directory %1: %2")
                            .arg(root, errnoText(err)));
        }
        if (!loadDockerignore(rootFd.get()))
            return false;

        m_archive = archive_write_new();
        if (!m_archive)
            return fail(QStringLiteral("cannot create the build context archive"));
        // pax-restricted: ustar headers unless a name or size needs an extended header. No
        // padding of the last block to 10 KiB: the engine reads to the end-of-archive marker.
        if (archive_write_set_format_pax_restricted(m_archive) != ARCHIVE_OK ||
            archive_write_set_bytes_in_last_block(m_archive, 1) != ARCHIVE_OK ||
            archive_write_open2(m_archive, &m_sink, nullptr, writeToSink, nullptr, nullptr) !=
                ARCHIVE_OK)
            return failArchive();

        if (!walk(rootFd.get(), QByteArray(), 0))
            return false;
        if (archive_write_close(m_archive) != ARCHIVE_OK)
            return failArchive();
        return !m_sink.tooBig || failTooBig();
    }

    bool loadDockerignore(int rootFd) {
        Fd fd(::openat(rootFd, ".dockerignore",
                       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        if (fd.get() < 0) {
            if (errno == ENOENT)
                return true;
            return failIo(".dockerignore", errno);
        }
        struct stat st;
        if (::fstat(fd.get(), &st) != 0)
            return failIo(".dockerignore", errno);
        if (!S_ISREG(st.st_mode))
            return fail(QStringLiteral("cannot read .dockerignore: not a regular file"));
        if (st.st_size > MaxDockerignoreBytes)
            return fail(
                QStringLiteral(".dockerignore is larger than %1 bytes").arg(MaxDockerignoreBytes));
        QByteArray content;
        for (;;) {
            char buf[16384];
            const ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return failIo(".dockerignore", errno);
            if (n == 0)
                break;
            content.append(buf, qsizetype(n));
            if (content.size() > MaxDockerignoreBytes)
                return fail(QStringLiteral(".dockerignore is larger than %1 bytes")
                                .arg(MaxDockerignoreBytes));
        }
        const auto parsed = m_ignore.parse(content);
        return parsed || fail(parsed.error());
    }

    // Names in `dirFd`, sorted by bytes, "." and ".." left out.
    bool listDirectory(int dirFd, const QByteArray &rel, std::vector<QByteArray> *names) {
        // fdopendir takes ownership of the descriptor it gets, so it gets a duplicate.
        const int dupFd = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
        if (dupFd < 0)
            return failIo(rel.isEmpty() ? "." : rel, errno);
        DIR *dir = ::fdopendir(dupFd);
        if (!dir) {
            const int err = errno;
            ::close(dupFd);
            return failIo(rel.isEmpty() ? "." : rel, err);
        }
        for (;;) {
            errno = 0;
            const dirent *ent = ::readdir(dir);
            if (!ent)
                break;
            if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0)
                continue;
            names->emplace_back(ent->d_name);
        }
        const int err = errno;
        ::closedir(dir);
        if (err != 0)
            return failIo(rel.isEmpty() ? "." : rel, err);
        std::sort(names->begin(), names->end());
        return true;
    }

    bool walk(int dirFd, const QByteArray &relDir, int depth) {
        if (depth >= MaxDepth)
            return fail(QStringLiteral("build context nests directories deeper than %1 levels: %2")
                            .arg(MaxDepth)
                            .arg(QFile::decodeName(relDir)));
        std::vector<QByteArray> names;
        if (!listDirectory(dirFd, relDir, &names))
            return false;
        for (const QByteArray &name : names) {
            const bool top = relDir.isEmpty();
            if (top && name == ".git")
                continue;
            const QByteArray rel = top ? name : relDir + '/' + name;
            struct stat st;
            if (::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return failIo(rel, errno);
            const bool alwaysSent = top && (name == "Dockerfile" || name == ".dockerignore");
            const bool excluded = !alwaysSent && m_ignore.excluded(QFile::decodeName(rel));

            if (S_ISDIR(st.st_mode)) {
                // An excluded directory is entered only when an exception may bring back
                // something inside it.
                if (excluded && !m_ignore.hasExceptions())
                    continue;
                Fd fd(::openat(dirFd, name.constData(),
                               O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0)
                    return failIo(rel, errno);
                if (!excluded && !writeHeader(rel, st, AE_IFDIR, 0, nullptr))
                    return false;
                if (!walk(fd.get(), rel, depth + 1))
                    return false;
            } else if (S_ISLNK(st.st_mode)) {
                if (excluded)
                    continue;
                QByteArray target;
                if (!readLink(dirFd, name, rel, st, &target))
                    return false;
                if (!writeHeader(rel, st, AE_IFLNK, 0, target.constData()))
                    return false;
            } else if (S_ISREG(st.st_mode)) {
                if (excluded)
                    continue;
                if (!addFile(dirFd, name, rel))
                    return false;
            }
            // Sockets, FIFOs and devices: skipped (see BuildContext.h).
        }
        return true;
    }

    bool readLink(int dirFd, const QByteArray &name, const QByteArray &rel, const struct stat &st,
                  QByteArray *target) {
        // st_size is the target's length, but it may change; grow until the text fits.
        qsizetype size = std::max<qsizetype>(qsizetype(st.st_size) + 1, 256);
        for (;;) {
            target->resize(size);
            const ssize_t n = ::readlinkat(dirFd, name.constData(), target->data(), size_t(size));
            if (n < 0)
                return failIo(rel, errno);
            if (n < size) {
                target->resize(qsizetype(n));
                return true;
            }
            if (size >= 65536)
                return fail(QStringLiteral("cannot read %1: link target too long")
                                .arg(QFile::decodeName(rel)));
            size *= 2;
        }
    }

    bool addFile(int dirFd, const QByteArray &name, const QByteArray &rel) {
        // O_NOFOLLOW: a link swapped in since fstatat is refused, not followed. O_NONBLOCK: a
        // FIFO swapped in would not block the open.
        Fd fd(::openat(dirFd, name.constData(),
                       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        struct stat st;
        if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0)
            return failIo(rel, errno);
        if (!S_ISREG(st.st_mode))
            return fail(QStringLiteral("cannot read %1: it changed while the build context was "
                                       "packed")
                            .arg(QFile::decodeName(rel)));
        // Refuse before reading: the data alone would pass the limit.
        if (m_sink.data.size() + qint64(st.st_size) > m_limits.maxBytes)
            return failTooBig();
        if (!writeHeader(rel, st, AE_IFREG, qint64(st.st_size), nullptr))
            return false;
        qint64 remaining = st.st_size;
        while (remaining > 0) {
            const ssize_t n =
                ::read(fd.get(), m_buffer.data(), size_t(std::min<qint64>(remaining, ReadChunk)));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return failIo(rel, errno);
            if (n == 0) // the header already promised st_size bytes
                return fail(QStringLiteral("cannot read %1: it shrank while the build context "
                                           "was packed")
                                .arg(QFile::decodeName(rel)));
            if (archive_write_data(m_archive, m_buffer.constData(), size_t(n)) != n)
                return failArchive();
            if (m_sink.tooBig)
                return failTooBig();
            remaining -= n;
        }
        return true;
    }

    bool writeHeader(const QByteArray &rel, const struct stat &st, unsigned type, qint64 size,
                     const char *linkTarget) {
        if (++m_entries > m_limits.maxFiles)
            return fail(
                QStringLiteral("build context has more than %1 entries").arg(m_limits.maxFiles));
        archive_entry_clear(m_entry);
        archive_entry_copy_pathname(m_entry, rel.constData());
        archive_entry_set_filetype(m_entry, type);
        archive_entry_set_perm(m_entry, st.st_mode & 07777);
        archive_entry_set_size(m_entry, size);
        archive_entry_set_mtime(m_entry, st.st_mtime, 0);
        archive_entry_set_uid(m_entry, 0);
        archive_entry_set_gid(m_entry, 0);
        if (linkTarget)
            archive_entry_copy_symlink(m_entry, linkTarget);
        // Names are given as the file system's bytes. A name that is not ASCII and cannot be
        // converted from the process locale to UTF-8 (any non-ASCII name in the C locale, or
        // bytes that are not UTF-8) gets ARCHIVE_WARN: libarchive then stores it as is, marked
        // "hdrcharset=BINARY", which is what we want (the engine's Go tar reader takes pax
        // names as bytes). Anything worse is a failure.
        if (archive_write_header(m_archive, m_entry) < ARCHIVE_WARN)
            return failArchive();
        return !m_sink.tooBig || failTooBig();
    }

    const BuildContextLimits m_limits;
    Sink m_sink;
    struct archive *m_archive = nullptr;
    struct archive_entry *m_entry = nullptr;
    DockerIgnore m_ignore;
    QByteArray m_buffer;
    int m_entries = 0;
    QString m_error;
};

} // namespace

Expected<QByteArray> packBuildContext(const QString &root, const BuildContextLimits &limits) {
    Packer packer(limits);
    return packer.run(root);
}

std::optional<QString> resolveDockerfile(const QString &root, const QString &path) {
    constexpr int MaxLinks = 40;           // as Linux's own path resolution
    std::vector<std::unique_ptr<Fd>> dirs; // root, then each directory entered
    std::vector<QByteArray> names;         // the components entered, below root
    dirs.push_back(std::make_unique<Fd>(
        ::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
    if (dirs.back()->get() < 0)
        return std::nullopt;
    QList<QByteArray> todo = QFile::encodeName(path).split('/');
    int links = 0;
    while (!todo.isEmpty()) {
        const QByteArray name = todo.takeFirst();
        if (name.isEmpty() || name == ".")
            continue;
        if (name == "..") {
            if (!names.empty()) {
                dirs.pop_back();
                names.pop_back();
            }
            continue;
        }
        struct stat st;
        if (::fstatat(dirs.back()->get(), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return std::nullopt;
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            const ssize_t n =
                ::readlinkat(dirs.back()->get(), name.constData(), target, sizeof target);
            if (++links > MaxLinks || n <= 0 || size_t(n) >= sizeof target)
                return std::nullopt;
            if (target[0] == '/') {
                dirs.resize(1);
                names.clear();
            }
            todo = QByteArray(target, n).split('/') + todo;
            continue;
        }
        if (todo.isEmpty()) {
            if (!S_ISREG(st.st_mode))
                return std::nullopt;
            names.push_back(name);
            QByteArray joined;
            for (const QByteArray &n : names)
                joined += (joined.isEmpty() ? QByteArray() : QByteArray("/")) + n;
            return QFile::decodeName(joined);
        }
        if (!S_ISDIR(st.st_mode))
            return std::nullopt;
        dirs.push_back(
            std::make_unique<Fd>(::openat(dirs.back()->get(), name.constData(),
                                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)));
        if (dirs.back()->get() < 0)
            return std::nullopt;
        names.push_back(name);
    }
    return std::nullopt; // ended on a directory (or root itself)
}

} // namespace mist::deploy
