// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppListWatcher.h"

#include "client/ServerSession.h"
#include "client/StreamConnection.h"

#include <QJsonArray>
#include <QJsonObject>

namespace mist::gui {

AppListWatcher::AppListWatcher(client::ServerSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session) {
    m_stream = new client::StreamConnection(session, QStringLiteral("/ws/apps/stats"), this);
    connect(m_stream, &client::StreamConnection::message, this, [this](const QJsonObject &m) {
        auto apps = parseAppStatsMessage(m);
        if (!apps)
            return;
        m_stats = std::move(*apps);
        m_index.clear();
        QSet<qint64> ids;
        for (int i = 0; i < m_stats.size(); ++i) {
            ids.insert(m_stats[i].appId);
            m_index.insert(m_stats[i].appId, i);
        }
        emit statsUpdated();
        // The first message too: an app added between the list and the socket's start.
        if (m_seen && ids == m_ids)
            return;
        m_seen = true;
        m_ids = ids;
        emit appsChanged();
    });
    m_stream->open();
}

const AppStats *AppListWatcher::statsOf(qint64 appId) const {
    const auto it = m_index.constFind(appId);
    return it == m_index.constEnd() ? nullptr : &m_stats[*it];
}

} // namespace mist::gui
