// SPDX-License-Identifier: GPL-3.0-or-later

#include "ArchiveBackfill.h"

#include "archive/LogArchive.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "protocol/Parsing.h"
#include "server/LogHub.h"

namespace mist::server {

namespace {
// The writer may hold this share of its pending bound for backfills; above
// it the engine stream waits, so live lines always find room.
constexpr int PendingShareDivisor = 4;
constexpr int ResumeCheckMs = 50;
} // namespace

ArchiveBackfill::ArchiveBackfill(engine::DockerClient *docker, archive::LogArchive *archive,
                                 Target target, std::optional<qint64> afterNs, qint64 beforeNs,
                                 QObject *parent)
    : QObject(parent)
    , m_docker(docker)
    , m_archive(archive)
    , m_target(std::move(target))
    , m_afterNs(afterNs)
    , m_beforeNs(beforeNs)
    , m_decoder(m_target.tty ? engine::LogStreamDecoder::Mode::Tty
                             : engine::LogStreamDecoder::Mode::Multiplexed) {
    m_resume.setSingleShot(true);
    m_resume.setInterval(ResumeCheckMs);
    connect(&m_resume, &QTimer::timeout, this, &ArchiveBackfill::throttle);
}

ArchiveBackfill::~ArchiveBackfill() {
    if (m_stream)
        m_stream->abort();
}

void ArchiveBackfill::start() {
    engine::LogsQuery query;
    if (m_afterNs)
        query.since = protocol::engineSinceParameter(*m_afterNs + 1);
    if (m_beforeNs > 0)
        query.until = protocol::engineSinceParameter(m_beforeNs);
    // A stream, not a request: a backlog may be far larger than a reply the
    // engine client holds whole.
    m_stream = engine::Engine(*m_docker).streamContainerLogs(m_target.container.id, query);
    m_stream->setParent(this);
    connect(m_stream, &engine::DockerStream::data, this, &ArchiveBackfill::onData);
    engine::streamFinished(m_stream, this,
                           [this](const engine::EngineResult<void> &ended) { onFinished(ended); });
}

void ArchiveBackfill::append(const engine::LogLine &line) {
    const qint64 ts = protocol::parseEngineTimestampNs(line.ts).value_or(0);
    if ((m_afterNs && ts <= *m_afterNs) || (m_beforeNs > 0 && ts >= m_beforeNs))
        return;
    const auto stream =
        line.stream == u"stderr" ? archive::Stream::Stderr : archive::Stream::Stdout;
    if (m_archive->append(m_target.appId, m_target.container, m_target.deploymentId,
                          archive::Record::line(ts, stream, line.line, line.truncated)))
        ++m_appended;
}

void ArchiveBackfill::onData(const QByteArray &bytes) {
    QList<engine::LogLine> lines;
    m_decoder.feed(bytes, lines);
    for (const engine::LogLine &line : std::as_const(lines))
        append(line);
    if (m_decoder.failed())
        return done(QStringLiteral("Malformed log stream from the engine: %1")
                        .arg(m_decoder.errorString()));
    throttle();
}

void ArchiveBackfill::throttle() {
    if (!m_stream)
        return;
    const bool behind = m_archive->stats().pendingBytes >
                        m_archive->options().maxPendingBytes / PendingShareDivisor;
    if (behind) {
        m_stream->pause();
        m_resume.start();
    } else if (m_stream->isPaused()) {
        m_stream->resume();
    }
}

void ArchiveBackfill::onFinished(const engine::EngineResult<void> &ended) {
    if (m_stream)
        m_stream->deleteLater();
    m_stream = nullptr;
    QList<engine::LogLine> rest;
    m_decoder.finish(rest);
    for (const engine::LogLine &line : std::as_const(rest))
        append(line);
    done(ended ? QString() : engineFailureMessage(ended.error()));
}

void ArchiveBackfill::done(const QString &error) {
    if (m_done)
        return;
    m_done = true;
    m_resume.stop();
    if (m_stream) {
        m_stream->abort();
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    Q_EMIT finished(error);
    deleteLater();
}

} // namespace mist::server
