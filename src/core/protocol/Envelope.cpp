#include "Envelope.h"

#include <QJsonDocument>

namespace mist::protocol {

QString rfc3339Seconds(const QDateTime &time) {
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
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
QString logMessage(const QString &line, const QString &stream, const QString &ts, bool truncated) {
    QJsonObject data{{QStringLiteral("line"), line},
                     {QStringLiteral("stream"), stream},
                     {QStringLiteral("ts"), ts}};
    if (truncated)
        data.insert(QStringLiteral("truncated"), true);
    return envelope(u"log", data);
}
} // namespace mist::protocol
