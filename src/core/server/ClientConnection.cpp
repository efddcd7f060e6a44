// SPDX-License-Identifier: GPL-3.0-or-later

#include "ClientConnection.h"

#include "OutputBudget.h"
#include "protocol/Envelope.h"

#include <QCoreApplication>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace mist::server {

namespace {
// Send queues of slow clients reach megabytes of small chunks; once freed,
// glibc keeps those pages unless asked. One trim, a moment after the last
// such client went, gives them back to the host (PERFORMANCE.md: memory).
void trimHeapSoon() {
#ifdef __GLIBC__
    static bool pending = false;
    if (pending || !QCoreApplication::instance())
        return;
    pending = true;
    QTimer::singleShot(2000, QCoreApplication::instance(), [] {
        pending = false;
        malloc_trim(0);
    });
#endif
}
} // namespace

ClientConnection::ClientConnection(QWebSocket *socket, QTcpSocket *transport,
                                   const store::User &user, const QByteArray &sessionToken,
                                   OutputBudget *budget, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_transport(transport)
    , m_user(user)
    , m_token(sessionToken)
    , m_budget(budget) {
    connect(m_socket, &QWebSocket::bytesWritten, this, [this](qint64 written) {
        m_replayInFlight = std::max<qint64>(0, m_replayInFlight - written);
        account();
        if (m_wantsRoom && !m_closing && queuedBytes() <= ReplayLowWater)
            postReplayRoom();
    });
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingFrameSize(MaxIncomingBytes);
    m_socket->setMaxAllowedIncomingMessageSize(MaxIncomingBytes);
    // Qt answers every ping with a pong in the write buffer, and handles all
    // that one read brought in before anything else runs: a bounded read
    // bounds both the pongs written between two checks and the time taken.
    m_socket->setReadBufferSize(ReadChunkBytes);
    if (m_transport) {
        // Connected after QWebSocket's own handler: runs once the frames of
        // this read (and the pongs they asked for) are handled.
        connect(m_transport, &QTcpSocket::readyRead, this, &ClientConnection::afterRead);
    }
    m_lastHeard.start();
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastHeard.restart(); });
    // Clients have nothing to say; anything they send only proves they are alive.
    connect(m_socket, &QWebSocket::textMessageReceived, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        m_closing = true;
        if (m_budget)
            m_budget->remove(this);
        Q_EMIT closed(this);
        deleteLater();
    });
}

ClientConnection::~ClientConnection() {
    if (m_budget)
        m_budget->remove(this);
    if (m_peakQueued > TrimAfterQueuedBytes)
        trimHeapSoon();
}

qint64 ClientConnection::queuedBytes() const {
    qint64 queued = m_socket->bytesToWrite();
    // A TLS socket encrypts what it is given at once: the queue is then in
    // its encrypted buffer, which bytesToWrite() does not count.
    if (const auto *tls = qobject_cast<const QSslSocket *>(m_transport.data()))
        queued += tls->encryptedBytesToWrite();
    return queued;
}

void ClientConnection::account() {
    const qint64 queued = queuedBytes();
    m_peakQueued = std::max(m_peakQueued, queued);
    // What a replay has in flight is part of the queue, never more.
    m_replayInFlight = std::min(m_replayInFlight, queued);
    if (!m_budget)
        return;
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        m_budget->remove(this);
    else
        m_budget->update(this, queued);
}

bool ClientConnection::overLiveLimit() {
    if (queuedBytes() <= MaxQueuedBytes + m_replayInFlight)
        return false;
    m_socket->flush(); // what the kernel takes now does not count against the client
    return queuedBytes() > MaxQueuedBytes + m_replayInFlight;
}

bool ClientConnection::send(const QString &message) {
    if (m_closing)
        return false;
    if (overLiveLimit()) {
        // 1013 (Try Again Later) would fit best, but Qt clients treat it as a
        // protocol error; 1008 with a clear reason is understood everywhere.
        close(QWebSocketProtocol::CloseCodePolicyViolated, TooSlowReason);
        return false;
    }
    m_socket->sendTextMessage(message);
    afterWrite();
    return !m_closing; // a flush that failed has closed us
}

void ClientConnection::afterWrite() {
    // Bytes pile up here while our own event loop is busy (a burst from the
    // engine after a stall), not only when the client is slow: hand them to
    // the kernel now, so the cap above measures the client, not us.
    if (queuedBytes() > FlushAboveBytes)
        m_socket->flush();
    account();
}

void ClientConnection::afterRead() {
    if (m_closing)
        return;
    account();
    if (overLiveLimit())
        close(QWebSocketProtocol::CloseCodePolicyViolated, TooSlowReason);
}

bool ClientConnection::sendReplay(const QString &message) {
    if (m_closing)
        return false;
    const qint64 written = m_socket->sendTextMessage(message);
    m_replayInFlight += written;
    m_replayThisTurn += written;
    afterWrite();
    return !m_closing;
}

bool ClientConnection::hasReplayRoom() {
    if (m_closing)
        return false;
    if (m_replayThisTurn >= ReplayBytesPerTurn) {
        postReplayRoom();
        return false;
    }
    if (queuedBytes() < ReplayHighWater)
        return true;
    m_wantsRoom = true;
    return false;
}

void ClientConnection::postReplayRoom() {
    if (m_roomPosted)
        return;
    // Queued: bytesWritten also fires inside our own flush(), in the middle
    // of a send, and a replay that used up its turn must let others run.
    m_roomPosted = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_roomPosted = false;
            m_wantsRoom = false;
            m_replayThisTurn = 0;
            if (!m_closing)
                Q_EMIT replayRoom();
        },
        Qt::QueuedConnection);
}

void ClientConnection::close(QWebSocketProtocol::CloseCode code, const QString &reason) {
    if (m_closing)
        return;
    m_closing = true;
    // A close frame's reason may hold at most 123 bytes.
    QString shortReason = reason;
    while (shortReason.toUtf8().size() > 123)
        shortReason.chop(1);
    m_socket->close(code, shortReason);
    account();
    // A peer that never answers the close frame is cut off.
    QTimer::singleShot(5000, this, [this] { m_socket->abort(); });
}

void ClientConnection::abort() {
    m_closing = true;
    m_socket->abort();
}

void ClientConnection::ping() {
    if (!m_closing) {
        m_socket->ping();
        account();
    }
}

void endClients(const QList<QPointer<ClientConnection>> &clients, const QString &reason,
                bool isError, QWebSocketProtocol::CloseCode code) {
    const QString text = isError ? protocol::errorMessage(reason) : protocol::endMessage(reason);
    for (const QPointer<ClientConnection> &c : clients) {
        if (!c)
            continue;
        c->send(text);
        c->close(code, reason);
    }
}

} // namespace mist::server
