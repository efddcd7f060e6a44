#pragma once

#include "RestRouter.h"

#include <QJsonObject>

#include <functional>

namespace mist::deploy {
class DeploymentManager;
}
namespace mist::engine {
class DockerClient;
}

namespace mist::server {

constexpr auto SessionCookieName = "mist_token";

// The user as REST answers show it (never the password hash).
QJsonObject userJson(const store::User &user);

// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me.
void registerAuthRoutes(RestRouter &router, store::Store &store, bool secureCookies);
// GET/POST /api/apps, GET /api/apps/{id}.
void registerAppRoutes(RestRouter &router, store::Store &store, engine::DockerClient &docker);
// POST /api/deployments, GET /api/deployments/{id}[/logs], POST .../cancel,
// GET /api/apps/{id}/deployments.
void registerDeploymentRoutes(RestRouter &router, store::Store &store,
                              deploy::DeploymentManager &manager);
// GET /api/health (public), GET /api/server/stats (owner/admin).
void registerServerRoutes(RestRouter &router, std::function<QJsonObject()> stats);

} // namespace mist::server
