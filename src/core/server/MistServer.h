// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ServerConfig.h"

#include "base/Expected.h"

#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <memory>

class QTcpSocket;
class QWebSocket;

namespace mist::auth {
class LoginThrottle;
class SignInQueue;
} // namespace mist::auth
namespace mist::deploy {
class DeploymentManager;
}
namespace mist::engine {
class DockerClient;
}
namespace mist::history {
class MetricHistory;
}
namespace mist::http {
class HttpServer;
struct HostPolicy;
struct HttpRequest;
} // namespace mist::http
namespace mist::metrics {
class MetricsSampler;
}
namespace mist::store {
class Store;
struct User;
} // namespace mist::store

namespace mist::server {

class AppStatsService;
class AlertDelivery;
class AlertEvaluator;
class ArchiveService;
class LogArchiver;
class ClientConnection;
class ContainerLogsEndpoint;
class OutputBudget;
class MetricsEndpoint;
class RestRouter;
struct SignedIn;
class WebSocketEndpoint;

// The whole server: store, engine client, metrics sampler, REST routes and
// WebSocket endpoints on one port. `mist-monitor --server` runs one of these
// headless; the desktop app runs one in-process.
class MistServer : public QObject {
    Q_OBJECT
public:
    explicit MistServer(const ServerConfig &config, QObject *parent = nullptr);
    ~MistServer() override;

    // Opens the store, connects the engine client, starts sampling and listens.
    Expected<void> start();
    void stop();

    quint16 port() const;
    QUrl httpUrl() const; // http://host:port
    QUrl wsUrl() const;   // ws://host:port

    const ServerConfig &config() const { return m_config; }
    store::Store &store() { return *m_store; }
    engine::DockerClient &docker() { return *m_docker; }
    metrics::MetricsSampler &sampler() { return *m_sampler; }
    // The metric history (docs/HISTORY.md). A per-app sampler records each
    // app's sample with history().record(history::appSeries(appId),
    // QDateTime::currentMSecsSinceEpoch(), sample). Null when history.db
    // could not be opened (the history routes then answer 503).
    history::MetricHistory *history();
    ContainerLogsEndpoint &containerLogs() { return *m_containerLogs; }
    deploy::DeploymentManager &deployments() { return *m_deployments; }
    ArchiveService &archive() { return *m_archive; }
    LogArchiver *archiver() { return m_archiver.get(); }
    // Every app's container figures, once a second (docs/APP-STATS.md).
    AppStatsService &appStats() { return *m_appStats; }
    AlertDelivery &alertDelivery() { return *m_alertDelivery; }
    // The rules' evaluation (docs/ALERTS.md, "Evaluation").
    AlertEvaluator &alertEvaluator() { return *m_alertEvaluator; }
    // Counters for operators and tests (GET /api/server/stats).
    QJsonObject stats() const;
    // The connection layer's limits and what they did (part of stats()).
    QJsonObject httpStats() const;

private:
    // The credential the request presents (see presentedCredential), checked.
    std::optional<SignedIn> signedIn(const QByteArray &authorization, const QByteArray &cookie);
    bool originAllowed(const QByteArray &origin, const QByteArray &host) const;
    void onWebSocket(QWebSocket *socket, QTcpSocket *transport);
    void pingAll();
    void writeServerFile();
    void registerRoutes(bool tls);
    void startHistory();
    void startAlerts();
    void setUpHttp();
    http::HostPolicy allowedHosts(bool tls) const;

    ServerConfig m_config;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<engine::DockerClient> m_docker;
    std::unique_ptr<metrics::MetricsSampler> m_sampler;
    std::unique_ptr<AppStatsService> m_appStats;
    // Before the router, whose history routes use it.
    std::unique_ptr<history::MetricHistory> m_history;
    std::unique_ptr<deploy::DeploymentManager> m_deployments;
    // Before the router and m_http: searches' answers go to their responders.
    std::unique_ptr<ArchiveService> m_archive;
    std::unique_ptr<auth::LoginThrottle> m_loginThrottle;
    std::unique_ptr<RestRouter> m_router;
    // Before m_http and the clients: they report to it until they are gone.
    std::unique_ptr<OutputBudget> m_outputBudget;
    std::unique_ptr<http::HttpServer> m_http;
    // After m_http, so it goes first: its pending answers hold responders that
    // point into the HTTP server.
    std::unique_ptr<auth::SignInQueue> m_signIns;
    ContainerLogsEndpoint *m_containerLogs = nullptr;
    // Null when the archive is off or unavailable.
    std::unique_ptr<LogArchiver> m_archiver;
    std::unique_ptr<AlertDelivery> m_alertDelivery;
    // After m_alertDelivery, which it queues to.
    std::unique_ptr<AlertEvaluator> m_alertEvaluator;
    MetricsEndpoint *m_metrics = nullptr;
    QList<WebSocketEndpoint *> m_endpoints;
    QSet<ClientConnection *> m_clients;
    QTimer m_pingTimer;
};

} // namespace mist::server
