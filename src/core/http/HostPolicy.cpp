// SPDX-License-Identifier: GPL-3.0-or-later

#include "HostPolicy.h"

#include <QHostAddress>

#include <algorithm>

namespace mist::http {

namespace {

bool isDnsName(QStringView name) {
    if (name.isEmpty() || name.size() > 253)
        return false;
    // No top-level domain is all digits (RFC 3696 §2): "127.1" or
    // "1.2.3.300" are addresses written oddly, not names.
    const QStringView last = name.sliced(name.lastIndexOf(u'.') + 1);
    if (std::all_of(last.begin(), last.end(), [](QChar c) { return c >= u'0' && c <= u'9'; }))
        return false;
    qsizetype labelStart = 0;
    for (qsizetype i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == u'.') {
            const qsizetype length = i - labelStart;
            if (length < 1 || length > 63)
                return false;
            if (name[labelStart] == u'-' || name[i - 1] == u'-')
                return false;
            labelStart = i + 1;
            continue;
        }
        const QChar c = name[i];
        const bool ok =
            (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
        if (!ok)
            return false;
    }
    return true;
}

// Four decimal parts, as browsers write an IPv4 host (they normalise "127.1"
// or "0x7f.0.0.1" before sending it).
bool isDottedIpv4(QStringView name) {
    int parts = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= name.size(); ++i) {
        if (i < name.size() && name[i] != u'.') {
            if (!name[i].isDigit() || name[i].unicode() > 127 || i - start >= 3)
                return false;
            continue;
        }
        if (i == start)
            return false;
        bool ok = false;
        if (name.sliced(start, i - start).toUInt(&ok) > 255 || !ok)
            return false;
        ++parts;
        start = i + 1;
    }
    return parts == 4;
}

std::optional<quint16> parsePort(QStringView text, bool *ok) {
    *ok = true;
    if (text.isEmpty())
        return std::nullopt; // "host:" is allowed: port = *DIGIT
    if (text.size() > 5) {
        *ok = false;
        return std::nullopt;
    }
    for (QChar c : text) {
        if (c < u'0' || c > u'9') {
            *ok = false;
            return std::nullopt;
        }
    }
    const uint port = text.toUInt();
    if (port > 65535) {
        *ok = false;
        return std::nullopt;
    }
    return quint16(port);
}

bool matches(const QString &pattern, const QString &name) {
    if (!pattern.startsWith(QLatin1String("*.")))
        return pattern == name;
    const QStringView suffix = QStringView(pattern).sliced(1); // ".example.com"
    if (!name.endsWith(suffix))
        return false;
    const QStringView label = QStringView(name).chopped(suffix.size());
    return !label.isEmpty() && !label.contains(u'.');
}

} // namespace

std::optional<HostHeader> parseHostHeader(QByteArrayView value) {
    if (value.isEmpty() || value.size() > 300)
        return std::nullopt;
    for (char c : value) {
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return std::nullopt;
    }
    const QString text = QString::fromLatin1(value).toLower();
    HostHeader out;
    QStringView rest;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0)
            return std::nullopt;
        const QString inside = text.mid(1, close - 1);
        QHostAddress address;
        if (inside.contains(u'%') || !address.setAddress(inside) ||
            address.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
        out.name = inside;
        out.ipLiteral = true;
        rest = QStringView(text).sliced(close + 1);
        if (!rest.isEmpty() && rest.front() != u':')
            return std::nullopt;
    } else {
        const qsizetype colon = text.indexOf(u':');
        if (colon >= 0 && text.indexOf(u':', colon + 1) >= 0)
            return std::nullopt; // an IPv6 address needs its brackets
        QString name = colon < 0 ? text : text.left(colon);
        if (name.endsWith(u'.'))
            name.chop(1);
        if (isDottedIpv4(name)) {
            out.ipLiteral = true;
        } else if (!isDnsName(name)) {
            return std::nullopt;
        }
        out.name = name;
        if (colon >= 0)
            rest = QStringView(text).sliced(colon);
    }
    if (!rest.isEmpty()) {
        bool ok = false;
        out.port = parsePort(rest.sliced(1), &ok);
        if (!ok)
            return std::nullopt;
    }
    return out;
}

std::optional<QString> normalizeAllowedHost(QStringView name) {
    QString text = name.toString().trimmed().toLower();
    const bool wildcard = text.startsWith(QLatin1String("*."));
    if (wildcard)
        text.remove(0, 2);
    if (text.endsWith(u'.'))
        text.chop(1);
    if (isDottedIpv4(text) && !wildcard)
        return text;
    if (!isDnsName(text))
        return std::nullopt;
    return wildcard ? QStringLiteral("*.") + text : text;
}

HostVerdict checkHost(QByteArrayView hostHeader, const HostPolicy &policy) {
    const auto host = parseHostHeader(hostHeader);
    if (!host)
        return HostVerdict::Malformed;
    if (host->ipLiteral)
        return HostVerdict::Allowed;
    // RFC 6761: these never leave the machine; browsers resolve them to loopback themselves.
    if (host->name == u"localhost" || host->name.endsWith(QLatin1String(".localhost")))
        return HostVerdict::Allowed;
    for (const QString &pattern : policy.names) {
        if (matches(pattern, host->name))
            return HostVerdict::Allowed;
    }
    return HostVerdict::NotAllowed;
}

} // namespace mist::http
