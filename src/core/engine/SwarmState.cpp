// SPDX-License-Identifier: GPL-3.0-or-later

#include "SwarmState.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>

namespace mist::engine {

namespace {
// Newest first; the engine's RFC 3339 times compare as text within one engine.
bool newer(const SwarmTask &a, const SwarmTask &b) {
    return a.createdAt > b.createdAt;
}

QString serviceState(int replicas, int running, const QList<SwarmTask> &wanted,
                     const QList<SwarmTask> &others) {
    if (replicas == 0)
        return QStringLiteral("stopped");
    if (running >= replicas)
        return QStringLiteral("running");
    if (running == 0 && !others.isEmpty() && others.first().failed() &&
        std::none_of(wanted.cbegin(), wanted.cend(),
                     [&](const SwarmTask &t) { return newer(t, others.first()); }))
        return QStringLiteral("failed");
    return QStringLiteral("starting");
}

QJsonObject listedTask(const SwarmTask &t) {
    QJsonObject o{{QStringLiteral("id"), t.id},
                  {QStringLiteral("node"), t.nodeId},
                  {QStringLiteral("state"), t.state},
                  {QStringLiteral("desiredState"), t.desiredState},
                  {QStringLiteral("error"), t.error}};
    if (t.slot)
        o.insert(QStringLiteral("slot"), *t.slot); // a global service's tasks have none
    return o;
}
} // namespace

QJsonObject serviceStatus(const SwarmService &service, const QList<SwarmTask> &tasks) {
    QList<SwarmTask> wanted, others;
    for (const SwarmTask &t : tasks) {
        if (!service.id.isEmpty() && !t.serviceId.isEmpty() && t.serviceId != service.id)
            continue; // another service's task (a filter the engine did not apply)
        (t.wanted() ? wanted : others).append(t);
    }
    std::sort(wanted.begin(), wanted.end(), newer);
    std::sort(others.begin(), others.end(), newer);
    const int running = int(std::count_if(
        wanted.cbegin(), wanted.cend(), [](const SwarmTask &t) { return t.state == u"running"; }));
    // A global service: one task per eligible node.
    const int replicas = service.replicas.value_or(int(wanted.size()));

    QJsonArray listed;
    for (const QList<SwarmTask> *group : {&wanted, &others}) {
        for (const SwarmTask &t : *group) {
            if (listed.size() >= MaxTasksListed)
                break;
            listed.append(listedTask(t));
        }
    }
    return QJsonObject{
        {QStringLiteral("container"), service.name},
        {QStringLiteral("service"), service.name},
        {QStringLiteral("state"), serviceState(replicas, running, wanted, others)},
        {QStringLiteral("status"),
         QStringLiteral("%1/%2 tasks running").arg(running).arg(replicas)},
        {QStringLiteral("replicas"), replicas},
        {QStringLiteral("running"), running},
        {QStringLiteral("tasks"), listed},
    };
}

QHash<QString, TaskPlace> taskPlaces(const QList<SwarmTask> &tasks) {
    QHash<QString, TaskPlace> places;
    for (const SwarmTask &t : tasks)
        places.insert(t.id, TaskPlace{t.slot.value_or(0), t.nodeId});
    return places;
}

QJsonObject swarmFigures(const QList<SwarmNode> &nodes, qsizetype services,
                         const QList<SwarmTask> &tasks) {
    const int ready = int(std::count_if(nodes.begin(), nodes.end(),
                                        [](const SwarmNode &n) { return n.state == u"ready"; }));
    const int running = int(std::count_if(tasks.begin(), tasks.end(), [](const SwarmTask &t) {
        return t.wanted() && t.state == u"running";
    }));
    return QJsonObject{{QStringLiteral("nodes"), int(nodes.size())},
                       {QStringLiteral("nodesReady"), ready},
                       {QStringLiteral("services"), int(services)},
                       {QStringLiteral("tasksRunning"), running}};
}

} // namespace mist::engine
