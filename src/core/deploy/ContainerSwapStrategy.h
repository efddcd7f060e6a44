// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "DeployStrategy.h"

namespace mist::deploy {

// A single container app-{appId}: stopping_old stops the old container and
// renames it aside (not removed); starting_new creates and starts the new
// one, which must still be running after a short check; only then is the old
// one removed. A failure removes the new container and gives the old one its
// name back and runs it again, so an app is never left half-deployed.
class ContainerSwapStrategy final : public DeployStrategy {
    Q_OBJECT
public:
    using DeployStrategy::DeployStrategy;

    void run() override;
    void rollback(std::function<void()> then) override;

private:
    void setOldAside();
    void removeOld(const QString &renameError);
    void startNew();
    void createContainer();
    void checkStarted();
    void setRestartPolicy();
    void removePrevious();
    void restoreOld(std::function<void()> then);

    QString m_previousName;    // the old container while the new one starts
    bool m_oldStopped = false; // stopped and still named m_target.name
    QString m_newContainerId;
};

} // namespace mist::deploy
