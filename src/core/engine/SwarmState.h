// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// What the manager's API says about Swarm services, summed up for viewers:
// pure functions over the engine door's Swarm structs (SwarmService, SwarmTask,
// SwarmNode), tested row by row in tests/engine/tst_swarmstate.cpp.

#include "engine/EngineApi.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace mist::engine {

// A service with its tasks (GET /tasks?filters={"service":[id]}), as the
// `status` message of /ws/container/logs shows it:
//   {container: service name, service: name, state, status, replicas, running,
//    tasks: [{id, slot, node, state, desiredState, error}]}
// state: "running" when every wanted task runs, "starting" when some do not
// yet (or were replaced), "failed" when none runs and the latest task failed
// or was rejected, "stopped" when none is wanted. status: "3/3 tasks running"
// (global services: the running count over the tasks the engine wants).
// Tasks listed: those the engine still wants running, then the most recent
// others, at most MaxTasksListed, newest first within each group.
constexpr int MaxTasksListed = 20;
// Tasks of another service (a filter the engine did not apply) are left out.
QJsonObject serviceStatus(const SwarmService &service, const QList<SwarmTask> &tasks);

// task id -> {slot, node} for the log lines of a service.
struct TaskPlace {
    int slot = 0;
    QString node;
};
QHash<QString, TaskPlace> taskPlaces(const QList<SwarmTask> &tasks);

// Extra fields of /ws/metrics `docker` on a manager (EngineInfo::swarmManager):
// {nodes, nodesReady, services, tasksRunning}.
QJsonObject swarmFigures(const QList<SwarmNode> &nodes, qsizetype services,
                         const QList<SwarmTask> &tasks);

} // namespace mist::engine
