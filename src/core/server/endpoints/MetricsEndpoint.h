// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "WebSocketEndpoint.h"

#include <QList>
#include <QPointer>

namespace mist::metrics {
class MetricsSampler;
}

namespace mist::server {

// /ws/metrics: the sampler's latest sample at once, then every new one; the
// same serialised bytes go to every client.
class MetricsEndpoint : public WebSocketEndpoint {
    Q_OBJECT
public:
    MetricsEndpoint(metrics::MetricsSampler *sampler, QObject *parent = nullptr);
    QString path() const override { return QStringLiteral("/ws/metrics"); }
    // Upstream's schema (protocol::upstream::metricsToUpstream), serialised
    // once per sample for all its clients.
    QString upstreamPath() const override { return QStringLiteral("/api/ws/stats"); }
    void accept(ClientConnection *client) override;
    int clientCount() const override;
    // The disk upstream's schema names (the filesystem of the data directory).
    void setDiskName(const QString &name) { m_diskName = name; }

private:
    void broadcast(const QString &message);
    QString upstreamMessage() const;

    metrics::MetricsSampler *m_sampler;
    QList<ClientConnection *> m_clients;
    QList<ClientConnection *> m_upstreamClients;
    QString m_diskName;
};

} // namespace mist::server
