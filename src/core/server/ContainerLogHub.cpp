// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerLogHub.h"

#include "ClientConnection.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "protocol/Envelope.h"
#include "protocol/Parsing.h"

#include <QDateTime>
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
    CatchUp &c = m_catchingUp[client];
    c.decoder = engine::LogStreamDecoder(m_tty ? engine::LogStreamDecoder::Mode::Tty
                                               : engine::LogStreamDecoder::Mode::Multiplexed);
    connect(client, &ClientConnection::replayRoom, this, [this, client] { pump(client); });
    if (!sinceNs) {
        // The last 100 lines.
        const size_t first = m_buffer.tailStart();
        c.fromBuffer = true;
        c.nextSerial = m_buffer.serialAt(first);
        c.cursorNs = m_buffer.isEmpty() ? 0 : m_buffer.entries()[first].tsNs - 1;
    } else {
        c.cursorNs = *sinceNs;
        // The buffer reaches back far enough when it holds a line at or
        // before `since`; else the engine's log has the lines before it.
        if (bufferCovers(c.cursorNs))
            readFromBuffer(c);
        else
            readFromEngine(client, c);
    }
    pump(client);
}

bool ContainerLogHub::bufferCovers(qint64 ns) const {
    return !m_buffer.isEmpty() && m_buffer.entries().front().tsNs <= ns;
}

void ContainerLogHub::readFromBuffer(CatchUp &c) {
    if (c.stream) {
        c.stream->abort();
        c.stream->deleteLater();
    }
    c.stream = nullptr;
    c.pending.clear();
    c.fromBuffer = true;
    // since= is inclusive, and what the viewer has ends at the cursor.
    const auto &entries = m_buffer.entries();
    size_t i = 0;
    while (i < entries.size() && entries[i].tsNs <= c.cursorNs)
        ++i;
    c.nextSerial = m_buffer.serialAt(i);
}

void ContainerLogHub::readFromEngine(ClientConnection *client, CatchUp &c) {
    if (c.stream) {
        c.stream->abort();
        c.stream->deleteLater();
    }
    c.fromBuffer = false;
    c.pending.clear();
    c.streamDone = false;
    c.progressed = false;
    c.decoder = engine::LogStreamDecoder(m_tty ? engine::LogStreamDecoder::Mode::Tty
                                               : engine::LogStreamDecoder::Mode::Multiplexed);
    // A stream, not a request: its reply is never held whole (a request's
    // is capped at 64 MiB, and a resume may reach back further than that).
    engine::LogsQuery query;
    query.since = protocol::engineSinceParameter(c.cursorNs);
    c.stream = engine::Engine(*m_docker).streamContainerLogs(m_containerId, query);
    c.stream->setParent(this);
    connect(c.stream, &engine::DockerStream::data, this,
            [this, client](const QByteArray &bytes) { onCatchUpData(client, bytes); });
    engine::streamFinished(c.stream, this, [this, client](const engine::EngineResult<void> &ended) {
        onCatchUpFinished(client, ended);
    });
}

void ContainerLogHub::onCatchUpData(ClientConnection *client, const QByteArray &bytes) {
    const auto it = m_catchingUp.find(client);
    if (it == m_catchingUp.end() || it->second.fromBuffer)
        return;
    CatchUp &c = it->second;
    QList<engine::LogLine> lines;
    c.decoder.feed(bytes, lines);
    for (engine::LogLine &line : lines) {
        const qint64 ts = protocol::parseEngineTimestampNs(line.ts).value_or(0);
        // since= is inclusive.
        if (ts > c.cursorNs) {
            c.pending.emplace_back(std::move(line), ts);
            c.progressed = true;
        }
    }
    if (c.decoder.failed()) {
        const QString message =
            QStringLiteral("Malformed log stream from the engine: %1").arg(c.decoder.errorString());
        dropCatchUp(client);
        client->send(protocol::errorMessage(message));
        client->close(QWebSocketProtocol::CloseCodeBadOperation, message);
        return;
    }
    pump(client);
}

void ContainerLogHub::onCatchUpFinished(ClientConnection *client,
                                        const engine::EngineResult<void> &ended) {
    const auto it = m_catchingUp.find(client);
    if (it == m_catchingUp.end() || it->second.fromBuffer)
        return;
    CatchUp &c = it->second;
    if (c.stream)
        c.stream->deleteLater();
    c.stream = nullptr;
    if (!ended) {
        // Not silently: the viewer is told, and resumes later from the last
        // line it has (the clients do so after a 1011).
        const QString message = engineFailureMessage(ended.error());
        dropCatchUp(client);
        client->send(protocol::errorMessage(message));
        client->close(QWebSocketProtocol::CloseCodeBadOperation, message);
        return;
    }
    // A line still incomplete at the end is left to the next read, which
    // will have it whole.
    c.streamDone = true;
    pump(client);
}

void ContainerLogHub::pump(ClientConnection *client) {
    for (;;) {
        const auto it = m_catchingUp.find(client);
        if (it == m_catchingUp.end())
            return;
        CatchUp &c = it->second;
        if (c.fromBuffer) {
            if (c.nextSerial >= m_buffer.nextSerial()) {
                dropCatchUp(client); // caught up: live from the next line on
                return;
            }
            const auto index = m_buffer.indexOf(c.nextSerial);
            if (!index) {
                // Left the buffer while this viewer was slow: the engine has it.
                readFromEngine(client, c);
                continue;
            }
            if (!client->hasReplayRoom())
                return; // replayRoom() brings us back
            const auto &entry = m_buffer.entries()[*index];
            ++c.nextSerial;
            c.cursorNs = entry.tsNs;
            if (!client->sendReplay(logMessageFor(entry.line))) {
                dropCatchUp(client);
                return;
            }
            continue;
        }
        if (bufferCovers(c.cursorNs)) {
            readFromBuffer(c);
            continue;
        }
        if (!c.pending.empty()) {
            if (!client->hasReplayRoom()) {
                if (c.stream)
                    c.stream->pause();
                return;
            }
            const auto [line, ts] = std::move(c.pending.front());
            c.pending.pop_front();
            c.cursorNs = ts;
            if (!client->sendReplay(logMessageFor(line))) {
                dropCatchUp(client);
                return;
            }
            continue;
        }
        if (!c.streamDone) {
            if (c.stream)
                c.stream->resume();
            return; // more comes through onCatchUpData
        }
        // The engine gave all it had from the cursor on.
        if (m_buffer.isEmpty()) {
            dropCatchUp(client);
            return;
        }
        if (c.progressed) {
            c.fruitlessStreams = 0;
            readFromEngine(client, c); // the buffer moved on meanwhile
            continue;
        }
        if (++c.fruitlessStreams < 2) {
            readFromEngine(client, c); // a line relayed just after the read began
            continue;
        }
        if (!skipRotatedGap(client, c))
            return;
    }
}

bool ContainerLogHub::skipRotatedGap(ClientConnection *client, CatchUp &c) {
    // The engine's log no longer has what lies between the cursor and the
    // buffer (rotated away): say so rather than skip it silently.
    const qint64 from = c.cursorNs;
    c.cursorNs = m_buffer.entries().front().tsNs - 1;
    readFromBuffer(c);
    if (client->sendReplay(protocol::errorMessage(
            QStringLiteral("Log lines between %1 and %2 are no longer in the engine's log: "
                           "skipped")
                .arg(protocol::formatEngineTimestampNs(from), m_buffer.entries().front().line.ts))))
        return true;
    dropCatchUp(client);
    return false;
}

void ContainerLogHub::dropCatchUp(ClientConnection *client) {
    const auto it = m_catchingUp.find(client);
    if (it == m_catchingUp.end())
        return;
    if (it->second.stream) {
        it->second.stream->abort();
        it->second.stream->deleteLater();
    }
    m_catchingUp.erase(it);
}

bool ContainerLogHub::isCatchingUp(ClientConnection *client) const {
    return m_catchingUp.count(client) != 0;
}

void ContainerLogHub::forget(ClientConnection *client) {
    dropCatchUp(client);
}

void ContainerLogHub::probe(int entries) {
    engine::LogsQuery query;
    query.tail = entries;
    engine::Engine(*m_docker).containerLogs(
        m_containerId, query, this, [this, entries](const engine::EngineResult<QByteArray> &logs) {
            onProbeReply(entries, logs);
        });
}

void ContainerLogHub::onProbeReply(int entries, const engine::EngineResult<QByteArray> &logs) {
    if (isDone())
        return;
    if (!logs) {
        if (logs.error().notFound())
            finish(QStringLiteral("Container not found"), true,
                   QWebSocketProtocol::CloseCodeNormal);
        else
            finish(engineFailureMessage(logs.error()), true);
        return;
    }
    engine::LogStreamDecoder decoder(m_tty ? engine::LogStreamDecoder::Mode::Tty
                                           : engine::LogStreamDecoder::Mode::Multiplexed);
    QList<engine::LogLine> complete;
    QList<engine::LogLine> partial;
    decoder.feed(*logs, complete);
    const quint64 entriesSeen = decoder.entriesSeen();
    const QString lastEntryTs = decoder.lastEntryTs();
    decoder.finish(partial);

    const bool wholeLog = entriesSeen < quint64(entries);
    if (!wholeLog && complete.size() <= TailLines && entries < MaxProbeEntries &&
        logs->size() < MaxProbeBytes) {
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
    qint64 oldest = 0;
    for (qsizetype i = 0; i < complete.size(); ++i) {
        const qint64 ts = protocol::parseEngineTimestampNs(complete[i].ts).value_or(0);
        if (i == 0)
            oldest = ts;
        if (since > 0 && ts >= since) {
            m_alreadyHave.insert({ts, complete[i].stream});
            m_alreadyHaveUntilNs = std::max(m_alreadyHaveUntilNs, ts);
        }
        if (i >= first)
            m_buffer.append(complete[i], ts);
        if (m_lineSink)
            m_lineSink(complete[i], ts);
    }
    if (m_lineSink)
        Q_EMIT sinkStartsAt(wholeLog ? 0 : complete.isEmpty() ? since : oldest);
    m_resumeFromNs = since;
    goLive();
    if (!isDone())
        follow();
}

void ContainerLogHub::follow() {
    engine::LogsQuery query;
    query.follow = true;
    if (m_resumeFromNs > 0)
        query.since = protocol::engineSinceParameter(m_resumeFromNs);
    else
        query.tail = engine::LogsQuery::AllLines;
    m_decoder = engine::LogStreamDecoder(m_tty ? engine::LogStreamDecoder::Mode::Tty
                                               : engine::LogStreamDecoder::Mode::Multiplexed);
    m_stream = engine::Engine(*m_docker).streamContainerLogs(m_containerId, query);
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

void ContainerLogHub::onFollowFinished() {
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
    engine::Engine(*m_docker).inspectContainer(
        m_containerId, this,
        [this](const engine::EngineResult<engine::ContainerState> &r) { onInspected(r); });
}

void ContainerLogHub::onInspected(const engine::EngineResult<engine::ContainerState> &inspected) {
    if (isDone())
        return;
    if (!inspected && inspected.error().unreachable()) {
        finish(engineFailureMessage(inspected.error()), true);
        return;
    }
    if (!inspected && inspected.error().notFound()) {
        finish(QStringLiteral("Log stream ended"), false);
        return;
    }
    if (!inspected || !inspected->running) {
        // A restart (docker restart, a restart policy) stops the container
        // for a moment: look once more before calling it the end, so viewers
        // follow the restarted container on the same socket.
        if (!m_recheckedStop && inspected) {
            m_recheckedStop = true;
            QTimer::singleShot(RestartGraceMs, this, [this] {
                engine::Engine(*m_docker).inspectContainer(
                    m_containerId, this,
                    [this](const engine::EngineResult<engine::ContainerState> &r) {
                        onInspected(r);
                    });
            });
            return;
        }
        finish(QStringLiteral("Log stream ended"), false);
        return;
    }
    m_recheckedStop = false;
    // Still running (restarted, or the engine dropped the stream): resume
    // right after the last line we relayed. Only drops within one run of the container count
    // against the engine: a crash loop is the container's doing, and is followed.
    const QString startedAt = inspected->startedAt;
    if (startedAt != m_startedAt) {
        m_startedAt = startedAt;
        m_restarts = 0;
    }
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

void ContainerLogHub::relay(const engine::LogLine &line, qint64 tsNs) {
    m_buffer.append(line, tsNs);
    countLine();
    if (m_lineSink)
        m_lineSink(line, tsNs);
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
    for (auto &[client, c] : m_catchingUp) {
        if (c.stream) {
            c.stream->abort();
            c.stream->deleteLater();
        }
    }
    m_catchingUp.clear();
    end(finalMessage, isError, closeCode);
}

} // namespace mist::server
