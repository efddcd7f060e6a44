// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "engine/SwarmState.h"
#include "protocol/Parsing.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QSet>

namespace mist::server {

namespace {
bool isAdmin(const store::User &user) {
    return user.role == store::Role::Owner || user.role == store::Role::Admin;
}

} // namespace

std::optional<store::App> appFor(RestContext &ctx, store::Store &store) {
    const auto id = protocol::parseId(ctx.captures.value(0));
    if (!id) {
        ctx.respond(http::HttpResponse::fail(400, QStringLiteral("Invalid appId")));
        return std::nullopt;
    }
    const auto app = store::orLogged(store.apps().byId(*id));
    if (!app) {
        ctx.respond(http::HttpResponse::fail(404, QStringLiteral("Application not found")));
        return std::nullopt;
    }
    if (!store::orLogged(store.apps().canAccess(*ctx.user, *id))) {
        ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
        return std::nullopt;
    }
    return app;
}

namespace {

// The app list with each app's container state and status: a service's
// from the swarm's lists, a container's from one container listing (null
// without an engine).
QJsonArray appList(const QList<store::App> &apps, const QHash<QString, QJsonObject> &swarm,
                   const engine::EngineResult<QList<engine::ContainerSummary>> &listed,
                   const QHash<QString, engine::ContainerState> &inspected) {
    QHash<QString, engine::ContainerSummary> byName;
    for (const engine::ContainerSummary &c : listed.value_or(QList<engine::ContainerSummary>()))
        for (const QString &name : c.names)
            byName.insert(name, c);
    QJsonArray list;
    for (const store::App &app : apps) {
        QJsonObject o = app.toJson();
        QJsonValue state, status, startedAt, finishedAt, exitCode;
        if (!app.swarmServiceName().isEmpty()) {
            const auto it = swarm.constFind(app.swarmServiceName());
            if (it != swarm.constEnd()) {
                state = it->value(QStringLiteral("state"));
                status = it->value(QStringLiteral("status"));
            }
        } else {
            const QString name = engine::appContainerName(app.id, app.containerName);
            const auto it = byName.constFind(name);
            if (it != byName.constEnd()) {
                state = it->state;
                status = it->status;
            }
            const auto times = inspected.constFind(name);
            if (times != inspected.constEnd()) {
                startedAt = times->startedAt;
                finishedAt = times->finishedAt;
                exitCode = times->exitCode;
            }
        }
        o.insert(QStringLiteral("containerState"),
                 state.isString() ? state : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("containerStatus"),
                 status.isString() ? status : QJsonValue(QJsonValue::Null));
        // The times the client words the status from (docs/PROTOCOL.md); null for services.
        o.insert(QStringLiteral("containerStartedAt"),
                 startedAt.isString() ? startedAt : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("containerFinishedAt"),
                 finishedAt.isString() ? finishedAt : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("containerExitCode"),
                 exitCode.isDouble() ? exitCode : QJsonValue(QJsonValue::Null));
        list.append(o);
    }
    return list;
}

// What the app list learnt of a container by inspecting it, shared by every request of the
// process for CacheMs: clients that list the apps every few seconds (every desktop does) cost
// the engine one inspect per container and CacheMs, not one per request.
struct InspectCache {
    static constexpr qint64 CacheMs = 2000;
    static constexpr int MaxEntries = 4096;
    struct Entry {
        engine::ContainerState state;
        qint64 atMs = 0;
    };
    QHash<QString, Entry> entries; // by engine address + container name
    int inFlight = 0;              // inspects of app lists, over all requests
};
InspectCache &inspectCache() {
    static InspectCache cache;
    return cache;
}

// Each listed app container's inspect (its StartedAt, FinishedAt, exit code): at most
// AppListMaxInspected for one request and AppListInspectsInFlight over all requests at once
// (past them the times are null), answered from InspectCache when fresh; `done` gets them by
// container name when every answer is in (a failed inspect leaves its container out).
void inspectAppContainers(
    engine::DockerClient &docker, const QList<store::App> &apps,
    const QList<engine::ContainerSummary> &containers,
    std::function<void(const QHash<QString, engine::ContainerState> &)> done) {
    QSet<QString> listed;
    for (const engine::ContainerSummary &c : containers)
        for (const QString &name : c.names)
            listed.insert(name);
    InspectCache &cache = inspectCache();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString engineKey = docker.host().toString() + u'\n';
    auto inspected = std::make_shared<QHash<QString, engine::ContainerState>>();
    QStringList names;
    for (const store::App &app : apps) {
        const QString name = engine::appContainerName(app.id, app.containerName);
        if (!app.swarmServiceName().isEmpty() || !listed.contains(name) || names.contains(name) ||
            inspected->contains(name))
            continue;
        const auto hit = cache.entries.constFind(engineKey + name);
        if (hit != cache.entries.constEnd() && now - hit->atMs < InspectCache::CacheMs)
            inspected->insert(name, hit->state);
        else if (names.size() < AppListMaxInspected &&
                 cache.inFlight + names.size() < AppListInspectsInFlight)
            names << name;
    }
    auto waiting = std::make_shared<int>(int(names.size()));
    if (names.isEmpty())
        return done(*inspected);
    cache.inFlight += int(names.size());
    if (cache.entries.size() > InspectCache::MaxEntries)
        cache.entries.clear();
    for (const QString &name : std::as_const(names)) {
        engine::Engine(docker).inspectContainer(
            name, nullptr,
            [name, key = engineKey + name, inspected, waiting,
             done](const engine::EngineResult<engine::ContainerState> &state) {
                InspectCache &cache = inspectCache();
                --cache.inFlight;
                if (state) {
                    inspected->insert(name, *state);
                    cache.entries.insert(key, {*state, QDateTime::currentMSecsSinceEpoch()});
                }
                if (--*waiting == 0)
                    done(*inspected);
            });
    }
}

// The list carries each app's container state ("running", "exited", ...)
// and the engine's own status text, from one container listing, so a
// client shows them without a stream per app. Without an engine they are
// null.
void listApps(RestContext &ctx, store::Store &store, engine::DockerClient &docker) {
    const auto visible = store.apps().visibleTo(*ctx.user);
    if (!visible) {
        ctx.respond(http::HttpResponse::fail(500, visible.error()));
        return;
    }
    const QList<store::App> apps = *visible;
    auto respond = ctx.respond;
    const bool anyService = std::any_of(apps.cbegin(), apps.cend(), [](const store::App &a) {
        return !a.swarmServiceName().isEmpty();
    });
    // Services' states come from the manager's service and task lists
    // (only asked for when an app is a service).
    auto swarm = std::make_shared<QHash<QString, QJsonObject>>();
    auto listContainers = [apps, respond, swarm, &docker] {
        engine::Engine(docker).containers(
            {}, nullptr,
            [apps, respond, swarm,
             &docker](const engine::EngineResult<QList<engine::ContainerSummary>> &listed) {
                inspectAppContainers(
                    docker, apps, listed.value_or(QList<engine::ContainerSummary>()),
                    [apps, respond, swarm, listed](const auto &inspected) {
                        respond(http::HttpResponse::ok(appList(apps, *swarm, listed, inspected)));
                    });
            });
    };
    if (!anyService)
        return listContainers();
    using Services = engine::EngineResult<QList<engine::SwarmService>>;
    using Tasks = engine::EngineResult<QList<engine::SwarmTask>>;
    engine::Engine(docker).services(nullptr, [swarm, listContainers,
                                              &docker](const Services &services) {
        if (!services)
            return listContainers(); // not a manager: states stay null
        engine::Engine(docker).tasks(
            {}, nullptr, [swarm, listContainers, serviceList = *services](const Tasks &tasks) {
                QHash<QString, QList<engine::SwarmTask>> byService;
                // A failed task list: the services' states as with no tasks.
                for (const engine::SwarmTask &t : tasks.value_or(QList<engine::SwarmTask>()))
                    byService[t.serviceId].append(t);
                for (const engine::SwarmService &svc : serviceList)
                    swarm->insert(svc.name, engine::serviceStatus(svc, byService.value(svc.id)));
                listContainers();
            });
    });
}

void createApp(RestContext &ctx, store::Store &store) {
    if (!isAdmin(*ctx.user)) {
        ctx.respond(http::HttpResponse::fail(
            403, QStringLiteral("Only owners and admins may create apps")));
        return;
    }
    const auto body = ctx.jsonBody();
    if (!body)
        return;
    auto text = [&](const char *key) {
        return body->value(QLatin1String(key)).toString();
    };
    store::App app;
    app.name = text("name");
    app.projectName = text("project");
    app.containerName = text("container");
    app.serviceName = text("service");
    app.gitUrl = text("git");
    app.gitBranch = text("branch");
    app.dockerfile = text("dockerfile");
    const QJsonValue port = body->value(QStringLiteral("port"));
    if (!port.isUndefined() && !port.isNull()) {
        const double p = port.toDouble(-1);
        if (!port.isDouble() || p < 0 || p > 65535 || p != int(p)) {
            ctx.respond(http::HttpResponse::fail(
                400, QStringLiteral("port must be a whole number from 0 to 65535")));
            return;
        }
        app.port = int(p);
    }
    const QJsonValue replicas = body->value(QStringLiteral("replicas"));
    if (!replicas.isUndefined() && !replicas.isNull()) {
        const double r = replicas.toDouble(-1);
        if (!replicas.isDouble() || r < 0 || r > store::App::MaxReplicas || r != int(r)) {
            ctx.respond(http::HttpResponse::fail(
                400, QStringLiteral("replicas must be a whole number from 0 to %1")
                         .arg(store::App::MaxReplicas)));
            return;
        }
        app.replicas = int(r);
    }
    const auto created = store.apps().add(app);
    if (!created) {
        const int status = created.error().contains(QStringLiteral("already exists")) ? 409 : 400;
        ctx.respond(http::HttpResponse::fail(status, created.error()));
        return;
    }
    ctx.respond(http::HttpResponse::ok(created->toJson(), QStringLiteral("App created"), 201));
}

} // namespace

void registerAppRoutes(RestRouter &router, store::Store &store, engine::DockerClient &docker) {
    router.add("GET", QStringLiteral("/api/apps"), RestRouter::Access::SignedIn,
               [&store, &docker](RestContext &ctx) { listApps(ctx, store, docker); });

    router.add("POST", QStringLiteral("/api/apps"), RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) { createApp(ctx, store); });

    router.add("GET", QStringLiteral("/api/apps/([^/]+)"), RestRouter::Access::SignedIn,
               [&store](RestContext &ctx) {
                   if (const auto app = appFor(ctx, store))
                       ctx.respond(http::HttpResponse::ok(app->toJson()));
               });
}

} // namespace mist::server
