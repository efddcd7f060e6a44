// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricsEndpoint.h"

#include "metrics/MetricsSampler.h"
#include "protocol/UpstreamDialect.h"
#include "server/ClientConnection.h"

#include <QFile>
#include <QJsonDocument>

namespace mist::server {

namespace {
QByteArray readSmallFile(const char *path) {
    QFile f(QString::fromLatin1(path));
    return f.open(QIODevice::ReadOnly) ? f.read(4096) : QByteArray();
}
} // namespace

MetricsEndpoint::MetricsEndpoint(metrics::MetricsSampler *sampler, QObject *parent)
    : WebSocketEndpoint(parent)
    , m_sampler(sampler) {
    connect(m_sampler, &metrics::MetricsSampler::sampled, this, &MetricsEndpoint::broadcast);
}

void MetricsEndpoint::accept(ClientConnection *client) {
    const bool upstream = isUpstream(client);
    (upstream ? m_upstreamClients : m_clients).append(client);
    connect(client, &ClientConnection::closed, this, [this](ClientConnection *c) {
        m_clients.removeOne(c);
        m_upstreamClients.removeOne(c);
    });
    if (m_sampler->latest().isEmpty())
        return;
    client->send(upstream ? upstreamMessage() : m_sampler->latest());
}

int MetricsEndpoint::clientCount() const {
    return int(m_clients.size() + m_upstreamClients.size());
}

QString MetricsEndpoint::upstreamMessage() const {
    QString error;
    const auto sample = protocol::upstream::metricsToUpstream(
        m_sampler->latestObject(), m_diskName,
        protocol::upstream::parseLoadAverage(readSmallFile("/proc/loadavg")),
        protocol::upstream::parseUptimeSeconds(readSmallFile("/proc/uptime")),
        m_sampler->cpuTemperature());
    return QString::fromUtf8(QJsonDocument(sample).toJson(QJsonDocument::Compact));
}

void MetricsEndpoint::broadcast(const QString &message) {
    // send() may close a client that cannot keep up, which edits the lists.
    const auto clients = m_clients;
    for (ClientConnection *c : clients)
        c->send(message);
    if (m_upstreamClients.isEmpty())
        return;
    const QString upstream = upstreamMessage();
    const auto upstreamClients = m_upstreamClients;
    for (ClientConnection *c : upstreamClients)
        c->send(upstream);
}

} // namespace mist::server
