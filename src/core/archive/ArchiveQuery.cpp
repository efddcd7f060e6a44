// SPDX-License-Identifier: GPL-3.0-or-later

#include "ArchiveQuery.h"

#include "protocol/Parsing.h"

#include <QDateTime>
#include <QJsonArray>

#include <re2/re2.h>

#include <cstring>

namespace mist::archive {

namespace {

constexpr quint8 CursorVersion = 1;
constexpr qsizetype CursorBytes = 1 + 1 + 8 + 8 + 8 + 4;

template <typename T> Expected<T> invalid(const char *what) {
    return fail(QStringLiteral("Invalid %1").arg(QLatin1String(what)));
}

void putU64(QByteArray &out, quint64 v) {
    for (int i = 0; i < 8; ++i)
        out.append(char((v >> (8 * i)) & 0xff));
}
quint64 getU64(const uchar *p) {
    quint64 v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

Expected<std::optional<qint64>> parseTime(const std::optional<QString> &value, const char *what) {
    using R = Expected<std::optional<qint64>>;
    if (!value)
        return R(std::nullopt);
    const auto ns = protocol::parseEngineTimestampNs(*value);
    if (!ns)
        return invalid<std::optional<qint64>>(what);
    return R(*ns);
}

// The single value of `key`, or nullopt when absent; `duplicate` is set when
// it is given more than once.
std::optional<QString> single(const QUrlQuery &query, const QString &key, bool *duplicate) {
    const QStringList values = query.allQueryItemValues(key, QUrl::FullyDecoded);
    *duplicate = values.size() > 1;
    if (values.size() != 1)
        return std::nullopt;
    return values.front();
}

} // namespace

QString encodeCursor(const Cursor &c) {
    QByteArray b;
    b.reserve(CursorBytes);
    b.append(char(CursorVersion));
    b.append(char(c.order));
    putU64(b, quint64(c.after.ts));
    putU64(b, c.after.chunkSeq);
    putU64(b, quint64(c.after.index));
    const quint32 crc = crc32Of(b);
    for (int i = 0; i < 4; ++i)
        b.append(char((crc >> (8 * i)) & 0xff));
    return QString::fromLatin1(
        b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<Cursor> decodeCursor(QStringView text, Order order) {
    // 30 bytes are 40 base64 characters; anything else is not ours.
    if (text.size() != 40)
        return std::nullopt;
    for (QChar ch : text)
        if (!(ch.isLetterOrNumber() && ch.unicode() < 128) && ch != u'-' && ch != u'_')
            return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != CursorBytes)
        return std::nullopt;
    const QByteArray &b = decoded.decoded;
    const uchar *p = reinterpret_cast<const uchar *>(b.constData());
    quint32 crc = 0;
    for (int i = 0; i < 4; ++i)
        crc |= quint32(p[CursorBytes - 4 + i]) << (8 * i);
    if (crc != crc32Of(QByteArrayView(b).first(CursorBytes - 4)))
        return std::nullopt;
    if (p[0] != CursorVersion || p[1] != quint8(order))
        return std::nullopt;
    Cursor c;
    c.order = order;
    c.after.ts = qint64(getU64(p + 2));
    c.after.chunkSeq = getU64(p + 10);
    c.after.index = qint64(getU64(p + 18));
    return c;
}

Expected<std::optional<qint64>> parseSince(const std::optional<QString> &value) {
    return parseTime(value, "since");
}

Expected<std::optional<qint64>> parseUntil(const std::optional<QString> &value) {
    return parseTime(value, "until");
}

Expected<int> parseLimit(const std::optional<QString> &value) {
    if (!value)
        return Expected<int>(DefaultLimit);
    const QString &v = *value;
    if (v.isEmpty() || v.size() > 5 || v.front() == u'0')
        return invalid<int>("limit");
    int n = 0;
    for (QChar c : v) {
        if (c < u'0' || c > u'9')
            return invalid<int>("limit");
        n = n * 10 + (c.unicode() - u'0');
    }
    if (n < 1 || n > MaxLimit)
        return invalid<int>("limit");
    return Expected<int>(n);
}

Expected<Order> parseOrder(const std::optional<QString> &value) {
    if (!value || *value == u"desc")
        return Expected<Order>(Order::Desc);
    if (*value == u"asc")
        return Expected<Order>(Order::Asc);
    return invalid<Order>("order");
}

Expected<std::optional<Stream>> parseStream(const std::optional<QString> &value) {
    using R = Expected<std::optional<Stream>>;
    if (!value)
        return R(std::nullopt);
    const auto s = streamFromName(*value);
    if (!s)
        return invalid<std::optional<Stream>>("stream");
    return R(*s);
}

Expected<std::shared_ptr<const re2::RE2>> compilePattern(const QString &pattern) {
    using R = Expected<std::shared_ptr<const re2::RE2>>;
    if (pattern.isEmpty())
        return R(nullptr);
    const QByteArray utf8 = pattern.toUtf8();
    if (utf8.size() > MaxPatternBytes)
        return invalid<std::shared_ptr<const re2::RE2>>("q");
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(RegexMaxMem);
    auto re = std::make_shared<const re2::RE2>(
        re2::StringPiece(utf8.constData(), size_t(utf8.size())), options);
    if (!re->ok())
        return invalid<std::shared_ptr<const re2::RE2>>("q");
    return R(std::move(re));
}

bool lineMatches(const re2::RE2 &regex, QByteArrayView utf8) {
    return re2::RE2::PartialMatch(re2::StringPiece(utf8.data(), size_t(utf8.size())), regex);
}

Expected<SearchQuery> parseSearchQuery(qint64 appId, const QUrlQuery &query) {
    using R = Expected<SearchQuery>;
    SearchQuery q;
    q.appId = appId;
    bool dup = false;
    const auto since = parseSince(single(query, QStringLiteral("since"), &dup));
    if (!since || dup)
        return fail(QStringLiteral("Invalid since"));
    q.since = *since;
    const auto until = parseUntil(single(query, QStringLiteral("until"), &dup));
    if (!until || dup || (*until && q.since && **until < *q.since))
        return fail(QStringLiteral("Invalid until"));
    q.until = *until;
    const auto pattern = single(query, QStringLiteral("q"), &dup);
    if (dup)
        return fail(QStringLiteral("Invalid q"));
    q.pattern = pattern.value_or(QString());
    const auto regex = compilePattern(q.pattern);
    if (!regex)
        return fail(regex.error());
    q.regex = *regex;
    const auto stream = parseStream(single(query, QStringLiteral("stream"), &dup));
    if (!stream || dup)
        return fail(QStringLiteral("Invalid stream"));
    q.stream = *stream;
    const auto limit = parseLimit(single(query, QStringLiteral("limit"), &dup));
    if (!limit || dup)
        return fail(QStringLiteral("Invalid limit"));
    q.limit = *limit;
    const auto order = parseOrder(single(query, QStringLiteral("order"), &dup));
    if (!order || dup)
        return fail(QStringLiteral("Invalid order"));
    q.order = *order;
    const auto cursor = single(query, QStringLiteral("cursor"), &dup);
    if (dup)
        return fail(QStringLiteral("Invalid cursor"));
    if (cursor) {
        q.cursor = decodeCursor(*cursor, q.order);
        if (!q.cursor)
            return fail(QStringLiteral("Invalid cursor"));
    }
    return R(std::move(q));
}

QString formatTimestampNs(qint64 ns) {
    return protocol::formatEngineTimestampNs(ns);
}

QJsonObject entryJson(const ArchiveEntry &e) {
    const Record &r = e.record;
    QJsonObject o{
        {QStringLiteral("kind"), r.isEvent ? QStringLiteral("event") : QStringLiteral("log")},
        {QStringLiteral("ts"), formatTimestampNs(r.ts)},
        {QStringLiteral("line"), r.text},
        {QStringLiteral("container"), e.container.name},
        {QStringLiteral("containerId"), e.container.id},
        {QStringLiteral("deploymentId"),
         e.deploymentId > 0 ? QJsonValue(double(e.deploymentId)) : QJsonValue(QJsonValue::Null)},
    };
    if (r.isEvent) {
        o.insert(QStringLiteral("event"), eventKindName(r.event));
        if (r.exitCode)
            o.insert(QStringLiteral("exitCode"), *r.exitCode);
        if (r.deploymentId)
            o.insert(QStringLiteral("newDeploymentId"), double(*r.deploymentId));
    } else {
        o.insert(QStringLiteral("stream"), streamName(r.stream));
    }
    if (r.truncated)
        o.insert(QStringLiteral("truncated"), true);
    return o;
}

QJsonObject searchResultJson(const SearchResult &result) {
    QJsonArray entries;
    for (const ArchiveEntry &e : result.entries)
        entries.append(entryJson(e));
    return QJsonObject{
        {QStringLiteral("entries"), entries},
        {QStringLiteral("next"),
         result.next ? QJsonValue(*result.next) : QJsonValue(QJsonValue::Null)},
    };
}

std::optional<qint64> parseRetentionSize(QStringView text) {
    if (text.isEmpty() || text.size() > 20)
        return std::nullopt;
    qint64 unit = 1;
    const QChar last = text.back().toUpper();
    if (last == u'K' || last == u'M' || last == u'G') {
        unit = last == u'K' ? 1024LL : last == u'M' ? 1024LL * 1024 : 1024LL * 1024 * 1024;
        text.chop(1);
    }
    if (text.isEmpty() || text.size() > 16)
        return std::nullopt;
    qint64 n = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        n = n * 10 + (c.unicode() - u'0');
    }
    constexpr qint64 Max = 1LL << 50; // 1 PiB
    if (n > Max / unit)
        return std::nullopt;
    const qint64 bytes = n * unit;
    if (bytes != 0 && bytes < 1024 * 1024)
        return std::nullopt;
    return bytes;
}

std::optional<int> parseRetentionDays(QStringView text) {
    if (text.isEmpty() || text.size() > 5)
        return std::nullopt;
    int n = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        n = n * 10 + (c.unicode() - u'0');
    }
    if (n > 36500)
        return std::nullopt;
    return n;
}

} // namespace mist::archive
