// SPDX-License-Identifier: GPL-3.0-or-later

#include "MistServer.h"

#include "AlertDelivery.h"
#include "AlertEvaluator.h"
#include "AppStatsService.h"
#include "ArchiveService.h"
#include "ClientConnection.h"
#include "Credential.h"
#include "LogArchiver.h"
#include "Logging.h"
#include "OutputBudget.h"
#include "auth/LoginThrottle.h"
#include "auth/SignInQueue.h"
#include "deploy/DeploymentManager.h"
#include "endpoints/AlertsEndpoint.h"
#include "endpoints/AppStatsEndpoint.h"
#include "endpoints/ContainerLogsEndpoint.h"
#include "endpoints/ContainerStatsEndpoint.h"
#include "endpoints/DeploymentLogsEndpoint.h"
#include "endpoints/MetricsEndpoint.h"
#include "engine/DockerClient.h"
#include "engine/DockerHost.h"
#include "history/MetricHistory.h"
#include "http/HttpLogging.h"
#include "http/HttpServer.h"
#include "metrics/MetricsSampler.h"
#include "protocol/Envelope.h"
#include "rest/Routes.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStorageInfo>
#include <QSysInfo>
#include <QUrl>
#include <QWebSocket>

#include <sys/resource.h>

namespace mist::server {

namespace {
// Descriptors the server needs besides its clients' sockets: engine log
// streams and requests, the database, files, git processes, listeners, 503
// answers being written.
constexpr rlim_t ReservedDescriptors = 512;

// The connection limit that fits the process's descriptor limit (systemd
// gives services 1024 unless the unit says otherwise): raised as far as the
// hard limit allows, else the connection limit comes down.
int connectionsWithinDescriptorLimit(int wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return wanted;
    const rlim_t needed = rlim_t(wanted) + ReservedDescriptors;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
        rlimit raised = limit;
        raised.rlim_cur =
            limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
        if (raised.rlim_cur > limit.rlim_cur && ::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed)
        return wanted;
    const rlim_t room = limit.rlim_cur > 2 * ReservedDescriptors
                            ? limit.rlim_cur - ReservedDescriptors
                            : limit.rlim_cur / 2;
    return int(room);
}
} // namespace

MistServer::MistServer(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_store(std::make_unique<store::Store>()) {
    connect(&m_pingTimer, &QTimer::timeout, this, &MistServer::pingAll);
}

MistServer::~MistServer() {
    stop();
    if (m_deployments)
        m_deployments->setContainerDrain(nullptr);
    // It follows containers through the endpoint's hubs into the archive.
    if (m_archiver)
        m_archiver->setLineObserver({});
    m_archiver.reset();
    // Endpoints and their hubs hold connections and engine streams: end them
    // before the engine client goes.
    qDeleteAll(m_endpoints);
    m_endpoints.clear();
    m_appStats.reset();
    m_deployments.reset();
    qDeleteAll(QSet<ClientConnection *>(m_clients));
}

Expected<void> MistServer::start() {
    if (Expected<void> opened = m_store->open(m_config.dataDir); !opened)
        return opened;
    const auto host = engine::DockerHost::fromEnvironment(m_config.dockerHost);
    if (!host)
        return fail(host.error());
    m_docker = std::make_unique<engine::DockerClient>(*host);
    m_sampler = std::make_unique<metrics::MetricsSampler>(m_docker.get(), m_config.dataDir);
    m_appStats = std::make_unique<AppStatsService>(m_store.get(), m_docker.get());
    startHistory();

    deploy::DeployConfig deployConfig;
    deployConfig.workers = m_config.deployWorkers;
    deployConfig.network = m_config.deployNetwork;
    deployConfig.buildTimeoutSeconds = m_config.buildTimeoutSeconds;
    deployConfig.logLimitBytes = m_config.deployLogLimitBytes;
    deployConfig.workDir = QDir(m_config.dataDir).filePath(QStringLiteral("work"));
    m_deployments = std::make_unique<deploy::DeploymentManager>(*m_store, *m_docker, deployConfig);
    m_archive = std::make_unique<ArchiveService>(m_config.dataDir, m_config.logRetentionBytes,
                                                 m_config.logRetentionDays);

    m_containerLogs = new ContainerLogsEndpoint(m_store.get(), m_docker.get());
    if (m_archive->state() == ArchiveService::State::Open) {
        m_archiver = std::make_unique<LogArchiver>(m_store.get(), m_docker.get(),
                                                   m_archive->archive(), m_containerLogs);
        // An old container's last output is archived before a deployment removes it.
        m_deployments->setContainerDrain(m_archiver.get());
    }
    m_metrics = new MetricsEndpoint(m_sampler.get());
    m_metrics->setDiskName(QString::fromUtf8(QStorageInfo(m_config.dataDir).device()));
    m_endpoints = {m_containerLogs, m_metrics,
                   new DeploymentLogsEndpoint(m_store.get(), m_deployments.get()),
                   new AppStatsEndpoint(m_store.get(), m_appStats.get()),
                   new ContainerStatsEndpoint(m_store.get(), m_appStats.get())};

    AlertDelivery::Options alertOptions;
    alertOptions.dataDir = m_config.dataDir;
    alertOptions.host = QSysInfo::machineHostName();
    alertOptions.caFile = AlertDelivery::caFileFromEnvironment();
    m_alertDelivery = std::make_unique<AlertDelivery>(alertOptions);
    startAlerts();

    m_outputBudget = std::make_unique<OutputBudget>(m_config.maxQueuedTotal);
    m_loginThrottle = std::make_unique<auth::LoginThrottle>();
    m_signIns = std::make_unique<auth::SignInQueue>();
    const bool tls = !m_config.tlsCert.isEmpty();
    registerRoutes(tls);

    m_http = std::make_unique<http::HttpServer>();
    setUpHttp();
    if (tls) {
        if (auto enabled = m_http->enableTls(m_config.tlsCert, m_config.tlsKey); !enabled)
            return enabled;
    }
    m_http->setHostPolicy(allowedHosts(tls));
    if (const auto listening = m_http->listen(m_config.listenAddress, m_config.port); !listening)
        return fail(QStringLiteral("cannot listen on %1:%2: %3")
                        .arg(m_config.listenAddress.toString())
                        .arg(m_config.port)
                        .arg(listening.error()));
    qCInfo(lcServer).noquote() << "serving on" << httpUrl().toString() << "data" << m_config.dataDir
                               << "engine" << m_docker->host().toString();
    m_sampler->start(1000);
    m_appStats->start();
    m_deployments->start();
    m_alertDelivery->start();
    m_alertEvaluator->start();
    if (m_archiver)
        m_archiver->start();
    writeServerFile();
    m_pingTimer.start(m_config.pingIntervalSeconds * 1000);
    return {};
}

// The metric history in <dataDir>/history.db, fed the host's sample every
// second. One that cannot open does not stop the server: its routes answer 503.
void MistServer::startHistory() {
    m_history = std::make_unique<history::MetricHistory>(m_config.dataDir);
    if (const auto opened = m_history->open(); !opened) {
        qCWarning(lcServer).noquote() << "metric history unavailable:" << opened.error();
        return;
    }
    connect(m_sampler.get(), &metrics::MetricsSampler::sampled, m_history.get(), [this] {
        m_history->record(history::HostSeries, m_history->nowMs(), m_sampler->latestObject());
    });
    // Every running app's figures as /ws/apps/stats sends them; an app without a running
    // container adds no point (its figures are null), and its id is the series' name, not a
    // figure.
    connect(m_appStats.get(), &AppStatsService::sampled, m_history.get(),
            [this](const AppStatsSample &sample) {
                for (const AppStats &app : sample.apps) {
                    if (!app.figures)
                        continue;
                    QJsonObject figures = appStatsJson(app);
                    figures.remove(QStringLiteral("appId"));
                    m_history->record(history::appSeries(app.appId), sample.timestampMs, figures);
                }
            });
}

// The alert rules fed by the host sampler, the app statistics (their samples
// and their engine events), the deployments and the log archive's live
// lines; their alerts go out on /ws/alerts.
void MistServer::startAlerts() {
    m_alertEvaluator = std::make_unique<AlertEvaluator>(m_store.get(), m_alertDelivery.get());
    AlertEvaluator *alerts = m_alertEvaluator.get();
    connect(m_sampler.get(), &metrics::MetricsSampler::sampled, alerts,
            [this, alerts] { alerts->onHostSample(m_sampler->latestObject()); });
    connect(m_appStats.get(), &AppStatsService::sampled, alerts, &AlertEvaluator::onAppSample);
    connect(m_appStats.get(), &AppStatsService::appEvent, alerts, &AlertEvaluator::onAppEvent);
    connect(m_appStats.get(), &AppStatsService::engineReachable, alerts,
            &AlertEvaluator::onEngineReachable);
    connect(m_deployments.get(), &deploy::DeploymentManager::statusChanged, alerts,
            &AlertEvaluator::onDeployment);
    if (m_archiver)
        m_archiver->setLineObserver([alerts](qint64 appId, const QString &line, qint64 tsNs) {
            alerts->onLine(appId, line, tsNs);
        });
    m_endpoints.append(new AlertsEndpoint(m_store.get(), alerts));
}

history::MetricHistory *MistServer::history() {
    return m_history && m_history->isOpen() ? m_history.get() : nullptr;
}

// The REST routes; the router asks signedIn() for the caller.
void MistServer::registerRoutes(bool tls) {
    m_router = std::make_unique<RestRouter>([this](const http::HttpRequest &request) {
        return signedIn(request.header("authorization"), request.header("cookie"));
    });
    registerServerRoutes(*m_router, [this] { return stats(); });
    registerAuthRoutes(*m_router, *m_store, *m_loginThrottle, *m_signIns, tls);
    registerAppRoutes(*m_router, *m_store, *m_docker);
    registerContainerRoutes(*m_router, *m_store, *m_docker);
    registerAppActionRoutes(*m_router, *m_store, *m_docker, m_config.actionStopSeconds);
    registerAppLogsRoute(*m_router, *m_store, *m_archive);
    registerAlertRoutes(*m_router, *m_store, *m_alertDelivery,
                        [this] { m_alertEvaluator->rulesChanged(); });
    registerHistoryRoutes(*m_router, *m_store, *m_history);
    // Before registerDeploymentRoutes: its /api/deployments/{id} would take
    // upstream's /api/deployments/logs.
    registerUpstreamRoutes(*m_router, *m_store, *m_deployments);
    registerDeploymentRoutes(*m_router, *m_store, *m_deployments);
    registerPrometheusRoute(*m_router, [this] {
        PrometheusSnapshot s;
        s.host = m_sampler->latestObject();
        for (const WebSocketEndpoint *endpoint : std::as_const(m_endpoints))
            s.clients.insert(endpoint->path(), endpoint->clientCount());
        s.linesRelayed = m_containerLogs->linesRelayed();
        s.engineStreamsOpen = m_docker->activeStreams();
        s.engineStreamsOpened = m_docker->streamsOpened();
        s.deployments = store::orLogged(m_deployments->deployments().countByStatus());
        s.httpAnswers = m_http->answersByStatus();
        for (const AppStats &app : m_appStats->latest().apps)
            s.apps.append(appStatsJson(app));
        return s;
    });
}

// Connection limits, the REST handler (WebSocket paths, CSRF) and the gate
// every WebSocket handshake passes (path, origin, session).
void MistServer::setUpHttp() {
    http::HttpServerLimits limits;
    limits.maxConnections = connectionsWithinDescriptorLimit(m_config.maxConnections);
    if (limits.maxConnections < m_config.maxConnections)
        qCWarning(lcServer).noquote()
            << QStringLiteral("--max-connections %1 lowered to %2: the process may open only "
                              "%3 more descriptors beyond the %4 kept for the engine, database "
                              "and files (raise LimitNOFILE= or ulimit -n)")
                   .arg(m_config.maxConnections)
                   .arg(limits.maxConnections)
                   .arg(limits.maxConnections)
                   .arg(ReservedDescriptors);
    limits.maxConnectionsPerAddress = m_config.maxConnectionsPerAddress;
    m_http->setConnectionLimits(limits);
    m_http->setRestHandler(
        [this](const http::HttpRequest &request, const http::HttpServer::Responder &respond) {
            for (const WebSocketEndpoint *endpoint : std::as_const(m_endpoints)) {
                if (endpoint->serves(request.path())) {
                    respond(http::HttpResponse::fail(426,
                                                     QStringLiteral("WebSocket upgrade required")));
                    return;
                }
            }
            // Cross-site request forgery: a page on another origin (an app this
            // server deployed, on another port of the same host, is "same site"
            // for SameSite cookies) must not change anything.
            const QByteArray origin = request.header("origin");
            if (request.method != "GET" && request.method != "HEAD" && !origin.isEmpty() &&
                !originAllowed(origin, request.header("host"))) {
                respond(http::HttpResponse::fail(403, QStringLiteral("Origin not allowed")));
                return;
            }
            m_router->dispatch(request, respond);
        });
    m_http->setUpgradeGate(
        [this](const http::HttpRequest &request) -> std::optional<http::HttpResponse> {
            const bool known =
                std::any_of(m_endpoints.cbegin(), m_endpoints.cend(),
                            [&](const WebSocketEndpoint *e) { return e->serves(request.path()); });
            const QString peer = request.peer.toString();
            if (!known) {
                qCInfo(lcHttp).noquote() << "refused WebSocket for unknown path"
                                         << request.path().left(200) << "from" << peer;
                return http::HttpResponse::fail(404, QStringLiteral("Not found"));
            }
            const QByteArray origin = request.header("origin");
            if (!origin.isEmpty() && !originAllowed(origin, request.header("host"))) {
                qCWarning(lcHttp).noquote()
                    << "refused WebSocket from foreign origin"
                    << QString::fromLatin1(origin).left(200) << "from" << peer;
                return http::HttpResponse::fail(403, QStringLiteral("Origin not allowed"));
            }
            if (!signedIn(request.header("authorization"), request.header("cookie"))) {
                qCInfo(lcHttp).noquote() << "refused WebSocket without a valid session on"
                                         << request.path() << "from" << peer;
                return http::HttpResponse::fail(401, QStringLiteral("Not signed in"));
            }
            return std::nullopt;
        });
    connect(m_http.get(), &http::HttpServer::webSocketConnected, this, &MistServer::onWebSocket);
}

http::HostPolicy MistServer::allowedHosts(bool tls) const {
    // DNS rebinding: only names someone chose are served. A certificate's
    // names are chosen too (and a rebound name could not pass TLS anyway).
    http::HostPolicy hosts;
    hosts.names = m_config.allowedHosts;
    if (tls) {
        const QSslCertificate cert = m_http->certificate();
        QStringList names = cert.subjectAlternativeNames().values(QSsl::DnsEntry);
        names += cert.subjectInfo(QSslCertificate::CommonName);
        for (const QString &name : std::as_const(names)) {
            if (const auto normalized = http::normalizeAllowedHost(name))
                hosts.names.append(*normalized);
        }
    }
    return hosts;
}

// <data-dir>/server.json tells operator commands on this host (mist-monitor
// deploy, logs, ...) where the server that owns this data directory listens.
void MistServer::writeServerFile() {
    QSaveFile file(QDir(m_config.dataDir).filePath(QStringLiteral("server.json")));
    if (!file.open(QIODevice::WriteOnly))
        return;
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(
        QJsonDocument(QJsonObject{{QStringLiteral("url"), httpUrl().toString()},
                                  {QStringLiteral("pid"), QCoreApplication::applicationPid()}})
            .toJson(QJsonDocument::Compact));
    file.commit();
}

void MistServer::stop() {
    if (m_http && m_http->serverPort() != 0)
        QFile::remove(QDir(m_config.dataDir).filePath(QStringLiteral("server.json")));
    m_pingTimer.stop();
    if (m_http)
        m_http->close();
    if (m_sampler)
        m_sampler->stop();
    if (m_appStats)
        m_appStats->stop();
    if (m_alertEvaluator)
        m_alertEvaluator->stop();
    if (m_alertDelivery)
        m_alertDelivery->stop();
    if (m_history)
        m_history->flush();
    // Clients learn that we are going away (1001) rather than seeing a drop;
    // they reconnect and resume once the server is back.
    const QSet<ClientConnection *> clients = m_clients;
    for (ClientConnection *client : clients)
        client->close(QWebSocketProtocol::CloseCodeGoingAway,
                      QStringLiteral("Server shutting down"));
}

quint16 MistServer::port() const {
    return m_http ? m_http->serverPort() : 0;
}

QUrl MistServer::httpUrl() const {
    QUrl url;
    url.setScheme(m_config.tlsCert.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"));
    url.setHost(m_config.listenAddress.toString());
    url.setPort(port());
    return url;
}

QUrl MistServer::wsUrl() const {
    QUrl url = httpUrl();
    url.setScheme(url.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    return url;
}

std::optional<SignedIn> MistServer::signedIn(const QByteArray &authorization,
                                             const QByteArray &cookie) {
    const std::optional<Credential> credential = presentedCredential(authorization, cookie);
    if (!credential)
        return std::nullopt;
    const std::optional<store::Session> session =
        store::orLogged(m_store->sessions().find(credential->token));
    if (!session)
        return std::nullopt;
    return SignedIn{session->user, *credential, session->apiToken};
}

bool MistServer::originAllowed(const QByteArray &origin, const QByteArray &host) const {
    const QString o = QString::fromLatin1(origin).toLower();
    // The server's own origin: the page was served by us, under the Host the
    // browser used.
    const QString scheme =
        m_config.tlsCert.isEmpty() ? QStringLiteral("http://") : QStringLiteral("https://");
    if (!host.isEmpty() && o == scheme + QString::fromLatin1(host).toLower())
        return true;
    return m_config.allowedOrigins.contains(o);
}

void MistServer::onWebSocket(QWebSocket *socket, QTcpSocket *transport) {
    // The gate let this one through; the session could still have ended in
    // the moment since, so look again.
    const auto who = signedIn(socket->request().rawHeader("Authorization"),
                              socket->request().rawHeader("Cookie"));
    if (!who) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Not signed in"));
        socket->deleteLater();
        return;
    }
    if (!transport)
        qCWarning(lcServer).noquote()
            << "no transport socket found for a WebSocket from" << socket->peerAddress().toString()
            << "(its reads are not checked against its queue)";
    // Pings check this token: whichever credential opened the socket, its
    // revocation ends the socket.
    auto *client = new ClientConnection(socket, transport, who->user, who->credential.token,
                                        m_outputBudget.get(), this);
    m_clients.insert(client);
    qCInfo(lcServer).noquote() << "client" << socket->peerAddress().toString() << "user"
                               << who->user.id << "opened" << socket->requestUrl().path();
    connect(client, &ClientConnection::closed, this, [this](ClientConnection *c) {
        qCInfo(lcServer).noquote() << "client" << c->socket()->peerAddress().toString() << "user"
                                   << c->user().id << "closed" << c->endpoint();
        m_clients.remove(c);
    });
    const QString path = socket->requestUrl().path();
    for (WebSocketEndpoint *endpoint : std::as_const(m_endpoints)) {
        if (endpoint->serves(path)) {
            endpoint->accept(client);
            return;
        }
    }
    client->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Unknown endpoint"));
}

void MistServer::pingAll() {
    const qint64 deadline = qint64(m_config.pingIntervalSeconds) * 2 * 1000;
    const QSet<ClientConnection *> clients = m_clients; // abort() edits m_clients
    for (ClientConnection *client : clients) {
        if (!client->aliveWithin(deadline)) {
            client->socket()->abort(); // answered no ping for two intervals
            continue;
        }
        // Logout, a password change or expiry ends the session: its sockets
        // end with it, at the latest one ping interval later.
        const auto user = store::orLogged(m_store->sessions().userFor(client->sessionToken()));
        if (!user) {
            client->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("Session ended"));
            continue;
        }
        client->setUser(*user);
        client->ping();
    }
}

QJsonObject MistServer::httpStats() const {
    if (!m_http)
        return {};
    const http::HttpServer::Counters c = m_http->counters();
    const http::HttpServerLimits &limits = m_http->connectionLimits();
    return QJsonObject{
        {QStringLiteral("open"), c.open},
        {QStringLiteral("maxConnections"), limits.maxConnections},
        {QStringLiteral("maxConnectionsPerAddress"), limits.maxConnectionsPerAddress},
        {QStringLiteral("handshaking"), c.handshaking},
        {QStringLiteral("handshakesWaiting"), c.waiting},
        {QStringLiteral("refused"), double(c.refused)},
        {QStringLiteral("evicted"), double(c.evicted)},
        {QStringLiteral("handshakeTimeouts"), double(c.handshakeTimeouts)},
        {QStringLiteral("handshakesPreempted"), double(c.handshakesPreempted)},
        {QStringLiteral("handshakeFailures"), double(c.handshakeFailures)},
        {QStringLiteral("unmaskedFrames"), double(c.unmaskedFrames)},
        {QStringLiteral("hostsRefused"), double(c.hostsRefused)},
    };
}

QJsonObject MistServer::stats() const {
    QJsonObject clients;
    for (const WebSocketEndpoint *endpoint : m_endpoints)
        clients.insert(endpoint->path(), endpoint->clientCount());
    QJsonObject signIns;
    if (m_signIns) {
        signIns = QJsonObject{{QStringLiteral("running"), m_signIns->running()},
                              {QStringLiteral("waiting"), m_signIns->waiting()},
                              {QStringLiteral("peakRunning"), m_signIns->peakRunning()},
                              {QStringLiteral("peakWaiting"), m_signIns->peakWaiting()},
                              {QStringLiteral("refused"), double(m_signIns->refused())},
                              {QStringLiteral("checked"), double(m_signIns->checked())}};
    }
    return QJsonObject{
        {QStringLiteral("signIns"), signIns},
        {QStringLiteral("clients"), clients},
        {QStringLiteral("logHubs"), m_containerLogs ? m_containerLogs->hubCount() : 0},
        {QStringLiteral("linesRelayed"),
         double(m_containerLogs ? m_containerLogs->linesRelayed() : 0)},
        {QStringLiteral("engineStreamsActive"), m_docker ? m_docker->activeStreams() : 0},
        {QStringLiteral("engineStreamsOpened"), double(m_docker ? m_docker->streamsOpened() : 0)},
        {QStringLiteral("metricsSamples"), double(m_sampler ? m_sampler->samplesTaken() : 0)},
        // Output waiting in the WebSocket clients' sockets, all together
        // (--max-queued-total), its peak since start, and the clients closed
        // or dropped to keep within it.
        {QStringLiteral("outputQueued"), double(m_outputBudget ? m_outputBudget->total() : 0)},
        {QStringLiteral("outputQueuedPeak"), double(m_outputBudget ? m_outputBudget->peak() : 0)},
        {QStringLiteral("outputBudgetCuts"), double(m_outputBudget ? m_outputBudget->cuts() : 0)},
        {QStringLiteral("http"), httpStats()},
        {QStringLiteral("appStats"), m_appStats ? m_appStats->stats() : QJsonObject()},
    };
}

} // namespace mist::server
