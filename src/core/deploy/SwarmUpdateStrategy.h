// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "DeployStrategy.h"
#include "engine/EngineApi.h"

#include <QElapsedTimer>

#include <optional>

namespace mist::deploy {

// A git app with replicas > 0 is a Swarm service app-{appId}: stopping_old
// submits the rolling update (service create the first time), and
// starting_new follows the engine's own rollout, "k/N tasks updated", to its
// end; a rollout the engine pauses or rolls back fails the deployment with
// the engine's message (docs/SCALING.md). On a failure of our own the engine
// is asked to roll the update back; a service this deployment created goes.
class SwarmUpdateStrategy final : public DeployStrategy {
    Q_OBJECT
public:
    using DeployStrategy::DeployStrategy;

    void run() override;
    void rollback(std::function<void()> then) override;

private:
    void submitService(const std::optional<engine::SwarmService> &existing);
    void onSubmitted(bool create, const QString &existingId,
                     const engine::EngineResult<engine::ServiceSubmitted> &reply);
    void pollRollout();
    void onRolloutTasks(const engine::SwarmService &service, const QList<engine::SwarmTask> &tasks);
    // True when the engine's verdict ended the rollout (the deployment failed).
    bool engineVerdict(const QString &state, const QString &engineMessage,
                       const QString &lastError);
    // A new service has no update status: true once it counts as rolled out.
    bool firstRolloutDone(int updated, int failed, int total);
    void pollFailed(const engine::EngineError &error);
    engine::ServiceSpec serviceSpec(int previousForceUpdate) const;
    void askEngineToRollBack(std::function<void()> then);

    QString m_serviceId;           // the app's Swarm service
    bool m_serviceCreated = false; // by this deployment: removed again on failure
    QString m_rolloutLast;         // the last rollout message logged
    QString m_rollbackReason;      // the engine's message when its rollback began
    QElapsedTimer m_rollout;
    QElapsedTimer m_allRunning; // a new service: since all its tasks run
    int m_failedWhenAllRan = 0;
    int m_pollErrors = 0;
    bool m_engineRolledBack = false; // the engine rolled the update back itself
    QString m_nodeId;                // this engine's swarm node (placement)
};

} // namespace mist::deploy
