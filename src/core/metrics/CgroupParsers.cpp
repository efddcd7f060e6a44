// SPDX-License-Identifier: GPL-3.0-or-later

#include "CgroupParsers.h"

#include <QList>

#include <limits>

namespace mist::metrics {

namespace {

// Unsigned decimal, the whole view, no sign, no blanks, no overflow.
std::optional<quint64> parseUnsigned(QByteArrayView text) {
    if (text.isEmpty() || text.size() > 20)
        return std::nullopt;
    quint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const quint64 digit = quint64(c - '0');
        if (value > (std::numeric_limits<quint64>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// The file without one trailing newline.
QByteArrayView withoutNewline(QByteArrayView file) {
    return file.endsWith('\n') ? file.chopped(1) : file;
}

QList<QByteArrayView> lines(QByteArrayView file) {
    QList<QByteArrayView> out;
    qsizetype start = 0;
    while (start < file.size()) {
        qsizetype end = file.indexOf('\n', start);
        if (end < 0)
            end = file.size();
        if (end > start)
            out.append(file.sliced(start, end - start));
        start = end + 1;
    }
    return out;
}

// Fields separated by runs of blanks (spaces and tabs).
QList<QByteArrayView> fields(QByteArrayView line) {
    QList<QByteArrayView> out;
    qsizetype i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const qsizetype start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            out.append(line.sliced(start, i - start));
    }
    return out;
}

// Parts between `separator`s, empty ones included (QByteArrayView has no split() in Qt 6.4).
QList<QByteArrayView> splitOn(QByteArrayView text, char separator) {
    QList<QByteArrayView> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == separator) {
            out.append(text.sliced(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

bool isDevice(QByteArrayView text) {
    const qsizetype colon = text.indexOf(':');
    return colon > 0 && parseUnsigned(text.first(colon)) &&
           parseUnsigned(text.sliced(colon + 1)).has_value();
}

bool addChecked(quint64 &sum, quint64 value) {
    if (value > std::numeric_limits<quint64>::max() - sum)
        return false;
    sum += value;
    return true;
}

// mountinfo escapes blanks and backslashes in paths as \ooo (octal).
QString unescapeMountPath(QByteArrayView text) {
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size()) {
            const QByteArrayView digits = text.sliced(i + 1, 3);
            bool ok = true;
            int value = 0;
            for (char c : digits) {
                ok = ok && c >= '0' && c <= '7';
                value = value * 8 + (c - '0');
            }
            if (ok) {
                out.append(char(value));
                i += 3;
                continue;
            }
        }
        out.append(text[i]);
    }
    return QString::fromUtf8(out);
}

// A path inside a hierarchy, seen through a mount whose root is `root`: the directory under
// the mount point, or nullopt when the path is not below the root or climbs out.
std::optional<QString> directoryUnder(const CgroupMount &mount, const QString &path) {
    if (!path.startsWith(QLatin1Char('/')))
        return std::nullopt;
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.contains(QStringLiteral("..")) || parts.contains(QStringLiteral(".")))
        return std::nullopt;
    QString relative = path;
    if (mount.root != QLatin1String("/")) {
        if (path != mount.root && !path.startsWith(mount.root + QLatin1Char('/')))
            return std::nullopt;
        relative = path.mid(mount.root.size());
    }
    if (relative.isEmpty() || relative == QLatin1String("/"))
        return mount.mountPoint;
    return mount.mountPoint + relative;
}

} // namespace

std::optional<quint64> parseCgroupNumber(QByteArrayView file) {
    return parseUnsigned(withoutNewline(file));
}

std::optional<MemoryLimit> parseMemoryLimit(QByteArrayView file) {
    const QByteArrayView text = withoutNewline(file);
    if (text == "max")
        return MemoryLimit{};
    const std::optional<quint64> bytes = parseUnsigned(text);
    if (!bytes)
        return std::nullopt;
    if (*bytes >= (quint64(1) << 62))
        return MemoryLimit{};
    return MemoryLimit{false, *bytes};
}

std::optional<quint64> parseKeyedValue(QByteArrayView file, QByteArrayView key) {
    for (QByteArrayView line : lines(file)) {
        const QList<QByteArrayView> f = fields(line);
        if (f.size() == 2 && f[0] == key)
            return parseUnsigned(f[1]);
    }
    return std::nullopt;
}

std::optional<IoBytes> parseBlkioServiceBytes(QByteArrayView file) {
    IoBytes io;
    for (QByteArrayView line : lines(file)) {
        const QList<QByteArrayView> f = fields(line);
        if (f.size() == 2 && f[0] == "Total" && parseUnsigned(f[1]))
            continue;
        if (f.size() != 3 || !isDevice(f[0]))
            return std::nullopt;
        const std::optional<quint64> value = parseUnsigned(f[2]);
        if (!value)
            return std::nullopt;
        if (f[1] == "Read") {
            if (!addChecked(io.read, *value))
                return std::nullopt;
        } else if (f[1] == "Write") {
            if (!addChecked(io.written, *value))
                return std::nullopt;
        }
    }
    return io;
}

std::optional<IoBytes> parseIoStat(QByteArrayView file) {
    IoBytes io;
    for (QByteArrayView line : lines(file)) {
        const QList<QByteArrayView> f = fields(line);
        if (f.isEmpty() || !isDevice(f[0]))
            return std::nullopt;
        for (qsizetype i = 1; i < f.size(); ++i) {
            const qsizetype eq = f[i].indexOf('=');
            if (eq <= 0)
                return std::nullopt;
            const std::optional<quint64> value = parseUnsigned(f[i].sliced(eq + 1));
            if (!value)
                return std::nullopt;
            const QByteArrayView key = f[i].first(eq);
            if (key == "rbytes" && !addChecked(io.read, *value))
                return std::nullopt;
            if (key == "wbytes" && !addChecked(io.written, *value))
                return std::nullopt;
        }
    }
    return io;
}

std::optional<NetBytes> parseNetDev(QByteArrayView file) {
    const QList<QByteArrayView> all = lines(file);
    if (all.size() < 2 || !all[0].contains('|') || !all[1].contains('|'))
        return std::nullopt;
    NetBytes net;
    for (qsizetype i = 2; i < all.size(); ++i) {
        const qsizetype colon = all[i].indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        const QByteArrayView name = all[i].first(colon).trimmed();
        const QList<QByteArrayView> f = fields(all[i].sliced(colon + 1));
        // 8 receive columns, then 8 transmit columns: bytes are the 1st and the 9th.
        if (name.isEmpty() || f.size() < 16)
            return std::nullopt;
        for (QByteArrayView column : f)
            if (!parseUnsigned(column))
                return std::nullopt;
        if (name == "lo")
            continue;
        if (!addChecked(net.received, *parseUnsigned(f[0])) ||
            !addChecked(net.sent, *parseUnsigned(f[8])))
            return std::nullopt;
    }
    return net;
}

std::optional<CgroupMembership> parseProcCgroup(QByteArrayView file) {
    CgroupMembership membership;
    for (QByteArrayView line : lines(file)) {
        const qsizetype first = line.indexOf(':');
        const qsizetype second = first < 0 ? -1 : line.indexOf(':', first + 1);
        if (first <= 0 || second < 0 || !parseUnsigned(line.first(first)))
            return std::nullopt;
        const QByteArrayView controllers = line.sliced(first + 1, second - first - 1);
        const QString path = QString::fromUtf8(line.sliced(second + 1));
        if (!path.startsWith(QLatin1Char('/')))
            return std::nullopt;
        if (controllers.isEmpty()) {
            membership.unified = path;
            continue;
        }
        for (QByteArrayView controller : splitOn(controllers, ','))
            if (!controller.isEmpty())
                membership.v1.insert(QString::fromUtf8(controller), path);
    }
    if (membership.v1.isEmpty() && !membership.unified)
        return std::nullopt;
    return membership;
}

CgroupMounts parseCgroupMounts(QByteArrayView mountinfo) {
    CgroupMounts mounts;
    for (QByteArrayView line : lines(mountinfo)) {
        const QList<QByteArrayView> f = fields(line);
        // id parent major:minor root mount-point options [optional fields...] - type source
        // super-options
        const qsizetype dash = f.indexOf(QByteArrayView("-"));
        if (dash < 6 || dash + 3 >= f.size())
            continue;
        const QByteArrayView type = f[dash + 1];
        const CgroupMount mount{unescapeMountPath(f[4]), unescapeMountPath(f[3])};
        if (type == "cgroup2") {
            mounts.unified = mount;
        } else if (type == "cgroup") {
            for (QByteArrayView option : splitOn(f[dash + 3], ',')) {
                if (option == "rw" || option == "ro" || option.isEmpty())
                    continue;
                mounts.v1.insert(QString::fromUtf8(option), mount);
            }
        }
    }
    return mounts;
}

std::optional<CgroupLocation> locateCgroup(const CgroupMembership &membership,
                                           const CgroupMounts &mounts) {
    const bool v1 = mounts.v1.contains(QStringLiteral("memory")) &&
                    membership.v1.contains(QStringLiteral("memory"));
    if (!v1) {
        if (!mounts.unified || !membership.unified)
            return std::nullopt;
        const std::optional<QString> dir = directoryUnder(*mounts.unified, *membership.unified);
        if (!dir)
            return std::nullopt;
        return CgroupLocation{CgroupLocation::Version::V2, *dir, *dir, *dir, *dir};
    }
    auto under = [&](const char *controller) -> std::optional<QString> {
        const QString name = QString::fromLatin1(controller);
        if (!mounts.v1.contains(name) || !membership.v1.contains(name))
            return std::nullopt;
        return directoryUnder(mounts.v1.value(name), membership.v1.value(name));
    };
    const std::optional<QString> cpu = under("cpuacct");
    const std::optional<QString> memory = under("memory");
    const std::optional<QString> io = under("blkio");
    const std::optional<QString> pids = under("pids");
    if (!cpu || !memory || !io || !pids)
        return std::nullopt;
    return CgroupLocation{CgroupLocation::Version::V1, *cpu, *memory, *io, *pids};
}

std::optional<double> cgroupRate(std::optional<quint64> previous, quint64 current,
                                 qint64 elapsedNs) {
    if (!previous || elapsedNs <= 0 || current < *previous)
        return std::nullopt;
    return double(current - *previous) * 1e9 / double(elapsedNs);
}

std::optional<double> cpuPercentOfOneCore(std::optional<quint64> previousNs, quint64 currentNs,
                                          qint64 elapsedNs) {
    const std::optional<double> perSecond = cgroupRate(previousNs, currentNs, elapsedNs);
    if (!perSecond)
        return std::nullopt;
    return *perSecond / 1e9 * 100.0;
}

quint64 memoryInUse(quint64 usage, quint64 inactiveFile) {
    return inactiveFile < usage ? usage - inactiveFile : usage;
}

} // namespace mist::metrics
