#include "MetricsEndpoint.h"

#include "metrics/MetricsSampler.h"
#include "server/ClientConnection.h"

namespace mist::server {

MetricsEndpoint::MetricsEndpoint(metrics::MetricsSampler *sampler, QObject *parent)
    : WebSocketEndpoint(parent)
    , m_sampler(sampler) {
    connect(m_sampler, &metrics::MetricsSampler::sampled, this, &MetricsEndpoint::broadcast);
}

void MetricsEndpoint::accept(ClientConnection *client) {
    m_clients.append(client);
    connect(client, &ClientConnection::closed, this,
            [this](ClientConnection *c) { m_clients.removeOne(c); });
    if (!m_sampler->latest().isEmpty())
        client->send(m_sampler->latest());
}

void MetricsEndpoint::broadcast(const QString &message) {
    // send() may close a client that cannot keep up, which edits m_clients.
    const auto clients = m_clients;
    for (ClientConnection *c : clients)
        c->send(message);
}

} // namespace mist::server
