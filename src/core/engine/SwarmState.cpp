// SPDX-License-Identifier: GPL-3.0-or-later

#include "SwarmState.h"

#include <QHash>

#include <algorithm>

namespace mist::engine {

namespace {
QString str(const QJsonObject &o, const char *key) {
    return o.value(QLatin1String(key)).toString();
}

QJsonObject obj(const QJsonObject &o, const char *key) {
    return o.value(QLatin1String(key)).toObject();
}

QString taskState(const QJsonObject &task) {
    return str(obj(task, "Status"), "State");
}

// Newest first; the engine's RFC 3339 times compare as text within one engine.
bool newer(const QJsonObject &a, const QJsonObject &b) {
    return str(a, "CreatedAt") > str(b, "CreatedAt");
}
} // namespace

QJsonObject serviceStatus(const QJsonObject &service, const QJsonArray &tasks) {
    const QJsonObject spec = obj(service, "Spec");
    const QString name = str(spec, "Name");
    const QJsonObject mode = obj(spec, "Mode");
    const QString serviceId = str(service, "ID");

    QList<QJsonObject> wanted, others;
    for (const QJsonValue &v : tasks) {
        const QJsonObject t = v.toObject();
        if (!serviceId.isEmpty() && !str(t, "ServiceID").isEmpty() &&
            str(t, "ServiceID") != serviceId)
            continue; // another service's task (a filter the engine did not apply)
        (str(t, "DesiredState") == u"running" ? wanted : others).append(t);
    }
    std::sort(wanted.begin(), wanted.end(), newer);
    std::sort(others.begin(), others.end(), newer);
    const int running = int(std::count_if(wanted.cbegin(), wanted.cend(), [](const QJsonObject &t) {
        return taskState(t) == u"running";
    }));
    int replicas = 0;
    if (mode.contains(QStringLiteral("Replicated")))
        replicas = obj(mode, "Replicated").value(QStringLiteral("Replicas")).toInt();
    else
        replicas = int(wanted.size()); // global: one task per eligible node

    QString state;
    if (replicas == 0)
        state = QStringLiteral("stopped");
    else if (running >= replicas)
        state = QStringLiteral("running");
    else if (running == 0 && !others.isEmpty() &&
             (taskState(others.first()) == u"failed" || taskState(others.first()) == u"rejected") &&
             std::none_of(wanted.cbegin(), wanted.cend(),
                          [&](const QJsonObject &t) { return newer(t, others.first()); }))
        state = QStringLiteral("failed");
    else
        state = QStringLiteral("starting");

    QJsonArray listed;
    for (const QList<QJsonObject> *group : {&wanted, &others}) {
        for (const QJsonObject &t : *group) {
            if (listed.size() >= MaxTasksListed)
                break;
            const QJsonObject status = obj(t, "Status");
            QString error = str(status, "Err");
            listed.append(QJsonObject{{QStringLiteral("id"), str(t, "ID")},
                                      {QStringLiteral("slot"), t.value(QStringLiteral("Slot"))},
                                      {QStringLiteral("node"), str(t, "NodeID")},
                                      {QStringLiteral("state"), str(status, "State")},
                                      {QStringLiteral("desiredState"), str(t, "DesiredState")},
                                      {QStringLiteral("error"), error}});
        }
    }
    return QJsonObject{
        {QStringLiteral("container"), name},
        {QStringLiteral("service"), name},
        {QStringLiteral("state"), state},
        {QStringLiteral("status"),
         QStringLiteral("%1/%2 tasks running").arg(running).arg(replicas)},
        {QStringLiteral("replicas"), replicas},
        {QStringLiteral("running"), running},
        {QStringLiteral("tasks"), listed},
    };
}

QJsonObject serviceStatus(const SwarmService &service, const QJsonArray &tasks) {
    return serviceStatus(
        QJsonObject{{QStringLiteral("ID"), service.id}, {QStringLiteral("Spec"), service.spec}},
        tasks);
}

QHash<QString, TaskPlace> taskPlaces(const QJsonArray &tasks) {
    QHash<QString, TaskPlace> places;
    for (const QJsonValue &v : tasks) {
        const QJsonObject t = v.toObject();
        const QString id = str(t, "ID");
        if (!id.isEmpty())
            places.insert(id, TaskPlace{t.value(QStringLiteral("Slot")).toInt(), str(t, "NodeID")});
    }
    return places;
}

bool isSwarmManager(const QJsonObject &info) {
    const QJsonObject swarm = obj(info, "Swarm");
    return str(swarm, "LocalNodeState") == u"active" &&
           swarm.value(QStringLiteral("ControlAvailable")).toBool();
}

QJsonObject swarmFigures(const QJsonObject &info, const QJsonArray &nodes,
                         const QJsonArray &services, const QJsonArray &tasks) {
    if (!isSwarmManager(info))
        return {};
    const int ready = int(std::count_if(nodes.begin(), nodes.end(), [](const QJsonValue &n) {
        return str(obj(n.toObject(), "Status"), "State") == u"ready";
    }));
    const int running = int(std::count_if(tasks.begin(), tasks.end(), [](const QJsonValue &t) {
        const QJsonObject task = t.toObject();
        return str(task, "DesiredState") == u"running" && taskState(task) == u"running";
    }));
    return QJsonObject{{QStringLiteral("nodes"), int(nodes.size())},
                       {QStringLiteral("nodesReady"), ready},
                       {QStringLiteral("services"), int(services.size())},
                       {QStringLiteral("tasksRunning"), running}};
}

} // namespace mist::engine
