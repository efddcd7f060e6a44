// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeployStrategy.h"

#include "engine/DockerClient.h"

namespace mist::deploy {

QString engineFailure(const QString &what, const engine::DockerReply &reply) {
    return reply.httpStatus == 0
               ? QStringLiteral("Docker engine unavailable while %1: %2").arg(what, reply.error)
               : QStringLiteral("Docker engine error while %1: %2").arg(what, reply.error);
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
