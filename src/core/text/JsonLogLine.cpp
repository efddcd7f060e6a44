// SPDX-License-Identifier: GPL-3.0-or-later

#include "text/JsonLogLine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace mist::text {

namespace {
constexpr const char *LevelKeys[] = {"level", "lvl", "severity", "log.level", "loglevel"};
constexpr const char *MessageKeys[] = {"msg", "message", "text", "log", "@message"};

// pino and bunyan's numeric levels.
QString numericLevel(double n) {
    if (n >= 60)
        return QStringLiteral("fatal");
    if (n >= 50)
        return QStringLiteral("error");
    if (n >= 40)
        return QStringLiteral("warn");
    if (n >= 30)
        return QStringLiteral("info");
    if (n >= 20)
        return QStringLiteral("debug");
    return QStringLiteral("trace");
}

QString shownValue(const QJsonValue &v) {
    switch (v.type()) {
    case QJsonValue::String: {
        const QString s = v.toString();
        if (s.isEmpty() || s.contains(u' ') || s.contains(u'\t'))
            return u'"' + s + u'"';
        return s;
    }
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
            .chopped(1)
            .mid(1);
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined:
        break;
    }
    return QString();
}

// The object's first `limit` keys in the line's order (QJsonObject sorts them): read from the
// text. Bounded: a line of thousands of keys costs `limit` of them, not their square.
QStringList keysInOrder(QStringView line, const QJsonObject &object, qsizetype limit) {
    QStringList keys;
    QSet<QString> seen;
    // Top-level keys are the strings right after '{' or ',' at depth 1.
    int depth = 0;
    bool inString = false, expectKey = false;
    qsizetype keyStart = -1;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (inString) {
            if (c == u'\\') {
                ++i;
            } else if (c == u'"') {
                inString = false;
                if (keyStart >= 0) {
                    const QByteArray quoted =
                        u'"' + line.sliced(keyStart, i - keyStart).toUtf8() + '"';
                    const QJsonDocument doc = QJsonDocument::fromJson('[' + quoted + ']');
                    const QString key = doc.array().at(0).toString();
                    if (object.contains(key) && !seen.contains(key)) {
                        seen.insert(key);
                        keys << key;
                        if (keys.size() >= limit)
                            return keys;
                    }
                    keyStart = -1;
                }
            }
            continue;
        }
        if (c == u'"') {
            inString = true;
            if (depth == 1 && expectKey)
                keyStart = i + 1;
            expectKey = false;
        } else if (c == u'{' || c == u'[') {
            ++depth;
            expectKey = depth == 1 && c == u'{';
        } else if (c == u'}' || c == u']') {
            --depth;
        } else if (c == u',' && depth == 1) {
            expectKey = true;
        }
    }
    for (auto it = object.constBegin(); it != object.constEnd() && keys.size() < limit; ++it)
        if (!seen.contains(it.key())) // anything the scan missed
            keys << it.key();
    return keys;
}
} // namespace

QString JsonLogLine::shown() const {
    QStringList parts;
    if (!level.isEmpty())
        parts << level.toUpper();
    if (!message.isEmpty())
        parts << message;
    QStringList rest;
    for (const auto &f : fields)
        rest << f.first + u'=' + f.second;
    if (moreFields)
        rest << QStringLiteral("…");
    if (!rest.isEmpty())
        parts << rest.join(u' ');
    return parts.join(QStringLiteral("  "));
}

std::optional<JsonLogLine> parseJsonLogLine(QStringView line) {
    const QStringView trimmed = line.trimmed();
    if (trimmed.size() < 2 || trimmed.size() > MaxJsonLogBytes || trimmed.front() != u'{' ||
        trimmed.back() != u'}')
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject object = doc.object();
    JsonLogLine out;
    QString levelKey, messageKey;
    for (const char *k : LevelKeys) {
        const QJsonValue v = object.value(QLatin1String(k));
        if (v.isString() || v.isDouble()) {
            levelKey = QLatin1String(k);
            out.level = v.isString() ? v.toString() : numericLevel(v.toDouble());
            break;
        }
    }
    for (const char *k : MessageKeys) {
        const QJsonValue v = object.value(QLatin1String(k));
        if (v.isString()) {
            messageKey = QLatin1String(k);
            out.message = v.toString();
            break;
        }
    }
    // Enough keys for the level, the message and MaxJsonLogFields others, and one more to know
    // whether any were left out.
    const qsizetype wanted = MaxJsonLogFields + 3;
    const QStringList keys = keysInOrder(trimmed, object, wanted);
    for (const QString &key : keys) {
        if (key == levelKey || key == messageKey)
            continue;
        if (out.fields.size() >= MaxJsonLogFields) {
            out.moreFields = true;
            break;
        }
        out.fields.append({key, shownValue(object.value(key))});
    }
    out.pretty = QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    return out;
}

} // namespace mist::text
