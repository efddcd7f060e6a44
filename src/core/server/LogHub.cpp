// SPDX-License-Identifier: GPL-3.0-or-later

#include "LogHub.h"

#include "ClientConnection.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"

#include <algorithm>
#include <utility>

namespace mist::server {

LogHub::LogHub(QObject *parent)
    : QObject(parent) {
    m_idleGrace.setSingleShot(true);
    m_idleGrace.setInterval(IdleGraceMs);
    connect(&m_idleGrace, &QTimer::timeout, this, [this] {
        if (m_subscribers.isEmpty() && !isDone() && !m_pinned)
            stop();
    });
}

void LogHub::setPinned(bool pinned) {
    m_pinned = pinned;
    if (pinned)
        m_idleGrace.stop();
    else if (m_subscribers.isEmpty() && !isDone())
        m_idleGrace.start();
}

void LogHub::subscribe(ClientConnection *client, std::optional<qint64> sinceNs) {
    // Owners drop a hub when it finishes: an ended hub gets no new viewers.
    Q_ASSERT(!isDone());
    m_subscribers.append(client);
    connect(client, &ClientConnection::closed, this, &LogHub::removeSubscriber);
    m_idleGrace.stop();
    if (isLive())
        deliver(client, sinceNs);
    else
        m_waiting.append({client, sinceNs});
}

void LogHub::goLive() {
    if (m_state != State::Starting)
        return;
    m_state = State::Live;
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &[client, sinceNs] : waiting) {
        // Sending to one viewer may close it (a write that fails aborts the
        // socket at once), and a hub may end while delivering.
        if (client && m_subscribers.contains(client) && !isDone())
            deliver(client, sinceNs);
    }
}

void LogHub::broadcast(const QString &message) {
    // A copy (shared, so free unless edited): send() may flush, a write that
    // fails aborts the socket at once, and its closed() edits m_subscribers.
    const auto subscribers = m_subscribers;
    for (const QPointer<ClientConnection> &c : subscribers) {
        if (!c || isCatchingUp(c))
            continue;
        if (!m_waiting.isEmpty() && std::any_of(m_waiting.cbegin(), m_waiting.cend(),
                                                [&c](const auto &w) { return w.first == c; }))
            continue;
        c->send(message);
    }
}

void LogHub::end(const QString &message, bool isError,
                 std::optional<QWebSocketProtocol::CloseCode> code) {
    if (isDone())
        return;
    m_state = State::Done;
    m_idleGrace.stop();
    m_waiting.clear();
    const auto subscribers = std::exchange(m_subscribers, {});
    if (!message.isEmpty())
        endClients(subscribers, message, isError,
                   code.value_or(isError ? QWebSocketProtocol::CloseCodeBadOperation
                                         : QWebSocketProtocol::CloseCodeNormal));
    Q_EMIT finished(this);
}

bool LogHub::isCatchingUp(ClientConnection *) const {
    return false;
}

void LogHub::forget(ClientConnection *) {}

void LogHub::removeSubscriber(ClientConnection *client) {
    m_waiting.removeIf([client](const auto &w) { return !w.first || w.first.data() == client; });
    forget(client);
    m_subscribers.removeIf(
        [client](const QPointer<ClientConnection> &c) { return !c || c.data() == client; });
    if (m_subscribers.isEmpty() && !isDone() && !m_pinned)
        m_idleGrace.start();
}

QString engineFailureMessage(const engine::EngineError &error) {
    return error.unreachable() ? QStringLiteral("Docker engine unavailable: %1").arg(error.message)
                               : QStringLiteral("Docker engine error: %1").arg(error.message);
}

} // namespace mist::server
