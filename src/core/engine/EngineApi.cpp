// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/EngineApi.h"

#include "engine/EventStream.h"

#include "text/UrlEncoding.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace mist::engine {

namespace {
QString enc(const QString &part) {
    return text::percentEncoded(part);
}

QString filtersParameter(const Filters &filters) {
    QJsonObject o;
    for (auto it = filters.cbegin(); it != filters.cend(); ++it)
        o.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return enc(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}

QString logsParameters(const LogsQuery &q) {
    QString s = q.follow ? QStringLiteral("follow=1&") : QString();
    s += QStringLiteral("stdout=1&stderr=1&timestamps=1");
    if (q.details)
        s += QStringLiteral("&details=1");
    if (!q.since.isEmpty())
        s += QStringLiteral("&since=") + enc(q.since);
    if (!q.until.isEmpty())
        s += QStringLiteral("&until=") + enc(q.until);
    if (q.tail)
        s += QStringLiteral("&tail=") +
             (*q.tail < 0 ? QStringLiteral("all") : QString::number(*q.tail));
    return s;
}
} // namespace

namespace paths {
QString containers(const Filters &filters) {
    QString p = QStringLiteral("/containers/json?all=1");
    if (!filters.isEmpty())
        p += QStringLiteral("&filters=") + filtersParameter(filters);
    return p;
}
QString container(const QString &nameOrId) {
    return QStringLiteral("/containers/%1/json").arg(enc(nameOrId));
}
QString containerLogs(const QString &nameOrId, const LogsQuery &query) {
    return QStringLiteral("/containers/%1/logs?").arg(enc(nameOrId)) + logsParameters(query);
}
QString createContainer(const QString &name) {
    return QStringLiteral("/containers/create?name=%1").arg(enc(name));
}
QString startContainer(const QString &nameOrId) {
    return QStringLiteral("/containers/%1/start").arg(enc(nameOrId));
}
QString stopContainer(const QString &nameOrId, int timeoutSeconds) {
    return QStringLiteral("/containers/%1/stop?t=%2")
        .arg(enc(nameOrId), QString::number(timeoutSeconds));
}
QString restartContainer(const QString &nameOrId, int timeoutSeconds) {
    return QStringLiteral("/containers/%1/restart?t=%2")
        .arg(enc(nameOrId), QString::number(timeoutSeconds));
}
QString renameContainer(const QString &nameOrId, const QString &newName) {
    return QStringLiteral("/containers/%1/rename?name=%2").arg(enc(nameOrId), enc(newName));
}
QString removeContainer(const QString &nameOrId) {
    return QStringLiteral("/containers/%1?force=1").arg(enc(nameOrId));
}
QString updateContainer(const QString &nameOrId) {
    return QStringLiteral("/containers/%1/update").arg(enc(nameOrId));
}
QString build(const BuildQuery &query) {
    QJsonObject labels;
    for (auto it = query.labels.cbegin(); it != query.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    return QStringLiteral("/build?t=%1&dockerfile=%2&rm=1&forcerm=1&labels=%3")
        .arg(enc(query.tag), enc(query.dockerfile),
             enc(QString::fromUtf8(QJsonDocument(labels).toJson(QJsonDocument::Compact))));
}
QString ping() {
    return QStringLiteral("/_ping");
}
QString info() {
    return QStringLiteral("/info");
}
QString nodes() {
    return QStringLiteral("/nodes");
}
QString services() {
    return QStringLiteral("/services");
}
QString service(const QString &nameOrId) {
    return QStringLiteral("/services/%1").arg(enc(nameOrId));
}
QString serviceLogs(const QString &nameOrId, const LogsQuery &query) {
    return QStringLiteral("/services/%1/logs?").arg(enc(nameOrId)) + logsParameters(query);
}
QString createService() {
    return QStringLiteral("/services/create");
}
QString updateService(const QString &id, qint64 version, bool rollbackToPrevious) {
    QString p =
        QStringLiteral("/services/%1/update?version=%2").arg(enc(id), QString::number(version));
    if (rollbackToPrevious)
        p += QStringLiteral("&rollback=previous");
    return p;
}
QString tasks(const Filters &filters) {
    return filters.isEmpty() ? QStringLiteral("/tasks")
                             : QStringLiteral("/tasks?filters=") + filtersParameter(filters);
}
QString events(const EventsQuery &query) {
    QStringList parameters;
    if (!query.since.isEmpty())
        parameters << QStringLiteral("since=") + enc(query.since);
    if (!query.until.isEmpty())
        parameters << QStringLiteral("until=") + enc(query.until);
    if (!query.filters.isEmpty())
        parameters << QStringLiteral("filters=") + filtersParameter(query.filters);
    return parameters.isEmpty() ? QStringLiteral("/events")
                                : QStringLiteral("/events?") + parameters.join(u'&');
}
QString containerStats(const QString &nameOrId, bool stream) {
    return QStringLiteral("/containers/%1/stats?stream=%2")
        .arg(enc(nameOrId), stream ? QStringLiteral("1") : QStringLiteral("0"));
}
QString containerStatsOnce(const QString &nameOrId) {
    return QStringLiteral("/containers/%1/stats?stream=0&one-shot=1").arg(enc(nameOrId));
}
} // namespace paths

QList<ContainerSummary> parseContainerList(const QJsonDocument &json) {
    QList<ContainerSummary> rows;
    for (const QJsonValue &v : json.array()) {
        const QJsonObject o = v.toObject();
        ContainerSummary c;
        c.id = o.value(QStringLiteral("Id")).toString();
        if (c.id.isEmpty())
            continue;
        for (const QJsonValue &n : o.value(QStringLiteral("Names")).toArray()) {
            const QString name = n.toString();
            if (!name.isEmpty())
                c.names << (name.startsWith(u'/') ? name.mid(1) : name);
        }
        c.image = o.value(QStringLiteral("Image")).toString();
        c.state = o.value(QStringLiteral("State")).toString();
        c.status = o.value(QStringLiteral("Status")).toString();
        c.created = qint64(o.value(QStringLiteral("Created")).toDouble());
        const QJsonObject labels = o.value(QStringLiteral("Labels")).toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            c.labels.insert(it.key(), it.value().toString());
        rows << c;
    }
    return rows;
}

std::optional<ContainerState> parseContainerState(const QJsonDocument &json) {
    const QJsonObject o = json.object();
    ContainerState c;
    c.id = o.value(QStringLiteral("Id")).toString();
    if (c.id.isEmpty())
        return std::nullopt;
    c.name = o.value(QStringLiteral("Name")).toString();
    if (c.name.startsWith(u'/'))
        c.name.remove(0, 1);
    const QJsonObject state = o.value(QStringLiteral("State")).toObject();
    c.status = state.value(QStringLiteral("Status")).toString();
    c.running = state.value(QStringLiteral("Running")).toBool();
    c.restarting = state.value(QStringLiteral("Restarting")).toBool();
    c.oomKilled = state.value(QStringLiteral("OOMKilled")).toBool();
    c.exitCode = state.value(QStringLiteral("ExitCode")).toInt();
    c.startedAt = state.value(QStringLiteral("StartedAt")).toString();
    c.finishedAt = state.value(QStringLiteral("FinishedAt")).toString();
    c.restartCount = o.value(QStringLiteral("RestartCount")).toInt();
    const double pid = state.value(QStringLiteral("Pid")).toDouble();
    // Linux pids are at most 2^22 (pid_max's ceiling); anything else is not one.
    c.pid = pid > 0 && pid <= 4194304 && pid == double(qint64(pid)) ? qint64(pid) : 0;
    const QJsonObject config = o.value(QStringLiteral("Config")).toObject();
    c.tty = config.value(QStringLiteral("Tty")).toBool();
    const QJsonObject labels = config.value(QStringLiteral("Labels")).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        if (it.value().isString())
            c.labels.insert(it.key(), it.value().toString());
    return c;
}

std::optional<EngineEvent> parseEngineEvent(QByteArrayView line) {
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray());
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    EngineEvent e;
    e.type = o.value(QStringLiteral("Type")).toString();
    e.action = o.value(QStringLiteral("Action")).toString();
    const QJsonObject actor = o.value(QStringLiteral("Actor")).toObject();
    e.actorId = actor.value(QStringLiteral("ID")).toString();
    const QJsonObject attributes = actor.value(QStringLiteral("Attributes")).toObject();
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
        if (it.value().isString())
            e.attributes.insert(it.key(), it.value().toString());
    // timeNano: nanoseconds (exact: Qt keeps JSON integers as 64-bit);
    // older engines give only `time`, in seconds.
    const qint64 nano = o.value(QStringLiteral("timeNano")).toInteger(0);
    const qint64 seconds = o.value(QStringLiteral("time")).toInteger(0);
    if (nano > 0)
        e.timeNs = nano;
    else if (seconds > 0 && seconds < std::numeric_limits<qint64>::max() / 1000000000LL)
        e.timeNs = seconds * 1000000000LL;
    if (e.type.isEmpty() || e.action.isEmpty() || e.actorId.isEmpty() || e.timeNs <= 0)
        return std::nullopt;
    return e;
}

std::optional<EngineInfo> parseEngineInfo(const QJsonDocument &json) {
    const QJsonObject o = json.object();
    if (o.isEmpty())
        return std::nullopt;
    EngineInfo info;
    info.serverVersion = o.value(QStringLiteral("ServerVersion")).toString();
    info.containers = o.value(QStringLiteral("Containers")).toInt();
    info.containersRunning = o.value(QStringLiteral("ContainersRunning")).toInt();
    info.images = o.value(QStringLiteral("Images")).toInt();
    const QJsonObject swarm = o.value(QStringLiteral("Swarm")).toObject();
    info.swarmNodeState = swarm.value(QStringLiteral("LocalNodeState")).toString();
    info.swarmNodeId = swarm.value(QStringLiteral("NodeID")).toString();
    info.swarmControlAvailable = swarm.value(QStringLiteral("ControlAvailable")).toBool();
    return info;
}

std::optional<SwarmService> parseSwarmService(const QJsonDocument &json) {
    const QJsonObject o = json.object();
    SwarmService s;
    s.id = o.value(QStringLiteral("ID")).toString();
    if (s.id.isEmpty())
        return std::nullopt;
    const QJsonObject spec = o.value(QStringLiteral("Spec")).toObject();
    s.name = spec.value(QStringLiteral("Name")).toString();
    s.tty = spec.value(QStringLiteral("TaskTemplate"))
                .toObject()
                .value(QStringLiteral("ContainerSpec"))
                .toObject()
                .value(QStringLiteral("TTY"))
                .toBool();
    s.version =
        o.value(QStringLiteral("Version")).toObject().value(QStringLiteral("Index")).toInteger();
    const QJsonObject update = o.value(QStringLiteral("UpdateStatus")).toObject();
    s.updateState = update.value(QStringLiteral("State")).toString();
    s.updateMessage = update.value(QStringLiteral("Message")).toString();
    s.forceUpdate = spec.value(QStringLiteral("TaskTemplate"))
                        .toObject()
                        .value(QStringLiteral("ForceUpdate"))
                        .toInt();
    const QJsonObject mode = spec.value(QStringLiteral("Mode")).toObject();
    if (mode.contains(QStringLiteral("Replicated")))
        s.replicas = mode.value(QStringLiteral("Replicated"))
                         .toObject()
                         .value(QStringLiteral("Replicas"))
                         .toInt();
    return s;
}

QList<SwarmService> parseServiceList(const QJsonDocument &json) {
    QList<SwarmService> rows;
    for (const QJsonValue &v : json.array())
        if (const auto s = parseSwarmService(QJsonDocument(v.toObject())))
            rows << *s;
    return rows;
}

namespace {
QJsonObject labelsJson(const QMap<QString, QString> &labels) {
    QJsonObject o;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}
double nanoseconds(qint64 ms) {
    return double(ms) * 1e6;
}
QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

QByteArray containerCreateBody(const ContainerSpec &spec) {
    QJsonObject hostConfig{
        {QStringLiteral("Init"), spec.init},
        {QStringLiteral("RestartPolicy"),
         QJsonObject{{QStringLiteral("Name"), spec.restartPolicy}}},
    };
    QJsonObject body{{QStringLiteral("Image"), spec.image},
                     {QStringLiteral("Labels"), labelsJson(spec.labels)}};
    if (!spec.cmd.isEmpty())
        body.insert(QStringLiteral("Cmd"), QJsonArray::fromStringList(spec.cmd));
    if (!spec.network.isEmpty())
        hostConfig.insert(QStringLiteral("NetworkMode"), spec.network);
    if (spec.tcpPort > 0) {
        const QString port = QStringLiteral("%1/tcp").arg(spec.tcpPort);
        body.insert(QStringLiteral("ExposedPorts"), QJsonObject{{port, QJsonObject()}});
        if (spec.publishOnFreeHostPort)
            hostConfig.insert(QStringLiteral("PortBindings"),
                              QJsonObject{{port, QJsonArray{QJsonObject{
                                                     {QStringLiteral("HostPort"), QString()}}}}});
    }
    body.insert(QStringLiteral("HostConfig"), hostConfig);
    return compact(body);
}

QByteArray serviceSpecBody(const ServiceSpec &spec) {
    const QJsonObject labels = labelsJson(spec.labels);
    QJsonObject task{
        {QStringLiteral("ContainerSpec"), QJsonObject{{QStringLiteral("Image"), spec.image},
                                                      {QStringLiteral("Init"), spec.init},
                                                      {QStringLiteral("Labels"), labels}}},
        {QStringLiteral("RestartPolicy"),
         QJsonObject{{QStringLiteral("Condition"), QStringLiteral("any")},
                     {QStringLiteral("Delay"), nanoseconds(spec.restartDelayMs)}}},
        {QStringLiteral("ForceUpdate"), spec.forceUpdate},
        {QStringLiteral("Placement"),
         spec.nodeId.isEmpty()
             ? QJsonObject()
             : QJsonObject{{QStringLiteral("Constraints"),
                            QJsonArray{QStringLiteral("node.id==") + spec.nodeId}}}},
    };
    QJsonObject o{
        {QStringLiteral("Name"), spec.name},
        {QStringLiteral("Labels"), labels},
        {QStringLiteral("TaskTemplate"), task},
        {QStringLiteral("Mode"),
         QJsonObject{{QStringLiteral("Replicated"),
                      QJsonObject{{QStringLiteral("Replicas"), spec.replicas}}}}},
        {QStringLiteral("UpdateConfig"),
         QJsonObject{{QStringLiteral("Parallelism"), 1},
                     {QStringLiteral("FailureAction"), QStringLiteral("rollback")},
                     {QStringLiteral("Monitor"), nanoseconds(spec.monitorMs)},
                     {QStringLiteral("MaxFailureRatio"), 0},
                     {QStringLiteral("Order"), QStringLiteral("stop-first")}}},
        {QStringLiteral("RollbackConfig"),
         QJsonObject{{QStringLiteral("Parallelism"), 0},
                     {QStringLiteral("FailureAction"), QStringLiteral("pause")},
                     {QStringLiteral("Monitor"), nanoseconds(spec.monitorMs)},
                     {QStringLiteral("Order"), QStringLiteral("stop-first")}}},
    };
    if (spec.publishedTcpPort > 0)
        o.insert(QStringLiteral("EndpointSpec"),
                 QJsonObject{{QStringLiteral("Ports"),
                              QJsonArray{QJsonObject{
                                  {QStringLiteral("Protocol"), QStringLiteral("tcp")},
                                  {QStringLiteral("TargetPort"), spec.publishedTcpPort}}}}});
    return compact(o);
}

QList<SwarmTask> parseTaskList(const QJsonDocument &json) {
    QList<SwarmTask> rows;
    for (const QJsonValue &v : json.array()) {
        const QJsonObject o = v.toObject();
        SwarmTask t;
        t.id = o.value(QStringLiteral("ID")).toString();
        if (t.id.isEmpty())
            continue;
        t.serviceId = o.value(QStringLiteral("ServiceID")).toString();
        t.nodeId = o.value(QStringLiteral("NodeID")).toString();
        if (o.value(QStringLiteral("Slot")).isDouble())
            t.slot = o.value(QStringLiteral("Slot")).toInt();
        t.image = o.value(QStringLiteral("Spec"))
                      .toObject()
                      .value(QStringLiteral("ContainerSpec"))
                      .toObject()
                      .value(QStringLiteral("Image"))
                      .toString()
                      .section(u'@', 0, 0);
        const QJsonObject status = o.value(QStringLiteral("Status")).toObject();
        t.state = status.value(QStringLiteral("State")).toString();
        t.error = status.value(QStringLiteral("Err")).toString();
        t.desiredState = o.value(QStringLiteral("DesiredState")).toString();
        t.createdAt = o.value(QStringLiteral("CreatedAt")).toString();
        rows << t;
    }
    return rows;
}

QList<SwarmNode> parseNodeList(const QJsonDocument &json) {
    QList<SwarmNode> rows;
    for (const QJsonValue &v : json.array()) {
        const QJsonObject o = v.toObject();
        SwarmNode n;
        n.id = o.value(QStringLiteral("ID")).toString();
        if (n.id.isEmpty())
            continue;
        n.hostname = o.value(QStringLiteral("Description"))
                         .toObject()
                         .value(QStringLiteral("Hostname"))
                         .toString();
        n.state =
            o.value(QStringLiteral("Status")).toObject().value(QStringLiteral("State")).toString();
        rows << n;
    }
    return rows;
}

ServiceSubmitted parseServiceSubmitted(const QJsonDocument &json) {
    const QJsonObject o = json.object();
    ServiceSubmitted s;
    s.id = o.value(QStringLiteral("ID")).toString();
    for (const QJsonValue &w : o.value(QStringLiteral("Warnings")).toArray())
        if (w.isString())
            s.warnings << w.toString();
    return s;
}

EngineError engineError(const DockerReply &reply) {
    return EngineError{reply.httpStatus, reply.error};
}

void streamFinished(DockerStream *stream, QObject *context, ResultCallback<void> done) {
    QObject::connect(stream, &DockerStream::finished, context,
                     [done = std::move(done)](const DockerReply &reply) {
                         if (!reply.ok())
                             return done(fail(engineError(reply)));
                         done(EngineResult<void>());
                     });
}

namespace {
// A reply that carries nothing but success; `alsoFine` is a status that counts as success too.
DockerClient::Callback noValue(ResultCallback<void> done, int alsoFine = 0) {
    return [done = std::move(done), alsoFine](const DockerReply &reply) {
        if (reply.ok() || (alsoFine != 0 && reply.httpStatus == alsoFine))
            return done(EngineResult<void>());
        done(fail(engineError(reply)));
    };
}
// A reply whose body the caller reads itself.
DockerClient::Callback body(ResultCallback<QByteArray> done) {
    return [done = std::move(done)](const DockerReply &reply) {
        if (!reply.ok())
            return done(fail(engineError(reply)));
        done(reply.body);
    };
}
// A reply whose JSON `parse` reads; nullopt from it fails as "malformed <what>" with the
// reply's (2xx) status.
template <typename T>
DockerClient::Callback parsed(ResultCallback<T> done,
                              std::optional<T> (*parse)(const QJsonDocument &), const char *what) {
    return [done = std::move(done), parse, what](const DockerReply &reply) {
        if (!reply.ok())
            return done(fail(engineError(reply)));
        std::optional<T> value = parse(reply.json());
        if (!value)
            return done(fail(EngineError{reply.httpStatus,
                                         QStringLiteral("malformed %1").arg(QLatin1String(what))}));
        done(std::move(*value));
    };
}
std::optional<QList<ContainerSummary>> containerRows(const QJsonDocument &json) {
    return parseContainerList(json);
}
std::optional<ServiceSubmitted> submitted(const QJsonDocument &json) {
    return parseServiceSubmitted(json);
}
// A reply whose body is a JSON array of rows.
template <typename T>
DockerClient::Callback list(ResultCallback<QList<T>> done,
                            QList<T> (*parse)(const QJsonDocument &)) {
    return [done = std::move(done), parse](const DockerReply &reply) {
        if (!reply.ok())
            return done(fail(engineError(reply)));
        done(parse(reply.json()));
    };
}
// A change of a service's spec: the new spec, or why it cannot be made.
using SpecChange = std::function<Expected<QJsonObject, EngineError>(const QJsonObject &spec)>;

// Inspects the service, applies `change` to its spec and sends the update at the version read.
// With rollbackToPrevious, the engine goes back to the spec it keeps as PreviousSpec.
void changeService(DockerClient &client, const QString &nameOrId, QObject *context,
                   SpecChange change, ResultCallback<void> done, bool rollbackToPrevious = false) {
    client.request("GET", paths::service(nameOrId), context,
                   [&client, context, change = std::move(change), done = std::move(done),
                    rollbackToPrevious](const DockerReply &reply) {
                       if (!reply.ok())
                           return done(fail(engineError(reply)));
                       const QJsonObject service = reply.json().object();
                       const QString id = service.value(QStringLiteral("ID")).toString();
                       const auto spec = change(service.value(QStringLiteral("Spec")).toObject());
                       if (!spec)
                           return done(fail(spec.error()));
                       const qint64 version = service.value(QStringLiteral("Version"))
                                                  .toObject()
                                                  .value(QStringLiteral("Index"))
                                                  .toInteger();
                       client.request("POST", paths::updateService(id, version, rollbackToPrevious),
                                      context, noValue(done),
                                      QJsonDocument(*spec).toJson(QJsonDocument::Compact));
                   });
}

// The spec with Mode.Replicated.Replicas at `wanted` (Engine::scaleService's rules); *asked is
// the count set.
Expected<QJsonObject, EngineError> scaledSpec(QJsonObject spec, int wanted, int *asked) {
    QJsonObject mode = spec.value(QStringLiteral("Mode")).toObject();
    if (!mode.contains(QStringLiteral("Replicated")))
        return fail(EngineError{400, QStringLiteral("The service is not replicated: it cannot be "
                                                    "scaled")});
    QJsonObject replicated = mode.value(QStringLiteral("Replicated")).toObject();
    const int current = replicated.value(QStringLiteral("Replicas")).toInt();
    QJsonObject labels = spec.value(QStringLiteral("Labels")).toObject();
    const QString key = QLatin1String(Engine::ReplicasBeforeStopLabel);
    if (wanted == Engine::RestoreReplicas) {
        const int before = labels.value(key).toString().toInt();
        wanted = current > 0 ? current : before > 0 ? before : 1;
        labels.remove(key);
    } else if (wanted == 0 && current > 0) {
        labels.insert(key, QString::number(current));
    } else if (wanted > 0) {
        labels.remove(key);
    }
    *asked = wanted;
    replicated.insert(QStringLiteral("Replicas"), wanted);
    mode.insert(QStringLiteral("Replicated"), replicated);
    spec.insert(QStringLiteral("Mode"), mode);
    spec.insert(QStringLiteral("Labels"), labels);
    return spec;
}
} // namespace

void Engine::ping(QObject *context, ResultCallback<void> done) {
    m_client.request("GET", paths::ping(), context, noValue(std::move(done)));
}
void Engine::containers(const Filters &filters, QObject *context,
                        ResultCallback<QList<ContainerSummary>> done) {
    m_client.request("GET", paths::containers(filters), context,
                     parsed(std::move(done), containerRows, "container list"));
}
void Engine::inspectContainer(const QString &nameOrId, QObject *context,
                              ResultCallback<ContainerState> done) {
    m_client.request("GET", paths::container(nameOrId), context,
                     parsed(std::move(done), parseContainerState, "container inspect"));
}
void Engine::containerLogs(const QString &nameOrId, const LogsQuery &query, QObject *context,
                           ResultCallback<QByteArray> done) {
    m_client.request("GET", paths::containerLogs(nameOrId, query), context, body(std::move(done)));
}
DockerStream *Engine::streamContainerLogs(const QString &nameOrId, const LogsQuery &query) {
    return m_client.stream("GET", paths::containerLogs(nameOrId, query));
}
void Engine::createContainer(const QString &name, const ContainerSpec &spec, QObject *context,
                             ResultCallback<QString> done) {
    m_client.request(
        "POST", paths::createContainer(name), context,
        [done = std::move(done)](const DockerReply &reply) {
            if (!reply.ok())
                return done(fail(engineError(reply)));
            done(reply.json().object().value(QStringLiteral("Id")).toString());
        },
        containerCreateBody(spec));
}
void Engine::startContainer(const QString &nameOrId, QObject *context, ResultCallback<void> done) {
    m_client.request("POST", paths::startContainer(nameOrId), context, noValue(std::move(done)));
}
void Engine::stopContainer(const QString &nameOrId, int timeoutSeconds, QObject *context,
                           ResultCallback<void> done) {
    m_client.request("POST", paths::stopContainer(nameOrId, timeoutSeconds), context,
                     noValue(std::move(done), 304));
}
void Engine::restartContainer(const QString &nameOrId, int timeoutSeconds, QObject *context,
                              ResultCallback<void> done) {
    m_client.request("POST", paths::restartContainer(nameOrId, timeoutSeconds), context,
                     noValue(std::move(done)));
}
void Engine::renameContainer(const QString &nameOrId, const QString &newName, QObject *context,
                             ResultCallback<void> done) {
    m_client.request("POST", paths::renameContainer(nameOrId, newName), context,
                     noValue(std::move(done)));
}
void Engine::removeContainer(const QString &nameOrId, QObject *context, ResultCallback<void> done) {
    m_client.request("DELETE", paths::removeContainer(nameOrId), context, noValue(std::move(done)));
}
void Engine::setRestartPolicy(const QString &nameOrId, const QString &policy, QObject *context,
                              ResultCallback<void> done) {
    m_client.request("POST", paths::updateContainer(nameOrId), context, noValue(std::move(done)),
                     compact(QJsonObject{{QStringLiteral("RestartPolicy"),
                                          QJsonObject{{QStringLiteral("Name"), policy}}}}));
}
DockerStream *Engine::build(const BuildQuery &query, const QByteArray &tarContext,
                            std::function<void(const QByteArray &)> output,
                            ResultCallback<void> done) {
    DockerStream *stream =
        m_client.stream("POST", paths::build(query), tarContext, "application/x-tar");
    QObject::connect(stream, &DockerStream::data, stream, std::move(output));
    QObject::connect(stream, &DockerStream::finished, stream, noValue(std::move(done)));
    return stream;
}
void Engine::info(QObject *context, ResultCallback<EngineInfo> done) {
    m_client.request("GET", paths::info(), context,
                     parsed(std::move(done), parseEngineInfo, "engine info"));
}
void Engine::nodes(QObject *context, ResultCallback<QList<SwarmNode>> done) {
    m_client.request("GET", paths::nodes(), context, list(std::move(done), parseNodeList));
}
void Engine::services(QObject *context, ResultCallback<QList<SwarmService>> done) {
    m_client.request("GET", paths::services(), context, list(std::move(done), parseServiceList));
}
void Engine::inspectService(const QString &nameOrId, QObject *context,
                            ResultCallback<SwarmService> done) {
    m_client.request("GET", paths::service(nameOrId), context,
                     parsed(std::move(done), parseSwarmService, "service inspect"));
}
void Engine::serviceLogs(const QString &nameOrId, const LogsQuery &query, QObject *context,
                         ResultCallback<QByteArray> done) {
    m_client.request("GET", paths::serviceLogs(nameOrId, query), context, body(std::move(done)));
}
DockerStream *Engine::streamServiceLogs(const QString &nameOrId, const LogsQuery &query) {
    return m_client.stream("GET", paths::serviceLogs(nameOrId, query));
}
void Engine::createService(const ServiceSpec &spec, QObject *context,
                           ResultCallback<ServiceSubmitted> done) {
    m_client.request("POST", paths::createService(), context,
                     parsed(std::move(done), submitted, "service create"), serviceSpecBody(spec));
}
void Engine::updateService(const QString &id, qint64 version, const ServiceSpec &spec,
                           QObject *context, ResultCallback<ServiceSubmitted> done) {
    m_client.request("POST", paths::updateService(id, version), context,
                     parsed(std::move(done), submitted, "service update"), serviceSpecBody(spec));
}
void Engine::rollbackService(const QString &nameOrId, QObject *context, ResultCallback<void> done) {
    changeService(
        m_client, nameOrId, context,
        [](const QJsonObject &spec) -> Expected<QJsonObject, EngineError> { return spec; },
        std::move(done), true);
}
void Engine::removeService(const QString &nameOrId, QObject *context, ResultCallback<void> done) {
    m_client.request("DELETE", paths::service(nameOrId), context, noValue(std::move(done)));
}
void Engine::scaleService(const QString &nameOrId, int replicas, QObject *context,
                          ResultCallback<int> done) {
    auto asked = std::make_shared<int>(0);
    changeService(
        m_client, nameOrId, context,
        [replicas, asked](const QJsonObject &spec) {
            return scaledSpec(spec, replicas, asked.get());
        },
        [asked, done = std::move(done)](const EngineResult<void> &r) {
            if (!r)
                return done(fail(r.error()));
            done(*asked);
        });
}
void Engine::forceUpdateService(const QString &nameOrId, QObject *context,
                                ResultCallback<void> done) {
    changeService(
        m_client, nameOrId, context,
        [](QJsonObject spec) -> Expected<QJsonObject, EngineError> {
            QJsonObject task = spec.value(QStringLiteral("TaskTemplate")).toObject();
            task.insert(QStringLiteral("ForceUpdate"),
                        task.value(QStringLiteral("ForceUpdate")).toInt() + 1);
            spec.insert(QStringLiteral("TaskTemplate"), task);
            return spec;
        },
        std::move(done));
}
void Engine::tasks(const Filters &filters, QObject *context,
                   ResultCallback<QList<SwarmTask>> done) {
    m_client.request("GET", paths::tasks(filters), context, list(std::move(done), parseTaskList));
}

EventStream *Engine::streamEvents(const EventsQuery &query) {
    return new EventStream(m_client.stream("GET", paths::events(query)));
}
void Engine::containerStats(const QString &nameOrId, QObject *context,
                            ResultCallback<QByteArray> done) {
    m_client.request("GET", paths::containerStats(nameOrId, false), context, body(std::move(done)));
}
void Engine::containerStatsOnce(const QString &nameOrId, QObject *context,
                                ResultCallback<QByteArray> done) {
    m_client.request("GET", paths::containerStatsOnce(nameOrId), context, body(std::move(done)));
}
DockerStream *Engine::streamContainerStats(const QString &nameOrId) {
    return m_client.stream("GET", paths::containerStats(nameOrId, true));
}

} // namespace mist::engine
