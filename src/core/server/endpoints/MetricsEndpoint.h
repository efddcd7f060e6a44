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
    void accept(ClientConnection *client) override;
    int clientCount() const override { return int(m_clients.size()); }

private:
    void broadcast(const QString &message);

    metrics::MetricsSampler *m_sampler;
    QList<ClientConnection *> m_clients;
};

} // namespace mist::server
