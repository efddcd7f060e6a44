// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "DeployStrategy.h"

#include <QTimer>

namespace mist::deploy {

// A single container app-{appId}: stopping_old stops the old container and
// renames it aside (not removed); starting_new creates and starts the new
// one, which must still be running after a short check; only then is the old
// one removed. A failure removes the new container and gives the old one its
// name back and runs it again, so an app is never left half-deployed.
// Once the old container has stopped, the log archive (config.containerDrain)
// is asked to read its output to the end; its removal waits for that, at most
// DrainBoundMs after the stop, and then goes on with a warning.
class ContainerSwapStrategy final : public DeployStrategy {
    Q_OBJECT
public:
    ContainerSwapStrategy(DeployPipeline &pipeline, engine::DockerClient &docker,
                          const DeployConfig &config, DeployTarget target, QObject *parent);

    static constexpr int DrainBoundMs = 5000;

    void run() override;
    void rollback(std::function<void()> then) override;

private:
    void setOldAside();
    void removeOld(const QString &renameError);
    void startNew();
    void createContainer();
    void checkStarted();
    void failWithOutput(const QString &errorMessage);
    void setRestartPolicy();
    void removePrevious();
    void restoreOld(std::function<void()> then);
    void startDrain();
    void drained(bool inTime);
    // Runs `then` once the old container's output is archived (or the bound passed).
    void whenDrained(std::function<void()> then);

    QString m_previousName;    // the old container while the new one starts
    bool m_oldStopped = false; // stopped and still named m_target.name
    QString m_newContainerId;
    QString m_oldContainerId;
    bool m_draining = false;
    QTimer m_drainBound;
    std::function<void()> m_afterDrain;
};

} // namespace mist::deploy
