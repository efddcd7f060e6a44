// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "AppStats.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

// Follows /ws/apps/stats of one host: each message carries every app the user may see, so a
// change of the set of app ids means an app was added or removed (from the CLI, another
// window, REST) and the sidebar lists the apps again: no F5. Only this project's servers have
// the socket (not upstream Mist's). The one stream of the host also hands out each app's
// figures (CPU, memory, network, block I/O, pids, restarts) to the sidebar and the App usage
// tab, every second.
class AppListWatcher : public QObject {
    Q_OBJECT
public:
    explicit AppListWatcher(client::ServerSession *session, QObject *parent = nullptr);

    // The last message's apps, in its order; empty before the first.
    const QList<AppStats> &stats() const { return m_stats; }
    // One app's last figures; nullptr when the last message did not carry it.
    const AppStats *statsOf(qint64 appId) const;

Q_SIGNALS:
    void appsChanged();
    void statsUpdated(); // a message arrived: stats() is new

private:
    QPointer<client::ServerSession> m_session;
    client::StreamConnection *m_stream = nullptr;
    QSet<qint64> m_ids;
    bool m_seen = false;
    QList<AppStats> m_stats;
    QHash<qint64, int> m_index; // app id -> its place in m_stats
};

} // namespace mist::gui
