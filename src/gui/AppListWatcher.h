// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

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
// the socket (not upstream Mist's).
class AppListWatcher : public QObject {
    Q_OBJECT
public:
    explicit AppListWatcher(client::ServerSession *session, QObject *parent = nullptr);

Q_SIGNALS:
    void appsChanged();

private:
    QPointer<client::ServerSession> m_session;
    client::StreamConnection *m_stream = nullptr;
    QSet<qint64> m_ids;
    bool m_seen = false;
};

} // namespace mist::gui
