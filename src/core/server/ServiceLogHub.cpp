// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServiceLogHub.h"

#include "ClientConnection.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "protocol/Envelope.h"
#include "protocol/Parsing.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace mist::server {

namespace {
constexpr int MaxStreamRestarts = 5;

QString keyOf(qint64 tsNs, const engine::ServiceLogLine &line) {
    return QString::number(tsNs) + u'/' + line.task + u'/' + line.stream;
}
} // namespace

ServiceLogHub::ServiceLogHub(engine::DockerClient *docker, const engine::SwarmService &service,
                             QObject *parent)
    : LogHub(parent)
    , m_docker(docker)
    , m_service(service)
    , m_serviceId(service.id)
    , m_tty(service.tty)
    , m_decoder(m_tty ? engine::ServiceLogDecoder::Mode::Tty
                      : engine::ServiceLogDecoder::Mode::Multiplexed) {
    m_taskTimer.setInterval(TaskPollMs);
    connect(&m_taskTimer, &QTimer::timeout, this, [this] { readTasks(false); });
    readNodes();
    readTasks(true);
}

ServiceLogHub::~ServiceLogHub() {
    if (m_stream)
        m_stream->abort();
}

void ServiceLogHub::readNodes() {
    engine::Engine(*m_docker).nodes(
        this, [this](const engine::EngineResult<QList<engine::SwarmNode>> &nodes) {
            if (!nodes)
                return; // names are a nicety; ids are always there
            for (const engine::SwarmNode &node : *nodes)
                m_nodeNames.insert(node.id, node.hostname);
        });
}

void ServiceLogHub::readTasks(bool thenProbe) {
    // One listing at a time: lines of a new task ask for one, and a chatty
    // task must not turn that into a request per line.
    if (m_tasksInFlight && !thenProbe)
        return;
    m_tasksInFlight = true;
    // The service too, now and then: its replica count may change.
    if (!thenProbe && ++m_polls % 5 == 0) {
        engine::Engine(*m_docker).inspectService(
            m_serviceId, this, [this](const engine::EngineResult<engine::SwarmService> &r) {
                if (!r && r.error().notFound())
                    finish(QStringLiteral("Service removed"), false);
                else if (r)
                    m_service = *r;
            });
    }
    engine::Engine(*m_docker).tasks(
        {{QStringLiteral("service"), {m_serviceId}}}, this,
        [this, thenProbe](const engine::EngineResult<QList<engine::SwarmTask>> &tasks) {
            onTasks(tasks, thenProbe);
        });
}

void ServiceLogHub::onTasks(const engine::EngineResult<QList<engine::SwarmTask>> &answer,
                            bool thenProbe) {
    m_tasksInFlight = false;
    if (isDone())
        return;
    if (!answer) {
        if (thenProbe)
            finish(engineFailureMessage(answer.error()), true);
        return; // a poll that failed: the next one tries again
    }
    const QList<engine::SwarmTask> &tasks = *answer;
    m_places = engine::taskPlaces(tasks);
    for (const auto &place : std::as_const(m_places)) {
        if (!place.node.isEmpty() && !m_nodeNames.contains(place.node)) {
            readNodes(); // a node we have not named yet
            break;
        }
    }
    QJsonObject status = engine::serviceStatus(m_service, tasks);
    // The nodes by name too, as the log lines carry them.
    QJsonArray listed = status.value(QStringLiteral("tasks")).toArray();
    for (qsizetype i = 0; i < listed.size(); ++i) {
        QJsonObject task = listed[i].toObject();
        task.insert(QStringLiteral("nodeName"),
                    m_nodeNames.value(task.value(QStringLiteral("node")).toString()));
        listed[i] = task;
    }
    status.insert(QStringLiteral("tasks"), listed);
    if (status != m_status) {
        m_status = status;
        m_statusMessage = protocol::statusMessage(status);
        if (isLive())
            broadcast(m_statusMessage);
    }
    if (thenProbe)
        probe();
}

void ServiceLogHub::probe() {
    engine::LogsQuery query;
    query.details = true;
    query.tail = TailLines;
    engine::Engine(*m_docker).serviceLogs(
        m_serviceId, query, this,
        [this](const engine::EngineResult<QByteArray> &logs) { onProbe(logs); });
}

void ServiceLogHub::onProbe(const engine::EngineResult<QByteArray> &logs) {
    if (isDone())
        return;
    if (!logs) {
        if (logs.error().notFound())
            finish(QStringLiteral("Service not found"), true, QWebSocketProtocol::CloseCodeNormal);
        else
            finish(engineFailureMessage(logs.error()), true);
        return;
    }
    engine::ServiceLogDecoder decoder(m_tty ? engine::ServiceLogDecoder::Mode::Tty
                                            : engine::ServiceLogDecoder::Mode::Multiplexed);
    QList<engine::ServiceLogLine> lines;
    decoder.feed(*logs, lines);
    decoder.finish(lines);
    if (decoder.failed())
        return finish(
            QStringLiteral("Malformed log stream from the engine: %1").arg(decoder.errorString()),
            true);
    // The engine gives each task's last lines in turn: put them in time order
    // and keep the last ones overall.
    using Buffered = LineBuffer<engine::ServiceLogLine>::Entry;
    std::vector<Buffered> all;
    all.reserve(size_t(lines.size()));
    for (engine::ServiceLogLine &line : lines) {
        const qint64 ts = protocol::parseEngineTimestampNs(line.ts).value_or(0);
        all.push_back({std::move(line), ts});
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Buffered &a, const Buffered &b) { return a.tsNs < b.tsNs; });
    const size_t first = all.size() > size_t(TailLines) ? all.size() - TailLines : 0;
    for (size_t i = first; i < all.size(); ++i)
        m_buffer.append(all[i].line, all[i].tsNs);
    if (!all.empty())
        m_lastTsNs = all.back().tsNs;
    // since= is inclusive: what the probe gave at that instant comes again
    // (all of it, even beyond the 100 lines kept).
    for (const Buffered &b : all) {
        if (b.tsNs == m_lastTsNs)
            m_alreadyHave.insert(keyOf(b.tsNs, b.line));
    }
    m_alreadyHaveUntilNs = m_lastTsNs;

    m_taskTimer.start();
    goLive();
    if (!isDone())
        follow();
}

void ServiceLogHub::follow() {
    engine::LogsQuery query;
    query.follow = true;
    query.details = true;
    if (m_lastTsNs > 0)
        query.since = protocol::engineSinceParameter(m_lastTsNs);
    else
        query.tail = engine::LogsQuery::AllLines;
    m_decoder = engine::ServiceLogDecoder(m_tty ? engine::ServiceLogDecoder::Mode::Tty
                                                : engine::ServiceLogDecoder::Mode::Multiplexed);
    m_stream = engine::Engine(*m_docker).streamServiceLogs(m_serviceId, query);
    m_stream->setParent(this);
    connect(m_stream, &engine::DockerStream::data, this, &ServiceLogHub::onFollowData);
    connect(m_stream, &engine::DockerStream::finished, this, &ServiceLogHub::onFollowFinished);
}

void ServiceLogHub::onFollowData(const QByteArray &bytes) {
    QList<engine::ServiceLogLine> lines;
    m_decoder.feed(bytes, lines);
    for (const engine::ServiceLogLine &line : std::as_const(lines)) {
        const qint64 ts = protocol::parseEngineTimestampNs(line.ts).value_or(0);
        if (ts <= m_alreadyHaveUntilNs && m_alreadyHave.remove(keyOf(ts, line)))
            continue;
        relay(line, ts);
    }
    if (m_decoder.failed())
        finish(
            QStringLiteral("Malformed log stream from the engine: %1").arg(m_decoder.errorString()),
            true, QWebSocketProtocol::CloseCodeBadOperation);
}

void ServiceLogHub::onFollowFinished() {
    if (m_stream)
        m_stream->deleteLater();
    m_stream = nullptr;
    if (isDone())
        return;
    QList<engine::ServiceLogLine> rest;
    m_decoder.finish(rest);
    for (const engine::ServiceLogLine &line : std::as_const(rest))
        relay(line, protocol::parseEngineTimestampNs(line.ts).value_or(0));
    // The service may be gone; otherwise the engine dropped the stream:
    // follow again from the last line relayed.
    engine::Engine(*m_docker).inspectService(
        m_serviceId, this, [this](const engine::EngineResult<engine::SwarmService> &r) {
            if (isDone())
                return;
            if (!r && r.error().notFound())
                return finish(QStringLiteral("Service removed"), false);
            if (!r)
                return finish(engineFailureMessage(r.error()), true);
            if (++m_restarts > MaxStreamRestarts)
                return finish(QStringLiteral("Docker engine keeps closing the log stream"), true);
            expectRepeatsOfLastInstant();
            follow();
        });
}

void ServiceLogHub::expectRepeatsOfLastInstant() {
    // since= is inclusive: what the buffer holds of that instant comes again.
    m_alreadyHave.clear();
    for (const auto &b : m_buffer.entries()) {
        if (b.tsNs == m_lastTsNs)
            m_alreadyHave.insert(keyOf(b.tsNs, b.line));
    }
    m_alreadyHaveUntilNs = m_lastTsNs;
}

QString ServiceLogHub::messageFor(const engine::ServiceLogLine &line) const {
    const engine::TaskPlace place = m_places.value(line.task);
    return protocol::serviceLogMessage(
        line.line, line.stream, line.ts, line.truncated,
        protocol::TaskOrigin{line.task, line.node, m_nodeNames.value(line.node), place.slot});
}

void ServiceLogHub::relay(const engine::ServiceLogLine &line, qint64 tsNs) {
    // A new task: learn its slot for the next lines (once per task).
    if (!line.task.isEmpty() && !m_places.contains(line.task) &&
        !m_askedAbout.contains(line.task)) {
        if (m_askedAbout.size() > 4096)
            m_askedAbout.clear();
        m_askedAbout.insert(line.task);
        readTasks(false);
    }
    m_buffer.append(line, tsNs);
    m_lastTsNs = std::max(m_lastTsNs, tsNs);
    countLine();
    broadcast(messageFor(line));
}

void ServiceLogHub::deliver(ClientConnection *client, std::optional<qint64> sinceNs) {
    if (!m_statusMessage.isEmpty())
        client->send(m_statusMessage);
    m_catchingUp.insert(client, CatchUp{m_buffer.serialAt(sinceNs ? 0 : m_buffer.tailStart()),
                                        sinceNs, m_statusMessage});
    connect(client, &ClientConnection::replayRoom, this, [this, client] { pump(client); });
    pump(client);
}

void ServiceLogHub::pump(ClientConnection *client) {
    for (;;) {
        const auto it = m_catchingUp.find(client);
        if (it == m_catchingUp.end())
            return;
        CatchUp &c = *it;
        if (c.nextSerial >= m_buffer.nextSerial()) {
            // Caught up; the tasks may have changed meanwhile.
            const bool statusChanged = c.statusSent != m_statusMessage;
            m_catchingUp.erase(it);
            if (statusChanged)
                client->send(m_statusMessage);
            return;
        }
        const auto index = m_buffer.indexOf(c.nextSerial);
        if (!index) {
            const quint64 front = m_buffer.serialAt(0);
            const quint64 skipped = front - c.nextSerial;
            c.nextSerial = front;
            if (!client->sendReplay(protocol::errorMessage(
                    QStringLiteral("%1 log lines left the server's buffer before they could be "
                                   "sent: skipped")
                        .arg(skipped)))) {
                m_catchingUp.remove(client);
                return;
            }
            continue;
        }
        if (!client->hasReplayRoom())
            return; // replayRoom() brings us back
        const auto &entry = m_buffer.entries()[*index];
        ++c.nextSerial;
        // Lines of several nodes interleave: each is checked against `since`.
        if (c.sinceNs && entry.tsNs <= *c.sinceNs)
            continue;
        if (!client->sendReplay(messageFor(entry.line))) {
            m_catchingUp.remove(client);
            return;
        }
    }
}

void ServiceLogHub::finish(const QString &message, bool isError,
                           std::optional<QWebSocketProtocol::CloseCode> code) {
    if (isDone())
        return;
    m_taskTimer.stop();
    if (m_stream) {
        m_stream->abort();
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    m_catchingUp.clear();
    end(message, isError, code);
}

} // namespace mist::server
