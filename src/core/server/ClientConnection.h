#pragma once

#include "store/Store.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QWebSocket>

namespace mist::server {

// A signed-in WebSocket client on one of the /ws endpoints. Owns its socket.
//
// Send queue policy: everything handed to send() goes to the socket's write
// buffer; when that buffer holds more than maxQueuedBytes (the client reads
// slower than we produce), the connection is closed with 1008 "client too
// slow" instead of growing memory without bound. A client that wants no gap
// reconnects and resumes (see docs/PROTOCOL.md).
class ClientConnection : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 DefaultMaxQueuedBytes = 8 * 1024 * 1024;
    static constexpr qint64 MaxIncomingBytes = 64 * 1024;

    ClientConnection(QWebSocket *socket, const store::User &user, QObject *parent = nullptr);
    ~ClientConnection() override;

    const store::User &user() const { return m_user; }
    QWebSocket *socket() const { return m_socket; }
    QString endpoint() const { return m_socket->requestUrl().path(); }

    void setMaxQueuedBytes(qint64 bytes) { m_maxQueued = bytes; }
    // Sends one text message; false when the connection is closing or just
    // overflowed (and is being closed with 1008).
    bool send(const QString &message);
    // Closes with a close frame; the connection deletes itself once the peer
    // answered or after a short grace period.
    void close(QWebSocketProtocol::CloseCode code, const QString &reason = {});
    bool isClosing() const { return m_closing; }

    // Liveness: ping now; true when the peer answered a ping or sent anything
    // within `withinMs`.
    void ping();
    bool aliveWithin(qint64 withinMs) const { return m_lastHeard.elapsed() <= withinMs; }

Q_SIGNALS:
    void closed(mist::server::ClientConnection *connection);

private:
    QWebSocket *m_socket;
    store::User m_user;
    qint64 m_maxQueued = DefaultMaxQueuedBytes;
    bool m_closing = false;
    QElapsedTimer m_lastHeard;
};

} // namespace mist::server
