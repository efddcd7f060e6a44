// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "RestRouter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <functional>

namespace mist::auth {
class LoginThrottle;
class SignInQueue;
} // namespace mist::auth
namespace mist::deploy {
class DeploymentManager;
}
namespace mist::engine {
class DockerClient;
struct ContainerSummary;
} // namespace mist::engine
namespace mist::history {
class MetricHistory;
}

namespace mist::server {

class AlertDelivery;
class ArchiveService;

constexpr auto SessionCookieName = "mist_token";

// The user as REST answers show it (never the password hash).
QJsonObject userJson(const store::User &user);

// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. Passwords
// are checked on `signIns`' threads; the login answer comes when it is done.
void registerAuthRoutes(RestRouter &router, store::Store &store, auth::LoginThrottle &throttle,
                        auth::SignInQueue &signIns, bool secureCookies);
// GET/POST /api/apps, GET /api/apps/{id}. The list inspects at most this many app containers
// (for their times); the others' containerStartedAt, containerFinishedAt, containerExitCode are
// null.
constexpr int AppListMaxInspected = 100;
// ... and all app lists being answered at once inspect at most this many containers together
// (the rest answer with null times); an inspect's answer serves every list for 2 s.
constexpr int AppListInspectsInFlight = 128;
void registerAppRoutes(RestRouter &router, store::Store &store, engine::DockerClient &docker);
// GET /api/containers (owner, admin): every container of the engine, running or not, with its
// compose project and the app that adopts it (docs/PROTOCOL.md). 503 when the engine is not
// reached, 502 when it fails.
void registerContainerRoutes(RestRouter &router, store::Store &store, engine::DockerClient &docker);
// The rows of GET /api/containers: {id, name, image, state, status, project, appId}; project is
// the com.docker.compose.project label and appId the adopting app's id (null without either).
QJsonArray containerList(const QList<engine::ContainerSummary> &containers,
                         const QList<store::App> &apps);
// POST /api/apps/{id}/start|stop|restart (owner and admin): the app's container, or its Swarm
// service scaled / forced to new tasks; one action per app at a time (docs/ACTIONS.md).
// `stopSeconds`: the grace a stop or restart gives the container before the engine kills it.
void registerAppActionRoutes(RestRouter &router, store::Store &store, engine::DockerClient &docker,
                             int stopSeconds);
// Resolves {id} of /api/apps/{id}/...: answers 400 "Invalid appId", 404 "Application not found"
// or 403 "Permission denied" itself (the app socket's texts) and returns nullopt when the caller
// may not go on. Every route under an app uses it.
std::optional<store::App> appFor(RestContext &ctx, store::Store &store);
// GET|POST /api/alerts/rules, PUT|DELETE /api/alerts/rules/{id}, the same
// for /api/alerts/channels, POST /api/alerts/channels/{id}/test and
// GET /api/alerts (docs/ALERTS.md).
// rulesChanged: after a rule was written or deleted.
void registerAlertRoutes(RestRouter &router, store::Store &store, AlertDelivery &delivery,
                         std::function<void()> rulesChanged);
// GET /api/apps/{id}/logs: the app's archived output (docs/ARCHIVE.md).
void registerAppLogsRoute(RestRouter &router, store::Store &store, ArchiveService &archive);
// POST /api/deployments, GET /api/deployments/{id}[/logs], POST .../cancel,
// GET /api/apps/{id}/deployments.
void registerDeploymentRoutes(RestRouter &router, store::Store &store,
                              deploy::DeploymentManager &manager);
// Upstream Mist's REST routes that upstream's dashboard needs, in upstream's
// shapes with this server's checks: GET /api/deployments/logs?id=N. Register
// before registerDeploymentRoutes, whose /api/deployments/{id} would take
// `logs` for an id (the router's first match wins).
void registerUpstreamRoutes(RestRouter &router, store::Store &store,
                            deploy::DeploymentManager &manager);
// At most this many bytes of log lines in GET /api/deployments/logs (the
// last ones; a note says how many lines were left out before them).
constexpr qint64 UpstreamLogsMaxBytes = 4 * 1024 * 1024;
// What /metrics reports, gathered at request time.
struct PrometheusSnapshot {
    QJsonObject host;    // the latest /ws/metrics sample
    QJsonObject clients; // endpoint path -> connected clients
    quint64 linesRelayed = 0;
    int engineStreamsOpen = 0;
    quint64 engineStreamsOpened = 0;
    QHash<QString, qint64> deployments; // status -> count
    QHash<int, quint64> httpAnswers;    // status code -> count
    QList<QJsonObject> apps;            // every app's latest /ws/apps/stats object
};
// GET /metrics in the Prometheus text format (owner/admin; cookie or Bearer).
void registerPrometheusRoute(RestRouter &router, std::function<PrometheusSnapshot()> snapshot);

// GET /api/metrics/history (any signed-in user) and GET /api/apps/{id}/stats/history (the
// app's permission, as appFor): docs/HISTORY.md.
void registerHistoryRoutes(RestRouter &router, store::Store &store,
                           history::MetricHistory &history);

// GET /api/health (public), GET /api/server/stats (owner/admin).
void registerServerRoutes(RestRouter &router, std::function<QJsonObject()> stats);

} // namespace mist::server
