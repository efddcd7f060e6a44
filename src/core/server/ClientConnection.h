// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "OutputBudget.h"
#include "store/Store.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QWebSocket>

class QTcpSocket;

namespace mist::server {

// A signed-in WebSocket client on one of the /ws endpoints. Owns its socket.
//
// Send queue policy (docs/PROTOCOL.md, "Slow viewers"): everything handed to
// send() goes to the socket's write buffer; when that buffer holds more than
// maxQueuedBytes of live data (the client reads slower than we produce), the
// connection is closed with 1008 "client too slow" instead of growing memory
// without bound. The same check runs after every read from the client, so
// that the pongs Qt answers its pings with count too (a client that floods
// pings and never reads is closed like any other that does not read).
// Replays (history) go out through sendReplay() in pieces: whoever replays
// asks hasReplayRoom() before each piece and waits for replayRoom() when
// there is none, so a replay never queues more than about ReplayHighWater.
// Every queue is also reported to the server-wide OutputBudget.
class ClientConnection : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 MaxQueuedBytes = 8 * 1024 * 1024;
    static constexpr qint64 MaxIncomingBytes = 64 * 1024;
    static constexpr qint64 FlushAboveBytes = 256 * 1024;
    static constexpr qint64 TrimAfterQueuedBytes = 1024 * 1024;
    static constexpr qint64 ReplayHighWater = 1024 * 1024;
    static constexpr qint64 ReplayLowWater = 256 * 1024;
    // A replay yields to the event loop after this much, so that one
    // client's history never holds up the others (or /api/health).
    static constexpr qint64 ReplayBytesPerTurn = 64 * 1024;
    // Taken from the client per read: room for the largest frame it may
    // send, and little enough that a flood is looked at between reads.
    static constexpr qint64 ReadChunkBytes = 2 * MaxIncomingBytes;
    static inline const QString TooSlowReason = QStringLiteral("client too slow");

    // `transport` is the TCP (or TLS) socket under `socket`, `budget` the
    // server-wide one; either may be null (then neither is looked at).
    ClientConnection(QWebSocket *socket, QTcpSocket *transport, const store::User &user,
                     const QByteArray &sessionToken, OutputBudget *budget,
                     QObject *parent = nullptr);
    ~ClientConnection() override;

    const store::User &user() const { return m_user; }
    // Re-read at every ping: a changed role or membership applies at once.
    void setUser(const store::User &user) { m_user = user; }
    const QByteArray &sessionToken() const { return m_token; }
    QWebSocket *socket() const { return m_socket; }
    QString endpoint() const { return m_socket->requestUrl().path(); }

    // Bytes written but not yet taken by the kernel (TLS: before and after
    // encryption).
    qint64 queuedBytes() const;
    // Sends one text message; false when the connection is closing or just
    // overflowed (and is being closed with 1008).
    bool send(const QString &message);
    // One message of a replay of history (the container tail, a deployment's
    // log so far). Callers send while hasReplayRoom() and then wait for
    // replayRoom(); what the replay has in flight does not count against the
    // live limit, which applies on top of it.
    bool sendReplay(const QString &message);
    // Whether a replay may send its next piece now. When not, replayRoom()
    // follows: once the queue has drained below ReplayLowWater, or in the
    // next turn of the event loop when this turn's share is used up.
    bool hasReplayRoom();
    // Closes with a close frame; the connection deletes itself once the peer
    // answered or after a short grace period.
    void close(QWebSocketProtocol::CloseCode code, const QString &reason = {});
    // Drops the connection and whatever is still queued for it, at once.
    void abort();
    bool isClosing() const { return m_closing; }

    // Liveness: ping now; true when the peer answered a ping or sent anything
    // within `withinMs`.
    void ping();
    bool aliveWithin(qint64 withinMs) const { return m_lastHeard.elapsed() <= withinMs; }

Q_SIGNALS:
    void closed(mist::server::ClientConnection *connection);
    // A replay that found no room may go on (queued, never from inside send()).
    void replayRoom();

private:
    void afterWrite();
    void afterRead();
    void postReplayRoom();
    void account();
    bool overLiveLimit();

    QWebSocket *m_socket;
    QPointer<QTcpSocket> m_transport;
    store::User m_user;
    QByteArray m_token;
    QPointer<OutputBudget> m_budget; // may go before the connection, at shutdown
    qint64 m_replayInFlight = 0;
    qint64 m_replayThisTurn = 0;
    qint64 m_peakQueued = 0;
    bool m_closing = false;
    bool m_wantsRoom = false;
    bool m_roomPosted = false;
    QElapsedTimer m_lastHeard;
};

// The end of a shared stream for all its viewers: each gets `error`
// (isError) or `end` carrying `reason`, then a close with `code` and reason.
void endClients(const QList<QPointer<ClientConnection>> &clients, const QString &reason,
                bool isError, QWebSocketProtocol::CloseCode code);

} // namespace mist::server
