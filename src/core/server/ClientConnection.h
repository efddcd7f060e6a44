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
    static constexpr qint64 FlushAboveBytes = 256 * 1024;
    static constexpr qint64 TrimAfterQueuedBytes = 1024 * 1024;

    ClientConnection(QWebSocket *socket, const store::User &user, const QByteArray &sessionToken,
                     QObject *parent = nullptr);
    ~ClientConnection() override;

    const store::User &user() const { return m_user; }
    // Re-read at every ping: a changed role or membership applies at once.
    void setUser(const store::User &user) { m_user = user; }
    const QByteArray &sessionToken() const { return m_token; }
    QWebSocket *socket() const { return m_socket; }
    QString endpoint() const { return m_socket->requestUrl().path(); }

    void setMaxQueuedBytes(qint64 bytes) { m_maxQueued = bytes; }
    // Sends one text message; false when the connection is closing or just
    // overflowed (and is being closed with 1008).
    bool send(const QString &message);
    // Replay of history (the container tail, a deployment's log so far): it
    // may exceed the live limit, which applies on top of what the replay
    // still has in flight.
    bool sendReplay(const QString &message);
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
    void afterWrite();

    QWebSocket *m_socket;
    store::User m_user;
    QByteArray m_token;
    qint64 m_maxQueued = DefaultMaxQueuedBytes;
    qint64 m_replayInFlight = 0;
    qint64 m_peakQueued = 0;
    bool m_closing = false;
    QElapsedTimer m_lastHeard;
};

// The end of a shared stream for all its viewers: each gets `error`
// (isError) or `end` carrying `reason`, then a close with `code` and reason.
void endClients(const QList<QPointer<ClientConnection>> &clients, const QString &reason,
                bool isError, QWebSocketProtocol::CloseCode code);

} // namespace mist::server
