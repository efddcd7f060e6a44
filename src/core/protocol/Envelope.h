#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace mist::protocol {

// RFC 3339 UTC with whole seconds, e.g. "2025-01-15T10:30:01Z".
QString rfc3339Seconds(const QDateTime &time);

// {"type", "timestamp", "data"} serialised compactly; timestamp is `now`.
QString envelope(QStringView type, const QJsonObject &data,
                 const QDateTime &now = QDateTime::currentDateTimeUtc());

// The four message kinds of the log endpoints.
QString statusMessage(const QJsonObject &data);
QString errorMessage(const QString &message);
QString endMessage(const QString &message = QStringLiteral("Log stream ended"));

} // namespace mist::protocol

namespace mist::protocol {
// A `log` message: {line, stream, ts[, truncated: true]}.
QString logMessage(const QString &line, const QString &stream, const QString &ts, bool truncated);
} // namespace mist::protocol
