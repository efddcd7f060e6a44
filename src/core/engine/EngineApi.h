// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The one door to the Docker Engine API: every engine path the program uses is written here and
// nowhere else (scripts/check-engine-paths.sh keeps it so). Calls take small typed arguments and
// answer through DockerClient's non-blocking callbacks or streams. Every request answers with an
// EngineResult (a value or an EngineError, httpStatus 0 for transport errors): small structs
// parsed here (an answer that cannot be read fails with the engine's 2xx status and a
// "malformed ..." message), or the body itself where the caller decodes it (logs: frames with
// LogStreamDecoder/ServiceLogDecoder; stats: metrics::parseEngineStats). Streams (logs, events,
// stats, build) stay DockerStreams: their bytes arrive through DockerStream::data, and
// streamFinished says how they ended; the event stream is an EventStream of parsed events.
// Never an out-parameter.

#include "base/Expected.h"
#include "engine/DockerClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace mist::engine {

class EventStream;

// The container (and, with replicas, the Swarm service) an app runs as: its own name when the
// app has one, app-<id> otherwise.
// Inline: the wire format (protocol/UpstreamDialect.cpp) uses it without linking the engine
// client (fuzz/fuzz_client_json).
inline QString appContainerName(qint64 appId, const QString &containerName = {}) {
    return containerName.isEmpty() ? QStringLiteral("app-%1").arg(appId) : containerName;
}

// The label the engine gives a Swarm task's container: the name of its service.
inline QString swarmServiceOf(const QMap<QString, QString> &labels) {
    return labels.value(QStringLiteral("com.docker.swarm.service.name"));
}

// An engine list filter ({"key":["value",...]}), sent compact and percent-encoded.
using Filters = QMap<QString, QStringList>;

// Logs of a container or service: stdout and stderr with timestamps, always.
struct LogsQuery {
    bool follow = false;
    static constexpr int AllLines = -1;
    std::optional<int> tail; // last N lines, or AllLines; unset: no tail= (the engine's default)
    QString since;           // engine's since= (seconds[.nanoseconds]); empty: none
    QString until;           // engine's until= (same form); empty: none
    bool details = false;    // services only: task and node attributes per line
};

// The engine's event stream: since/until as the engine takes them (Unix seconds, with an
// optional .nanoseconds); empty: from now / without end.
struct EventsQuery {
    Filters filters;
    QString since;
    QString until;
};

// One row of the container list (GET containers/json), as the program uses it.
struct ContainerSummary {
    QString id;
    QStringList names; // without the engine's leading '/'
    QString image;
    QString state;  // "running", "exited", "restarting", ...
    QString status; // the engine's own words ("Up 2 minutes", "Exited (1) 3 seconds ago")
    qint64 created = 0;
    QMap<QString, QString> labels;
};

// The container list's rows; rows that are not objects or lack an id are skipped, so a
// malformed answer yields fewer rows, never a crash.
QList<ContainerSummary> parseContainerList(const QJsonDocument &json);

// What an inspect (GET containers/{id}/json) says of a container's life.
struct ContainerState {
    QString id;
    QString name;   // without the leading '/'
    QString status; // "running", "exited", "created", ...
    bool running = false;
    bool restarting = false;
    bool oomKilled = false;
    int exitCode = 0;
    int restartCount = 0;
    qint64 pid = 0; // State.Pid: its init process on the engine's host; 0 while not running
    bool tty = false;
    QString startedAt; // RFC 3339 as the engine writes it
    QString finishedAt;
    QMap<QString, QString> labels; // Config.Labels
};

// One line of the engine's event stream (GET /events), as the program uses it.
struct EngineEvent {
    QString type;   // "container", "image", ...
    QString action; // "start", "die", "oom", "destroy", ...
    QString actorId;
    QMap<QString, QString> attributes; // the actor's: name, image, labels, exitCode ...
    qint64 timeNs = 0;                 // timeNano
};

// One event line; nullopt when it is not a JSON object with a type, an action, an actor id
// and a positive time.
std::optional<EngineEvent> parseEngineEvent(QByteArrayView line);

// nullopt when the answer is not an inspect object with an Id.
std::optional<ContainerState> parseContainerState(const QJsonDocument &json);

// Why an engine call failed.
struct EngineError {
    int httpStatus = 0; // 0: the engine was not reached (unreachable, timeout, body too big)
    QString message;    // curl's error or the engine's {"message": ...}
    bool unreachable() const { return httpStatus == 0; }
    bool notFound() const { return httpStatus == 404; }
};
EngineError engineError(const DockerReply &reply);

template <typename T> using EngineResult = Expected<T, EngineError>;
template <typename T> using ResultCallback = std::function<void(const EngineResult<T> &)>;

// How a stream ended: success, or why not (a non-2xx answer, or the transport failing).
void streamFinished(DockerStream *stream, QObject *context, ResultCallback<void> done);

// What GET /info says, as the program uses it.
struct EngineInfo {
    QString serverVersion;
    int containers = 0;
    int containersRunning = 0;
    int images = 0;
    QString swarmNodeState; // Swarm.LocalNodeState: "inactive", "active", ...
    QString swarmNodeId;    // Swarm.NodeID: this engine's node
    bool swarmControlAvailable = false;
    // An active Swarm manager: the node the Swarm lists can be asked of.
    bool swarmManager() const { return swarmNodeState == u"active" && swarmControlAvailable; }
};
// nullopt when the answer is not a non-empty JSON object.
std::optional<EngineInfo> parseEngineInfo(const QJsonDocument &json);

// What an inspect (GET services/{id}) says of a Swarm service.
struct SwarmService {
    QString id;
    QString name;        // Spec.Name
    qint64 version = 0;  // Version.Index: an update names the version it read
    QString updateState; // UpdateStatus.State: "updating", "completed", "rollback_completed", ...
    QString updateMessage;
    bool tty = false; // Spec.TaskTemplate.ContainerSpec.TTY: its logs come unframed
    // Spec.Mode.Replicated.Replicas; nullopt for a global service (a task per eligible node).
    std::optional<int> replicas;
    int forceUpdate = 0; // Spec.TaskTemplate.ForceUpdate: an update raises it for new tasks
};
// nullopt when the answer is not an inspect object with an ID.
std::optional<SwarmService> parseSwarmService(const QJsonDocument &json);
// The service list (GET /services): rows as parseSwarmService reads them; rows that are not
// objects or lack an ID are skipped.
QList<SwarmService> parseServiceList(const QJsonDocument &json);

// One row of the task list (GET /tasks), as the program uses it.
struct SwarmTask {
    QString id;
    QString serviceId;
    QString nodeId;
    std::optional<int> slot; // Slot: replicated services only
    QString image;           // Spec.ContainerSpec.Image, without its @digest
    QString state;           // Status.State: "running", "starting", "failed", "rejected", ...
    QString error;           // Status.Err
    QString desiredState;    // DesiredState: "running" for a task the engine wants
    QString createdAt;       // RFC 3339 as the engine writes it
    bool wanted() const { return desiredState == u"running"; }
    bool failed() const { return state == u"failed" || state == u"rejected"; }
};
// Rows that are not objects or lack an ID are skipped.
QList<SwarmTask> parseTaskList(const QJsonDocument &json);

// One row of the node list (GET /nodes).
struct SwarmNode {
    QString id;
    QString hostname; // Description.Hostname
    QString state;    // Status.State: "ready", "down", ...
};
// Rows that are not objects or lack an ID are skipped.
QList<SwarmNode> parseNodeList(const QJsonDocument &json);

// What the engine answers to a service create or update.
struct ServiceSubmitted {
    QString id;           // create only: the new service's ID
    QStringList warnings; // Warnings, as the engine words them
};
// Never fails: an answer that is not an object gives no id and no warnings.
ServiceSubmitted parseServiceSubmitted(const QJsonDocument &json);

// What a container is created with (POST containers/create), as the program makes them.
struct ContainerSpec {
    QString image;
    QStringList cmd; // empty: the image's own
    QMap<QString, QString> labels;
    bool init = false;                            // HostConfig.Init: an init that reaps zombies
    QString restartPolicy = QStringLiteral("no"); // HostConfig.RestartPolicy.Name
    QString network;                              // HostConfig.NetworkMode; empty: the engine's
    int tcpPort = 0;                              // ExposedPorts "<port>/tcp"; 0: none
    bool publishOnFreeHostPort = false;           // PortBindings to a host port the engine picks
};
// The engine's create body (JSON, compact). Pure.
QByteArray containerCreateBody(const ContainerSpec &spec);

// A replicated Swarm service as the program submits it (POST services/create, or an update):
// updated one task at a time, each watched for `monitorMs`; a task that fails makes the engine
// roll the whole service back (and pause if the rollback fails).
struct ServiceSpec {
    QString name;
    QString image;
    QMap<QString, QString> labels; // on the service and on its containers
    bool init = false;
    int replicas = 1;
    QString nodeId;               // tasks placed on this node only; empty: anywhere
    int forceUpdate = 0;          // TaskTemplate.ForceUpdate: raise it for new tasks
    qint64 restartDelayMs = 1000; // a task that exits is restarted after this delay
    qint64 monitorMs = 0;         // how long an updated (or rolled back) task is watched
    int publishedTcpPort = 0;     // published through the routing mesh; 0: none
};
// The engine's service spec (JSON, compact). Pure.
QByteArray serviceSpecBody(const ServiceSpec &spec);

struct BuildQuery {
    QString tag;
    QString dockerfile;
    QMap<QString, QString> labels;
};

// Engine paths (without the /v1.41 prefix DockerClient adds). Pure; names and ids are
// percent-encoded so no value can end its segment or parameter.
namespace paths {
QString containers(const Filters &filters = {});
QString container(const QString &nameOrId);
QString containerLogs(const QString &nameOrId, const LogsQuery &query);
QString createContainer(const QString &name);
QString startContainer(const QString &nameOrId);
QString stopContainer(const QString &nameOrId, int timeoutSeconds);
QString restartContainer(const QString &nameOrId, int timeoutSeconds);
QString renameContainer(const QString &nameOrId, const QString &newName);
QString removeContainer(const QString &nameOrId);
QString updateContainer(const QString &nameOrId);
QString build(const BuildQuery &query);
QString ping();
QString info();
QString nodes();
QString services();
QString service(const QString &nameOrId);
QString serviceLogs(const QString &nameOrId, const LogsQuery &query);
QString createService();
QString updateService(const QString &id, qint64 version, bool rollbackToPrevious = false);
QString tasks(const Filters &filters = {});
QString events(const EventsQuery &query);
QString containerStats(const QString &nameOrId, bool stream);
// One sample at once (one-shot=1, API 1.41): no precpu_stats, no wait for a second reading.
QString containerStatsOnce(const QString &nameOrId);
} // namespace paths

// A handle over a DockerClient (which it does not own); cheap to make where needed. Callbacks
// follow DockerClient::request's rules: later on the event loop, not at all once `context` is gone.
class Engine {
public:
    explicit Engine(DockerClient &client)
        : m_client(client) {}

    // Whether the engine answers at all (GET /_ping).
    void ping(QObject *context, ResultCallback<void> done);
    // Containers, all states included.
    void containers(const Filters &filters, QObject *context,
                    ResultCallback<QList<ContainerSummary>> done);
    // A missing container fails with notFound().
    void inspectContainer(const QString &nameOrId, QObject *context,
                          ResultCallback<ContainerState> done);
    // The log body as the engine sends it (multiplexed frames, or raw for a tty).
    void containerLogs(const QString &nameOrId, const LogsQuery &query, QObject *context,
                       ResultCallback<QByteArray> done);
    // A follow=1 (or long) log transfer; owned by the caller like DockerClient::stream.
    DockerStream *streamContainerLogs(const QString &nameOrId, const LogsQuery &query);
    // The result is the new container's id.
    void createContainer(const QString &name, const ContainerSpec &spec, QObject *context,
                         ResultCallback<QString> done);
    void startContainer(const QString &nameOrId, QObject *context, ResultCallback<void> done);
    // A container that was not running (the engine's 304) counts as stopped.
    void stopContainer(const QString &nameOrId, int timeoutSeconds, QObject *context,
                       ResultCallback<void> done);
    // Stop (waiting at most timeoutSeconds before the engine kills it), then start again.
    void restartContainer(const QString &nameOrId, int timeoutSeconds, QObject *context,
                          ResultCallback<void> done);
    void renameContainer(const QString &nameOrId, const QString &newName, QObject *context,
                         ResultCallback<void> done);
    // Forced: a running container is killed first. A missing one fails with notFound().
    void removeContainer(const QString &nameOrId, QObject *context, ResultCallback<void> done);
    // HostConfig.RestartPolicy of a created (or running) container: "no", "unless-stopped", ...
    void setRestartPolicy(const QString &nameOrId, const QString &policy, QObject *context,
                          ResultCallback<void> done);

    // Build output (the engine's JSON lines, in pieces as they arrive) goes to `output` while
    // the tar context uploads; `done` says whether the engine took the build (what the lines
    // say of its steps is the caller's to read). The stream is the handle: owned by the
    // caller, deleting or aborting it stops the build and calls neither.
    DockerStream *build(const BuildQuery &query, const QByteArray &tarContext,
                        std::function<void(const QByteArray &)> output, ResultCallback<void> done);

    void info(QObject *context, ResultCallback<EngineInfo> done);
    // The Swarm lists (GET /nodes, /services, /tasks); an answer that is not an array gives an
    // empty list; a node that is not a manager fails (503).
    void nodes(QObject *context, ResultCallback<QList<SwarmNode>> done);
    void services(QObject *context, ResultCallback<QList<SwarmService>> done);
    // A missing service fails with notFound(); a node that is not a manager fails (503).
    void inspectService(const QString &nameOrId, QObject *context,
                        ResultCallback<SwarmService> done);
    // The log body as the engine sends it (for ServiceLogDecoder).
    void serviceLogs(const QString &nameOrId, const LogsQuery &query, QObject *context,
                     ResultCallback<QByteArray> done);
    DockerStream *streamServiceLogs(const QString &nameOrId, const LogsQuery &query);
    void createService(const ServiceSpec &spec, QObject *context,
                       ResultCallback<ServiceSubmitted> done);
    // At the version read by the inspect the update follows (SwarmService::version).
    void updateService(const QString &id, qint64 version, const ServiceSpec &spec, QObject *context,
                       ResultCallback<ServiceSubmitted> done);
    // Back to the spec before the last update (the engine keeps it as PreviousSpec): inspect,
    // then an update at the version read.
    void rollbackService(const QString &nameOrId, QObject *context, ResultCallback<void> done);
    void removeService(const QString &nameOrId, QObject *context, ResultCallback<void> done);
    // A replicated service to `replicas` tasks (inspect, then update at the version read). To 0,
    // the count it had is kept in the service's label ReplicasBeforeStopLabel; RestoreReplicas
    // scales back to that count (1 without the label, or the current count when not at 0). The
    // result is the replica count now asked for; a global service fails (400).
    static constexpr int RestoreReplicas = -1;
    static constexpr const char *ReplicasBeforeStopLabel = "mist.replicas-before-stop";
    void scaleService(const QString &nameOrId, int replicas, QObject *context,
                      ResultCallback<int> done);
    // New tasks for every replica (TaskTemplate.ForceUpdate + 1), even with an unchanged spec.
    void forceUpdateService(const QString &nameOrId, QObject *context, ResultCallback<void> done);
    void tasks(const Filters &filters, QObject *context, ResultCallback<QList<SwarmTask>> done);

    // Engine events, parsed (EventStream::event), until the caller deletes the stream; owned by
    // the caller.
    EventStream *streamEvents(const EventsQuery &query);
    // One stats sample, the engine's JSON (it waits for a second reading to give CPU
    // percentages).
    void containerStats(const QString &nameOrId, QObject *context, ResultCallback<QByteArray> done);
    // One sample of the counters as they are now, the engine's JSON (the caller keeps the
    // previous one for rates; metrics::parseEngineStats reads it).
    void containerStatsOnce(const QString &nameOrId, QObject *context,
                            ResultCallback<QByteArray> done);
    // A sample a second, as JSON lines, while the container runs; owned by the caller.
    DockerStream *streamContainerStats(const QString &nameOrId);

private:
    DockerClient &m_client;
};

} // namespace mist::engine
