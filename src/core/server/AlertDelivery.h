// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace mist::server {

// Sends the alert queue (table alert_deliveries, docs/ALERTS.md) on a thread
// of its own with its own database connection, through libcurl's multi
// interface: a channel that hangs holds one transfer on that thread, never
// the event loop or the streams. Per channel, messages go out one at a time
// in queue order; a failed one is retried with exponential backoff (1 s,
// 2 s, 4 s ... at most RetryCapSeconds apart) until it is an hour old, and
// the ones behind it wait. A message is marked delivered in one statement as
// soon as its receiver answered 2xx; rows survive a restart.
class AlertDelivery : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString dataDir;
        QString host; // the server's name, "host" in every message
        int timeoutSeconds = 10;
        int connectTimeoutSeconds = 5;
        // At most this many messages per channel per minute; the rest wait.
        int perChannelPerMinute = 20;
        qint64 retryCapSeconds = 300;
        // CA certificates (PEM) that outgoing TLS (https webhooks, smtps, STARTTLS) trusts
        // instead of the system's; empty: the system's. The server takes it from
        // SSL_CERT_FILE (caFileFromEnvironment), OpenSSL's own name for it.
        QString caFile;
    };
    // SSL_CERT_FILE when it names a file, else empty (docs/ALERTS.md, "Delivery").
    static QString caFileFromEnvironment();

    // How long whoever queues a message gives it (its give-up time is this
    // far from now); a test message gets one attempt.
    static constexpr qint64 RetryForSeconds = 3600;

    explicit AlertDelivery(Options options, QObject *parent = nullptr);
    ~AlertDelivery() override;

    // Starts the sending thread (opens its own connection to the store).
    void start();
    // Stops it; a transfer in flight is dropped and its message stays pending.
    void stop();
    // Something was queued: look now rather than at the next poll.
    void wake();

    // The `data` of a test message for channel `name` (docs/ALERTS.md).
    static QJsonObject testData(const QString &name);
    const Options &options() const { return m_options; }

signals:
    // After each attempt, on the thread that owns this object. `error` is a
    // fixed text (curl's or "HTTP <status>"), never a URL or a secret.
    void attempted(qint64 deliveryId, bool delivered, const QString &error);

private:
    struct Worker;
    Options m_options;
    std::unique_ptr<Worker> m_worker;
};

} // namespace mist::server
