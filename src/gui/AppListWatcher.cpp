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
        if (m.value(QStringLiteral("type")).toString() != u"stats")
            return;
        QSet<qint64> ids;
        const QJsonArray apps =
            m.value(QStringLiteral("data")).toObject().value(QStringLiteral("apps")).toArray();
        for (const QJsonValue &v : apps)
            ids.insert(qint64(v.toObject().value(QStringLiteral("appId")).toDouble()));
        // The first message too: an app added between the list and the socket's start.
        if (m_seen && ids == m_ids)
            return;
        m_seen = true;
        m_ids = ids;
        emit appsChanged();
    });
    m_stream->open();
}

} // namespace mist::gui
