// SPDX-License-Identifier: GPL-3.0-or-later

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
// A `log` message: {line, stream, ts[, truncated: true]}; byte for byte what
// envelope() would give, without building JSON objects (one per relayed line).
// Not thread-safe (it caches the formatted second): use from one thread.
QString logMessage(const QString &line, const QString &stream, const QString &ts, bool truncated,
                   const QDateTime &now = QDateTime::currentDateTimeUtc());
// Where a line of a Swarm service's merged log came from.
struct TaskOrigin {
    QString task;     // the task's id
    QString node;     // its node's id
    QString nodeName; // the node's hostname ("" when not known yet)
    int slot = 0;     // the replica's slot; 0 (left out) when not known
};
// The `log` message of a service's line: {line, node, nodeName, [slot,]
// stream, task, [truncated,] ts}, byte for byte what envelope() would give;
// from one thread, as logMessage().
QString serviceLogMessage(const QString &line, const QString &stream, const QString &ts,
                          bool truncated, const TaskOrigin &origin,
                          const QDateTime &now = QDateTime::currentDateTimeUtc());
// Appends `text` as a JSON string literal, escaped exactly as QJsonDocument
// does; a lone surrogate becomes U+FFFD, as it would in UTF-8.
void appendJsonString(QString &out, QStringView text);
} // namespace mist::protocol
