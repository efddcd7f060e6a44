// SPDX-License-Identifier: GPL-3.0-or-later

#include "Parsing.h"

#include <QDate>
#include <QDateTime>
#include <QTime>

namespace mist::protocol {

std::optional<qint64> parseId(QStringView text) {
    if (text.isEmpty() || text.size() > 16 || text.front() == u'0')
        return std::nullopt;
    qint64 value = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    if (value < 1 || value > MaxId)
        return std::nullopt;
    return value;
}

std::optional<QString> singleQueryValue(const QUrlQuery &query, const QString &key) {
    const QStringList values = query.allQueryItemValues(key, QUrl::FullyDecoded);
    if (values.size() != 1)
        return std::nullopt;
    return values.front();
}

QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name) {
    for (const QByteArray &part : cookieHeader.split(';')) {
        const QByteArray item = part.trimmed();
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            continue;
        if (item.left(eq).trimmed() == name) {
            QByteArray value = item.mid(eq + 1).trimmed();
            if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
                value = value.mid(1, value.size() - 2);
            return value;
        }
    }
    return {};
}

std::optional<QByteArray> bearerToken(QByteArrayView authorization) {
    const QByteArrayView header = authorization.trimmed();
    constexpr QByteArrayView scheme = "bearer";
    if (header.size() < scheme.size() ||
        header.first(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0)
        return std::nullopt;
    const QByteArrayView rest = header.sliced(scheme.size());
    // "Bearerxyz" is a scheme of its own, not "Bearer" followed by "xyz".
    if (!rest.isEmpty() && rest.front() != ' ' && rest.front() != '\t')
        return std::nullopt;
    return rest.trimmed().toByteArray();
}

namespace {
bool digits(QStringView s, qsizetype from, qsizetype count, int *out) {
    if (from + count > s.size())
        return false;
    int v = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        const QChar c = s[i];
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + (c.unicode() - u'0');
    }
    *out = v;
    return true;
}
} // namespace

std::optional<qint64> parseEngineTimestampNs(QStringView s) {
    // 2006-01-02T15:04:05[.fraction](Z|±hh:mm)
    int year, month, day, hour, minute, second;
    if (s.size() < 20 || !digits(s, 0, 4, &year) || s[4] != u'-' || !digits(s, 5, 2, &month) ||
        s[7] != u'-' || !digits(s, 8, 2, &day) || (s[10] != u'T' && s[10] != u't') ||
        !digits(s, 11, 2, &hour) || s[13] != u':' || !digits(s, 14, 2, &minute) || s[16] != u':' ||
        !digits(s, 17, 2, &second))
        return std::nullopt;
    qsizetype i = 19;
    qint64 nanos = 0;
    if (i < s.size() && s[i] == u'.') {
        ++i;
        int n = 0;
        while (i < s.size() && s[i] >= u'0' && s[i] <= u'9') {
            if (n < 9) {
                nanos = nanos * 10 + (s[i].unicode() - u'0');
                ++n;
            }
            ++i;
        }
        if (n == 0)
            return std::nullopt;
        for (; n < 9; ++n)
            nanos *= 10;
    }
    int offsetSeconds = 0;
    if (i < s.size() && (s[i] == u'Z' || s[i] == u'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == u'+' || s[i] == u'-')) {
        int oh, om;
        if (!digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != u':' ||
            !digits(s, i + 4, 2, &om) || oh > 23 || om > 59)
            return std::nullopt;
        offsetSeconds = (oh * 3600 + om * 60) * (s[i] == u'+' ? 1 : -1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size())
        return std::nullopt;
    const QDate date(year, month, day);
    const QTime time(hour, minute, second);
    if (!date.isValid() || !time.isValid() || year < 1970 || year > 2261)
        return std::nullopt;
    const qint64 secs = QDateTime(date, time, Qt::UTC).toSecsSinceEpoch() - offsetSeconds;
    return secs * 1000000000LL + nanos;
}

QString formatEngineTimestampNs(qint64 ns) {
    qint64 secs = ns / 1000000000LL;
    qint64 frac = ns % 1000000000LL;
    if (frac < 0) {
        frac += 1000000000LL;
        --secs;
    }
    const QString base = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    return base + u'.' + QStringLiteral("%1").arg(frac, 9, 10, QLatin1Char('0')) + u'Z';
}

QString engineSinceParameter(qint64 nanoseconds) {
    const qint64 secs = nanoseconds / 1000000000LL;
    const qint64 frac = nanoseconds % 1000000000LL;
    return QString::number(secs) + u'.' + QStringLiteral("%1").arg(frac, 9, 10, QLatin1Char('0'));
}

} // namespace mist::protocol
