// SPDX-License-Identifier: GPL-3.0-or-later

#include "Envelope.h"

#include <QJsonDocument>

#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mist::protocol {

QString rfc3339Seconds(const QDateTime &time) {
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

namespace {
// What JSON (or UTF-16 well-formedness) makes us look at: control
// characters, '"', '\\' and surrogates.
inline bool needsAttention(char16_t c) {
    return c < 0x20 || c == u'"' || c == u'\\' || QChar::isSurrogate(c);
}

// Index of the first character in [p, p + n) that needsAttention(), or n.
// Log lines are mostly plain text: eight characters per step with SSE2 (part
// of every x86-64), which made this 8x faster than one at a time
// (PERFORMANCE.md, relay).
qsizetype findAttention(const char16_t *p, qsizetype n) {
    qsizetype i = 0;
#if defined(__SSE2__)
    // Unsigned c < 0x20 as a signed compare, both sides shifted by 0x8000.
    const __m128i bias = _mm_set1_epi16(short(0x8000));
    const __m128i below = _mm_set1_epi16(short(0x20 ^ 0x8000));
    const __m128i quote = _mm_set1_epi16(u'"');
    const __m128i backslash = _mm_set1_epi16(u'\\');
    const __m128i surrogateMask = _mm_set1_epi16(short(0xF800));
    const __m128i surrogate = _mm_set1_epi16(short(0xD800));
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        const __m128i control = _mm_cmplt_epi16(_mm_xor_si128(v, bias), below);
        const __m128i escaped =
            _mm_or_si128(_mm_cmpeq_epi16(v, quote), _mm_cmpeq_epi16(v, backslash));
        const __m128i surrogates = _mm_cmpeq_epi16(_mm_and_si128(v, surrogateMask), surrogate);
        const int mask =
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(control, escaped), surrogates));
        if (mask != 0)
            return i + (qCountTrailingZeroBits(quint32(mask)) >> 1);
    }
#endif
    for (; i < n; ++i) {
        if (needsAttention(p[i]))
            return i;
    }
    return n;
}
} // namespace

void appendJsonString(QString &out, QStringView text) {
    static const char hex[] = "0123456789abcdef";
    const char16_t *p = text.utf16();
    const qsizetype n = text.size();
    out.append(u'"');
    qsizetype pos = 0;
    while (pos < n) {
        const qsizetype at = pos + findAttention(p + pos, n - pos);
        out.append(reinterpret_cast<const QChar *>(p + pos), at - pos);
        if (at == n)
            break;
        const char16_t c = p[at];
        pos = at + 1;
        if (QChar::isHighSurrogate(c) && pos < n && QChar::isLowSurrogate(p[pos])) {
            // A valid pair is kept as it is.
            out.append(reinterpret_cast<const QChar *>(p + at), 2);
            ++pos;
            continue;
        }
        switch (c) {
        case u'"':
            out.append(u"\\\"");
            break;
        case u'\\':
            out.append(u"\\\\");
            break;
        case u'\b':
            out.append(u"\\b");
            break;
        case u'\f':
            out.append(u"\\f");
            break;
        case u'\n':
            out.append(u"\\n");
            break;
        case u'\r':
            out.append(u"\\r");
            break;
        case u'\t':
            out.append(u"\\t");
            break;
        default:
            if (c < 0x20) {
                const char16_t esc[] = {
                    u'\\', u'u', u'0', u'0', char16_t(hex[c >> 4]), char16_t(hex[c & 0xf])};
                out.append(reinterpret_cast<const QChar *>(esc), 6);
            } else {
                out.append(QChar::ReplacementCharacter); // a lone surrogate, as UTF-8 would
            }
        }
    }
    out.append(u'"');
}

QString envelope(QStringView type, const QJsonObject &data, const QDateTime &now) {
    const QJsonObject object{{QStringLiteral("type"), type.toString()},
                             {QStringLiteral("timestamp"), rfc3339Seconds(now)},
                             {QStringLiteral("data"), data}};
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString statusMessage(const QJsonObject &data) {
    return envelope(u"status", data);
}

QString errorMessage(const QString &message) {
    return envelope(u"error", QJsonObject{{QStringLiteral("message"), message}});
}

QString endMessage(const QString &message) {
    return envelope(u"end", QJsonObject{{QStringLiteral("message"), message}});
}

} // namespace mist::protocol

namespace mist::protocol {
namespace {
// The hottest path of the server (every relayed line), so written out by
// hand: the same bytes as envelope(u"log", {...}) with the keys in
// QJsonDocument's (sorted) order, which the tests check row by row.
QString writeLogMessage(const QString &line, const QString &stream, const QString &ts,
                        bool truncated, const TaskOrigin *origin, const QDateTime &now) {
    // The envelope's timestamp changes once a second: formatted once a second.
    static qint64 cachedSecond = std::numeric_limits<qint64>::min();
    static QString cachedStamp;
    const qint64 second = now.toSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cachedStamp = rfc3339Seconds(now);
    }
    QString out;
    qsizetype size = line.size() + stream.size() + ts.size() + 96;
    if (origin)
        size += origin->task.size() + origin->node.size() + origin->nodeName.size() + 48;
    out.reserve(size);
    out.append(u"{\"data\":{\"line\":");
    appendJsonString(out, line);
    if (origin) {
        out.append(u",\"node\":");
        appendJsonString(out, origin->node);
        out.append(u",\"nodeName\":");
        appendJsonString(out, origin->nodeName);
        if (origin->slot > 0) {
            out.append(u",\"slot\":");
            out.append(QString::number(origin->slot));
        }
    }
    out.append(u",\"stream\":");
    appendJsonString(out, stream);
    if (origin) {
        out.append(u",\"task\":");
        appendJsonString(out, origin->task);
    }
    if (truncated)
        out.append(u",\"truncated\":true");
    out.append(u",\"ts\":");
    appendJsonString(out, ts);
    out.append(u"},\"timestamp\":\"");
    out.append(cachedStamp);
    out.append(u"\",\"type\":\"log\"}");
    return out;
}
} // namespace

QString logMessage(const QString &line, const QString &stream, const QString &ts, bool truncated,
                   const QDateTime &now) {
    return writeLogMessage(line, stream, ts, truncated, nullptr, now);
}

QString serviceLogMessage(const QString &line, const QString &stream, const QString &ts,
                          bool truncated, const TaskOrigin &origin, const QDateTime &now) {
    return writeLogMessage(line, stream, ts, truncated, &origin, now);
}
} // namespace mist::protocol
