#include "Envelope.h"

#include <QJsonDocument>

#include <limits>

namespace mist::protocol {

QString rfc3339Seconds(const QDateTime &time) {
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

void appendJsonString(QString &out, QStringView text) {
    static const char hex[] = "0123456789abcdef";
    out.append(u'"');
    const QChar *run = text.begin();
    for (const QChar *p = text.begin(); p != text.end(); ++p) {
        const char16_t c = p->unicode();
        if (c >= 0x20 && c != u'"' && c != u'\\' && !QChar::isSurrogate(c))
            continue;
        if (QChar::isHighSurrogate(c) && p + 1 != text.end() && p[1].isLowSurrogate()) {
            ++p; // a valid pair is kept as it is
            continue;
        }
        out.append(run, p - run);
        run = p + 1;
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
    out.append(run, text.end() - run);
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
QString logMessage(const QString &line, const QString &stream, const QString &ts, bool truncated,
                   const QDateTime &now) {
    // The hottest path of the server (every relayed line), so written out by
    // hand: the same bytes as envelope(u"log", {line, stream, ts[, truncated]})
    // (keys in QJsonDocument's order), which the tests check row by row.
    // The envelope's timestamp changes once a second: formatted once a second.
    static qint64 cachedSecond = std::numeric_limits<qint64>::min();
    static QString cachedStamp;
    const qint64 second = now.toSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cachedStamp = rfc3339Seconds(now);
    }
    QString out;
    out.reserve(line.size() + stream.size() + ts.size() + 96);
    out.append(u"{\"data\":{\"line\":");
    appendJsonString(out, line);
    out.append(u",\"stream\":");
    appendJsonString(out, stream);
    if (truncated)
        out.append(u",\"truncated\":true");
    out.append(u",\"ts\":");
    appendJsonString(out, ts);
    out.append(u"},\"timestamp\":\"");
    out.append(cachedStamp);
    out.append(u"\",\"type\":\"log\"}");
    return out;
}
} // namespace mist::protocol
