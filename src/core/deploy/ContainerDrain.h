// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace mist::deploy {

// Whoever keeps app containers' output (the server's log archive, which sits
// above this layer): before a deployment removes a container it stopped, that
// container's output is read to its end, since once it is removed the engine
// has nothing left to give.
class ContainerDrain {
public:
    // Calls `done` later, from the event loop and never from inside this
    // call, once everything the stopped container printed has been handed to
    // the archive or nothing more can be read; not at all when `context` is
    // gone by then. The caller bounds how long it waits.
    virtual void drain(qint64 appId, const QString &containerId, QObject *context,
                       std::function<void()> done) = 0;

protected:
    ~ContainerDrain() = default;
};

} // namespace mist::deploy
