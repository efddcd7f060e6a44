#include "ContainerLogHub.h"

#include "ClientConnection.h"
#include "engine/DockerClient.h"
#include "protocol/Envelope.h"
#include "protocol/Parsing.h"

#include <QJsonObject>
#include <QTimer>

#include <algorithm>

namespace mist::server {

namespace {
// The probe stops growing here: 64 Ki entries of up to 16 KiB is already more
// than the engine client will buffer for one reply.
constexpr int MaxProbeEntries = 64 * 1024;
constexpr qsizetype MaxProbeBytes = 32 * 1024 * 1024;
constexpr int MaxStreamRestarts = 5;
constexpr int RestartGraceMs = 1500;

QString logMessageFor(const engine::LogLine &line) {
    return protocol::logMessage(line.line, line.stream, line.ts, line.truncated);
}
} // namespace

ContainerLogHub::ContainerLogHub(engine::DockerClient *docker, const QString &containerId, bool tty,
                                 QObject *parent)
    : LogHub(parent)
    , m_docker(docker)
    , m_containerId(containerId)
    , m_tty(tty)
    , m_decoder(tty ? engine::LogStreamDecoder::Mode::Tty
                    : engine::LogStreamDecoder::Mode::Multiplexed) {
    probe(TailLines + 1);
}

ContainerLogHub::~ContainerLogHub() {
    if (m_stream)
        m_stream->abort();
}

void ContainerLogHub::deliver(ClientConnection *client, std::optional<qint64> sinceNs) {
    if (!sinceNs)
        return deliverTail(client);
    // The buffer reaches back far enough when it holds a line at or before
    // `since` -- or when the whole log since then fits in it.
    if (!m_buffer.isEmpty() && m_buffer.entries().front().tsNs <= *sinceNs)
        return sendBufferedAfter(client, *sinceNs);
    backfill(client, *sinceNs);
}

void ContainerLogHub::sendBufferedAfter(ClientConnection *client, qint64 afterNs) {
    for (const auto &b : m_buffer.entries()) {
        if (b.tsNs > afterNs && !client->sendReplay(logMessageFor(b.line)))
            return;
    }
}

void ContainerLogHub::backfill(ClientConnection *client, qint64 sinceNs) {
    m_backfilling.insert(client);
    const qint64 bufferStart = m_buffer.isEmpty() ? 0 : m_buffer.entries().front().tsNs;
    QPointer<ClientConnection> guard(client);
    m_docker->request(
        "GET",
        QStringLiteral("/containers/%1/logs?stdout=1&stderr=1&timestamps=1&since=%2")
            .arg(m_containerId, protocol::engineSinceParameter(sinceNs)),
        this, [this, guard, client, sinceNs, bufferStart](const engine::DockerReply &reply) {
            m_backfilling.remove(client);
            if (!guard || isDone())
                return;
            qint64 sentUpTo = sinceNs;
            if (reply.ok()) {
                engine::LogStreamDecoder decoder(m_tty
                                                     ? engine::LogStreamDecoder::Mode::Tty
                                                     : engine::LogStreamDecoder::Mode::Multiplexed);
                QList<engine::LogLine> lines;
                decoder.feed(reply.body, lines);
                for (const engine::LogLine &line : std::as_const(lines)) {
                    const qint64 ts = protocol::parseEngineTimestampNs(line.ts).value_or(0);
                    // since= is inclusive; and what the buffer holds comes from there.
                    if (ts <= sinceNs || (bufferStart > 0 && ts >= bufferStart))
                        continue;
                    guard->sendReplay(logMessageFor(line));
                    sentUpTo = std::max(sentUpTo, ts);
                }
            }
            // Then the buffer, which has kept everything relayed meanwhile.
            sendBufferedAfter(guard, sentUpTo);
        });
}

bool ContainerLogHub::isCatchingUp(ClientConnection *client) const {
    return m_backfilling.contains(client);
}

void ContainerLogHub::forget(ClientConnection *client) {
    m_backfilling.remove(client);
}

void ContainerLogHub::probe(int entries) {
    const QString path =
        QStringLiteral("/containers/%1/logs?stdout=1&stderr=1&timestamps=1&tail=%2")
            .arg(m_containerId)
            .arg(entries);
    m_docker->request("GET", path, this,
                      [this, entries](const engine::DockerReply &r) { onProbeReply(entries, r); });
}

void ContainerLogHub::onProbeReply(int entries, const engine::DockerReply &reply) {
    if (isDone())
        return;
    if (!reply.ok()) {
        if (reply.httpStatus == 404)
            finish(QStringLiteral("Container not found"), true,
                   QWebSocketProtocol::CloseCodeNormal);
        else
            finish(engineFailureMessage(reply), true);
        return;
    }
    engine::LogStreamDecoder decoder(m_tty ? engine::LogStreamDecoder::Mode::Tty
                                           : engine::LogStreamDecoder::Mode::Multiplexed);
    QList<engine::LogLine> complete;
    QList<engine::LogLine> partial;
    decoder.feed(reply.body, complete);
    const quint64 entriesSeen = decoder.entriesSeen();
    const QString lastEntryTs = decoder.lastEntryTs();
    decoder.finish(partial);

    const bool wholeLog = entriesSeen < quint64(entries);
    if (!wholeLog && complete.size() <= TailLines && entries < MaxProbeEntries &&
        reply.body.size() < MaxProbeBytes) {
        probe(std::min(entries * 8, MaxProbeEntries));
        return;
    }
    // When the window did not reach the start of the log, its first line may be
    // the tail end of a longer one: never show half a line as a whole one.
    if (!wholeLog && !complete.isEmpty())
        complete.removeFirst();

    // Follow from the first piece of any line still being written, else from
    // the last entry; everything at or after that point that we already hold
    // will come again (since= is inclusive) and is skipped once.
    qint64 since = 0;
    for (const engine::LogLine &p : partial) {
        const qint64 ts = protocol::parseEngineTimestampNs(p.ts).value_or(0);
        if (ts > 0 && (since == 0 || ts < since))
            since = ts;
    }
    if (since == 0)
        since = protocol::parseEngineTimestampNs(lastEntryTs).value_or(0);

    const qsizetype first = std::max<qsizetype>(0, complete.size() - TailLines);
    for (qsizetype i = 0; i < complete.size(); ++i) {
        const qint64 ts = protocol::parseEngineTimestampNs(complete[i].ts).value_or(0);
        if (since > 0 && ts >= since) {
            m_alreadyHave.insert({ts, complete[i].stream});
            m_alreadyHaveUntilNs = std::max(m_alreadyHaveUntilNs, ts);
        }
        if (i >= first)
            m_buffer.append(complete[i], ts);
    }
    m_resumeFromNs = since;
    goLive();
    if (!isDone())
        follow();
}

void ContainerLogHub::follow() {
    QString path = QStringLiteral("/containers/%1/logs?follow=1&stdout=1&stderr=1&timestamps=1")
                       .arg(m_containerId);
    if (m_resumeFromNs > 0)
        path += QStringLiteral("&since=") + protocol::engineSinceParameter(m_resumeFromNs);
    else
        path += QStringLiteral("&tail=all");
    m_decoder = engine::LogStreamDecoder(m_tty ? engine::LogStreamDecoder::Mode::Tty
                                               : engine::LogStreamDecoder::Mode::Multiplexed);
    m_stream = m_docker->stream("GET", path);
    m_stream->setParent(this);
    connect(m_stream, &engine::DockerStream::data, this, &ContainerLogHub::onFollowData);
    connect(m_stream, &engine::DockerStream::finished, this, &ContainerLogHub::onFollowFinished);
}

void ContainerLogHub::onFollowData(const QByteArray &bytes) {
    QList<engine::LogLine> lines;
    m_decoder.feed(bytes, lines);
    for (const engine::LogLine &line : std::as_const(lines)) {
        const qint64 ts = protocol::parseEngineTimestampNs(line.ts).value_or(0);
        if (!m_alreadyHave.isEmpty()) {
            if (ts <= m_alreadyHaveUntilNs && m_alreadyHave.remove({ts, line.stream}))
                continue;
            if (ts > m_alreadyHaveUntilNs)
                m_alreadyHave.clear();
        }
        relay(line, ts);
    }
    if (m_decoder.failed())
        finish(
            QStringLiteral("Malformed log stream from the engine: %1").arg(m_decoder.errorString()),
            true);
}

void ContainerLogHub::onFollowFinished(const engine::DockerReply &reply) {
    Q_UNUSED(reply);
    if (m_stream)
        m_stream->deleteLater();
    m_stream = nullptr;
    if (isDone())
        return;
    QList<engine::LogLine> rest;
    m_decoder.finish(rest);
    for (const engine::LogLine &line : std::as_const(rest))
        relay(line, protocol::parseEngineTimestampNs(line.ts).value_or(0));
    // Why did the stream end? The container's own state tells.
    m_docker->request("GET", QStringLiteral("/containers/%1/json").arg(m_containerId), this,
                      [this](const engine::DockerReply &r) { onInspected(r); });
}

void ContainerLogHub::onInspected(const engine::DockerReply &reply) {
    if (isDone())
        return;
    if (reply.httpStatus == 0) {
        finish(engineFailureMessage(reply), true);
        return;
    }
    if (reply.httpStatus == 404) {
        finish(QStringLiteral("Log stream ended"), false);
        return;
    }
    const QJsonObject state = reply.json().object().value(QStringLiteral("State")).toObject();
    if (!reply.ok() || !state.value(QStringLiteral("Running")).toBool()) {
        // A restart (docker restart, a restart policy) stops the container
        // for a moment: look once more before calling it the end, so viewers
        // follow the restarted container on the same socket.
        if (!m_recheckedStop && reply.ok()) {
            m_recheckedStop = true;
            QTimer::singleShot(RestartGraceMs, this, [this] {
                m_docker->request("GET", QStringLiteral("/containers/%1/json").arg(m_containerId),
                                  this, [this](const engine::DockerReply &r) { onInspected(r); });
            });
            return;
        }
        finish(QStringLiteral("Log stream ended"), false);
        return;
    }
    m_recheckedStop = false;
    // Still running (restarted, or the engine dropped the stream): resume
    // right after the last line we relayed.
    if (++m_restarts > MaxStreamRestarts) {
        finish(QStringLiteral("Docker engine keeps closing the log stream"), true);
        return;
    }
    if (!m_buffer.isEmpty()) {
        m_resumeFromNs = m_buffer.entries().back().tsNs;
        m_alreadyHave.clear();
        for (const auto &b : m_buffer.entries()) {
            if (b.tsNs >= m_resumeFromNs)
                m_alreadyHave.insert({b.tsNs, b.line.stream});
        }
        m_alreadyHaveUntilNs = m_resumeFromNs;
    }
    follow();
}

void ContainerLogHub::deliverTail(ClientConnection *client) {
    const auto &entries = m_buffer.entries();
    for (size_t i = m_buffer.tailStart(); i < entries.size(); ++i) {
        if (!client->sendReplay(logMessageFor(entries[i].line)))
            return;
    }
}

void ContainerLogHub::relay(const engine::LogLine &line, qint64 tsNs) {
    m_buffer.append(line, tsNs);
    countLine();
    broadcast(logMessageFor(line));
}

void ContainerLogHub::finish(const QString &finalMessage, bool isError,
                             std::optional<QWebSocketProtocol::CloseCode> closeCode) {
    if (isDone())
        return;
    if (m_stream) {
        m_stream->abort();
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    end(finalMessage, isError, closeCode);
}

} // namespace mist::server
