// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "archive/ArchiveQuery.h"
#include "engine/EngineApi.h"
#include "engine/LogStreamDecoder.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace mist::engine {
class DockerClient;
class DockerStream;
} // namespace mist::engine

namespace mist::archive {
class LogArchive;
}

namespace mist::server {

// Reads one stretch of a container's own log from the engine into the log
// archive: the lines after what the archive holds and before where a hub's
// reading began (or up to now, for a container that stopped while the
// server was down). The engine stream is paused while the archive's writer
// is behind, so a long backlog never piles up in memory. Deletes itself
// after finished().
class ArchiveBackfill : public QObject {
    Q_OBJECT
public:
    struct Target {
        qint64 appId = 0;
        archive::ContainerRef container;
        qint64 deploymentId = 0;
        bool tty = false;
    };
    // Lines with afterNs < ts < beforeNs; afterNs unset: from the log's
    // start; beforeNs 0: up to the end of the log as it is now.
    ArchiveBackfill(engine::DockerClient *docker, archive::LogArchive *archive, Target target,
                    std::optional<qint64> afterNs, qint64 beforeNs, QObject *parent = nullptr);
    ~ArchiveBackfill() override;

    void start();
    const Target &target() const { return m_target; }
    qint64 linesAppended() const { return m_appended; }

Q_SIGNALS:
    // error: empty when the stretch was read to its end.
    void finished(const QString &error);

private:
    void onData(const QByteArray &bytes);
    void onFinished(const engine::EngineResult<void> &ended);
    void append(const engine::LogLine &line);
    void throttle();
    void done(const QString &error);

    engine::DockerClient *m_docker;
    archive::LogArchive *m_archive;
    Target m_target;
    std::optional<qint64> m_afterNs;
    qint64 m_beforeNs;
    engine::LogStreamDecoder m_decoder;
    QPointer<engine::DockerStream> m_stream;
    QTimer m_resume;
    qint64 m_appended = 0;
    bool m_done = false;
};

} // namespace mist::server
