// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// What the manager's API says about Swarm services, summed up for viewers:
// pure functions over the engine's JSON (GET /services/{id}, /tasks, /nodes,
// /info), tested row by row in tests/engine/tst_swarmstate.cpp.

#include "engine/EngineApi.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
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
QJsonObject serviceStatus(const QJsonObject &service, const QJsonArray &tasks);
// The same from an inspected service (its ID and Spec are all serviceStatus reads).
QJsonObject serviceStatus(const SwarmService &service, const QJsonArray &tasks);

// task id -> {slot, node} for the log lines of a service.
struct TaskPlace {
    int slot = 0;
    QString node;
};
QHash<QString, TaskPlace> taskPlaces(const QJsonArray &tasks);

// Extra fields of /ws/metrics `docker` on a manager: {nodes, nodesReady,
// services, tasksRunning}; `info` is GET /info (Swarm.ControlAvailable tells
// a manager), `nodes` GET /nodes, `services` GET /services, `tasks` GET
// /tasks. An empty object when the engine is not a Swarm manager.
QJsonObject swarmFigures(const QJsonObject &info, const QJsonArray &nodes,
                         const QJsonArray &services, const QJsonArray &tasks);
// Whether GET /info says this engine is an active Swarm manager.
bool isSwarmManager(const QJsonObject &info);

} // namespace mist::engine
