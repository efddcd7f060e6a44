// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeployStrategy.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "engine/LogStreamDecoder.h"
#include "text/AnsiEscapes.h"

#include <algorithm>

namespace mist::deploy {

QString engineFailure(const QString &what, const engine::EngineError &error) {
    return error.unreachable()
               ? QStringLiteral("Docker engine unavailable while %1: %2").arg(what, error.message)
               : QStringLiteral("Docker engine error while %1: %2").arg(what, error.message);
}

QStringList lastContainerOutput(QByteArrayView logsBody) {
    engine::LogStreamDecoder decoder(engine::LogStreamDecoder::Mode::Multiplexed,
                                     LastOutput::MaxLineBytes);
    QList<engine::LogLine> lines;
    decoder.feed(logsBody, lines);
    decoder.finish(lines); // a last line without its newline still counts
    QStringList out;
    const qsizetype first = std::max<qsizetype>(0, lines.size() - LastOutput::MaxLines);
    for (qsizetype i = first; i < lines.size(); ++i) {
        const QString text = text::stripAnsiEscapes(lines[i].line);
        QString clean;
        clean.reserve(text.size() + 1);
        for (const QChar c : text)
            if (c == u'\t' || (c.unicode() >= 0x20 && c.unicode() != 0x7f &&
                               !(c.unicode() >= 0x80 && c.unicode() < 0xa0)))
                clean += c;
        if (lines[i].truncated)
            clean += u'\u2026';
        out << clean;
    }
    return out;
}

DeployStrategy::DeployStrategy(DeployPipeline &pipeline, engine::DockerClient &docker,
                               const DeployConfig &config, DeployTarget target, QObject *parent)
    : QObject(parent)
    , m_pipeline(pipeline)
    , m_docker(docker)
    , m_config(config)
    , m_target(std::move(target)) {}

bool DeployStrategy::failIfStopping() {
    const QString reason = m_pipeline.stopReason();
    if (reason.isEmpty())
        return false;
    fail(reason);
    return true;
}

} // namespace mist::deploy
